//! Where one attempt of a payment at one provider stands, as stored.
//!
//! An attempt is written `started` before its provider is called (the
//! durable intent), then closed with what the provider said. `unknown` means
//! the provider may have acted: it is looked up, never charged elsewhere.

/// The stored outcome of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptStatus {
    /// Written before the provider was called; no answer recorded yet.
    Started,
    /// The provider may have charged (timeout, gateway error, unreadable
    /// answer): to be looked up by the attempt's key.
    Unknown,
    /// The buyer must act (3DS, redirect, QR code, voucher).
    RequiresAction,
    /// Accepted by the provider; its result comes later.
    Pending,
    /// Authorized, not captured.
    Authorized,
    /// Authorized and captured.
    Captured,
    /// Canceled or voided at the provider.
    Canceled,
    /// Declined by the provider or the issuer.
    Declined,
    /// The provider failed without charging (its own 5xx, an outage).
    Error,
    /// The provider definitely holds no charge for it (an empty lookup
    /// after the connector's settle window).
    NotCharged,
}

impl AttemptStatus {
    /// Every status, in a stable order.
    pub const ALL: [AttemptStatus; 10] = [
        AttemptStatus::Started,
        AttemptStatus::Unknown,
        AttemptStatus::RequiresAction,
        AttemptStatus::Pending,
        AttemptStatus::Authorized,
        AttemptStatus::Captured,
        AttemptStatus::Canceled,
        AttemptStatus::Declined,
        AttemptStatus::Error,
        AttemptStatus::NotCharged,
    ];

    /// Stable code, as stored and as the API shows it.
    pub fn code(self) -> &'static str {
        match self {
            AttemptStatus::Started => "started",
            AttemptStatus::Unknown => "unknown",
            AttemptStatus::RequiresAction => "requires_action",
            AttemptStatus::Pending => "pending",
            AttemptStatus::Authorized => "authorized",
            AttemptStatus::Captured => "captured",
            AttemptStatus::Canceled => "canceled",
            AttemptStatus::Declined => "declined",
            AttemptStatus::Error => "error",
            AttemptStatus::NotCharged => "not_charged",
        }
    }

    /// The status with this stored code.
    pub fn parse(code: &str) -> Option<Self> {
        AttemptStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The provider's outcome is not known yet: the attempt must be resolved
    /// by asking the provider before the payment may go anywhere else.
    pub fn is_open(self) -> bool {
        matches!(self, AttemptStatus::Started | AttemptStatus::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::AttemptStatus;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for s in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(s.code()), Some(s));
        }
        let mut codes: Vec<_> = AttemptStatus::ALL.iter().map(|s| s.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AttemptStatus::ALL.len());
        assert_eq!(AttemptStatus::parse("approved"), None);
    }

    #[test]
    fn only_started_and_unknown_are_open() {
        let open: Vec<_> = AttemptStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [AttemptStatus::Started, AttemptStatus::Unknown]);
    }
}
