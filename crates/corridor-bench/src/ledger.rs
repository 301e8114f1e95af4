//! `corridor bench ledger`: durable transfers per second through the real
//! group-commit [`corridor_store::LedgerWriter`] on SQLite and PostgreSQL,
//! at several writer batch sizes, for transfers spread over many accounts
//! and for one hot account; a naive one-transaction-per-transfer baseline;
//! and the disk's own limits, measured on the spot.

mod group;
mod json;
mod naive;
mod naive_pg;
mod naive_sqlite;
mod physical;
mod plan;
mod report;
mod restart;
mod stats;
mod workload;

use super::pg;
use std::path::Path;
use std::sync::Arc;

use corridor_store::StoreConfig;

use self::group::GroupRow;
use self::plan::Plan;
use self::report::BackendResults;
use self::stats::{median, Summary};
use self::workload::{Scenario, Workload};

/// `corridor bench ledger` options.
#[derive(Debug, Clone, clap::Args)]
pub struct LedgerBenchArgs {
    /// PostgreSQL server to use; the bench creates its own databases there and drops them at the end.
    #[arg(
        long,
        env = "CORRIDOR_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
    /// Most transfers per measured run (a run also stops at --max-seconds-per-run).
    #[arg(long, default_value_t = 200_000)]
    pub transfers: u64,
    /// Most wall-clock seconds per measured run.
    #[arg(long, default_value_t = 2.0)]
    pub max_seconds_per_run: f64,
    /// Runs per configuration; the median is printed.
    #[arg(long, default_value_t = 3)]
    pub repetitions: usize,
    /// Quick look: one run per configuration, at most 50,000 transfers and 1 s each. On SQLite such a run fits in the projection's lag window, so it measures the writer and the log, not the sustained rate the full runs measure.
    #[arg(long)]
    pub quick: bool,
    /// Benchmark SQLite only.
    #[arg(long, conflicts_with = "postgres_only")]
    pub sqlite_only: bool,
    /// Benchmark PostgreSQL only.
    #[arg(long)]
    pub postgres_only: bool,
    /// Writer batch sizes (`max_batch`) to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 100, 1000, 8000])]
    pub batch_sizes: Vec<usize>,
    /// Merchant accounts transfers are spread over (credit accounts in the hot scenario).
    #[arg(long, default_value_t = 1000)]
    pub accounts: usize,
    /// Transfers in flight per writer batch slot: submitters = max(this x batch size / client batch, 4).
    #[arg(long, default_value_t = 2)]
    pub submitters_per_batch: usize,
    /// Transfers each submitter sends at once (`LedgerWriter::submit_all`),
    /// as a client with many transfers at hand would; latency is then that
    /// of one client batch. 1: each transfer is its own request.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=8192))]
    pub client_batch: u64,
    /// Concurrent connections of the naive PostgreSQL baseline.
    #[arg(long, default_value_t = 16)]
    pub naive_connections: usize,
    /// Most wall-clock seconds per naive baseline run.
    #[arg(long, default_value_t = 2.0)]
    pub naive_max_seconds: f64,
    /// Send transfers without a client reference, to see what the per-request lookup and unique index cost.
    #[arg(long)]
    pub no_client_ref: bool,
    /// Print one JSON object per line and configuration on stdout instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// Also write this many transfers into a fresh embedded store and time
    /// its restart to the first answered read, and its rebuild from the log
    /// with the database deleted (0: skip).
    #[arg(long, default_value_t = 0)]
    pub restart_transfers: u64,
}

/// Runs the benchmark and prints its tables.
pub async fn run(args: LedgerBenchArgs) -> anyhow::Result<()> {
    let plan = Plan::new(&args)?;
    if !args.json {
        plan::print_header(&plan, &args);
    }
    let dir = tempfile::TempDir::new()?;
    let physical = {
        let (path, time) = (dir.path().to_path_buf(), plan.physical_time);
        tokio::task::spawn_blocking(move || physical::measure(&path, time)).await??
    };
    let mut results = Vec::new();
    if !args.postgres_only {
        eprintln!("SQLite (file in {}):", dir.path().display());
        results.push(sqlite_section(&plan, dir.path()).await?);
    }
    if !args.sqlite_only {
        eprintln!("PostgreSQL ({}):", pg::redact(&args.database_url));
        if let Some(r) = postgres_section(&plan, &args.database_url).await? {
            results.push(r);
        }
    }
    let restart = if args.restart_transfers > 0 && !args.postgres_only {
        eprintln!("SQLite restart after {} transfers:", args.restart_transfers);
        let workload = Arc::new(Workload::new(Scenario::Spread, plan.accounts)?);
        Some(
            restart::measure(
                dir.path(),
                &workload,
                args.restart_transfers,
                plan.client_batch,
                plan.client_refs,
            )
            .await?,
        )
    } else {
        None
    };
    if args.json {
        json::print(&results);
        if let Some(t) = &restart {
            restart::print_json(t);
        }
        return Ok(());
    }
    report::print_table(&results);
    report::print_baselines(&results);
    report::print_physical(&physical);
    report::print_targets(&results);
    if let Some(t) = &restart {
        restart::print(t);
    }
    Ok(())
}

/// Funds the accounts, then measures every batch size on one database.
async fn group_section(
    backend: &'static str,
    config: &StoreConfig,
    workloads: &[Arc<Workload>],
    plan: &Plan,
) -> anyhow::Result<Vec<GroupRow>> {
    group::fund(config, workloads).await?;
    let mut rows = Vec::new();
    for &batch in &plan.batch_sizes {
        rows.extend(group::measure_batch(backend, config, workloads, batch, plan).await?);
    }
    Ok(rows)
}

async fn sqlite_section(plan: &Plan, dir: &Path) -> anyhow::Result<BackendResults> {
    let workloads = plan.workloads()?;
    let config = StoreConfig::Sqlite(dir.join("corridor-bench.db"));
    // The baseline runs first, on a disk not yet busy writing back the
    // group-commit runs' gigabytes: that can only favour it.
    let (path, plan_copy, loads) = (dir.join("naive.db"), plan.clone(), workloads.clone());
    let naive =
        tokio::task::spawn_blocking(move || naive_sqlite_runs(&path, &plan_copy, &loads)).await??;
    let rows = group_section("sqlite", &config, &workloads, plan).await?;
    Ok(BackendResults {
        backend: "sqlite",
        rows,
        naive,
        naive_label: "(1 conn, BEGIN IMMEDIATE)".into(),
    })
}

fn naive_sqlite_runs(
    path: &Path,
    plan: &Plan,
    workloads: &[Arc<Workload>],
) -> anyhow::Result<Vec<(Scenario, Summary)>> {
    let Some(first) = workloads.first() else {
        return Ok(Vec::new());
    };
    let mut db = naive_sqlite::NaiveSqlite::create(path, first)?;
    let mut out = Vec::new();
    for workload in workloads {
        let mut runs = Vec::new();
        for rep in 0..plan.repetitions {
            let tag = format!("naive-{}-r{rep}", workload.scenario().label());
            let tag = plan.client_refs.then_some(tag.as_str());
            let s = db.run(workload, plan.transfers, plan.naive_time_cap, tag)?;
            naive_progress("sqlite", workload.scenario(), rep, plan.repetitions, &s);
            runs.push(s);
        }
        out.extend(median(&runs).map(|m| (workload.scenario(), m)));
    }
    Ok(out)
}

fn naive_progress(backend: &str, scenario: Scenario, rep: usize, reps: usize, s: &Summary) {
    eprintln!(
        "  {backend} {} naive run {}/{reps}: {:.0} transfers/s, p50 {:.1} ms, p99 {:.1} ms",
        scenario.label(),
        rep + 1,
        s.transfers_per_s,
        s.latency_ms_p50,
        s.latency_ms_p99,
    );
}

/// `None` when the server is unreachable (said so on stdout).
async fn postgres_section(plan: &Plan, url: &str) -> anyhow::Result<Option<BackendResults>> {
    let mut dbs = match pg::ScratchDatabases::connect(url).await {
        Ok(dbs) => dbs,
        Err(e) => {
            eprintln!(
                "PostgreSQL unreachable at {} ({e:#}); skipping the PostgreSQL part",
                pg::redact(url)
            );
            return Ok(None);
        }
    };
    let result = postgres_runs(plan, url, &mut dbs).await;
    dbs.drop_all().await;
    result.map(Some)
}

async fn postgres_runs(
    plan: &Plan,
    url: &str,
    dbs: &mut pg::ScratchDatabases,
) -> anyhow::Result<BackendResults> {
    let workloads = plan.workloads()?;
    let ledger_url = pg::with_dbname(url, &dbs.create("ledger").await?);
    let naive_url = pg::with_dbname(url, &dbs.create("naive").await?);
    // Baseline first, as on SQLite.
    dbs.checkpoint().await;
    let naive = naive_pg_runs(plan, &naive_url, &workloads).await?;
    dbs.checkpoint().await;
    let config = StoreConfig::Postgres(ledger_url);
    let rows = group_section("postgres", &config, &workloads, plan).await?;
    Ok(BackendResults {
        backend: "postgres",
        rows,
        naive,
        naive_label: format!("({} conns, FOR UPDATE)", plan.naive_connections),
    })
}

async fn naive_pg_runs(
    plan: &Plan,
    naive_url: &str,
    workloads: &[Arc<Workload>],
) -> anyhow::Result<Vec<(Scenario, Summary)>> {
    let mut naive = Vec::new();
    if let Some(first) = workloads.first() {
        naive_pg::create(naive_url, first).await?;
    }
    for workload in workloads {
        let mut runs = Vec::new();
        for rep in 0..plan.repetitions {
            let spec = naive_pg::NaiveRun {
                url: naive_url.to_string(),
                connections: plan.naive_connections,
                transfers: plan.transfers,
                time_cap: plan.naive_time_cap,
                client_ref_tag: plan
                    .client_refs
                    .then(|| format!("naive-{}-r{rep}", workload.scenario().label())),
            };
            let s = naive_pg::run(&spec, workload).await?;
            naive_progress("postgres", workload.scenario(), rep, plan.repetitions, &s);
            runs.push(s);
        }
        naive.extend(median(&runs).map(|m| (workload.scenario(), m)));
    }
    Ok(naive)
}
