//! The two global card acquirers.

use super::{currencies, fee, home, latency, method, three_ds};
use crate::sandbox::PspProfile;
use crate::{CountrySet, CurrencySet, MethodType};

/// A US acquirer that takes cards from everywhere in any currency.
pub(super) fn atlas() -> PspProfile {
    let card = method(
        MethodType::Card,
        CountrySet::Any,
        CurrencySet::Any,
        0.90,
        fee(
            290,
            150,
            &[
                ("USD", 30),
                ("CAD", 30),
                ("EUR", 25),
                ("GBP", 20),
                ("JPY", 40),
            ],
        ),
    )
    .manual_capture()
    .completion(0.9)
    .by_country(&[
        ("US", 0.94),
        ("CA", 0.93),
        ("GB", 0.92),
        ("DE", 0.91),
        ("FR", 0.90),
        ("JP", 0.86),
        ("CN", 0.78),
        ("BR", 0.74),
        ("MX", 0.77),
        ("IN", 0.72),
    ]);
    PspProfile {
        name: "atlas".to_string(),
        home_countries: home(&["US", "CA"]),
        methods: vec![card],
        latency: latency(320, 0.35),
        timeout_rate: 0.001,
        server_error_rate: 0.002,
        soft_decline_share: 0.3,
        three_ds: three_ds(0.3, 0.02),
    }
}

/// A UK/EU acquirer: cheaper, faster, better on European cards, weaker
/// elsewhere.
pub(super) fn harbor() -> PspProfile {
    let card = method(
        MethodType::Card,
        CountrySet::Any,
        currencies(&[
            "USD", "EUR", "GBP", "JPY", "CHF", "AUD", "CAD", "SEK", "NOK", "DKK", "PLN", "SGD",
            "HKD",
        ]),
        0.88,
        fee(250, 200, &[("EUR", 25), ("GBP", 20), ("USD", 30)]),
    )
    .manual_capture()
    .completion(0.9)
    .by_country(&[
        ("US", 0.90),
        ("GB", 0.94),
        ("IE", 0.93),
        ("DE", 0.93),
        ("FR", 0.93),
        ("NL", 0.94),
        ("ES", 0.92),
        ("IT", 0.91),
        ("JP", 0.84),
        ("BR", 0.70),
        ("MX", 0.74),
        ("IN", 0.70),
    ]);
    PspProfile {
        name: "harbor".to_string(),
        home_countries: home(&["GB", "IE", "DE", "FR", "NL", "ES", "IT"]),
        methods: vec![card],
        latency: latency(260, 0.45),
        timeout_rate: 0.0015,
        server_error_rate: 0.003,
        soft_decline_share: 0.3,
        three_ds: three_ds(0.35, 0.02),
    }
}
