//! Where compliance screening of beneficiaries plugs in: at creation, and
//! again at payout time when the lists in force changed since the
//! beneficiary's last screening (`rescreen.rs`).

/// What screening needs to know of a beneficiary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningSubject {
    /// Account holder's name.
    pub name: String,
    /// Country of the account.
    pub country: String,
    /// The beneficiary's id, recorded with the screening.
    pub beneficiary_id: String,
    /// The merchant it belongs to.
    pub merchant_id: String,
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

    /// The version of the lists screened against now; `None` when there is
    /// nothing to screen against again (no screening configured).
    fn lists_version(&self) -> Option<String> {
        None
    }
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
