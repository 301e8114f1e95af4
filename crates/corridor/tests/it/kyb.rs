//! KYB information end to end: what each country requires, approval
//! refused (409, nothing changed) while information the operator asked for
//! is missing and raising an alert when other required information is, the
//! information supplied later by `PATCH` (every bad field named, nothing
//! stored), the beneficial owners screened at onboarding and on approval
//! (a listed owner blocks approval, and returns an approved merchant to
//! `pending`), and a beneficiary screened before a list load screened
//! again at payout time.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Server, CN_REGISTRATION_NUMBER, OPERATOR_KEY};

both_backends!(
    approval_waits_for_the_required_information,
    bad_kyb_information_is_refused_and_changes_nothing,
    a_listed_owner_blocks_approval,
    a_beneficiary_screened_before_a_list_load_is_screened_again,
);

async fn patch(server: &Server, id: &str, key: &str, body: &Value) -> crate::support::Reply {
    server
        .call(
            Method::PATCH,
            &format!("/v1/merchants/{id}"),
            Some(key),
            None,
            Some(&body.to_string()),
        )
        .await
}

async fn merchant(server: &Server, id: &str) -> Value {
    let r = server
        .get(&format!("/v1/merchants/{id}"), OPERATOR_KEY)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

fn approve() -> Value {
    json!({"decision": "approve", "note": "registry extract and owners checked"})
}

async fn approval_waits_for_the_required_information(server: &Server) {
    let body = json!({"legal_name": "Guangzhou Lantern Trading Co., Ltd.", "country": "CN", "home_currency": "CNY"});
    let r = server.post("/v1/merchants", OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["kyb_status"], "pending");
    assert_eq!(
        r.json["kyb_missing"],
        json!([
            "registration_number",
            "beneficial_owners",
            "marketplace_store_ids"
        ])
    );
    let (id, key) = (r.str("id"), r.str("api_key"));
    let kyb = format!("/v1/merchants/{id}/kyb");

    let bad = server
        .post(
            &kyb,
            OPERATOR_KEY,
            &json!({"decision": "request_info", "note": "send these", "fields": ["registration_number", "tax_id"]}),
        )
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("fields[1]"),
    );
    let bad = server
        .post(
            &kyb,
            OPERATOR_KEY,
            &json!({"decision": "approve", "note": "x", "fields": ["website"]}),
        )
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("fields"),
    );
    let asked = server
        .post(
            &kyb,
            OPERATOR_KEY,
            &json!({"decision": "request_info", "note": "send the licence and owners", "fields": ["registration_number", "beneficial_owners"]}),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.json);
    assert_eq!(asked.json["merchant"]["kyb_status"], "info_requested");
    assert_eq!(
        asked.json["merchant"]["kyb_requested"],
        json!(["registration_number", "beneficial_owners"])
    );

    // What the operator asked for binds the approval.
    let refused = server.post(&kyb, OPERATOR_KEY, &approve()).await;
    refused.assert_error(
        409,
        "conflict",
        "kyb_incomplete",
        Some("registration_number"),
    );
    let message = refused.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("beneficial_owners"), "{message}");
    assert!(!message.contains("marketplace_store_ids"), "{message}");
    assert_eq!(merchant(server, &id).await["kyb_status"], "info_requested");

    // The merchant supplies them with its own key; shares keep their
    // decimals exactly.
    let info = json!({
        "registration_number": " 91110000600037341l ",
        "beneficial_owners": [
            {"name": "Wang Fang", "date_of_birth": "1980-05-17", "country": "cn", "ownership_percent": 33.33},
            {"name": "Chen Jing", "ownership_percent": 66.67}
        ]
    });
    let r = patch(server, &id, &key, &info).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["registration_number"], CN_REGISTRATION_NUMBER);
    assert_eq!(
        r.json["beneficial_owners"][0]["ownership_percent"],
        json!(33.33)
    );
    assert_eq!(r.json["beneficial_owners"][0]["country"], "CN");
    assert_eq!(
        r.json["beneficial_owners"][1]["ownership_percent"],
        json!(66.67)
    );
    assert_eq!(r.json["kyb_missing"], json!(["marketplace_store_ids"]));
    assert_eq!(r.json["kyb_requested"], json!([]));
    assert_eq!(merchant(server, &id).await, r.json, "stored as answered");
    // Approving with required information the operator did not ask for
    // still missing is the operator's call: it goes through, with an alert.
    let approved = server.post(&kyb, OPERATOR_KEY, &approve()).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
    assert_eq!(approved.json["merchant"]["kyb_status"], "approved");
    assert_eq!(
        approved.json["merchant"]["kyb_missing"],
        json!(["marketplace_store_ids"])
    );
    let alerts = server
        .get("/v1/compliance/alerts?status=open", OPERATOR_KEY)
        .await;
    assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.json);
    let alert = alerts.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "kyb_incomplete_approval" && a["merchant"] == id.as_str())
        .unwrap_or_else(|| panic!("no incomplete-approval alert: {}", alerts.json))
        .clone();
    assert_eq!(alert["severity"], "medium", "{alert}");

    let r = patch(
        server,
        &id,
        OPERATOR_KEY,
        &json!({"marketplace_store_ids": ["tmall:LANTERN01"], "website": "https://lantern.example"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["kyb_missing"], json!([]));
    assert_eq!(r.json["website"], "https://lantern.example");
    let r = server.post(&kyb, OPERATOR_KEY, &approve()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["merchant"]["kyb_status"], "approved");
    assert_eq!(r.json["screening_decision"], "clear");
    let owners: Vec<&str> = r.json["owner_screenings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["decision"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["clear", "clear"], "{}", r.json);

    // A change on an approved merchant goes through (audited) and keeps it
    // approved when its owners screen clear.
    let r = patch(server, &id, &key, &json!({"email": "ops@lantern.example"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["kyb_status"], "approved");
    assert_eq!(r.json["email"], "ops@lantern.example");
    assert_eq!(r.json["marketplace_store_ids"], json!(["tmall:LANTERN01"]));
    // `null` clears the email; what is not given stays.
    let r = patch(server, &id, &key, &json!({"email": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["email"], Value::Null, "{}", r.json);
    assert_eq!(r.json["website"], "https://lantern.example");
    let stored = merchant(server, &id).await;
    assert_eq!(stored["email"], Value::Null, "{stored}");
    assert_eq!(stored["website"], "https://lantern.example");
    assert_eq!(stored["kyb_status"], "approved");

    // Other countries: the EU asks for a website, the default does not.
    let de = server
        .post(
            "/v1/merchants",
            OPERATOR_KEY,
            &json!({"legal_name": "Berliner Lampen GmbH", "country": "DE", "home_currency": "EUR",
                "registration_number": "HRB 123456 B", "ownership_declaration": "No natural person holds 25% or more; the managing director controls the company."}),
        )
        .await;
    assert_eq!(de.status, StatusCode::CREATED, "{}", de.json);
    assert_eq!(de.json["kyb_missing"], json!(["website"]));
    let br = server
        .post(
            "/v1/merchants",
            OPERATOR_KEY,
            &json!({"legal_name": "Loja Azul Ltda", "country": "BR", "home_currency": "BRL"}),
        )
        .await;
    assert_eq!(
        br.json["kyb_missing"],
        json!(["registration_number", "beneficial_owners"])
    );
    let list = server.get("/v1/merchants?limit=3", OPERATOR_KEY).await;
    assert_eq!(
        list.json["data"][1]["kyb_missing"],
        json!(["website"]),
        "{}",
        list.json
    );
    assert_eq!(
        list.json["data"][2]["registration_number"],
        CN_REGISTRATION_NUMBER
    );
}

async fn bad_kyb_information_is_refused_and_changes_nothing(server: &Server) {
    let (id, key) = server.pending_merchant("Harbour Goods", "CNY").await;
    let before = merchant(server, &id).await;
    let owner = |percent: Value| json!({"name": "Li Na", "date_of_birth": "1990-01-01", "ownership_percent": percent});
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"name": format!("Owner Number{i}"), "ownership_percent": 1}))
        .collect();
    let cases = [
        (
            json!({"registration_number": "91110000600037341M"}),
            "registration_number",
        ),
        (
            json!({"registration_number": "9111000060003734"}),
            "registration_number",
        ),
        (json!({"registration_number": ""}), "registration_number"),
        (
            json!({"beneficial_owners": [owner(json!(0))]}),
            "beneficial_owners[0].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [owner(json!(100.5))]}),
            "beneficial_owners[0].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [owner(json!(12.345))]}),
            "beneficial_owners[0].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [owner(json!(-5))]}),
            "beneficial_owners[0].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [owner(json!("25"))]}),
            "beneficial_owners[0].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [owner(json!(60)), {"name": "Zhou Min", "ownership_percent": 40.01}]}),
            "beneficial_owners[1].ownership_percent",
        ),
        (
            json!({"beneficial_owners": [{"name": "Li Na", "date_of_birth": "2023-02-29", "ownership_percent": 10}]}),
            "beneficial_owners[0].date_of_birth",
        ),
        (
            json!({"beneficial_owners": [{"name": "Li Na", "date_of_birth": "2999-01-01", "ownership_percent": 10}]}),
            "beneficial_owners[0].date_of_birth",
        ),
        (
            json!({"beneficial_owners": [{"name": "Li Na", "country": "ZZ", "ownership_percent": 10}]}),
            "beneficial_owners[0].country",
        ),
        (
            json!({"beneficial_owners": [{"name": "  ", "ownership_percent": 10}]}),
            "beneficial_owners[0].name",
        ),
        (
            json!({"beneficial_owners": [{"name": "Li\u{1b}Na", "ownership_percent": 10}]}),
            "beneficial_owners[0].name",
        ),
        (
            json!({"beneficial_owners": [{"name": "Li Na", "ownership_percent": 10, "role": "ceo"}]}),
            "beneficial_owners[0].role",
        ),
        (json!({"beneficial_owners": many}), "beneficial_owners"),
        (
            json!({"ownership_declaration": " "}),
            "ownership_declaration",
        ),
        (json!({"email": "nobody"}), "email"),
        (json!({"website": "ftp://x.example"}), "website"),
        (
            json!({"marketplace_store_ids": ["a", "a"]}),
            "marketplace_store_ids[1]",
        ),
        (json!({"legal_name": "Renamed"}), "legal_name"),
    ];
    for (body, param) in cases {
        let r = patch(server, &id, OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    let r = patch(server, &id, OPERATOR_KEY, &json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
    assert_eq!(merchant(server, &id).await, before, "nothing changed");

    let (other, other_key) = server.pending_merchant("Other Seller", "CNY").await;
    let r = patch(
        server,
        &id,
        &other_key,
        &json!({"website": "https://x.example"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    let r = patch(
        server,
        "mer_nope",
        OPERATOR_KEY,
        &json!({"website": "https://x.example"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    assert_eq!(
        patch(
            server,
            &other,
            &key,
            &json!({"website": "https://x.example"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let created = [
        (
            json!({"legal_name": "!!! ???", "country": "CN", "home_currency": "CNY"}),
            "legal_name",
        ),
        (
            json!({"legal_name": "X Co", "country": "CN", "home_currency": "CNY", "beneficial_owners": [{"name": "Li Na", "date_of_birth": "1990-02-30", "ownership_percent": 5}]}),
            "beneficial_owners[0].date_of_birth",
        ),
        (
            json!({"legal_name": "X Co", "country": "CN", "home_currency": "CNY", "registration_number": "123"}),
            "registration_number",
        ),
        (
            json!({"legal_name": "X Co", "country": "CN", "home_currency": "CNY", "beneficial_owners": [owner(json!(101))]}),
            "beneficial_owners[0].ownership_percent",
        ),
    ];
    let count = server
        .get("/v1/merchants?limit=100", OPERATOR_KEY)
        .await
        .json["data"]
        .as_array()
        .unwrap()
        .len();
    for (body, param) in created {
        let r = server.post("/v1/merchants", OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    assert_eq!(
        server
            .get("/v1/merchants?limit=100", OPERATOR_KEY)
            .await
            .json["data"]
            .as_array()
            .unwrap()
            .len(),
        count,
        "no merchant created"
    );
}

async fn a_listed_owner_blocks_approval(server: &Server) {
    let listed = json!({"name": "Muammar Qadhafi", "date_of_birth": "1942-06-07", "country": "LY", "ownership_percent": 30});
    let clean = json!({"name": "Wang Fang", "date_of_birth": "1980-05-17", "country": "CN", "ownership_percent": 70});
    let body = json!({"legal_name": "Desert Rose Trading Co., Ltd.", "country": "CN", "home_currency": "USD",
        "registration_number": CN_REGISTRATION_NUMBER, "marketplace_store_ids": ["amazon:DESERT01"],
        "beneficial_owners": [clean, listed]});
    let r = server.post("/v1/merchants", OPERATOR_KEY, &body).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "screened, not refused, at creation: {}",
        r.json
    );
    let id = r.str("id");
    let alerts = server
        .get("/v1/compliance/alerts?status=open", OPERATOR_KEY)
        .await;
    assert_eq!(
        alerts.json["data"][0]["merchant"],
        id.as_str(),
        "{}",
        alerts.json
    );
    assert_eq!(alerts.json["data"][0]["severity"], "high");

    let kyb = format!("/v1/merchants/{id}/kyb");
    let r = server.post(&kyb, OPERATOR_KEY, &approve()).await;
    r.assert_error(403, "compliance_error", "sanctions_match", None);
    let message = r.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("beneficial owner 1 (Muammar Qadhafi)"),
        "{message}"
    );
    assert_eq!(merchant(server, &id).await["kyb_status"], "pending");
    let alert = server
        .get("/v1/compliance/alerts?status=open&limit=1", OPERATOR_KEY)
        .await;
    let screening = alert.json["data"][0]["screening"]
        .as_str()
        .unwrap()
        .to_string();
    let s = server
        .get(&format!("/v1/screenings/{screening}"), OPERATOR_KEY)
        .await;
    assert_eq!(s.json["decision"], "block", "{}", s.json);

    // Without that owner the merchant is approved; adding the owner back
    // returns it to pending, and payouts stop.
    let r = patch(
        server,
        &id,
        OPERATOR_KEY,
        &json!({"beneficial_owners": [clean]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = server.post(&kyb, OPERATOR_KEY, &approve()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["merchant"]["kyb_status"], "approved");
    let r = patch(
        server,
        &id,
        OPERATOR_KEY,
        &json!({"beneficial_owners": [clean, listed]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["kyb_status"], "pending", "{}", r.json);
    assert_eq!(merchant(server, &id).await["kyb_status"], "pending");
}

async fn a_beneficiary_screened_before_a_list_load_is_screened_again(server: &Server) {
    let (id, key) = server.merchant("Northwind Supplies", "USD").await;
    server.credit(&id, 1_000_000, "USD").await;
    let account = json!({"routing_number": "021000021", "account_number": "123456789", "account_type": "checking"});
    let b = server
        .post(
            "/v1/beneficiaries",
            &key,
            &json!({"name": "Ivan Fakeperson", "country": "US", "currency": "USD", "bank_account": account}),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.json);
    let other = server
        .post(
            "/v1/beneficiaries",
            &key,
            &json!({"name": "Oliver Bennett", "country": "US", "currency": "USD", "bank_account": account}),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.json);
    let payout = |ben: &str| json!({"amount": 10_000, "currency": "USD", "beneficiary": ben});
    let r = server
        .post("/v1/payouts", &key, &payout(&b.str("id")))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "clear under the snapshot: {}",
        r.json
    );

    let list = json!({"format": "simple_csv", "name": "house_list", "content": "name,country\nIvan Fakeperson,US\n"});
    let r = server
        .post("/v1/sanctions_lists", OPERATOR_KEY, &list)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);

    let r = server
        .post("/v1/payouts", &key, &payout(&b.str("id")))
        .await;
    r.assert_error(403, "compliance_error", "sanctions_match", None);
    let r = server
        .post("/v1/payouts/preview", &key, &payout(&b.str("id")))
        .await;
    r.assert_error(403, "compliance_error", "sanctions_match", None);
    let r = server
        .post("/v1/payouts", &key, &payout(&other.str("id")))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "screened again, still clear: {}",
        r.json
    );
    let payouts = server.get("/v1/payouts", &key).await;
    assert_eq!(
        payouts.json["data"].as_array().unwrap().len(),
        2,
        "{}",
        payouts.json
    );
}
