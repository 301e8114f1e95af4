//! `corridor bench fx`: FX quotes and conversions per second end to end
//! over HTTP (auth, JSON, pricing off the rate history, the group-commit
//! writer), with p50/p99 latency, on an embedded server over a fresh
//! SQLite database; and the hedging backtest of every strategy over the
//! full ECB history.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::latency::percentile_ms;

/// `corridor bench fx` arguments.
#[derive(Debug, Clone, Args)]
pub struct FxBenchArgs {
    /// Measured seconds of quoting.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// The ECB history (the full history ZIP or CSV) for the backtest timing.
    #[arg(long)]
    pub history: Option<std::path::PathBuf>,
}

const OPERATOR_KEY: &str = "ok_bench_fx_operator_key_0123456789";

struct Run {
    ok: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

/// Times the hedging backtest over an ECB history file and prints the figure.
/// The binary supplies it: the backtest's preparation belongs to its
/// `fx backtest` command.
pub type TimedBacktest = dyn Fn(&std::path::Path) -> anyhow::Result<()>;

/// Runs the benchmarks and prints their figures.
pub async fn run(args: FxBenchArgs, backtest: &TimedBacktest) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; figures are meaningful only with --release");
    }
    let dir = tempfile::tempdir()?;
    let running = corridor_api::serve::start(corridor_api::serve::ServeConfig {
        listen: "127.0.0.1:0".parse()?,
        data_dir: dir.path().to_path_buf(),
        store: corridor_store::StoreConfig::Sqlite(dir.path().join("corridor.db")),
        sandbox: true,
        operator_key: Some(OPERATOR_KEY.into()),
        providers_url: None,
        policy: Default::default(),
    })
    .await?;
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let key = setup(&http, &base).await?;
    println!(
        "FX over HTTP (embedded server, SQLite, {} in flight, release build: {})",
        args.concurrency,
        !cfg!(debug_assertions)
    );
    let quotes = Arc::new(Mutex::new(Vec::new()));
    let q = load(
        &http,
        &base,
        &key,
        args.concurrency,
        Duration::from_secs(args.seconds),
        None,
        quotes.clone(),
    )
    .await;
    report("quotes", &q);
    let ids: Vec<String> = quotes.lock().map(|v| v.clone()).unwrap_or_default();
    let c = load(
        &http,
        &base,
        &key,
        args.concurrency,
        Duration::from_secs(3600),
        Some(Arc::new(ids)),
        quotes,
    )
    .await;
    report("conversions", &c);
    running.task.abort();
    match &args.history {
        Some(path) => backtest(path)?,
        None => println!("backtest: give --history eurofxref-hist.zip to time it"),
    }
    Ok(())
}

async fn setup(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let op = |m: reqwest::Method, p: &str| {
        http.request(m, format!("{base}{p}"))
            .bearer_auth(OPERATOR_KEY)
    };
    op(reqwest::Method::PUT, "/v1/fx/rates")
        .json(&json!({"base": "EUR", "rates": {"USD": "1.1172", "CNY": "7.4326", "JPY": "175.68"}}))
        .send()
        .await?
        .error_for_status()?;
    let m: serde_json::Value = op(reqwest::Method::POST, "/v1/merchants")
        .json(&json!({"legal_name": "Bench Seller", "country": "CN", "home_currency": "CNY"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = m["id"].as_str().unwrap_or_default().to_string();
    // 50 credits of 900,000.00 USD: each under the per-movement maximum.
    for _ in 0..50 {
        op(reqwest::Method::POST, &format!("/v1/merchants/{id}/adjustments"))
            .json(&json!({"amount": 90_000_000_i64, "currency": "USD", "direction": "credit", "reason": "bench funding"}))
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(m["api_key"].as_str().unwrap_or_default().to_string())
}

/// Quotes for `duration`, or, with `convert`, converts each of those quotes once.
async fn load(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    concurrency: usize,
    duration: Duration,
    convert: Option<Arc<Vec<String>>>,
    quotes: Arc<Mutex<Vec<String>>>,
) -> Run {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, base, key, convert, quotes, next) = (
            http.clone(),
            base.to_string(),
            key.to_string(),
            convert.clone(),
            quotes.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors, mut lat) = (0, 0, Vec::new());
            loop {
                let (path, body) = match &convert {
                    Some(ids) => {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(id) = ids.get(i) else { break };
                        ("/v1/fx/conversions", json!({"quote": id}))
                    }
                    None if started.elapsed() >= duration => break,
                    None => ("/v1/fx/quotes", json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000, "lock_duration": "24h"})),
                };
                let t = Instant::now();
                let r = http.post(format!("{base}{path}")).bearer_auth(&key).json(&body).send().await;
                lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                match r {
                    Ok(r) if r.status().as_u16() == 201 => {
                        ok += 1;
                        if convert.is_none() {
                            if let Ok(v) = r.json::<serde_json::Value>().await {
                                if let (Some(id), Ok(mut q)) = (v["id"].as_str(), quotes.lock()) {
                                    q.push(id.to_string());
                                }
                            }
                        }
                    }
                    _ => errors += 1,
                }
            }
            (ok, errors, lat)
        }));
    }
    let mut run = Run {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies_us: Vec::new(),
    };
    for t in tasks {
        if let Ok((ok, errors, lat)) = t.await {
            run.ok += ok;
            run.errors += errors;
            run.latencies_us.extend(lat);
        }
    }
    run.elapsed = started.elapsed();
    run.latencies_us.sort_unstable();
    run
}

fn report(what: &str, r: &Run) {
    let per_s = r.ok as f64 / r.elapsed.as_secs_f64().max(1e-9);
    println!(
        "{what:<12} {:>8} ok {:>5} errors in {:>6.2} s: {:>8.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        r.ok,
        r.errors,
        r.elapsed.as_secs_f64(),
        per_s,
        percentile_ms(&r.latencies_us, 50),
        percentile_ms(&r.latencies_us, 99)
    );
}
