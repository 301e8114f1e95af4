//! Bad input: a precise 4xx naming the field, and nothing written.

use reqwest::Method;
use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    adjustment_bad_input_changes_nothing,
    merchant_bad_input_changes_nothing,
    list_and_routing_errors
);

async fn adjustment_bad_input_changes_nothing(s: &Server) {
    let (m, _) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000, "USD").await;
    let path = format!("/v1/merchants/{m}/adjustments");
    let cases: Vec<(&str, u16, &str, Option<&str>)> = vec![
        (
            r#"{"amount": 5, "currency": "USD", "direction": "credit""#,
            400,
            "json_invalid",
            None,
        ),
        (
            r#"{"amount": 5, "currency": "XYZ", "direction": "credit", "reason": "r"}"#,
            400,
            "currency_invalid",
            Some("currency"),
        ),
        (
            r#"{"amount": 5, "currency": "XAU", "direction": "credit", "reason": "r"}"#,
            400,
            "currency_invalid",
            Some("currency"),
        ),
        (
            r#"{"amount": 0, "currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "amount_invalid",
            Some("amount"),
        ),
        (
            r#"{"amount": -5, "currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "amount_invalid",
            Some("amount"),
        ),
        (
            r#"{"amount": 9223372036854775808, "currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "parameter_invalid",
            Some("amount"),
        ),
        (
            r#"{"amount": 1.5, "currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "parameter_invalid",
            Some("amount"),
        ),
        (
            r#"{"amount": "5", "currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "parameter_invalid",
            Some("amount"),
        ),
        (
            r#"{"amount": 5, "currency": "USD", "direction": "sideways", "reason": "r"}"#,
            400,
            "parameter_invalid",
            Some("direction"),
        ),
        (
            r#"{"amount": 5, "currency": "USD", "direction": "credit", "reason": "r", "extra": 1}"#,
            400,
            "parameter_unknown",
            Some("extra"),
        ),
        (
            r#"{"currency": "USD", "direction": "credit", "reason": "r"}"#,
            400,
            "parameter_missing",
            Some("amount"),
        ),
        (
            r#"{"amount": 5, "currency": "USD", "direction": "credit", "reason": "  "}"#,
            400,
            "parameter_invalid",
            Some("reason"),
        ),
        ("", 400, "body_missing", None),
    ];
    for (body, status, code, param) in cases {
        let r = s
            .call(Method::POST, &path, Some(OPERATOR_KEY), None, Some(body))
            .await;
        r.assert_error(status, "invalid_request_error", code, param);
    }
    let huge = format!(
        r#"{{"amount": 5, "currency": "USD", "direction": "credit", "reason": "{}"}}"#,
        "x".repeat(100_000)
    );
    let r = s
        .call(Method::POST, &path, Some(OPERATOR_KEY), None, Some(&huge))
        .await;
    r.assert_error(413, "invalid_request_error", "body_too_large", None);
    let r = s
        .post(
            "/v1/merchants/mer_missing/adjustments",
            OPERATOR_KEY,
            &json!({"amount": 5, "currency": "USD", "direction": "credit", "reason": "r"}),
        )
        .await;
    r.assert_error(404, "not_found", "resource_missing", None);
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 1_000, 0, 0)],
        "nothing was written"
    );
    let history = s
        .get(
            &format!("/v1/balance_transactions?merchant={m}"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(history.json["data"].as_array().unwrap().len(), 1);
    s.assert_verified().await;
}

async fn merchant_bad_input_changes_nothing(s: &Server) {
    let cases = vec![
        (
            json!({"legal_name": "A", "country": "XX", "home_currency": "USD"}),
            "country_invalid",
            "country",
        ),
        (
            json!({"legal_name": "A", "country": "USA", "home_currency": "USD"}),
            "country_invalid",
            "country",
        ),
        (
            json!({"legal_name": "A", "country": "US", "home_currency": "usdx"}),
            "currency_invalid",
            "home_currency",
        ),
        (
            json!({"legal_name": "", "country": "US", "home_currency": "USD"}),
            "parameter_invalid",
            "legal_name",
        ),
        (
            json!({"legal_name": "A", "country": "US", "home_currency": "USD", "email": "nope"}),
            "email_invalid",
            "email",
        ),
        (
            json!({"legal_name": "A", "country": "US", "home_currency": "USD", "website": "ftp://x"}),
            "url_invalid",
            "website",
        ),
        (
            json!({"legal_name": "A", "country": "US", "home_currency": "USD", "marketplace_store_ids": ["ok", "bad\nid"]}),
            "parameter_invalid",
            "marketplace_store_ids[1]",
        ),
        (
            json!({"legal_name": "A", "country": "US"}),
            "parameter_missing",
            "home_currency",
        ),
        (
            json!({"legal_name": "A", "country": "US", "home_currency": "USD", "kyb_status": "approved"}),
            "parameter_unknown",
            "kyb_status",
        ),
    ];
    for (body, code, param) in cases {
        s.post("/v1/merchants", OPERATOR_KEY, &body)
            .await
            .assert_error(400, "invalid_request_error", code, Some(param));
    }
    let list = s.get("/v1/merchants", OPERATOR_KEY).await;
    assert_eq!(list.json["data"], json!([]));
}

async fn list_and_routing_errors(s: &Server) {
    s.get("/v1/merchants?limit=0", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("limit"),
        );
    s.get("/v1/merchants?limit=101", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("limit"),
        );
    s.get("/v1/merchants?colour=red", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_unknown",
            Some("colour"),
        );
    s.get("/v1/merchants?starting_after=mer_nope", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("starting_after"),
        );
    s.get("/v1/balances", OPERATOR_KEY).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("merchant"),
    );
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.get("/v1/balance_transactions?starting_after=abc", &key)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("starting_after"),
        );
    s.get("/v1/nothing", &key)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    let _ = m;
}
