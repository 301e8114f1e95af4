//! Connectors, routing rules and fee schedules through the operator API,
//! and Adyen notifications, on both backends.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    connectors_keep_their_secrets_and_refuse_bad_input,
    routing_rules_and_fee_schedules_apply_without_restart,
    notifications_apply_once_and_refuse_bad_signatures,
);

/// A known HMAC key, as Adyen's Customer Area shows one.
pub const HMAC_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const API_KEY: &str = "AQEyhmfxKonIYxZGw0m/n3Q5qf3VaY9UCJ14XWZE03G/k2NFitRvbe4N1XqH1eHaH2AksaEQwV1bDb7kfNy1WIxIIkxgBw==-secret";

fn adyen(name: &str, base_url: &str) -> Value {
    json!({
        "type": "adyen",
        "name": name,
        "base_url": base_url,
        "merchant_account": "CorridorECOM",
        "return_url": "https://shop.example/return",
        "raw_card_data": true,
        "credentials": {"api_key": API_KEY, "hmac_key": HMAC_KEY},
        "enabled": true
    })
}

async fn send(s: &Server, method: Method, path: &str, body: &Value) -> crate::support::Reply {
    s.call(
        method,
        path,
        Some(OPERATOR_KEY),
        None,
        Some(&body.to_string()),
    )
    .await
}

async fn connector_count(s: &Server) -> usize {
    let r = s.get("/v1/connectors", OPERATOR_KEY).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["data"].as_array().unwrap().len()
}

async fn connectors_keep_their_secrets_and_refuse_bad_input(s: &Server) {
    let created = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &adyen("adyen_eu", "https://checkout-test.adyen.com/v71"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["type"], "adyen");
    assert_eq!(created.json["enabled"], true);
    assert_eq!(
        created.json["credentials_set"],
        json!(["api_key", "hmac_key"])
    );
    let id = created.str("id");
    let text = created.json.to_string();
    assert!(
        !text.contains(API_KEY) && !text.contains(HMAC_KEY),
        "{text}"
    );
    let listed = s.get("/v1/connectors", OPERATOR_KEY).await;
    assert!(!listed.json.to_string().contains(API_KEY));
    assert_eq!(listed.json["data"][0]["id"], id.as_str());
    // Sealed at rest: neither secret appears anywhere the server stored.
    let stored = s.stored_bytes();
    for secret in [API_KEY, HMAC_KEY, "44782def547aaa06"] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} stored in clear"
        );
    }

    // Bad input: precise 4xx naming the field, nothing applied.
    let before = connector_count(s).await;
    let mut unknown = adyen("x1", "https://a.example/v71");
    unknown["type"] = json!("stripe");
    s.post("/v1/connectors", OPERATOR_KEY, &unknown)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "connector_type_invalid",
            Some("type"),
        );
    let mut no_credentials = adyen("x2", "https://a.example/v71");
    no_credentials
        .as_object_mut()
        .unwrap()
        .remove("credentials");
    s.post("/v1/connectors", OPERATOR_KEY, &no_credentials)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("credentials"),
        );
    let mut no_hmac = adyen("x3", "https://a.example/v71");
    no_hmac["credentials"] = json!({"api_key": "k"});
    s.post("/v1/connectors", OPERATOR_KEY, &no_hmac)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("credentials.hmac_key"),
        );
    let mut bad_hmac = adyen("x4", "https://a.example/v71");
    bad_hmac["credentials"]["hmac_key"] = json!("not-hex");
    s.post("/v1/connectors", OPERATOR_KEY, &bad_hmac)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("credentials.hmac_key"),
        );
    let mut no_account = adyen("x5", "https://a.example/v71");
    no_account
        .as_object_mut()
        .unwrap()
        .remove("merchant_account");
    s.post("/v1/connectors", OPERATOR_KEY, &no_account)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("merchant_account"),
        );
    s.post(
        "/v1/connectors",
        OPERATOR_KEY,
        &adyen("x6", "ftp://a.example"),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "url_invalid",
        Some("base_url"),
    );
    s.post(
        "/v1/connectors",
        OPERATOR_KEY,
        &adyen("Bad Name", "https://a.example/v71"),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("name"),
    );
    s.post(
        "/v1/connectors",
        OPERATOR_KEY,
        &adyen("adyen_eu", "https://a.example/v71"),
    )
    .await
    .assert_error(409, "conflict", "connector_name_taken", None);
    s.post(
        "/v1/connectors",
        OPERATOR_KEY,
        &adyen("atlas", "https://a.example/v71"),
    )
    .await
    .assert_error(409, "conflict", "connector_name_taken", None);
    let sandbox_no_url = json!({"type": "sandbox", "name": "x7", "enabled": true});
    s.post("/v1/connectors", OPERATOR_KEY, &sandbox_no_url)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("base_url"),
        );
    assert_eq!(connector_count(s).await, before);
    let (_, merchant_key) = s.merchant("Not An Operator", "EUR").await;
    let r = s
        .post(
            "/v1/connectors",
            &merchant_key,
            &adyen("x8", "https://a.example/v71"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);

    // Rotation: new credentials take over; still never shown.
    let rotated = send(
        s,
        Method::PATCH,
        &format!("/v1/connectors/{id}"),
        &json!({"credentials": {"api_key": "AQE-new-key", "hmac_key": "AB".repeat(32)}}),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.json);
    assert!(!rotated.json.to_string().contains("AQE-new-key"));
    let bad_patch = send(
        s,
        Method::PATCH,
        &format!("/v1/connectors/{id}"),
        &json!({"credentials": {"api_key": "k"}}),
    )
    .await;
    bad_patch.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("credentials.hmac_key"),
    );
    let unknown_field = send(
        s,
        Method::PATCH,
        &format!("/v1/connectors/{id}"),
        &json!({"colour": "red"}),
    )
    .await;
    assert_eq!(
        unknown_field.status,
        StatusCode::BAD_REQUEST,
        "{}",
        unknown_field.json
    );

    // DELETE disables.
    let deleted = s
        .call(
            Method::DELETE,
            &format!("/v1/connectors/{id}"),
            Some(OPERATOR_KEY),
            None,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.json);
    assert_eq!(deleted.json["enabled"], false);
    let got = s.get(&format!("/v1/connectors/{id}"), OPERATOR_KEY).await;
    assert_eq!(got.json["enabled"], false);
    let missing = s.get("/v1/connectors/conn_nope", OPERATOR_KEY).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

fn card() -> Value {
    json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

async fn routing_rules_and_fee_schedules_apply_without_restart(s: &Server) {
    let (merchant, key) = s.merchant("Router Test", "EUR").await;
    let rules = |connector: &str| {
        json!({"rules": [
            {"name": "cards", "when": {"method_types": ["card"], "merchants": [merchant.clone()]}, "connectors": [connector]}
        ]})
    };
    let none = s.get("/v1/routing_rules", OPERATOR_KEY).await;
    assert_eq!(none.json["version"], 0);

    // Bad rules: unknown and disabled connectors, bad amounts; nothing applied.
    send(s, Method::PUT, "/v1/routing_rules", &rules("nobody"))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "connector_unknown",
            Some("rules[0].connectors[0]"),
        );
    let disabled = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &adyen("adyen_off", "https://a.example/v71"),
        )
        .await;
    let disabled_id = disabled.str("id");
    s.call(
        Method::DELETE,
        &format!("/v1/connectors/{disabled_id}"),
        Some(OPERATOR_KEY),
        None,
        None,
    )
    .await;
    send(s, Method::PUT, "/v1/routing_rules", &rules("adyen_off"))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "connector_disabled",
            Some("rules[0].connectors[0]"),
        );
    let no_currency =
        json!({"rules": [{"name": "big", "when": {"min_amount": 100}, "connectors": ["atlas"]}]});
    send(s, Method::PUT, "/v1/routing_rules", &no_currency)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "amount_without_currency",
            Some("rules[0].when.min_amount"),
        );
    let bad_method = json!({"rules": [{"name": "x", "when": {"method_types": ["cash"]}, "connectors": ["atlas"]}]});
    send(s, Method::PUT, "/v1/routing_rules", &bad_method)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "payment_method_invalid",
            Some("rules[0].when.method_types[0]"),
        );
    let unknown_merchant = json!({"rules": [{"name": "x", "when": {"merchants": ["mer_nobody"]}, "connectors": ["atlas"]}]});
    send(s, Method::PUT, "/v1/routing_rules", &unknown_merchant)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("rules[0].when.merchants[0]"),
        );
    assert_eq!(
        s.get("/v1/routing_rules", OPERATOR_KEY).await.json["version"],
        0
    );

    // Rules apply to the next payment, and a new version replaces them.
    for (version, connector) in [(1, "harbor"), (2, "atlas")] {
        let put = send(s, Method::PUT, "/v1/routing_rules", &rules(connector)).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.json);
        assert_eq!(put.json["version"], version);
        let shown = s.get("/v1/routing_rules", OPERATOR_KEY).await;
        assert_eq!(shown.json["version"], version);
        assert_eq!(shown.json["rules"][0]["connectors"][0], connector);
        let paid = s.post("/v1/payments", &key, &json!({"amount": 5_000, "currency": "USD", "country": "US", "payment_method": card(), "confirm": true})).await;
        assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.json);
        let attempts = paid.json["attempts"].as_array().unwrap();
        assert!(
            attempts.iter().all(|a| a["connector"] == connector),
            "{}",
            paid.json
        );
    }

    // Fee schedules: overlapping and incomplete ones are refused.
    let overlap = json!({"schedules": [
        {"percent_bps": 250},
        {"method_type": "card", "percent_bps": 300},
        {"method_type": "card", "percent_bps": 310}
    ]});
    send(s, Method::PUT, "/v1/fee_schedules", &overlap)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "fee_rules_overlap",
            Some("schedules[2]"),
        );
    let incomplete = json!({"schedules": [{"method_type": "card", "percent_bps": 300}]});
    send(s, Method::PUT, "/v1/fee_schedules", &incomplete)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "fee_schedule_incomplete",
            Some("schedules"),
        );
    let too_much = json!({"schedules": [{"percent_bps": 10_001}]});
    send(s, Method::PUT, "/v1/fee_schedules", &too_much)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "bps_out_of_range",
            Some("schedules[0].percent_bps"),
        );
    assert_eq!(
        s.get("/v1/fee_schedules", OPERATOR_KEY).await.json["version"],
        0
    );

    // A new schedule: the merchant sees the fee before paying, and pays it.
    let table = json!({"schedules": [
        {"percent_bps": 250},
        {"method_type": "card", "country": "US", "percent_bps": 1_000, "fixed": [{"currency": "USD", "amount": 50}], "cross_border_bps": 100}
    ]});
    let put = send(s, Method::PUT, "/v1/fee_schedules", &table).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert_eq!(put.json["version"], 1);
    let quoted = s.post("/v1/payments", &key, &json!({"amount": 10_000, "currency": "USD", "country": "US", "payment_method": card()})).await;
    assert_eq!(quoted.status, StatusCode::CREATED, "{}", quoted.json);
    // 10% + 1% cross-border (merchant in CN, buyer in US) of 100.00 + 0.50.
    assert_eq!(quoted.json["fee"], 1_150);
    let paid = s.post("/v1/payments", &key, &json!({"amount": 10_000, "currency": "USD", "country": "US", "payment_method": card(), "confirm": true})).await;
    assert_eq!(paid.json["status"], "succeeded", "{}", paid.json);
    assert_eq!(paid.json["fee"], 1_150);
    s.assert_verified().await;
}

/// One signed notification item, shaped as in Adyen's Webhooks document.
pub fn item(
    psp_reference: &str,
    merchant_reference: &str,
    event_code: &str,
    value: i64,
    currency: &str,
    success: bool,
) -> Value {
    modification_item(
        psp_reference,
        "",
        merchant_reference,
        event_code,
        (value, currency),
        success,
    )
}

/// A signed item about a modification (a refund, a capture) of the payment
/// Adyen knows as `original_reference`.
pub fn modification_item(
    psp_reference: &str,
    original_reference: &str,
    merchant_reference: &str,
    event_code: &str,
    (value, currency): (i64, &str),
    success: bool,
) -> Value {
    use corridor_connectors::adyen::notification::{HmacKey, NotificationItem};
    let mut item = json!({
        "additionalData": {},
        "amount": {"currency": currency, "value": value},
        "eventCode": event_code,
        "eventDate": "2026-12-01T01:00:00+01:00",
        "merchantAccountCode": "CorridorECOM",
        "merchantReference": merchant_reference,
        "paymentMethod": "visa",
        "pspReference": psp_reference,
        "reason": "",
        "success": if success { "true" } else { "false" },
    });
    if !original_reference.is_empty() {
        item["originalReference"] = json!(original_reference);
    }
    let parsed: NotificationItem = serde_json::from_value(item.clone()).unwrap();
    let signature = parsed.sign(&HmacKey::parse_hex(HMAC_KEY).unwrap());
    item["additionalData"]["hmacSignature"] = json!(signature);
    item
}

/// A notification request of these items.
pub fn request(items: &[Value]) -> Value {
    json!({
        "live": "false",
        "notificationItems": items.iter().map(|i| json!({"NotificationRequestItem": i})).collect::<Vec<_>>()
    })
}

/// Posts a notification as Adyen does (no bearer key).
pub async fn notify(s: &Server, connector: &str, body: &Value) -> crate::support::Reply {
    s.call(
        Method::POST,
        &format!("/v1/connectors/{connector}/notifications"),
        None,
        None,
        Some(&body.to_string()),
    )
    .await
}

async fn notifications_apply_once_and_refuse_bad_signatures(s: &Server) {
    // Adyen is out of reach here: the charge itself is tested against
    // Prism; the notification endpoint needs only the connector.
    let created = s
        .post(
            "/v1/connectors",
            OPERATOR_KEY,
            &adyen("adyen_n", "http://127.0.0.1:9/v71"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.str("id");

    // A tampered amount: 401, nothing recorded.
    let mut tampered = item("PSP_T1", "pay_nope", "AUTHORISATION", 1_000, "EUR", true);
    tampered["amount"]["value"] = json!(999_999);
    let r = notify(s, &id, &request(&[tampered])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);
    // One bad item refuses the whole batch.
    let good = item(
        "PSP_O1",
        "pay_unknown_to_corridor",
        "AUTHORISATION",
        1_000,
        "EUR",
        true,
    );
    let mut unsigned = item("PSP_O2", "pay_x", "CAPTURE", 1_000, "EUR", true);
    unsigned["additionalData"] = json!({});
    let r = notify(s, &id, &request(&[good.clone(), unsigned])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);
    let log = s
        .get(&format!("/v1/connectors/{id}/notifications"), OPERATOR_KEY)
        .await;
    assert_eq!(log.json["data"], json!([]), "{}", log.json);

    // An unknown payment: accepted, recorded as an orphan, once.
    for _ in 0..2 {
        let r = notify(s, &id, &request(std::slice::from_ref(&good))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json, json!("[accepted]"));
    }
    let orphans = s
        .get(
            &format!("/v1/connectors/{id}/notifications?outcome=orphan"),
            OPERATOR_KEY,
        )
        .await;
    let data = orphans.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{}", orphans.json);
    assert_eq!(data[0]["psp_reference"], "PSP_O1");
    assert_eq!(data[0]["payment"], Value::Null);

    // Bad requests.
    let r = notify(s, &id, &json!({"live": "false", "notificationItems": []})).await;
    r.assert_error(
        400,
        "invalid_request_error",
        "notification_invalid",
        Some("notificationItems"),
    );
    let r = notify(
        s,
        "conn_nope",
        &request(&[item("P", "p", "AUTHORISATION", 1, "EUR", true)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s
        .get(
            &format!("/v1/connectors/{id}/notifications?outcome=lost"),
            OPERATOR_KEY,
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("outcome"),
    );
}
