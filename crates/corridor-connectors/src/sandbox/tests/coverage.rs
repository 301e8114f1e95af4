//! Providers refuse what they do not serve: method, country, currency,
//! amounts outside the method's limits, manual capture.

use super::*;
use crate::{CoverageError, MethodType, Voucher};

fn refusal(psp: &str, request: ChargeRequest) -> CoverageError {
    let (world, _) = world(1);
    match charge(&connector(&world, psp), request) {
        Err(ConnectorError::Unsupported(refused)) => refused,
        other => panic!("expected a coverage refusal, got {other:?}"),
    }
}

fn konbini(amount_minor: i64, currency_code: &str, country_code: &str) -> ChargeRequest {
    charge_request(
        "k",
        PaymentMethod::Voucher(Voucher::Konbini),
        amount_minor,
        currency_code,
        country_code,
    )
}

fn oxxo(amount_minor: i64) -> ChargeRequest {
    charge_request(
        "o",
        PaymentMethod::Voucher(Voucher::Oxxo),
        amount_minor,
        "MXN",
        "MX",
    )
}

#[test]
fn unsupported_method_country_and_currency_are_refused() {
    assert_eq!(
        refusal(
            "atlas",
            charge_request("p", PaymentMethod::Pix, 1_000, "BRL", "BR")
        ),
        CoverageError::Method(MethodType::Pix)
    );
    assert_eq!(
        refusal("lotus", konbini(1_000, "JPY", "US")),
        CoverageError::Country {
            method: MethodType::Konbini,
            country: country("US")
        }
    );
    assert_eq!(
        refusal("lotus", konbini(1_000, "USD", "JP")),
        CoverageError::Currency {
            method: MethodType::Konbini,
            currency: currency("USD")
        }
    );
    assert_eq!(
        refusal(
            "meridian",
            charge_request("c", card("4242424242424242"), 1_000, "USD", "US")
        ),
        CoverageError::Country {
            method: MethodType::Card,
            country: country("US")
        }
    );
}

#[test]
fn konbini_takes_120_to_300000_yen() {
    let (world, _) = world(1);
    let lotus = connector(&world, "lotus");
    for amount in [120, 300_000] {
        let request = ChargeRequest {
            idempotency_key: key(&format!("k{amount}")),
            ..konbini(amount, "JPY", "JP")
        };
        assert!(charge(&lotus, request).is_ok(), "¥{amount}");
    }
    assert!(
        matches!(refusal("lotus", konbini(300_001, "JPY", "JP")), CoverageError::AboveMaximum { max, .. } if max.minor() == 300_000)
    );
    assert!(
        matches!(refusal("lotus", konbini(119, "JPY", "JP")), CoverageError::BelowMinimum { min, .. } if min.minor() == 120)
    );
}

#[test]
fn oxxo_takes_at_most_10000_pesos() {
    let (world, _) = world(1);
    assert!(charge(&connector(&world, "andes"), oxxo(1_000_000)).is_ok());
    let refused = refusal("andes", oxxo(1_000_001));
    assert!(
        matches!(refused, CoverageError::AboveMaximum { max, .. } if max.minor() == 1_000_000),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        "amount is above the maximum of 10000.00 MXN for `oxxo`"
    );
}

#[test]
fn manual_capture_only_where_supported() {
    let pix = ChargeRequest {
        capture: CaptureMode::Manual,
        ..charge_request("p", PaymentMethod::Pix, 1_000, "BRL", "BR")
    };
    assert_eq!(
        refusal("andes", pix),
        CoverageError::ManualCapture(MethodType::Pix)
    );
}

#[test]
fn coverage_answers_without_a_call() {
    let (world, _) = world(1);
    let andes = connector(&world, "andes");
    let coverage = andes.coverage();
    assert!(coverage
        .check(
            MethodType::Boleto,
            country("BR"),
            currency("BRL"),
            Amount::positive(4_999_999).unwrap()
        )
        .is_ok());
    assert!(coverage
        .check(
            MethodType::Boleto,
            country("BR"),
            currency("BRL"),
            Amount::positive(5_000_000).unwrap()
        )
        .is_err());
    let pix: Vec<String> = world
        .connectors()
        .iter()
        .filter(|c| c.coverage().method(MethodType::Pix).is_some())
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(pix, ["andes"]);
}
