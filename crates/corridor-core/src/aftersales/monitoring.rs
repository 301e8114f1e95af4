//! The card networks' merchant monitoring programs, as ratios in basis
//! points with an early warning before each threshold.
//!
//! - Visa Acquirer Monitoring Program (VAMP): (card-absent fraud reports +
//!   disputes) / settled card-absent transactions of the month; a merchant
//!   is excessive at 1.5% (150 bps).
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
