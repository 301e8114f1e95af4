//! The 3-D Secure outcome of a card payment, and the PSD2 exemption that
//! spared it strong customer authentication.

/// How authentication ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreeDsResult {
    /// The card holder was authenticated.
    Authenticated,
    /// The issuer did not take part; the attempt still shifts liability.
    Attempted,
    /// Authentication failed or was abandoned.
    Failed,
    /// No authentication ran.
    NotPerformed,
}

impl ThreeDsResult {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ThreeDsResult::Authenticated => "authenticated",
            ThreeDsResult::Attempted => "attempted",
            ThreeDsResult::Failed => "failed",
            ThreeDsResult::NotPerformed => "not_performed",
        }
    }

    /// Whether fraud liability moves to the issuer.
    pub fn shifts_liability(self) -> bool {
        matches!(
            self,
            ThreeDsResult::Authenticated | ThreeDsResult::Attempted
        )
    }
}

/// How the authentication ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreeDsFlow {
    /// Decided by the issuer from the data, without the card holder.
    Frictionless,
    /// The card holder passed (or failed) a challenge.
    Challenge,
}

impl ThreeDsFlow {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ThreeDsFlow::Frictionless => "frictionless",
            ThreeDsFlow::Challenge => "challenge",
        }
    }
}

/// The outcome shown on a card payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreeDsOutcome {
    /// Whether the market's rules required strong customer authentication.
    pub required: bool,
    /// The result.
    pub result: ThreeDsResult,
    /// The flow, when authentication ran.
    pub flow: Option<ThreeDsFlow>,
    /// Whether fraud liability moved to the issuer.
    pub liability_shift: bool,
}

/// What the payment went through, as its attempts tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticationFacts {
    /// SCA was required by the market's rules (before any exemption).
    pub sca_required: bool,
    /// An exemption applies (SCA is then not requested).
    pub exempted: bool,
    /// The card holder was asked to pass a challenge.
    pub challenged: bool,
    /// The payment was authorized.
    pub authorized: bool,
}

/// The 3-D Secure outcome of a card payment.
///
/// Where SCA was required and not exempted, the sandbox's issuers
/// authenticate frictionlessly unless they challenge; an authorized payment
/// after either was authenticated, a payment that was challenged and not
/// authorized failed. Without SCA (or exempted), no authentication ran.
pub fn outcome(facts: AuthenticationFacts) -> ThreeDsOutcome {
    let required = facts.sca_required && !facts.exempted;
    let (result, flow) = match (
        required || facts.challenged,
        facts.challenged,
        facts.authorized,
    ) {
        (false, _, _) => (ThreeDsResult::NotPerformed, None),
        (true, true, true) => (ThreeDsResult::Authenticated, Some(ThreeDsFlow::Challenge)),
        (true, true, false) => (ThreeDsResult::Failed, Some(ThreeDsFlow::Challenge)),
        (true, false, true) => (
            ThreeDsResult::Authenticated,
            Some(ThreeDsFlow::Frictionless),
        ),
        (true, false, false) => (ThreeDsResult::Failed, Some(ThreeDsFlow::Frictionless)),
    };
    ThreeDsOutcome {
        required,
        result,
        flow,
        liability_shift: result.shifts_liability(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_table() {
        use ThreeDsFlow::*;
        use ThreeDsResult::*;
        // (sca_required, exempted, challenged, authorized) -> (required, result, flow, shift)
        let cases = [
            (
                (true, false, false, true),
                (true, Authenticated, Some(Frictionless), true),
            ),
            (
                (true, false, true, true),
                (true, Authenticated, Some(Challenge), true),
            ),
            (
                (true, false, true, false),
                (true, Failed, Some(Challenge), false),
            ),
            (
                (true, true, false, true),
                (false, NotPerformed, None, false),
            ),
            (
                (false, false, false, true),
                (false, NotPerformed, None, false),
            ),
            (
                (false, false, true, true),
                (false, Authenticated, Some(Challenge), true),
            ),
        ];
        for ((sca_required, exempted, challenged, authorized), expected) in cases {
            let o = outcome(AuthenticationFacts {
                sca_required,
                exempted,
                challenged,
                authorized,
            });
            assert_eq!((o.required, o.result, o.flow, o.liability_shift), expected);
        }
    }
}
