//! The FX objects as the service stores them (the store keeps the body as
//! opaque text): quotes, conversions, forwards, pricing versions and
//! auto-conversion rules. Amounts are minor units; rates decimal strings.

use serde::{Deserialize, Serialize};

/// A quote: a priced, time-limited offer to convert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// `quo_...`.
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold, sell minor units (the fee comes on top).
    pub sell_amount: i64,
    /// Bought, buy minor units.
    pub buy_amount: i64,
    /// Client rate, buy units per sell unit.
    pub rate: String,
    /// Mid-market rate, buy units per sell unit.
    pub mid_rate: String,
    /// Spread applied (markup included), bps.
    pub spread_bps: u32,
    /// The weekend/holiday markup inside `spread_bps`.
    pub markup_bps: u32,
    /// Lock fee, sell minor units.
    pub fee: i64,
    /// What the buy currency's liquidity pays out: `floor(sell × mid)`.
    pub buy_at_mid: i64,
    /// What the platform keeps of it, buy minor units.
    pub spread_amount: i64,
    /// `1m`, `15m`, `1h`, `24h`.
    pub lock_duration: String,
    /// The reference rates' date and source.
    pub rate_date: String,
    /// Source of the reference rates.
    pub rate_source: String,
    /// Pricing version used.
    pub pricing_version: i64,
    /// All-in cost against mid-market, percent.
    pub all_in_cost_pct: String,
    /// When the lock ends (µs since epoch).
    pub expires_at: i64,
    /// When it was made (µs).
    pub created_at: i64,
    /// `open` or `used`.
    pub status: String,
    /// The conversion that used it.
    pub conversion: Option<String>,
    /// The payout that used it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout: Option<String>,
}

/// A conversion: a quote executed on the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// `cnv_...` (derived from the quote: a quote converts once).
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// The quote.
    pub quote: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold (plus `fee`).
    pub sell_amount: i64,
    /// Bought.
    pub buy_amount: i64,
    /// Fee, sell minor units.
    pub fee: i64,
    /// Client rate.
    pub rate: String,
    /// Mid rate.
    pub mid_rate: String,
    /// Spread kept, buy minor units.
    pub spread_amount: i64,
    /// All-in cost, percent.
    pub all_in_cost_pct: String,
    /// `manual` or `auto` (the merchant's auto-conversion rule).
    pub trigger: String,
    /// `succeeded`.
    pub status: String,
    /// When (µs).
    pub created_at: i64,
}

/// A margin call on a forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginCall {
    /// 1, 2, ...
    pub number: u32,
    /// Extra collateral asked, sell minor units.
    pub amount: i64,
    /// Deadline (YYYY-MM-DD, TARGET business days after the call).
    pub due_by: String,
    /// `met` (held from the balance) or `due`.
    pub status: String,
    /// The day the hold meeting it was made (part of its ledger reference).
    pub held_on: Option<String>,
}

/// A part of a forward drawn down before maturity: that part is closed at
/// its mark-to-market result and its share of the collateral released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawdown {
    /// 1, 2, ...
    pub number: u32,
    /// Notional drawn, sell minor units.
    pub sell_amount: i64,
    /// Its share of the buy notional, buy minor units.
    pub buy_amount: i64,
    /// Mark-to-market result booked, buy minor units (the merchant's gain positive).
    pub realized: i64,
    /// Collateral released, sell minor units.
    pub collateral_released: i64,
    /// Collateral held for the rest (initial margin and met calls so far), sell minor units.
    pub collateral_held_after: i64,
    /// Margin calls made before it: their collateral is part of `collateral_held_after`.
    pub calls_before: usize,
    /// Whether the old collateral holds were replaced by one of `collateral_held_after`.
    pub collateral_swapped: bool,
    /// Day drawn, YYYY-MM-DD.
    pub drawn_on: String,
    /// When (µs).
    pub created_at: i64,
}

/// A forward contract: the merchant sells `sell_amount` at `forward_rate` on `maturity_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    /// `fwd_...`.
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold at maturity, sell minor units.
    pub sell_amount: i64,
    /// Bought at maturity, buy minor units.
    pub buy_amount: i64,
    /// Client forward rate (spread applied).
    pub forward_rate: String,
    /// Covered-interest-parity forward, before spread.
    pub forward_mid_rate: String,
    /// Spot at inception.
    pub spot_rate: String,
    /// Sell currency's policy rate (percent), its series and source.
    pub sell_interest: (String, String, String),
    /// Buy currency's policy rate (percent), its series and source.
    pub buy_interest: (String, String, String),
    /// Day counts (`ACT/360`, ...), sell then buy.
    pub day_counts: (String, String),
    /// Days from inception to maturity.
    pub days: i64,
    /// Inception date.
    pub trade_date: String,
    /// YYYY-MM-DD.
    pub maturity_date: String,
    /// Initial margin held, sell minor units.
    pub collateral: i64,
    /// Initial margin, bps.
    pub initial_margin_bps: u32,
    /// Holds reserving the collateral (initial, then one per met call).
    pub collateral_holds: Vec<i64>,
    /// When the holds expire (µs): well after maturity.
    pub collateral_expires_at: i64,
    /// Margin calls so far.
    pub margin_calls: Vec<MarginCall>,
    /// Latest mark-to-market, buy minor units (merchant's gain positive).
    pub mark_to_market: i64,
    /// Date of that mark.
    pub marked_on: String,
    /// `open`, `settled`, `closed` (early), `closed_margin` (margin call not met).
    pub status: String,
    /// Realised result when closed early, buy minor units.
    pub realized: Option<i64>,
    /// When (µs).
    pub created_at: i64,
    /// Parts drawn down before maturity, oldest first.
    #[serde(default)]
    pub drawdowns: Vec<Drawdown>,
}

/// A merchant's auto-conversion rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoConversionRule {
    /// Owner.
    pub merchant_id: String,
    /// `keep` or `convert_to_home`.
    pub mode: String,
    /// The home currency conversions go to.
    pub home_currency: String,
}
