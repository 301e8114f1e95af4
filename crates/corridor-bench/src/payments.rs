//! `corridor bench payments`: confirmed card payments per second end to end
//! over HTTP (auth, `Idempotency-Key`, JSON validation, routing, the
//! in-process sandbox provider, the group-commit ledger writer and the
//! transactional outbox), with p50 and p99 latency, against a `GET /health`
//! baseline of the HTTP stack alone. The server runs embedded in this
//! process and then as a child `corridor serve`, on a fresh database each.

mod batches;
mod json;
mod load;
mod measure;
mod report;
mod stats;
mod target;

use super::pg;
use std::time::Duration;

use self::batches::BatchLog;
use self::measure::{Plan, Row};
use self::target::{Placement, Target};

/// Longest wait for the embedded server's blocking work when its runtime stops.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(5);

/// `corridor bench payments` options.
#[derive(Debug, Clone, clap::Args)]
pub struct PaymentsBenchArgs {
    /// Measured seconds per run.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Unmeasured warm-up seconds before each run.
    #[arg(long, default_value_t = 1.0)]
    pub warmup_seconds: f64,
    /// Most requests per measured run (a run also stops after --seconds).
    #[arg(long)]
    pub requests: Option<u64>,
    /// Requests in flight at once, one client task each; comma-separated to compare several.
    #[arg(long, value_delimiter = ',', default_values_t = [128usize])]
    pub concurrency: Vec<usize>,
    /// Also measure on PostgreSQL: a server URL; the bench creates throwaway databases there and drops them.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Only run the server embedded in this process.
    #[arg(long, conflicts_with = "separate_only")]
    pub in_process_only: bool,
    /// Only run the server as a separate `corridor serve` process.
    #[arg(long)]
    pub separate_only: bool,
    /// Quick look: 2 s runs after 0.5 s warm-ups.
    #[arg(long)]
    pub quick: bool,
    /// Print one JSON object per line and payments run on stdout instead of the tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs the benchmark and prints its tables.
pub async fn run(args: PaymentsBenchArgs) -> anyhow::Result<()> {
    let plan = plan(&args)?;
    if !args.json {
        print_header(&plan, &args);
    }
    let log = BatchLog::default();
    if !batches::install_in_process(&log) {
        eprintln!(
            "note: a tracing subscriber was already set; in-process batch sizes go unobserved"
        );
    }
    let mut rows = Vec::new();
    rows.extend(backend_runs(&mut Databases::Sqlite, &plan, &args, &log).await?);
    if let Some(url) = &args.database_url {
        rows.extend(postgres_runs(url, &plan, &args, &log).await?);
    }
    if args.json {
        json::print(&rows);
        return Ok(());
    }
    report::print_table(&rows);
    report::print_errors(&rows);
    report::print_batches(&rows);
    report::print_cpu(&rows);
    report::print_targets(&rows);
    Ok(())
}

fn plan(args: &PaymentsBenchArgs) -> anyhow::Result<Plan> {
    let secs = |s: f64, name: &str| {
        Duration::try_from_secs_f64(s).map_err(|_| anyhow::anyhow!("{name}: not a duration: {s}"))
    };
    let mut plan = Plan {
        duration: secs(args.seconds, "--seconds")?,
        warmup: secs(args.warmup_seconds, "--warmup-seconds")?,
        max_requests: args.requests.unwrap_or(u64::MAX).max(1),
        concurrency: args.concurrency.iter().map(|&c| c.max(1)).collect(),
    };
    if args.quick {
        plan.duration = plan.duration.min(Duration::from_secs(2));
        plan.warmup = plan.warmup.min(Duration::from_millis(500));
    }
    if plan.concurrency.is_empty() {
        plan.concurrency.push(128);
    }
    Ok(plan)
}

fn print_header(plan: &Plan, args: &PaymentsBenchArgs) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let build = if cfg!(debug_assertions) {
        "DEBUG (use --release!)"
    } else {
        "release"
    };
    println!("corridor bench payments: {cores} cores, {build} build");
    println!(
        "per run: {:.1} s measured after {:.1} s warm-up{}; concurrency {:?}; one reqwest client, \
         HTTP/1.1 keep-alive; a unique Idempotency-Key per payment",
        plan.duration.as_secs_f64(),
        plan.warmup.as_secs_f64(),
        match plan.max_requests {
            u64::MAX => String::new(),
            n => format!(" or {n} requests"),
        },
        plan.concurrency,
    );
    println!("payment: POST /v1/payments {}", load::payment_body(0));
    println!(
        "server: fresh SQLite{} per server; sandbox providers in-process (virtual latency); \
         one merchant; SystemClock",
        match &args.database_url {
            Some(url) => format!(" and PostgreSQL ({})", pg::redact(url)),
            None => String::new(),
        },
    );
    println!(
        "note: the load generator runs on this machine's {cores} cores too. in-process: it shares \
         this process and its tokio runtime with the server; separate: the server is a child \
         `corridor serve` process and the load generator runs in this one"
    );
}

/// Where each server's data goes.
enum Databases<'a> {
    /// A fresh SQLite file in each server's temporary data directory.
    Sqlite,
    /// A fresh throwaway database on this PostgreSQL server for each server.
    Postgres {
        /// The server the databases are made on.
        base_url: &'a str,
        /// The databases made so far.
        scratch: &'a mut pg::ScratchDatabases,
    },
}

impl Databases<'_> {
    fn backend(&self) -> &'static str {
        match self {
            Databases::Sqlite => "sqlite",
            Databases::Postgres { .. } => "postgres",
        }
    }

    /// The `--database-url` of the next server (`None`: SQLite).
    async fn fresh(&mut self) -> anyhow::Result<Option<String>> {
        match self {
            Databases::Sqlite => Ok(None),
            Databases::Postgres { base_url, scratch } => Ok(Some(pg::with_dbname(
                base_url,
                &scratch.create("payments").await?,
            ))),
        }
    }
}

/// The in-process and separate runs on one backend.
async fn backend_runs(
    dbs: &mut Databases<'_>,
    plan: &Plan,
    args: &PaymentsBenchArgs,
    log: &BatchLog,
) -> anyhow::Result<Vec<Row>> {
    let backend = dbs.backend();
    let mut rows = Vec::new();
    if !args.separate_only {
        eprintln!("{backend}, server in this process:");
        rows.extend(in_process(backend, dbs.fresh().await?, plan, log).await?);
    }
    if !args.in_process_only {
        eprintln!("{backend}, server in a separate process:");
        let target = Target::separate(dbs.fresh().await?, log).await?;
        let measured = measure::measure(&target, backend, Placement::Separate, plan, log).await;
        target.stop().await;
        rows.extend(measured?);
    }
    Ok(rows)
}

/// Runs the embedded server and the load on a runtime of their own, dropped
/// afterwards so that the server's background jobs and writer stop with it.
async fn in_process(
    backend: &'static str,
    database_url: Option<String>,
    plan: &Plan,
    log: &BatchLog,
) -> anyhow::Result<Vec<Row>> {
    let (plan, log) = (plan.clone(), log.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("bench-in-process".into())
        .spawn(move || {
            let result = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(anyhow::Error::from)
                .and_then(|runtime| {
                    let result = runtime.block_on(async {
                        let target = Target::in_process(database_url).await?;
                        measure::measure(&target, backend, Placement::InProcess, &plan, &log).await
                    });
                    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
                    result
                });
            let _ = tx.send(result);
        })?;
    rx.await?
}

/// The PostgreSQL runs, each server on a throwaway database; skipped (said
/// so on stdout) when the server is unreachable.
async fn postgres_runs(
    url: &str,
    plan: &Plan,
    args: &PaymentsBenchArgs,
    log: &BatchLog,
) -> anyhow::Result<Vec<Row>> {
    let mut scratch = match pg::ScratchDatabases::connect(url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "PostgreSQL unreachable at {} ({e:#}); skipping the PostgreSQL part",
                pg::redact(url)
            );
            return Ok(Vec::new());
        }
    };
    let mut dbs = Databases::Postgres {
        base_url: url,
        scratch: &mut scratch,
    };
    let result = backend_runs(&mut dbs, plan, args, log).await;
    scratch.drop_all().await;
    result
}
