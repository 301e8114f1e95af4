//! Payouts end to end: beneficiaries validated per country, payouts held on
//! the balance, batches as schema-valid pain.001 files, the simulated bank's
//! pain.002 and camt.054 applied once, and bad input refused with nothing moved.

use std::io::Write;
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Reply, Server, OPERATOR_KEY};

/// The ISO 20022 schemas shipped with the shared reference data.
pub fn schema(name: &str) -> String {
    format!(
        "{}/../../../shared/data/iso20022/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Validates a document against a schema with `xmllint` (libxml2-utils).
pub fn assert_valid(xml: &str, xsd: &str) {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(xml.as_bytes()).expect("write xml");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", &schema(xsd)])
        .arg(file.path())
        .output()
        .expect("xmllint runs (install libxml2-utils)");
    assert!(
        out.status.success(),
        "{xsd} validation failed: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub async fn post_xml(server: &Server, xml: &str) -> Reply {
    server
        .call(
            Method::POST,
            "/v1/bank_files",
            Some(OPERATOR_KEY),
            None,
            Some(xml),
        )
        .await
}

pub async fn get_text(server: &Server, path: &str) -> (StatusCode, String) {
    let r = server
        .http
        .get(format!("{}{path}", server.base))
        .bearer_auth(OPERATOR_KEY)
        .send()
        .await
        .expect("request");
    (r.status(), r.text().await.expect("body"))
}

pub async fn beneficiary(server: &Server, key: &str, body: Value) -> String {
    let r = server.post("/v1/beneficiaries", key, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.str("id")
}

pub async fn payout(server: &Server, key: &str, body: Value) -> Value {
    let r = server.post("/v1/payouts", key, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

pub fn available(balances: &[(String, i64, i64, i64)], currency: &str) -> (i64, i64) {
    balances
        .iter()
        .find(|b| b.0 == currency)
        .map(|b| (b.1, b.3))
        .unwrap_or((0, 0))
}

/// One valid account per scheme.
pub fn every_scheme() -> Vec<Value> {
    vec![
        json!({"name": "Hans Muster", "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE89 3704 0044 0532 0130 00"}}),
        json!({"name": "Shenzhen Home Co", "country": "CN", "currency": "CNY", "bank_account": {"bank_code": "102100099996", "account_number": "6222021234567890123"}}),
        json!({"name": "Acme Supply Inc", "country": "US", "currency": "USD", "bank_account": {"routing_number": "021000021", "account_number": "123456789", "account_type": "checking"}}),
        json!({"name": "Brit Ltd", "country": "GB", "currency": "GBP", "bank_account": {"sort_code": "60-16-13", "account_number": "31926819"}}),
        json!({"name": "Mumbai Traders", "country": "IN", "currency": "INR", "bank_account": {"ifsc": "HDFC0000123", "account_number": "50100123456789"}}),
        json!({"name": "Tokyo KK", "country": "JP", "currency": "JPY", "bank_account": {"bank_code": "0005", "branch_code": "001", "account_number": "1234567"}}),
        json!({"name": "Sydney Pty", "country": "AU", "currency": "AUD", "bank_account": {"bsb": "062-000", "account_number": "12345678"}}),
        json!({"name": "Maple Corp", "country": "CA", "currency": "CAD", "bank_account": {"transit_number": "00011", "institution_number": "004", "account_number": "1234567"}}),
        json!({"name": "CDMX SA", "country": "MX", "currency": "MXN", "bank_account": {"clabe": "032180000118359719"}}),
        json!({"name": "Joao Silva", "country": "BR", "currency": "BRL", "bank_account": {"bank_code": "001", "branch_code": "1234", "account_number": "12345-6", "cpf_cnpj": "529.982.247-25"}}),
        json!({"name": "Lion City Pte", "country": "SG", "currency": "SGD", "bank_account": {"bic": "DBSSSGSGXXX", "account_number": "0123456789"}}),
        json!({"name": "Dubai LLC", "country": "AE", "currency": "EUR", "bank_account": {"iban": "AE070331234567890123456", "bic": "EBILAEADXXX"}}),
    ]
}

async fn beneficiaries_are_validated_and_masked(server: &Server) {
    let (_, key) = server.merchant("Seller", "CNY").await;
    let mut ids = Vec::new();
    for body in every_scheme() {
        ids.push(beneficiary(server, &key, body).await);
    }
    let r = server
        .get(&format!("/v1/beneficiaries/{}", ids[0]), &key)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["scheme"], "iban");
    assert_eq!(r.json["bank_account"]["iban"], "••••3000");
    let r = server
        .get(&format!("/v1/beneficiaries/{}", ids[2]), &key)
        .await;
    assert_eq!(r.json["bank_account"]["account_number"], "••••6789");
    assert_eq!(r.json["bank_account"]["routing_number"], "021000021");
    assert!(!r.json.to_string().contains("123456789\""), "{}", r.json);
    let r = server.get("/v1/beneficiaries?limit=5", &key).await;
    assert_eq!(r.json["data"].as_array().unwrap().len(), 5);
    assert_eq!(r.json["has_more"], true);
    assert_eq!(r.json["data"][0]["id"], json!(ids[11]));
    // Another merchant sees nothing of them.
    let (_, other) = server.merchant("Other", "USD").await;
    server
        .get(&format!("/v1/beneficiaries/{}", ids[0]), &other)
        .await
        .assert_error(404, "not_found", "resource_missing", None);

    let bad = |country: &str, currency: &str, account: Value| json!({"name": "X", "country": country, "currency": currency, "bank_account": account});
    let cases = [
        (
            bad("DE", "EUR", json!({"iban": "DE88370400440532013000"})),
            "iban_checksum_invalid",
            "bank_account.iban",
        ),
        (
            bad("DE", "EUR", json!({"iban": "DE8937040044053201300"})),
            "iban_length_invalid",
            "bank_account.iban",
        ),
        (
            bad("DE", "EUR", json!({"iban": "DE89370400440532013A00"})),
            "iban_format_invalid",
            "bank_account.iban",
        ),
        (
            bad("FR", "EUR", json!({"iban": "DE89370400440532013000"})),
            "iban_country_mismatch",
            "bank_account.iban",
        ),
        (
            bad("DE", "EUR", json!({})),
            "parameter_missing",
            "bank_account.iban",
        ),
        (
            bad("DE", "USD", json!({"iban": "DE89370400440532013000"})),
            "parameter_missing",
            "bank_account.bic",
        ),
        (
            bad(
                "US",
                "USD",
                json!({"account_number": "123456789", "account_type": "checking"}),
            ),
            "parameter_missing",
            "bank_account.routing_number",
        ),
        (
            bad(
                "US",
                "USD",
                json!({"routing_number": "021000022", "account_number": "123456789", "account_type": "checking"}),
            ),
            "routing_number_checksum_invalid",
            "bank_account.routing_number",
        ),
        (
            bad(
                "US",
                "USD",
                json!({"routing_number": "021000021", "account_number": "123456789", "account_type": "brokerage"}),
            ),
            "parameter_invalid",
            "bank_account.account_type",
        ),
        (
            bad(
                "GB",
                "GBP",
                json!({"sort_code": "6016", "account_number": "31926819"}),
            ),
            "format_invalid",
            "bank_account.sort_code",
        ),
        (
            bad(
                "IN",
                "INR",
                json!({"ifsc": "HDFC1000123", "account_number": "50100123456789"}),
            ),
            "ifsc_invalid",
            "bank_account.ifsc",
        ),
        (
            bad(
                "CN",
                "CNY",
                json!({"bank_code": "10210009999", "account_number": "6222021234567890123"}),
            ),
            "format_invalid",
            "bank_account.bank_code",
        ),
        (
            bad(
                "JP",
                "JPY",
                json!({"bank_code": "0005", "account_number": "1234567"}),
            ),
            "parameter_missing",
            "bank_account.branch_code",
        ),
        (
            bad(
                "AU",
                "AUD",
                json!({"bsb": "06200", "account_number": "12345678"}),
            ),
            "format_invalid",
            "bank_account.bsb",
        ),
        (
            bad(
                "CA",
                "CAD",
                json!({"transit_number": "00011", "account_number": "1234567"}),
            ),
            "parameter_missing",
            "bank_account.institution_number",
        ),
        (
            bad("MX", "MXN", json!({"clabe": "032180000118359718"})),
            "clabe_checksum_invalid",
            "bank_account.clabe",
        ),
        (
            bad(
                "BR",
                "BRL",
                json!({"bank_code": "001", "branch_code": "1234", "account_number": "12345-6", "cpf_cnpj": "529.982.247-24"}),
            ),
            "cpf_cnpj_checksum_invalid",
            "bank_account.cpf_cnpj",
        ),
        (
            bad("SG", "SGD", json!({"account_number": "0123456789"})),
            "parameter_missing",
            "bank_account.bic",
        ),
        (
            bad(
                "SG",
                "SGD",
                json!({"bic": "DBSSXXSGXXX", "account_number": "0123456789"}),
            ),
            "bic_invalid",
            "bank_account.bic",
        ),
        (
            bad(
                "SG",
                "SGD",
                json!({"bic": "DEUTDEFFXXX", "account_number": "0123456789"}),
            ),
            "bic_country_mismatch",
            "bank_account.bic",
        ),
        (
            bad(
                "DE",
                "EUR",
                json!({"iban": "DE89370400440532013000", "sort_code": "601613"}),
            ),
            "parameter_unexpected",
            "bank_account.sort_code",
        ),
        (
            bad("US", "CNY", json!({})),
            "currency_not_receivable",
            "currency",
        ),
        (bad("ZZ", "EUR", json!({})), "country_invalid", "country"),
        (bad("DE", "EUX", json!({})), "currency_invalid", "currency"),
    ];
    for (body, code, param) in cases {
        let r = server.post("/v1/beneficiaries", &key, &body).await;
        r.assert_error(400, "invalid_request_error", code, Some(param));
    }
    let r = server
        .post("/v1/beneficiaries", &key, &json!({"name": "X", "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE89370400440532013000", "swift": "x"}}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
    let r = server.get("/v1/beneficiaries?limit=100", &key).await;
    assert_eq!(
        r.json["data"].as_array().unwrap().len(),
        12,
        "refusals created nothing"
    );
}

async fn payouts_move_through_bank_files(server: &Server) {
    crate::fx::set_today_rates(server).await;
    let (merchant, key) = server.merchant("Seller", "CNY").await;
    server.credit(&merchant, 1_000_000, "EUR").await;
    server.credit(&merchant, 2_000_000, "USD").await;
    let de = beneficiary(server, &key, every_scheme()[0].clone()).await;
    let cn = beneficiary(server, &key, every_scheme()[1].clone()).await;
    let hook = server
        .post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": "http://127.0.0.1:1/hook", "events": ["*"]}),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.json);

    // The cost is shown before anything is committed.
    let preview = server
        .post("/v1/payouts/preview", &key, &json!({"amount": 500_000, "currency": "USD", "beneficiary": cn, "purpose_code": "GDDS"}))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    assert_eq!(preview.json["rail"], "local");
    assert_eq!(preview.json["target_currency"], "CNY");
    assert_eq!(preview.json["fx"]["source"], "operator");
    let fee = preview.json["fee"].as_i64().unwrap();
    assert_eq!(preview.json["total"].as_i64().unwrap(), 500_000 + fee);
    assert_eq!(
        available(&server.balances(&merchant).await, "USD"),
        (2_000_000, 0)
    );

    let p1 = payout(
        server,
        &key,
        json!({"amount": 100_000, "currency": "EUR", "beneficiary": de, "reference": "Invoice 17"}),
    )
    .await;
    assert_eq!(p1["rail"], "sepa");
    assert_eq!(p1["fee"], 20);
    assert_eq!(p1["status"], "pending");
    assert_eq!(p1["uetr"].as_str().unwrap().len(), 36);
    let p2 = payout(
        server,
        &key,
        json!({"amount": 50_000, "currency": "EUR", "beneficiary": de}),
    )
    .await;
    let p3 = payout(
        server,
        &key,
        json!({"amount": 500_000, "currency": "USD", "beneficiary": cn, "purpose_code": "GDDS"}),
    )
    .await;
    assert_eq!(p3["target_amount"], preview.json["target_amount"]);
    assert_eq!(p3["fee"].as_i64().unwrap(), fee);
    // Amount plus fee is held at once.
    let b = server.balances(&merchant).await;
    assert_eq!(available(&b, "EUR"), (1_000_000 - 150_040, 150_040));
    assert_eq!(
        available(&b, "USD"),
        (2_000_000 - 500_000 - fee, 500_000 + fee)
    );

    // One batch per rail and currency.
    let sepa = server
        .post(
            "/v1/payout_batches",
            OPERATOR_KEY,
            &json!({"rail": "sepa", "currency": "EUR"}),
        )
        .await;
    assert_eq!(sepa.status, StatusCode::CREATED, "{}", sepa.json);
    assert_eq!(sepa.json["payouts"], json!([p1["id"], p2["id"]]));
    let local = server
        .post("/v1/payout_batches", OPERATOR_KEY, &json!({}))
        .await;
    assert_eq!(local.status, StatusCode::CREATED, "{}", local.json);
    assert_eq!(local.json["payouts"], json!([p3["id"]]));
    assert_eq!(local.json["currency"], "CNY");
    server
        .post("/v1/payout_batches", OPERATOR_KEY, &json!({}))
        .await
        .assert_error(409, "conflict", "nothing_to_batch", None);

    for batch in [&sepa, &local] {
        let id = batch.str("id");
        let (status, xml) = get_text(server, &format!("/v1/payout_batches/{id}/pain001")).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
        assert_valid(&xml, "pain.001.001.09.xsd");
        let (_, again) = get_text(server, &format!("/v1/payout_batches/{id}/pain001")).await;
        assert_eq!(xml, again, "the same batch gives the same file");
        let sent = server
            .post(
                "/v1/test_helpers/bank/pain001",
                OPERATOR_KEY,
                &json!({"batch": id}),
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.json);
    }
    assert!(get_text(
        server,
        &format!("/v1/payout_batches/{}/pain001", sepa.str("id"))
    )
    .await
    .1
    .contains("<Cd>SEPA</Cd>"));
    let r = server
        .get(&format!("/v1/payouts/{}", p1["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(r.json["status"], "in_transit");

    // The bank rejects p2 (pain.002.001.03) and books p1.
    let e2e = |p: &Value| p["end_to_end_id"].as_str().unwrap().to_string();
    let answers = server
        .post("/v1/test_helpers/bank/answers", OPERATOR_KEY, &json!({"batch": sepa.str("id"), "rejects": {e2e(&p2): "AC04"}, "pain002_version": "001.03"}))
        .await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.json);
    let pain002 = answers.str("pain002");
    assert_valid(&pain002, "pain.002.001.03.xsd");
    let applied = post_xml(server, &pain002).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.json);
    assert_eq!(applied.json["kind"], "pain.002.001.03");
    assert_eq!(applied.json["updates"].as_array().unwrap().len(), 2);
    let again = post_xml(server, &pain002).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["duplicate"], true, "{}", again.json);
    let r = server
        .get(&format!("/v1/payouts/{}", p2["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(
        (r.json["status"].clone(), r.json["failure_code"].clone()),
        (json!("failed"), json!("AC04"))
    );
    let camt = answers.str("camt054");
    let applied = post_xml(server, &camt).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.json);
    let r = server
        .get(&format!("/v1/payouts/{}", p1["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(r.json["status"], "paid");
    let b = server.balances(&merchant).await;
    assert_eq!(
        available(&b, "EUR"),
        (1_000_000 - 100_020, 0),
        "p1 posted, p2 released"
    );

    // The CNY payout is accepted (pain.002.001.12), booked, then returned.
    let answers = server
        .post(
            "/v1/test_helpers/bank/answers",
            OPERATOR_KEY,
            &json!({"batch": local.str("id"), "returns": {e2e(&p3): "AC01"}}),
        )
        .await;
    let pain002 = answers.str("pain002");
    assert_valid(&pain002, "pain.002.001.12.xsd");
    assert_eq!(post_xml(server, &pain002).await.status, StatusCode::OK);
    let b = server.balances(&merchant).await;
    assert_eq!(
        available(&b, "USD"),
        (2_000_000 - 500_000 - fee, 0),
        "posted when accepted"
    );
    let applied = post_xml(server, &answers.str("camt054")).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.json);
    let r = server
        .get(&format!("/v1/payouts/{}", p3["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(
        (r.json["status"].clone(), r.json["failure_code"].clone()),
        (json!("returned"), json!("AC01"))
    );
    let b = server.balances(&merchant).await;
    assert_eq!(
        available(&b, "USD"),
        (2_000_000, 0),
        "a return reverses amount and fee"
    );
    // Replaying both files changes nothing.
    assert_eq!(
        post_xml(server, &answers.str("camt054")).await.json["duplicate"],
        true
    );
    assert_eq!(
        available(&server.balances(&merchant).await, "USD"),
        (2_000_000, 0)
    );
    let list = server.get("/v1/payouts", &key).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 3);
    server.assert_verified().await;
    // Every status reached was published as an event.
    let want = [
        "payout.created",
        "payout.in_transit",
        "payout.failed",
        "payout.paid",
        "payout.returned",
    ];
    let path = format!(
        "/v1/webhook_endpoints/{}/deliveries?limit=100",
        hook.str("id")
    );
    let mut seen = Vec::new();
    for _ in 0..100 {
        let r = server.get(&path, &key).await;
        seen = r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["type"].as_str().unwrap_or("").to_string())
            .collect();
        if want.iter().all(|w| seen.iter().any(|s| s == w)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(want.iter().all(|w| seen.iter().any(|s| s == w)), "{seen:?}");
    assert_eq!(
        seen.iter().filter(|s| *s == "payout.created").count(),
        3,
        "{seen:?}"
    );
    // The operator's batch, its file and each bank file applied are in the
    // audit log (a file applied twice once).
    let audit = server.get("/v1/audit_log?limit=100", OPERATOR_KEY).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.json);
    let actions: Vec<&str> = audit.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "payout_batch.created",
        "payout_batch.file_generated",
        "bank_file.applied",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}

async fn every_scheme_makes_a_valid_file(server: &Server) {
    crate::fx::publish_latest_rates(server).await;
    let (merchant, key) = server.merchant("Seller", "USD").await;
    server.credit(&merchant, 50_000_000, "USD").await;
    for body in every_scheme() {
        let ben = beneficiary(server, &key, body.clone()).await;
        let purpose = if matches!(body["currency"].as_str(), Some("CNY" | "INR")) {
            json!("SUPP")
        } else {
            Value::Null
        };
        let mut req = json!({"amount": 10_000, "currency": "USD", "beneficiary": ben, "reference": "Order <42> & co"});
        if !purpose.is_null() {
            req["purpose_code"] = purpose;
        }
        payout(server, &key, req).await;
    }
    let batch = server
        .post("/v1/payout_batches", OPERATOR_KEY, &json!({}))
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.json);
    assert_eq!(batch.json["payouts"].as_array().unwrap().len(), 12);
    assert_eq!(batch.json["rail"], Value::Null, "mixed rails");
    let (status, xml) = get_text(
        server,
        &format!("/v1/payout_batches/{}/pain001", batch.str("id")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_valid(&xml, "pain.001.001.09.xsd");
    for code in [
        "USABA",
        "GBDSC",
        "INFSC",
        "CNAPS",
        "JPZGN",
        "AUBSB",
        "CACPA",
        "BRCOMPE",
        "CLABE",
        "<Cd>GDDS</Cd>",
        "SHAR",
        "Order &lt;42&gt; &amp; co",
    ] {
        let code = if code == "<Cd>GDDS</Cd>" {
            "<Cd>SUPP</Cd>"
        } else {
            code
        };
        assert!(xml.contains(code), "{code} missing in\n{xml}");
    }
}

async fn bad_payouts_move_nothing(server: &Server) {
    crate::fx::set_today_rates(server).await;
    let (merchant, key) = server.merchant("Seller", "USD").await;
    server.credit(&merchant, 20_000_000, "USD").await;
    let us = beneficiary(server, &key, every_scheme()[2].clone()).await;
    let cn = beneficiary(server, &key, every_scheme()[1].clone()).await;
    let before = server.balances(&merchant).await;
    let cases = [
        (
            json!({"amount": 100, "currency": "EUR", "beneficiary": us}),
            402,
            "insufficient_funds",
            "insufficient_funds",
            None,
        ),
        (
            json!({"amount": 15_000_000, "currency": "USD", "beneficiary": us}),
            400,
            "invalid_request_error",
            "limit_exceeded",
            Some("amount"),
        ),
        (
            json!({"amount": 0, "currency": "USD", "beneficiary": us}),
            400,
            "invalid_request_error",
            "amount_invalid",
            Some("amount"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": cn}),
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("purpose_code"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": cn, "purpose_code": "XXXX"}),
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("purpose_code"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": us, "target_currency": "EUR"}),
            400,
            "invalid_request_error",
            "currency_not_receivable",
            Some("target_currency"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": "ben_nope"}),
            400,
            "invalid_request_error",
            "resource_missing",
            Some("beneficiary"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": us, "target_amount": 100}),
            400,
            "invalid_request_error",
            "parameter_conflict",
            Some("target_amount"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": us, "charges": "our"}),
            400,
            "invalid_request_error",
            "parameter_unexpected",
            Some("charges"),
        ),
        (
            json!({"amount": 100, "currency": "XYZ", "beneficiary": us}),
            400,
            "invalid_request_error",
            "currency_invalid",
            Some("currency"),
        ),
        (
            json!({"amount": 100, "currency": "USD", "beneficiary": us, "quote": "quo_123"}),
            400,
            "invalid_request_error",
            "parameter_unexpected",
            Some("quote"),
        ),
    ];
    for (body, status, kind, code, param) in cases {
        server
            .post("/v1/payouts", &key, &body)
            .await
            .assert_error(status, kind, code, param);
    }
    // The daily limit (250,000 USD): two payouts of 90,000 pass, a third fails.
    server.credit(&merchant, 10_000_000, "USD").await;
    payout(
        server,
        &key,
        json!({"amount": 9_000_000, "currency": "USD", "beneficiary": us}),
    )
    .await;
    payout(
        server,
        &key,
        json!({"amount": 9_000_000, "currency": "USD", "beneficiary": us}),
    )
    .await;
    server
        .post(
            "/v1/payouts",
            &key,
            &json!({"amount": 9_000_000, "currency": "USD", "beneficiary": us}),
        )
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "daily_limit_exceeded",
            Some("amount"),
        );
    assert_eq!(
        server.get("/v1/payouts", &key).await.json["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let after = server.balances(&merchant).await;
    let usd = available(&after, "USD");
    assert_eq!(
        usd.0 + usd.1,
        available(&before, "USD").0 + 10_000_000,
        "only the two payouts are held"
    );

    // Bank files that cannot be read or answer nothing of ours.
    post_xml(server, "<not xml").await.assert_error(
        400,
        "invalid_request_error",
        "bank_file_malformed",
        Some("body"),
    );
    post_xml(server, "").await.assert_error(
        400,
        "invalid_request_error",
        "bank_file_malformed",
        Some("body"),
    );
    post_xml(server, r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>"#)
        .await
        .assert_error(400, "invalid_request_error", "bank_file_unsupported", Some("body"));
    let unknown = r#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"><CstmrPmtStsRpt><GrpHdr><MsgId>X1</MsgId><CreDtTm>2026-12-01T00:00:00Z</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>pob_unknown</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>ACCP</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>"#;
    post_xml(server, unknown).await.assert_error(
        400,
        "invalid_request_error",
        "bank_file_unknown",
        Some("body"),
    );
    // Merchants cannot batch or apply files.
    server
        .post("/v1/payout_batches", &key, &json!({}))
        .await
        .assert_error(403, "permission_error", "forbidden", None);
    server.assert_verified().await;
}

both_backends!(
    beneficiaries_are_validated_and_masked,
    payouts_move_through_bank_files,
    every_scheme_makes_a_valid_file,
    bad_payouts_move_nothing,
);
