//! The `corridor` binary: server, CLI, demo and benchmarks.

mod cli;
mod compliance_cmd;
mod demo;
mod fx_cmd;
mod markets;
mod sandbox_cmd;
mod users_cmd;

use clap::Parser;

use cli::{BenchCommand, Cli, Command, LedgerCommand};

/// mimalloc instead of the system allocator: the writer frees on its thread
/// the many small objects per transfer that request handlers allocated on
/// theirs. With glibc's allocator, allocation took about a third of the
/// writer thread's time in `corridor bench ledger`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => {
                init_tracing();
                let mut config = serve_config(&args.db, args.listen, args.sandbox);
                config.policy = args.policy.policy()?;
                config.providers_url = args.providers_url.clone();
                Ok(corridor_api::serve::run(config).await?)
            }
            Command::Demo(args) => demo::run(args).await,
            Command::Sandbox(args) => {
                init_tracing();
                sandbox_cmd::run(args).await
            }
            Command::Ledger {
                command: LedgerCommand::Verify(db),
            } => verify(db).await,
            Command::Bench {
                command: BenchCommand::Ledger(args),
            } => corridor_bench::ledger::run(args).await,
            Command::Bench {
                command: BenchCommand::Payments(args),
            } => corridor_bench::payments::run(args).await,
            Command::Bench {
                command: BenchCommand::Payouts(args),
            } => corridor_bench::payouts::run(args).await,
            Command::Bench {
                command: BenchCommand::Routing(args),
            } => corridor_bench::routing::run(&args),
            Command::Bench {
                command: BenchCommand::Fx(args),
            } => corridor_bench::fx::run(args, &fx_cmd::time_backtest).await,
            Command::Bench {
                command: BenchCommand::Screening(args),
            } => corridor_bench::screening::run(&args),
            Command::Sanctions { command } => compliance_cmd::run_sanctions(command).await,
            Command::Screen(args) => compliance_cmd::screen(args).await,
            Command::Audit { command } => compliance_cmd::run_audit(command).await,
            Command::Rates { command } => fx_cmd::run_rates(command).await,
            Command::Fx { command } => fx_cmd::run_fx(command).await,
            Command::Markets { command } => markets::run(&command),
            Command::Users { command } => users_cmd::run(command).await,
        }
    })
}

fn init_tracing() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Logs go to stderr; stdout is for what commands print.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .json()
        .init();
}

/// The server configuration for a database choice.
pub fn serve_config(
    db: &cli::DbArgs,
    listen: std::net::SocketAddr,
    sandbox: bool,
) -> corridor_api::serve::ServeConfig {
    corridor_api::serve::ServeConfig {
        listen,
        data_dir: db.data_dir.clone(),
        store: store_config(db),
        sandbox,
        operator_key: std::env::var("CORRIDOR_OPERATOR_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
        policy: corridor_api::policy::ServePolicy::default(),
        providers_url: None,
    }
}

pub(crate) fn store_config(db: &cli::DbArgs) -> corridor_store::StoreConfig {
    match &db.database_url {
        Some(url) => corridor_store::StoreConfig::Postgres(url.clone()),
        None => corridor_store::StoreConfig::Sqlite(db.data_dir.join("corridor.db")),
    }
}

async fn verify(db: cli::DbArgs) -> anyhow::Result<()> {
    let config = store_config(&db);
    corridor_store::require_existing(&config).await?;
    let clock = std::sync::Arc::new(corridor_store::SystemClock);
    let store = corridor_store::Store::open(&config, clock, Default::default()).await?;
    let report = store.verify().await?;
    println!("accounts checked: {}", report.accounts_checked);
    for (currency, totals) in &report.currencies {
        println!(
            "{currency}: debits {} credits {}",
            totals.debits, totals.credits
        );
    }
    if let Some(log) = &report.log {
        println!(
            "log: {} records, {} transactions, {} postings compared with the database",
            log.records, log.transactions, log.postings
        );
    }
    for mismatch in &report.mismatches {
        println!("MISMATCH {mismatch:?}");
    }
    if report.balanced {
        println!("ledger balanced");
        Ok(())
    } else {
        anyhow::bail!(
            "ledger NOT balanced: {} mismatches",
            report.mismatches.len()
        )
    }
}
