//! The European PSP.

use super::{countries, currencies, fee, home, latency, limit, method, three_ds, EUROPE};
use crate::sandbox::PspProfile;
use crate::MethodType;

/// iDEAL, Bancontact, SEPA Direct Debit, Klarna and European cards.
pub(super) fn meridian() -> PspProfile {
    let methods = vec![
        method(
            MethodType::Ideal,
            countries(&["NL"]),
            currencies(&["EUR"]),
            0.96,
            fee(0, 0, &[("EUR", 29)]),
        )
        .limits(vec![limit("EUR", 1, 5_000_000)])
        .completion(0.9),
        method(
            MethodType::Bancontact,
            countries(&["BE"]),
            currencies(&["EUR"]),
            0.95,
            fee(140, 0, &[("EUR", 25)]),
        )
        .completion(0.88),
        method(
            MethodType::SepaDebit,
            countries(EUROPE),
            currencies(&["EUR"]),
            0.96,
            fee(80, 0, &[("EUR", 35)]),
        )
        .completion(1.0),
        method(
            MethodType::Klarna,
            countries(&["AT", "BE", "DE", "DK", "FI", "GB", "NL", "NO", "SE"]),
            currencies(&["EUR", "GBP", "SEK", "NOK", "DKK"]),
            0.86,
            fee(299, 0, &[("EUR", 35), ("GBP", 30)]),
        )
        .limits(vec![
            limit("EUR", 100, 1_000_000),
            limit("GBP", 100, 1_000_000),
        ])
        .manual_capture()
        .completion(0.8),
        method(
            MethodType::Card,
            countries(EUROPE),
            currencies(&["EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK"]),
            0.93,
            fee(150, 100, &[("EUR", 25), ("GBP", 20), ("CHF", 30)]),
        )
        .manual_capture()
        .completion(0.9)
        .by_country(&[
            ("DE", 0.94),
            ("NL", 0.95),
            ("FR", 0.93),
            ("IT", 0.90),
            ("PL", 0.91),
        ]),
    ];
    PspProfile {
        name: "meridian".to_string(),
        home_countries: home(EUROPE),
        methods,
        latency: latency(380, 0.4),
        timeout_rate: 0.001,
        server_error_rate: 0.002,
        soft_decline_share: 0.25,
        three_ds: three_ds(0.35, 0.03),
    }
}
