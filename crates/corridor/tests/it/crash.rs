//! Crash safety: SIGKILL in the middle of a stream of acknowledged transfers.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{free_port, wait_healthy, PgDatabase, OPERATOR_KEY};

pub(crate) fn spawn(
    dir: &Path,
    port: u16,
    database_url: Option<&str>,
    operator_key: Option<&str>,
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir);
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    // A production server: payouts leave from the account the operator names.
    cmd.env_remove("CORRIDOR_OPERATOR_KEY")
        .env_remove("CORRIDOR_DATABASE_URL")
        .env(
            "CORRIDOR_PAYOUT_ACCOUNT",
            "Corridor Payments Ltd;DE;DE89370400440532013000;COBADEFFXXX",
        );
    if let Some(key) = operator_key {
        cmd.env("CORRIDOR_OPERATOR_KEY", key);
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server binary starts")
}

async fn all_history(http: &reqwest::Client, base: &str, merchant: &str) -> HashMap<String, i64> {
    let mut out = HashMap::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/balance_transactions?merchant={merchant}&limit=100");
        if let Some(a) = &after {
            url.push_str(&format!("&starting_after={a}"));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(OPERATOR_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rows = page["data"].as_array().expect("data");
        for r in rows {
            out.insert(
                r["id"].as_str().unwrap().to_string(),
                r["amount"].as_i64().unwrap(),
            );
        }
        if page["has_more"] != Value::Bool(true) {
            return out;
        }
        after = rows
            .last()
            .and_then(|r| r["id"].as_str())
            .map(str::to_string);
    }
}

async fn crash_mid_stream(database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = spawn(dir.path(), port, database_url, Some(OPERATOR_KEY));
    wait_healthy(&http, &base).await;
    let m: Value = http
        .post(format!("{base}/v1/merchants"))
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({"legal_name": "Crash Co", "country": "CN", "home_currency": "CNY"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let merchant = m["id"].as_str().unwrap().to_string();
    let acked: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let mut workers = Vec::new();
    for w in 0..8i64 {
        let (http, base, merchant, acked) =
            (http.clone(), base.clone(), merchant.clone(), acked.clone());
        workers.push(tokio::spawn(async move {
            for i in 0..100_000i64 {
                let amount = w * 1_000_000 + i + 1;
                let body = json!({"amount": amount, "currency": "USD", "direction": "credit", "reason": "stream"});
                let Ok(resp) = http.post(format!("{base}/v1/merchants/{merchant}/adjustments")).bearer_auth(OPERATOR_KEY).json(&body).send().await else { return };
                if resp.status().as_u16() != 201 {
                    return;
                }
                let Ok(v) = resp.json::<Value>().await else { return };
                acked.lock().unwrap().push((v["id"].as_str().unwrap().to_string(), amount));
            }
        }));
    }
    while acked.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let mut child = spawn(dir.path(), port, database_url, Some(OPERATOR_KEY));
    wait_healthy(&http, &base).await;
    let history = all_history(&http, &base, &merchant).await;
    for (id, amount) in &acked {
        assert_eq!(
            history.get(id),
            Some(amount),
            "acknowledged {id} lost after SIGKILL"
        );
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
    let total: i64 = history.values().sum();
    assert_eq!(
        balances["balances"][0]["available"].as_i64(),
        Some(total),
        "balance equals the sum of what is in the history"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_transfer_sqlite() {
    crash_mid_stream(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_transfer_postgres() {
    let db = PgDatabase::create().await;
    crash_mid_stream(Some(&db.url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_generates_a_private_operator_key() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut child = spawn(dir.path(), port, None, None);
    wait_healthy(&http, &base).await;
    let path = dir.path().join("operator.key");
    let key = std::fs::read_to_string(&path)
        .expect("operator.key written")
        .trim()
        .to_string();
    assert!(key.starts_with("ok_"));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let r = http
        .get(format!("{base}/v1/merchants"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
    // A restart keeps the same key working and does not replace it.
    let mut child = spawn(dir.path(), port, None, None);
    wait_healthy(&http, &base).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), key);
    let r = http
        .get(format!("{base}/v1/merchants"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
