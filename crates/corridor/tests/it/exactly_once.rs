//! Money moves exactly once: concurrent confirmations of one payment, a
//! bad value inside a batch of good ones, and the provider-side view.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    twenty_concurrent_confirmations_charge_once,
    control_characters_are_refused_and_the_rest_of_the_batch_succeeds,
);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

/// Every charge the simulated providers hold for a payment.
pub async fn provider_charges(s: &Server, id: &str) -> Vec<Value> {
    let r = s
        .get(
            &format!("/v1/test_helpers/payments/{id}/provider_charges"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["data"].as_array().expect("data").clone()
}

async fn ledger_entries(s: &Server, merchant: &str) -> usize {
    let r = s
        .get(
            &format!("/v1/balance_transactions?merchant={merchant}&limit=100"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["data"].as_array().expect("data").len()
}

async fn twenty_concurrent_confirmations_charge_once(s: &Server) {
    let (merchant, key) = s.merchant("Seller", "USD").await;
    let created = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 12_345, "currency": "USD", "country": "US", "payment_method": card("4242424242424242")}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.str("id");
    let body = json!({"payment_method": card("4242424242424242")}).to_string();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (http, base, key, id, body) = (
            s.http.clone(),
            s.base.clone(),
            key.clone(),
            id.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut req = http
                .post(format!("{base}/v1/payments/{id}/confirm"))
                .bearer_auth(key)
                .header("content-type", "application/json")
                .body(body);
            // Half with their own Idempotency-Key, half with none.
            if i % 2 == 0 {
                req = req.header("Idempotency-Key", format!("confirm-{i}"));
            }
            let resp = req.send().await.expect("sent");
            let status = resp.status();
            let json: Value = resp.json().await.expect("json");
            (status, json)
        }));
    }
    let mut succeeded = 0;
    for task in tasks {
        let (status, json) = task.await.unwrap();
        match status {
            StatusCode::OK => {
                assert_eq!(json["status"], "succeeded", "{json}");
                succeeded += 1;
            }
            StatusCode::CONFLICT => {
                let code = json["error"]["code"].as_str().unwrap_or_default();
                assert!(
                    code == "payment_in_progress" || code == "payment_unexpected_state",
                    "{json}"
                );
            }
            other => panic!("unexpected {other}: {json}"),
        }
    }
    assert_eq!(succeeded, 1, "exactly one confirmation ran");
    let charges = provider_charges(s, &id).await;
    assert_eq!(charges.len(), 1, "one provider charge: {charges:?}");
    assert_eq!(charges[0]["status"], "captured");
    assert_eq!(charges[0]["amount"], 12_345);
    let got = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(got.json["status"], "succeeded");
    assert_eq!(got.json["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(got.json["connector"], charges[0]["connector"]);
    assert_eq!(ledger_entries(s, &merchant).await, 1, "one ledger movement");
    s.assert_verified().await;
}

async fn control_characters_are_refused_and_the_rest_of_the_batch_succeeds(s: &Server) {
    let (merchant, key) = s.merchant("Seller", "USD").await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let description = match i {
            7 => "nul \u{0} inside".to_string(),
            13 => "bell \u{7} inside".to_string(),
            21 => "escape \u{1b}[31m".to_string(),
            _ => format!("order {i}\twith a tab\nand a newline"),
        };
        let body = json!({"amount": 1_000 + i, "currency": "USD", "country": "US",
            "payment_method": card("4242424242424242"), "confirm": true, "description": description});
        let (http, base, key) = (s.http.clone(), s.base.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let resp = http
                .post(format!("{base}/v1/payments"))
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .expect("sent");
            let status = resp.status();
            (status, resp.json::<Value>().await.expect("json"))
        }));
    }
    let mut created = 0;
    for (i, task) in tasks.into_iter().enumerate() {
        let (status, json) = task.await.unwrap();
        if [7, 13, 21].contains(&i) {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
            assert_eq!(json["error"]["param"], "description", "{json}");
            assert_eq!(json["error"]["code"], "parameter_invalid", "{json}");
        } else {
            assert_eq!(status, StatusCode::CREATED, "request {i}: {json}");
            assert_eq!(json["status"], "succeeded");
            created += 1;
        }
    }
    assert_eq!(created, 27);
    // Metadata values and other text fields are held to the same rule.
    let r = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 500, "currency": "USD", "country": "US",
                "payment_method": card("4242424242424242"), "metadata": {"order": "a\u{0}b"}}),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("metadata.order"),
    );
    // A raw (unescaped) control byte is invalid JSON, and still named.
    let raw = br#"{"amount": 500, "currency": "USD", "country": "US", "description": "a"#
        .iter()
        .copied()
        .chain([0x07])
        .chain(*br#"b", "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}}"#)
        .collect::<Vec<u8>>();
    let resp = s
        .http
        .post(format!("{}/v1/payments", s.base))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let json: Value = resp.json().await.expect("json");
    assert_eq!(json["error"]["param"], "description", "{json}");
    assert_eq!(json["error"]["code"], "parameter_invalid", "{json}");
    let list = s.get("/v1/payments?limit=100", &key).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 27);
    assert_eq!(ledger_entries(s, &merchant).await, 27);
    s.assert_verified().await;
}
