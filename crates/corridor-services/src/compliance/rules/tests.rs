use std::sync::Arc;

use corridor_core::{Amount, Currency, Timestamp};

use super::*;

fn usd(cents: i64) -> Amount {
    Amount::non_negative(cents).unwrap()
}

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn rules() -> RuleSet {
    RuleSet {
        version: 1,
        unapproved_merchant_limit_usd: usd(100_000),
        corridor: vec![
            CorridorRule {
                name: "sanctioned_markets".into(),
                scope: Scope {
                    countries: vec!["KP".into(), "IR".into()],
                    ..Scope::default()
                },
                check: CorridorCheck::Closed,
            },
            CorridorRule {
                name: "cn_cross_border_ecommerce".into(),
                scope: Scope {
                    flows: vec![Flow::Payment],
                    countries: vec!["CN".into()],
                    ..Scope::default()
                },
                check: CorridorCheck::MaxAmountUsd(usd(5_000_000)),
            },
            CorridorRule {
                name: "purpose_code_inr".into(),
                scope: Scope {
                    flows: vec![Flow::Payout],
                    currencies: vec![cur("INR")],
                    ..Scope::default()
                },
                check: CorridorCheck::PurposeCodeRequired,
            },
        ],
        monitoring: vec![
            MonitoringRule {
                name: "card_velocity".into(),
                scope: Scope::default(),
                severity: Severity::High,
                check: MonitoringCheck::Velocity {
                    per: Subject::Card,
                    window_seconds: 3_600,
                    max_count: 3,
                },
            },
            MonitoringRule {
                name: "structuring".into(),
                scope: Scope::default(),
                severity: Severity::High,
                check: MonitoringCheck::Structuring {
                    threshold_usd: usd(1_000_000),
                    margin_bps: 1_000,
                    window_seconds: 86_400,
                    min_count: 3,
                },
            },
            MonitoringRule {
                name: "volume_spike".into(),
                scope: Scope {
                    flows: vec![Flow::Payment],
                    ..Scope::default()
                },
                severity: Severity::Medium,
                check: MonitoringCheck::VolumeSpike {
                    factor: 5,
                    baseline_days: 7,
                    min_baseline_usd: usd(10_000),
                },
            },
            MonitoringRule {
                name: "high_risk_countries".into(),
                scope: Scope::default(),
                severity: Severity::Medium,
                check: MonitoringCheck::HighRiskCountry {
                    countries: vec!["MM".into()],
                },
            },
            MonitoringRule {
                name: "refund_ratio".into(),
                scope: Scope {
                    flows: vec![Flow::Refund],
                    ..Scope::default()
                },
                severity: Severity::Medium,
                check: MonitoringCheck::RefundRatio {
                    max_bps: 2_000,
                    window_days: 30,
                    min_sales_usd: usd(100_000),
                },
            },
            MonitoringRule {
                name: "round_amounts".into(),
                scope: Scope::default(),
                severity: Severity::Low,
                check: MonitoringCheck::RoundAmount {
                    min_usd: usd(500_000),
                    multiple: usd(100_000),
                },
            },
        ],
    }
}

/// USD per unit of the currencies the tests use (the ECB reference rates
/// of 2026-10-30 crossed through EUR).
struct ReferenceRates;

impl UsdValuation for ReferenceRates {
    fn usd_value(&self, amount: Amount, currency: Currency) -> Option<Amount> {
        let usd_per_unit = match currency.code() {
            "USD" => rust_decimal::Decimal::ONE,
            "EUR" => rust_decimal::Decimal::new(11172, 4),
            "CNY" => rust_decimal::Decimal::new(11172, 4) / rust_decimal::Decimal::new(74326, 4),
            "INR" => rust_decimal::Decimal::new(11172, 4) / rust_decimal::Decimal::new(106084, 3),
            _ => return None,
        };
        let usd = Currency::parse("USD").ok()?;
        corridor_core::Rate::new(usd_per_unit.round_dp(10))
            .ok()?
            .convert(amount, currency, usd, corridor_core::Rounding::Up)
            .ok()
    }
}

fn engine() -> RulesEngine {
    let engine = RulesEngine::new(rules(), None);
    engine.set_valuation(Arc::new(ReferenceRates));
    engine
}

fn tx<'a>(
    e: &RulesEngine,
    flow: Flow,
    country: &'a str,
    code: &str,
    minor: i64,
) -> Transaction<'a> {
    let currency = cur(code);
    let amount = Amount::non_negative(minor).unwrap();
    Transaction {
        flow,
        reference: "ref",
        merchant: "mer_1",
        merchant_approved: true,
        country: Some(country),
        currency,
        amount,
        amount_usd: e.usd_value(amount, currency),
        card: None,
        card_sca: None,
        beneficiary: None,
        purpose_code: None,
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_micros(1_800_000_000_000_000 + seconds * 1_000_000)
}

fn names(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule.as_str()).collect()
}

#[test]
fn corridor_rules_refuse_naming_the_rule() {
    let e = engine();
    let closed = e
        .check(&tx(&e, Flow::Payment, "KP", "USD", 100))
        .unwrap_err();
    assert_eq!(closed.rule, "sanctioned_markets");
    assert!(
        closed.message.contains("`sanctioned_markets`"),
        "{}",
        closed.message
    );
    // China's USD 50,000 per transaction: exactly the limit passes, a cent more is refused.
    assert!(e
        .check(&tx(&e, Flow::Payment, "CN", "USD", 5_000_000))
        .is_ok());
    let over = e
        .check(&tx(&e, Flow::Payment, "CN", "USD", 5_000_001))
        .unwrap_err();
    assert_eq!(
        (over.code, over.rule.as_str()),
        ("transaction_rule", "cn_cross_border_ecommerce")
    );
    // Valued in USD: CNY 400,000 is above USD 50,000.
    let cny = e
        .check(&tx(&e, Flow::Payment, "CN", "CNY", 40_000_000))
        .unwrap_err();
    assert_eq!(cny.rule, "cn_cross_border_ecommerce");
    // The limit is the payment flow's only.
    assert!(e
        .check(&tx(&e, Flow::Payout, "CN", "USD", 9_000_000))
        .is_ok());
    let mut payout = tx(&e, Flow::Payout, "IN", "INR", 1_000_000);
    assert_eq!(e.check(&payout).unwrap_err().rule, "purpose_code_inr");
    payout.purpose_code = Some("P0802");
    assert!(e.check(&payout).is_ok());
}

#[test]
fn an_unapproved_merchant_accepts_up_to_its_limit() {
    let e = engine();
    let mut t = tx(&e, Flow::Payment, "US", "USD", 100_000);
    t.merchant_approved = false;
    assert!(e.check(&t).is_ok());
    t.amount = usd(100_001);
    t.amount_usd = Some(usd(100_001));
    let refused = e.check(&t).unwrap_err();
    assert_eq!(refused.code, "merchant_not_approved");
    assert_eq!(refused.rule, UNAPPROVED_LIMIT_RULE);
    t.merchant_approved = true;
    assert!(e.check(&t).is_ok());
}

#[test]
fn card_velocity_alerts_once_per_window() {
    let e = engine();
    let mut t = tx(&e, Flow::Payment, "US", "USD", 1_234);
    t.card = Some("fp_1");
    for i in 0..3 {
        assert!(names(&e.observe(&t, at(i))).is_empty());
    }
    assert_eq!(names(&e.observe(&t, at(3))), ["card_velocity"]);
    assert!(
        names(&e.observe(&t, at(4))).is_empty(),
        "quiet within the window"
    );
    // Another card is counted apart.
    t.card = Some("fp_2");
    assert!(names(&e.observe(&t, at(5))).is_empty());
    // After the window the old ones no longer count.
    t.card = Some("fp_1");
    assert!(names(&e.observe(&t, at(4_000))).is_empty());
}

#[test]
fn structuring_just_below_the_threshold() {
    let e = engine();
    let below = tx(&e, Flow::Payout, "US", "USD", 995_000);
    let at_threshold = tx(&e, Flow::Payout, "US", "USD", 1_000_000);
    // At the threshold is not below it (a round amount though).
    assert!(!names(&e.observe(&at_threshold, at(0))).contains(&"structuring"));
    assert!(e.observe(&below, at(1)).is_empty());
    assert!(e.observe(&below, at(2)).is_empty());
    assert_eq!(names(&e.observe(&below, at(3))), ["structuring"]);
}

#[test]
fn volume_spike_against_the_merchants_baseline() {
    let e = engine();
    for d in 0..7 {
        assert!(e
            .observe(&tx(&e, Flow::Payment, "US", "USD", 20_000), at(d * 86_400))
            .is_empty());
    }
    // Baseline: 7 days of USD 200 = USD 200 a day; today USD 1,000 is five times, not above.
    let today = 7 * 86_400;
    assert!(e
        .observe(&tx(&e, Flow::Payment, "US", "USD", 100_000), at(today))
        .is_empty());
    assert_eq!(
        names(&e.observe(&tx(&e, Flow::Payment, "US", "USD", 1_234), at(today + 1))),
        ["volume_spike"]
    );
}

#[test]
fn refund_ratio_high_risk_country_and_round_amounts() {
    let e = engine();
    assert_eq!(
        names(&e.observe(&tx(&e, Flow::Payment, "MM", "USD", 123), at(0))),
        ["high_risk_countries"]
    );
    assert!(e
        .observe(&tx(&e, Flow::Payment, "US", "USD", 100_001), at(1))
        .is_empty());
    // Sales USD 1,001.24: refunds of 20% (USD 200.248) are allowed, a cent more is not.
    assert!(e
        .observe(&tx(&e, Flow::Refund, "US", "USD", 20_024), at(2))
        .is_empty());
    assert_eq!(
        names(&e.observe(&tx(&e, Flow::Refund, "US", "USD", 2), at(3))),
        ["refund_ratio"]
    );
    assert_eq!(
        names(&e.observe(&tx(&e, Flow::Payment, "US", "EUR", 500_000), at(4))),
        ["round_amounts"]
    );
    assert!(e
        .observe(&tx(&e, Flow::Payment, "US", "EUR", 500_001), at(5))
        .is_empty());
}

#[test]
fn rule_names_are_unique_and_not_reserved() {
    let mut set = rules();
    assert!(set.check().is_ok());
    set.monitoring[1].name = "card_velocity".into();
    assert_eq!(set.check().unwrap_err().0, "monitoring_rules[1].name");
    let mut set = rules();
    set.corridor[2].name = UNAPPROVED_LIMIT_RULE.into();
    assert_eq!(set.check().unwrap_err().0, "corridor_rules[2].name");
}
