//! Statistics for risk and backtests: mean, standard deviation, the Kupiec
//! proportion-of-failures test and the Basel traffic light.

use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;

use super::FxError;

/// The 95% critical value of a chi-square with one degree of freedom.
pub const CHI2_1DF_95: Decimal = Decimal::from_parts(3_841_458_821, 0, 0, false, 9);

/// Arithmetic mean.
pub fn mean(values: &[Decimal]) -> Result<Decimal, FxError> {
    if values.is_empty() {
        return Err(FxError::NotEnoughHistory("no values".into()));
    }
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
        .ok_or(FxError::Overflow)?;
    Ok(sum / Decimal::from(values.len()))
}

/// Sample variance (divides by n − 1).
pub fn variance(values: &[Decimal]) -> Result<Decimal, FxError> {
    if values.len() < 2 {
        return Err(FxError::NotEnoughHistory("need two values".into()));
    }
    let m = mean(values)?;
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |acc, v| {
            let d = *v - m;
            acc.checked_add(d.checked_mul(d)?)
        })
        .ok_or(FxError::Overflow)?;
    Ok(sum / Decimal::from(values.len() - 1))
}

/// Sample standard deviation.
pub fn std_dev(values: &[Decimal]) -> Result<Decimal, FxError> {
    variance(values)?.sqrt().ok_or(FxError::Overflow)
}

/// The Kupiec proportion-of-failures test of a VaR model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KupiecResult {
    /// Observations.
    pub observations: u32,
    /// Losses beyond the VaR.
    pub exceptions: u32,
    /// Expected exception rate (0.01 for 99%).
    pub expected_rate: Decimal,
    /// The likelihood-ratio statistic (chi-square, 1 df).
    pub lr: Decimal,
    /// Whether the model is rejected at 95% (LR above 3.841).
    pub rejected: bool,
}

fn x_ln_y(x: Decimal, y: Decimal) -> Decimal {
    if x.is_zero() {
        Decimal::ZERO
    } else {
        x * y.ln()
    }
}

/// `LR = −2 ln[(1−p)^(n−x) p^x] + 2 ln[(1−x/n)^(n−x) (x/n)^x]`.
pub fn kupiec_pof(
    observations: u32,
    exceptions: u32,
    expected_rate: Decimal,
) -> Result<KupiecResult, FxError> {
    if observations == 0
        || exceptions > observations
        || expected_rate <= Decimal::ZERO
        || expected_rate >= Decimal::ONE
    {
        return Err(FxError::NotEnoughHistory(
            "Kupiec needs observations and a rate in (0, 1)".into(),
        ));
    }
    let n = Decimal::from(observations);
    let x = Decimal::from(exceptions);
    let observed = x / n;
    let null = x_ln_y(n - x, Decimal::ONE - expected_rate) + x_ln_y(x, expected_rate);
    let alt = x_ln_y(n - x, Decimal::ONE - observed) + x_ln_y(x, observed);
    let lr = (Decimal::TWO * (alt - null)).max(Decimal::ZERO).round_dp(4);
    Ok(KupiecResult {
        observations,
        exceptions,
        expected_rate,
        lr,
        rejected: lr > CHI2_1DF_95,
    })
}

/// The Basel Committee's traffic light for 99% VaR over 250 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselZone {
    /// 0-4 exceptions.
    Green,
    /// 5-9 exceptions.
    Yellow,
    /// 10 or more.
    Red,
}

impl BaselZone {
    /// `green`, `yellow`, `red`.
    pub fn code(self) -> &'static str {
        match self {
            BaselZone::Green => "green",
            BaselZone::Yellow => "yellow",
            BaselZone::Red => "red",
        }
    }
}

/// The zone for a number of exceptions in 250 days at 99%.
pub fn basel_zone(exceptions_in_250: u32) -> BaselZone {
    match exceptions_in_250 {
        0..=4 => BaselZone::Green,
        5..=9 => BaselZone::Yellow,
        _ => BaselZone::Red,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_std() {
        let v: Vec<Decimal> = [2, 4, 4, 4, 5, 5, 7, 9]
            .iter()
            .map(|n| Decimal::from(*n))
            .collect();
        assert_eq!(mean(&v).unwrap(), Decimal::from(5));
        // Sample variance 32/7.
        assert_eq!(
            variance(&v).unwrap().round_dp(6),
            (Decimal::from(32) / Decimal::from(7)).round_dp(6)
        );
    }

    #[test]
    fn kupiec_matches_the_textbook_value() {
        // n = 250, x = 10, p = 0.01: LR ≈ 12.95 (rejected); x = 2: LR ≈ 0.10.
        let bad = kupiec_pof(250, 10, Decimal::new(1, 2)).unwrap();
        assert!(bad.rejected);
        assert!(
            (bad.lr - Decimal::new(1295, 2)).abs() < Decimal::new(5, 2),
            "{}",
            bad.lr
        );
        let good = kupiec_pof(250, 2, Decimal::new(1, 2)).unwrap();
        assert!(!good.rejected);
        assert!(good.lr < Decimal::new(2, 1), "{}", good.lr);
        // No exception at all in 250 days is also too few for 99%: LR = 5.03.
        assert!(kupiec_pof(250, 0, Decimal::new(1, 2)).unwrap().rejected);
    }

    #[test]
    fn traffic_light() {
        assert_eq!(basel_zone(4), BaselZone::Green);
        assert_eq!(basel_zone(5), BaselZone::Yellow);
        assert_eq!(basel_zone(10), BaselZone::Red);
    }
}
