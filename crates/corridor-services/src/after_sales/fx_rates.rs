//! The FX service's reference rates as the rates of cross-currency refunds:
//! the mid-market rate of the day (crosses through EUR), refused when older
//! than the operator's pricing allows for that day; and the sandbox's
//! overrides layered over them.

use std::sync::Arc;

use corridor_core::fx::cross_rate;
use corridor_core::{Currency, Rate, Timestamp};

use super::rates::{FixedRates, RateSource};
use crate::fx::dates::{rate_age_business_days, today};
use crate::fx::FxService;

impl RateSource for FxService {
    fn rate(&self, from: Currency, to: Currency, at: Timestamp) -> Option<Rate> {
        if from == to {
            return Rate::parse("1").ok();
        }
        let day = today(at);
        let max_age = self.pricing().1.max_rate_age_business_days;
        self.with_history(|h| {
            let set = h.on_or_before(day)?;
            if rate_age_business_days(set.day, day) > max_age {
                return None;
            }
            cross_rate(&set, from, to).ok()
        })
    }
}

/// Rates set by the sandbox's test helper first, the FX service's otherwise.
#[derive(Debug)]
pub struct SandboxOverRates {
    /// Set by `POST /v1/test_helpers/fx_rates`.
    pub overrides: Arc<FixedRates>,
    /// The FX service.
    pub fx: FxService,
}

impl RateSource for SandboxOverRates {
    fn rate(&self, from: Currency, to: Currency, at: Timestamp) -> Option<Rate> {
        self.overrides
            .rate(from, to, at)
            .or_else(|| self.fx.rate(from, to, at))
    }
}
