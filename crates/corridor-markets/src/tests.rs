//! The embedded data: every file loads and holds what the payment engine
//! relies on; and the registry's queries answer from it.

use corridor_core::{CountryCode, Currency};

use crate::{markets, Flow, MarketStatus, Markets, MethodType, RuleKind};

/// The markets the knowledge base must always cover.
const REQUIRED: [&str; 30] = [
    "US", "CA", "MX", "BR", "GB", "DE", "FR", "NL", "ES", "IT", "PL", "SE", "JP", "KR", "CN", "HK",
    "SG", "IN", "ID", "TH", "VN", "PH", "MY", "AU", "AE", "SA", "TR", "ZA", "NG", "EG",
];

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("valid country code")
}

fn cur(code: &str) -> Currency {
    Currency::parse(code).expect("valid currency")
}

fn ty(id: &str) -> MethodType {
    MethodType::parse(id).expect("known method type")
}

#[test]
fn every_embedded_file_loads() {
    if let Err(e) = Markets::embedded() {
        panic!("{e}");
    }
}

#[test]
fn every_file_in_the_data_folder_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("data folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter_map(|name| name.strip_suffix(".toml").map(str::to_string))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = crate::data::FILES
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn the_required_markets_exist() {
    for code in REQUIRED {
        assert!(markets().get(cc(code)).is_some(), "{code} missing");
    }
    assert!(markets().all().len() >= REQUIRED.len());
}

#[test]
fn open_markets_list_methods_and_closed_ones_name_their_sanctions() {
    for m in markets().all() {
        let country = m.country();
        let code = country.as_str();
        match m.status() {
            MarketStatus::Open => assert!(!m.methods().is_empty(), "{code} has no method"),
            MarketStatus::Blocked => {
                assert!(
                    m.methods().is_empty(),
                    "{code} is blocked but lists methods"
                );
                assert!(
                    m.sanctions().any(|s| s.comprehensive()),
                    "{code} has no sanctions rule"
                );
            }
            MarketStatus::Restricted => assert!(m.sanctions().next().is_some(), "{code}"),
        }
    }
    for code in ["IR", "KP", "CU"] {
        assert_eq!(
            markets().status(cc(code)),
            Some(MarketStatus::Blocked),
            "{code}"
        );
    }
    assert_eq!(markets().status(cc("RU")), Some(MarketStatus::Restricted));
}

#[test]
fn shares_add_up_to_at_most_100_percent() {
    for m in markets().all() {
        let total: u16 = m
            .methods()
            .iter()
            .filter_map(|p| p.share())
            .map(|s| s.tenths())
            .sum();
        assert!(total <= 1000, "{}: {total} tenths", m.country().as_str());
    }
}

#[test]
fn every_method_and_rule_has_a_source() {
    for m in markets().all() {
        let country = m.country();
        let code = country.as_str();
        for p in m.methods() {
            assert!(!p.source().trim().is_empty(), "{code} {}", p.method_type());
            assert!(!p.currencies().is_empty(), "{code} {}", p.method_type());
        }
        for r in m.rules() {
            assert!(!r.source().trim().is_empty(), "{code} {}", r.code());
            assert!(!r.summary().trim().is_empty(), "{code} {}", r.code());
        }
    }
}

#[test]
fn japan_has_konbini_with_its_limits_and_paypay() {
    let jp = markets().get(cc("JP")).expect("JP");
    assert_eq!(jp.currency(), cur("JPY"));
    let konbini = jp.method(ty("konbini")).expect("konbini");
    assert!(konbini.is_async());
    assert_eq!(konbini.flow(), Flow::Voucher);
    let limit = konbini.limit(cur("JPY")).expect("JPY limit");
    assert_eq!(limit.max_minor(), Some(300_000));
    assert!(limit.allows(300_000) && !limit.allows(300_001));
    assert_eq!(konbini.expiry().and_then(|e| e.default_days()), Some(3));
    assert!(markets().offers(cc("JP"), ty("paypay")));
    assert!(!markets().offers(cc("JP"), ty("pix")));
}

#[test]
fn oxxo_and_upi_limits_are_in_minor_units() {
    let oxxo = markets().method(cc("MX"), ty("oxxo")).expect("oxxo");
    assert_eq!(
        oxxo.limit(cur("MXN")).and_then(|l| l.max_minor()),
        Some(1_000_000)
    );
    assert_eq!(oxxo.expiry().and_then(|e| e.max_days()), Some(7));
    let upi = markets().method(cc("IN"), ty("upi")).expect("upi");
    assert_eq!(
        upi.limit(cur("INR")).and_then(|l| l.max_minor()),
        Some(10_000_000)
    );
}

#[test]
fn sca_applies_in_the_eea_and_uk_with_the_low_value_exemption() {
    let m = markets();
    assert!(
        !m.sca_required(cc("DE"), 3000, cur("EUR")),
        "EUR 30.00 is low value"
    );
    assert!(m.sca_required(cc("DE"), 3001, cur("EUR")));
    assert!(
        m.sca_required(cc("DE"), 1000, cur("USD")),
        "no conversion: another currency needs SCA"
    );
    assert!(!m.sca_required(cc("GB"), 2999, cur("GBP")));
    assert!(m.sca_required(cc("GB"), 5000, cur("GBP")));
    assert!(m.sca_required(cc("PL"), 13212, cur("PLN")));
    assert!(!m.sca_required(cc("PL"), 13211, cur("PLN")));
    assert!(
        !m.sca_required(cc("US"), 1_000_000, cur("USD")),
        "no SCA rule in the US"
    );
    for code in ["DE", "FR", "NL", "ES", "IT", "PL", "SE", "GB"] {
        assert!(
            m.get(cc(code)).and_then(|x| x.sca()).is_some(),
            "{code} has no SCA rule"
        );
    }
    let sca = m.get(cc("FR")).and_then(|x| x.sca()).expect("FR SCA");
    assert_eq!(sca.tra_exemption_minor_max(5), Some(25_000));
    assert_eq!(sca.tra_exemption_minor_max(13), Some(10_000));
    assert_eq!(sca.tra_exemption_minor_max(14), None);
    assert!(sca.merchant_initiated_exempt() && sca.recurring_fixed_amount_exempt());
}

#[test]
fn china_and_india_limits_are_structured() {
    let cn = markets().get(cc("CN")).expect("CN");
    let limit = cn
        .rules()
        .iter()
        .find_map(|r| match r.kind() {
            RuleKind::ImportLimit(l) => Some(l),
            _ => None,
        })
        .expect("import limit");
    assert_eq!(
        (
            limit.per_transaction_minor_max(),
            limit.per_year_minor_max()
        ),
        (500_000, 2_600_000)
    );
    let pa_cb = markets()
        .get(cc("IN"))
        .expect("IN")
        .rules()
        .iter()
        .find_map(|r| match r.kind() {
            RuleKind::PaCb(p) => Some(p),
            _ => None,
        })
        .expect("PA-CB");
    assert_eq!(pa_cb.per_unit_minor_max(), 250_000_000);
    assert_eq!(pa_cb.currency(), cur("INR"));
}

#[test]
fn blocked_markets_offer_nothing_and_unknown_ones_answer_none() {
    assert!(!markets().offers(cc("KP"), ty("card")));
    assert!(
        markets().offers(cc("RU"), ty("mir")),
        "restricted is not blocked"
    );
    assert_eq!(markets().get(cc("AQ")), None);
    assert_eq!(markets().status(cc("AQ")), None);
    assert!(!markets().sca_required(cc("AQ"), 100_000, cur("EUR")));
}
