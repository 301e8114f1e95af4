//! Confirmation: durable attempts, stable keys, no second provider on doubt.

use std::time::Duration;

use corridor_connectors::{ChargeOutcome, ConnectorError, Decline, DeclineCode};
use corridor_core::payments::status::PaymentStatus;

use super::{charge, id_of, timeout, Harness, Scripted};
use crate::payments::{Answer, PaymentError, Reply};

const HOUR: Duration = Duration::from_secs(3600);

fn reply(key: &str) -> Reply {
    Reply {
        scope: "merchant-key".into(),
        key: key.into(),
        request_hash: "digest-1".into(),
        render: std::sync::Arc::new(|s| corridor_store::StoredResponse {
            status: 201,
            body: s.payment.status.code().to_string(),
        }),
        unused: false,
        started: None,
    }
}

/// The key of a retry, as the API admits it: with the payment its first
/// run started, read from the key.
fn retry(key: &str, payment: &str) -> Reply {
    Reply {
        started: Some(payment.to_string()),
        ..reply(key)
    }
}

#[tokio::test]
async fn a_timeout_whose_lookup_finds_nothing_waits_instead_of_moving_on() {
    let (a, b) = (Scripted::new("alpha", HOUR), Scripted::new("beta", HOUR));
    for c in [&a, &b] {
        c.script_charge(Err(timeout()));
        c.script_charge(Err(timeout()));
    }
    let h = Harness::new(&[a.clone(), b.clone()]).await;
    let answer = h.service.create(h.input(5_000, true, None), None).await;
    let id = id_of(&answer);
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status, PaymentStatus::Processing);
    assert_eq!(p.attempts.len(), 1);
    assert_eq!(p.attempts[0].outcome.code(), "unknown");
    let (tried, other) = if a.count("charge:") > 0 {
        (&a, &b)
    } else {
        (&b, &a)
    };
    assert!(
        other.calls().is_empty(),
        "the second provider was never called"
    );
    // The same key was sent again once, never a new one.
    let keys: Vec<String> = tried
        .calls()
        .into_iter()
        .filter(|c| c.starts_with("charge:"))
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    assert_eq!(h.merchant_pending().await, 0);
}

#[tokio::test]
async fn a_gateway_502_is_resolved_at_the_same_provider() {
    let (a, b) = (Scripted::new("alpha", HOUR), Scripted::new("beta", HOUR));
    for c in [&a, &b] {
        c.script_charge(Err(ConnectorError::ServerError { status: 502 }));
    }
    let h = Harness::new(&[a.clone(), b.clone()]).await;
    let answer = h.service.create(h.input(5_000, true, None), None).await;
    let p = h.payment(&id_of(&answer)).await;
    assert_eq!(p.payment.status, PaymentStatus::Succeeded);
    let called = [&a, &b].iter().filter(|c| !c.calls().is_empty()).count();
    assert_eq!(called, 1, "a 502 may hide a charge: no second provider");
    assert_eq!(p.attempts.len(), 1);
    assert_eq!(h.merchant_pending().await, 5_000 - p.payment.fee);
}

#[tokio::test]
async fn each_attempt_has_a_key_naming_the_payment_the_provider_and_the_sequence() {
    let (a, b) = (Scripted::new("alpha", HOUR), Scripted::new("beta", HOUR));
    let soft = || {
        Ok(charge(
            "r",
            ChargeOutcome::Declined(Decline {
                code: DeclineCode::ProcessingError,
                soft: true,
            }),
            5_000,
        ))
    };
    a.script_charge(soft());
    b.script_charge(soft());
    let h = Harness::new(&[a.clone(), b.clone()]).await;
    let answer = h.service.create(h.input(5_000, true, None), None).await;
    assert!(
        matches!(answer, Err(PaymentError::Declined { .. })),
        "{answer:?}"
    );
    let p = h.payment(&id_of(&answer)).await;
    assert_eq!(p.attempts.len(), 2);
    for (i, attempt) in p.attempts.iter().enumerate() {
        let expected = format!("{}-{}-a{}", p.payment.id, attempt.connector, i + 1);
        assert_eq!(attempt.idempotency_key, expected);
        assert_eq!(attempt.outcome.code(), "declined");
    }
    assert_ne!(p.attempts[0].connector, p.attempts[1].connector);
}

#[tokio::test]
async fn a_retry_of_create_and_confirm_resumes_the_same_attempt() {
    let a = Scripted::new("alpha", HOUR);
    a.script_charge(Err(timeout()));
    a.script_charge(Err(timeout()));
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let first = h
        .service
        .create(h.input(7_000, true, None), Some(reply("order-9")))
        .await;
    let id = id_of(&first);
    assert_eq!(h.payment(&id).await.payment.status.code(), "processing");
    // The key and the request digest were written with the payment.
    let started = h
        .service
        .store()
        .started_key("merchant-key", "order-9")
        .await
        .unwrap();
    assert_eq!(started, Some(("digest-1".to_string(), id.clone())));
    let again = h
        .service
        .create(h.input(7_000, true, None), Some(retry("order-9", &id)))
        .await;
    assert_eq!(id_of(&again), id);
    let p = h.payment(&id).await;
    assert_eq!(p.payment.status.code(), "succeeded");
    assert_eq!(p.attempts.len(), 1, "resumed, not a new attempt");
    let keys: Vec<String> = a
        .calls()
        .into_iter()
        .filter(|c| c.starts_with("charge:"))
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert_eq!(h.merchant_pending().await, 7_000 - p.payment.fee);
    // Completed now: a third call replays.
    let replay = h
        .service
        .create(h.input(7_000, true, None), Some(retry("order-9", &id)))
        .await;
    assert!(matches!(
        replay,
        Ok(Answer::Payment(..)) | Ok(Answer::Replayed(_))
    ));
    assert_eq!(a.count("charge:"), 3);
}

#[tokio::test]
async fn a_confirmation_while_one_is_open_is_refused() {
    let a = Scripted::new("alpha", HOUR);
    a.script_charge(Err(timeout()));
    a.script_charge(Err(timeout()));
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let created = h.service.create(h.input(3_000, true, None), None).await;
    let id = id_of(&created);
    let again = h
        .service
        .confirm(&id, None, h.input(3_000, true, None), None)
        .await;
    match again {
        Err(PaymentError::State { code, .. }) => assert_eq!(code, "payment_in_progress"),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.count("charge:"), 2);
}

#[tokio::test]
async fn a_completed_key_is_replayed_only_to_the_same_request() {
    let a = Scripted::new("alpha", HOUR);
    let h = Harness::new(std::slice::from_ref(&a)).await;
    let first = h.service.create(h.input(1_000, false, None), None).await;
    let id = id_of(&first);
    let mut r = reply("confirm-1");
    h.service
        .confirm(&id, None, h.input(1_000, true, None), Some(r.clone()))
        .await
        .unwrap();
    // Another payment's confirmation reusing the key with another body.
    let other = id_of(&h.service.create(h.input(2_000, false, None), None).await);
    r.request_hash = "digest-2".into();
    let reused = h
        .service
        .confirm(&other, None, h.input(2_000, true, None), Some(r))
        .await;
    assert!(
        matches!(reused, Err(PaymentError::IdempotencyReused)),
        "{reused:?}"
    );
    assert_eq!(
        a.count("charge:"),
        1,
        "nothing was charged for the reused key"
    );
}
