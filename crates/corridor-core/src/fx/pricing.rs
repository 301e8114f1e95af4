//! Operator pricing of FX: spreads per currency pair and merchant tier, the
//! price of each rate-lock duration, and the weekend and holiday markup.

use std::collections::BTreeMap;

use crate::Currency;

/// The widest spread an operator may set (10%).
pub const MAX_SPREAD_BPS: u32 = 1_000;
/// The most a lock or the weekend markup may cost (5%).
pub const MAX_LOCK_BPS: u32 = 500;
/// The most spread rules one pricing may hold.
pub const MAX_SPREAD_RULES: usize = 500;
/// The most merchants one pricing may assign a tier.
pub const MAX_TIER_ASSIGNMENTS: usize = 10_000;
/// The oldest a reference rate may be, in TARGET business days, at most.
pub const MAX_RATE_AGE_BUSINESS_DAYS: u32 = 10;

/// How long a quote's rate is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockDuration {
    /// One minute.
    OneMinute,
    /// Fifteen minutes.
    FifteenMinutes,
    /// One hour.
    OneHour,
    /// Twenty-four hours.
    OneDay,
}

impl LockDuration {
    /// Every duration, shortest first.
    pub const ALL: [LockDuration; 4] = [
        LockDuration::OneMinute,
        LockDuration::FifteenMinutes,
        LockDuration::OneHour,
        LockDuration::OneDay,
    ];

    /// `1m`, `15m`, `1h`, `24h`.
    pub fn code(self) -> &'static str {
        match self {
            LockDuration::OneMinute => "1m",
            LockDuration::FifteenMinutes => "15m",
            LockDuration::OneHour => "1h",
            LockDuration::OneDay => "24h",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<LockDuration> {
        LockDuration::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Its length in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            LockDuration::OneMinute => 60,
            LockDuration::FifteenMinutes => 900,
            LockDuration::OneHour => 3_600,
            LockDuration::OneDay => 86_400,
        }
    }
}

/// A merchant's pricing tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Every merchant not assigned another tier.
    Standard,
    /// Merchants with volume discounts.
    Volume,
    /// Negotiated pricing.
    Enterprise,
}

impl Tier {
    /// Every tier.
    pub const ALL: [Tier; 3] = [Tier::Standard, Tier::Volume, Tier::Enterprise];

    /// `standard`, `volume`, `enterprise`.
    pub fn code(self) -> &'static str {
        match self {
            Tier::Standard => "standard",
            Tier::Volume => "volume",
            Tier::Enterprise => "enterprise",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// A spread for a pair (either side may be any currency) and a tier (or any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpreadRule {
    /// The currency sold, or any.
    pub sell: Option<Currency>,
    /// The currency bought, or any.
    pub buy: Option<Currency>,
    /// The tier, or any.
    pub tier: Option<Tier>,
    /// Spread off the mid-market rate, in basis points.
    pub spread_bps: u32,
}

impl SpreadRule {
    fn matches(&self, sell: Currency, buy: Currency, tier: Tier) -> bool {
        self.sell.is_none_or(|c| c == sell)
            && self.buy.is_none_or(|c| c == buy)
            && self.tier.is_none_or(|t| t == tier)
    }

    /// How specific the rule is: a named pair beats a tier beats nothing.
    fn specificity(&self) -> u8 {
        u8::from(self.sell.is_some()) * 4
            + u8::from(self.buy.is_some()) * 4
            + u8::from(self.tier.is_some()) * 2
    }
}

/// A validated pricing, as the operator sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    /// Spread when no rule matches, in bps.
    pub default_spread_bps: u32,
    /// Rules; the most specific match wins (pair over tier over nothing).
    pub rules: Vec<SpreadRule>,
    /// Price of each lock duration, in bps of the amount sold, charged as a fee.
    pub lock_bps: BTreeMap<LockDuration, u32>,
    /// Added to the spread when the reference market is closed (weekend or TARGET holiday).
    pub weekend_holiday_markup_bps: u32,
    /// How many TARGET business days old the reference rate may be.
    pub max_rate_age_business_days: u32,
    /// Tiers of merchants (others are [`Tier::Standard`]).
    pub merchant_tiers: BTreeMap<String, Tier>,
}

/// Why a pricing was refused; names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PricingError {
    /// The field (`spreads[2].spread_bps`, `lock_bps.24h`, ...).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> PricingError {
    PricingError {
        field: field.into(),
        message: message.into(),
    }
}

impl Pricing {
    /// The pricing a new platform starts with: 50 bps, locks from 0 to 30
    /// bps, a 25 bps markup when the market is closed, rates up to 3 TARGET
    /// business days old.
    pub fn default_pricing() -> Pricing {
        Pricing {
            default_spread_bps: 50,
            rules: Vec::new(),
            lock_bps: LockDuration::ALL.into_iter().zip([0, 2, 5, 30]).collect(),
            weekend_holiday_markup_bps: 25,
            max_rate_age_business_days: 3,
            merchant_tiers: BTreeMap::new(),
        }
    }

    /// Checks limits, that every lock duration is priced, that longer locks
    /// never cost less, and that no two rules cover the same pair and tier.
    pub fn validate(&self) -> Result<(), PricingError> {
        if self.default_spread_bps > MAX_SPREAD_BPS {
            return Err(invalid(
                "default_spread_bps",
                format!("at most {MAX_SPREAD_BPS}"),
            ));
        }
        if self.rules.len() > MAX_SPREAD_RULES {
            return Err(invalid(
                "rules",
                format!("at most {MAX_SPREAD_RULES} rules"),
            ));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.spread_bps > MAX_SPREAD_BPS {
                return Err(invalid(
                    format!("spreads[{i}].spread_bps"),
                    format!("at most {MAX_SPREAD_BPS}"),
                ));
            }
            if let (Some(s), Some(b)) = (rule.sell, rule.buy) {
                if s == b {
                    return Err(invalid(
                        format!("spreads[{i}].buy"),
                        "sell and buy are the same currency",
                    ));
                }
            }
            let duplicate = self.rules[..i]
                .iter()
                .any(|r| r.sell == rule.sell && r.buy == rule.buy && r.tier == rule.tier);
            if duplicate {
                return Err(invalid(
                    format!("spreads[{i}]"),
                    "another rule covers the same pair and tier",
                ));
            }
        }
        let mut previous = 0;
        for duration in LockDuration::ALL {
            let field = format!("lock_bps.{}", duration.code());
            let bps = *self
                .lock_bps
                .get(&duration)
                .ok_or_else(|| invalid(&field, "every lock duration must be priced"))?;
            if bps > MAX_LOCK_BPS {
                return Err(invalid(field, format!("at most {MAX_LOCK_BPS}")));
            }
            if bps < previous {
                return Err(invalid(
                    field,
                    "a longer lock may not cost less than a shorter one",
                ));
            }
            previous = bps;
        }
        if self.weekend_holiday_markup_bps > MAX_LOCK_BPS {
            return Err(invalid(
                "weekend_holiday_markup_bps",
                format!("at most {MAX_LOCK_BPS}"),
            ));
        }
        if self.max_rate_age_business_days > MAX_RATE_AGE_BUSINESS_DAYS {
            return Err(invalid(
                "max_rate_age_business_days",
                format!("at most {MAX_RATE_AGE_BUSINESS_DAYS}"),
            ));
        }
        if self.merchant_tiers.len() > MAX_TIER_ASSIGNMENTS {
            return Err(invalid(
                "merchant_tiers",
                format!("at most {MAX_TIER_ASSIGNMENTS} merchants"),
            ));
        }
        Ok(())
    }

    /// The merchant's tier.
    pub fn tier_of(&self, merchant: &str) -> Tier {
        self.merchant_tiers
            .get(merchant)
            .copied()
            .unwrap_or(Tier::Standard)
    }

    /// The spread for a pair and tier, before any markup: the most specific
    /// matching rule, else the default.
    pub fn spread_bps(&self, sell: Currency, buy: Currency, tier: Tier) -> u32 {
        self.rules
            .iter()
            .filter(|r| r.matches(sell, buy, tier))
            .max_by_key(|r| r.specificity())
            .map_or(self.default_spread_bps, |r| r.spread_bps)
    }

    /// The price of a lock, in bps.
    pub fn lock_price_bps(&self, duration: LockDuration) -> u32 {
        self.lock_bps.get(&duration).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    #[test]
    fn most_specific_rule_wins() {
        let mut p = Pricing::default_pricing();
        p.rules = vec![
            SpreadRule {
                sell: None,
                buy: None,
                tier: Some(Tier::Volume),
                spread_bps: 30,
            },
            SpreadRule {
                sell: Some(cur("USD")),
                buy: Some(cur("CNY")),
                tier: None,
                spread_bps: 40,
            },
            SpreadRule {
                sell: Some(cur("USD")),
                buy: Some(cur("CNY")),
                tier: Some(Tier::Volume),
                spread_bps: 20,
            },
        ];
        p.validate().unwrap();
        assert_eq!(p.spread_bps(cur("USD"), cur("CNY"), Tier::Volume), 20);
        assert_eq!(p.spread_bps(cur("USD"), cur("CNY"), Tier::Standard), 40);
        assert_eq!(p.spread_bps(cur("EUR"), cur("CNY"), Tier::Volume), 30);
        assert_eq!(p.spread_bps(cur("EUR"), cur("CNY"), Tier::Standard), 50);
    }

    #[test]
    fn refuses_cheaper_longer_locks_and_limits() {
        let mut p = Pricing::default_pricing();
        p.lock_bps.insert(LockDuration::OneDay, 1);
        assert_eq!(p.validate().unwrap_err().field, "lock_bps.24h");
        let mut p = Pricing::default_pricing();
        p.lock_bps.remove(&LockDuration::OneHour);
        assert_eq!(p.validate().unwrap_err().field, "lock_bps.1h");
        let mut p = Pricing::default_pricing();
        p.default_spread_bps = MAX_SPREAD_BPS + 1;
        assert_eq!(p.validate().unwrap_err().field, "default_spread_bps");
        let mut p = Pricing::default_pricing();
        let rule = SpreadRule {
            sell: Some(cur("USD")),
            buy: None,
            tier: None,
            spread_bps: 10,
        };
        p.rules = vec![rule, rule];
        assert_eq!(p.validate().unwrap_err().field, "spreads[1]");
    }
}
