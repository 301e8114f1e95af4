//! Payout batches survive a SIGKILL between batch creation and file
//! generation: after a restart no payout is in two files and none is lost.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{json, Value};

use crate::crash::spawn;
use crate::payouts::assert_valid;
use crate::support::{free_port, wait_healthy, PgDatabase, OPERATOR_KEY};

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn post(&self, path: &str, key: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .expect("request");
        (r.status().as_u16(), r.json().await.expect("json"))
    }

    async fn text(&self, path: &str) -> String {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(OPERATOR_KEY)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.expect("body")
    }
}

fn end_to_end_ids(xml: &str) -> Vec<String> {
    xml.split("<EndToEndId>")
        .skip(1)
        .filter_map(|s| s.split("</EndToEndId>").next())
        .map(str::to_string)
        .collect()
}

async fn payouts(c: &Client, key: &str, beneficiary: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let (status, p) = c
            .post(
                "/v1/payouts",
                key,
                json!({"amount": 10_000 + i64::try_from(i).unwrap(), "currency": "USD", "beneficiary": beneficiary}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
        ids.push(p["id"].as_str().unwrap().to_string());
    }
    ids
}

async fn crash_between_batch_and_file(dir: &Path, database_url: Option<&str>) {
    let http = reqwest::Client::new();
    let port = free_port();
    let c = Client {
        http: http.clone(),
        base: format!("http://127.0.0.1:{port}"),
    };
    let mut child = spawn(dir, port, database_url, Some(OPERATOR_KEY));
    wait_healthy(&http, &c.base).await;
    let (_, m) = c
        .post(
            "/v1/merchants",
            OPERATOR_KEY,
            json!({"legal_name": "Seller", "country": "CN", "home_currency": "USD",
                "registration_number": crate::support::CN_REGISTRATION_NUMBER,
                "beneficial_owners": [{"name": "Wang Fang", "ownership_percent": 100}],
                "marketplace_store_ids": ["amazon:A1SELLER"]}),
        )
        .await;
    let (merchant, key) = (
        m["id"].as_str().unwrap().to_string(),
        m["api_key"].as_str().unwrap().to_string(),
    );
    let (status, _) = c
        .post(
            &format!("/v1/merchants/{merchant}/kyb"),
            OPERATOR_KEY,
            json!({"decision": "approve", "note": "documents checked"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = c
        .post(
            &format!("/v1/merchants/{merchant}/adjustments"),
            OPERATOR_KEY,
            json!({"amount": 10_000_000, "currency": "USD", "direction": "credit", "reason": "funding"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, b) = c
        .post(
            "/v1/beneficiaries",
            &key,
            json!({"name": "Acme Supply Inc", "country": "US", "currency": "USD", "bank_account": {"routing_number": "021000021", "account_number": "123456789", "account_type": "checking"}}),
        )
        .await;
    assert_eq!(status, 201, "{b}");
    let beneficiary = b["id"].as_str().unwrap().to_string();
    let first = payouts(&c, &key, &beneficiary, 5).await;
    let (status, batch) = c.post("/v1/payout_batches", OPERATOR_KEY, json!({})).await;
    assert_eq!(status, 201, "{batch}");
    let batch1 = batch["id"].as_str().unwrap().to_string();
    // Killed after the batch is durable, before any file was made.
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let mut child = spawn(dir, port, database_url, Some(OPERATOR_KEY));
    wait_healthy(&http, &c.base).await;
    // A retried batch run finds nothing new: the five are taken.
    let (status, again) = c.post("/v1/payout_batches", OPERATOR_KEY, json!({})).await;
    assert_eq!(status, 409, "{again}");
    let second = payouts(&c, &key, &beneficiary, 2).await;
    let (status, batch) = c.post("/v1/payout_batches", OPERATOR_KEY, json!({})).await;
    assert_eq!(status, 201, "{batch}");
    let batch2 = batch["id"].as_str().unwrap().to_string();
    let file1 = c
        .text(&format!("/v1/payout_batches/{batch1}/pain001"))
        .await;
    assert_valid(&file1, "pain.001.001.09.xsd");
    // Killed again after the file was made; the file is the same afterwards.
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let mut child = spawn(dir, port, database_url, Some(OPERATOR_KEY));
    wait_healthy(&http, &c.base).await;
    assert_eq!(
        file1,
        c.text(&format!("/v1/payout_batches/{batch1}/pain001"))
            .await
    );
    let file2 = c
        .text(&format!("/v1/payout_batches/{batch2}/pain001"))
        .await;
    assert_valid(&file2, "pain.001.001.09.xsd");
    let in1 = end_to_end_ids(&file1);
    let in2 = end_to_end_ids(&file2);
    assert_eq!(
        in1, first,
        "the first file holds exactly the first five, once each"
    );
    assert_eq!(in2, second);
    let all: HashSet<&String> = in1.iter().chain(in2.iter()).collect();
    assert_eq!(all.len(), 7, "no payout is in two files");
    let (status, _) = c.post("/v1/payout_batches", OPERATOR_KEY, json!({})).await;
    assert_eq!(status, 409);
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_between_batch_and_file_pays_nothing_twice_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_between_batch_and_file(dir.path(), None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_between_batch_and_file_pays_nothing_twice_postgres() {
    let db = PgDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    crash_between_batch_and_file(dir.path(), Some(&db.url)).await;
}
