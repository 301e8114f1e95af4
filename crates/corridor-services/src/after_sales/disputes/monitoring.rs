//! Each merchant's standing in the networks' monitoring programs (Visa
//! VAMP, Mastercard ECM), this calendar month, and the alerts raised when a
//! new dispute moves it past the early warning or the threshold.

use corridor_core::aftersales::dispute::Network;
use corridor_core::aftersales::monitoring::{
    ecm, vamp, MonitoringLevel, Ratio, EARLY_WARNING_BPS, ECM_EXCESSIVE_BPS, VAMP_EXCESSIVE_BPS,
};
use corridor_core::Timestamp;
use corridor_store::{AfterSalesKind, NewEvent};
use time::{Date, Month, OffsetDateTime, Time};

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

impl AfterSalesService {
    /// The merchant's monitoring ratios for the current month.
    pub async fn dispute_monitoring(
        &self,
        merchant: &str,
    ) -> Result<DisputeMonitoring, AfterSalesError> {
        let (start, end, last_month) = month_bounds(self.now());
        Ok(DisputeMonitoring {
            month_start: start,
            visa: self
                .network_ratio(merchant, Network::Visa, (start, end, last_month), 0)
                .await?,
            mastercard: self
                .network_ratio(merchant, Network::Mastercard, (start, end, last_month), 0)
                .await?,
        })
    }

    async fn network_ratio(
        &self,
        merchant: &str,
        network: Network,
        (start, end, last_month): (Timestamp, Timestamp, Timestamp),
        extra_disputes: i64,
    ) -> Result<NetworkMonitoring, AfterSalesError> {
        let mut disputes = 0_usize;
        for record in self
            .store
            .after_sales_created_between(AfterSalesKind::Dispute, merchant, start, end)
            .await?
        {
            if Dispute::from_record(record)?.network == network {
                disputes += 1;
            }
        }
        let disputes = i64::try_from(disputes)
            .unwrap_or(i64::MAX)
            .saturating_add(extra_disputes);
        Ok(match network {
            Network::Visa => {
                let settled = self
                    .store
                    .card_payments_between(merchant, "visa", start, end)
                    .await?;
                // Fraud reports (TC40) are not received here: disputes only.
                NetworkMonitoring {
                    network,
                    program: "vamp",
                    ratio: vamp(0, disputes, settled),
                    threshold_bps: VAMP_EXCESSIVE_BPS,
                    early_warning_bps: EARLY_WARNING_BPS,
                }
            }
            Network::Mastercard => {
                let previous = self
                    .store
                    .card_payments_between(merchant, "mastercard", last_month, start)
                    .await?;
                NetworkMonitoring {
                    network,
                    program: "ecm",
                    ratio: ecm(disputes, previous),
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
        let bounds = month_bounds(dispute.created_at);
        let merchant = &dispute.merchant_id;
        let before = self
            .network_ratio(merchant, dispute.network, bounds, 0)
            .await?;
        let after = self
            .network_ratio(merchant, dispute.network, bounds, 1)
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
