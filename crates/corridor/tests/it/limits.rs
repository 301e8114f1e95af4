//! Amount limits and overflow: a request beyond the operator's maximum or
//! the ledger's 64-bit range is a 400 that moves nothing, and one merchant
//! near the range can never fail another merchant's request.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{both_backends, each_backend, Backend, Server, OPERATOR_KEY};

both_backends!(amounts_beyond_the_limit_are_refused_and_move_nothing);
each_backend!(
    one_merchant_near_the_ledger_range_cannot_fail_another,
    operators_set_the_limit_per_currency
);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

async fn adjust(s: &Server, merchant: &str, amount: i64, direction: &str) -> crate::support::Reply {
    s.post(
        &format!("/v1/merchants/{merchant}/adjustments"),
        OPERATOR_KEY,
        &json!({"amount": amount, "currency": "USD", "direction": direction, "reason": "limit test"}),
    )
    .await
}

async fn amounts_beyond_the_limit_are_refused_and_move_nothing(s: &Server) {
    let (m, key) = s.merchant("Shenzhen Seller", "CNY").await;
    for amount in [i64::MAX, 9_223_372_036_854_775_000, 100_000_001] {
        let r = s
            .post(
                "/v1/payments",
                &key,
                &json!({"amount": amount, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}),
            )
            .await;
        r.assert_error(
            400,
            "invalid_request_error",
            "amount_too_large",
            Some("amount"),
        );
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("USD 1,000,000.00"),
            "{}",
            r.json
        );
        adjust(s, &m, amount, "credit").await.assert_error(
            400,
            "invalid_request_error",
            "amount_too_large",
            Some("amount"),
        );
    }
    // The default scales with the currency: JPY 150,000,000 is about USD 1M.
    let r = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 150_000_001, "currency": "jpy", "country": "JP", "payment_method": card("4242424242424242")}),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("amount"),
    );
    let listed = s.get("/v1/payments", &key).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    assert_eq!(listed.json["data"], json!([]), "no payment was made");
    assert_eq!(s.balances(&m).await, vec![], "nothing moved");
    // At the limit is fine.
    adjust(s, &m, 100_000_000, "credit").await;
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 100_000_000, 0, 0)]
    );
    s.assert_verified().await;
}

async fn one_merchant_near_the_ledger_range_cannot_fail_another(backend: Backend) {
    let s = Server::start_with(backend, |c| {
        c.policy.amount_limits =
            corridor_core::AmountLimits::parse_settings(["USD=9223372036854775807"]).unwrap();
    })
    .await;
    let half = 4_611_686_018_427_387_904_i64; // 2^62
    let (a, _) = s.merchant("Seller A", "USD").await;
    let (b, _) = s.merchant("Seller B", "USD").await;
    let first = adjust(&s, &a, half, "credit").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    // Before, both credits came out of one platform account, which the
    // second took beyond 64 bits: another merchant's request failed.
    let other = adjust(&s, &b, half, "credit").await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.json);
    // A's own balance would pass 2^63 - 1: refused, nothing moved.
    adjust(&s, &a, half, "credit").await.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("amount"),
    );
    assert_eq!(s.balances(&a).await, vec![("USD".into(), half, 0, 0)]);
    assert_eq!(s.balances(&b).await, vec![("USD".into(), half, 0, 0)]);
    // B still works normally.
    let more = adjust(&s, &b, 1_000, "debit").await;
    assert_eq!(more.status, StatusCode::CREATED, "{}", more.json);
    s.assert_verified().await;
}

async fn operators_set_the_limit_per_currency(backend: Backend) {
    let s = Server::start_with(backend, |c| {
        c.policy.amount_limits = corridor_core::AmountLimits::parse_settings(["USD=5000"]).unwrap();
    })
    .await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    let over = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 5_001, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}),
        )
        .await;
    over.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("amount"),
    );
    assert!(over.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("USD 50.00"));
    let ok = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 5_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
    adjust(&s, &m, 5_001, "credit").await.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("amount"),
    );
    s.assert_verified().await;
}
