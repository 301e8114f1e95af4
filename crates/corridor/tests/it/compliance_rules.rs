//! Corridor rules and transaction monitoring as an operator document: the
//! shipped default, a bad document refused naming its field, a payment
//! refused by a named rule, the unapproved merchants' limit, and a
//! monitoring alert, on both backends.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(rules_refuse_by_name_and_monitoring_raises_alerts);

fn card() -> Value {
    json!({"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"})
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

fn document(unapproved_limit: &str) -> Value {
    json!({
        "unapproved_merchant_limit_usd": unapproved_limit,
        "corridor_rules": [
            {"name": "us_test_limit", "flows": ["payment"], "countries": ["US"], "check": "max_amount", "max_amount_usd": "500.00"}
        ],
        "monitoring_rules": [
            {"name": "round_test", "severity": "low", "check": "round_amount", "min_usd": "100.00", "multiple": 10000}
        ]
    })
}

async fn pay(s: &Server, key: &str, amount: i64) -> crate::support::Reply {
    s.post(
        "/v1/payments",
        key,
        &json!({"amount": amount, "currency": "USD", "country": "US", "payment_method": card(), "confirm": true}),
    )
    .await
}

async fn rules_refuse_by_name_and_monitoring_raises_alerts(s: &Server) {
    // The shipped default is in force: version 0, with China's limit.
    let shipped = s.get("/v1/compliance/rules", OPERATOR_KEY).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.json);
    assert_eq!(shipped.json["version"], 0);
    assert!(
        shipped.json["corridor_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "cn_cross_border_ecommerce_limit"
                && r["max_amount_usd"] == "50000.00"),
        "{}",
        shipped.json
    );
    let (_, key) = s.merchant("Rules Shop", "USD").await;
    assert_eq!(
        s.get("/v1/compliance/rules", &key).await.status,
        StatusCode::FORBIDDEN
    );

    // Bad documents: the field named, nothing changed.
    let mut bad = document("1000.00");
    bad["corridor_rules"][0]["check"] = json!("maximum");
    put_rules(s, &bad).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("corridor_rules[0].check"),
    );
    let mut bad = document("1000.00");
    bad["monitoring_rules"][0]["window_seconds"] = json!(60);
    put_rules(s, &bad).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("monitoring_rules[0].window_seconds"),
    );
    let mut bad = document("1000.00");
    bad["monitoring_rules"][0]["name"] = json!("us_test_limit");
    put_rules(s, &bad).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("monitoring_rules[0].name"),
    );
    put_rules(s, &document("-1")).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("unapproved_merchant_limit_usd"),
    );
    assert_eq!(
        s.get("/v1/compliance/rules", OPERATOR_KEY).await.json["version"],
        0
    );

    let put = put_rules(s, &document("1000.00")).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert_eq!(put.json["version"], 1);
    assert_eq!(
        s.get("/v1/compliance/rules", OPERATOR_KEY).await.json["version"],
        1
    );

    // Above the corridor's limit: refused, naming the rule; nothing created.
    let refused = pay(s, &key, 50_001).await;
    refused.assert_error(403, "compliance_error", "transaction_rule", None);
    let message = refused.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("`us_test_limit`"), "{message}");
    let listed = s.get("/v1/payments", &key).await;
    assert_eq!(listed.json["data"], json!([]), "{}", listed.json);

    // A round amount passes and raises a low alert naming the rule.
    let paid = pay(s, &key, 20_000).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.json);
    let payment = paid.str("id");
    let mut alert = None;
    for _ in 0..100 {
        let alerts = s
            .get("/v1/compliance/alerts?status=open", OPERATOR_KEY)
            .await;
        alert = alerts.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "transaction_monitoring")
            .cloned();
        if alert.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let alert = alert.expect("a monitoring alert");
    assert_eq!(alert["severity"], "low", "{alert}");
    assert_eq!(alert["details"]["rule"], "round_test", "{alert}");
    assert_eq!(alert["details"]["reference"], payment.as_str(), "{alert}");
    // Not a round amount: no second alert.
    assert_eq!(pay(s, &key, 12_345).await.status, StatusCode::CREATED);

    // A merchant whose KYB is not approved accepts up to its limit.
    let put = put_rules(s, &document("100.00")).await;
    assert_eq!(put.json["version"], 2, "{}", put.json);
    let (_, pending) = s.pending_merchant("Unreviewed Shop", "USD").await;
    let over = pay(s, &pending, 10_001).await;
    over.assert_error(403, "compliance_error", "merchant_not_approved", None);
    let message = over.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("`unapproved_merchant_limit`"), "{message}");
    assert_eq!(pay(s, &pending, 10_000).await.status, StatusCode::CREATED);
    // The approved merchant has no such limit.
    assert_eq!(pay(s, &key, 10_001).await.status, StatusCode::CREATED);
    let mut monitoring = 0;
    for _ in 0..100 {
        let alerts = s.get("/v1/compliance/alerts", OPERATOR_KEY).await;
        monitoring = alerts.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "transaction_monitoring")
            .count();
        if monitoring >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(monitoring, 2, "the USD 100.00 payment is round too");
}
