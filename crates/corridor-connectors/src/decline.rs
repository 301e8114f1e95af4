//! Why a provider declined: stable decline codes.

/// A stable decline code, as the public API shows in `decline_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineCode {
    /// The issuer declined without a reason.
    GenericDecline,
    /// Not enough money on the card or account.
    InsufficientFunds,
    /// The provider failed to process the payment; retrying may succeed.
    ProcessingError,
    /// The issuer refuses; do not retry.
    DoNotHonor,
    /// A temporary refusal; retrying later or elsewhere may succeed.
    TryAgainLater,
    /// The issuer could not be reached; retrying may succeed.
    IssuerUnavailable,
    /// The card is reported lost.
    LostCard,
    /// The card is reported stolen.
    StolenCard,
    /// The card has expired.
    ExpiredCard,
    /// The CVC is wrong.
    IncorrectCvc,
    /// The issuer or provider suspects fraud.
    Fraudulent,
    /// The buyer failed 3DS or the bank's authentication.
    AuthenticationFailed,
    /// The buyer did not act (QR code, voucher, collect request, redirect) in time.
    ActionExpired,
    /// The debited account is closed.
    AccountClosed,
    /// The wallet or bank does not allow this transaction.
    TransactionNotAllowed,
}

impl DeclineCode {
    /// Every code, in a stable order.
    pub const ALL: [DeclineCode; 15] = [
        DeclineCode::GenericDecline,
        DeclineCode::InsufficientFunds,
        DeclineCode::ProcessingError,
        DeclineCode::DoNotHonor,
        DeclineCode::TryAgainLater,
        DeclineCode::IssuerUnavailable,
        DeclineCode::LostCard,
        DeclineCode::StolenCard,
        DeclineCode::ExpiredCard,
        DeclineCode::IncorrectCvc,
        DeclineCode::Fraudulent,
        DeclineCode::AuthenticationFailed,
        DeclineCode::ActionExpired,
        DeclineCode::AccountClosed,
        DeclineCode::TransactionNotAllowed,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            DeclineCode::GenericDecline => "generic_decline",
            DeclineCode::InsufficientFunds => "insufficient_funds",
            DeclineCode::ProcessingError => "processing_error",
            DeclineCode::DoNotHonor => "do_not_honor",
            DeclineCode::TryAgainLater => "try_again_later",
            DeclineCode::IssuerUnavailable => "issuer_unavailable",
            DeclineCode::LostCard => "lost_card",
            DeclineCode::StolenCard => "stolen_card",
            DeclineCode::ExpiredCard => "expired_card",
            DeclineCode::IncorrectCvc => "incorrect_cvc",
            DeclineCode::Fraudulent => "fraudulent",
            DeclineCode::AuthenticationFailed => "authentication_failed",
            DeclineCode::ActionExpired => "action_expired",
            DeclineCode::AccountClosed => "account_closed",
            DeclineCode::TransactionNotAllowed => "transaction_not_allowed",
        }
    }

    /// The code with this text.
    pub fn parse(code: &str) -> Option<Self> {
        DeclineCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether a retry (here or at another provider) may succeed: true for
    /// provider-side and temporary refusals, false for the issuer's or the
    /// buyer's final word.
    pub fn is_soft(self) -> bool {
        matches!(
            self,
            DeclineCode::ProcessingError
                | DeclineCode::TryAgainLater
                | DeclineCode::IssuerUnavailable
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in DeclineCode::ALL {
            assert_eq!(DeclineCode::parse(code.code()), Some(code));
        }
        assert_eq!(DeclineCode::parse("nope"), None);
    }
}
