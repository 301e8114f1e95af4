//! Forward rates by covered interest parity, collateral and mark-to-market.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{FxError, RATE_SIGNIFICANT_DIGITS};
use crate::{Amount, Currency, Rate};

/// The longest forward: 24 months (731 days covers any two years).
pub const MAX_FORWARD_DAYS: i64 = 731;

/// How a currency's money market counts days in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayCount {
    /// Actual days over 360 (USD, EUR, CNY, and by default).
    Act360,
    /// Actual days over 365 (GBP, JPY and other Commonwealth-style markets).
    Act365,
}

impl DayCount {
    /// The money-market convention of a currency.
    pub fn for_currency(currency: Currency) -> DayCount {
        match currency.code() {
            "GBP" | "JPY" | "AUD" | "NZD" | "CAD" | "HKD" | "SGD" | "ZAR" | "INR" => {
                DayCount::Act365
            }
            _ => DayCount::Act360,
        }
    }

    /// Days in its year basis.
    pub fn basis(self) -> Decimal {
        match self {
            DayCount::Act360 => Decimal::from(360),
            DayCount::Act365 => Decimal::from(365),
        }
    }

    /// `ACT/360` or `ACT/365`.
    pub fn code(self) -> &'static str {
        match self {
            DayCount::Act360 => "ACT/360",
            DayCount::Act365 => "ACT/365",
        }
    }
}

fn accrual(rate_pct: Decimal, days: i64, count: DayCount) -> Option<Decimal> {
    let rate = rate_pct.checked_div(Decimal::ONE_HUNDRED)?;
    Decimal::ONE.checked_add(
        rate.checked_mul(Decimal::from(days))?
            .checked_div(count.basis())?,
    )
}

/// `F = S·(1 + r_quote·d/B_quote) / (1 + r_base·d/B_base) + basis`: units of
/// `quote` per `base` for delivery in `days`, each rate in percent per year
/// with its currency's day count. Rounded half-even to
/// [`RATE_SIGNIFICANT_DIGITS`] significant digits.
pub fn cip_forward_rate(
    spot: Rate,
    days: i64,
    base: (Currency, Decimal),
    quote: (Currency, Decimal),
    basis: Decimal,
) -> Result<Rate, FxError> {
    let up = accrual(quote.1, days, DayCount::for_currency(quote.0)).ok_or(FxError::Overflow)?;
    let down = accrual(base.1, days, DayCount::for_currency(base.0)).ok_or(FxError::Overflow)?;
    let forward = spot
        .value()
        .checked_mul(up)
        .and_then(|v| v.checked_div(down))
        .and_then(|v| v.checked_add(basis))
        .and_then(|v| {
            v.round_sf_with_strategy(
                RATE_SIGNIFICANT_DIGITS,
                RoundingStrategy::MidpointNearestEven,
            )
        })
        .ok_or(FxError::Overflow)?;
    Rate::new(forward.normalize()).map_err(|_| FxError::Overflow)
}

/// Initial margin by tenor: 3% up to one month, 5% up to six, 10% beyond.
pub fn initial_margin_bps(days: i64) -> u32 {
    match days {
        d if d <= 31 => 300,
        d if d <= 183 => 500,
        _ => 1_000,
    }
}

/// When a margin call is made and how long the merchant has to meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginPolicy {
    /// A call for each further adverse move of this size, in bps of the notional.
    pub call_step_bps: u32,
    /// Business days to meet a call before the position is closed.
    pub due_business_days: u32,
}

impl Default for MarginPolicy {
    fn default() -> Self {
        MarginPolicy {
            call_step_bps: 300,
            due_business_days: 2,
        }
    }
}

impl MarginPolicy {
    /// How many calls a loss of `loss_minor` on a notional of
    /// `notional_minor` (both in the same currency) has triggered in all.
    pub fn calls_for_loss(&self, loss_minor: i64, notional_minor: i64) -> u32 {
        if loss_minor <= 0 || notional_minor <= 0 || self.call_step_bps == 0 {
            return 0;
        }
        let step = i128::from(notional_minor) * i128::from(self.call_step_bps);
        let calls = i128::from(loss_minor) * 10_000 / step;
        u32::try_from(calls).unwrap_or(u32::MAX)
    }

    /// The amount of one call: the step of the notional, rounded up.
    pub fn call_amount(&self, notional_minor: i64) -> i64 {
        let v = i128::from(notional_minor) * i128::from(self.call_step_bps);
        i64::try_from((v + 9_999) / 10_000).unwrap_or(i64::MAX)
    }
}

/// A forward as priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardTerms {
    /// Spot, buy per sell.
    pub spot_rate: Rate,
    /// Forward, buy per sell.
    pub forward_rate: Rate,
    /// Days to maturity.
    pub days: i64,
    /// Sold at maturity.
    pub sell_amount: Amount,
    /// Bought at maturity (rounded down).
    pub buy_amount: Amount,
    /// Collateral held now, in the sell currency (initial margin, rounded up).
    pub collateral: Amount,
}

/// The merchant's result on a forward selling `sell_amount` at `locked`
/// when the same forward is now worth `current` (both buy per sell), in
/// buy-currency minor units: positive is a gain. A loss is rounded away
/// from zero and a gain toward zero: the fraction goes to the platform.
pub fn mark_to_market(
    sell_amount: Amount,
    sell: Currency,
    buy: Currency,
    locked: Rate,
    current: Rate,
) -> Result<i64, FxError> {
    let major = Decimal::from(sell_amount.minor()) / Decimal::from(10_i64.pow(sell.exponent()));
    let diff = locked.value() - current.value();
    let value = major
        .checked_mul(diff)
        .and_then(|v| v.checked_mul(Decimal::from(10_i64.pow(buy.exponent()))))
        .ok_or(FxError::Overflow)?;
    let rounded = value.round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity);
    i64::try_from(rounded).map_err(|_| FxError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    #[test]
    fn cip_uses_each_currency_day_count() {
        // USD/JPY spot 150, USD 5% ACT/360, JPY 0.5% ACT/365, 90 days:
        // 150 × (1 + 0.005×90/365) / (1 + 0.05×90/360) = 148.3308...
        let f = cip_forward_rate(
            Rate::parse("150").unwrap(),
            90,
            (cur("USD"), Decimal::new(5, 0)),
            (cur("JPY"), Decimal::new(5, 1)),
            Decimal::ZERO,
        )
        .unwrap();
        let expected = Decimal::from(150)
            * (Decimal::ONE + Decimal::new(5, 3) * Decimal::from(90) / Decimal::from(365))
            / (Decimal::ONE + Decimal::new(5, 2) * Decimal::from(90) / Decimal::from(360));
        assert_eq!(f.value(), expected.round_sf(10).unwrap().normalize());
        assert!(
            f.value().to_string().starts_with("148.3307"),
            "{}",
            f.value()
        );
        // Equal rates and day counts: forward = spot.
        let flat = cip_forward_rate(
            Rate::parse("7.1").unwrap(),
            180,
            (cur("USD"), Decimal::ONE),
            (cur("EUR"), Decimal::ONE),
            Decimal::ZERO,
        )
        .unwrap();
        assert_eq!(flat.value(), Decimal::new(71, 1));
    }

    #[test]
    fn margin_by_tenor_and_calls_by_step() {
        assert_eq!(initial_margin_bps(30), 300);
        assert_eq!(initial_margin_bps(120), 500);
        assert_eq!(initial_margin_bps(400), 1_000);
        let p = MarginPolicy::default();
        assert_eq!(p.calls_for_loss(2_999, 100_000), 0);
        assert_eq!(p.calls_for_loss(3_000, 100_000), 1);
        assert_eq!(p.calls_for_loss(9_100, 100_000), 3);
    }

    #[test]
    fn mark_to_market_rounds_losses_up() {
        // Sold 100.00 USD at 7.10 CNY; the forward is now 7.15: loss 5.00 CNY.
        let m = mark_to_market(
            Amount::positive(10_000).unwrap(),
            cur("USD"),
            cur("CNY"),
            Rate::parse("7.10").unwrap(),
            Rate::parse("7.15").unwrap(),
        )
        .unwrap();
        assert_eq!(m, -500);
        let m = mark_to_market(
            Amount::positive(10_001).unwrap(),
            cur("USD"),
            cur("CNY"),
            Rate::parse("7.10").unwrap(),
            Rate::parse("7.15").unwrap(),
        )
        .unwrap();
        assert_eq!(m, -501);
    }
}
