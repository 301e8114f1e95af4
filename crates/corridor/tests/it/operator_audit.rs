//! Operator controls end to end, on a server process restarted over the
//! same database: screening thresholds set, refused when bad, applied to
//! the next screening and still in force after a restart; every operator
//! action in the hash-chained audit log without a secret, read page by
//! page, and `corridor audit verify` catching an edited record.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::restartable::Restartable;
use crate::support::{each_backend, Backend, OPERATOR_KEY};

each_backend!(
    screening_thresholds_apply_at_once_and_survive_a_restart,
    operator_actions_are_audited_without_secrets,
);

const THRESHOLDS: &str = "/v1/compliance/screening_thresholds";
const PASSWORD: &str = "correct horse battery staple 42";
const ADYEN_API_KEY: &str = "AQEyhmfxKonIYxZGw0m-audit-test-api-key-secret";
const ADYEN_HMAC_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

async fn screen(s: &Restartable, name: &str) -> Value {
    let r = s.post("/v1/screenings", &json!({"name": name})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

async fn screening_thresholds_apply_at_once_and_survive_a_restart(backend: Backend) {
    let mut s = Restartable::start(backend).await;
    let shown = s.get(THRESHOLDS).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.json);
    assert_eq!(
        (
            &shown.json["version"],
            &shown.json["review"],
            &shown.json["block"]
        ),
        (&json!(0), &json!("0.84"), &json!("0.97")),
        "{}",
        shown.json
    );
    let first = screen(&s, "Muamar Gadafi").await;
    assert_ne!(first["decision"], "clear", "{first}");
    assert_eq!(first["thresholds"]["version"], 0, "{first}");
    let score = first["matches"][0]["score"].as_f64().expect("a score");
    assert!(score < 1.0, "a spelling variant never scores 1: {first}");

    // Bad thresholds: the field named, nothing changed.
    let (_, merchant_key) = merchant(&s).await;
    let as_merchant = s
        .call(
            Method::PUT,
            THRESHOLDS,
            &merchant_key,
            Some(&json!({"review": "0.5", "block": "0.9"})),
        )
        .await;
    assert_eq!(
        as_merchant.status,
        StatusCode::FORBIDDEN,
        "{}",
        as_merchant.json
    );
    for (body, param) in [
        (json!({"review": "0", "block": "0.9"}), "review"),
        (json!({"review": "1.2", "block": "1.2"}), "review"),
        (json!({"review": "high", "block": "0.9"}), "review"),
        (json!({"review": 0.5, "block": "0.9"}), "review"),
        (json!({"review": "0.9", "block": "0.8"}), "block"),
        (json!({"review": "0.9", "block": "1.0000001"}), "block"),
        (json!({"review": "0.9"}), "block"),
        (
            json!({"review": "0.5", "block": "0.9", "warn": "0.1"}),
            "warn",
        ),
    ] {
        let r = s.put(THRESHOLDS, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    assert_eq!(s.get(THRESHOLDS).await.json["version"], 0);

    // Both thresholds at 1: the same name is now clear, without a restart.
    let put = s
        .put(THRESHOLDS, &json!({"review": "1.000", "block": "1"}))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert_eq!(
        (
            &put.json["version"],
            &put.json["review"],
            &put.json["block"]
        ),
        (&json!(1), &json!("1"), &json!("1")),
        "{}",
        put.json
    );
    let cleared = screen(&s, "Muamar Gadafi").await;
    assert_eq!(cleared["decision"], "clear", "{cleared}");
    assert_eq!(cleared["thresholds"]["version"], 1, "{cleared}");
    // Review from half a match, block from exactly this score or above.
    let block_at = format!("{:.6}", (score * 1e6).floor() / 1e6);
    let put = s
        .put(THRESHOLDS, &json!({"review": "0.5", "block": block_at}))
        .await;
    assert_eq!(put.json["version"], 2, "{}", put.json);
    assert_eq!(screen(&s, "Muamar Gadafi").await["decision"], "block");

    // The stored version is in force again after a restart.
    s.restart().await;
    let shown = s.get(THRESHOLDS).await;
    assert_eq!(shown.json["version"], 2, "{}", shown.json);
    assert_eq!(shown.json["review"], "0.5", "{}", shown.json);
    let after = screen(&s, "Muamar Gadafi").await;
    assert_eq!(after["decision"], "block", "{after}");
    assert_eq!(after["thresholds"]["version"], 2, "{after}");
    assert_eq!(after["thresholds"]["review"], "0.5", "{after}");
    let got = s
        .get(&format!("/v1/screenings/{}", after["id"].as_str().unwrap()))
        .await;
    assert_eq!(got.json["thresholds"], after["thresholds"], "{}", got.json);
}

async fn merchant(s: &Restartable) -> (String, String) {
    let r = s
        .post(
            "/v1/merchants",
            &json!({"legal_name": "Audit Trail Goods", "country": "CN", "home_currency": "USD"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    (r.str("id"), r.str("api_key"))
}

/// Every record of the audit log, newest first, read two at a time.
async fn audit_log(s: &Restartable) -> Vec<Value> {
    let mut all = Vec::new();
    let mut path = "/v1/audit_log?limit=2".to_string();
    loop {
        let page = s.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.json);
        let data = page.json["data"].as_array().unwrap().clone();
        all.extend(data.iter().cloned());
        if page.json["has_more"] != true {
            return all;
        }
        let last = data.last().unwrap()["id"].as_str().unwrap().to_string();
        path = format!("/v1/audit_log?limit=2&starting_after={last}");
    }
}

async fn operator_actions_are_audited_without_secrets(backend: Backend) {
    let mut s = Restartable::start(backend).await;
    let (merchant, merchant_key) = merchant(&s).await;
    let credit = json!({"amount": 5_000, "currency": "USD", "direction": "credit", "reason": "opening float"});
    let r = s
        .post(&format!("/v1/merchants/{merchant}/adjustments"), &credit)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // A refused adjustment moves nothing and leaves no record.
    let debit =
        json!({"amount": 9_000, "currency": "USD", "direction": "debit", "reason": "too much"});
    let r = s
        .post(&format!("/v1/merchants/{merchant}/adjustments"), &debit)
        .await;
    assert_eq!(r.status, StatusCode::PAYMENT_REQUIRED, "{}", r.json);

    let connector = s
        .post(
            "/v1/connectors",
            &json!({"type": "adyen", "name": "adyen_audit", "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
                "credentials": {"api_key": ADYEN_API_KEY, "hmac_key": ADYEN_HMAC_KEY}, "enabled": true}),
        )
        .await;
    assert_eq!(connector.status, StatusCode::CREATED, "{}", connector.json);
    let connector = connector.str("id");
    let path = format!("/v1/connectors/{connector}");
    let rules = json!({"rules": [{"name": "cards", "when": {"method_types": ["card"]}, "connectors": ["adyen_audit"]}]});
    let r = s.put("/v1/routing_rules", &rules).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let patched = s
        .call(
            Method::PATCH,
            &path,
            OPERATOR_KEY,
            Some(&json!({"enabled": false})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    let deleted = s.call(Method::DELETE, &path, OPERATOR_KEY, None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.json);

    let mut document = s.get("/v1/compliance/rules").await.json;
    for field in ["object", "version", "created_at"] {
        document.as_object_mut().unwrap().remove(field);
    }
    let r = s.put("/v1/compliance/rules", &document).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = s
        .put(THRESHOLDS, &json!({"review": "0.8", "block": "0.95"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);

    let user = s
        .post(
            "/v1/users",
            &json!({"email": "ops@audit.example", "password": PASSWORD, "merchant": merchant, "role": "finance"}),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.json);
    let user = user.str("id");
    let r = s
        .call(
            Method::DELETE,
            &format!("/v1/users/{user}"),
            OPERATOR_KEY,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let endpoint = s
        .call(
            Method::POST,
            "/v1/webhook_endpoints",
            &merchant_key,
            Some(
                &json!({"url": "http://127.0.0.1:9/hook?token=hook-token-secret", "events": ["*"]}),
            ),
        )
        .await;
    assert_eq!(endpoint.status, StatusCode::CREATED, "{}", endpoint.json);
    let webhook_secret = endpoint.str("secret");

    let log = audit_log(&s).await;
    let seqs: Vec<i64> = log.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (1..=seqs.len() as i64).rev().collect();
    assert_eq!(seqs, expected, "newest first, no gap");
    let find = |action: &str| -> Value {
        log.iter()
            .find(|r| r["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {log:?}"))
            .clone()
    };
    let created = find("merchant.created");
    assert_eq!(
        (&created["actor"], &created["object_id"]),
        (&json!("operator"), &json!(merchant))
    );
    let adjusted = find("merchant.adjusted");
    assert_eq!(adjusted["detail"]["amount"], 5_000, "{adjusted}");
    assert_eq!(
        log.iter()
            .filter(|r| r["action"] == "merchant.adjusted")
            .count(),
        1,
        "the refused debit is not recorded"
    );
    assert_eq!(find("connector.created")["object_id"], connector.as_str());
    assert_eq!(find("connector.updated")["detail"]["enabled"], false);
    assert_eq!(find("connector.disabled")["object_id"], connector.as_str());
    assert_eq!(find("routing_rules.updated")["detail"]["version"], 1);
    assert_eq!(find("compliance_rules.updated")["detail"]["version"], 1);
    assert_eq!(
        find("screening_thresholds.updated")["detail"]["document"]["block"],
        "0.95"
    );
    assert_eq!(find("user.created")["detail"]["email"], "ops@audit.example");
    assert_eq!(find("user.deleted")["object_id"], user.as_str());
    let hook = find("webhook_endpoint.created");
    assert_eq!(hook["actor"], format!("merchant:{merchant}"));
    assert_eq!(hook["detail"]["url"], "http://127.0.0.1:9/hook", "{hook}");
    let text = serde_json::to_string(&log).unwrap();
    for secret in [
        merchant_key.as_str(),
        PASSWORD,
        ADYEN_API_KEY,
        ADYEN_HMAC_KEY,
        webhook_secret.as_str(),
        "hook-token-secret",
    ] {
        assert!(
            !text.contains(secret),
            "the audit log holds a secret: {secret}"
        );
    }

    // Only an operator reads it; a bad cursor is named.
    let r = s
        .call(Method::GET, "/v1/audit_log", &merchant_key, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    for (path, param) in [
        ("/v1/audit_log?starting_after=alr_1", "starting_after"),
        ("/v1/audit_log?limit=0", "limit"),
        ("/v1/audit_log?merchant=mer_x", "merchant"),
    ] {
        let r = s.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{path}: {}", r.json);
    }

    // The chain verifies; an edited operator record is found.
    s.stop();
    let (ok, out, err) = s.corridor(&["audit", "verify"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("intact: {} records", seqs.len())),
        "{out}"
    );
    let edited = find("connector.created")["seq"].as_i64().unwrap();
    s.tamper(&format!(
        "UPDATE compliance_audit SET detail = '{{}}' WHERE seq = {edited}"
    ))
    .await;
    let (ok, _, err) = s.corridor(&["audit", "verify"]);
    assert!(
        !ok && err.contains(&format!("record {edited} was changed")),
        "{err}"
    );
}
