//! Hedging backtests: a merchant receives a fixed monthly volume in a
//! foreign currency and converts it home, unhedged or through forwards
//! struck one to three months earlier. The shell supplies the month-end
//! spot, the forwards that could have been struck each month (priced by
//! covered interest parity from the policy rates of that day) and the
//! highest spot of each month (for margin calls); this module computes
//! the effective rates and their statistics.

use rust_decimal::{Decimal, RoundingStrategy};

use super::stats::{mean, std_dev, variance};
use super::{initial_margin_bps, FxError};

/// A hedging strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HedgeStrategy {
    /// Convert every month at spot.
    Unhedged,
    /// Sell each month's volume forward one month ahead.
    Forward1m,
    /// Sell each month's volume forward three months ahead.
    Forward3m,
    /// Hedge half of each month's volume in three layers (one, two and
    /// three months ahead, a sixth each); the other half at spot.
    Layered50,
}

impl HedgeStrategy {
    /// Every strategy.
    pub const ALL: [HedgeStrategy; 4] = [
        HedgeStrategy::Unhedged,
        HedgeStrategy::Forward1m,
        HedgeStrategy::Forward3m,
        HedgeStrategy::Layered50,
    ];

    /// `unhedged`, `forward-1m`, `forward-3m`, `layered-50`.
    pub fn code(self) -> &'static str {
        match self {
            HedgeStrategy::Unhedged => "unhedged",
            HedgeStrategy::Forward1m => "forward-1m",
            HedgeStrategy::Forward3m => "forward-3m",
            HedgeStrategy::Layered50 => "layered-50",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<HedgeStrategy> {
        HedgeStrategy::ALL.into_iter().find(|s| s.code() == code)
    }

    /// (months ahead, share of the month's volume) of each layer.
    fn layers(self) -> Vec<(usize, Decimal)> {
        let sixth = Decimal::ONE / Decimal::from(6);
        match self {
            HedgeStrategy::Unhedged => vec![],
            HedgeStrategy::Forward1m => vec![(1, Decimal::ONE)],
            HedgeStrategy::Forward3m => vec![(3, Decimal::ONE)],
            HedgeStrategy::Layered50 => vec![(1, sixth), (2, sixth), (3, sixth)],
        }
    }
}

/// One month of market data, home currency per unit of the receivable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestMonth {
    /// `YYYY-MM`.
    pub label: String,
    /// Month-end spot.
    pub spot: Decimal,
    /// Highest daily spot in the month (adverse for a seller of the receivable).
    pub max_spot: Decimal,
    /// Forwards struck at month end for delivery 1, 2 and 3 months later;
    /// `None` where a policy rate was missing.
    pub forwards: [Option<Decimal>; 3],
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestInput {
    /// Months in order.
    pub months: Vec<BacktestMonth>,
    /// Forecast monthly volume, receivable major units.
    pub monthly_volume: Decimal,
    /// Adverse move per margin call, bps of the notional.
    pub margin_call_bps: u32,
}

/// The result of a volume deviation from the forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeScenario {
    /// Actual volume as a percent of forecast (80, 120).
    pub volume_pct: u32,
    /// Mean effective rate.
    pub mean_rate: Decimal,
    /// Mean monthly cost, home currency, of closing hedges above the actual volume at spot.
    pub over_hedge_cost_per_month: Decimal,
}

/// One strategy's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrategyReport {
    /// The strategy.
    pub strategy: HedgeStrategy,
    /// (month, effective home rate).
    pub monthly: Vec<(String, Decimal)>,
    /// Mean effective rate.
    pub mean_rate: Decimal,
    /// Its standard deviation.
    pub std_dev: Decimal,
    /// `1 − Var(strategy) / Var(unhedged)`.
    pub variance_reduction: Decimal,
    /// Largest shortfall against the year's budget rate (the spot of the year's first month), percent.
    pub worst_miss_pct: Decimal,
    /// Share of months at or above budget, percent.
    pub hit_rate_pct: Decimal,
    /// Mean forward points paid (negative) or earned, bps of spot at strike.
    pub carry_bps: Decimal,
    /// Margin calls over the run.
    pub margin_calls: u32,
    /// Highest collateral held at a month end, home currency.
    pub peak_collateral: Decimal,
    /// Volume ±20%.
    pub scenarios: Vec<VolumeScenario>,
}

const FIRST_MONTH: usize = 3;

fn rate_for(
    input: &BacktestInput,
    strategy: HedgeStrategy,
    m: usize,
    volume_share: Decimal,
) -> Result<(Decimal, Decimal), FxError> {
    // Returns (effective rate on the actual volume, over-hedge P&L per unit of forecast).
    let spot = input.months[m].spot;
    let mut hedged = Decimal::ZERO;
    let mut value = Decimal::ZERO;
    for (ahead, share) in strategy.layers() {
        let forward = input.months[m - ahead].forwards[ahead - 1]
            .ok_or_else(|| FxError::NoInterestRate(input.months[m - ahead].label.clone()))?;
        hedged += share;
        value += share * forward;
    }
    let unhedged = volume_share - hedged;
    if unhedged >= Decimal::ZERO {
        let rate = (value + unhedged * spot) / volume_share;
        Ok((rate, Decimal::ZERO))
    } else {
        // More sold forward than received: the excess is bought back at spot.
        let excess = -unhedged;
        let avg_forward = value / hedged;
        let pnl = excess * (avg_forward - spot);
        let rate = (value - excess * spot) / volume_share;
        Ok((rate, pnl))
    }
}

fn margin(input: &BacktestInput, strategy: HedgeStrategy) -> (u32, Decimal) {
    let step = Decimal::from(input.margin_call_bps) / Decimal::from(10_000);
    let mut calls = 0_u32;
    let mut peak = Decimal::ZERO;
    let n = input.months.len();
    for t in 0..n {
        let mut held = Decimal::ZERO;
        for (ahead, share) in strategy.layers() {
            for strike in t.saturating_sub(ahead - 1)..=t {
                let maturity = strike + ahead;
                if maturity <= t || maturity >= n {
                    continue;
                }
                let Some(forward) = input.months[strike].forwards[ahead - 1] else {
                    continue;
                };
                let notional = share * input.monthly_volume * forward;
                let im = notional
                    * Decimal::from(initial_margin_bps(
                        i64::try_from(ahead * 31).unwrap_or(i64::MAX),
                    ))
                    / Decimal::from(10_000);
                let worst = input.months[strike + 1..=t]
                    .iter()
                    .map(|m| m.max_spot)
                    .max()
                    .unwrap_or(forward);
                let loss_ratio = (worst - forward) / forward;
                let n_calls = if loss_ratio > Decimal::ZERO && step > Decimal::ZERO {
                    (loss_ratio / step).floor()
                } else {
                    Decimal::ZERO
                };
                // Each position's calls are counted once, in its last month open.
                if t + 1 == maturity {
                    calls = calls.saturating_add(u32::try_from(n_calls).unwrap_or(u32::MAX));
                }
                held += im + n_calls * step * notional;
            }
        }
        peak = peak.max(held);
    }
    (
        calls,
        peak.round_dp_with_strategy(2, RoundingStrategy::AwayFromZero),
    )
}

fn budget_stats(months: &[BacktestMonth], monthly: &[(String, Decimal)]) -> (Decimal, Decimal) {
    let mut worst = Decimal::ZERO;
    let mut hits = 0_usize;
    for (label, rate) in monthly {
        let year = &label[..4.min(label.len())];
        let budget = months
            .iter()
            .find(|m| m.label.starts_with(year))
            .map_or(*rate, |m| m.spot);
        if *rate >= budget {
            hits += 1;
        } else if budget > Decimal::ZERO {
            worst = worst.max((budget - *rate) / budget * Decimal::ONE_HUNDRED);
        }
    }
    let hit = Decimal::from(hits) * Decimal::ONE_HUNDRED / Decimal::from(monthly.len().max(1));
    (worst.round_dp(4), hit.round_dp(2))
}

fn carry_bps(input: &BacktestInput, strategy: HedgeStrategy) -> Decimal {
    let mut points = Vec::new();
    for m in &input.months {
        for (ahead, share) in strategy.layers() {
            if let Some(f) = m.forwards[ahead - 1] {
                points.push(share * (f - m.spot) / m.spot * Decimal::from(10_000));
            }
        }
    }
    let total: Decimal = strategy.layers().iter().map(|(_, s)| *s).sum();
    if points.is_empty() || total.is_zero() {
        return Decimal::ZERO;
    }
    let per_layer = Decimal::from(strategy.layers().len());
    (points.iter().copied().sum::<Decimal>() / Decimal::from(points.len()) * per_layer / total)
        .round_dp(2)
}

/// Runs one strategy.
fn run_one(
    input: &BacktestInput,
    strategy: HedgeStrategy,
    unhedged_var: Option<Decimal>,
) -> Result<StrategyReport, FxError> {
    let n = input.months.len();
    let mut monthly = Vec::with_capacity(n);
    for m in FIRST_MONTH..n {
        let (rate, _) = rate_for(input, strategy, m, Decimal::ONE)?;
        monthly.push((input.months[m].label.clone(), rate.round_dp(6)));
    }
    let rates: Vec<Decimal> = monthly.iter().map(|(_, r)| *r).collect();
    let var = variance(&rates)?;
    let variance_reduction = match unhedged_var {
        Some(u) if !u.is_zero() => (Decimal::ONE - var / u).round_dp(4),
        _ => Decimal::ZERO,
    };
    let mut scenarios = Vec::new();
    for pct in [80_u32, 120] {
        let share = Decimal::from(pct) / Decimal::ONE_HUNDRED;
        let mut rs = Vec::new();
        let mut cost = Decimal::ZERO;
        for m in FIRST_MONTH..n {
            let (rate, pnl) = rate_for(input, strategy, m, share)?;
            rs.push(rate);
            cost -= pnl * input.monthly_volume;
        }
        scenarios.push(VolumeScenario {
            volume_pct: pct,
            mean_rate: mean(&rs)?.round_dp(6),
            over_hedge_cost_per_month: (cost / Decimal::from(rs.len().max(1))).round_dp(2),
        });
    }
    let (worst_miss_pct, hit_rate_pct) = budget_stats(&input.months, &monthly);
    let (margin_calls, peak_collateral) = margin(input, strategy);
    Ok(StrategyReport {
        strategy,
        mean_rate: mean(&rates)?.round_dp(6),
        std_dev: std_dev(&rates)?.round_dp(6),
        variance_reduction,
        worst_miss_pct,
        hit_rate_pct,
        carry_bps: carry_bps(input, strategy),
        margin_calls,
        peak_collateral,
        scenarios,
        monthly,
    })
}

/// Runs the strategies; variance reduction is measured against unhedged.
pub fn run_backtest(
    input: &BacktestInput,
    strategies: &[HedgeStrategy],
) -> Result<Vec<StrategyReport>, FxError> {
    if input.months.len() < FIRST_MONTH + 2 {
        return Err(FxError::NotEnoughHistory(format!(
            "{} months; need at least {}",
            input.months.len(),
            FIRST_MONTH + 2
        )));
    }
    let unhedged = run_one(input, HedgeStrategy::Unhedged, None)?;
    let base_var = unhedged.std_dev * unhedged.std_dev;
    let unhedged_var =
        variance(&unhedged.monthly.iter().map(|(_, r)| *r).collect::<Vec<_>>()).unwrap_or(base_var);
    strategies
        .iter()
        .map(|s| run_one(input, *s, Some(unhedged_var)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(i: usize, spot: i64) -> BacktestMonth {
        let s = Decimal::new(spot, 2);
        BacktestMonth {
            label: format!("2020-{:02}", i + 1),
            spot: s,
            max_spot: s,
            forwards: [Some(s), Some(s), Some(s)],
        }
    }

    #[test]
    fn forwards_lock_the_rate_struck_earlier() {
        let spots = [700, 710, 690, 720, 680, 730, 700, 705];
        let input = BacktestInput {
            months: spots
                .iter()
                .enumerate()
                .map(|(i, s)| month(i, *s))
                .collect(),
            monthly_volume: Decimal::from(100_000),
            margin_call_bps: 300,
        };
        let all = run_backtest(&input, &HedgeStrategy::ALL).unwrap();
        let unhedged = &all[0];
        assert_eq!(unhedged.monthly[0].1, Decimal::new(720, 2));
        assert_eq!(unhedged.variance_reduction, Decimal::ZERO);
        let f1 = &all[1];
        // Month 3's rate is the forward struck in month 2 (= spot 6.90).
        assert_eq!(f1.monthly[0].1, Decimal::new(690, 2));
        let f3 = &all[2];
        assert_eq!(f3.monthly[0].1, Decimal::new(700, 2));
        // 6.80 at month 4 and 7.30 at month 5 are adverse moves of > 3%: calls on open forwards.
        assert!(f1.margin_calls + f3.margin_calls > 0);
        assert!(f3.peak_collateral > Decimal::ZERO);
        // Over-hedging at 80% volume with a full hedge costs (or gains) the excess at spot.
        assert_eq!(f1.scenarios[0].volume_pct, 80);
        assert_eq!(
            unhedged.scenarios[0].over_hedge_cost_per_month,
            Decimal::ZERO
        );
    }
}
