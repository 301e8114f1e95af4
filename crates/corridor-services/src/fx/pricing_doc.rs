//! The stored form of a pricing version.

use std::collections::BTreeMap;

use corridor_core::fx::{LockDuration, Pricing, SpreadRule, Tier};
use corridor_core::Currency;
use serde::{Deserialize, Serialize};

/// A spread rule as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRule {
    /// Sold currency or none.
    pub sell: Option<String>,
    /// Bought currency or none.
    pub buy: Option<String>,
    /// Tier or none.
    pub tier: Option<String>,
    /// bps.
    pub spread_bps: u32,
}

/// A pricing as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPricing {
    /// bps.
    pub default_spread_bps: u32,
    /// Rules.
    pub rules: Vec<StoredRule>,
    /// Lock code to bps.
    pub lock_bps: BTreeMap<String, u32>,
    /// bps.
    pub weekend_holiday_markup_bps: u32,
    /// TARGET business days.
    pub max_rate_age_business_days: u32,
    /// Merchant to tier code.
    pub merchant_tiers: BTreeMap<String, String>,
}

impl StoredPricing {
    /// From the core type.
    pub fn from_pricing(p: &Pricing) -> Self {
        StoredPricing {
            default_spread_bps: p.default_spread_bps,
            rules: p
                .rules
                .iter()
                .map(|r| StoredRule {
                    sell: r.sell.map(|c| c.code().to_string()),
                    buy: r.buy.map(|c| c.code().to_string()),
                    tier: r.tier.map(|t| t.code().to_string()),
                    spread_bps: r.spread_bps,
                })
                .collect(),
            lock_bps: p
                .lock_bps
                .iter()
                .map(|(d, b)| (d.code().to_string(), *b))
                .collect(),
            weekend_holiday_markup_bps: p.weekend_holiday_markup_bps,
            max_rate_age_business_days: p.max_rate_age_business_days,
            merchant_tiers: p
                .merchant_tiers
                .iter()
                .map(|(m, t)| (m.clone(), t.code().to_string()))
                .collect(),
        }
    }

    /// Back to the core type; `None` if a stored code no longer parses.
    pub fn to_pricing(&self) -> Option<Pricing> {
        let cur = |c: &Option<String>| -> Option<Option<Currency>> {
            match c {
                None => Some(None),
                Some(code) => Currency::parse(code).ok().map(Some),
            }
        };
        let rules = self
            .rules
            .iter()
            .map(|r| {
                Some(SpreadRule {
                    sell: cur(&r.sell)?,
                    buy: cur(&r.buy)?,
                    tier: match &r.tier {
                        None => None,
                        Some(t) => Some(Tier::parse(t)?),
                    },
                    spread_bps: r.spread_bps,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Pricing {
            default_spread_bps: self.default_spread_bps,
            rules,
            lock_bps: self
                .lock_bps
                .iter()
                .map(|(d, b)| Some((LockDuration::parse(d)?, *b)))
                .collect::<Option<_>>()?,
            weekend_holiday_markup_bps: self.weekend_holiday_markup_bps,
            max_rate_age_business_days: self.max_rate_age_business_days,
            merchant_tiers: self
                .merchant_tiers
                .iter()
                .map(|(m, t)| Some((m.clone(), Tier::parse(t)?)))
                .collect::<Option<_>>()?,
        })
    }
}
