//! The home page: balances with their last 30 days, today's volume and
//! success rate by market and method, and what needs action.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::Response;
use corridor_core::aftersales::dispute::DisputeStatus;
use corridor_core::payments::status::PaymentStatus;
use corridor_core::{format_minor, Currency, Timestamp};
use corridor_store::PaymentRecord;

use super::chart;
use super::data::{balance_history, balances, day_of, recent_payments, BalanceRow};
use super::page::{render, DashError, Frame};
use super::session::{seconds_until, SignedIn};
use crate::state::AppState;

/// Days in the balance chart.
const CHART_DAYS: usize = 30;
/// Complaints due within this many seconds are listed as needing action.
const COMPLAINT_SOON_SECONDS: i64 = 3 * 86_400;
/// Items per list on the home page.
const MAX_ITEMS: usize = 50;

/// One currency's chart.
pub struct ChartView {
    /// ISO code.
    pub currency: String,
    /// Polyline points of available.
    pub available: String,
    /// Polyline points of pending.
    pub pending: String,
    /// The top of the scale, formatted.
    pub top: String,
    /// Width and height of the drawing.
    pub width: i64,
    /// Height.
    pub height: i64,
}

/// Today's figures for one market and method.
pub struct TodayRow {
    /// Country.
    pub country: String,
    /// Method.
    pub method: String,
    /// Payments created today.
    pub count: usize,
    /// Of which succeeded.
    pub succeeded: usize,
    /// Succeeded out of decided (succeeded or failed), in whole percent.
    pub success_rate: String,
    /// Succeeded volume per currency.
    pub volume: String,
}

/// Something that needs the merchant.
pub struct ActionItem {
    /// Where to go.
    pub href: String,
    /// What it is.
    pub label: String,
    /// How long is left.
    pub time_left: String,
    /// Seconds left when the page was made, for the live countdown (0: none).
    pub seconds_left: i64,
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage {
    frame: Frame,
    balances: Vec<BalanceRow>,
    charts: Vec<ChartView>,
    today: Vec<TodayRow>,
    actions: Vec<ActionItem>,
}

/// Renders the home page.
pub async fn page(state: &AppState, who: &SignedIn) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let now = state.store().clock().now();
    let history = balance_history(state, merchant, CHART_DAYS).await?;
    let charts = history
        .iter()
        .map(|s| {
            let (max, min) = chart::range([s.available.as_slice(), s.pending.as_slice()]);
            ChartView {
                currency: s.currency.code().to_string(),
                available: chart::polyline(&s.available, max, min),
                pending: chart::polyline(&s.pending, max, min),
                top: format_minor(max, s.currency),
                width: chart::WIDTH,
                height: chart::HEIGHT,
            }
        })
        .collect();
    let (payments, _) = recent_payments(state, merchant).await?;
    let mut actions = dispute_actions(state, merchant, now).await?;
    actions.extend(complaint_actions(state, merchant, now).await?);
    actions.extend(
        payments
            .iter()
            .filter(|p| p.status == PaymentStatus::RequiresCapture)
            .take(MAX_ITEMS)
            .map(|p| ActionItem {
                href: format!("/payments/{}", p.id),
                label: format!("Capture {} ({})", format_minor(p.amount, p.currency), p.id),
                time_left: p
                    .expires_at
                    .map(|t| countdown(seconds_until(now, t)))
                    .unwrap_or_default(),
                seconds_left: p.expires_at.map_or(0, |t| seconds_until(now, t)),
            }),
    );
    let page = HomePage {
        frame: Frame::new(who, "Home", "home"),
        balances: balances(state, merchant).await?,
        charts,
        today: today_rows(&payments, now),
        actions,
    };
    Ok(render(&page))
}

/// `2d 4h`, `3h 12m`, `45m`, or `overdue`.
pub fn countdown(seconds: i64) -> String {
    if seconds <= 0 {
        return "overdue".into();
    }
    let (d, h, m) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

async fn dispute_actions(
    state: &AppState,
    merchant: &str,
    now: Timestamp,
) -> Result<Vec<ActionItem>, DashError> {
    let Some(service) = state.after_sales() else {
        return Ok(Vec::new());
    };
    let (disputes, _) = service
        .disputes(Some(merchant), crate::routes::MAX_PAGE, None)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    Ok(disputes
        .iter()
        .filter(|d| d.status == DisputeStatus::NeedsResponse)
        .map(|d| ActionItem {
            href: format!("/disputes#{}", d.id),
            label: format!(
                "Answer dispute {} ({}, {})",
                d.id,
                format_minor(d.amount.minor(), d.currency),
                d.category.code()
            ),
            time_left: countdown(seconds_until(now, d.evidence_due_by)),
            seconds_left: seconds_until(now, d.evidence_due_by),
        })
        .collect())
}

async fn complaint_actions(
    state: &AppState,
    merchant: &str,
    now: Timestamp,
) -> Result<Vec<ActionItem>, DashError> {
    let Some(service) = state.after_sales() else {
        return Ok(Vec::new());
    };
    let (complaints, _) = service
        .complaints(Some(merchant), crate::routes::MAX_PAGE, None)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    Ok(complaints
        .iter()
        .filter(|c| c.resolved_at.is_none())
        .filter(|c| seconds_until(now, c.respond_by) <= COMPLAINT_SOON_SECONDS)
        .map(|c| ActionItem {
            href: format!("/complaints#{}", c.id),
            label: format!("Answer complaint {} ({})", c.id, c.category.code()),
            time_left: countdown(seconds_until(now, c.respond_by)),
            seconds_left: seconds_until(now, c.respond_by),
        })
        .collect())
}

fn today_rows(payments: &[PaymentRecord], now: Timestamp) -> Vec<TodayRow> {
    type Tally = (usize, usize, usize, BTreeMap<&'static str, (Currency, i64)>);
    let today = day_of(now);
    let mut groups: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for p in payments.iter().filter(|p| day_of(p.created_at) == today) {
        let t = groups
            .entry((p.country.clone(), p.method_type.code().to_string()))
            .or_default();
        t.0 += 1;
        match p.status {
            PaymentStatus::Succeeded | PaymentStatus::RequiresCapture => {
                t.1 += 1;
                let v = t.3.entry(p.currency.code()).or_insert((p.currency, 0));
                v.1 = v.1.saturating_add(p.amount);
            }
            PaymentStatus::Failed => t.2 += 1,
            PaymentStatus::RequiresPaymentMethod
            | PaymentStatus::RequiresAction
            | PaymentStatus::Processing
            | PaymentStatus::Canceled => {}
        }
    }
    groups
        .into_iter()
        .map(
            |((country, method), (count, ok, failed, volume))| TodayRow {
                country,
                method,
                count,
                succeeded: ok,
                success_rate: match ok + failed {
                    0 => "–".into(),
                    decided => format!("{}%", ok * 100 / decided),
                },
                volume: volume
                    .values()
                    .map(|(c, v)| format_minor(*v, *c))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn countdowns_read_naturally() {
        assert_eq!(super::countdown(-5), "overdue");
        assert_eq!(super::countdown(45 * 60), "45m");
        assert_eq!(super::countdown(3 * 3600 + 12 * 60), "3h 12m");
        assert_eq!(super::countdown(2 * 86_400 + 4 * 3600), "2d 4h");
    }
}
