//! `corridor sandbox` serves the simulated providers over HTTP, and the HTTP
//! connector charges through it.

use std::process::{Command, Stdio};
use std::time::Duration;

use corridor_connectors::sandbox::test_cards;
use corridor_connectors::{
    CaptureMode, CardDetails, ChargeOutcome, ChargeRequest, Connector, HttpConnector,
    IdempotencyKey, PaymentMethod,
};
use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};

fn request(number: &str, key: &str) -> ChargeRequest {
    let now = Timestamp::from_unix_micros(1_795_651_200_000_000);
    ChargeRequest {
        payment_id: format!("pay_{key}"),
        idempotency_key: IdempotencyKey::parse(key).unwrap(),
        amount: Amount::positive(2_500).unwrap(),
        currency: Currency::parse("USD").unwrap(),
        country: CountryCode::parse("US").unwrap(),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method: PaymentMethod::Card(CardDetails {
            number: CardNumber::parse(number).unwrap(),
            expiry: Expiry::parse(12, 2030, now).unwrap(),
            cvc: "123".into(),
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_command_serves_providers_over_http() {
    let port = crate::support::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args([
            "sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--seed",
            "7",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut atlas = None;
    for _ in 0..200 {
        if let Ok(c) = HttpConnector::connect(&base, "atlas", Duration::from_secs(10)).await {
            atlas = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let atlas = atlas.expect("the sandbox server answers");
    assert!(
        !atlas.coverage().methods.is_empty(),
        "coverage is fetched from the server"
    );
    let first = atlas
        .charge(request(test_cards::APPROVE, "it-1"))
        .await
        .unwrap();
    assert_eq!(first.outcome, ChargeOutcome::Captured);
    let again = atlas
        .charge(request(test_cards::APPROVE, "it-1"))
        .await
        .unwrap();
    assert_eq!(
        again.reference, first.reference,
        "the same key never charges twice"
    );
    let declined = atlas
        .charge(request(test_cards::GENERIC_DECLINE, "it-2"))
        .await
        .unwrap();
    assert!(
        matches!(declined.outcome, ChargeOutcome::Declined(ref d) if !d.soft),
        "{declined:?}"
    );
    let found = atlas
        .lookup(&IdempotencyKey::parse("it-1").unwrap())
        .await
        .unwrap();
    assert_eq!(found.map(|r| r.reference), Some(first.reference));
    child.kill().unwrap();
    child.wait().unwrap();
}
