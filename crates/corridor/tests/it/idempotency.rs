//! Idempotency-Key semantics.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    replay_returns_the_first_response,
    different_body_is_refused,
    concurrent_retries_charge_once,
    failures_replay_too
);

async fn replay_returns_the_first_response(s: &Server) {
    let (m, _) = s.merchant("Seller", "CNY").await;
    let body =
        json!({"amount": 700, "currency": "USD", "direction": "credit", "reason": "x"}).to_string();
    let path = format!("/v1/merchants/{m}/adjustments");
    let first = s
        .call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some("key-1"),
            Some(&body),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(!first.replayed);
    let second = s
        .call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some("key-1"),
            Some(&body),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert!(second.replayed, "Idempotent-Replayed: true");
    assert_eq!(first.json, second.json);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 700, 0, 0)]);
}

async fn different_body_is_refused(s: &Server) {
    let (m, _) = s.merchant("Seller", "CNY").await;
    let path = format!("/v1/merchants/{m}/adjustments");
    let a =
        json!({"amount": 700, "currency": "USD", "direction": "credit", "reason": "x"}).to_string();
    let b =
        json!({"amount": 701, "currency": "USD", "direction": "credit", "reason": "x"}).to_string();
    assert_eq!(
        s.call(Method::POST, &path, Some(OPERATOR_KEY), Some("k"), Some(&a))
            .await
            .status,
        StatusCode::CREATED
    );
    let r = s
        .call(Method::POST, &path, Some(OPERATOR_KEY), Some("k"), Some(&b))
        .await;
    r.assert_error(422, "idempotency_error", "idempotency_key_reused", None);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 700, 0, 0)]);
    let long = "k".repeat(256);
    let r = s
        .call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some(&long),
            Some(&a),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "idempotency_key_invalid",
        Some("Idempotency-Key"),
    );
}

async fn concurrent_retries_charge_once(s: &Server) {
    let (m, _) = s.merchant("Seller", "CNY").await;
    let path = format!("/v1/merchants/{m}/adjustments");
    let body =
        json!({"amount": 300, "currency": "USD", "direction": "credit", "reason": "x"}).to_string();
    let calls = (0..20).map(|_| {
        s.call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some("same"),
            Some(&body),
        )
    });
    let replies = futures::future::join_all(calls).await;
    let fresh = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED && !r.replayed)
        .count();
    assert_eq!(fresh, 1, "exactly one request had the effect");
    for r in &replies {
        assert!(
            r.status == StatusCode::CREATED || r.status == StatusCode::CONFLICT,
            "{} {}",
            r.status,
            r.json
        );
        if r.status == StatusCode::CONFLICT {
            r.assert_error(409, "idempotency_error", "idempotency_key_in_use", None);
        }
    }
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 300, 0, 0)]);
}

async fn failures_replay_too(s: &Server) {
    let (m, _) = s.merchant("Seller", "CNY").await;
    let path = format!("/v1/merchants/{m}/adjustments");
    let body =
        json!({"amount": 300, "currency": "USD", "direction": "debit", "reason": "x"}).to_string();
    let first = s
        .call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some("d"),
            Some(&body),
        )
        .await;
    first.assert_error(402, "insufficient_funds", "insufficient_funds", None);
    s.credit(&m, 1_000, "USD").await;
    let again = s
        .call(
            Method::POST,
            &path,
            Some(OPERATOR_KEY),
            Some("d"),
            Some(&body),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::PAYMENT_REQUIRED,
        "the stored failure is replayed, not retried"
    );
    assert!(again.replayed);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 1_000, 0, 0)]);
}
