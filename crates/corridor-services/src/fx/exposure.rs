//! A merchant's currency exposure: balances, expected receivables, hedges,
//! the net open position in the home currency, and value-at-risk by
//! historical simulation on the reference-rate history.

use std::collections::BTreeMap;

use corridor_core::fx::{historical_var, returns, Day};
use corridor_core::ledger::AccountKind;
use corridor_core::payments::status::PaymentStatus;
use corridor_core::Currency;
use corridor_store::Owner;
use rust_decimal::{Decimal, RoundingStrategy};

use super::dates::{iso, today};
use super::objects::Forward;
use super::service::FxService;
use super::FxServiceError;

/// Observations of history the simulation uses (about two years).
pub const VAR_WINDOW_DAYS: usize = 500;
/// Observations in the "30-day" horizon: 30 calendar days are about 21 TARGET business days.
pub const VAR_30D_OBSERVATIONS: usize = 21;
/// Payments read for expected receivables.
const MAX_PAYMENTS_READ: usize = 2_000;
/// Forwards read for hedged amounts.
const MAX_FORWARDS_READ: usize = 2_000;

/// VaR figures, home minor units (losses, rounded up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VarFigures {
    /// 95%, 1 day.
    pub var_95_1d: i64,
    /// 99%, 1 day.
    pub var_99_1d: i64,
    /// 95%, 30 days.
    pub var_95_30d: i64,
    /// 99%, 30 days.
    pub var_99_30d: i64,
}

/// One currency's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyExposure {
    /// The currency.
    pub currency: Currency,
    /// available + pending (minor units).
    pub balance: i64,
    /// Reserved by holds (collateral, ...), minor units.
    pub reserved: i64,
    /// Pending payments not captured yet, minor units.
    pub expected_receivables: i64,
    /// Sold forward and not yet delivered, minor units.
    pub hedged: i64,
    /// balance + receivables − hedged, minor units.
    pub net_open: i64,
    /// The same in the home currency at today's mid (half-even), home minor units.
    pub net_open_home: i64,
    /// VaR of this position alone.
    pub var: VarFigures,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Home currency.
    pub home: Currency,
    /// Reference date of the rates used.
    pub as_of: String,
    /// Per currency.
    pub currencies: Vec<CurrencyExposure>,
    /// VaR of all positions together (scenarios summed day by day).
    pub total_var: VarFigures,
    /// Scenarios in the 1-day simulation.
    pub scenarios: usize,
}

fn to_minor_up(major_loss: Decimal, home: Currency) -> i64 {
    let scaled = major_loss * Decimal::from(10_i64.pow(home.exponent()));
    i64::try_from(scaled.round_dp_with_strategy(0, RoundingStrategy::AwayFromZero))
        .unwrap_or(i64::MAX)
}

fn figures(pnl_1d: &[Decimal], pnl_30d: &[Decimal], home: Currency) -> VarFigures {
    let v = |pnl: &[Decimal], c| historical_var(pnl, c).map_or(0, |r| to_minor_up(r.var, home));
    VarFigures {
        var_95_1d: v(pnl_1d, 95),
        var_99_1d: v(pnl_1d, 99),
        var_95_30d: v(pnl_30d, 95),
        var_99_30d: v(pnl_30d, 99),
    }
}

impl FxService {
    /// The merchant's exposure now.
    pub async fn exposure(
        &self,
        merchant: &str,
        home: Currency,
    ) -> Result<Exposure, FxServiceError> {
        let mut positions: BTreeMap<Currency, CurrencyExposure> = BTreeMap::new();
        let owner = Owner::Merchant(merchant.to_string());
        for b in self.store().balances(&owner).await? {
            let p = positions
                .entry(b.currency)
                .or_insert_with(|| blank(b.currency));
            match b.kind {
                AccountKind::MerchantAvailable | AccountKind::MerchantPending => {
                    p.balance = p.balance.saturating_add(b.posted);
                    p.reserved = p.reserved.saturating_add(b.held_out);
                }
                _ => {}
            }
        }
        let mut after: Option<String> = None;
        let mut read = 0;
        while read < MAX_PAYMENTS_READ {
            let page = self
                .store()
                .payments(merchant, 100, after.as_deref())
                .await?;
            read += page.items.len();
            for pay in &page.items {
                if matches!(
                    pay.status,
                    PaymentStatus::Processing
                        | PaymentStatus::RequiresCapture
                        | PaymentStatus::RequiresAction
                ) {
                    let p = positions
                        .entry(pay.currency)
                        .or_insert_with(|| blank(pay.currency));
                    p.expected_receivables = p
                        .expected_receivables
                        .saturating_add(pay.amount - pay.amount_captured);
                }
            }
            after = page.items.last().map(|p| p.id.clone());
            if !page.has_more {
                break;
            }
        }
        for f in self.open_forwards(merchant, MAX_FORWARDS_READ).await? {
            if let Ok(c) = Currency::parse(&f.sell_currency) {
                let p = positions.entry(c).or_insert_with(|| blank(c));
                p.hedged = p.hedged.saturating_add(f.sell_amount);
            }
        }
        let day = today(self.now());
        self.with_history(|h| {
            let as_of = h.on_or_before(day).map(|r| r.day).unwrap_or(day);
            let from = Day(as_of.0 - 800);
            let mut total_1d: BTreeMap<usize, Decimal> = BTreeMap::new();
            let mut total_30d: BTreeMap<usize, Decimal> = BTreeMap::new();
            let mut scenarios = 0;
            let mut currencies = Vec::new();
            for (_, mut p) in positions {
                p.net_open = p
                    .balance
                    .saturating_add(p.expected_receivables)
                    .saturating_sub(p.hedged);
                if p.currency != home {
                    let series: Vec<Decimal> = h
                        .series(p.currency, home, from, as_of)
                        .into_iter()
                        .map(|(_, r)| r)
                        .collect();
                    let window = &series[series
                        .len()
                        .saturating_sub(VAR_WINDOW_DAYS + VAR_30D_OBSERVATIONS)..];
                    if let Some(spot) = window.last() {
                        let major = Decimal::from(p.net_open)
                            / Decimal::from(10_i64.pow(p.currency.exponent()));
                        let home_major = major * *spot;
                        p.net_open_home = i64::try_from(
                            (home_major * Decimal::from(10_i64.pow(home.exponent())))
                                .round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven),
                        )
                        .unwrap_or(i64::MAX);
                        let r1: Vec<Decimal> = returns(window, 1);
                        let r30: Vec<Decimal> = returns(window, VAR_30D_OBSERVATIONS);
                        let p1: Vec<Decimal> = r1.iter().map(|r| home_major * *r).collect();
                        let p30: Vec<Decimal> = r30.iter().map(|r| home_major * *r).collect();
                        // Align scenarios from the most recent backwards, so
                        // the same index is the same day for every currency.
                        for (i, v) in p1.iter().rev().enumerate() {
                            *total_1d.entry(i).or_default() += *v;
                        }
                        for (i, v) in p30.iter().rev().enumerate() {
                            *total_30d.entry(i).or_default() += *v;
                        }
                        scenarios = scenarios.max(p1.len());
                        p.var = figures(&p1, &p30, home);
                    }
                } else {
                    p.net_open_home = p.net_open;
                }
                currencies.push(p);
            }
            let t1: Vec<Decimal> = total_1d.into_values().collect();
            let t30: Vec<Decimal> = total_30d.into_values().collect();
            Ok(Exposure {
                home,
                as_of: iso(as_of),
                total_var: figures(&t1, &t30, home),
                currencies,
                scenarios,
            })
        })
    }

    /// The merchant's open forwards.
    pub async fn open_forwards(
        &self,
        merchant: &str,
        max: usize,
    ) -> Result<Vec<Forward>, FxServiceError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store()
                .fx_objects("forward", merchant, 100, after.as_deref())
                .await?;
            for r in &page.items {
                if r.status == "open" {
                    out.push(
                        serde_json::from_str(&r.body)
                            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
                    );
                }
            }
            after = page.items.last().map(|r| r.id.clone());
            if !page.has_more || out.len() >= max {
                break;
            }
        }
        Ok(out)
    }
}

fn blank(c: Currency) -> CurrencyExposure {
    CurrencyExposure {
        currency: c,
        balance: 0,
        reserved: 0,
        expected_receivables: 0,
        hedged: 0,
        net_open: 0,
        net_open_home: 0,
        var: VarFigures::default(),
    }
}
