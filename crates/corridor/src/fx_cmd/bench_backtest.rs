//! The backtest timing of `corridor bench fx`: every strategy and the VaR
//! backtest over a full ECB history, prepared as `corridor fx backtest` does.

use std::time::Instant;

use corridor_core::fx::{run_backtest, HedgeStrategy};

/// Parses the history at `path`, runs every strategy and the VaR backtest
/// over EUR/USD 1999-2026 and prints how long each part took.
pub fn time_backtest(path: &std::path::Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let bytes = std::fs::read(path)?;
    let history =
        corridor_services::fx::RateHistory::from_days(corridor_services::fx::ecb::parse(&bytes)?);
    let parsed = started.elapsed();
    let policy = corridor_services::fx::policy_seed::seed_policy_rates();
    let args = super::BacktestArgs {
        home: "EUR".into(),
        receivable: "USD".into(),
        monthly: 100_000,
        from: "1999-07".into(),
        to: "2026-10".into(),
        strategies: Vec::new(),
        history: None,
        out_dir: std::path::PathBuf::from("."),
        margin_call_bps: 300,
        json: false,
        db: crate::cli::DbArgs {
            data_dir: std::path::PathBuf::from("."),
            database_url: None,
        },
    };
    let t = Instant::now();
    let prepared = super::prepare_backtest(&args, &history, &policy)?;
    let reports = run_backtest(&prepared.input, &HedgeStrategy::ALL)?;
    let var = super::var_backtest(&prepared.daily, prepared.input.monthly_volume);
    let compute = t.elapsed();
    println!(
        "backtest     EUR/USD 1999-07..2026-10, {} strategies x {} months + VaR backtest over {} days: {:.1} ms (history parse {:.1} ms, total {:.1} ms; target < 1000 ms)",
        reports.len(),
        prepared.input.months.len(),
        var.days,
        compute.as_secs_f64() * 1000.0,
        parsed.as_secs_f64() * 1000.0,
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
