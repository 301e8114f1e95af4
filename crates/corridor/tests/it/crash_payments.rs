//! Crash safety of payments: the server is SIGKILLed at random moments
//! under 200 create-and-confirm requests in flight, with the simulated
//! providers in their own `corridor sandbox` process (so their charges
//! survive the crash). After each restart every request is retried with its
//! key. No payment may be charged twice, and every provider charge must
//! match its payment. Also: one writer per database.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::support::{free_port, wait_healthy, PgDatabase, OPERATOR_KEY};

/// Kill points per backend.
const ROUNDS: usize = 20;
/// Requests in flight when the server dies.
const IN_FLIGHT: usize = 200;

fn corridor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
    cmd.env_remove("CORRIDOR_OPERATOR_KEY")
        .env_remove("CORRIDOR_DATABASE_URL")
        .env_remove("CORRIDOR_DATA_DIR")
        .env("RUST_LOG", "warn");
    cmd
}

fn spawn_sandbox(port: u16) -> Child {
    corridor()
        .args([
            "sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--seed",
            "11",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts")
}

fn serve_command(dir: &Path, port: u16, database_url: Option<&str>, providers: &str) -> Command {
    let mut cmd = corridor();
    cmd.args([
        "serve",
        "--sandbox",
        "--providers-url",
        providers,
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir)
    .env("CORRIDOR_OPERATOR_KEY", OPERATOR_KEY);
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    cmd
}

fn spawn_server(dir: &Path, port: u16, database_url: Option<&str>, providers: &str) -> Child {
    serve_command(dir, port, database_url, providers)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts")
}

async fn wait_sandbox(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{base}/psp")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sandbox at {base} never answered");
}

/// The request body of payment `n`: mostly approved cards, some declines.
fn body(n: usize) -> Value {
    let number = if n % 7 == 3 {
        "4000000000000002"
    } else {
        "4242424242424242"
    };
    json!({"amount": 1_000 + n, "currency": "USD", "country": "US", "confirm": true,
        "payment_method": {"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
}

/// Sends payment `n` with its key; `None` if the server did not answer.
async fn send(
    http: &reqwest::Client,
    base: &str,
    merchant_key: &str,
    n: usize,
) -> Option<(u16, Value)> {
    let resp = http
        .post(format!("{base}/v1/payments"))
        .bearer_auth(merchant_key)
        .header("Idempotency-Key", format!("order-{n}"))
        .json(&body(n))
        .send()
        .await
        .ok()?;
    let status = resp.status().as_u16();
    let json = resp.json::<Value>().await.ok()?;
    Some((status, json))
}

/// The payment id of a final answer (201 with the payment, 402 decline).
fn settled_id(status: u16, json: &Value) -> Option<String> {
    match status {
        201 if json["status"] != "processing" => json["id"].as_str().map(str::to_string),
        402 => json["error"]["payment"].as_str().map(str::to_string),
        _ => None,
    }
}

async fn crash_under_payments(database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let sandbox_port = free_port();
    let providers = format!("http://127.0.0.1:{sandbox_port}");
    let mut sandbox = spawn_sandbox(sandbox_port);
    wait_sandbox(&http, &providers).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = spawn_server(dir.path(), port, database_url, &providers);
    wait_healthy(&http, &base).await;
    let m: Value = http
        .post(format!("{base}/v1/merchants"))
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({"legal_name": "Crash Pay", "country": "US", "home_currency": "USD"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let merchant = m["id"].as_str().unwrap().to_string();
    let merchant_key = m["api_key"].as_str().unwrap().to_string();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_201);
    let mut ids: HashMap<usize, String> = HashMap::new();
    for round in 0..ROUNDS {
        let first = round * IN_FLIGHT;
        let mut tasks = Vec::new();
        for n in first..first + IN_FLIGHT {
            let (http, base, key) = (http.clone(), base.clone(), merchant_key.clone());
            tasks.push(tokio::spawn(
                async move { send(&http, &base, &key, n).await },
            ));
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(5..400))).await;
        server.kill().expect("SIGKILL");
        server.wait().unwrap();
        for t in tasks {
            let _ = t.await.unwrap();
        }
        server = spawn_server(dir.path(), port, database_url, &providers);
        wait_healthy(&http, &base).await;
        // Every request of the round, retried with its key until it has a final answer.
        let mut retries = Vec::new();
        for n in first..first + IN_FLIGHT {
            let (http, base, key) = (http.clone(), base.clone(), merchant_key.clone());
            retries.push(tokio::spawn(async move {
                for _ in 0..200 {
                    if let Some((status, json)) = send(&http, &base, &key, n).await {
                        if let Some(id) = settled_id(status, &json) {
                            return (n, id);
                        }
                        assert!(
                            status == 201 || status == 409 || status >= 500,
                            "payment {n}: unexpected {status} {json}"
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                panic!("payment {n} never settled");
            }));
        }
        for r in retries {
            let (n, id) = r.await.unwrap();
            ids.insert(n, id);
        }
    }
    let mut pending_expected = 0i64;
    for (n, id) in &ids {
        let p: Value = http
            .get(format!("{base}/v1/payments/{id}"))
            .bearer_auth(&merchant_key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let charges: Value = http
            .get(format!(
                "{base}/v1/test_helpers/payments/{id}/provider_charges"
            ))
            .bearer_auth(OPERATOR_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let charges = charges["data"].as_array().expect("charges").clone();
        let captured: Vec<&Value> = charges
            .iter()
            .filter(|c| c["status"] == "captured")
            .collect();
        assert!(
            captured.len() <= 1,
            "payment {n} ({id}) charged twice: {charges:?}"
        );
        match p["status"].as_str().unwrap() {
            "succeeded" => {
                assert_eq!(
                    captured.len(),
                    1,
                    "{id}: succeeded without a capture: {charges:?}"
                );
                assert_eq!(captured[0]["connector"], p["connector"], "{id}");
                assert_eq!(captured[0]["amount"], p["amount"], "{id}");
                assert_eq!(p["amount"], 1_000 + *n as i64);
                pending_expected += p["amount"].as_i64().unwrap() - p["fee"].as_i64().unwrap();
            }
            "failed" => {
                assert!(
                    charges
                        .iter()
                        .all(|c| c["status"] == "declined" || c["status"] == "canceled"),
                    "{id}: failed but the provider holds {charges:?}"
                );
            }
            other => panic!("{id}: ended {other} after retries: {p}"),
        }
        for c in &charges {
            assert_eq!(c["amount"], p["amount"], "{id}: {c}");
        }
    }
    let verify: Value = http
        .get(format!("{base}/v1/ledger/verify"))
        .bearer_auth(OPERATOR_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verify["balanced"], Value::Bool(true), "{verify}");
    let balances: Value = http
        .get(format!("{base}/v1/balances?merchant={merchant}"))
        .bearer_auth(OPERATOR_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pending: i64 = balances["balances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["currency"] == "USD")
        .map(|b| b["pending"].as_i64().unwrap() + b["available"].as_i64().unwrap())
        .sum();
    assert_eq!(
        pending, pending_expected,
        "the merchant holds the net of every capture, once"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_payments_never_charges_twice_sqlite() {
    crash_under_payments(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_payments_never_charges_twice_postgres() {
    let db = PgDatabase::create().await;
    crash_under_payments(Some(&db.url)).await;
}

async fn second_server_refuses(database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let sandbox_port = free_port();
    let providers = format!("http://127.0.0.1:{sandbox_port}");
    let mut sandbox = spawn_sandbox(sandbox_port);
    wait_sandbox(&http, &providers).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = spawn_server(dir.path(), port, database_url, &providers);
    wait_healthy(&http, &base).await;
    let second = serve_command(dir.path(), free_port(), database_url, &providers)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || second.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(!out.status.success(), "the second server must not run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("another corridor process is writing"),
        "a clear message: {stderr}"
    );
    // The first one is unaffected.
    let r = http
        .get(format!("{base}/v1/merchants"))
        .bearer_auth(OPERATOR_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    first.kill().unwrap();
    first.wait().unwrap();
    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_data_directory_refuses_to_start() {
    second_server_refuses(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_postgres_database_refuses_to_start() {
    let db = PgDatabase::create().await;
    second_server_refuses(Some(&db.url)).await;
}
