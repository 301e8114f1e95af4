//! The `annual_quota` rule kind end to end: a card's payments of the
//! calendar year, counted from the stored payments, refused above the
//! quota naming the rule, another card unaffected, a bad rule named,
//! concurrent payments of one card never passing the quota together, on
//! both backends.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(a_cards_yearly_total_is_refused_above_its_quota);
both_backends!(concurrent_payments_of_one_card_stay_within_its_quota);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

fn document(quota: Value) -> Value {
    json!({
        "unapproved_merchant_limit_usd": "10000.00",
        "corridor_rules": [quota],
        "monitoring_rules": []
    })
}

async fn put_rules(s: &Server, body: &Value) -> crate::support::Reply {
    s.call(
        Method::PUT,
        "/v1/compliance/rules",
        Some(OPERATOR_KEY),
        None,
        Some(&body.to_string()),
    )
    .await
}

async fn pay(s: &Server, key: &str, amount: i64, number: &str) -> crate::support::Reply {
    s.post(
        "/v1/payments",
        key,
        &json!({"amount": amount, "currency": "USD", "country": "US", "payment_method": card(number), "confirm": true}),
    )
    .await
}

async fn a_cards_yearly_total_is_refused_above_its_quota(s: &Server) {
    let rule = json!({"name": "us_card_yearly_quota", "flows": ["payment"], "countries": ["US"],
        "check": "annual_quota", "per": "card", "annual_quota_usd": "300.00"});
    for (field, value, param) in [
        ("per", json!("beneficiary"), "corridor_rules[0].per"),
        (
            "annual_quota_usd",
            json!("-5"),
            "corridor_rules[0].annual_quota_usd",
        ),
        (
            "flows",
            json!(["payment", "refund"]),
            "corridor_rules[0].flows",
        ),
    ] {
        let mut bad = rule.clone();
        bad[field] = value;
        put_rules(s, &document(bad)).await.assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some(param),
        );
    }
    let put = put_rules(s, &document(rule)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);

    let (_, key) = s.merchant("Quota Shop", "USD").await;
    let first = pay(s, &key, 20_000, "4242424242424242").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    // USD 200 so far: USD 150 more would pass the USD 300 of the year.
    let over = pay(s, &key, 15_000, "4242424242424242").await;
    over.assert_error(403, "compliance_error", "transaction_rule", None);
    let message = over.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("`us_card_yearly_quota`") && message.contains("USD 200.00 so far"),
        "{message}"
    );
    let listed = s.get("/v1/payments", &key).await;
    assert_eq!(
        listed.json["data"].as_array().unwrap().len(),
        1,
        "{}",
        listed.json
    );
    // Up to the quota exactly passes; another card has its own total. (The
    // other card is a test card that approves charges: a card that is not
    // one meets the sandbox issuer's approval rate.)
    let exact = pay(s, &key, 10_000, "4242424242424242").await;
    assert_eq!(exact.status, StatusCode::CREATED, "{}", exact.json);
    let other = pay(s, &key, 25_000, "4000000000005126").await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.json);
    pay(s, &key, 1, "4242424242424242").await.assert_error(
        403,
        "compliance_error",
        "transaction_rule",
        None,
    );
}

async fn concurrent_payments_of_one_card_stay_within_its_quota(s: &Server) {
    let rule = json!({"name": "us_card_yearly_quota", "flows": ["payment"], "countries": ["US"],
        "check": "annual_quota", "per": "card", "annual_quota_usd": "300.00"});
    let put = put_rules(s, &document(rule)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    let (_, key) = s.merchant("Quota Rush Shop", "USD").await;
    // Twelve payments of USD 50 at once: six fit in USD 300, no more.
    let calls = (0..12).map(|_| pay(s, &key, 5_000, "4242424242424242"));
    let replies = futures::future::join_all(calls).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    for r in replies.iter().filter(|r| r.status != StatusCode::CREATED) {
        r.assert_error(403, "compliance_error", "transaction_rule", None);
    }
    assert_eq!(created, 6, "six of twelve USD 50 payments fit USD 300");
    let listed = s.get("/v1/payments?limit=100", &key).await;
    let total: i64 = listed.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] != "failed" && p["status"] != "canceled")
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 30_000, "{}", listed.json);
}
