//! The sandbox test cards, as the public API documents them.
//!
//! Their behaviour is exact: random background faults never hit them (only
//! scheduled [`super::Fault`]s do), and no approval rate applies.

use corridor_core::payments::card::CardNumber;

/// Approves (frictionless, even where SCA is required).
pub const APPROVE: &str = "4242424242424242";
/// Declines, hard, `generic_decline`.
pub const GENERIC_DECLINE: &str = "4000000000000002";
/// Declines, hard, `insufficient_funds`.
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Always asks for a 3DS challenge; completing it approves.
pub const REQUIRES_3DS: &str = "4000000000003220";
/// The payment's first attempt anywhere in the sandbox is declined soft with
/// `processing_error`; any retry (a new idempotency key, on any provider)
/// approves, so a router that retries recovers the payment.
pub const PROCESSING_ERROR: &str = "4000000000000119";

/// Approves; every refund of it is accepted as pending and fails an hour
/// later (`expired_or_canceled_card`), as the widely used PSP test card does.
pub const REFUND_FAILS: &str = "4000000000005126";

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestCard {
    Approve,
    GenericDecline,
    InsufficientFunds,
    RequiresThreeDs,
    ProcessingError,
    RefundFails,
}

/// The test card `number` is, if it is one.
pub(crate) fn test_card(number: &CardNumber) -> Option<TestCard> {
    match number.expose_digits() {
        APPROVE => Some(TestCard::Approve),
        GENERIC_DECLINE => Some(TestCard::GenericDecline),
        INSUFFICIENT_FUNDS => Some(TestCard::InsufficientFunds),
        REQUIRES_3DS => Some(TestCard::RequiresThreeDs),
        PROCESSING_ERROR => Some(TestCard::ProcessingError),
        REFUND_FAILS => Some(TestCard::RefundFails),
        _ => None,
    }
}
