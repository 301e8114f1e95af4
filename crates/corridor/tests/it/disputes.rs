//! Disputes over HTTP: opened by the network (sandbox helper), the amount
//! and fee held, evidence checked per category, won with evidence, lost at
//! the deadline, accepted, barred by the 3-D Secure liability shift,
//! monitoring ratios, webhooks for every change, bad input.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::refunds::{advance, card_payment, wait_for};
use crate::support::{both_backends, free_port, Server, OPERATOR_KEY};

both_backends!(
    dispute_won_with_evidence_releases_the_hold,
    dispute_lost_at_the_deadline_takes_amount_and_fee,
    accepted_dispute_is_lost,
    fraud_dispute_after_3ds_is_barred_by_the_liability_shift,
    bad_dispute_input_answers_4xx,
    dispute_beyond_the_balance_holds_what_it_can_and_books_the_rest_owed,
);

async fn open(s: &Server, key: &str, payment: &str, code: &str) -> Value {
    let r = s
        .post(
            &format!("/v1/test_helpers/payments/{payment}/dispute"),
            key,
            &json!({"reason_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

/// Settled funds: the payment's net settles and the merchant has a cushion.
async fn funded_payment(s: &Server, amount: i64) -> (String, String, Value) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 20_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", amount, "USD", "US").await;
    (m, key, p)
}

async fn webhook_endpoint(s: &Server, key: &str) -> String {
    let url = format!("http://127.0.0.1:{}/hook", free_port());
    let r = s
        .post(
            "/v1/webhook_endpoints",
            key,
            &json!({"url": url, "events": ["*"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.str("id")
}

async fn event_types(s: &Server, key: &str, endpoint: &str, expected: &[&str]) -> Vec<String> {
    let path = format!("/v1/webhook_endpoints/{endpoint}/deliveries?limit=100");
    let mut types = Vec::new();
    for _ in 0..100 {
        let r = s.get(&path, key).await;
        types = r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["type"].as_str().unwrap().to_string())
            .collect();
        if expected.iter().all(|e| types.iter().any(|t| t == e)) {
            return types;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("events {expected:?} not all delivered: {types:?}");
}

fn reserved(balances: &[(String, i64, i64, i64)]) -> (i64, i64) {
    let usd = balances.iter().find(|b| b.0 == "USD").unwrap();
    (usd.1, usd.3)
}

async fn dispute_won_with_evidence_releases_the_hold(s: &Server) {
    let (m, key, p) = funded_payment(s, 10_000).await;
    let endpoint = webhook_endpoint(s, &key).await;
    let d = open(s, &key, p["id"].as_str().unwrap(), "13.1").await;
    assert_eq!(d["status"], "needs_response");
    assert_eq!(d["reason"], "product_not_received");
    assert_eq!(d["network"], "visa");
    assert_eq!(d["network_reason_code"], "13.1");
    assert_eq!(d["amount"], 10_000);
    assert_eq!(d["fee"], 1_500);
    assert_eq!(d["amount_held"], 11_500);
    let id = d["id"].as_str().unwrap();
    assert_eq!(
        reserved(&s.balances(&m).await),
        (20_000 - 11_500, 11_500),
        "only the disputed amount and fee are held"
    );

    let saved = s
        .post(
            &format!("/v1/disputes/{id}/evidence"),
            &key,
            &json!({"shipping_carrier": "DHL", "shipping_date": "2026-11-20"}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    assert_eq!(saved.json["status"], "needs_response");
    s.post(&format!("/v1/disputes/{id}/submit"), &key, &json!({}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("evidence.shipping_tracking_number"),
        );
    let submitted = s
        .post(
            &format!("/v1/disputes/{id}/evidence"),
            &key,
            &json!({"shipping_tracking_number": "JD014600006281", "submit": true}),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.json);
    assert_eq!(submitted.json["status"], "under_review");
    assert_eq!(submitted.json["evidence"]["shipping_carrier"], "DHL");
    s.post(
        &format!("/v1/disputes/{id}/evidence"),
        &key,
        &json!({"uncategorized_text": "late"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "dispute_evidence_submitted",
        Some("evidence"),
    );

    let won = s
        .post(
            &format!("/v1/test_helpers/disputes/{id}/close"),
            &key,
            &json!({"outcome": "won"}),
        )
        .await;
    assert_eq!(won.status, StatusCode::OK, "{}", won.json);
    assert_eq!(won.json["status"], "won");
    assert_eq!(won.json["amount_held"], 0);
    assert_eq!(
        reserved(&s.balances(&m).await),
        (20_000, 0),
        "released when won"
    );
    let listed = s.get("/v1/disputes", &key).await;
    assert_eq!(listed.json["data"][0]["id"], id);
    event_types(
        s,
        &key,
        &endpoint,
        &[
            "dispute.created",
            "dispute.updated",
            "dispute.submitted",
            "dispute.closed",
        ],
    )
    .await;
    s.assert_verified().await;
}

async fn dispute_lost_at_the_deadline_takes_amount_and_fee(s: &Server) {
    let (m, key, p) = funded_payment(s, 6_000).await;
    let d = open(s, &key, p["id"].as_str().unwrap(), "13.3").await;
    assert_eq!(d["reason"], "product_unacceptable");
    let id = d["id"].as_str().unwrap();
    advance(s, 20 * 86_400 + 60).await;
    let lost = wait_for(s, &format!("/v1/disputes/{id}"), &key, |j| {
        j["status"] == "lost"
    })
    .await;
    assert_eq!(lost["closed_reason"], "deadline_passed");
    // Twenty days on, the payment's net has settled to available too.
    let net = 6_000 - p["fee"].as_i64().unwrap();
    let expected = (20_000 + net - 7_500, 0);
    let mut got = reserved(&s.balances(&m).await);
    for _ in 0..50 {
        if got == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        got = reserved(&s.balances(&m).await);
    }
    assert_eq!(got, expected, "amount and fee taken");
    s.post(
        &format!("/v1/disputes/{id}/evidence"),
        &key,
        &json!({"product_description": "late"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "dispute_closed",
        Some("evidence"),
    );
    let monitoring = s.get("/v1/disputes/monitoring", &key).await;
    assert_eq!(monitoring.status, StatusCode::OK, "{}", monitoring.json);
    let visa = &monitoring.json["programs"][0];
    assert_eq!(visa["program"], "vamp");
    assert_eq!(visa["count"], 1);
    assert_eq!(visa["level"], "excessive", "{visa}");
    s.assert_verified().await;
}

async fn accepted_dispute_is_lost(s: &Server) {
    let (m, key, p) = funded_payment(s, 2_000).await;
    let endpoint = webhook_endpoint(s, &key).await;
    let d = open(s, &key, p["id"].as_str().unwrap(), "12.6.1").await;
    assert_eq!(d["reason"], "duplicate");
    let id = d["id"].as_str().unwrap();
    let accepted = s
        .post(&format!("/v1/disputes/{id}/accept"), &key, &json!({}))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    assert_eq!(accepted.json["status"], "lost");
    assert_eq!(accepted.json["closed_reason"], "accepted");
    assert_eq!(reserved(&s.balances(&m).await), (20_000 - 3_500, 0));
    s.post(&format!("/v1/disputes/{id}/accept"), &key, &json!({}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "dispute_closed",
            Some("evidence"),
        );
    event_types(
        s,
        &key,
        &endpoint,
        &[
            "dispute.created",
            "dispute.closed",
            "merchant.monitoring_alert",
        ],
    )
    .await;
    s.assert_verified().await;
}

async fn fraud_dispute_after_3ds_is_barred_by_the_liability_shift(s: &Server) {
    let (m, key) = s.merchant("Seller", "EUR").await;
    let r = s
        .post("/v1/payments", &key,
            &json!({"amount": 8_000, "currency": "EUR", "country": "DE", "payment_method": crate::refunds::card("4000000000003220"), "confirm": true}))
        .await;
    let id = r.str("id");
    let done = s
        .post(
            &format!("/v1/test_helpers/payments/{id}/complete"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(done.json["status"], "succeeded", "{}", done.json);
    let tds = &done.json["three_d_secure"];
    assert_eq!(tds["required"], true, "{tds}");
    assert_eq!(tds["result"], "authenticated");
    assert_eq!(tds["flow"], "challenge");
    assert_eq!(tds["liability_shift"], true);
    assert_eq!(tds["exemption"], Value::Null);
    // Frictionless where SCA applies; exempted under the low-value limit;
    // not performed outside the EEA and the UK.
    let frictionless = card_payment(s, &key, "4242424242424242", 8_000, "EUR", "FR").await;
    assert_eq!(frictionless["three_d_secure"]["flow"], "frictionless");
    assert_eq!(frictionless["three_d_secure"]["liability_shift"], true);
    let low = card_payment(s, &key, "4242424242424242", 2_500, "EUR", "DE").await;
    assert_eq!(low["three_d_secure"]["required"], false);
    assert_eq!(low["three_d_secure"]["exemption"], "low_value");
    assert_eq!(low["three_d_secure"]["result"], "not_performed");
    let us = card_payment(s, &key, "4242424242424242", 2_500, "USD", "US").await;
    assert_eq!(us["three_d_secure"]["result"], "not_performed");
    assert_eq!(us["three_d_secure"]["liability_shift"], false);
    let before = s.balances(&m).await;
    let d = open(s, &key, &id, "10.4").await;
    assert_eq!(d["status"], "won", "{d}");
    assert_eq!(d["liability_shift"], true);
    assert_eq!(d["closed_reason"], "liability_shift");
    assert_eq!(d["amount_held"], 0);
    assert_eq!(s.balances(&m).await, before, "nothing held");
    // A non-fraud dispute is not barred.
    let (_, key2, p2) = funded_payment(s, 1_000).await;
    let d2 = open(s, &key2, p2["id"].as_str().unwrap(), "10.4").await;
    assert_eq!(d2["status"], "needs_response", "no 3-D Secure, no shift");
    assert_eq!(d2["liability_shift"], false);
    s.assert_verified().await;
}

async fn bad_dispute_input_answers_4xx(s: &Server) {
    let (m, key, p) = funded_payment(s, 3_000).await;
    let pid = p["id"].as_str().unwrap();
    let path = format!("/v1/test_helpers/payments/{pid}/dispute");
    s.post(&path, &key, &json!({"reason_code": "4853"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("reason_code"),
        );
    s.post(&path, &key, &json!({"reason_code": "99.9"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("reason_code"),
        );
    s.post(&path, &key, &json!({})).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("reason_code"),
    );
    let before = s.balances(&m).await;
    let d = open(s, &key, pid, "13.1").await;
    let id = d["id"].as_str().unwrap();
    s.post("/v1/refunds", &key, &json!({"payment": pid, "amount": 100}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "payment_disputed",
            Some("payment"),
        );
    let again = s.post(&path, &key, &json!({"reason_code": "13.1"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
    s.post(
        &format!("/v1/disputes/{id}/evidence"),
        &key,
        &json!({"favourite_colour": "blue"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_unknown",
        Some("favourite_colour"),
    );
    s.post(
        &format!("/v1/disputes/{id}/evidence"),
        &key,
        &json!({"shipping_carrier": ""}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("shipping_carrier"),
    );
    s.post(
        &format!("/v1/disputes/{id}/evidence"),
        &key,
        &json!({"shipping_carrier": 5}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("shipping_carrier"),
    );
    s.post(
        &format!("/v1/test_helpers/disputes/{id}/close"),
        &key,
        &json!({"outcome": "maybe"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("outcome"),
    );
    let (_, other) = s.merchant("Other", "USD").await;
    assert_eq!(
        s.get(&format!("/v1/disputes/{id}"), &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.post(&format!("/v1/disputes/{id}/accept"), &other, &json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let after = s.balances(&m).await;
    assert_eq!(
        after[0].3 - before[0].3,
        4_500,
        "only the one dispute holds funds"
    );
    let ops = s
        .get(&format!("/v1/disputes?merchant={m}"), OPERATOR_KEY)
        .await;
    assert_eq!(ops.json["data"].as_array().unwrap().len(), 1);
    s.assert_verified().await;
}

async fn usd(s: &Server, m: &str) -> (i64, i64) {
    reserved(&s.balances(m).await)
}

/// After a payout the balance cannot cover the amount plus fee: what it can
/// is held, and when lost the rest comes from what settled since, then is
/// booked as owed by the merchant to the platform; nothing is lost or 500s.
async fn dispute_beyond_the_balance_holds_what_it_can_and_books_the_rest_owed(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 4_500, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 6_000, "USD", "US").await;
    let us = crate::payouts::beneficiary(s, &key, crate::payouts::every_scheme()[2].clone()).await;
    let po = crate::payouts::payout(
        s,
        &key,
        json!({"amount": 4_000, "currency": "USD", "beneficiary": us}),
    )
    .await;
    let payout_total = 4_000 + po["fee"].as_i64().unwrap();
    let (left, reserved_before) = usd(s, &m).await;
    assert_eq!(
        (left, reserved_before),
        (4_500 - payout_total, payout_total)
    );
    assert!(left > 0);

    let d = open(s, &key, p["id"].as_str().unwrap(), "13.3").await;
    let total = d["amount"].as_i64().unwrap() + d["fee"].as_i64().unwrap();
    assert_eq!(d["amount_held"], left, "only what the balance covers");
    assert_eq!(d["amount_receivable"], 0);
    assert_eq!(usd(s, &m).await, (0, payout_total + left));

    // The payment's net settles before the deadline.
    let net = 6_000 - p["fee"].as_i64().unwrap();
    advance(s, 10 * 86_400).await;
    let mut got = usd(s, &m).await;
    for _ in 0..100 {
        if got.0 == net {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        got = usd(s, &m).await;
    }
    assert_eq!(got, (net, payout_total + left), "the net settled");

    // Lost at the deadline: the hold, then the settled net, then a receivable.
    advance(s, 11 * 86_400).await;
    let id = d["id"].as_str().unwrap();
    let lost = wait_for(s, &format!("/v1/disputes/{id}"), &key, |j| {
        j["status"] == "lost"
    })
    .await;
    let short = total - left;
    assert!(short > net, "the case needs a shortfall beyond the balance");
    assert_eq!(lost["amount_receivable"], short - net, "{lost}");
    assert_eq!(lost["amount_held"], 0);
    assert_eq!(
        usd(s, &m).await,
        (0, payout_total),
        "the payout's hold is untouched"
    );
    let verify = s.assert_verified().await;
    assert_eq!(
        verify["currencies"]["USD"]["debits"],
        verify["currencies"]["USD"]["credits"]
    );
}
