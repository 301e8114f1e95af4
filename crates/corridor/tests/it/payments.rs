//! Payments over HTTP: local methods, routing with retries, money, bad input.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    card_payment_succeeds_and_credits_pending_net_of_fee,
    declines_answer_402_and_post_nothing,
    soft_failure_is_retried_on_the_next_provider,
    three_ds_requires_action_then_completes,
    manual_capture_partial_and_state_errors,
    local_methods_follow_market_rules,
    settlement_moves_pending_to_available,
    idempotent_create_charges_once,
    async_local_methods_complete_when_the_buyer_acts,
);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

async fn pay(s: &Server, key: &str, body: Value) -> crate::support::Reply {
    s.post("/v1/payments", key, &body).await
}

async fn card_payment_succeeds_and_credits_pending_net_of_fee(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let r = pay(s, &key, json!({"amount": 10_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "succeeded");
    assert_eq!(r.json["card"]["last4"], "4242");
    assert_eq!(r.json["card"]["brand"], "visa");
    assert_eq!(r.json["amount_captured"], 10_000);
    let fee = r.json["fee"].as_i64().unwrap();
    // 2.9% + 0.30 + 1.5% cross-border (merchant in CN, buyer in US) = 440 + 30.
    assert_eq!(fee, 470);
    assert!(!r.json["attempts"].as_array().unwrap().is_empty());
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 0, 10_000 - fee, 0)]
    );
    let got = s.get(&format!("/v1/payments/{}", r.str("id")), &key).await;
    assert_eq!(got.json["status"], "succeeded");
    s.assert_verified().await;
}

async fn declines_answer_402_and_post_nothing(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    for (number, code) in [
        ("4000000000000002", "generic_decline"),
        ("4000000000009995", "insufficient_funds"),
    ] {
        let r = pay(s, &key, json!({"amount": 5_000, "currency": "USD", "country": "US", "payment_method": card(number), "confirm": true})).await;
        assert_eq!(r.status, StatusCode::PAYMENT_REQUIRED, "{}", r.json);
        assert_eq!(r.json["error"]["type"], "payment_error");
        assert_eq!(r.json["error"]["code"], code);
        let id = r.json["error"]["payment"]
            .as_str()
            .expect("the payment's id is in the error");
        let got = s.get(&format!("/v1/payments/{id}"), &key).await;
        assert_eq!(got.json["status"], "failed");
        assert_eq!(got.json["decline_code"], code);
    }
    assert_eq!(s.balances(&m).await, vec![], "nothing posted");
    s.assert_verified().await;
}

async fn soft_failure_is_retried_on_the_next_provider(s: &Server) {
    let (_, key) = s.merchant("Seller", "CNY").await;
    let r = pay(s, &key, json!({"amount": 2_000, "currency": "USD", "country": "US", "payment_method": card("4000000000000119"), "confirm": true})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "succeeded");
    let attempts = r.json["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[0]["code"], "processing_error");
    assert_ne!(
        attempts[0]["connector"], attempts[1]["connector"],
        "the retry went to another provider"
    );
    assert_eq!(r.json["amount_captured"], 2_000, "charged once");
}

async fn three_ds_requires_action_then_completes(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let r = pay(s, &key, json!({"amount": 8_000, "currency": "EUR", "country": "DE", "payment_method": card("4000000000003220"), "confirm": true})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "requires_action");
    assert_eq!(r.json["next_action"]["type"], "three_d_secure");
    let id = r.str("id");
    let done = s
        .post(
            &format!("/v1/test_helpers/payments/{id}/complete"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["status"], "succeeded");
    let pending = s.balances(&m).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].2, 8_000 - done.json["fee"].as_i64().unwrap());
    s.assert_verified().await;
}

async fn manual_capture_partial_and_state_errors(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    let r = pay(s, &key, json!({"amount": 5_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "capture_method": "manual", "confirm": true})).await;
    assert_eq!(r.json["status"], "requires_capture", "{}", r.json);
    let id = r.str("id");
    assert_eq!(
        s.balances(&m).await,
        vec![],
        "an authorization moves no money"
    );
    let over = s
        .post(
            &format!("/v1/payments/{id}/capture"),
            &key,
            &json!({"amount": 5_001}),
        )
        .await;
    over.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("amount"),
    );
    let part = s
        .post(
            &format!("/v1/payments/{id}/capture"),
            &key,
            &json!({"amount": 3_000}),
        )
        .await;
    assert_eq!(part.status, StatusCode::OK, "{}", part.json);
    assert_eq!(part.json["status"], "succeeded");
    assert_eq!(part.json["amount_captured"], 3_000);
    let again = s
        .post(&format!("/v1/payments/{id}/capture"), &key, &json!({}))
        .await;
    again.assert_error(409, "conflict", "payment_unexpected_state", None);
    // Cancel, then confirm: refused.
    let fresh = pay(s, &key, json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242")})).await;
    assert_eq!(fresh.json["status"], "requires_payment_method");
    let fid = fresh.str("id");
    let canceled = s
        .post(&format!("/v1/payments/{fid}/cancel"), &key, &json!({}))
        .await;
    assert_eq!(canceled.json["status"], "canceled", "{}", canceled.json);
    let confirm = s
        .post(
            &format!("/v1/payments/{fid}/confirm"),
            &key,
            &json!({"payment_method": card("4242424242424242")}),
        )
        .await;
    confirm.assert_error(409, "conflict", "payment_unexpected_state", None);
    s.assert_verified().await;
}

async fn local_methods_follow_market_rules(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let konbini = pay(s, &key, json!({"amount": 12_000, "currency": "JPY", "country": "JP", "payment_method": {"type": "konbini"}, "confirm": true})).await;
    assert_eq!(konbini.status, StatusCode::CREATED, "{}", konbini.json);
    assert_eq!(konbini.json["status"], "requires_action");
    assert_eq!(konbini.json["next_action"]["type"], "voucher");
    let cases = vec![
        (
            json!({"amount": 300_001, "currency": "JPY", "country": "JP", "payment_method": {"type": "konbini"}, "confirm": true}),
            400,
            "amount_outside_limits",
            Some("amount"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": {"type": "konbini"}, "confirm": true}),
            400,
            "payment_method_not_available",
            Some("payment_method.type"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "JP", "payment_method": {"type": "konbini"}, "confirm": true}),
            400,
            "currency_not_supported",
            Some("currency"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424241"), "confirm": true}),
            400,
            "invalid_number",
            Some("payment_method.number"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 13, "exp_year": 2030, "cvc": "123"}, "confirm": true}),
            400,
            "invalid_expiry_month",
            Some("payment_method.exp_month"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 1, "exp_year": 2020, "cvc": "123"}, "confirm": true}),
            400,
            "expired_card",
            Some("payment_method.exp_month"),
        ),
        (
            json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 1, "exp_year": 2030, "cvc": "12"}, "confirm": true}),
            400,
            "invalid_cvc",
            Some("payment_method.cvc"),
        ),
        (
            json!({"amount": 0, "currency": "USD", "country": "US", "payment_method": card("4242424242424242")}),
            400,
            "amount_invalid",
            Some("amount"),
        ),
    ];
    for (body, status, code, param) in cases {
        pay(s, &key, body)
            .await
            .assert_error(status, "invalid_request_error", code, param);
    }
    let blocked = pay(s, &key, json!({"amount": 1_000, "currency": "KPW", "country": "KP", "payment_method": card("4242424242424242"), "confirm": true})).await;
    blocked.assert_error(403, "compliance_error", "market_blocked", None);
    let list = s.get("/v1/payments", &key).await;
    assert_eq!(
        list.json["data"].as_array().unwrap().len(),
        1,
        "refused requests created nothing"
    );
    assert_eq!(s.balances(&m).await, vec![]);
}

async fn settlement_moves_pending_to_available(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let r = pay(s, &key, json!({"amount": 10_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true})).await;
    let net = 10_000 - r.json["fee"].as_i64().unwrap();
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 0, net, 0)]);
    let adv = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": 10 * 86_400}),
        )
        .await;
    assert_eq!(adv.status, StatusCode::OK);
    let mut settled = false;
    for _ in 0..50 {
        if s.balances(&m).await == vec![("USD".to_string(), net, 0, 0)] {
            settled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        settled,
        "funds settled to available: {:?}",
        s.balances(&m).await
    );
    s.assert_verified().await;
}

async fn idempotent_create_charges_once(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let body = json!({"amount": 1_500, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}).to_string();
    let first = s
        .call(
            Method::POST,
            "/v1/payments",
            Some(&key),
            Some("order-77"),
            Some(&body),
        )
        .await;
    let second = s
        .call(
            Method::POST,
            "/v1/payments",
            Some(&key),
            Some("order-77"),
            Some(&body),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(second.replayed);
    assert_eq!(first.json, second.json);
    let list = s.get("/v1/payments", &key).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    let pending: i64 = s.balances(&m).await.iter().map(|b| b.2).sum();
    assert_eq!(pending, 1_500 - first.json["fee"].as_i64().unwrap());
}

async fn async_local_methods_complete_when_the_buyer_acts(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let cases = [
        ("TH", "THB", "promptpay", 129_000, "qr_code"),
        ("SG", "SGD", "grabpay", 6_500, "redirect"),
        ("CN", "CNY", "wechat_pay", 8_800, "qr_code"),
        ("NL", "EUR", "ideal", 3_999, "redirect"),
        ("BR", "BRL", "pix", 12_990, "qr_code"),
    ];
    for (country, currency, method, amount, action) in cases {
        let body = json!({"amount": amount, "currency": currency, "country": country, "payment_method": {"type": method}, "confirm": true});
        let mut r = pay(s, &key, body.clone()).await;
        // The simulated providers fail a small share of charges with a
        // retryable processing error, as real ones do; the buyer tries again.
        for _ in 0..3 {
            if r.status != StatusCode::PAYMENT_REQUIRED
                || r.json["error"]["code"] != "processor_error"
            {
                break;
            }
            r = pay(s, &key, body.clone()).await;
        }
        assert_eq!(r.status, StatusCode::CREATED, "{method}: {}", r.json);
        assert_eq!(r.json["status"], "requires_action", "{method}: {}", r.json);
        assert_eq!(r.json["next_action"]["type"], action, "{method}");
        let id = r.str("id");
        let done = s
            .post(
                &format!("/v1/test_helpers/payments/{id}/complete"),
                &key,
                &json!({}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{method}: {}", done.json);
        assert_eq!(done.json["status"], "succeeded", "{method}: {}", done.json);
    }
    assert_eq!(
        s.balances(&m).await.len(),
        cases.len(),
        "one pending balance per currency"
    );
    s.assert_verified().await;
}
