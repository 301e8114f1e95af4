//! Payment rules of a market, with structured data where code needs it.

use corridor_core::Currency;

/// A rule a merchant selling into a market must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub(crate) code: String,
    pub(crate) summary: String,
    pub(crate) source: String,
    pub(crate) kind: RuleKind,
}

impl Rule {
    /// Stable snake_case code (`psd2_sca`, `us_ofac_itsr`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// One or two sentences a merchant can read.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The regulation or authoritative document (URL or name).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The structured part the payment engine reads.
    pub fn kind(&self) -> &RuleKind {
        &self.kind
    }
}

/// What a rule means for code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// Information for the merchant only.
    Info,
    /// Strong customer authentication for card payments.
    Sca(ScaRule),
    /// Limits on cross-border retail imports per buyer.
    ImportLimit(ImportLimit),
    /// India's payment aggregator cross-border (PA-CB) limits.
    PaCb(PaCbLimit),
    /// A sanctions program that applies to the market.
    Sanctions(SanctionsRule),
}

/// Strong customer authentication (PSD2 and the UK's onshored rules) for
/// remote card payments, with the exemptions a payment may claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaRule {
    pub(crate) currency: Currency,
    pub(crate) low_value_exemption_minor: Option<i64>,
    pub(crate) low_value_cumulative_minor_max: Option<i64>,
    pub(crate) low_value_count_max: Option<u16>,
    pub(crate) tra_bands: Vec<TraBand>,
    pub(crate) merchant_initiated_exempt: bool,
    pub(crate) recurring_fixed_amount_exempt: bool,
}

/// A transaction risk analysis band: payments up to `amount_minor_max` may be
/// exempted by a provider whose fraud rate is at most `fraud_rate_bps_max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraBand {
    pub(crate) amount_minor_max: i64,
    pub(crate) fraud_rate_bps_max: u16,
}

impl TraBand {
    /// Largest exempt amount, minor units of the rule's currency.
    pub fn amount_minor_max(self) -> i64 {
        self.amount_minor_max
    }

    /// Highest reference fraud rate allowed, in basis points (13 is 0.13 %).
    pub fn fraud_rate_bps_max(self) -> u16 {
        self.fraud_rate_bps_max
    }
}

impl ScaRule {
    /// The currency the thresholds are in.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// A single remote payment at most this amount may use the low-value exemption.
    pub fn low_value_exemption_minor(&self) -> Option<i64> {
        self.low_value_exemption_minor
    }

    /// The low-value exemption stops once payments since the last SCA add up past this.
    pub fn low_value_cumulative_minor_max(&self) -> Option<i64> {
        self.low_value_cumulative_minor_max
    }

    /// ... or once this many payments were exempted since the last SCA.
    pub fn low_value_count_max(&self) -> Option<u16> {
        self.low_value_count_max
    }

    /// Transaction risk analysis bands, smallest amount first.
    pub fn tra_bands(&self) -> &[TraBand] {
        &self.tra_bands
    }

    /// Largest amount a provider with this fraud rate may exempt by TRA.
    pub fn tra_exemption_minor_max(&self, fraud_rate_bps: u16) -> Option<i64> {
        self.tra_bands
            .iter()
            .filter(|band| fraud_rate_bps <= band.fraud_rate_bps_max)
            .map(|band| band.amount_minor_max)
            .max()
    }

    /// Merchant-initiated payments (no buyer in session) fall outside SCA.
    pub fn merchant_initiated_exempt(&self) -> bool {
        self.merchant_initiated_exempt
    }

    /// Recurring payments of the same amount to the same payee need SCA only
    /// for the first.
    pub fn recurring_fixed_amount_exempt(&self) -> bool {
        self.recurring_fixed_amount_exempt
    }
}

/// Per-buyer limits on cross-border e-commerce retail imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLimit {
    pub(crate) currency: Currency,
    pub(crate) per_transaction_minor_max: i64,
    pub(crate) per_year_minor_max: i64,
}

impl ImportLimit {
    /// The currency the limits are in.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Largest single purchase, minor units.
    pub fn per_transaction_minor_max(&self) -> i64 {
        self.per_transaction_minor_max
    }

    /// Largest total per buyer per calendar year, minor units.
    pub fn per_year_minor_max(&self) -> i64 {
        self.per_year_minor_max
    }
}

/// India's PA-CB limits on import and export payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaCbLimit {
    pub(crate) currency: Currency,
    pub(crate) per_unit_minor_max: i64,
    pub(crate) buyer_due_diligence_above_minor: Option<i64>,
}

impl PaCbLimit {
    /// The currency the limits are in.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Largest value per unit of goods or services, minor units.
    pub fn per_unit_minor_max(&self) -> i64 {
        self.per_unit_minor_max
    }

    /// Import payments above this value per unit need due diligence of the buyer.
    pub fn buyer_due_diligence_above_minor(&self) -> Option<i64> {
        self.buyer_due_diligence_above_minor
    }
}

/// A sanctions program that applies to a market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionsRule {
    pub(crate) authority: String,
    pub(crate) program: String,
    pub(crate) comprehensive: bool,
}

impl SanctionsRule {
    /// Who imposes it (`US OFAC`, `EU`, `UN Security Council`).
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The program's name (`Iranian Transactions and Sanctions Regulations (ITSR)`).
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Whether it prohibits practically all trade with the country, rather
    /// than targeting listed persons and sectors.
    pub fn comprehensive(&self) -> bool {
        self.comprehensive
    }
}
