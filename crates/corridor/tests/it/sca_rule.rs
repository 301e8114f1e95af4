//! The `sca_required` rule kind end to end: a card payment above the
//! threshold that no 3-D Secure authenticates is refused naming the rule;
//! one the market authenticates, or below the threshold, passes; on both
//! backends.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(unauthenticated_card_payments_above_the_threshold_are_refused);

async fn pay(
    s: &Server,
    key: &str,
    amount: i64,
    currency: &str,
    country: &str,
) -> crate::support::Reply {
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    s.post(
        "/v1/payments",
        key,
        &json!({"amount": amount, "currency": currency, "country": country, "payment_method": card}),
    )
    .await
}

async fn unauthenticated_card_payments_above_the_threshold_are_refused(s: &Server) {
    let rule = json!({"name": "sca_test", "flows": ["payment"], "countries": ["US", "DE"],
        "check": "sca_required", "threshold_usd": "100.00"});
    let document = |rule: serde_json::Value| {
        json!({"unapproved_merchant_limit_usd": "10000.00", "corridor_rules": [rule], "monitoring_rules": []})
            .to_string()
    };
    let mut bad = rule.clone();
    bad["threshold_usd"] = json!("lots");
    let r = s
        .call(
            Method::PUT,
            "/v1/compliance/rules",
            Some(OPERATOR_KEY),
            None,
            Some(&document(bad)),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("corridor_rules[0].threshold_usd"),
    );
    let r = s
        .call(
            Method::PUT,
            "/v1/compliance/rules",
            Some(OPERATOR_KEY),
            None,
            Some(&document(rule)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);

    let (_, key) = s.merchant("SCA Shop", "EUR").await;
    // The US has no SCA: above USD 100 the card payment is refused.
    let refused = pay(s, &key, 15_000, "USD", "US").await;
    refused.assert_error(403, "compliance_error", "transaction_rule", None);
    let message = refused.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("`sca_test`") && message.contains("3-D Secure"),
        "{message}"
    );
    let listed = s.get("/v1/payments", &key).await;
    assert_eq!(listed.json["data"], json!([]), "{}", listed.json);
    let small = pay(s, &key, 10_000, "USD", "US").await;
    assert_eq!(small.status, StatusCode::CREATED, "{}", small.json);
    // Germany authenticates card payments above EUR 30: they pass, and so
    // does one the low-value exemption spares, below the threshold.
    let authenticated = pay(s, &key, 20_000, "EUR", "DE").await;
    assert_eq!(
        authenticated.status,
        StatusCode::CREATED,
        "{}",
        authenticated.json
    );
    let exempt = pay(s, &key, 2_500, "EUR", "DE").await;
    assert_eq!(exempt.status, StatusCode::CREATED, "{}", exempt.json);
}
