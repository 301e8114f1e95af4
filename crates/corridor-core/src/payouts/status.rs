//! The payout state machine.

/// Where a payout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutStatus {
    /// Created, amount and fee held on the balance, not yet in a sent file.
    Pending,
    /// In a bank file handed to the bank.
    InTransit,
    /// Booked to the beneficiary's account.
    Paid,
    /// Rejected by the bank; the hold was released.
    Failed,
    /// Paid, then returned by the beneficiary's bank; reversed on the ledger.
    Returned,
}

impl PayoutStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PayoutStatus::Pending => "pending",
            PayoutStatus::InTransit => "in_transit",
            PayoutStatus::Paid => "paid",
            PayoutStatus::Failed => "failed",
            PayoutStatus::Returned => "returned",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<PayoutStatus> {
        [
            PayoutStatus::Pending,
            PayoutStatus::InTransit,
            PayoutStatus::Paid,
            PayoutStatus::Failed,
            PayoutStatus::Returned,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the bank's news moves a payout from `self` to `to`. Anything
    /// else (a second report, a report out of order) changes nothing.
    pub fn can_become(self, to: PayoutStatus) -> bool {
        use PayoutStatus::*;
        matches!(
            (self, to),
            (Pending, InTransit)
                | (InTransit, Paid)
                | (InTransit, Failed)
                | (Paid, Returned)
                | (InTransit, Returned)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::PayoutStatus::*;
    use super::*;

    #[test]
    fn only_forward_moves() {
        assert!(Pending.can_become(InTransit));
        assert!(InTransit.can_become(Paid));
        assert!(Paid.can_become(Returned));
        assert!(!Paid.can_become(Failed));
        assert!(!Failed.can_become(Paid));
        assert!(!Returned.can_become(Paid));
        assert!(!Pending.can_become(Paid));
        for s in [Pending, InTransit, Paid, Failed, Returned] {
            assert_eq!(PayoutStatus::parse(s.code()), Some(s));
        }
    }
}
