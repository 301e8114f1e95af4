//! Compliance end to end: the embedded OFAC and UN lists in force at start,
//! screenings decided and stored with their matches and lists version,
//! alerts resolved with a reason, lists loaded in official formats (a bad
//! one changing nothing), beneficiaries on a list refused, bad input named,
//! and the audit log's hash chain catching an edited or deleted record.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{both_backends, each_backend, Backend, PgDatabase, Server, OPERATOR_KEY};

both_backends!(
    screenings_decide_and_alerts_resolve,
    bad_screening_input_is_refused,
    lists_load_and_a_bad_list_changes_nothing,
    a_listed_beneficiary_is_refused,
    kyb_decisions_screen_the_merchant,
);

each_backend!(the_audit_log_catches_edits_and_deletions);

async fn lists(server: &Server) -> Value {
    let r = server.get("/v1/sanctions_lists", OPERATOR_KEY).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

async fn screenings_decide_and_alerts_resolve(server: &Server) {
    let loaded = lists(server).await;
    let names: Vec<&str> = loaded["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ofac_sdn", "un_consolidated"], "{loaded}");
    assert!(loaded["data"][0]["entries"].as_u64().unwrap() > 8_900);
    assert_eq!(loaded["data"][1]["entries"], 1_003);
    assert_eq!(loaded["data"][0]["source"], "snapshot");

    let r = server
        .post(
            "/v1/screenings",
            OPERATOR_KEY,
            &json!({"name": "Muammar Gaddafi", "type": "person", "country": "LY"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert!(r.str("id").starts_with("scr_"));
    assert_ne!(r.json["decision"], "clear", "{}", r.json);
    let ids: Vec<&str> = r.json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entry_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"12606") || ids.contains(&"LYi.011"),
        "{}",
        r.json
    );
    assert_eq!(r.json["lists_version"], loaded["lists_version"]);
    let alert = r.str("alert");
    assert!(alert.starts_with("alr_"));
    let stored = server
        .get(&format!("/v1/screenings/{}", r.str("id")), OPERATOR_KEY)
        .await;
    assert_eq!(stored.json["matches"], r.json["matches"]);

    let clear = server
        .post(
            "/v1/screenings",
            OPERATOR_KEY,
            &json!({"name": "Oliver Bennett"}),
        )
        .await;
    assert_eq!(clear.status, StatusCode::CREATED, "{}", clear.json);
    assert_eq!(clear.json["decision"], "clear");
    assert_eq!(clear.json["alert"], Value::Null);

    let open = server
        .get("/v1/compliance/alerts?status=open", OPERATOR_KEY)
        .await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.json);
    assert_eq!(open.json["data"][0]["id"], alert.as_str());
    assert_eq!(open.json["data"][0]["screening"], r.json["id"]);

    let path = format!("/v1/compliance/alerts/{alert}/resolve");
    let bad = server
        .post(&path, OPERATOR_KEY, &json!({"reason": "  "}))
        .await;
    bad.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("reason"),
    );
    let done = server
        .post(
            &path,
            OPERATOR_KEY,
            &json!({"reason": "a historical figure, deceased; not our customer"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["status"], "resolved");
    let again = server
        .post(&path, OPERATOR_KEY, &json!({"reason": "twice"}))
        .await;
    again.assert_error(409, "conflict", "alert_resolved", None);
    let missing = server
        .post(
            "/v1/compliance/alerts/alr_nope/resolve",
            OPERATOR_KEY,
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let (_, key) = server.merchant("Screening Shop", "CNY").await;
    let own = server
        .post(
            "/v1/screenings",
            &key,
            &json!({"name": "BANCO NACIONAL DE CUBA", "type": "organization"}),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.json);
    assert_eq!(own.json["decision"], "block", "{}", own.json);
    assert_eq!(
        server
            .get(&format!("/v1/screenings/{}", own.str("id")), &key)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        server
            .get(&format!("/v1/screenings/{}", r.str("id")), &key)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get("/v1/compliance/alerts", &key).await.status,
        StatusCode::FORBIDDEN
    );

    let first = server
        .get("/v1/compliance/alerts?limit=1", OPERATOR_KEY)
        .await;
    assert_eq!(first.json["has_more"], true, "{}", first.json);
    assert_eq!(first.json["data"][0]["screening"], own.json["id"]);
    let newest = first.json["data"][0]["id"].as_str().unwrap().to_string();
    let next = server
        .get(
            &format!("/v1/compliance/alerts?limit=1&starting_after={newest}"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(next.json["data"][0]["id"], alert.as_str(), "{}", next.json);
    assert_eq!(next.json["has_more"], false);
    let resolved = server
        .get(
            &format!("/v1/compliance/alerts?status=resolved&starting_after={newest}"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(
        resolved.json["data"][0]["id"],
        alert.as_str(),
        "{}",
        resolved.json
    );
}

async fn bad_screening_input_is_refused(server: &Server) {
    let cases = [
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "a".repeat(201)}), "name"),
        (json!({"name": "Ivan\u{7}Petrov"}), "name"),
        (json!({"name": "!!! ???"}), "name"),
        (json!({"name": "Ivan Petrov", "type": "ship"}), "type"),
        (json!({"name": "Ivan Petrov", "country": "ZZ"}), "country"),
        (
            json!({"name": "Ivan Petrov", "date_of_birth": "1972-13-01"}),
            "date_of_birth",
        ),
        (
            json!({"name": "Ivan Petrov", "date_of_birth": "yesterday"}),
            "date_of_birth",
        ),
        (json!({"name": "Ivan Petrov", "nickname": "x"}), "nickname"),
    ];
    for (body, param) in cases {
        let r = server.post("/v1/screenings", OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    let alerts = server.get("/v1/compliance/alerts", OPERATOR_KEY).await;
    assert_eq!(
        alerts.json["data"],
        json!([]),
        "nothing was stored: {}",
        alerts.json
    );
    let r = server
        .get("/v1/compliance/alerts?status=closed", OPERATOR_KEY)
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("status"),
    );
}

async fn lists_load_and_a_bad_list_changes_nothing(server: &Server) {
    let before = lists(server).await;
    let (_, key) = server.merchant("Not An Operator", "CNY").await;
    let body = json!({"format": "simple_csv", "name": "house_list", "content": "name,country\nIvan Fakeperson,RU\n"});
    assert_eq!(
        server.post("/v1/sanctions_lists", &key, &body).await.status,
        StatusCode::FORBIDDEN
    );

    let bad = [
        (
            json!({"format": "un_xml", "content": "<CONSOLIDATED_LIST><INDIVIDUALS>"}),
            "content",
        ),
        (
            json!({"format": "un_xml", "content": "<sdnList/>"}),
            "content",
        ),
        (
            json!({"format": "ofac_csv", "content": {"sdn": "not,an,ofac,file\n"}}),
            "content.sdn",
        ),
        (
            json!({"format": "ofac_csv", "content": "36,\"X\""}),
            "content",
        ),
        (json!({"format": "pdf", "content": "x"}), "format"),
        (
            json!({"format": "simple_csv", "content": "name\nX\n"}),
            "name",
        ),
        (
            json!({"format": "simple_csv", "name": "ofac_sdn", "content": "name\nX\n"}),
            "name",
        ),
        (
            json!({"format": "simple_csv", "name": "house_list", "content": "nom\nX\n"}),
            "content",
        ),
    ];
    for (body, param) in bad {
        let r = server
            .post("/v1/sanctions_lists", OPERATOR_KEY, &body)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    assert_eq!(
        lists(server).await,
        before,
        "a refused list changes nothing"
    );

    let r = server
        .post("/v1/sanctions_lists", OPERATOR_KEY, &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["name"], "house_list");
    assert_eq!(r.json["entries"], 1);
    let s = server
        .post(
            "/v1/screenings",
            OPERATOR_KEY,
            &json!({"name": "Fakeperson, Ivan"}),
        )
        .await;
    assert_eq!(s.json["decision"], "block", "{}", s.json);
    assert_eq!(s.json["matches"][0]["list"], "house_list");
    assert_eq!(s.json["matches"][0]["entry_id"], "2");

    let sdn = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n12606,\"QADHAFI, Muammar\",\"individual\",\"LIBYA2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1942.\"\r\n";
    let r = server.post("/v1/sanctions_lists", OPERATOR_KEY, &json!({"format": "ofac_csv", "content": {"sdn": sdn, "alt": "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n"}})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["entries"], 2);
    assert_eq!(r.json["names"], 3);
    let after = lists(server).await;
    assert_ne!(after["lists_version"], before["lists_version"]);
    let ofac = after["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "ofac_sdn")
        .unwrap()
        .clone();
    assert_eq!(ofac["source"], "operator");
    assert_eq!(ofac["version"], r.json["version"]);
    let s = server
        .post(
            "/v1/screenings",
            OPERATOR_KEY,
            &json!({"name": "Aero Caribbean"}),
        )
        .await;
    assert_ne!(s.json["decision"], "clear", "{}", s.json);
    assert_eq!(s.json["lists_version"], after["lists_version"]);
}

async fn a_listed_beneficiary_is_refused(server: &Server) {
    let (_, key) = server.merchant("Payout Shop", "EUR").await;
    let listed = json!({"name": "BANCO NACIONAL DE CUBA", "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE89 3704 0044 0532 0130 00"}});
    let r = server.post("/v1/beneficiaries", &key, &listed).await;
    r.assert_error(403, "compliance_error", "sanctions_match", None);
    let fine = json!({"name": "Hans Muster", "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE89 3704 0044 0532 0130 00"}});
    let r = server.post("/v1/beneficiaries", &key, &fine).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

fn corridor(args: &[&str], db: &[String]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .args(db)
        .env_remove("CORRIDOR_DATABASE_URL")
        .output()
        .expect("corridor runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs one statement against the test database, behind the binary's back.
async fn tamper(backend: Backend, db: &[String], sql: &str) {
    match backend {
        Backend::Sqlite => {
            let path = std::path::Path::new(&db[1]).join("corridor.db");
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch(sql).unwrap();
        }
        Backend::Postgres => {
            let (client, conn) = tokio_postgres::connect(&db[1], tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.batch_execute(sql).await.unwrap();
        }
    }
}

async fn the_audit_log_catches_edits_and_deletions(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let pg = match backend {
        Backend::Postgres => Some(PgDatabase::create().await),
        Backend::Sqlite => None,
    };
    let db: Vec<String> = match &pg {
        Some(pg) => vec!["--database-url".into(), pg.url.clone()],
        None => vec![
            "--data-dir".into(),
            dir.path().join("data").to_string_lossy().into_owned(),
        ],
    };
    let (ok, out, err) = corridor(&["screen", "QADHAFI, Muammar", "--dob", "1942-06-07"], &db);
    assert!(ok, "{err}");
    assert!(out.contains(" block") && out.contains("12606"), "{out}");
    let (ok, out, err) = corridor(&["screen", "Oliver Bennett"], &db);
    assert!(ok && out.contains(" clear"), "{out}{err}");
    let (ok, _, err) = corridor(&["screen", ""], &db);
    assert!(!ok && err.contains("name"), "{err}");
    let (ok, out, err) = corridor(&["audit", "verify"], &db);
    assert!(ok, "{err}");
    assert!(out.contains("intact: 3 records"), "{out}");

    tamper(
        backend,
        &db,
        "UPDATE compliance_audit SET detail = '{\"decision\":\"clear\"}' WHERE seq = 1",
    )
    .await;
    let (ok, _, err) = corridor(&["audit", "verify"], &db);
    assert!(!ok && err.contains("record 1 was changed"), "{err}");
    tamper(backend, &db, "DELETE FROM compliance_audit WHERE seq = 1").await;
    let (ok, _, err) = corridor(&["audit", "verify"], &db);
    assert!(!ok && err.contains("record 1 is missing"), "{err}");
    tamper(backend, &db, "DELETE FROM compliance_audit").await;
    let (ok, _, err) = corridor(&["audit", "verify"], &db);
    assert!(!ok && err.contains("ends at record 0"), "{err}");
}

async fn kyb_decisions_screen_the_merchant(server: &Server) {
    let (id, key) = server.pending_merchant("Bennett Home Goods", "USD").await;
    server.credit(&id, 1_000_000, "USD").await;
    let beneficiary = json!({"name": "Acme Supply Inc", "country": "US", "currency": "USD", "bank_account": {"routing_number": "021000021", "account_number": "123456789", "account_type": "checking"}});
    let b = server.post("/v1/beneficiaries", &key, &beneficiary).await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.json);
    let payout = json!({"amount": 10_000, "currency": "USD", "beneficiary": b.str("id")});
    let r = server.post("/v1/payouts", &key, &payout).await;
    r.assert_error(403, "compliance_error", "merchant_not_approved", None);
    let path = format!("/v1/merchants/{id}/kyb");
    let cases = [
        (json!({"decision": "maybe", "note": "x"}), "decision"),
        (json!({"decision": "approve", "note": ""}), "note"),
        (
            json!({"decision": "approve", "note": "ok\u{1b}[31m"}),
            "note",
        ),
        (json!({"decision": "approve"}), "note"),
    ];
    for (body, param) in cases {
        let r = server.post(&path, OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
        assert_eq!(r.json["error"]["param"], param, "{body}: {}", r.json);
    }
    let body = json!({"decision": "approve", "note": "registration and owners checked"});
    assert_eq!(
        server.post(&path, &key, &body).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .post("/v1/merchants/mer_nope/kyb", OPERATOR_KEY, &body)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = server
        .post(
            &path,
            OPERATOR_KEY,
            &json!({"decision": "request_info", "note": "send the registry extract"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["merchant"]["kyb_status"], "info_requested");
    let r = server.post(&path, OPERATOR_KEY, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["merchant"]["kyb_status"], "approved");
    assert_eq!(r.json["screening_decision"], "clear");
    assert_eq!(
        server
            .get(&format!("/v1/merchants/{id}"), OPERATOR_KEY)
            .await
            .json["kyb_status"],
        "approved"
    );
    let r = server.post("/v1/payouts", &key, &payout).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "an approved merchant pays out: {}",
        r.json
    );

    let (listed, _) = server
        .pending_merchant("BANCO NACIONAL DE CUBA", "CNY")
        .await;
    let r = server
        .post(&format!("/v1/merchants/{listed}/kyb"), OPERATOR_KEY, &body)
        .await;
    r.assert_error(403, "compliance_error", "sanctions_match", None);
    assert_eq!(
        server
            .get(&format!("/v1/merchants/{listed}"), OPERATOR_KEY)
            .await
            .json["kyb_status"],
        "pending"
    );
    let alerts = server
        .get("/v1/compliance/alerts?status=open", OPERATOR_KEY)
        .await;
    assert_eq!(
        alerts.json["data"][0]["merchant"],
        listed.as_str(),
        "{}",
        alerts.json
    );
    assert_eq!(alerts.json["data"][0]["severity"], "high");
}
