//! Complaint reports per market: counts, time to first response,
//! resolution mix, refund amounts, overdue.

use std::collections::BTreeMap;

use corridor_core::aftersales::complaint::ComplaintStatus;
use corridor_core::Currency;

use super::super::{AfterSalesError, AfterSalesService};
use super::Complaint;

/// Most complaints one report reads.
pub const REPORT_COMPLAINTS_MAX: usize = 10_000;

/// One market's complaint figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintReport {
    /// The market (ISO 3166-1 alpha-2).
    pub country: String,
    /// Complaints received.
    pub total: i64,
    /// By status code.
    pub by_status: BTreeMap<String, i64>,
    /// By category code.
    pub by_category: BTreeMap<String, i64>,
    /// Answered ones: mean seconds to the first response (rounded down).
    pub mean_first_response_seconds: Option<i64>,
    /// Answered ones: the longest wait for a first response, in seconds.
    pub max_first_response_seconds: Option<i64>,
    /// Resolutions: `refund`, `reject`, `escalated`.
    pub resolutions: BTreeMap<String, i64>,
    /// Refunded by currency, in minor units.
    pub refunded: BTreeMap<String, i64>,
    /// Open past their deadline now.
    pub overdue: i64,
}

impl AfterSalesService {
    /// A merchant's complaint figures per market (one market with `country`).
    pub async fn complaint_reports(
        &self,
        merchant: Option<&str>,
        country: Option<&str>,
    ) -> Result<Vec<ComplaintReport>, AfterSalesError> {
        let now = self.now();
        let (items, _) = self
            .complaints(merchant, REPORT_COMPLAINTS_MAX, None)
            .await?;
        let mut reports: BTreeMap<String, (ComplaintReport, i64, i64)> = BTreeMap::new();
        for c in items
            .iter()
            .filter(|c| country.is_none_or(|k| k == c.country))
        {
            let (report, waits, answered) = reports.entry(c.country.clone()).or_insert_with(|| {
                (
                    ComplaintReport {
                        country: c.country.clone(),
                        ..ComplaintReport::default()
                    },
                    0,
                    0,
                )
            });
            add(report, c, now, waits, answered);
        }
        Ok(reports
            .into_values()
            .map(|(mut report, waits, answered)| {
                report.mean_first_response_seconds = (answered > 0).then(|| waits / answered);
                report
            })
            .collect())
    }
}

fn add(
    report: &mut ComplaintReport,
    c: &Complaint,
    now: corridor_core::Timestamp,
    waits: &mut i64,
    answered: &mut i64,
) {
    report.total += 1;
    *report.by_status.entry(c.status.code().into()).or_default() += 1;
    *report
        .by_category
        .entry(c.category.code().into())
        .or_default() += 1;
    if let Some(first) = c.first_response_at {
        let wait = (first.unix_micros() - c.received_at.unix_micros()) / 1_000_000;
        *waits = waits.saturating_add(wait);
        *answered += 1;
        report.max_first_response_seconds = Some(
            report
                .max_first_response_seconds
                .map_or(wait, |m| m.max(wait)),
        );
    }
    let resolution = match (c.status, c.resolution.as_deref()) {
        (ComplaintStatus::Escalated, _) => Some("escalated"),
        (_, Some("refund")) => Some("refund"),
        (_, Some("reject")) => Some("reject"),
        _ => None,
    };
    if let Some(r) = resolution {
        *report.resolutions.entry(r.into()).or_default() += 1;
    }
    if let Some(amount) = c.refund_amount {
        let currency: Currency = c.currency;
        *report.refunded.entry(currency.code().into()).or_default() += amount;
    }
    if c.is_overdue(now) {
        report.overdue += 1;
    }
}
