//! Merchants, auth and tenant isolation.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(create_get_list, tenant_isolation, auth_errors);

async fn create_get_list(s: &Server) {
    let body = json!({"legal_name": "Shenzhen Bright Home", "country": "cn", "home_currency": "cny",
        "email": "a@b.example", "website": "https://b.example", "marketplace_store_ids": ["amazon-us:1"]});
    let r = s.post("/v1/merchants", OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert!(r.str("id").starts_with("mer_"));
    assert!(r.str("api_key").starts_with("sk_"));
    assert_eq!(r.json["country"], "CN");
    assert_eq!(r.json["home_currency"], "CNY");
    assert_eq!(r.json["kyb_status"], "pending");
    let id = r.str("id");
    let got = s.get(&format!("/v1/merchants/{id}"), OPERATOR_KEY).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json["legal_name"], "Shenzhen Bright Home");
    assert!(
        got.json.get("api_key").is_none(),
        "the key is shown only at creation"
    );
    for i in 0..3 {
        s.merchant(&format!("m{i}"), "USD").await;
    }
    let page = s.get("/v1/merchants?limit=2", OPERATOR_KEY).await;
    assert_eq!(page.json["data"].as_array().unwrap().len(), 2);
    assert_eq!(page.json["has_more"], true);
    assert_eq!(page.json["data"][0]["legal_name"], "m2", "newest first");
    let last = page.json["data"][1]["id"].as_str().unwrap().to_string();
    let rest = s
        .get(
            &format!("/v1/merchants?limit=10&starting_after={last}"),
            OPERATOR_KEY,
        )
        .await;
    let names: Vec<_> = rest.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["legal_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["m0", "Shenzhen Bright Home"]);
    assert_eq!(rest.json["has_more"], false);
}

async fn tenant_isolation(s: &Server) {
    let (a, a_key) = s.merchant("A", "USD").await;
    let (b, _) = s.merchant("B", "USD").await;
    s.credit(&b, 500, "USD").await;
    assert_eq!(
        s.get(&format!("/v1/merchants/{a}"), &a_key).await.status,
        StatusCode::OK
    );
    s.get(&format!("/v1/merchants/{b}"), &a_key)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    s.get(&format!("/v1/balances?merchant={b}"), &a_key)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    s.get(&format!("/v1/balance_transactions?merchant={b}"), &a_key)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    let own = s.get("/v1/balances", &a_key).await;
    assert_eq!(
        own.json["balances"],
        json!([]),
        "A sees only its own (empty) balances"
    );
    let adjust = json!({"amount": 1, "currency": "USD", "direction": "credit", "reason": "x"});
    s.post(&format!("/v1/merchants/{a}/adjustments"), &a_key, &adjust)
        .await
        .assert_error(403, "permission_error", "forbidden", None);
    s.get("/v1/merchants", &a_key)
        .await
        .assert_error(403, "permission_error", "forbidden", None);
    s.get("/v1/ledger/verify", &a_key).await.assert_error(
        403,
        "permission_error",
        "forbidden",
        None,
    );
}

async fn auth_errors(s: &Server) {
    let r = s.call(Method::GET, "/v1/merchants", None, None, None).await;
    r.assert_error(401, "authentication_error", "invalid_api_key", None);
    let r = s.get("/v1/merchants", "sk_not_a_real_key").await;
    r.assert_error(401, "authentication_error", "invalid_api_key", None);
    let body = json!({"legal_name": "X", "country": "CN", "home_currency": "CNY"});
    let r = s.post("/v1/merchants", "ok_wrong", &body).await;
    r.assert_error(401, "authentication_error", "invalid_api_key", None);
    let list = s.get("/v1/merchants", OPERATOR_KEY).await;
    assert_eq!(
        list.json["data"],
        json!([]),
        "nothing was created by refused requests"
    );
}
