//! Where compliance screening of beneficiaries plugs in.

/// What screening needs to know of a beneficiary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningSubject {
    /// Account holder's name.
    pub name: String,
    /// Country of the account.
    pub country: String,
}

/// The screening's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreeningDecision {
    /// Nothing found.
    Clear,
    /// A match: the beneficiary is refused, with the screening's reference.
    Blocked {
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
}

/// Screens a beneficiary before it is created.
pub trait BeneficiaryScreening: Send + Sync + std::fmt::Debug {
    /// The verdict for a subject.
    fn screen(&self, subject: &ScreeningSubject) -> ScreeningDecision;
}

/// No screening configured: every beneficiary passes. The compliance
/// service replaces this with sanctions-list screening.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoScreening;

impl BeneficiaryScreening for NoScreening {
    fn screen(&self, _subject: &ScreeningSubject) -> ScreeningDecision {
        ScreeningDecision::Clear
    }
}
