//! Recovery: open attempts resolved by asking, never by charging again;
//! late and orphan notifications.

use std::time::Duration;

use corridor_connectors::sandbox::Notification;
use corridor_connectors::ChargeOutcome;

use super::{charge, id_of, timeout, Harness, Scripted};

const MINUTE: Duration = Duration::from_secs(60);

/// A payment left `processing` with an open attempt at `alpha`.
async fn unknown_payment(settle: Duration) -> (Harness, std::sync::Arc<Scripted>, String) {
    let a = Scripted::new("alpha", settle);
    a.script_charge(Err(timeout()));
    a.script_charge(Err(timeout()));
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let id = id_of(&h.service.create(h.input(4_000, true, None), None).await);
    assert_eq!(h.payment(&id).await.payment.status.code(), "processing");
    (h, a, id)
}

#[tokio::test]
async fn recovery_applies_the_charge_the_provider_made_once() {
    let (h, a, id) = unknown_payment(MINUTE).await;
    a.script_lookup(Ok(Some(charge("alpha_1", ChargeOutcome::Captured, 4_000))));
    let r = h.service.recover(Duration::ZERO).await.unwrap();
    assert_eq!(r.attempts_resolved, 1);
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status.code(), "succeeded");
    assert_eq!(p.payment.connector_ref.as_deref(), Some("alpha_1"));
    assert_eq!(p.attempts[0].outcome.code(), "captured");
    assert_eq!(a.count("charge:"), 2, "recovery never charges");
    let pending = h.merchant_pending().await;
    assert_eq!(pending, 4_000 - p.payment.fee);
    let again = h.service.recover(Duration::ZERO).await.unwrap();
    assert_eq!(again.attempts_resolved + again.attempts_pending, 0);
    assert_eq!(h.merchant_pending().await, pending);
}

#[tokio::test]
async fn an_empty_lookup_is_final_only_after_the_settle_window() {
    let (h, a, id) = unknown_payment(MINUTE).await;
    let r = h.service.recover(Duration::ZERO).await.unwrap();
    assert_eq!(r.attempts_pending, 1);
    assert_eq!(h.payment(&id).await.payment.status.code(), "processing");
    h.clock.advance(61);
    let r = h.service.recover(Duration::ZERO).await.unwrap();
    assert_eq!(r.attempts_resolved, 1);
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status.code(), "requires_payment_method");
    assert_eq!(p.attempts[0].outcome.code(), "not_charged");
    assert_eq!(a.count("charge:"), 2);
    // Now it may be confirmed again: a new attempt with a new key.
    h.service
        .confirm(&id, None, h.input(4_000, true, None), None)
        .await
        .unwrap();
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status.code(), "succeeded");
    assert_eq!(p.attempts.len(), 2);
    assert_ne!(p.attempts[0].idempotency_key, p.attempts[1].idempotency_key);
}

#[tokio::test]
async fn periodic_recovery_leaves_young_attempts_to_their_confirmation() {
    let (h, a, _) = unknown_payment(MINUTE).await;
    let r = h.service.recover(Duration::from_secs(600)).await.unwrap();
    assert_eq!(r, Default::default());
    assert_eq!(a.count("lookup:"), 2, "only the confirmation's own lookups");
}

#[tokio::test]
async fn a_late_notification_resolves_the_open_attempt_once() {
    let (h, a, id) = unknown_payment(MINUTE).await;
    let n = Notification {
        id: 1,
        psp: "alpha".into(),
        payment_id: id.clone(),
        created_at: corridor_core::Timestamp::from_unix_micros(0),
        charge: charge("alpha_7", ChargeOutcome::Captured, 4_000),
    };
    h.service.on_notification(&n).await.unwrap();
    h.service.on_notification(&n).await.unwrap();
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status.code(), "succeeded");
    assert_eq!(p.attempts[0].outcome.code(), "captured");
    let pending = h.merchant_pending().await;
    assert_eq!(pending, 4_000 - p.payment.fee);
    let r = h.service.recover(Duration::ZERO).await.unwrap();
    assert_eq!(
        r.attempts_resolved + r.attempts_pending,
        0,
        "nothing left open"
    );
    assert_eq!(a.count("lookup:"), 2);
    assert_eq!(h.merchant_pending().await, pending);
}

#[tokio::test]
async fn orphan_notifications_are_recorded_then_voided_or_refunded_at_the_provider() {
    let a = Scripted::new("alpha", MINUTE);
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let orphan = |reference: &str, outcome| Notification {
        id: 2,
        psp: "alpha".into(),
        payment_id: "pay_nobody".into(),
        created_at: corridor_core::Timestamp::from_unix_micros(0),
        charge: charge(reference, outcome, 900),
    };
    h.service
        .on_notification(&orphan("alpha_o1", ChargeOutcome::Authorized))
        .await
        .unwrap();
    h.service
        .on_notification(&orphan("alpha_o2", ChargeOutcome::Captured))
        .await
        .unwrap();
    h.service
        .on_notification(&orphan("alpha_o3", ChargeOutcome::Canceled))
        .await
        .unwrap();
    let mut orphans = h.service.store().provider_orphans(10).await.unwrap();
    orphans.sort_by(|x, y| x.reference.cmp(&y.reference));
    let seen: Vec<(&str, &str)> = orphans
        .iter()
        .map(|o| (o.reference.as_str(), o.resolution.as_str()))
        .collect();
    assert_eq!(seen, vec![("alpha_o1", "voided"), ("alpha_o2", "refunded")]);
    assert_eq!(
        a.calls(),
        vec![
            "cancel:alpha_o1".to_string(),
            "refund:alpha_o2-orphan-refund".to_string()
        ]
    );
    let refunded = a.refunded.lock().unwrap().clone();
    assert_eq!(refunded.len(), 1);
    assert_eq!(
        refunded[0].1.amount.minor(),
        900,
        "the whole captured amount"
    );
}

#[tokio::test]
async fn a_repeated_orphan_notification_refunds_once_and_a_lost_answer_is_looked_up() {
    let a = Scripted::new("alpha", MINUTE);
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let orphan = Notification {
        id: 3,
        psp: "alpha".into(),
        payment_id: "pay_nobody".into(),
        created_at: corridor_core::Timestamp::from_unix_micros(0),
        charge: charge("alpha_o9", ChargeOutcome::Captured, 500),
    };
    // The provider refunds but its answer is lost: the refund is looked up
    // by its key, not sent again under another.
    a.refunded.lock().unwrap().push((
        "alpha_o9-orphan-refund".into(),
        corridor_connectors::RefundResponse {
            reference: "alpha_rf_lost".into(),
            charge_reference: "alpha_o9".into(),
            outcome: corridor_connectors::RefundOutcome::Succeeded,
            amount: corridor_core::Amount::positive(500).unwrap(),
            currency: corridor_core::Currency::parse("USD").unwrap(),
            latency_ms: 0,
        },
    ));
    a.refunds.lock().unwrap().push_back(Err(timeout()));
    h.service.on_notification(&orphan).await.unwrap();
    // The provider sends the same notification again.
    h.service.on_notification(&orphan).await.unwrap();
    let orphans = h.service.store().provider_orphans(10).await.unwrap();
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].resolution, "refunded");
    assert_eq!(
        a.calls(),
        vec![
            "refund:alpha_o9-orphan-refund".to_string(),
            "lookup_refund:alpha_o9-orphan-refund".to_string(),
            "refund:alpha_o9-orphan-refund".to_string(),
        ],
        "every call under the one key derived from the charge"
    );
    assert_eq!(a.refunded.lock().unwrap().len(), 1, "refunded once");
}
