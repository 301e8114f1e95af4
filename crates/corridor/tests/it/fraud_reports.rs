//! Issuers' fraud reports over HTTP (the sandbox helper standing for Visa
//! TC40 and Mastercard SAFE): recorded once per network report, readable
//! by the merchant, announced by webhook, counted in VAMP with Visa's
//! de-duplication, raising the early warning; bad input refused.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::refunds::card;
use crate::support::{both_backends, free_port, Server, OPERATOR_KEY};

both_backends!(
    fraud_reports_push_vamp_past_the_early_warning,
    bad_fraud_reports_answer_4xx_and_record_nothing,
);

/// Settled Visa card payments: enough that one report is under the early
/// warning (66 bps) and two are past it (133 bps).
const SETTLED: usize = 150;

/// A succeeded card payment's id (the simulated providers fail a small
/// share of charges with a retryable error; the buyer tries again).
async fn paid(s: &Server, key: &str, number: &str) -> String {
    let body = json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card(number), "confirm": true});
    for _ in 0..5 {
        let r = s.post("/v1/payments", key, &body).await;
        if r.status == StatusCode::CREATED && r.json["status"] == "succeeded" {
            return r.str("id");
        }
    }
    panic!("no succeeded payment in five tries");
}

async fn report(s: &Server, key: &str, payment: &str, body: Value) -> crate::support::Reply {
    s.post(
        &format!("/v1/test_helpers/payments/{payment}/fraud_report"),
        key,
        &body,
    )
    .await
}

async fn vamp(s: &Server, key: &str) -> Value {
    let r = s.get("/v1/disputes/monitoring", key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let visa = r.json["programs"][0].clone();
    assert_eq!(visa["program"], "vamp", "{visa}");
    visa
}

async fn alerts(s: &Server, key: &str, endpoint: &str, want: usize) -> Vec<Value> {
    let path = format!("/v1/webhook_endpoints/{endpoint}/deliveries?limit=100");
    let mut found = Vec::new();
    for _ in 0..100 {
        let r = s.get(&path, key).await;
        found = r.json["data"].as_array().cloned().unwrap_or_default();
        let count = |t: &str| found.iter().filter(|d| d["type"] == t).count();
        if count("fraud_report.created") >= 2 && count("merchant.monitoring_alert") >= want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found
}

async fn fraud_reports_push_vamp_past_the_early_warning(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    let url = format!("http://127.0.0.1:{}/hook", free_port());
    let endpoint = s
        .post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": url, "events": ["fraud_report.created", "merchant.monitoring_alert", "dispute.created"]}),
        )
        .await
        .str("id");
    let mut payments = Vec::with_capacity(SETTLED);
    for _ in 0..SETTLED {
        payments.push(paid(s, &key, "4242424242424242").await);
    }
    let before = vamp(s, &key).await;
    assert_eq!(
        (before["count"].as_i64(), before["base"].as_i64()),
        (Some(0), Some(150)),
        "{before}"
    );

    // One TC40: 66 bps, below the early warning.
    let first = report(
        s,
        &key,
        &payments[0],
        json!({"fraud_type": "6", "network_report_id": "TC40-0001"}),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert_eq!(first.json["network"], "visa");
    assert_eq!(first.json["fraud_type"], "fraudulent_use_of_account_number");
    assert_eq!(first.json["fraud_type_code"], "6");
    assert_eq!(first.json["amount"], 1_000);
    assert_eq!(first.json["payment"], payments[0].as_str());
    let v = vamp(s, &key).await;
    assert_eq!(
        (v["count"].as_i64(), v["level"].as_str()),
        (Some(1), Some("ok")),
        "{v}"
    );

    // A fraud dispute on the reported payment counts once with its report.
    let d = s
        .post(
            &format!("/v1/test_helpers/payments/{}/dispute", payments[0]),
            &key,
            &json!({"reason_code": "10.4"}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.json);
    let v = vamp(s, &key).await;
    assert_eq!(
        (
            v["count"].as_i64(),
            v["fraud_reports"].as_i64(),
            v["disputes"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "{v}"
    );
    assert_eq!(v["level"], "ok");

    // The same network report again is the same report: nothing changes.
    let again = report(
        s,
        &key,
        &payments[0],
        json!({"network": "visa", "fraud_type": "fraudulent_use_of_account_number", "network_report_id": "TC40-0001"}),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["id"], first.json["id"]);
    assert_eq!(vamp(s, &key).await["count"], 1);

    // A second payment reported: 133 bps, past the early warning.
    let second = report(s, &key, &payments[1], json!({"fraud_type": "stolen"})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.json);
    assert_eq!(second.json["fraud_type_code"], "1");
    let v = vamp(s, &key).await;
    assert_eq!(
        (
            v["count"].as_i64(),
            v["ratio_bps"].as_i64(),
            v["level"].as_str()
        ),
        (Some(2), Some(133), Some("early_warning")),
        "{v}"
    );

    // The merchant reads its reports, all or one payment's.
    let list = s.get("/v1/fraud_reports", &key).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    assert_eq!(list.json["data"].as_array().unwrap().len(), 2);
    assert_eq!(list.json["data"][0]["id"], second.json["id"]);
    let of_payment = s
        .get(&format!("/v1/fraud_reports?payment={}", payments[0]), &key)
        .await;
    assert_eq!(of_payment.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(of_payment.json["data"][0]["id"], first.json["id"]);
    let one = s
        .get(&format!("/v1/fraud_reports/{}", first.str("id")), &key)
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.json);
    assert_eq!(one.json["network_report_id"], "TC40-0001");

    // Webhooks: each report once, and one alert, raised by the second report.
    let deliveries = alerts(s, &key, &endpoint, 1).await;
    let of = |t: &str| -> Vec<&Value> { deliveries.iter().filter(|d| d["type"] == t).collect() };
    assert_eq!(of("fraud_report.created").len(), 2, "{deliveries:?}");
    let raised = of("merchant.monitoring_alert");
    assert_eq!(raised.len(), 1, "{deliveries:?}");
    // Fraud reports move no money.
    s.assert_verified().await;
}

async fn bad_fraud_reports_answer_4xx_and_record_nothing(s: &Server) {
    let (_, key) = s.merchant("Seller", "USD").await;
    let visa = paid(s, &key, "4242424242424242").await;
    let mastercard = paid(s, &key, "5555555555554444").await;
    report(s, &key, &visa, json!({"fraud_type": "7"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("fraud_type"),
        );
    // Mastercard's name for type 6 is not Visa's.
    report(s, &key, &visa, json!({"fraud_type": "card_not_present"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("fraud_type"),
        );
    // Mastercard's codes are two digits; Visa's one.
    report(s, &key, &visa, json!({"fraud_type": "06"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("fraud_type"),
        );
    report(
        s,
        &key,
        &visa,
        json!({"network": "mastercard", "fraud_type": "lost"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "network_mismatch",
        Some("network"),
    );
    report(
        s,
        &key,
        &visa,
        json!({"network": "amex", "fraud_type": "lost"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("network"),
    );
    report(
        s,
        &key,
        &visa,
        json!({"fraud_type": "lost", "network_report_id": "has space"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("network_report_id"),
    );
    report(s, &key, &visa, json!({"fraud_type": "lost", "extra": 1}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_unknown",
            Some("extra"),
        );
    // Not a card payment.
    let body = json!({"amount": 3_999, "currency": "EUR", "country": "NL", "payment_method": {"type": "ideal"}});
    let ideal = s.post("/v1/payments", &key, &body).await;
    assert_eq!(ideal.status, StatusCode::CREATED, "{}", ideal.json);
    report(s, &key, &ideal.str("id"), json!({"fraud_type": "lost"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "payment_not_card",
            Some("payment"),
        );
    // Another merchant's payment, or none.
    let (_, other) = s.merchant("Other", "USD").await;
    report(s, &other, &visa, json!({"fraud_type": "lost"}))
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    report(s, &key, "pay_nothing", json!({"fraud_type": "lost"}))
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    let none = s.get("/v1/fraud_reports", &key).await;
    assert_eq!(none.json["data"], json!([]), "{}", none.json);
    // The Mastercard card's network is the default; its SAFE code is two digits.
    let mc = report(s, &key, &mastercard, json!({"fraud_type": "04"})).await;
    assert_eq!(mc.status, StatusCode::CREATED, "{}", mc.json);
    assert_eq!(
        (
            mc.json["network"].as_str(),
            mc.json["fraud_type"].as_str(),
            mc.json["fraud_type_code"].as_str()
        ),
        (Some("mastercard"), Some("counterfeit_card"), Some("04"))
    );
    // Another merchant cannot read it; the operator can.
    let id = mc.str("id");
    assert_eq!(
        s.get(&format!("/v1/fraud_reports/{id}"), &other)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get(&format!("/v1/fraud_reports/{id}"), OPERATOR_KEY)
            .await
            .status,
        StatusCode::OK
    );
}
