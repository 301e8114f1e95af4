//! `corridor fx backtest`: hedging strategies for a monthly foreign
//! receivable on the real ECB history, with a VaR backtest (Kupiec and the
//! Basel traffic light), a CSV, an SVG chart and `--json` output.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use corridor_core::fx::{
    basel_zone, cip_forward_rate, historical_var, kupiec_pof, run_backtest, BacktestInput,
    BacktestMonth, Day, HedgeStrategy, PolicyRateTable, StrategyReport,
};
use corridor_core::{Currency, Rate};
use corridor_services::fx::dates::{add_months, day_of, iso};
use corridor_services::fx::{ecb, RateHistory};
use rust_decimal::Decimal;

/// `corridor fx backtest` arguments.
#[derive(Debug, Clone, Args)]
pub struct BacktestArgs {
    /// The merchant's home currency (ISO 4217).
    #[arg(long)]
    pub home: String,
    /// The currency the receivables come in.
    #[arg(long)]
    pub receivable: String,
    /// Forecast monthly receivable, in major units of the receivable currency.
    #[arg(long)]
    pub monthly: u64,
    /// First month, YYYY-MM.
    #[arg(long)]
    pub from: String,
    /// Last month, YYYY-MM.
    #[arg(long)]
    pub to: String,
    /// Strategy to run: unhedged, forward-1m, forward-3m, layered-50 (repeat to compare; default all).
    #[arg(long = "strategy")]
    pub strategies: Vec<String>,
    /// ECB history file (CSV, ZIP or XML); default the rates in the database over the shipped snapshot.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Where the CSV and the chart go.
    #[arg(long, default_value = "backtest-out")]
    pub out_dir: PathBuf,
    /// Adverse move per margin call, bps of the notional.
    #[arg(long, default_value_t = 300)]
    pub margin_call_bps: u32,
    /// One JSON object per strategy on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Database (for the history when `--history` is not given).
    #[command(flatten)]
    pub db: crate::cli::DbArgs,
}

/// Everything a run needs, prepared from the history.
pub struct Prepared {
    /// Home.
    pub home: Currency,
    /// Receivable.
    pub receivable: Currency,
    /// Core input.
    pub input: BacktestInput,
    /// Strategies.
    pub strategies: Vec<HedgeStrategy>,
    /// Daily home-per-receivable series over the period (for the VaR backtest).
    pub daily: Vec<(Day, Decimal)>,
}

fn month_start(text: &str, field: &str) -> anyhow::Result<Day> {
    day_of(&format!("{text}-01"))
        .ok_or_else(|| anyhow::anyhow!("--{field} must be YYYY-MM, got `{text}`"))
}

/// Builds the monthly input from a history.
pub fn prepare_backtest(
    args: &BacktestArgs,
    history: &RateHistory,
    policy: &PolicyRateTable,
) -> anyhow::Result<Prepared> {
    let home = Currency::parse(&args.home)?;
    let receivable = Currency::parse(&args.receivable)?;
    anyhow::ensure!(home != receivable, "--home and --receivable must differ");
    anyhow::ensure!(args.monthly > 0, "--monthly must be positive");
    let strategies = if args.strategies.is_empty() {
        HedgeStrategy::ALL.to_vec()
    } else {
        args.strategies
            .iter()
            .map(|s| {
                HedgeStrategy::parse(s).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown strategy `{s}` (unhedged, forward-1m, forward-3m, layered-50)"
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let from = month_start(&args.from, "from")?;
    let end = add_months(month_start(&args.to, "to")?, 1)
        .ok_or_else(|| anyhow::anyhow!("--to out of range"))?;
    anyhow::ensure!(from < end, "--from must not be after --to");
    let daily = history.series(receivable, home, from, Day(end.0 - 1));
    let mut months = Vec::new();
    let mut start = from;
    while start < end {
        let next = add_months(start, 1).ok_or_else(|| anyhow::anyhow!("date out of range"))?;
        let days: Vec<&(Day, Decimal)> = daily
            .iter()
            .filter(|(d, _)| *d >= start && *d < next)
            .collect();
        if let Some((last_day, spot)) = days.last().map(|(d, s)| (*d, *s)) {
            let max_spot = days.iter().map(|(_, s)| *s).max().unwrap_or(spot);
            let mut forwards = [None, None, None];
            for (k, slot) in forwards.iter_mut().enumerate() {
                let months_ahead = u32::try_from(k + 1).unwrap_or(1);
                let maturity = add_months(last_day, months_ahead)
                    .ok_or_else(|| anyhow::anyhow!("date out of range"))?;
                let (Some(r_recv), Some(r_home)) = (
                    policy.rate_on(receivable, last_day),
                    policy.rate_on(home, last_day),
                ) else {
                    continue;
                };
                let f = cip_forward_rate(
                    Rate::new(spot)?,
                    last_day.days_until(maturity),
                    (receivable, r_recv.rate_pct),
                    (home, r_home.rate_pct),
                    Decimal::ZERO,
                )?;
                *slot = Some(f.value());
            }
            months.push(BacktestMonth {
                label: iso(start)[..7].to_string(),
                spot,
                max_spot,
                forwards,
            });
        }
        start = next;
    }
    Ok(Prepared {
        home,
        receivable,
        input: BacktestInput {
            months,
            monthly_volume: Decimal::from(args.monthly),
            margin_call_bps: args.margin_call_bps,
        },
        strategies,
        daily,
    })
}

/// The VaR backtest: 1-day VaR by historical simulation over the previous
/// 500 days (250 at the start), against the next day's actual result.
pub struct VarBacktest {
    /// Days tested.
    pub days: u32,
    /// Exceptions at 99% and 95%.
    pub exceptions_99: u32,
    /// At 95%.
    pub exceptions_95: u32,
    /// Exceptions at 99% over the last 250 days.
    pub last_250_exceptions_99: u32,
}

/// Runs the VaR backtest on a daily series for a position of `position_units` of the receivable.
pub fn var_backtest(daily: &[(Day, Decimal)], position_units: Decimal) -> VarBacktest {
    let series: Vec<Decimal> = daily.iter().map(|(_, r)| *r).collect();
    let rets: Vec<Decimal> = corridor_core::fx::returns(&series, 1);
    let mut out = VarBacktest {
        days: 0,
        exceptions_99: 0,
        exceptions_95: 0,
        last_250_exceptions_99: 0,
    };
    let mut flags_99 = Vec::new();
    for t in 250..rets.len() {
        let window = &rets[t.saturating_sub(500)..t];
        let value = position_units * series[t];
        let pnl: Vec<Decimal> = window.iter().map(|r| value * *r).collect();
        let (Ok(v99), Ok(v95)) = (historical_var(&pnl, 99), historical_var(&pnl, 95)) else {
            continue;
        };
        let actual_loss = -(value * rets[t]);
        out.days += 1;
        let hit99 = actual_loss > v99.var;
        flags_99.push(hit99);
        out.exceptions_99 += u32::from(hit99);
        out.exceptions_95 += u32::from(actual_loss > v95.var);
    }
    out.last_250_exceptions_99 = flags_99.iter().rev().take(250).map(|f| u32::from(*f)).sum();
    out
}

fn load_history(args: &BacktestArgs) -> anyhow::Result<Option<RateHistory>> {
    match &args.history {
        Some(path) => {
            let bytes =
                std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(Some(RateHistory::from_days(ecb::parse(&bytes).map_err(
                |e| anyhow::anyhow!("{}: {e}", path.display()),
            )?)))
        }
        None => Ok(None),
    }
}

pub async fn run(args: BacktestArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let history = match load_history(&args)? {
        Some(h) => h,
        None => super::open_fx(&args.db).await?.history(),
    };
    let policy = corridor_services::fx::policy_seed::seed_policy_rates();
    let progress = std::io::stderr().is_terminal() && !args.json;
    if progress {
        eprint!(
            "\rpreparing {} months of {}/{} ...",
            args.from, args.receivable, args.home
        );
    }
    let prepared = prepare_backtest(&args, &history, &policy)?;
    if progress {
        eprint!(
            "\rrunning {} strategies over {} months ...            ",
            prepared.strategies.len(),
            prepared.input.months.len()
        );
    }
    let reports = run_backtest(&prepared.input, &prepared.strategies)?;
    let var = var_backtest(&prepared.daily, prepared.input.monthly_volume);
    if progress {
        eprintln!(
            "\rdone in {} ms{}",
            started.elapsed().as_millis(),
            " ".repeat(40)
        );
    }
    std::fs::create_dir_all(&args.out_dir)?;
    let csv_path = args.out_dir.join("backtest.csv");
    std::fs::write(&csv_path, csv(&reports))?;
    let chart_path = args.out_dir.join("backtest.svg");
    super::chart::draw(
        &chart_path,
        &reports,
        &format!("{} per {}", prepared.home, prepared.receivable),
    )?;
    if args.json {
        for r in &reports {
            println!("{}", json(r, &prepared));
        }
    } else {
        print_report(&prepared, &reports, &var);
        println!("wrote {} and {}", csv_path.display(), chart_path.display());
    }
    Ok(())
}

fn csv(reports: &[StrategyReport]) -> String {
    let mut out = String::from("month");
    for r in reports {
        out.push(',');
        out.push_str(r.strategy.code());
    }
    out.push('\n');
    let months = reports.first().map_or(0, |r| r.monthly.len());
    for i in 0..months {
        out.push_str(&reports[0].monthly[i].0);
        for r in reports {
            out.push(',');
            out.push_str(&r.monthly[i].1.to_string());
        }
        out.push('\n');
    }
    out
}

fn json(r: &StrategyReport, p: &Prepared) -> serde_json::Value {
    serde_json::json!({
        "strategy": r.strategy.code(),
        "home": p.home.code(),
        "receivable": p.receivable.code(),
        "months": r.monthly.len(),
        "mean_rate": r.mean_rate.to_string(),
        "std_dev": r.std_dev.to_string(),
        "variance_reduction": r.variance_reduction.to_string(),
        "worst_miss_pct": r.worst_miss_pct.to_string(),
        "hit_rate_pct": r.hit_rate_pct.to_string(),
        "carry_bps": r.carry_bps.to_string(),
        "margin_calls": r.margin_calls,
        "peak_collateral": (r.peak_collateral).to_string(),
        "volume_scenarios": r.scenarios.iter().map(|s| serde_json::json!({
            "volume_pct": s.volume_pct,
            "mean_rate": s.mean_rate.to_string(),
            "over_hedge_cost_per_month": s.over_hedge_cost_per_month.to_string(),
        })).collect::<Vec<_>>(),
        "monthly": r.monthly.iter().map(|(m, v)| serde_json::json!([m, v.to_string()])).collect::<Vec<_>>(),
    })
}

fn print_report(p: &Prepared, reports: &[StrategyReport], var: &VarBacktest) {
    let (home, recv) = (p.home.code(), p.receivable.code());
    println!(
        "Hedging {} {recv} a month into {home}, {} months ({} to {}), rates in {home} per {recv}",
        p.input.monthly_volume,
        reports.first().map_or(0, |r| r.monthly.len()),
        reports
            .first()
            .and_then(|r| r.monthly.first())
            .map_or("", |m| m.0.as_str()),
        reports
            .first()
            .and_then(|r| r.monthly.last())
            .map_or("", |m| m.0.as_str()),
    );
    if home != "EUR" && recv != "EUR" {
        println!("note: the ECB publishes no direct {recv}/{home} series: rates are crosses through EUR ({home} per EUR / {recv} per EUR).");
    }
    println!("note: forwards are priced by covered interest parity from central-bank policy rates, which stand in for deposit rates.");
    println!();
    println!(
        "{:<11} {:>10} {:>9} {:>9} {:>10} {:>8} {:>10} {:>7} {:>14} {:>14} {:>14}",
        "strategy",
        "mean",
        "std dev",
        "var red.",
        "worst miss",
        "hit %",
        "carry bps",
        "calls",
        "peak collat.",
        "-20% cost/mo",
        "+20% mean"
    );
    for r in reports {
        let s80 = r.scenarios.iter().find(|s| s.volume_pct == 80);
        let s120 = r.scenarios.iter().find(|s| s.volume_pct == 120);
        println!(
            "{:<11} {:>10} {:>9} {:>8}% {:>9}% {:>8} {:>10} {:>7} {:>14} {:>14} {:>14}",
            r.strategy.code(),
            r.mean_rate.round_dp(4),
            r.std_dev.round_dp(4),
            (r.variance_reduction * Decimal::ONE_HUNDRED).round_dp(1),
            r.worst_miss_pct.round_dp(2),
            r.hit_rate_pct,
            r.carry_bps,
            r.margin_calls,
            r.peak_collateral.round_dp(0),
            s80.map_or(Decimal::ZERO, |s| s.over_hedge_cost_per_month)
                .round_dp(0),
            s120.map_or(Decimal::ZERO, |s| s.mean_rate).round_dp(4),
        );
    }
    println!();
    println!("budget rate: the spot of each year's first month; worst miss: largest monthly shortfall against it.");
    println!("-20% cost/mo: mean monthly cost ({home}) of buying back forwards sold above an actual volume 20% under forecast.");
    println!();
    let k99 = kupiec_pof(var.days.max(1), var.exceptions_99, Decimal::new(1, 2));
    let k95 = kupiec_pof(var.days.max(1), var.exceptions_95, Decimal::new(5, 2));
    println!(
        "VaR backtest (1-day historical simulation, 500-day window, {} days):",
        var.days
    );
    if let (Ok(k99), Ok(k95)) = (k99, k95) {
        println!(
            "  99%: {} exceptions (expected {}), Kupiec LR {} -> {}",
            k99.exceptions,
            var.days / 100,
            k99.lr,
            if k99.rejected {
                "rejected at 95%"
            } else {
                "not rejected"
            }
        );
        println!(
            "  95%: {} exceptions (expected {}), Kupiec LR {} -> {}",
            k95.exceptions,
            var.days / 20,
            k95.lr,
            if k95.rejected {
                "rejected at 95%"
            } else {
                "not rejected"
            }
        );
    }
    println!(
        "  Basel traffic light (99%, last 250 days): {} exceptions -> {}",
        var.last_250_exceptions_99,
        basel_zone(var.last_250_exceptions_99).code()
    );
}
