//! Complaints over HTTP: deadlines from the market's rules on its holiday
//! calendar, holding replies, resolution by refund, escalation to a
//! dispute, overdue alerts, reports per market, bad input.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::refunds::{advance, card_payment};
use crate::support::{both_backends, Server};

both_backends!(
    complaint_resolved_by_refund_creates_the_refund,
    overdue_complaint_is_flagged_and_reported,
    complaint_escalates_to_a_dispute,
);

async fn complain(s: &Server, key: &str, payment: &Value, category: &str) -> Value {
    let r = s
        .post("/v1/complaints", key,
            &json!({"payment": payment["id"], "category": category, "description": "I was charged for something I did not buy", "customer_contact": "buyer@example.com"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

async fn complaint_resolved_by_refund_creates_the_refund(s: &Server) {
    let (m, key) = s.merchant("Seller", "EUR").await;
    s.credit(&m, 10_000, "EUR").await;
    let p = card_payment(s, &key, "4242424242424242", 4_000, "EUR", "DE").await;
    let c = complain(s, &key, &p, "unauthorized").await;
    assert_eq!(c["status"], "open");
    assert_eq!(c["country"], "DE");
    assert_eq!(c["rule"], "psd2_art101");
    assert_eq!(c["calendar"], "de");
    assert!(
        c["respond_by"]
            .as_str()
            .unwrap()
            .ends_with("T23:59:59.999999Z"),
        "{c}"
    );
    let id = c["id"].as_str().unwrap();
    let holding = s
        .post(
            &format!("/v1/complaints/{id}/respond"),
            &key,
            &json!({"message": "We are looking into it", "holding_reply": true}),
        )
        .await;
    assert_eq!(holding.status, StatusCode::OK, "{}", holding.json);
    assert!(
        holding.json["respond_by"].as_str() > c["respond_by"].as_str(),
        "a holding reply extends the deadline"
    );
    assert_eq!(holding.json["status"], "open");
    s.post(
        &format!("/v1/complaints/{id}/respond"),
        &key,
        &json!({"message": "again", "holding_reply": true}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "holding_reply_already_sent",
        Some("holding_reply"),
    );

    let resolved = s
        .post(
            &format!("/v1/complaints/{id}/resolve"),
            &key,
            &json!({"resolution": "refund", "amount": 1_500, "message": "Refunded in part"}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.json);
    assert_eq!(resolved.json["status"], "resolved");
    assert_eq!(resolved.json["resolution"], "refund");
    let refund_id = resolved.json["refund"].as_str().unwrap();
    let refund = s.get(&format!("/v1/refunds/{refund_id}"), &key).await;
    assert_eq!(refund.json["amount"], 1_500);
    assert_eq!(refund.json["reason"], "requested_by_customer");
    s.post(
        &format!("/v1/complaints/{id}/resolve"),
        &key,
        &json!({"resolution": "reject", "message": "no"}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "complaint_closed",
        Some("status"),
    );
    let paid = s
        .get(&format!("/v1/payments/{}", p["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(
        paid.json["amount_refunded"], 1_500,
        "resolved once, refunded once"
    );

    let reports = s.get("/v1/complaints/reports", &key).await;
    assert_eq!(reports.status, StatusCode::OK, "{}", reports.json);
    let de = &reports.json["data"][0];
    assert_eq!(de["country"], "DE");
    assert_eq!(de["total"], 1);
    assert_eq!(de["resolutions"]["refund"], 1);
    assert_eq!(de["refunded"]["EUR"], 1_500);
    s.assert_verified().await;
}

async fn overdue_complaint_is_flagged_and_reported(s: &Server) {
    let (_, key) = s.merchant("Seller", "GBP").await;
    let p = card_payment(s, &key, "4242424242424242", 2_500, "GBP", "GB").await;
    let c = complain(s, &key, &p, "not_as_described").await;
    assert_eq!(c["rule"], "fca_disp_8_weeks");
    let id = c["id"].as_str().unwrap();
    s.post(
        &format!("/v1/complaints/{id}/respond"),
        &key,
        &json!({"message": "wait", "holding_reply": true}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "holding_reply_not_allowed",
        Some("holding_reply"),
    );
    advance(s, 57 * 86_400).await;
    let got = crate::refunds::wait_for(s, &format!("/v1/complaints/{id}"), &key, |j| {
        j["overdue"] == true
    })
    .await;
    assert_eq!(got["status"], "open");
    let reports = s.get("/v1/complaints/reports?country=GB", &key).await;
    assert_eq!(reports.json["data"][0]["overdue"], 1, "{}", reports.json);
    let answered = s
        .post(
            &format!("/v1/complaints/{id}/respond"),
            &key,
            &json!({"message": "Sorry for the delay"}),
        )
        .await;
    assert_eq!(answered.json["status"], "responded");
    assert_eq!(answered.json["overdue"], false);
    s.get("/v1/complaints/reports?country=gbr", &key)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("country"),
        );
    let bad = s
        .post("/v1/complaints", &key, &json!({"payment": p["id"], "category": "rude", "description": "x", "customer_contact": "y"}))
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("category"),
    );
    let blank = s
        .post("/v1/complaints", &key, &json!({"payment": p["id"], "category": "other", "description": " ", "customer_contact": "y"}))
        .await;
    blank.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("description"),
    );
}

async fn complaint_escalates_to_a_dispute(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 10_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 3_000, "USD", "US").await;
    let c = complain(s, &key, &p, "not_received").await;
    assert_eq!(c["rule"], "platform_15_business_days");
    assert_eq!(c["calendar"], "us_federal");
    let id = c["id"].as_str().unwrap();
    let escalated = s
        .post(&format!("/v1/complaints/{id}/escalate"), &key, &json!({}))
        .await;
    assert_eq!(escalated.status, StatusCode::OK, "{}", escalated.json);
    assert_eq!(escalated.json["status"], "escalated");
    let dispute_id = escalated.json["dispute"].as_str().unwrap();
    let d = s.get(&format!("/v1/disputes/{dispute_id}"), &key).await;
    assert_eq!(d.json["network_reason_code"], "13.1");
    assert_eq!(d.json["complaint"], id);
    s.post(&format!("/v1/complaints/{id}/escalate"), &key, &json!({}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "complaint_closed",
            Some("status"),
        );
    s.assert_verified().await;
}
