//! Each merchant's standing in the networks' monitoring programs (Visa
//! VAMP, Mastercard ECM), this calendar month, and the alerts raised when a
//! new dispute or Visa fraud report moves it past the early warning or the
//! threshold. VAMP counts the month's TC40 fraud reports and disputes with
//! Visa's de-duplication (a transaction with both a fraud report and a
//! fraud dispute counts once: see
//! [`corridor_core::aftersales::monitoring::vamp_counts`]); every card
//! payment here is card-absent (online), so all of them are in its base.

use corridor_core::aftersales::dispute::{DisputeCategory, Network};
use corridor_core::aftersales::monitoring::{
    ecm, vamp, vamp_counts, MonitoringLevel, Ratio, VampEvent, EARLY_WARNING_BPS,
    ECM_EXCESSIVE_BPS, VAMP_EXCESSIVE_BPS,
};
use corridor_core::Timestamp;
use corridor_store::{AfterSalesKind, NewEvent};
use time::{Date, Month, OffsetDateTime, Time};

use super::super::fraud_reports::FraudReport;
use super::super::{AfterSalesError, AfterSalesService};
use super::Dispute;

/// One program's figures for a merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkMonitoring {
    /// The network.
    pub network: Network,
    /// `vamp` or `ecm`.
    pub program: &'static str,
    /// The ratio and level.
    pub ratio: Ratio,
    /// Of the ratio's count: transactions with a fraud report (VAMP; 0 for
    /// ECM).
    pub fraud_reports: i64,
    /// Of the ratio's count: disputes, less fraud disputes on reported
    /// transactions (VAMP), or chargebacks (ECM).
    pub disputes: i64,
    /// The program's threshold, in basis points.
    pub threshold_bps: i64,
    /// The early warning, in basis points.
    pub early_warning_bps: i64,
}

/// A merchant's standing in both programs for the month of `month_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeMonitoring {
    /// First instant of the month.
    pub month_start: Timestamp,
    /// Visa VAMP.
    pub visa: NetworkMonitoring,
    /// Mastercard ECM.
    pub mastercard: NetworkMonitoring,
}

/// A change about to be written, counted as if it were.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pending<'a> {
    /// Nothing: the figures as stored.
    Nothing,
    /// A new dispute.
    Dispute(&'a Dispute),
    /// A new fraud report on this payment.
    FraudReport(&'a str),
}

impl AfterSalesService {
    /// The merchant's monitoring ratios for the current month.
    pub async fn dispute_monitoring(
        &self,
        merchant: &str,
    ) -> Result<DisputeMonitoring, AfterSalesError> {
        let bounds = month_bounds(self.now());
        Ok(DisputeMonitoring {
            month_start: bounds.0,
            visa: self
                .network_ratio(merchant, Network::Visa, bounds, Pending::Nothing)
                .await?,
            mastercard: self
                .network_ratio(merchant, Network::Mastercard, bounds, Pending::Nothing)
                .await?,
        })
    }

    /// The month's disputes of `network` as (payment, is a fraud dispute).
    async fn month_disputes(
        &self,
        merchant: &str,
        network: Network,
        (start, end): (Timestamp, Timestamp),
    ) -> Result<Vec<(String, bool)>, AfterSalesError> {
        let mut disputes = Vec::new();
        for record in self
            .store
            .after_sales_created_between(AfterSalesKind::Dispute, merchant, start, end)
            .await?
        {
            let dispute = Dispute::from_record(record)?;
            if dispute.network == network {
                let fraud = dispute.category == DisputeCategory::Fraudulent;
                disputes.push((dispute.payment_id, fraud));
            }
        }
        Ok(disputes)
    }

    /// The payments of the month's Visa fraud reports (TC40).
    async fn month_visa_fraud_reports(
        &self,
        merchant: &str,
        (start, end): (Timestamp, Timestamp),
    ) -> Result<Vec<String>, AfterSalesError> {
        let mut reported = Vec::new();
        for record in self
            .store
            .after_sales_created_between(AfterSalesKind::FraudReport, merchant, start, end)
            .await?
        {
            let report = FraudReport::from_record(record)?;
            if report.network == Network::Visa {
                reported.push(report.payment_id);
            }
        }
        Ok(reported)
    }

    async fn network_ratio(
        &self,
        merchant: &str,
        network: Network,
        (start, end, last_month): (Timestamp, Timestamp, Timestamp),
        pending: Pending<'_>,
    ) -> Result<NetworkMonitoring, AfterSalesError> {
        let mut disputes = self.month_disputes(merchant, network, (start, end)).await?;
        if let Pending::Dispute(d) = pending {
            if d.network == network {
                disputes.push((
                    d.payment_id.clone(),
                    d.category == DisputeCategory::Fraudulent,
                ));
            }
        }
        Ok(match network {
            Network::Visa => {
                let mut reported = self
                    .month_visa_fraud_reports(merchant, (start, end))
                    .await?;
                if let Pending::FraudReport(payment) = pending {
                    reported.push(payment.to_string());
                }
                let events: Vec<VampEvent<'_>> = reported
                    .iter()
                    .map(|p| VampEvent::FraudReport(p))
                    .chain(disputes.iter().map(|(p, fraud)| VampEvent::Dispute {
                        transaction: p,
                        fraud: *fraud,
                    }))
                    .collect();
                let counts = vamp_counts(&events);
                let settled = self
                    .store
                    .card_payments_between(merchant, "visa", start, end)
                    .await?;
                NetworkMonitoring {
                    network,
                    program: "vamp",
                    ratio: vamp(counts.fraud_reports, counts.disputes, settled),
                    fraud_reports: counts.fraud_reports,
                    disputes: counts.disputes,
                    threshold_bps: VAMP_EXCESSIVE_BPS,
                    early_warning_bps: EARLY_WARNING_BPS,
                }
            }
            Network::Mastercard => {
                // ECM counts chargebacks only: SAFE reports are not in it.
                let chargebacks = i64::try_from(disputes.len()).unwrap_or(i64::MAX);
                let previous = self
                    .store
                    .card_payments_between(merchant, "mastercard", last_month, start)
                    .await?;
                NetworkMonitoring {
                    network,
                    program: "ecm",
                    ratio: ecm(chargebacks, previous),
                    fraud_reports: 0,
                    disputes: chargebacks,
                    threshold_bps: ECM_EXCESSIVE_BPS,
                    early_warning_bps: EARLY_WARNING_BPS,
                }
            }
        })
    }

    /// The alert a new dispute raises, if it moves its network's program
    /// to a higher level.
    pub(super) async fn monitoring_alerts(
        &self,
        dispute: &Dispute,
    ) -> Result<Vec<NewEvent>, AfterSalesError> {
        self.alert_on(
            &dispute.merchant_id,
            dispute.network,
            dispute.created_at,
            Pending::Dispute(dispute),
        )
        .await
    }

    /// The alert `pending` raises when written at `at`, if it moves the
    /// merchant's standing in `network`'s program past the early warning or
    /// the threshold.
    pub(crate) async fn alert_on(
        &self,
        merchant: &str,
        network: Network,
        at: Timestamp,
        pending: Pending<'_>,
    ) -> Result<Vec<NewEvent>, AfterSalesError> {
        let bounds = month_bounds(at);
        let before = self
            .network_ratio(merchant, network, bounds, Pending::Nothing)
            .await?;
        let after = self
            .network_ratio(merchant, network, bounds, pending)
            .await?;
        if after.ratio.level <= before.ratio.level || after.ratio.level == MonitoringLevel::Ok {
            return Ok(Vec::new());
        }
        Ok(vec![self.event(
            merchant,
            "merchant.monitoring_alert",
            self.render.monitoring(merchant, &after),
        )])
    }
}

/// The current month's start and end, and the previous month's start.
fn month_bounds(now: Timestamp) -> (Timestamp, Timestamp, Timestamp) {
    let at = OffsetDateTime::from_unix_timestamp(now.unix_micros().div_euclid(1_000_000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let first = |year: i32, month: Month| {
        Date::from_calendar_date(year, month, 1)
            .map(|d| d.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp())
            .map(|s| Timestamp::from_unix_micros(s.saturating_mul(1_000_000)))
            .unwrap_or(Timestamp::EPOCH)
    };
    let (year, month) = (at.year(), at.month());
    let start = first(year, month);
    let next_year = if month == Month::December {
        year + 1
    } else {
        year
    };
    let prev_year = if month == Month::January {
        year - 1
    } else {
        year
    };
    (
        start,
        first(next_year, month.next()),
        first(prev_year, month.previous()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds_cross_years() {
        // 2026-01-15T12:00:00Z
        let (start, end, previous) =
            month_bounds(Timestamp::from_unix_micros(1_768_478_400_000_000));
        assert_eq!(start.unix_micros(), 1_767_225_600_000_000); // 2026-01-01
        assert_eq!(end.unix_micros(), 1_769_904_000_000_000); // 2026-02-01
        assert_eq!(previous.unix_micros(), 1_764_547_200_000_000); // 2025-12-01
    }
}
