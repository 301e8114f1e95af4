//! Reads the pages share: a merchant's recent payments, balances per
//! currency and their daily history.

use std::collections::BTreeMap;

use corridor_core::ledger::AccountKind;
use corridor_core::{format_minor, Currency, Timestamp};
use corridor_store::{Owner, PaymentRecord};

use super::page::DashError;
use crate::state::AppState;

/// The most payments a page reads (filters, today's figures, the CSV).
pub const MAX_SCANNED_PAYMENTS: usize = 2000;
/// Payments per store read.
const PAGE: usize = 100;
/// Ledger postings read for the balance chart.
const MAX_HISTORY_POSTINGS: usize = 5000;
/// Micro-seconds in a day.
pub const DAY_MICROS: i64 = 86_400_000_000;

/// A merchant's payments, newest first, at most [`MAX_SCANNED_PAYMENTS`];
/// the flag says whether older ones were left out.
pub async fn recent_payments(
    state: &AppState,
    merchant: &str,
) -> Result<(Vec<PaymentRecord>, bool), DashError> {
    let mut out: Vec<PaymentRecord> = Vec::new();
    loop {
        let after = out.last().map(|p| p.id.clone());
        let page = state
            .store()
            .payments(merchant, PAGE, after.as_deref())
            .await?;
        out.extend(page.items);
        if !page.has_more {
            return Ok((out, false));
        }
        if out.len() >= MAX_SCANNED_PAYMENTS {
            return Ok((out, true));
        }
    }
}

/// Balances of one currency, formatted.
#[derive(Debug, Clone, Default)]
pub struct BalanceRow {
    /// ISO code.
    pub currency: String,
    /// Spendable now.
    pub available: String,
    /// Captured, not settled.
    pub pending: String,
    /// Held (payouts in flight, disputes).
    pub reserved: String,
}

/// Posted balances of one currency at the end of each of the last days.
#[derive(Debug, Clone)]
pub struct BalanceSeries {
    /// The currency.
    pub currency: Currency,
    /// Available (posted) at each day's end, oldest first, minor units.
    pub available: Vec<i64>,
    /// Pending at each day's end.
    pub pending: Vec<i64>,
}

/// A merchant's balances per currency, as the API's `/v1/balances` computes them.
pub async fn balances(state: &AppState, merchant: &str) -> Result<Vec<BalanceRow>, DashError> {
    let accounts = state
        .store()
        .balances(&Owner::Merchant(merchant.to_string()))
        .await?;
    let mut per: BTreeMap<&str, (Currency, i64, i64, i64)> = BTreeMap::new();
    for a in &accounts {
        let entry = per
            .entry(a.currency.code())
            .or_insert((a.currency, 0, 0, 0));
        match a.kind {
            AccountKind::MerchantAvailable => {
                entry.1 = a.posted.saturating_sub(a.held_out);
                entry.3 = a.held_out;
            }
            AccountKind::MerchantPending => entry.2 = a.posted,
            _ => {}
        }
    }
    Ok(per
        .into_values()
        .map(|(c, available, pending, reserved)| BalanceRow {
            currency: c.code().to_string(),
            available: format_minor(available, c),
            pending: format_minor(pending, c),
            reserved: format_minor(reserved, c),
        })
        .collect())
}

/// The day number (days since 1970-01-01, UTC) of a time.
pub fn day_of(t: Timestamp) -> i64 {
    t.unix_micros().div_euclid(DAY_MICROS)
}

/// Posted available and pending balances per currency at the end of each
/// of the `days` days ending today, from the ledger history.
pub async fn balance_history(
    state: &AppState,
    merchant: &str,
    days: usize,
) -> Result<Vec<BalanceSeries>, DashError> {
    let owner = Owner::Merchant(merchant.to_string());
    let page = state
        .store()
        .history(&owner, MAX_HISTORY_POSTINGS, None)
        .await?;
    let today = day_of(state.store().clock().now());
    let first = today - i64::try_from(days).unwrap_or(0) + 1;
    // Newest first: the first posting seen of an account on or before a day
    // is its balance at that day's end.
    let mut series: BTreeMap<&str, BalanceSeries> = BTreeMap::new();
    let accounts = state.store().balances(&owner).await?;
    for a in &accounts {
        let s = series.entry(a.currency.code()).or_insert(BalanceSeries {
            currency: a.currency,
            available: vec![0; days],
            pending: vec![0; days],
        });
        let target = match a.kind {
            AccountKind::MerchantAvailable => &mut s.available,
            AccountKind::MerchantPending => &mut s.pending,
            _ => continue,
        };
        let postings: Vec<(i64, i64)> = page
            .items
            .iter()
            .filter(|h| h.account == a.account)
            .map(|h| (day_of(h.created_at), h.balance_after))
            .collect();
        for (i, slot) in target.iter_mut().enumerate() {
            let day = first + i64::try_from(i).unwrap_or(0);
            *slot = postings
                .iter()
                .find(|(d, _)| *d <= day)
                .map_or(0, |(_, balance)| *balance);
        }
        if let Some(last) = target.last_mut() {
            *last = a.posted;
        }
    }
    Ok(series.into_values().collect())
}
