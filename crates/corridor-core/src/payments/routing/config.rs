//! How the adaptive router weighs and forgets outcomes.

/// Parts per million in one.
const PPM: u64 = 1_000_000;

/// Widest exploration allowed, in percent of one standard error.
pub const EXPLORATION_PERCENT_MAX: u32 = 1_000;

/// How the router weighs and forgets outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterConfig {
    /// Approval statistics lose half their weight in this many seconds.
    pub approval_half_life_seconds: i64,
    /// Health statistics lose half their weight in this many seconds.
    pub health_half_life_seconds: i64,
    /// Most outcomes one approval statistic weighs (older ones are scaled
    /// down), so a long quiet history never outvotes the present.
    pub approval_outcomes_max: u32,
    /// Most outcomes one health statistic weighs.
    pub health_outcomes_max: u32,
    /// Approval assumed of a connector without history, in parts per million.
    pub prior_approval_ppm: u32,
    /// How many outcomes that assumption is worth.
    pub prior_outcomes: u32,
    /// How much a hard decline counts against approval, in parts per million
    /// of a soft decline: it is the buyer's card speaking, not the provider.
    pub hard_decline_weight_ppm: u32,
    /// How much a technical failure counts against health, in parts per
    /// million of one answered call.
    pub technical_failure_weight_ppm: u32,
    /// Width of the sampling noise, in percent of the approval estimate's
    /// standard error: 0 ranks by the estimates alone (no exploration), 100
    /// is Thompson-like sampling. The default, 25, is tempered: every
    /// exploratory attempt is a real buyer's payment, and retries already
    /// bring evidence about the runners-up.
    pub exploration_percent: u32,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            approval_half_life_seconds: 180,
            health_half_life_seconds: 20,
            approval_outcomes_max: 2_000,
            health_outcomes_max: 200,
            prior_approval_ppm: 850_000,
            prior_outcomes: 4,
            hard_decline_weight_ppm: 250_000,
            technical_failure_weight_ppm: 1_000_000,
            exploration_percent: 25,
        }
    }
}

/// A configuration the router refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RouterConfigError {
    /// A half-life is zero or negative.
    #[error("half-lives must be positive")]
    HalfLifeNotPositive,
    /// No outcome would ever be kept.
    #[error("statistics must keep at least one outcome")]
    NoOutcomesKept,
    /// The prior approval is above one million parts per million.
    #[error("the prior approval cannot exceed 1,000,000 ppm")]
    PriorApprovalAboveOne,
    /// The prior weighs nothing, so a connector without history has no estimate.
    #[error("the prior must weigh at least one outcome")]
    NoPriorOutcomes,
    /// A hard decline would count more than a soft one.
    #[error("a hard decline cannot weigh more than a soft decline (1,000,000 ppm)")]
    HardDeclineWeightAboveOne,
    /// Exploration wider than [`EXPLORATION_PERCENT_MAX`] percent.
    #[error("exploration cannot exceed {EXPLORATION_PERCENT_MAX}%")]
    ExplorationTooWide,
}

impl RouterConfig {
    /// Refuses a configuration the router cannot work with.
    pub(super) fn check(&self) -> Result<(), RouterConfigError> {
        if self.approval_half_life_seconds <= 0 || self.health_half_life_seconds <= 0 {
            return Err(RouterConfigError::HalfLifeNotPositive);
        }
        if self.approval_outcomes_max == 0 || self.health_outcomes_max == 0 {
            return Err(RouterConfigError::NoOutcomesKept);
        }
        if u64::from(self.prior_approval_ppm) > PPM {
            return Err(RouterConfigError::PriorApprovalAboveOne);
        }
        if self.prior_outcomes == 0 {
            return Err(RouterConfigError::NoPriorOutcomes);
        }
        if u64::from(self.hard_decline_weight_ppm) > PPM {
            return Err(RouterConfigError::HardDeclineWeightAboveOne);
        }
        if self.exploration_percent > EXPLORATION_PERCENT_MAX {
            return Err(RouterConfigError::ExplorationTooWide);
        }
        Ok(())
    }
}
