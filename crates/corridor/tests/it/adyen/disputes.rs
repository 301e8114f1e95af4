//! Adyen's chargeback notifications open, advance and close disputes
//! through after-sales, a fraud notification records the issuer's fraud
//! report, and a failed capture reverses its capture: each
//! applied once however often Adyen repeats it, on both backends.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::api::{item, notify, request, HMAC_KEY};
use super::prism::Prism;
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(adyen_chargebacks_and_failed_captures_apply_once);

/// A signed dispute item: `additional` goes into `additionalData` (which
/// Adyen's signature does not cover).
pub(super) fn dispute_item(
    psp_reference: &str,
    payment: (&str, &str),
    event_code: &str,
    value: i64,
    reason: &str,
    additional: Value,
) -> Value {
    use corridor_connectors::adyen::notification::{HmacKey, NotificationItem};
    let mut item = json!({
        "additionalData": additional,
        "amount": {"currency": "EUR", "value": value},
        "eventCode": event_code,
        "eventDate": "2026-12-01T01:00:00+01:00",
        "merchantAccountCode": "CorridorECOM",
        "merchantReference": payment.0,
        "originalReference": payment.1,
        "paymentMethod": "visa",
        "pspReference": psp_reference,
        "reason": reason,
        "success": "true",
    });
    let parsed: NotificationItem = serde_json::from_value(item.clone()).unwrap();
    let signature = parsed.sign(&HmacKey::parse_hex(HMAC_KEY).unwrap());
    item["additionalData"]["hmacSignature"] = json!(signature);
    item
}

/// `(available, pending, reserved)` in EUR.
pub(super) async fn eur(s: &Server, merchant: &str) -> (i64, i64, i64) {
    let b = s.balances(merchant).await;
    let e = b.iter().find(|b| b.0 == "EUR").expect("an EUR balance");
    (e.1, e.2, e.3)
}

async fn disputes(s: &Server, key: &str, payment: &str) -> Vec<Value> {
    let r = s.get("/v1/disputes?limit=100", key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut found: Vec<Value> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["payment"] == payment)
        .cloned()
        .collect();
    found.sort_by_key(|d| d["created_at"].as_str().unwrap().to_string());
    found
}

pub(super) async fn send_twice(s: &Server, connector: &str, items: &[Value]) {
    for _ in 0..2 {
        let r = notify(s, connector, &request(items)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json, json!("[accepted]"));
    }
}

/// A card payment through Adyen, authorised (and captured) by notification.
async fn paid(s: &Server, key: &str, connector: &str, amount: i64, psp: &str) -> String {
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});
    let created = s
        .post("/v1/payments", key, &json!({"amount": amount, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.str("id");
    send_twice(
        s,
        connector,
        &[item(psp, &id, "AUTHORISATION", amount, "EUR", true)],
    )
    .await;
    let done = s.get(&format!("/v1/payments/{id}"), key).await;
    assert_eq!(done.json["status"], "succeeded", "{}", done.json);
    id
}

async fn adyen_chargebacks_and_failed_captures_apply_once(s: &Server) {
    let Some(prism) = Prism::start().await else {
        return;
    };
    let connector = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &json!({
                "type": "adyen", "name": "adyen_cb", "base_url": prism.url,
                "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
                "raw_card_data": true,
                "credentials": {"api_key": "AQE_cb_key", "hmac_key": HMAC_KEY}
            }),
        )
        .await;
    assert_eq!(connector.status, StatusCode::CREATED, "{}", connector.json);
    let connector = connector.str("id");
    let (merchant, key) = s.merchant("Chargeback Seller", "EUR").await;
    let rules = json!({"rules": [{"name": "adyen cards", "when": {"method_types": ["card"], "merchants": [merchant.clone()]}, "connectors": ["adyen_cb"]}]});
    let put = s
        .call(
            Method::PUT,
            "/v1/routing_rules",
            Some(OPERATOR_KEY),
            None,
            Some(&rules.to_string()),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);

    let pay = paid(s, &key, &connector, 10_000, "PSPCB0000000PAY1").await;
    s.credit(&merchant, 20_000, "EUR").await;
    let (available, pending, _) = eur(s, &merchant).await;
    assert_eq!(available, 20_000);

    // The notice of a chargeback opens a dispute as the network would:
    // Adyen's reason code and deadline, amount plus fee held. Twice: once.
    let noc = dispute_item(
        "PSPCB00000DISPUTE1",
        (&pay, "PSPCB0000000PAY1"),
        "NOTIFICATION_OF_CHARGEBACK",
        10_000,
        "Merchandise/Services Not Received",
        json!({"chargebackReasonCode": "13.1", "chargebackSchemeCode": "visa",
               "defensePeriodEndsAt": "2027-01-15T10:00:00+01:00", "disputeStatus": "Unresponded"}),
    );
    send_twice(s, &connector, &[noc]).await;
    let found = disputes(s, &key, &pay).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["status"], "needs_response", "{d}");
    assert_eq!(d["network_reason_code"], "13.1");
    assert_eq!(d["reason"], "product_not_received");
    assert_eq!(d["amount"], 10_000);
    assert_eq!(d["fee"], 1_500);
    assert_eq!(d["amount_held"], 11_500);
    assert_eq!(d["evidence_due_by"], "2027-01-15T09:00:00Z");
    assert_eq!(eur(s, &merchant).await, (20_000 - 11_500, pending, 11_500));

    // The debit itself (CHARGEBACK, still defendable) is the same dispute.
    let chargeback = dispute_item(
        "PSPCB00000DISPUTE1",
        (&pay, "PSPCB0000000PAY1"),
        "CHARGEBACK",
        10_000,
        "Merchandise/Services Not Received",
        json!({"chargebackReasonCode": "13.1", "disputeStatus": "Unresponded"}),
    );
    send_twice(s, &connector, &[chargeback]).await;
    assert_eq!(disputes(s, &key, &pay).await.len(), 1);

    // Reversed: won, the hold released, once.
    let reversed = dispute_item(
        "PSPCB00000DISPUTE1",
        (&pay, "PSPCB0000000PAY1"),
        "CHARGEBACK_REVERSED",
        10_000,
        "",
        json!({"disputeStatus": "Won"}),
    );
    send_twice(s, &connector, &[reversed]).await;
    let found = disputes(s, &key, &pay).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "won", "{}", found[0]);
    assert_eq!(found[0]["closed_reason"], "network_decision");
    assert_eq!(eur(s, &merchant).await, (20_000, pending, 0));

    // A second chargeback is final: its own dispute, lost at once, amount
    // and fee taken once.
    let second = dispute_item(
        "PSPCB00000DISPUTE1",
        (&pay, "PSPCB0000000PAY1"),
        "SECOND_CHARGEBACK",
        10_000,
        "",
        json!({"chargebackReasonCode": "13.1", "disputeStatus": "Lost"}),
    );
    send_twice(s, &connector, &[second]).await;
    let found = disputes(s, &key, &pay).await;
    assert_eq!(found.len(), 2, "{found:?}");
    let lost = found
        .iter()
        .find(|d| d["status"] == "lost")
        .expect("a lost dispute");
    assert_eq!(lost["amount"], 10_000);
    assert_eq!(eur(s, &merchant).await, (20_000 - 11_500, pending, 0));

    // A reason code no network table has: the category comes from Adyen's
    // words; an undefended chargeback is lost at once; part of the payment.
    let other = paid(s, &key, &connector, 6_000, "PSPCB0000000PAY2").await;
    let (available, pending, _) = eur(s, &merchant).await;
    let undefended = dispute_item(
        "PSPCB00000DISPUTE2",
        (&other, "PSPCB0000000PAY2"),
        "CHARGEBACK",
        2_000,
        "Not as Described or Defective Merchandise",
        json!({"chargebackReasonCode": "99", "disputeStatus": "Undefended"}),
    );
    send_twice(s, &connector, &[undefended]).await;
    let found = disputes(s, &key, &other).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["status"], "lost", "{}", found[0]);
    assert_eq!(found[0]["network_reason_code"], "99");
    assert_eq!(found[0]["reason"], "product_unacceptable");
    assert_eq!(found[0]["amount"], 2_000);
    assert_eq!(eur(s, &merchant).await, (available - 3_500, pending, 0));

    // A failed capture: the payment fails, the merchant's pending net and
    // the platform's fee go back to clearing, once.
    let (available, pending_before, _) = eur(s, &merchant).await;
    let third = paid(s, &key, &connector, 4_000, "PSPCB0000000PAY3").await;
    let captured = s.get(&format!("/v1/payments/{third}"), &key).await;
    let fee = captured.json["fee"].as_i64().unwrap();
    assert_eq!(
        eur(s, &merchant).await,
        (available, pending_before + 4_000 - fee, 0)
    );
    let failed = dispute_item(
        "PSPCB000CAPTURE03",
        (&third, "PSPCB0000000PAY3"),
        "CAPTURE_FAILED",
        4_000,
        "Authorisation expired",
        json!({}),
    );
    send_twice(s, &connector, &[failed]).await;
    let after = s.get(&format!("/v1/payments/{third}"), &key).await;
    assert_eq!(after.json["status"], "failed", "{}", after.json);
    assert_eq!(after.json["amount_captured"], 0, "{}", after.json);
    assert_eq!(eur(s, &merchant).await, (available, pending_before, 0));

    // The issuer's fraud report (Visa TC40, as Adyen's example): recorded
    // once, with its fraud type, counted in VAMP.
    let fraud = dispute_item(
        "PSPCB0000000NOF1",
        (&pay, "PSPCB0000000PAY1"),
        "NOTIFICATION_OF_FRAUD",
        10_000,
        "Fraudulent Use of Account Number",
        json!({"nofReasonCode": "6", "nofSchemeCode": "visa"}),
    );
    send_twice(s, &connector, &[fraud]).await;
    let reports = s
        .get(&format!("/v1/fraud_reports?payment={pay}"), &key)
        .await;
    assert_eq!(reports.status, StatusCode::OK, "{}", reports.json);
    let reports = reports.json["data"].as_array().unwrap().clone();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0]["fraud_type"], "fraudulent_use_of_account_number");
    assert_eq!(reports[0]["network_report_id"], "PSPCB0000000NOF1");
    assert_eq!(reports[0]["source"], format!("connector:{connector}"));
    assert_eq!(reports[0]["reported_at"], "2026-12-01T00:00:00Z");
    let monitoring = s.get("/v1/disputes/monitoring", &key).await;
    assert_eq!(
        monitoring.json["programs"][0]["fraud_reports"], 1,
        "{}",
        monitoring.json
    );

    let log = s
        .get(
            &format!("/v1/connectors/{connector}/notifications?limit=100"),
            OPERATOR_KEY,
        )
        .await;
    let outcome = |code: &str| -> Vec<String> {
        log.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["event_code"] == code)
            .map(|n| n["outcome"].as_str().unwrap().to_string())
            .collect()
    };
    for code in [
        "NOTIFICATION_OF_CHARGEBACK",
        "CHARGEBACK_REVERSED",
        "SECOND_CHARGEBACK",
        "CAPTURE_FAILED",
        "NOTIFICATION_OF_FRAUD",
    ] {
        assert_eq!(outcome(code), ["applied"], "{code}: {}", log.json);
    }
    assert_eq!(
        outcome("CHARGEBACK"),
        ["applied", "applied"],
        "{}",
        log.json
    );
    s.assert_verified().await;
}
