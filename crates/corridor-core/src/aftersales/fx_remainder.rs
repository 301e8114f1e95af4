//! Refunds across currencies: the buyer gets back the payment currency; a
//! merchant whose funds were converted since pays in its own currency at
//! today's rate, and the difference from the rate it was paid at (the FX
//! remainder) is booked to whoever the policy names.

use crate::{Amount, Currency, MoneyError, Rate, Rounding};

/// Who bears the FX remainder of a cross-currency refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemainderPolicy {
    /// The merchant pays today's price of the refund, gain or loss.
    Merchant,
    /// The merchant pays what it was paid for that part of the payment; the
    /// platform takes the gain or the loss.
    Platform,
}

impl RemainderPolicy {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RemainderPolicy::Merchant => "merchant",
            RemainderPolicy::Platform => "platform",
        }
    }

    /// The policy with this code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "merchant" => Some(RemainderPolicy::Merchant),
            "platform" => Some(RemainderPolicy::Platform),
            _ => None,
        }
    }
}

/// What a cross-currency refund moves, in the merchant's funding currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossCurrencyRefund {
    /// Today's price of the refund: what the platform's liquidity receives
    /// in the funding currency for paying the refund out in the payment
    /// currency (rounded up: the payer covers the fraction).
    pub at_today: Amount,
    /// What the merchant was paid for the refunded part at the original
    /// rate (rounded down, as it was paid out).
    pub at_original: Amount,
    /// What the merchant is debited.
    pub merchant_debit: Amount,
    /// `at_today - at_original`, signed: positive is a cost, negative a gain,
    /// of whoever the policy names.
    pub remainder: i64,
    /// The platform's share of it (0 under [`RemainderPolicy::Merchant`]).
    pub platform_remainder: i64,
}

/// Prices a refund of `amount` of `payment_currency` funded in
/// `funding_currency`, at `original` (the rate the merchant's funds were
/// converted at) and `today` (units of funding currency per payment
/// currency unit).
pub fn price_cross_currency_refund(
    amount: Amount,
    payment_currency: Currency,
    funding_currency: Currency,
    original: Rate,
    today: Rate,
    policy: RemainderPolicy,
) -> Result<CrossCurrencyRefund, MoneyError> {
    let at_today = today.convert(amount, payment_currency, funding_currency, Rounding::Up)?;
    let at_original =
        original.convert(amount, payment_currency, funding_currency, Rounding::Down)?;
    let remainder = at_today
        .minor()
        .checked_sub(at_original.minor())
        .ok_or(MoneyError::Overflow)?;
    let (merchant_debit, platform_remainder) = match policy {
        RemainderPolicy::Merchant => (at_today, 0),
        RemainderPolicy::Platform => (at_original, remainder),
    };
    Ok(CrossCurrencyRefund {
        at_today,
        at_original,
        merchant_debit,
        remainder,
        platform_remainder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remainder_goes_where_the_policy_says() {
        let jpy = Currency::parse("JPY").unwrap();
        let usd = Currency::parse("USD").unwrap();
        let refund = Amount::positive(10_000).unwrap(); // 10,000 JPY
                                                        // (original, today, policy, today's price, original price, merchant debit, remainder, platform)
        let cases = [
            (
                "0.0067",
                "0.0070",
                RemainderPolicy::Merchant,
                7000,
                6700,
                7000,
                300,
                0,
            ),
            (
                "0.0067",
                "0.0070",
                RemainderPolicy::Platform,
                7000,
                6700,
                6700,
                300,
                300,
            ),
            (
                "0.0070",
                "0.0067",
                RemainderPolicy::Merchant,
                6700,
                7000,
                6700,
                -300,
                0,
            ),
            (
                "0.0070",
                "0.0067",
                RemainderPolicy::Platform,
                6700,
                7000,
                7000,
                -300,
                -300,
            ),
            // Fractions: today rounds up, the original down.
            (
                "0.0067123",
                "0.0067123",
                RemainderPolicy::Platform,
                6713,
                6712,
                6712,
                1,
                1,
            ),
        ];
        for (original, today, policy, at_today, at_original, debit, remainder, platform) in cases {
            let priced = price_cross_currency_refund(
                refund,
                jpy,
                usd,
                Rate::parse(original).unwrap(),
                Rate::parse(today).unwrap(),
                policy,
            )
            .unwrap();
            assert_eq!(
                (
                    priced.at_today.minor(),
                    priced.at_original.minor(),
                    priced.merchant_debit.minor(),
                    priced.remainder,
                    priced.platform_remainder
                ),
                (at_today, at_original, debit, remainder, platform),
                "{original} -> {today} {policy:?}"
            );
        }
    }
}
