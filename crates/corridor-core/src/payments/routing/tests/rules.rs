//! Rule tables: `method country currency [min..max] -> connectors` (`*`
//! matches anything), then payments and the candidates they get.

use super::{country, currency, lines};
use crate::payments::routing::{
    RouteContext, RoutingRule, RoutingRules, RuleError, RuleMatch, CONNECTORS_PER_RULE_MAX,
};
use crate::Amount;

const RULES: &str = "
    card US USD 100..50000 -> lotus atlas
    card * JPY -> lotus harbor
    * BR * -> andes atlas
    default -> atlas harbor
";

/// `method country currency amount_minor -> expected candidates`.
const PAYMENTS: &str = "
    card US USD 100 -> lotus atlas
    card US USD 50000 -> lotus atlas
    # Outside the amount range: the next matching rule, here the default.
    card US USD 99 -> atlas harbor
    card US USD 50001 -> atlas harbor
    card US EUR 500 -> atlas harbor
    card JP JPY 1 -> lotus harbor
    card US JPY 1000000 -> lotus harbor
    pix BR BRL 100 -> andes atlas
    # The first matching rule wins, even if a later one is more specific.
    card BR JPY 500 -> lotus harbor
    card DE EUR 100 -> atlas harbor
";

fn any<T>(word: &str, parse: impl Fn(&str) -> T) -> Option<T> {
    (word != "*").then(|| parse(word))
}

fn amount(minor: &str) -> Amount {
    Amount::non_negative(minor.parse().unwrap()).unwrap()
}

fn names(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Parses a rule table into rules and the default connectors.
fn parse_rules(text: &str) -> (Vec<RoutingRule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut default = Vec::new();
    for line in lines(text) {
        let (when, connectors) = line.split_once("->").unwrap();
        let words: Vec<&str> = when.split_whitespace().collect();
        if words == ["default"] {
            default = names(connectors);
            continue;
        }
        let (amount_min, amount_max) = match words.get(3).and_then(|r| r.split_once("..")) {
            Some((min, max)) => (any(min, amount), any(max, amount)),
            None => (None, None),
        };
        let when = RuleMatch {
            method: any(words[0], str::to_string),
            country: any(words[1], country),
            currency: any(words[2], currency),
            amount_min,
            amount_max,
        };
        rules.push(RoutingRule {
            when,
            connectors: names(connectors),
        });
    }
    (rules, default)
}

#[test]
fn the_first_matching_rule_names_the_candidates() {
    let (rules, default) = parse_rules(RULES);
    let rules = RoutingRules::new(rules, default).unwrap();
    for line in lines(PAYMENTS) {
        let (payment, expected) = line.split_once("->").unwrap();
        let words: Vec<&str> = payment.split_whitespace().collect();
        let context = RouteContext {
            method: words[0],
            country: country(words[1]),
            currency: currency(words[2]),
            amount: amount(words[3]),
        };
        assert_eq!(rules.candidates(&context), names(expected), "{line}");
    }
}

#[test]
fn refuses_rule_sets_that_cannot_mean_what_they_say() {
    let too_many: String = (0..=CONNECTORS_PER_RULE_MAX)
        .map(|i| format!(" c{i}"))
        .collect();
    let cases = [
        ("card * * -> \n default -> atlas", "no_connectors"),
        ("default -> ", "no_connectors"),
        (
            "card * * -> atlas harbor atlas\n default -> atlas",
            "duplicate_connector",
        ),
        (
            "card * * 100..200 -> atlas\n default -> atlas",
            "amount_without_currency",
        ),
        (
            "card * USD 300..200 -> atlas\n default -> atlas",
            "empty_amount_range",
        ),
        (&format!("default -> {too_many}"), "too_many_connectors"),
    ];
    for (text, code) in cases {
        let (rules, default) = parse_rules(text);
        let got = RoutingRules::new(rules, default).map(|_| ());
        assert_eq!(got.map_err(|e| e.code()), Err(code), "{text}");
    }
    let empty_name = RoutingRules::new(Vec::new(), vec![String::new()]);
    assert_eq!(
        empty_name,
        Err(RuleError::EmptyConnectorName { rule: None })
    );
}

#[test]
fn errors_name_the_rule() {
    let (rules, default) = parse_rules("card * * -> atlas\n pix * * -> \n default -> atlas");
    let error = RoutingRules::new(rules, default).unwrap_err();
    assert_eq!(error, RuleError::NoConnectors { rule: Some(1) });
    assert_eq!(error.to_string(), "routing rule 1 names no connector");
}
