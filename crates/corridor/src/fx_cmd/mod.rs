//! `corridor rates ...` and `corridor fx ...`.

mod backtest;
mod bench_backtest;
mod chart;
mod cost_report;
mod rates;

use clap::Subcommand;

pub use backtest::{prepare_backtest, var_backtest, BacktestArgs};
pub use bench_backtest::time_backtest;

/// `corridor rates ...`.
#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Import an ECB file: the daily XML, the 90-day or full XML history, the history CSV or its ZIP.
    Import {
        /// The file.
        file: std::path::PathBuf,
        /// Database.
        #[command(flatten)]
        db: crate::cli::DbArgs,
    },
    /// Show the rate of a pair (units of QUOTE per one BASE), crossed through EUR.
    Show {
        /// Base currency (ISO 4217).
        base: String,
        /// Quote currency (ISO 4217).
        quote: String,
        /// Reference date (YYYY-MM-DD); default the latest.
        #[arg(long)]
        date: Option<String>,
        /// Database.
        #[command(flatten)]
        db: crate::cli::DbArgs,
    },
}

/// `corridor fx ...`.
#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Backtest hedging strategies for a monthly foreign receivable on the ECB history.
    Backtest(BacktestArgs),
    /// The all-in cost of conversions against mid-market, per corridor.
    CostReport {
        /// Database.
        #[command(flatten)]
        db: crate::cli::DbArgs,
    },
}

/// Runs a rates command.
pub async fn run_rates(command: RatesCommand) -> anyhow::Result<()> {
    match command {
        RatesCommand::Import { file, db } => rates::import(&file, &db).await,
        RatesCommand::Show {
            base,
            quote,
            date,
            db,
        } => rates::show(&base, &quote, date.as_deref(), &db).await,
    }
}

/// Runs an FX command.
pub async fn run_fx(command: FxCommand) -> anyhow::Result<()> {
    match command {
        FxCommand::Backtest(args) => backtest::run(args).await,
        FxCommand::CostReport { db } => cost_report::run(&db).await,
    }
}

/// Opens the store and the FX service over it.
pub(crate) async fn open_fx(
    db: &crate::cli::DbArgs,
) -> anyhow::Result<corridor_services::fx::FxService> {
    let clock = std::sync::Arc::new(corridor_store::SystemClock);
    let store =
        corridor_store::Store::open(&crate::store_config(db), clock, Default::default()).await?;
    Ok(
        corridor_services::fx::FxService::start(store, corridor_services::fx::RateFeed::Recorded)
            .await?,
    )
}
