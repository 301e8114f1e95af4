//! The load generator: concurrent client tasks over one keep-alive HTTP/1.1
//! `reqwest::Client`, each sending its next request as soon as its last one
//! is answered, until a deadline or a request count.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use tokio::task::JoinSet;

use super::stats::{Summary, Tally};

/// Longest one request may take before it counts as a transport timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a run asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /health`: the HTTP stack alone; a 200 counts.
    Health,
    /// `POST /v1/payments` with a confirmed test card; a 201 `succeeded` counts.
    Payment,
}

impl Endpoint {
    /// Label for the tables.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Health => "GET /health",
            Endpoint::Payment => "POST /v1/payments",
        }
    }
}

/// How one run is driven.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// `http://host:port`.
    pub base: String,
    /// The merchant's API key.
    pub merchant_key: String,
    /// What to request.
    pub endpoint: Endpoint,
    /// Requests in flight at once (one task each).
    pub concurrency: usize,
    /// Most wall time.
    pub duration: Duration,
    /// Most requests.
    pub max_requests: u64,
    /// Prefix of the idempotency keys, unique per run.
    pub tag: String,
}

/// One client with a keep-alive connection per concurrent task.
pub fn client(concurrency: usize) -> reqwest::Result<Client> {
    Client::builder()
        .pool_max_idle_per_host(concurrency)
        .tcp_nodelay(true)
        .timeout(REQUEST_TIMEOUT)
        .build()
}

/// Runs `spec` and summarizes it; the wall time runs until the last answer.
pub async fn run(client: &Client, spec: &LoadSpec) -> anyhow::Result<Summary> {
    let spec = Arc::new(spec.clone());
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + spec.duration;
    let mut tasks = JoinSet::new();
    for _ in 0..spec.concurrency.max(1) {
        let (client, spec, next) = (client.clone(), spec.clone(), next.clone());
        tasks.spawn(async move { client_task(&client, &spec, &next, deadline).await });
    }
    let mut tally = Tally::default();
    while let Some(joined) = tasks.join_next().await {
        tally.merge(joined?);
    }
    Ok(tally.summary(started.elapsed()))
}

async fn client_task(
    client: &Client,
    spec: &LoadSpec,
    next: &AtomicU64,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= spec.max_requests || Instant::now() >= deadline {
            return tally;
        }
        let sent = Instant::now();
        match send(client, spec, i).await {
            Ok((status, body)) if counts(spec.endpoint, status, &body) => {
                tally.record_ok(sent.elapsed());
            }
            Ok((status, body)) => tally.record_error(classify(status, &body)),
            Err(e) => tally.record_error(transport(&e)),
        }
    }
}

/// Sends request `i` and reads the whole answer.
async fn send(client: &Client, spec: &LoadSpec, i: u64) -> reqwest::Result<(StatusCode, String)> {
    let request = match spec.endpoint {
        Endpoint::Health => client.get(format!("{}/health", spec.base)),
        Endpoint::Payment => client
            .post(format!("{}/v1/payments", spec.base))
            .bearer_auth(&spec.merchant_key)
            .header("Idempotency-Key", format!("{}-{i}", spec.tag))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payment_body(i)),
    };
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.text().await?))
}

/// A confirmed US card payment of 10.00 to 99.99 USD, the amount varying with `i`.
pub fn payment_body(i: u64) -> String {
    let amount = 1_000 + (i * 7919) % 9_000;
    format!(
        r#"{{"amount":{amount},"currency":"USD","country":"US","confirm":true,"payment_method":{{"type":"card","number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}}}"#
    )
}

/// Whether an answer counts: without parsing the JSON, so that the client's
/// own CPU stays small next to the server's.
fn counts(endpoint: Endpoint, status: StatusCode, body: &str) -> bool {
    match endpoint {
        Endpoint::Health => status == StatusCode::OK,
        Endpoint::Payment => {
            status == StatusCode::CREATED && body.contains(r#""status":"succeeded""#)
        }
    }
}

/// `402 card_declined`, `201 requires_action`, `500 api_error`, ...
fn classify(status: StatusCode, body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let detail = json["error"]["code"]
        .as_str()
        .or_else(|| json["error"]["type"].as_str())
        .or_else(|| json["status"].as_str())
        .unwrap_or("-");
    format!("{} {detail}", status.as_u16())
}

fn transport(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    format!("transport: {kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_with_a_varying_amount() {
        let a: serde_json::Value = serde_json::from_str(&payment_body(0)).unwrap_or_default();
        let b: serde_json::Value = serde_json::from_str(&payment_body(1)).unwrap_or_default();
        assert_eq!(a["payment_method"]["number"], "4242424242424242");
        assert_ne!(a["amount"], b["amount"]);
        assert!((1_000..10_000).contains(&a["amount"].as_i64().unwrap_or(0)));
    }

    #[test]
    fn classifies_answers() {
        let declined = r#"{"error":{"type":"payment_error","code":"card_declined"}}"#;
        assert_eq!(
            classify(StatusCode::PAYMENT_REQUIRED, declined),
            "402 card_declined"
        );
        let pending = r#"{"id":"pay_1","status":"requires_action"}"#;
        assert!(!counts(Endpoint::Payment, StatusCode::CREATED, pending));
        assert_eq!(
            classify(StatusCode::CREATED, pending),
            "201 requires_action"
        );
        assert!(counts(
            Endpoint::Payment,
            StatusCode::CREATED,
            r#"{"status":"succeeded"}"#
        ));
    }
}
