//! What runs where: simulated providers and test helpers only in the
//! sandbox, the sandbox clock in the operator's hands, webhook targets
//! checked, and CLI read commands that refuse a place with no data.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, each_backend, Backend, PgDatabase, Server, OPERATOR_KEY};

both_backends!(the_sandbox_clock_is_the_operators);
each_backend!(
    outside_the_sandbox_payouts_leave_only_from_the_operators_account,
    outside_the_sandbox_no_simulated_provider_takes_money,
    webhook_targets_inside_private_networks_are_refused,
    webhooks_need_https_outside_the_sandbox,
    read_commands_refuse_a_place_without_corridor_data,
    read_commands_accept_a_real_data_location,
    serve_says_its_mode_data_and_operator_key_at_start,
);

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

/// Outside the sandbox no batch is made until the operator names the
/// account payouts leave from; with one, the pain.001 names it.
async fn outside_the_sandbox_payouts_leave_only_from_the_operators_account(backend: Backend) {
    let account = "Corridor Payments BV;NL;NL91ABNA0417164300;ABNANL2A";
    for configured in [false, true] {
        let s = Server::start_with(backend, |c| {
            c.sandbox = false;
            if configured {
                c.policy.payout_account =
                    Some(corridor_api::policy::parse_payout_account(account).unwrap());
            }
        })
        .await;
        let (m, key) = s.merchant("Seller", "EUR").await;
        s.credit(&m, 500_000, "EUR").await;
        let ben = s
            .post(
                "/v1/beneficiaries",
                &key,
                &json!({"name": "Berlin Outdoor GmbH", "country": "DE", "currency": "EUR",
                    "bank_account": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}}),
            )
            .await;
        assert_eq!(ben.status, StatusCode::CREATED, "{}", ben.json);
        let payout = s
            .post(
                "/v1/payouts",
                &key,
                &json!({"amount": 10_000, "currency": "EUR", "beneficiary": ben.str("id")}),
            )
            .await;
        assert_eq!(payout.status, StatusCode::CREATED, "{}", payout.json);
        let batch = s.post("/v1/payout_batches", OPERATOR_KEY, &json!({})).await;
        if !configured {
            batch.assert_error(409, "conflict", "payout_account_missing", None);
            let list = s.get("/v1/payouts", &key).await;
            assert_eq!(list.json["data"][0]["status"], "pending", "{}", list.json);
            continue;
        }
        assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.json);
        let file = s
            .http
            .get(format!(
                "{}/v1/payout_batches/{}/pain001",
                s.base,
                batch.str("id")
            ))
            .bearer_auth(OPERATOR_KEY)
            .send()
            .await
            .expect("sent");
        assert_eq!(file.status(), StatusCode::OK);
        let xml = file.text().await.expect("text");
        assert!(xml.contains("NL91ABNA0417164300"), "{xml}");
        assert!(xml.contains("ABNANL2A"), "{xml}");
    }
}

async fn outside_the_sandbox_no_simulated_provider_takes_money(backend: Backend) {
    let s = Server::start_with(backend, |c| c.sandbox = false).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    for confirm in [true, false] {
        let r = s
            .post(
                "/v1/payments",
                &key,
                &json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": confirm}),
            )
            .await;
        r.assert_error(
            400,
            "invalid_request_error",
            "no_connector_available",
            Some("payment_method.type"),
        );
    }
    let listed = s.get("/v1/payments", &key).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    assert_eq!(listed.json["data"], json!([]));
    assert_eq!(s.balances(&m).await, vec![]);
    let helper = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": 60}),
        )
        .await;
    assert_eq!(helper.status, StatusCode::NOT_FOUND, "{}", helper.json);
    let doc = s.call(Method::GET, "/openapi.json", None, None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
}

async fn the_sandbox_clock_is_the_operators(s: &Server) {
    let (_, key) = s.merchant("Seller", "CNY").await;
    let advance = |seconds: i64| json!({ "seconds": seconds });
    s.post("/v1/test_helpers/clock/advance", &key, &advance(60))
        .await
        .assert_error(403, "permission_error", "forbidden", None);
    s.post("/v1/test_helpers/clock/reset", &key, &json!({}))
        .await
        .assert_error(403, "permission_error", "forbidden", None);
    let moved = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &advance(86_400),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
    assert_eq!(moved.json["offset_seconds"], 86_400);
    // Never further than ten years ahead, however many advances.
    let ten_years = 10 * 366 * 24 * 3600;
    s.post(
        "/v1/test_helpers/clock/advance",
        OPERATOR_KEY,
        &advance(ten_years),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "clock_offset_too_large",
        Some("seconds"),
    );
    let reset = s
        .post("/v1/test_helpers/clock/reset", OPERATOR_KEY, &json!({}))
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.json);
    assert_eq!(reset.json["offset_seconds"], 0);
    // Cards valid today still work after the reset.
    let r = s
        .post(
            "/v1/payments",
            &key,
            &json!({"amount": 1_000, "currency": "USD", "country": "US", "payment_method": card("4242424242424242"), "confirm": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

async fn webhook_targets_inside_private_networks_are_refused(backend: Backend) {
    let s = Server::start_with(backend, |c| c.policy.allow_private_webhooks = false).await;
    let (_, key) = s.merchant("Seller", "CNY").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://172.20.1.1/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fd12::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ] {
        s.post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": url, "events": ["*"]}),
        )
        .await
        .assert_error(400, "invalid_request_error", "url_not_allowed", Some("url"));
    }
    let listed = s.get("/v1/webhook_endpoints", &key).await;
    assert_eq!(listed.json["data"], json!([]), "nothing was created");
    let public = s
        .post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": "http://93.184.215.14/hook", "events": ["*"]}),
        )
        .await;
    assert_eq!(public.status, StatusCode::CREATED, "{}", public.json);
    // The operator may allow private targets.
    let open = Server::start_with(backend, |c| c.policy.allow_private_webhooks = true).await;
    let (_, key) = open.merchant("Seller", "CNY").await;
    let r = open
        .post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": "http://127.0.0.1:8080/hook", "events": ["*"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

async fn webhooks_need_https_outside_the_sandbox(backend: Backend) {
    let s = Server::start_with(backend, |c| {
        c.sandbox = false;
        c.policy.allow_private_webhooks = false;
    })
    .await;
    let (_, key) = s.merchant("Seller", "CNY").await;
    s.post(
        "/v1/webhook_endpoints",
        &key,
        &json!({"url": "http://93.184.215.14/hook", "events": ["*"]}),
    )
    .await
    .assert_error(400, "invalid_request_error", "url_not_allowed", Some("url"));
    let r = s
        .post(
            "/v1/webhook_endpoints",
            &key,
            &json!({"url": "https://93.184.215.14/hook", "events": ["*"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

fn corridor(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .env_remove("CORRIDOR_DATABASE_URL")
        .env_remove("CORRIDOR_DATA_DIR")
        .output()
        .expect("corridor runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn read_commands_refuse_a_place_without_corridor_data(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Sqlite => {
            let typo = dir.path().join("corridor-dta");
            let (ok, out) = corridor(&["ledger", "verify", "--data-dir", typo.to_str().unwrap()]);
            assert!(!ok, "{out}");
            assert!(out.contains("no Corridor data"), "{out}");
            assert!(!typo.exists(), "nothing was created at the mistyped path");
            // An existing directory without a database is refused too.
            let (ok, out) = corridor(&[
                "ledger",
                "verify",
                "--data-dir",
                dir.path().to_str().unwrap(),
            ]);
            assert!(!ok, "{out}");
            assert!(!dir.path().join("corridor.db").exists());
        }
        Backend::Postgres => {
            let empty = PgDatabase::create().await;
            let url = empty.url.clone();
            let (ok, out) = tokio::task::spawn_blocking(move || {
                corridor(&["ledger", "verify", "--database-url", &url])
            })
            .await
            .unwrap();
            assert!(!ok, "{out}");
            assert!(out.contains("no Corridor data"), "{out}");
        }
    }
}

/// Opens (and so creates) a Corridor database, then closes it.
async fn create_store(config: corridor_store::StoreConfig) {
    let clock = std::sync::Arc::new(corridor_store::SystemClock);
    let store = corridor_store::Store::open(&config, clock, Default::default())
        .await
        .expect("store opens");
    drop(store);
}

async fn read_commands_accept_a_real_data_location(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (args, _pg): (Vec<String>, _) = match backend {
        Backend::Sqlite => {
            create_store(corridor_store::StoreConfig::Sqlite(
                dir.path().join("corridor.db"),
            ))
            .await;
            (
                vec!["--data-dir".into(), dir.path().to_str().unwrap().into()],
                None,
            )
        }
        Backend::Postgres => {
            let db = PgDatabase::create().await;
            create_store(corridor_store::StoreConfig::Postgres(db.url.clone())).await;
            (vec!["--database-url".into(), db.url.clone()], Some(db))
        }
    };
    let (ok, out) = tokio::task::spawn_blocking(move || {
        let mut all = vec!["ledger", "verify"];
        all.extend(args.iter().map(String::as_str));
        corridor(&all)
    })
    .await
    .unwrap();
    assert!(ok, "{out}");
    assert!(out.contains("ledger balanced"), "{out}");
}

async fn serve_says_its_mode_data_and_operator_key_at_start(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let pg = match backend {
        Backend::Postgres => Some(PgDatabase::create().await),
        Backend::Sqlite => None,
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_corridor"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("CORRIDOR_OPERATOR_KEY")
        .env_remove("CORRIDOR_DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(db) = &pg {
        command.args(["--database-url", &db.url]);
    }
    let mut child = command.spawn().expect("serve starts");
    let stderr = child.stderr.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("corridor starting"))
    })
    .await
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("a start-up line");
    assert!(
        line.contains("production: real payment connectors only"),
        "{line}"
    );
    assert!(line.contains("operator.key"), "{line}");
    match backend {
        Backend::Sqlite => assert!(line.contains("corridor.db"), "{line}"),
        Backend::Postgres => assert!(line.contains("PostgreSQL at postgres://"), "{line}"),
    }
}
