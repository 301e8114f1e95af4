//! The card networks' merchant monitoring programs, as ratios in basis
//! points with an early warning before each threshold.
//!
//! - Visa Acquirer Monitoring Program (VAMP): (card-absent fraud reports +
//!   disputes) / settled card-absent transactions of the month; a merchant
//!   is excessive at 1.5% (150 bps). The numerator follows Visa's VAMP fact
//!   sheet (program revised April 2025): TC40 fraud reports plus TC15
//!   disputes of every condition, de-duplicated so that a transaction with
//!   both a fraud report and a fraud dispute (condition 10) counts once;
//!   a non-fraud dispute on a reported transaction still counts on its own
//!   ([`vamp_counts`]). Several reports of one transaction count once.
//! - Mastercard Excessive Chargeback Merchant (ECM): chargebacks this month
//!   / card transactions last month; excessive at 1.5% *and* at least 100
//!   chargebacks.
//!
//! The early warning is the platform's own, raised at two thirds of each
//! ratio threshold (100 bps), and for ECM at half its count (50).

/// Where a merchant stands in one program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MonitoringLevel {
    /// Below the early warning.
    Ok,
    /// Past the early warning, below the program's threshold.
    EarlyWarning,
    /// Past the program's threshold.
    Excessive,
}

impl MonitoringLevel {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            MonitoringLevel::Ok => "ok",
            MonitoringLevel::EarlyWarning => "early_warning",
            MonitoringLevel::Excessive => "excessive",
        }
    }
}

/// VAMP's excessive ratio, in basis points.
pub const VAMP_EXCESSIVE_BPS: i64 = 150;
/// Mastercard ECM's excessive ratio, in basis points.
pub const ECM_EXCESSIVE_BPS: i64 = 150;
/// Mastercard ECM's minimum chargeback count.
pub const ECM_EXCESSIVE_COUNT: i64 = 100;
/// The early-warning ratio of both programs, in basis points.
pub const EARLY_WARNING_BPS: i64 = 100;
/// ECM's early-warning chargeback count.
pub const ECM_EARLY_WARNING_COUNT: i64 = 50;

/// One program's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    /// The numerator's count.
    pub count: i64,
    /// The denominator's count.
    pub base: i64,
    /// `count / base` in basis points, rounded down; `None` without a base.
    pub ratio_bps: Option<i64>,
    /// The level reached.
    pub level: MonitoringLevel,
}

fn bps(count: i64, base: i64) -> Option<i64> {
    if base <= 0 {
        return None;
    }
    count.checked_mul(10_000).map(|n| n / base)
}

/// Visa VAMP for a month.
pub fn vamp(fraud_reports: i64, disputes: i64, settled_card_absent: i64) -> Ratio {
    let count = fraud_reports.saturating_add(disputes);
    let ratio_bps = bps(count, settled_card_absent);
    // With disputes and no settled transactions, the ratio is unbounded.
    let effective = ratio_bps.unwrap_or(if count > 0 { i64::MAX } else { 0 });
    let level = if effective >= VAMP_EXCESSIVE_BPS {
        MonitoringLevel::Excessive
    } else if effective >= EARLY_WARNING_BPS {
        MonitoringLevel::EarlyWarning
    } else {
        MonitoringLevel::Ok
    };
    Ratio {
        count,
        base: settled_card_absent,
        ratio_bps,
        level,
    }
}

/// What happened to one transaction, as VAMP counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VampEvent<'a> {
    /// An issuer's fraud report (TC40) on the transaction.
    FraudReport(&'a str),
    /// A dispute (TC15) on the transaction; `fraud` for a fraud dispute
    /// (Visa condition 10).
    Dispute {
        /// The transaction.
        transaction: &'a str,
        /// Whether it is a fraud dispute.
        fraud: bool,
    },
}

/// VAMP's numerator split in its two parts after de-duplication: the
/// transactions with a fraud report, and the disputes that do not repeat a
/// reported transaction's fraud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VampCounts {
    /// Transactions with at least one fraud report.
    pub fraud_reports: i64,
    /// Disputes, less fraud disputes on transactions with a fraud report.
    pub disputes: i64,
}

/// Counts a month's fraud reports and disputes as VAMP does: a transaction
/// with both a TC40 and a fraud dispute counts once (as the fraud report);
/// repeated reports of one transaction count once.
pub fn vamp_counts(events: &[VampEvent<'_>]) -> VampCounts {
    let reported: std::collections::BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            VampEvent::FraudReport(t) => Some(*t),
            VampEvent::Dispute { .. } => None,
        })
        .collect();
    let disputes = events
        .iter()
        .filter(|e| match e {
            VampEvent::FraudReport(_) => false,
            VampEvent::Dispute { transaction, fraud } => {
                !(*fraud && reported.contains(transaction))
            }
        })
        .count();
    VampCounts {
        fraud_reports: i64::try_from(reported.len()).unwrap_or(i64::MAX),
        disputes: i64::try_from(disputes).unwrap_or(i64::MAX),
    }
}

/// Mastercard ECM: `chargebacks` this month over `transactions_last_month`.
pub fn ecm(chargebacks: i64, transactions_last_month: i64) -> Ratio {
    let ratio_bps = bps(chargebacks, transactions_last_month);
    let effective = ratio_bps.unwrap_or(if chargebacks > 0 { i64::MAX } else { 0 });
    let level = if effective >= ECM_EXCESSIVE_BPS && chargebacks >= ECM_EXCESSIVE_COUNT {
        MonitoringLevel::Excessive
    } else if effective >= EARLY_WARNING_BPS && chargebacks >= ECM_EARLY_WARNING_COUNT {
        MonitoringLevel::EarlyWarning
    } else {
        MonitoringLevel::Ok
    };
    Ratio {
        count: chargebacks,
        base: transactions_last_month,
        ratio_bps,
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MonitoringLevel::*;

    #[test]
    fn vamp_table() {
        let cases = [
            (0, 0, 0, None, Ok),
            (0, 9, 1_000, Some(90), Ok),
            (0, 10, 1_000, Some(100), EarlyWarning),
            (5, 9, 1_000, Some(140), EarlyWarning),
            (5, 10, 1_000, Some(150), Excessive),
            (0, 1, 0, None, Excessive),
        ];
        for (fraud, disputes, settled, ratio, level) in cases {
            let r = vamp(fraud, disputes, settled);
            assert_eq!(
                (r.ratio_bps, r.level),
                (ratio, level),
                "{fraud} {disputes} {settled}"
            );
        }
    }

    #[test]
    fn vamp_counts_a_reported_fraud_dispute_once() {
        use VampEvent::{Dispute, FraudReport};
        let d = |transaction, fraud| Dispute { transaction, fraud };
        let cases: [(&[VampEvent<'_>], (i64, i64)); 7] = [
            (&[], (0, 0)),
            (&[FraudReport("a"), FraudReport("b")], (2, 0)),
            // The same transaction reported twice is one fraudulent transaction.
            (&[FraudReport("a"), FraudReport("a")], (1, 0)),
            // A fraud dispute on a reported transaction counts once.
            (&[FraudReport("a"), d("a", true)], (1, 0)),
            (&[d("a", true), FraudReport("a")], (1, 0)),
            // A non-fraud dispute on it counts on its own.
            (&[FraudReport("a"), d("a", false)], (1, 1)),
            // Disputes on other transactions all count.
            (&[FraudReport("a"), d("b", true), d("c", false)], (1, 2)),
        ];
        for (events, (fraud, disputes)) in cases {
            let counts = vamp_counts(events);
            assert_eq!(
                (counts.fraud_reports, counts.disputes),
                (fraud, disputes),
                "{events:?}"
            );
        }
    }

    #[test]
    fn fraud_reports_push_vamp_past_the_early_warning() {
        // 150 settled: one dispute is 66 bps, a fraud report on another
        // transaction makes 133 bps, a fraud dispute on that reported
        // transaction changes nothing, a third transaction is excessive.
        let events = [VampEvent::Dispute {
            transaction: "a",
            fraud: false,
        }];
        let level = |events: &[VampEvent<'_>]| {
            let c = vamp_counts(events);
            vamp(c.fraud_reports, c.disputes, 150)
        };
        assert_eq!(level(&events).level, Ok);
        let events = [events[0], VampEvent::FraudReport("b")];
        assert_eq!(level(&events).ratio_bps, Some(133));
        assert_eq!(level(&events).level, EarlyWarning);
        let events = [
            events[0],
            events[1],
            VampEvent::Dispute {
                transaction: "b",
                fraud: true,
            },
        ];
        assert_eq!(level(&events).count, 2);
        let events = [events[0], events[1], events[2], VampEvent::FraudReport("c")];
        assert_eq!(
            (level(&events).ratio_bps, level(&events).level),
            (Some(200), Excessive)
        );
    }

    #[test]
    fn ecm_needs_both_ratio_and_count() {
        let cases = [
            (10, 100, Some(1_000), Ok),
            (49, 4_000, Some(122), Ok),
            (50, 5_000, Some(100), EarlyWarning),
            (99, 6_000, Some(165), EarlyWarning),
            (100, 6_000, Some(166), Excessive),
            (100, 10_000, Some(100), EarlyWarning),
            (150, 20_000, Some(75), Ok),
        ];
        for (chargebacks, last_month, ratio, level) in cases {
            let r = ecm(chargebacks, last_month);
            assert_eq!(
                (r.ratio_bps, r.level),
                (ratio, level),
                "{chargebacks}/{last_month}"
            );
        }
    }
}
