//! A payment through an Adyen connector configured over the API, against
//! Prism serving Adyen's Checkout document, completed by a signed
//! notification: applied once, whatever Adyen repeats.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::api::{item, modification_item, notify, request, HMAC_KEY};
use super::prism::Prism;
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(a_card_payment_through_adyen_completes_by_notification_once);

async fn a_card_payment_through_adyen_completes_by_notification_once(s: &Server) {
    let Some(prism) = Prism::start().await else {
        return;
    };
    let connector = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &json!({
                "type": "adyen", "name": "adyen_e2e", "base_url": prism.url,
                "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
                "raw_card_data": true,
                "credentials": {"api_key": "AQE_e2e_key", "hmac_key": HMAC_KEY}
            }),
        )
        .await;
    assert_eq!(connector.status, StatusCode::CREATED, "{}", connector.json);
    let connector_id = connector.str("id");
    let (merchant, key) = s.merchant("Adyen Seller", "EUR").await;
    let rules = json!({"rules": [{"name": "adyen cards", "when": {"method_types": ["card"], "merchants": [merchant.clone()]}, "connectors": ["adyen_e2e"]}]});
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
    let card = json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"});

    // Automatic capture: Adyen asks for the 3DS2 fingerprint step.
    let paid = s
        .post("/v1/payments", &key, &json!({"amount": 10_000, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.json);
    assert_eq!(paid.json["status"], "requires_action", "{}", paid.json);
    assert_eq!(paid.json["connector"], "adyen_e2e");
    assert_eq!(paid.json["next_action"]["type"], "three_d_secure");
    assert!(
        paid.json["next_action"]["three_ds_token"].is_string(),
        "{}",
        paid.json
    );
    let id = paid.str("id");

    // Adyen's AUTHORISATION, twice (duplicates are normal): applied once.
    let authorised = request(&[item(
        "PSPE2E0000000001",
        &id,
        "AUTHORISATION",
        10_000,
        "EUR",
        true,
    )]);
    for _ in 0..2 {
        let r = notify(s, &connector_id, &authorised).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json, json!("[accepted]"));
    }
    let done = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(done.json["status"], "succeeded", "{}", done.json);
    assert_eq!(done.json["amount_captured"], 10_000);
    let fee = done.json["fee"].as_i64().unwrap();
    assert_eq!(
        s.balances(&merchant).await,
        vec![("EUR".into(), 0, 10_000 - fee, 0)]
    );
    let log = s
        .get(
            &format!("/v1/connectors/{connector_id}/notifications"),
            OPERATOR_KEY,
        )
        .await;
    let entries = log.json["data"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", log.json);
    assert_eq!(entries[0]["outcome"], "applied");
    assert_eq!(entries[0]["payment"], id.as_str());

    // A refund goes to Adyen through the payment's own connector; Adyen's
    // REFUND notification settles it, and a later REFUND_FAILED gives the
    // merchant its money back, once.
    s.credit(&merchant, 5_000, "EUR").await;
    let refund = s
        .post(
            "/v1/refunds",
            &key,
            &json!({"payment": id, "amount": 2_500}),
        )
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.json);
    assert_eq!(refund.json["status"], "pending", "{}", refund.json);
    let refund_id = refund.str("id");
    let refunded = |event: &str, success: bool| {
        request(&[modification_item(
            "PSPE2ERF00000001",
            "PSPE2E0000000001",
            &refund_id,
            event,
            (2_500, "EUR"),
            success,
        )])
    };
    for _ in 0..2 {
        let r = notify(s, &connector_id, &refunded("REFUND", true)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    }
    let done_refund = s.get(&format!("/v1/refunds/{refund_id}"), &key).await;
    assert_eq!(
        done_refund.json["status"], "succeeded",
        "{}",
        done_refund.json
    );
    assert_eq!(
        s.balances(&merchant).await,
        vec![("EUR".into(), 2_500, 10_000 - fee, 0)]
    );
    let r = notify(s, &connector_id, &refunded("REFUND_FAILED", true)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let failed_refund = s.get(&format!("/v1/refunds/{refund_id}"), &key).await;
    assert_eq!(
        failed_refund.json["status"], "failed",
        "{}",
        failed_refund.json
    );
    assert_eq!(
        s.balances(&merchant).await,
        vec![("EUR".into(), 5_000, 10_000 - fee, 0)],
        "the failed refund's debit is reversed"
    );
    let log = s
        .get(
            &format!("/v1/connectors/{connector_id}/notifications"),
            OPERATOR_KEY,
        )
        .await;
    let outcomes: Vec<&str> = log.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["psp_reference"] == "PSPE2ERF00000001")
        .map(|n| n["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["applied", "applied"], "{}", log.json);

    // Manual capture: authorised by notification, captured through Adyen.
    let manual = s
        .post("/v1/payments", &key, &json!({"amount": 4_000, "currency": "EUR", "country": "NL", "payment_method": card, "capture_method": "manual", "confirm": true}))
        .await;
    assert_eq!(manual.json["status"], "requires_action", "{}", manual.json);
    let manual_id = manual.str("id");
    let r = notify(
        s,
        &connector_id,
        &request(&[item(
            "PSPE2E0000000002",
            &manual_id,
            "AUTHORISATION",
            4_000,
            "EUR",
            true,
        )]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let held = s.get(&format!("/v1/payments/{manual_id}"), &key).await;
    assert_eq!(held.json["status"], "requires_capture", "{}", held.json);
    let captured = s
        .post(
            &format!("/v1/payments/{manual_id}/capture"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(captured.status, StatusCode::OK, "{}", captured.json);
    assert_eq!(captured.json["status"], "succeeded", "{}", captured.json);

    // A refused authorisation fails the payment with a decline code.
    let refused = s
        .post("/v1/payments", &key, &json!({"amount": 2_000, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    let refused_id = refused.str("id");
    let mut no = item(
        "PSPE2E0000000003",
        &refused_id,
        "AUTHORISATION",
        2_000,
        "EUR",
        false,
    );
    no["reason"] = json!("Not enough balance");
    // The reason is not part of the signed text: the signature still holds.
    let r = notify(s, &connector_id, &request(&[no])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let failed = s.get(&format!("/v1/payments/{refused_id}"), &key).await;
    assert_eq!(failed.json["status"], "failed", "{}", failed.json);
    assert_eq!(failed.json["decline_code"], "insufficient_funds");

    // Encrypted card fields from a client-side integration pass through.
    let encrypted = json!({"type": "card",
        "encrypted_card_number": "adyenjs_0_1_25$enc-number", "encrypted_expiry_month": "adyenjs_0_1_25$enc-month",
        "encrypted_expiry_year": "adyenjs_0_1_25$enc-year", "encrypted_security_code": "adyenjs_0_1_25$enc-cvc"});
    let sealed = s
        .post("/v1/payments", &key, &json!({"amount": 1_500, "currency": "EUR", "country": "NL", "payment_method": encrypted, "confirm": true}))
        .await;
    assert_eq!(sealed.status, StatusCode::CREATED, "{}", sealed.json);
    assert_eq!(sealed.json["status"], "requires_action", "{}", sealed.json);
    assert_eq!(
        sealed.json["card"],
        serde_json::Value::Null,
        "Corridor never sees the digits"
    );
    let mut both = encrypted.clone();
    both["number"] = json!("4242424242424242");
    let r = s.post("/v1/payments", &key, &json!({"amount": 1_500, "currency": "EUR", "country": "NL", "payment_method": both, "confirm": true})).await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("payment_method.number"),
    );
    let mut partial = encrypted.clone();
    partial
        .as_object_mut()
        .unwrap()
        .remove("encrypted_expiry_year");
    let r = s.post("/v1/payments", &key, &json!({"amount": 1_500, "currency": "EUR", "country": "NL", "payment_method": partial, "confirm": true})).await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("payment_method.encrypted_expiry_year"),
    );

    // The buyer returns from the 3DS redirect: the details go to Adyen.
    let returning = s
        .post("/v1/payments", &key, &json!({"amount": 2_500, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    let returning_id = returning.str("id");
    let bad = s
        .post(
            &format!("/v1/payments/{returning_id}/details"),
            &key,
            &json!({"details": {"cardNumber": "4111"}}),
        )
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_unknown",
        Some("details.cardNumber"),
    );
    let back = s
        .post(
            &format!("/v1/payments/{returning_id}/details"),
            &key,
            &json!({"details": {"redirectResult": "X6XtfGC3!Y..."}}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    assert_eq!(back.json["status"], "succeeded", "{}", back.json);
    let again = s
        .post(
            &format!("/v1/payments/{returning_id}/details"),
            &key,
            &json!({"details": {"redirectResult": "X6XtfGC3!Y..."}}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);

    // What the merchant account offers, for the operator.
    let offered = s
        .get(
            &format!("/v1/connectors/{connector_id}/payment_methods?country=NL"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.json);
    assert!(
        offered.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["type"] == "ideal"),
        "{}",
        offered.json
    );
    let bad_country = s
        .get(
            &format!("/v1/connectors/{connector_id}/payment_methods?country=XX"),
            OPERATOR_KEY,
        )
        .await;
    bad_country.assert_error(
        400,
        "invalid_request_error",
        "country_invalid",
        Some("country"),
    );

    // Cancel a payment still waiting for the buyer: Adyen is asked to cancel.
    let pending = s
        .post("/v1/payments", &key, &json!({"amount": 3_000, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}))
        .await;
    let canceled = s
        .post(
            &format!("/v1/payments/{}/cancel", pending.str("id")),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.json);
    assert_eq!(canceled.json["status"], "canceled");

    s.assert_verified().await;
    prism.assert_no_violations();
}
