//! Value-at-risk by historical simulation.

use rust_decimal::{Decimal, RoundingStrategy};

use super::FxError;

/// Relative changes over `horizon` observations, overlapping:
/// `series[t + horizon] / series[t] − 1`.
pub fn returns(series: &[Decimal], horizon: usize) -> Vec<Decimal> {
    if horizon == 0 || series.len() <= horizon {
        return Vec::new();
    }
    series
        .windows(horizon + 1)
        .filter_map(|w| w[horizon].checked_div(w[0]).map(|r| r - Decimal::ONE))
        .collect()
}

/// A VaR figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarResult {
    /// The loss not exceeded with the given confidence (never negative), rounded up to 2 decimals.
    pub var: Decimal,
    /// Scenarios used.
    pub scenarios: usize,
}

/// VaR at `confidence_pct` (95, 99) from scenario profits and losses: the
/// `k`-th largest loss with `k = ⌈n·(1 − c)⌉` (the empirical quantile that
/// does not interpolate), rounded up to cents of the reporting currency.
pub fn historical_var(pnl: &[Decimal], confidence_pct: u32) -> Result<VarResult, FxError> {
    if confidence_pct == 0 || confidence_pct >= 100 {
        return Err(FxError::NotEnoughHistory(
            "confidence must be in (0, 100)".into(),
        ));
    }
    let n = pnl.len();
    let tail = (n * (100 - confidence_pct as usize)).div_ceil(100);
    if tail == 0 {
        return Err(FxError::NotEnoughHistory(format!("{n} scenarios")));
    }
    let mut losses: Vec<Decimal> = pnl.iter().map(|p| -*p).collect();
    losses.sort_unstable_by(|a, b| b.cmp(a));
    let var = losses[tail - 1]
        .max(Decimal::ZERO)
        .round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
    Ok(VarResult { var, scenarios: n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_empirical_quantile() {
        // 100 scenarios: losses 1..100. 95%: 5th largest loss = 96; 99%: 100.
        let pnl: Vec<Decimal> = (1..=100).map(|i| Decimal::from(-i)).collect();
        assert_eq!(historical_var(&pnl, 95).unwrap().var, Decimal::from(96));
        assert_eq!(historical_var(&pnl, 99).unwrap().var, Decimal::from(100));
        let gains: Vec<Decimal> = (1..=100).map(Decimal::from).collect();
        assert_eq!(historical_var(&gains, 95).unwrap().var, Decimal::ZERO);
        assert!(historical_var(&[], 95).is_err());
    }

    #[test]
    fn overlapping_returns() {
        let s: Vec<Decimal> = [100, 110, 121].iter().map(|v| Decimal::from(*v)).collect();
        assert_eq!(returns(&s, 1), vec![Decimal::new(1, 1), Decimal::new(1, 1)]);
        assert_eq!(returns(&s, 2), vec![Decimal::new(21, 2)]);
        assert!(returns(&s, 3).is_empty());
    }
}
