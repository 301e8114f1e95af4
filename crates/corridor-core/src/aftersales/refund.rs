//! Refunds: reasons, statuses and how much is left to refund.

use crate::Amount;

/// Why a merchant refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundReason {
    /// The buyer was charged twice.
    Duplicate,
    /// The payment was not made by the card holder.
    Fraudulent,
    /// The buyer asked for it.
    RequestedByCustomer,
    /// Anything else.
    Other,
}

impl RefundReason {
    /// Every reason, in the order the API documents them.
    pub const ALL: [RefundReason; 4] = [
        RefundReason::Duplicate,
        RefundReason::Fraudulent,
        RefundReason::RequestedByCustomer,
        RefundReason::Other,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RefundReason::Duplicate => "duplicate",
            RefundReason::Fraudulent => "fraudulent",
            RefundReason::RequestedByCustomer => "requested_by_customer",
            RefundReason::Other => "other",
        }
    }

    /// The reason with this code.
    pub fn parse(code: &str) -> Option<Self> {
        RefundReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    /// Written, and sent (or about to be sent) to the provider; or accepted
    /// by a provider that refunds asynchronously.
    Pending,
    /// The buyer has been refunded.
    Succeeded,
    /// The provider refused or could not pay it; the merchant's balance is
    /// restored.
    Failed,
}

impl RefundStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
        }
    }

    /// The status with this code.
    pub fn parse(code: &str) -> Option<Self> {
        [
            RefundStatus::Pending,
            RefundStatus::Succeeded,
            RefundStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether a refund may move from `self` to `next`. Only a pending
    /// refund changes; a refund that succeeded or failed stays so.
    pub fn can_become(self, next: RefundStatus) -> bool {
        matches!(
            (self, next),
            (RefundStatus::Pending, RefundStatus::Succeeded)
                | (RefundStatus::Pending, RefundStatus::Failed)
        )
    }

    /// Whether the refund's amount counts against the payment: a failed
    /// refund gives its room back.
    pub fn counts_against_payment(self) -> bool {
        self != RefundStatus::Failed
    }
}

/// Why a refund of an amount is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundLimitError {
    /// Nothing is captured.
    #[error("nothing of this payment is captured")]
    NothingCaptured,
    /// More than what is left.
    #[error("only {left} is left to refund")]
    ExceedsRefundable {
        /// What is left, in minor units.
        left: i64,
    },
}

/// What is left to refund: captured minus what refunds that did not fail
/// already take.
pub fn refundable(captured: Amount, refunded: Amount) -> Amount {
    captured.checked_sub(refunded).unwrap_or(Amount::ZERO)
}

/// Checks a refund of `amount` against a payment's captured and refunded
/// amounts, answering what the refund takes (`amount`, or everything left
/// when `None`).
pub fn check_refund(
    captured: Amount,
    refunded: Amount,
    amount: Option<Amount>,
) -> Result<Amount, RefundLimitError> {
    if captured.is_zero() {
        return Err(RefundLimitError::NothingCaptured);
    }
    let left = refundable(captured, refunded);
    let wanted = amount.unwrap_or(left);
    if wanted.is_zero() || wanted > left {
        return Err(RefundLimitError::ExceedsRefundable { left: left.minor() });
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(minor: i64) -> Amount {
        Amount::non_negative(minor).unwrap()
    }

    #[test]
    fn refund_limits_table() {
        // (captured, refunded, asked, expected)
        type Case = (i64, i64, Option<i64>, Result<i64, RefundLimitError>);
        let cases: [Case; 7] = [
            (1000, 0, None, Ok(1000)),
            (1000, 0, Some(400), Ok(400)),
            (1000, 600, Some(400), Ok(400)),
            (1000, 600, None, Ok(400)),
            (
                1000,
                600,
                Some(401),
                Err(RefundLimitError::ExceedsRefundable { left: 400 }),
            ),
            (
                1000,
                1000,
                None,
                Err(RefundLimitError::ExceedsRefundable { left: 0 }),
            ),
            (0, 0, Some(1), Err(RefundLimitError::NothingCaptured)),
        ];
        for (captured, refunded, asked, expected) in cases {
            let got = check_refund(a(captured), a(refunded), asked.map(a)).map(Amount::minor);
            assert_eq!(got, expected, "{captured} {refunded} {asked:?}");
        }
    }

    #[test]
    fn only_pending_refunds_change() {
        use RefundStatus::*;
        let table = [
            (Pending, Succeeded, true),
            (Pending, Failed, true),
            (Pending, Pending, false),
            (Succeeded, Failed, false),
            (Failed, Succeeded, false),
            (Succeeded, Pending, false),
        ];
        for (from, to, allowed) in table {
            assert_eq!(from.can_become(to), allowed, "{from:?} -> {to:?}");
        }
        for reason in RefundReason::ALL {
            assert_eq!(RefundReason::parse(reason.code()), Some(reason));
        }
        assert_eq!(RefundReason::parse("because"), None);
    }
}
