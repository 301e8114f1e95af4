//! The buyers: one card payment per index, everything about it derived from
//! the seed and the index, so every strategy meets the same buyers at the
//! same times.

use corridor_connectors::sandbox::test_cards;
use corridor_connectors::{CardDetails, PaymentMethod};
use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};

use super::scenario::START;

/// Buyer markets: country, currency, share of payments in percent, and
/// roughly how many units of the currency a dollar buys (to draw amounts).
const MARKETS: [(&str, &str, u64, f64); 11] = [
    ("US", "USD", 30, 1.0),
    ("GB", "GBP", 10, 0.8),
    ("DE", "EUR", 9, 0.9),
    ("FR", "EUR", 7, 0.9),
    ("ES", "EUR", 3, 0.9),
    ("NL", "EUR", 4, 0.9),
    ("CA", "CAD", 5, 1.4),
    ("JP", "JPY", 10, 150.0),
    ("IN", "INR", 5, 83.0),
    ("BR", "BRL", 10, 5.0),
    ("MX", "MXN", 7, 17.0),
];

/// Smallest and largest basket, in dollars.
const BASKET_USD_MIN: f64 = 5.0;
const BASKET_USD_MAX: f64 = 500.0;

/// One buyer's card payment.
#[derive(Debug, Clone)]
pub struct Payment {
    /// `pay_<index>`.
    pub id: String,
    /// When the buyer pays.
    pub arrival: Timestamp,
    /// The buyer's market.
    pub country: CountryCode,
    /// The payment currency (the market's).
    pub currency: Currency,
    /// In the currency's minor unit.
    pub amount: Amount,
    /// The buyer's card.
    pub method: PaymentMethod,
    /// The random number the adaptive router gets for this payment.
    pub routing_draw: u64,
}

/// `count` payments arriving at random over `seconds` from [`START`], in
/// arrival order.
pub fn generate(seed: u64, count: usize, seconds: i64) -> anyhow::Result<Vec<Payment>> {
    let mut arrivals: Vec<i64> = (0..count)
        .map(|i| (unit(seed, i, 1) * (seconds * 1_000_000) as f64) as i64)
        .collect();
    // A Poisson process holding `count` arrivals is `count` sorted uniforms.
    arrivals.sort_unstable();
    arrivals
        .into_iter()
        .enumerate()
        .map(|(i, offset_us)| payment(seed, i, offset_us))
        .collect()
}

fn payment(seed: u64, index: usize, offset_us: i64) -> anyhow::Result<Payment> {
    let (country, currency, _, per_usd) = market(unit(seed, index, 2));
    let currency = Currency::parse(currency)?;
    let basket_usd = BASKET_USD_MIN * (BASKET_USD_MAX / BASKET_USD_MIN).powf(unit(seed, index, 3));
    let minor_per_major = 10f64.powi(i32::try_from(currency.exponent())?);
    let minor = (basket_usd * per_usd * minor_per_major).round().max(1.0) as i64;
    Ok(Payment {
        id: format!("pay_{index:07}"),
        arrival: Timestamp::from_unix_micros(START.unix_micros() + offset_us),
        country: CountryCode::parse(country)?,
        currency,
        amount: Amount::positive(minor)?,
        method: PaymentMethod::Card(CardDetails {
            number: card_number(seed, index)?,
            expiry: Expiry {
                month: 12,
                year: 2030,
            },
            cvc: "123".to_string(),
        }),
        routing_draw: mix(seed, index, 4),
    })
}

/// The market a uniform `u` in [0, 1) falls on, by share.
fn market(u: f64) -> (&'static str, &'static str, u64, f64) {
    let total: u64 = MARKETS.iter().map(|m| m.2).sum();
    let mut ticket = (u * total as f64) as u64;
    for market in MARKETS {
        if ticket < market.2 {
            return market;
        }
        ticket -= market.2;
    }
    MARKETS[0]
}

/// A 16-digit Visa number with a valid check digit that is none of the
/// sandbox's test cards (whose behaviour is scripted, not drawn).
fn card_number(seed: u64, index: usize) -> anyhow::Result<CardNumber> {
    let scripted = [
        test_cards::APPROVE,
        test_cards::GENERIC_DECLINE,
        test_cards::INSUFFICIENT_FUNDS,
        test_cards::REQUIRES_3DS,
        test_cards::PROCESSING_ERROR,
    ];
    for attempt in 0..8 {
        let bits = mix(seed, index, 5 + attempt);
        let body = format!("4{:014}", bits % 100_000_000_000_000);
        let number = format!(
            "{body}{}",
            corridor_core::payments::card::luhn_check_digit(&body)
        );
        if !scripted.contains(&number.as_str()) {
            return Ok(CardNumber::parse(&number)?);
        }
    }
    anyhow::bail!("no card number for payment {index}")
}

/// 64 random-looking bits from the seed, the payment and what they are for
/// (SplitMix64 over the three).
fn mix(seed: u64, index: usize, salt: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add((index as u64).wrapping_mul(0xd1b5_4a32_d192_ed03))
        .wrapping_add(salt.wrapping_mul(0x8cb9_2ba7_2f3d_8dd7));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from [`mix`].
fn unit(seed: u64, index: usize, salt: u64) -> f64 {
    (mix(seed, index, salt) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_cards_pass_the_luhn_check() {
        for index in 0..1_000 {
            assert!(card_number(7, index).is_ok(), "{index}");
        }
    }

    #[test]
    fn the_population_depends_on_the_seed_only() {
        let a = generate(3, 100, 3_600).unwrap();
        let b = generate(3, 100, 3_600).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.id == y.id
            && x.arrival == y.arrival
            && x.amount == y.amount
            && x.method == y.method));
        assert!(a.windows(2).all(|w| w[0].arrival <= w[1].arrival));
    }
}
