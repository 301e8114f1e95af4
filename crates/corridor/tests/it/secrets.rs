//! Card numbers are never stored or logged in clear.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{free_port, wait_healthy, OPERATOR_KEY};

const NUMBERS: [&str; 2] = ["4242424242424242", "4000000000003220"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_numbers_never_reach_the_database_or_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args([
            "serve",
            "--sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .env("CORRIDOR_OPERATOR_KEY", OPERATOR_KEY)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&http, &base).await;
    let merchant: Value = http
        .post(format!("{base}/v1/merchants"))
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({"legal_name": "Leak Check", "country": "CN", "home_currency": "CNY"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = merchant["api_key"].as_str().unwrap().to_string();
    for (i, number) in NUMBERS.iter().enumerate() {
        let body = json!({"amount": 1_000, "currency": "EUR", "country": "DE", "confirm": true,
            "payment_method": {"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}});
        let r = http
            .post(format!("{base}/v1/payments"))
            .bearer_auth(&key)
            .header("Idempotency-Key", format!("leak-{i}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let mut scanned = 0;
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        scanned += bytes.len();
        for number in NUMBERS {
            assert!(
                !contains(&bytes, number.as_bytes()),
                "{number} found in {}",
                entry.display()
            );
        }
    }
    assert!(
        scanned > 10_000,
        "the database and log were scanned ({scanned} bytes)"
    );
    assert!(
        std::fs::metadata(&log_path).unwrap().len() > 0,
        "the server logged something"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
