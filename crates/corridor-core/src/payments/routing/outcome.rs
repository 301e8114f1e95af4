//! What one attempt at one connector told us about that connector.

/// The outcome of one attempt, as routing learns from it.
///
/// The distinction that matters is whose fault a failure is. A soft decline
/// is the provider's (or its issuer link's) refusal that another provider may
/// not repeat; a hard decline is the buyer's card or account speaking, and
/// says little about the provider; a technical failure (timeout, 5xx,
/// outage) is the provider failing to answer at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptOutcome {
    /// Authorized or captured.
    Approved,
    /// Declined, but a retry here or elsewhere may succeed.
    SoftDeclined,
    /// Declined for good: the card or account, not the provider. Counts
    /// against the provider only weakly
    /// ([`super::RouterConfig::hard_decline_weight_ppm`]).
    HardDeclined,
    /// No answer: a timeout, a 5xx or an outage. Counts against the
    /// provider's health, strongly and briefly.
    TechnicalFailure,
}

impl AttemptOutcome {
    /// Every outcome, in a stable order.
    pub const ALL: [AttemptOutcome; 4] = [
        AttemptOutcome::Approved,
        AttemptOutcome::SoftDeclined,
        AttemptOutcome::HardDeclined,
        AttemptOutcome::TechnicalFailure,
    ];

    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            AttemptOutcome::Approved => "approved",
            AttemptOutcome::SoftDeclined => "soft_declined",
            AttemptOutcome::HardDeclined => "hard_declined",
            AttemptOutcome::TechnicalFailure => "technical_failure",
        }
    }

    /// The outcome with this code.
    pub fn parse(code: &str) -> Option<Self> {
        AttemptOutcome::ALL.into_iter().find(|o| o.code() == code)
    }
}
