//! The rules in force, as checked data: corridor rules that refuse a
//! transaction and monitoring rules that raise alerts. Amounts are USD
//! cents (every transaction is valued in USD at the operator's reference
//! rates before it is compared).

use corridor_core::{Amount, Currency};

/// What a transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// A buyer pays a merchant.
    Payment,
    /// A merchant refunds a buyer.
    Refund,
    /// A merchant pays a beneficiary out.
    Payout,
}

impl Flow {
    /// Every flow.
    pub const ALL: [Flow; 3] = [Flow::Payment, Flow::Refund, Flow::Payout];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Flow::Payment => "payment",
            Flow::Refund => "refund",
            Flow::Payout => "payout",
        }
    }

    /// The flow of a code.
    pub fn parse(code: &str) -> Option<Flow> {
        Flow::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look.
    Low,
    /// To review.
    Medium,
    /// To review first.
    High,
}

impl Severity {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The severity of a code.
    pub fn parse(code: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// Which transactions a rule looks at (empty lists: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Flows (empty: every flow).
    pub flows: Vec<Flow>,
    /// ISO 3166 alpha-2 countries of the buyer (payments, refunds) or the
    /// beneficiary (payouts).
    pub countries: Vec<String>,
    /// Currencies of the transaction.
    pub currencies: Vec<Currency>,
}

impl Scope {
    /// Whether a transaction of `flow`, `country` and `currency` is in scope.
    pub fn covers(&self, flow: Flow, country: Option<&str>, currency: Currency) -> bool {
        (self.flows.is_empty() || self.flows.contains(&flow))
            && (self.countries.is_empty()
                || country.is_some_and(|c| self.countries.iter().any(|x| x == c)))
            && (self.currencies.is_empty() || self.currencies.contains(&currency))
    }
}

/// What a corridor rule refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorridorCheck {
    /// Every transaction in scope (markets closed by comprehensive sanctions).
    Closed,
    /// A transaction above this many USD cents.
    MaxAmountUsd(Amount),
    /// A transaction without a purpose code.
    PurposeCodeRequired,
    /// A transaction that takes its subject's total of the calendar year
    /// (UTC), in the transaction's flow, above this many USD cents; the
    /// total is read from the store's durable records.
    AnnualQuotaUsd {
        /// Whose total.
        per: Subject,
        /// The most per calendar year.
        quota: Amount,
    },
    /// A card payment above this many USD cents that is not strongly
    /// authenticated (3-D Secure): PSD2's rule for EEA and UK cards, where
    /// only a named exemption (the market's low-value one) spares SCA.
    ScaRequiredAboveUsd(Amount),
}

/// A corridor or country rule: a transaction in scope that fails the check
/// is refused, naming the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorridorRule {
    /// Unique name, shown in every refusal.
    pub name: String,
    /// What it looks at.
    pub scope: Scope,
    /// What it refuses.
    pub check: CorridorCheck,
}

/// Whose transactions a velocity rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The merchant's.
    Merchant,
    /// One card's (by fingerprint).
    Card,
    /// One beneficiary's.
    Beneficiary,
}

impl Subject {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Subject::Merchant => "merchant",
            Subject::Card => "card",
            Subject::Beneficiary => "beneficiary",
        }
    }

    /// The subject of a code.
    pub fn parse(code: &str) -> Option<Subject> {
        [Subject::Merchant, Subject::Card, Subject::Beneficiary]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// What a monitoring rule watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitoringCheck {
    /// More than `max_count` transactions of one subject within the window.
    Velocity {
        /// Whose.
        per: Subject,
        /// The window.
        window_seconds: i64,
        /// At most this many.
        max_count: u32,
    },
    /// `min_count` transactions of one merchant within the window, each
    /// within `margin_bps` below `threshold_usd`.
    Structuring {
        /// The reporting threshold kept under.
        threshold_usd: Amount,
        /// How far below it counts (basis points of the threshold).
        margin_bps: u32,
        /// The window.
        window_seconds: i64,
        /// This many raise the alert.
        min_count: u32,
    },
    /// Today's volume above `factor` times the merchant's average day over
    /// the previous `baseline_days` (once that average reaches
    /// `min_baseline_usd`).
    VolumeSpike {
        /// Times the baseline.
        factor: u32,
        /// Days of baseline.
        baseline_days: u32,
        /// The smallest baseline that counts.
        min_baseline_usd: Amount,
    },
    /// A transaction with a country listed.
    HighRiskCountry {
        /// ISO 3166 alpha-2.
        countries: Vec<String>,
    },
    /// Refunds above `max_bps` of sales over the last `window_days`, once
    /// sales reach `min_sales_usd`.
    RefundRatio {
        /// Basis points of sales.
        max_bps: u32,
        /// Days counted.
        window_days: u32,
        /// The smallest sales that count.
        min_sales_usd: Amount,
    },
    /// A transaction of at least `min_usd` that is a whole multiple of
    /// `multiple` in its own currency's minor units.
    RoundAmount {
        /// The smallest amount that counts, USD cents.
        min_usd: Amount,
        /// The multiple in the transaction's minor units (100000: a
        /// thousand dollars or euros).
        multiple: Amount,
    },
}

/// A monitoring rule: a transaction that trips it raises an alert (once per
/// rule and subject per window), never a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringRule {
    /// Unique name, shown in the alert.
    pub name: String,
    /// What it looks at.
    pub scope: Scope,
    /// The alert's severity.
    pub severity: Severity,
    /// What it watches.
    pub check: MonitoringCheck,
}

/// The whole rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    /// The operator document's version (0: the shipped default).
    pub version: i64,
    /// The largest payment (USD cents) a merchant whose KYB is not approved
    /// may accept.
    pub unapproved_merchant_limit_usd: Amount,
    /// Refusing rules.
    pub corridor: Vec<CorridorRule>,
    /// Alerting rules.
    pub monitoring: Vec<MonitoringRule>,
}

/// The name of the unapproved merchants' acceptance limit in refusals.
pub const UNAPPROVED_LIMIT_RULE: &str = "unapproved_merchant_limit";

impl RuleSet {
    /// Checks that names are unique and not the reserved one; the error is
    /// `(field, message)`.
    pub fn check(&self) -> Result<(), (String, String)> {
        let mut seen = std::collections::BTreeSet::new();
        let names = self
            .corridor
            .iter()
            .map(|r| ("corridor_rules", &r.name))
            .chain(
                self.monitoring
                    .iter()
                    .map(|r| ("monitoring_rules", &r.name)),
            );
        let mut index = std::collections::BTreeMap::<&str, usize>::new();
        for (list, name) in names {
            let i = index.entry(list).or_default();
            let field = format!("{list}[{i}].name");
            *i += 1;
            if name == UNAPPROVED_LIMIT_RULE {
                return Err((field, format!("`{name}` is reserved")));
            }
            if !seen.insert(name.clone()) {
                return Err((field, format!("rule name `{name}` is used twice")));
            }
        }
        Ok(())
    }
}
