//! Timeouts, 5xx bursts and outages over HTTP.

use corridor_connectors::sandbox::{test_cards, Fault, FaultKind};
use corridor_connectors::{ChargeOutcome, Connector, ConnectorError, Coverage, HttpConnector};

use crate::support::{card, charge_request, key, Sandbox, CLIENT_TIMEOUT};

#[tokio::test]
async fn after_a_timeout_lookup_tells_whether_the_charge_happened() {
    let sandbox = Sandbox::start(5).await;
    let atlas = sandbox.connector("atlas").await;
    let now = sandbox.clock.now();
    let processed = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 1.0,
    };
    sandbox
        .world
        .schedule_fault(Fault::new("atlas", now, 60, processed))
        .unwrap();
    let started = std::time::Instant::now();
    let timed_out = atlas
        .charge(charge_request(
            "slow",
            card(test_cards::APPROVE),
            1_000,
            "USD",
            "US",
        ))
        .await;
    assert!(
        started.elapsed() < CLIENT_TIMEOUT * 3,
        "the client gave up on its own timeout"
    );
    assert_eq!(timed_out, Err(ConnectorError::Timeout { timeout_ms: 400 }));
    let found = atlas
        .lookup(&key("key_slow"))
        .await
        .unwrap()
        .expect("the provider recorded it");
    assert_eq!(found.outcome, ChargeOutcome::Captured);

    sandbox.world.clear_faults();
    let lost = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 0.0,
    };
    sandbox
        .world
        .schedule_fault(Fault::new("atlas", now, 60, lost))
        .unwrap();
    let timed_out = atlas
        .charge(charge_request(
            "lost",
            card(test_cards::APPROVE),
            1_000,
            "USD",
            "US",
        ))
        .await;
    assert!(matches!(timed_out, Err(ConnectorError::Timeout { .. })));
    assert_eq!(
        atlas.lookup(&key("key_lost")).await,
        Ok(None),
        "never charged: safe to retry elsewhere"
    );
}

#[tokio::test]
async fn a_server_error_burst_answers_5xx() {
    let sandbox = Sandbox::start(6).await;
    let harbor = sandbox.connector("harbor").await;
    let now = sandbox.clock.now();
    sandbox
        .world
        .schedule_fault(Fault::new(
            "harbor",
            now,
            30,
            FaultKind::ServerErrors { rate: 1.0 },
        ))
        .unwrap();
    let failed = harbor
        .charge(charge_request(
            "burst",
            card(test_cards::APPROVE),
            1_000,
            "GBP",
            "GB",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(failed, ConnectorError::ServerError { status } if (500..600).contains(&status)),
        "{failed:?}"
    );
    assert!(failed.is_retryable() && !failed.outcome_unknown());
    sandbox.clock.advance_seconds(30);
    let retried = harbor
        .charge(charge_request(
            "burst",
            card(test_cards::APPROVE),
            1_000,
            "GBP",
            "GB",
        ))
        .await
        .unwrap();
    assert_eq!(retried.outcome, ChargeOutcome::Captured);
}

#[tokio::test]
async fn an_outage_window_makes_the_provider_unavailable() {
    let sandbox = Sandbox::start(7).await;
    let atlas = sandbox.connector("atlas").await;
    let from = sandbox.clock.now().plus_seconds(10);
    sandbox
        .world
        .schedule_fault(Fault::new("atlas", from, 120, FaultKind::Outage))
        .unwrap();
    let visa = |id: &str| charge_request(id, card(test_cards::APPROVE), 1_000, "USD", "US");
    assert!(atlas.charge(visa("before")).await.is_ok());
    sandbox.clock.advance_seconds(10);
    assert_eq!(
        atlas.charge(visa("during")).await,
        Err(ConnectorError::Unavailable)
    );
    let harbor = sandbox.connector("harbor").await;
    assert!(harbor.charge(visa("failover")).await.is_ok());
    sandbox.clock.advance_seconds(120);
    assert!(atlas.charge(visa("after")).await.is_ok());
}

#[tokio::test]
async fn a_server_that_is_gone_is_unavailable() {
    let sandbox = Sandbox::start(8).await;
    let base_url = sandbox.server.base_url();
    drop(sandbox);
    // A fresh client has no pooled connection that could outlive the server.
    let atlas =
        HttpConnector::with_coverage(&base_url, "atlas", Coverage::default(), CLIENT_TIMEOUT)
            .unwrap();
    let failed = atlas
        .charge(charge_request(
            "gone",
            card(test_cards::APPROVE),
            1_000,
            "USD",
            "US",
        ))
        .await;
    assert_eq!(failed, Err(ConnectorError::Unavailable));
}
