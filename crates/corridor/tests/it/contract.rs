//! The contract of API.md where it was not kept: bare confirm, RFC 3339
//! times in next actions, the operator's `merchant` parameter, attempts
//! with their final outcome, and opaque ids of one format per type.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    bare_confirm_uses_the_payments_method,
    next_action_times_are_rfc3339,
    operators_name_the_merchant_of_merchant_scoped_reads,
    attempts_show_their_final_outcome,
    ids_are_opaque_and_of_one_format_per_type,
    the_openapi_document_lists_every_route_and_the_merchant_parameter,
);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

fn is_rfc3339(text: &str) -> bool {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).is_ok()
}

async fn bare_confirm_uses_the_payments_method(s: &Server) {
    let (_, key) = s.merchant("Seller", "CNY").await;
    let created = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 2_500, "currency": "USD", "country": "US", "payment_method": card("4242424242424242")}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["status"], "requires_payment_method");
    let id = created.str("id");
    // No body at all, as API.md shows it.
    let confirmed = s
        .call(
            Method::POST,
            &format!("/v1/payments/{id}/confirm"),
            Some(&key),
            None,
            None,
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.json);
    assert_eq!(confirmed.json["status"], "succeeded");
    assert_eq!(confirmed.json["card"]["last4"], "4242");
    // Another merchant cannot confirm it with its own key.
    let (_, other) = s.merchant("Other", "CNY").await;
    let stranger = s
        .call(
            Method::POST,
            &format!("/v1/payments/{id}/confirm"),
            Some(&other),
            None,
            None,
        )
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{}", stranger.json);
    // A local method needs no details: bare confirm works too.
    let konbini = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 3_000, "currency": "JPY", "country": "JP", "payment_method": {"type": "konbini"}}),
        )
        .await;
    assert_eq!(konbini.status, StatusCode::CREATED, "{}", konbini.json);
    let r = s
        .post(
            &format!("/v1/payments/{}/confirm", konbini.str("id")),
            &key,
            &json!({}),
        )
        .await;
    // The simulated providers decline a share of payments: either way the
    // bare confirm reached them, with the stored method.
    match r.status {
        StatusCode::OK => assert_eq!(r.json["status"], "requires_action", "{}", r.json),
        StatusCode::PAYMENT_REQUIRED => assert_eq!(r.json["error"]["type"], "payment_error"),
        other => panic!("bare konbini confirm answered {other}: {}", r.json),
    }
    // The stored card is the one charged: a declining test card declines.
    let stale = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 2_500, "currency": "USD", "country": "US", "payment_method": card("4000000000000002")}),
        )
        .await;
    let id = stale.str("id");
    let declined = s
        .call(
            Method::POST,
            &format!("/v1/payments/{id}/confirm"),
            Some(&key),
            None,
            None,
        )
        .await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.json
    );
    assert_eq!(
        declined.json["error"]["code"], "generic_decline",
        "{}",
        declined.json
    );
}

async fn next_action_times_are_rfc3339(s: &Server) {
    let (_, key) = s.merchant("Seller", "CNY").await;
    let r = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 3_000, "currency": "JPY", "country": "JP", "payment_method": {"type": "konbini"}, "confirm": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let action = &r.json["next_action"];
    assert_eq!(action["type"], "voucher");
    assert!(action.get("expires_at_unix").is_none(), "{action}");
    let expires = action["expires_at"].as_str().expect("expires_at string");
    assert!(is_rfc3339(expires), "{expires}");
    assert!(is_rfc3339(r.json["created_at"].as_str().unwrap()));
}

async fn operators_name_the_merchant_of_merchant_scoped_reads(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    for path in [
        "/v1/payments",
        "/v1/balances",
        "/v1/balance_transactions",
        "/v1/webhook_endpoints",
    ] {
        s.get(path, OPERATOR_KEY).await.assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("merchant"),
        );
        let named = s.get(&format!("{path}?merchant={m}"), OPERATOR_KEY).await;
        assert_eq!(named.status, StatusCode::OK, "{path}: {}", named.json);
        let own = s.get(path, &key).await;
        assert_eq!(own.status, StatusCode::OK, "{path}: {}", own.json);
    }
}

async fn attempts_show_their_final_outcome(s: &Server) {
    let (_, key) = s.merchant("Seller", "CNY").await;
    let r = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 8_000, "currency": "EUR", "country": "DE", "payment_method": card("4000000000003220"), "confirm": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["attempts"][0]["outcome"], "requires_action");
    let id = r.str("id");
    let done = s
        .post(
            &format!("/v1/test_helpers/payments/{id}/complete"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(done.json["status"], "succeeded", "{}", done.json);
    let got = s.get(&format!("/v1/payments/{id}"), &key).await;
    let attempts = got.json["attempts"].as_array().unwrap();
    assert_eq!(
        attempts.last().unwrap()["outcome"],
        "captured",
        "{attempts:?}"
    );
}

async fn ids_are_opaque_and_of_one_format_per_type(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let mut txns = Vec::new();
    for _ in 0..3 {
        let r = s.credit(&m, 1_000, "USD").await;
        txns.push(r.str("id"));
    }
    for id in &txns {
        let hex = id.strip_prefix("txn_").expect("txn_ prefix");
        assert_eq!(hex.len(), 16, "{id}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
    let numbers: Vec<u64> = txns
        .iter()
        .map(|t| u64::from_str_radix(&t[4..], 16).unwrap())
        .collect();
    assert!(
        numbers.windows(2).any(|w| w[1] != w[0] + 1),
        "ids do not count up: {txns:?}"
    );
    // The balance history shows the same ids and pages with them.
    let history = s.get("/v1/balance_transactions?limit=2", &key).await;
    assert_eq!(history.json["data"][0]["id"], txns[2].as_str());
    let after = history.json["data"][1]["id"].as_str().unwrap().to_string();
    let next = s
        .get(
            &format!("/v1/balance_transactions?limit=2&starting_after={after}"),
            &key,
        )
        .await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.json);
    assert_eq!(next.json["data"][0]["id"], txns[0].as_str());
    s.get("/v1/balance_transactions?starting_after=txn_1", &key)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("starting_after"),
        );
    // Payment ids: one format with or without an Idempotency-Key.
    let body = json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}).to_string();
    let plain = s
        .call(Method::POST, "/v1/payments", Some(&key), None, Some(&body))
        .await;
    let keyed = s
        .call(
            Method::POST,
            "/v1/payments",
            Some(&key),
            Some("ids-test-1"),
            Some(&body),
        )
        .await;
    for r in [&plain, &keyed] {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let id = r.str("id");
        let hex = id.strip_prefix("pay_").expect("pay_ prefix");
        assert_eq!(hex.len(), 24, "{id}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
}

async fn the_openapi_document_lists_every_route_and_the_merchant_parameter(s: &Server) {
    let doc = s.call(Method::GET, "/openapi.json", None, None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = &doc.json["paths"];
    for path in [
        "/health",
        "/metrics",
        "/openapi.json",
        "/v1/payments",
        "/v1/test_helpers/clock/reset",
    ] {
        assert!(paths.get(path).is_some(), "{path} missing");
    }
    for path in [
        "/v1/payments",
        "/v1/balances",
        "/v1/balance_transactions",
        "/v1/webhook_endpoints",
    ] {
        let params = paths[path]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            params
                .iter()
                .any(|p| p["name"] == "merchant" && p["in"] == "query"),
            "{path} documents no merchant parameter: {params:?}"
        );
    }
    // Every operation documents the errors every authenticated request can get.
    for (path, item) in paths.as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if path.starts_with("/v1/") {
                for code in ["400", "401", "500"] {
                    assert!(
                        op["responses"].get(code).is_some(),
                        "{method} {path} lacks {code}"
                    );
                }
            }
        }
    }
    let payment = &doc.json["components"]["schemas"]["PaymentObject"]["properties"];
    for nullable in ["next_action", "metadata", "decline_code"] {
        let text = payment[nullable].to_string();
        assert!(text.contains("null"), "{nullable} is not nullable: {text}");
    }
}
