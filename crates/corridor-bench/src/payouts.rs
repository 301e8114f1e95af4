//! `corridor bench payouts`: payouts per second created over HTTP (auth,
//! `Idempotency-Key`, validation, pricing, limits, the hold through the
//! group-commit writer), then one batch of all of them as a pain.001.001.09
//! file, validated with `xmllint` against the official schema, and the
//! simulated bank's pain.002 and camt.054 for it applied back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::latency::percentile_ms;

/// `corridor bench payouts` options.
#[derive(Debug, Clone, clap::Args)]
pub struct PayoutsBenchArgs {
    /// Payouts to create (all go into one batch and one file).
    #[arg(long, default_value_t = 100_000)]
    pub payouts: usize,
    /// Merchants paying out (payouts of one merchant are serialised by its daily limit).
    #[arg(long, default_value_t = 64)]
    pub merchants: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// The pain.001.001.09 schema to validate the file against.
    #[arg(long, default_value = "../shared/data/iso20022/pain.001.001.09.xsd")]
    pub schema: std::path::PathBuf,
    /// Run on PostgreSQL at this URL (a database the bench may fill) instead of a fresh SQLite file.
    #[arg(long)]
    pub database_url: Option<String>,
}

struct Http {
    http: reqwest::Client,
    base: String,
}

impl Http {
    async fn post(
        &self,
        path: &str,
        key: &str,
        body: &Value,
        idem: Option<&str>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(body);
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        let resp = req.send().await?;
        Ok((
            resp.status().as_u16(),
            resp.json().await.unwrap_or(Value::Null),
        ))
    }

    async fn post_xml(&self, key: &str, xml: &str) -> anyhow::Result<(u16, Value)> {
        let resp = self
            .http
            .post(format!("{}/v1/bank_files", self.base))
            .bearer_auth(key)
            .header("content-type", "application/xml")
            .body(xml.to_string())
            .send()
            .await?;
        Ok((
            resp.status().as_u16(),
            resp.json().await.unwrap_or(Value::Null),
        ))
    }
}

fn ok(status: u16, want: u16, body: &Value, what: &str) -> anyhow::Result<()> {
    if status != want {
        bail!("{what}: HTTP {status}: {body}");
    }
    Ok(())
}

/// Runs the benchmark and prints its figures.
pub async fn run(args: PayoutsBenchArgs) -> anyhow::Result<()> {
    if args.payouts == 0 || args.merchants == 0 || args.concurrency == 0 {
        bail!("--payouts, --merchants and --concurrency must be positive");
    }
    let schema = std::fs::canonicalize(&args.schema).with_context(|| {
        format!(
            "schema {} (run from the project root or pass --schema)",
            args.schema.display()
        )
    })?;
    let dir = tempfile::tempdir()?;
    let operator = format!("ok_bench_{:016x}", rand::random::<u64>());
    let store = match &args.database_url {
        Some(url) => corridor_store::StoreConfig::Postgres(url.clone()),
        None => corridor_store::StoreConfig::Sqlite(dir.path().join("corridor.db")),
    };
    let running = corridor_api::serve::start(corridor_api::serve::ServeConfig {
        listen: "127.0.0.1:0".parse()?,
        data_dir: dir.path().to_path_buf(),
        store,
        sandbox: true,
        operator_key: Some(operator.clone()),
        providers_url: None,
        policy: Default::default(),
    })
    .await?;
    let c = Arc::new(Http {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(args.concurrency)
            .build()?,
        base: format!("http://{}", running.addr),
    });
    println!(
        "bench payouts: {} payouts from {} merchants, {} in flight, {} build, {}",
        args.payouts,
        args.merchants,
        args.concurrency,
        if cfg!(debug_assertions) {
            "DEBUG (figures not representative)"
        } else {
            "release"
        },
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    // Merchants, funds and beneficiaries: half SEPA (EUR), half US ACH (USD).
    let mut payers = Vec::new();
    for i in 0..args.merchants {
        let (s, m) = c
            .post("/v1/merchants", &operator, &json!({
                "legal_name": format!("Bench seller {i}"), "country": "CN", "home_currency": "USD",
                // What China requires before approval: a unified social
                // credit code, an owner, a store.
                "registration_number": "91110000600037341L",
                "beneficial_owners": [{"name": "Wang Fang", "ownership_percent": 100}],
                "marketplace_store_ids": [format!("amazon:BENCH{i}")],
            }), None)
            .await?;
        ok(s, 201, &m, "merchant")?;
        let id = m["id"].as_str().unwrap_or_default().to_string();
        let key = m["api_key"].as_str().unwrap_or_default().to_string();
        let (s, k) = c
            .post(
                &format!("/v1/merchants/{id}/kyb"),
                &operator,
                &json!({"decision": "approve", "note": "bench merchant"}),
                None,
            )
            .await?;
        ok(s, 200, &k, "KYB approval")?;
        let (currency, account) = if i % 2 == 0 {
            (
                "EUR",
                json!({"name": format!("Supplier {i} GmbH"), "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE89370400440532013000"}}),
            )
        } else {
            (
                "USD",
                json!({"name": format!("Supplier {i} Inc"), "country": "US", "currency": "USD", "bank_account": {"routing_number": "021000021", "account_number": "123456789", "account_type": "checking"}}),
            )
        };
        // EUR/USD 500,000 each: far more than its share of the payouts and
        // their fees, and under the server's limit per request.
        let (s, t) = c
            .post(&format!("/v1/merchants/{id}/adjustments"), &operator, &json!({"amount": 50_000_000_i64, "currency": currency, "direction": "credit", "reason": "bench funding"}), None)
            .await?;
        ok(s, 201, &t, "funding")?;
        let (s, b) = c.post("/v1/beneficiaries", &key, &account, None).await?;
        ok(s, 201, &b, "beneficiary")?;
        payers.push((
            key,
            currency,
            b["id"].as_str().unwrap_or_default().to_string(),
        ));
    }
    let payers = Arc::new(payers);

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (c, next, payers, total) = (c.clone(), next.clone(), payers.clone(), args.payouts);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let (key, currency, ben) = &payers[n % payers.len()];
                let body = json!({"amount": 1_000, "currency": currency, "beneficiary": ben, "reference": format!("bench {n}")});
                let t = Instant::now();
                let (s, p) = c.post("/v1/payouts", key, &body, Some(&format!("bench-{n}"))).await?;
                ok(s, 201, &p, "payout")?;
                latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
        }));
    }
    let mut latencies = Vec::with_capacity(args.payouts);
    for t in tasks {
        latencies.extend(t.await??);
    }
    let create = started.elapsed();
    latencies.sort_unstable();
    let per_second = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "payouts over HTTP: {:>9.0}/s  ({} in {:.2} s; p50 {:.2} ms, p99 {:.2} ms)",
        per_second(args.payouts, create),
        args.payouts,
        create.as_secs_f64(),
        percentile_ms(&latencies, 50),
        percentile_ms(&latencies, 99)
    );

    let t = Instant::now();
    let (s, batch) = c
        .post("/v1/payout_batches", &operator, &json!({}), None)
        .await?;
    ok(s, 201, &batch, "batch")?;
    let batch_id = batch["id"].as_str().unwrap_or_default().to_string();
    let count = batch["payouts"].as_array().map_or(0, Vec::len);
    println!(
        "batch of {count} payouts reserved:       {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if count != args.payouts {
        bail!("the batch holds {count} payouts, not {}", args.payouts);
    }
    let t = Instant::now();
    let resp = c
        .http
        .get(format!("{}/v1/payout_batches/{batch_id}/pain001", c.base))
        .bearer_auth(&operator)
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("pain001: HTTP {}", resp.status());
    }
    let xml = resp.text().await?;
    let generated = t.elapsed();
    let file = dir.path().join("pain001.xml");
    std::fs::write(&file, &xml)?;
    println!(
        "pain.001.001.09 generated:           {:.2} s  ({:.1} MB, {} transactions; payouts marked in transit first)",
        generated.as_secs_f64(),
        xml.len() as f64 / 1e6,
        xml.matches("<CdtTrfTxInf>").count()
    );
    let t = Instant::now();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--huge", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .context("xmllint (Debian package libxml2-utils) must be installed")?;
    if !out.status.success() {
        bail!(
            "the file does not validate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!(
        "validated by xmllint --schema:       {:.2} s  (valid)",
        t.elapsed().as_secs_f64()
    );

    let (s, r) = c
        .post(
            "/v1/test_helpers/bank/pain001",
            &operator,
            &json!({"batch": batch_id}),
            None,
        )
        .await?;
    ok(s, 200, &r, "bank")?;
    let (s, answers) = c
        .post(
            "/v1/test_helpers/bank/answers",
            &operator,
            &json!({"batch": batch_id}),
            None,
        )
        .await?;
    ok(s, 200, &answers, "bank answers")?;
    for (name, field) in [("pain.002", "pain002"), ("camt.054", "camt054")] {
        let t = Instant::now();
        let (s, applied) = c
            .post_xml(&operator, answers[field].as_str().unwrap_or_default())
            .await?;
        ok(s, 200, &applied, name)?;
        println!(
            "{name} applied:                    {:.2} s  ({} payout changes)",
            t.elapsed().as_secs_f64(),
            applied["updates"].as_array().map_or(0, Vec::len)
        );
    }
    let resp = c
        .http
        .get(format!("{}/v1/ledger/verify", c.base))
        .bearer_auth(&operator)
        .send()
        .await?;
    let verify: Value = resp.json().await?;
    println!("ledger verify: balanced={}", verify["balanced"]);
    Ok(())
}
