//! Exchange for cross-currency payouts, behind a small trait: the FX
//! service implements it (`fx_service.rs`), with its quotes, locks, pricing
//! and staleness rules.

use std::future::Future;
use std::pin::Pin;

use corridor_core::{Amount, Currency, Rate, Timestamp};

use super::PayoutError;
use crate::fx::Quote;

/// A boxed future, so the trait stays object-safe.
pub type FxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which side of the exchange is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FxAmount {
    /// Sell exactly this much.
    Sell(Amount),
    /// Buy exactly this much.
    Buy(Amount),
}

/// A firm price for one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxQuote {
    /// The quote's id (`quo_...`).
    pub id: Option<String>,
    /// Currency sold (the balance paid from).
    pub sell_currency: Currency,
    /// Currency bought (the beneficiary's).
    pub buy_currency: Currency,
    /// Amount sold (the FX fee comes on top).
    pub sell_amount: Amount,
    /// Amount bought: what the beneficiary receives.
    pub buy_amount: Amount,
    /// The FX fee (the lock's price), in the sell currency.
    pub fee: Amount,
    /// What the buy currency's liquidity pays out at mid-market; the
    /// platform keeps `buy_at_mid - buy_amount` (the spread).
    pub buy_at_mid: Amount,
    /// Units of `buy_currency` per unit of `sell_currency`, spread included.
    pub rate: Rate,
    /// Mid-market rate, same units.
    pub mid_rate: Rate,
    /// When the quote's lock ends.
    pub expires_at: Timestamp,
    /// Where the rate comes from (the reference rates' source).
    pub source: String,
    /// The stored quote and the version it was read at: the payout's write
    /// marks it used, so it pays out once.
    pub stored: Option<(Quote, i64)>,
}

/// Quoting exchanges for payouts.
pub trait PayoutFx: Send + Sync + std::fmt::Debug {
    /// Makes (and stores) a quote for `merchant` to sell `sell` and buy
    /// `buy`, one side fixed.
    fn quote<'a>(
        &'a self,
        merchant: &'a str,
        sell: Currency,
        buy: Currency,
        amount: FxAmount,
    ) -> FxFuture<'a, Result<FxQuote, PayoutError>>;

    /// A quote the merchant made before, by id: refused when unknown,
    /// another pair, used or expired.
    fn find_quote<'a>(
        &'a self,
        merchant: &'a str,
        id: &'a str,
        sell: Currency,
        buy: Currency,
    ) -> FxFuture<'a, Result<FxQuote, PayoutError>>;

    /// The value of `amount` of `currency` in USD at mid-market, rounded up
    /// (for limits expressed in USD).
    fn usd_value(&self, amount: Amount, currency: Currency) -> Result<Amount, PayoutError>;
}
