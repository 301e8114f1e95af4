//! A charge whose answer is lost when the server dies: the `/payments`
//! request was saved (sealed) before it was sent, so the restarted server's
//! recovery replays it under the same `Idempotency-Key`, and the stand-in
//! for Adyen (which, like Adyen, answers a repeated key with the first
//! result) charges once.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedSender;

use crate::support::{each_backend, free_port, wait_healthy, Backend, PgDatabase, OPERATOR_KEY};

const CARD: &str = "4111111111111111";

/// What the stand-in saw: every request, and the charges by key.
#[derive(Default)]
struct Adyen {
    requests: Vec<(Option<String>, Value)>,
    charges: HashMap<String, Value>,
}

#[derive(Clone)]
struct Standin {
    adyen: Arc<Mutex<Adyen>>,
    first: UnboundedSender<()>,
}

async fn payments(
    State(s): State<Standin>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (answer, first) = {
        let mut adyen = s.adyen.lock().unwrap();
        adyen.requests.push((key.clone(), body.clone()));
        let first = adyen.requests.len() == 1;
        let n = adyen.charges.len() + 1;
        let answer = adyen
            .charges
            .entry(key.unwrap_or_default())
            .or_insert_with(|| {
                json!({"resultCode": "Authorised", "pspReference": format!("PSPRESTART{n:06}"),
                    "merchantReference": body["reference"], "amount": body["amount"]})
            })
            .clone();
        (answer, first)
    };
    if first {
        // The charge is made; its answer never reaches the server, which
        // dies meanwhile.
        let _ = s.first.send(());
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    Json(answer)
}

fn serve(dir: &Path, port: u16, database_url: Option<&str>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
    cmd.env_remove("CORRIDOR_OPERATOR_KEY")
        .env_remove("CORRIDOR_DATABASE_URL")
        .env_remove("CORRIDOR_DATA_DIR")
        .env_remove("CORRIDOR_SECRET_KEY")
        .env("RUST_LOG", "warn")
        .env("CORRIDOR_OPERATOR_KEY", OPERATOR_KEY)
        .args([
            "serve",
            "--sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir);
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

/// The sealed requests the database holds.
async fn saved_requests(dir: &Path, database_url: Option<&str>) -> Vec<String> {
    let sql = "SELECT sealed_request FROM provider_replays";
    match database_url {
        None => {
            let conn = rusqlite::Connection::open(dir.join("corridor.db")).unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(Result::unwrap).collect()
        }
        Some(url) => {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            let rows = client.query(sql, &[]).await.unwrap();
            rows.iter().map(|r| r.get::<_, String>(0)).collect()
        }
    }
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let request = match body {
        Some(b) => http.post(format!("{base}{path}")).json(&b),
        None => http.get(format!("{base}{path}")),
    };
    let resp = request.bearer_auth(key).send().await.expect("answer");
    resp.json().await.expect("json")
}

each_backend!(a_charge_lost_in_a_crash_is_replayed_after_restart_and_charged_once);

async fn a_charge_lost_in_a_crash_is_replayed_after_restart_and_charged_once(backend: Backend) {
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDatabase::create().await),
    };
    let database_url = pg.as_ref().map(|d| d.url.as_str());
    let dir = tempfile::tempdir().unwrap();
    let (first_tx, mut first_rx) = tokio::sync::mpsc::unbounded_channel();
    let standin = Standin {
        adyen: Arc::default(),
        first: first_tx,
    };
    let app = Router::new()
        .route("/v71/payments", post(payments))
        .with_state(standin.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let adyen_url = format!("http://{}/v71", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(dir.path(), port, database_url);
    wait_healthy(&http, &base).await;
    let connector = call(
        &http,
        &base,
        OPERATOR_KEY,
        "/v1/connectors",
        Some(json!({
            "type": "adyen", "name": "adyen_restart", "base_url": adyen_url,
            "merchant_account": "CorridorECOM", "return_url": "https://shop.example/return",
            "raw_card_data": true, "credentials": {"api_key": "AQE_restart_key", "hmac_key": super::api::HMAC_KEY}
        })),
    )
    .await;
    assert!(connector["id"].is_string(), "{connector}");
    let merchant = call(
        &http,
        &base,
        OPERATOR_KEY,
        "/v1/merchants",
        Some(json!({"legal_name": "Restart Seller", "country": "NL", "home_currency": "EUR"})),
    )
    .await;
    let (merchant_id, key) = (
        merchant["id"].as_str().unwrap().to_string(),
        merchant["api_key"].as_str().unwrap().to_string(),
    );
    let kyb = call(
        &http,
        &base,
        OPERATOR_KEY,
        &format!("/v1/merchants/{merchant_id}/kyb"),
        Some(json!({"decision": "approve", "note": "documents checked"})),
    )
    .await;
    assert!(kyb.get("error").is_none(), "{kyb}");
    let rules = json!({"rules": [{"name": "adyen cards", "when": {"method_types": ["card"]}, "connectors": ["adyen_restart"]}]});
    let put = http
        .put(format!("{base}/v1/routing_rules"))
        .bearer_auth(OPERATOR_KEY)
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{:?}", put.text().await);

    // The charge reaches Adyen; the server dies before its answer.
    let payment = json!({"amount": 12_500, "currency": "EUR", "country": "NL", "confirm": true,
        "payment_method": {"type": "card", "number": CARD, "exp_month": 12, "exp_year": 2030, "cvc": "737"}});
    let in_flight = {
        let (http, base, key) = (http.clone(), base.clone(), key.clone());
        tokio::spawn(async move {
            http.post(format!("{base}/v1/payments"))
                .bearer_auth(key)
                .header("Idempotency-Key", "order-restart-1")
                .json(&payment)
                .send()
                .await
        })
    };
    tokio::time::timeout(Duration::from_secs(60), first_rx.recv())
        .await
        .expect("the charge reaches Adyen")
        .unwrap();
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    assert!(
        in_flight.await.unwrap().is_err(),
        "no answer from a dead server"
    );

    // The request was saved before it was sent, sealed: no card number at rest.
    let saved = saved_requests(dir.path(), database_url).await;
    assert_eq!(saved.len(), 1, "one request saved for replay");
    assert!(
        saved[0].starts_with("v1:") && !saved[0].contains(CARD),
        "sealed"
    );
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(
            !bytes.windows(CARD.len()).any(|w| w == CARD.as_bytes()),
            "{:?} holds the card number",
            entry.path()
        );
    }

    // Restarted: recovery replays the request under the same key.
    let mut server = serve(dir.path(), port, database_url);
    wait_healthy(&http, &base).await;
    let listed = call(&http, &base, &key, "/v1/payments", None).await;
    let id = listed["data"][0]["id"]
        .as_str()
        .expect("the payment")
        .to_string();
    let mut done = Value::Null;
    for _ in 0..240 {
        done = call(&http, &base, &key, &format!("/v1/payments/{id}"), None).await;
        if done["status"] == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["amount_captured"], 12_500, "{done}");
    {
        let adyen = standin.adyen.lock().unwrap();
        assert_eq!(adyen.charges.len(), 1, "charged once");
        assert_eq!(adyen.requests.len(), 2, "the charge, then its replay");
        assert!(adyen.requests[0].0.is_some(), "an Idempotency-Key");
        assert_eq!(
            adyen.requests[0], adyen.requests[1],
            "the same request under the same key"
        );
    }

    // The attempt is closed: its saved request is gone.
    assert!(saved_requests(dir.path(), database_url).await.is_empty());
    let fee = done["fee"].as_i64().unwrap();
    let balances = call(
        &http,
        &base,
        OPERATOR_KEY,
        &format!("/v1/balances?merchant={merchant_id}"),
        None,
    )
    .await;
    let eur: Vec<&Value> = balances["balances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["currency"] == "EUR")
        .collect();
    assert_eq!(eur.len(), 1, "{balances}");
    assert_eq!(
        eur[0]["pending"].as_i64().unwrap() + eur[0]["available"].as_i64().unwrap(),
        12_500 - fee,
        "credited once"
    );
    let verify = call(&http, &base, OPERATOR_KEY, "/v1/ledger/verify", None).await;
    assert_eq!(verify["balanced"], true, "{verify}");
    server.kill().unwrap();
    server.wait().unwrap();
}
