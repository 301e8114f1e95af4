//! Sweepers: expiry tells the provider first; a failing row is skipped.

use std::time::Duration;

use corridor_connectors::{ChargeOutcome, ConnectorError};

use super::{charge, id_of, Harness, Scripted};

const EIGHT_DAYS: i64 = 8 * 24 * 3600;

#[tokio::test]
async fn expiry_cancels_at_the_provider_first_and_skips_a_failing_row() {
    let a = Scripted::new("alpha", Duration::ZERO);
    a.script_charge(Ok(charge("alpha_1", ChargeOutcome::Authorized, 1_000)));
    a.script_charge(Ok(charge("alpha_2", ChargeOutcome::Authorized, 2_000)));
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let first = id_of(
        &h.service
            .create(h.input(1_000, true, Some("manual")), None)
            .await,
    );
    let second = id_of(
        &h.service
            .create(h.input(2_000, true, Some("manual")), None)
            .await,
    );
    assert_eq!(
        h.payment(&first).await.payment.status.code(),
        "requires_capture"
    );
    h.clock.advance(EIGHT_DAYS);
    a.cancels
        .lock()
        .unwrap()
        .push_back(Err(ConnectorError::Unavailable));
    assert_eq!(h.service.expire_due().await.unwrap(), 1);
    assert_eq!(
        h.payment(&first).await.payment.status.code(),
        "requires_capture"
    );
    assert_eq!(h.payment(&second).await.payment.status.code(), "canceled");
    assert_eq!(h.service.expire_due().await.unwrap(), 1);
    assert_eq!(h.payment(&first).await.payment.status.code(), "canceled");
    let cancels: Vec<String> = a
        .calls()
        .into_iter()
        .filter(|c| c.starts_with("cancel:"))
        .collect();
    assert_eq!(
        cancels,
        ["cancel:alpha_1", "cancel:alpha_2", "cancel:alpha_1"]
    );
}

#[tokio::test]
async fn a_capture_that_won_the_race_at_the_provider_is_kept() {
    let a = Scripted::new("alpha", Duration::ZERO);
    a.script_charge(Ok(charge("alpha_1", ChargeOutcome::Authorized, 1_500)));
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let id = id_of(
        &h.service
            .create(h.input(1_500, true, Some("manual")), None)
            .await,
    );
    h.clock.advance(EIGHT_DAYS);
    a.cancels
        .lock()
        .unwrap()
        .push_back(Err(ConnectorError::InvalidState("captured".into())));
    a.retrieves
        .lock()
        .unwrap()
        .push_back(Ok(charge("alpha_1", ChargeOutcome::Captured, 1_500)));
    h.service.expire_due().await.unwrap();
    let p = h.payment(&id).await;
    assert_eq!(
        p.payment.status.code(),
        "succeeded",
        "the provider's capture stands"
    );
    assert_eq!(h.merchant_pending().await, 1_500 - p.payment.fee);
}
