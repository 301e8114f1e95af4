//! Markets: the knowledge base over HTTP, and the `corridor markets` CLI.

use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(list_and_show, merchants_read_markets_too, errors_and_auth);

fn method<'a>(market: &'a Value, method_type: &str) -> &'a Value {
    market["payment_methods"]
        .as_array()
        .expect("payment_methods array")
        .iter()
        .find(|m| m["type"] == method_type)
        .unwrap_or_else(|| panic!("no {method_type} in {market}"))
}

fn rule<'a>(market: &'a Value, code: &str) -> &'a Value {
    market["rules"]
        .as_array()
        .expect("rules array")
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no rule {code} in {market}"))
}

async fn list_and_show(s: &Server) {
    let list = s.get("/v1/markets", OPERATOR_KEY).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    assert_eq!(list.json["has_more"], false);
    let data = list.json["data"].as_array().expect("data array");
    assert!(data.len() >= 30, "{} markets", data.len());
    let codes: Vec<&str> = data.iter().filter_map(|m| m["country"].as_str()).collect();
    for code in ["US", "JP", "DE", "CN", "IN", "BR", "KP"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }

    let jp = s.get("/v1/markets/JP", OPERATOR_KEY).await;
    assert_eq!(jp.status, StatusCode::OK, "{}", jp.json);
    assert_eq!(jp.json["country"], "JP");
    assert_eq!(jp.json["currency"], "JPY");
    assert_eq!(jp.json["status"], "open");
    let konbini = method(&jp.json, "konbini");
    assert_eq!(konbini["async"], true);
    assert_eq!(konbini["flow"], "voucher");
    assert_eq!(konbini["currencies"], serde_json::json!(["JPY"]));
    assert_eq!(konbini["limits"][0]["max_amount"], 300_000);
    assert!(konbini["source"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        method(&jp.json, "paypay")["currencies"],
        serde_json::json!(["JPY"])
    );
    for r in jp.json["rules"].as_array().expect("rules") {
        assert!(r["source"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
    }

    let lower = s.get("/v1/markets/jp", OPERATOR_KEY).await;
    assert_eq!(lower.status, StatusCode::OK);
    assert_eq!(lower.json, jp.json, "the code is case-insensitive");

    let de = s.get("/v1/markets/DE", OPERATOR_KEY).await;
    assert_eq!(de.json["currency"], "EUR");
    assert_eq!(rule(&de.json, "psd2_sca")["kind"], "sca");

    let kp = s.get("/v1/markets/KP", OPERATOR_KEY).await;
    assert_eq!(kp.json["status"], "blocked");
    assert_eq!(kp.json["payment_methods"], serde_json::json!([]));
    assert_eq!(rule(&kp.json, "us_ofac_nksr")["kind"], "sanctions");

    let br = s.get("/v1/markets/br", OPERATOR_KEY).await;
    assert_eq!(
        method(&br.json, "pix")["share_pct"],
        "30",
        "shares are decimal strings"
    );
}

async fn merchants_read_markets_too(s: &Server) {
    let (_, key) = s.merchant("Shenzhen Bright Home", "CNY").await;
    let cn = s.get("/v1/markets/CN", &key).await;
    assert_eq!(cn.status, StatusCode::OK, "{}", cn.json);
    assert_eq!(
        rule(&cn.json, "cn_cbec_retail_import_limits")["kind"],
        "import_limit"
    );
    assert_eq!(s.get("/v1/markets", &key).await.status, StatusCode::OK);
}

async fn errors_and_auth(s: &Server) {
    s.get("/v1/markets/XX", OPERATOR_KEY).await.assert_error(
        404,
        "not_found",
        "resource_missing",
        None,
    );
    s.get("/v1/markets/AQ", OPERATOR_KEY).await.assert_error(
        404,
        "not_found",
        "resource_missing",
        None,
    );
    for bad in ["JPN", "J", "1A"] {
        s.get(&format!("/v1/markets/{bad}"), OPERATOR_KEY)
            .await
            .assert_error(
                400,
                "invalid_request_error",
                "country_invalid",
                Some("country"),
            );
    }
    for path in ["/v1/markets", "/v1/markets/JP"] {
        s.call(Method::GET, path, None, None, None)
            .await
            .assert_error(401, "authentication_error", "invalid_api_key", None);
        s.get(path, "sk_not_a_real_key").await.assert_error(
            401,
            "authentication_error",
            "invalid_api_key",
            None,
        );
    }
    let doc = s.call(Method::GET, "/openapi.json", None, None, None).await;
    for path in ["/v1/markets", "/v1/markets/{country}"] {
        assert!(
            doc.json["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

fn corridor(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .env_remove("CORRIDOR_DATABASE_URL")
        .output()
        .expect("corridor runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_lists_and_shows_markets_without_a_database() {
    let (ok, list, err) = corridor(&["markets", "list"]);
    assert!(ok, "{err}");
    assert!(list.lines().count() > 30, "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("KP ") && l.contains("blocked")),
        "{list}"
    );
    let (ok, jp, err) = corridor(&["markets", "show", "jp"]);
    assert!(ok, "{err}");
    for needle in ["Japan", "JPY", "konbini", "voucher", "paypay", "source:"] {
        assert!(jp.contains(needle), "{needle} missing from\n{jp}");
    }
    let (ok, _, err) = corridor(&["markets", "show", "XX"]);
    assert!(!ok && err.contains("no such market"), "{err}");
}
