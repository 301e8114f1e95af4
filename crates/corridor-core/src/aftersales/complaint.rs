//! Customer complaints: categories, the state machine, and each market's
//! rule for when a complaint must be answered.
//!
//! The rules (the deadline arithmetic on holiday calendars lives with the
//! calendars, in the market knowledge base):
//! - EU/EEA and UK, complaints about the payment service (PSD2 art. 101,
//!   UK PSRs 2017 reg. 101 and FCA DISP 1.6.2A): 15 business days; in
//!   exceptional situations, after a holding reply, 35 business days.
//! - UK, other complaints (FCA DISP 1.6.2): 8 weeks.
//! - EU/EEA, other complaints: no EU-wide statutory period; the PSD2 period
//!   of 15 business days is applied, without extension.
//! - China (PBoC consumer-protection measures): 15 days.
//! - India (RBI Integrated Ombudsman Scheme 2021): 30 days, after which the
//!   customer may go to the ombudsman.
//! - Elsewhere: the platform's own service level, 15 business days.

use crate::CountryCode;

/// What a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintCategory {
    /// Paid, never received.
    NotReceived,
    /// Received, not as described.
    NotAsDescribed,
    /// The buyer did not make the payment.
    Unauthorized,
    /// A promised refund did not arrive.
    RefundNotReceived,
    /// Charged twice.
    DuplicateCharge,
    /// Anything else.
    Other,
}

impl ComplaintCategory {
    /// Every category.
    pub const ALL: [ComplaintCategory; 6] = [
        ComplaintCategory::NotReceived,
        ComplaintCategory::NotAsDescribed,
        ComplaintCategory::Unauthorized,
        ComplaintCategory::RefundNotReceived,
        ComplaintCategory::DuplicateCharge,
        ComplaintCategory::Other,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintCategory::NotReceived => "not_received",
            ComplaintCategory::NotAsDescribed => "not_as_described",
            ComplaintCategory::Unauthorized => "unauthorized",
            ComplaintCategory::RefundNotReceived => "refund_not_received",
            ComplaintCategory::DuplicateCharge => "duplicate_charge",
            ComplaintCategory::Other => "other",
        }
    }

    /// The category with this code.
    pub fn parse(code: &str) -> Option<Self> {
        ComplaintCategory::ALL
            .into_iter()
            .find(|c| c.code() == code)
    }

    /// Whether it is a complaint about the payment service itself, which
    /// payment-services law times.
    pub fn is_about_payment_service(self) -> bool {
        matches!(
            self,
            ComplaintCategory::Unauthorized
                | ComplaintCategory::DuplicateCharge
                | ComplaintCategory::RefundNotReceived
        )
    }
}

/// How a deadline is counted from the day the complaint is received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Days the market's banks are open (its holiday calendar).
    BusinessDays(u32),
    /// Calendar days.
    Days(u32),
    /// Calendar weeks.
    Weeks(u32),
}

/// A market's rule for answering one kind of complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintRule {
    /// Stable code of the rule (`psd2_art101`, `fca_disp_8_weeks`, ...).
    pub code: &'static str,
    /// The period to answer.
    pub period: Period,
    /// The longer period a holding reply allows, where the rule allows one.
    pub with_holding_reply: Option<Period>,
}

/// EU member states and the other EEA states (Iceland, Liechtenstein, Norway).
pub const EEA: [&str; 30] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

/// Whether `country` is in the EEA.
pub fn is_eea(country: CountryCode) -> bool {
    EEA.contains(&country.as_str())
}

/// The rule for a complaint of `category` about a payment in `country`.
pub fn rule_for(country: CountryCode, category: ComplaintCategory) -> ComplaintRule {
    let payment_service = category.is_about_payment_service();
    let psd2 = ComplaintRule {
        code: "psd2_art101",
        period: Period::BusinessDays(15),
        with_holding_reply: Some(Period::BusinessDays(35)),
    };
    match country.as_str() {
        "GB" if payment_service => ComplaintRule {
            code: "uk_psrs_reg101",
            ..psd2
        },
        "GB" => ComplaintRule {
            code: "fca_disp_8_weeks",
            period: Period::Weeks(8),
            with_holding_reply: None,
        },
        "CN" => ComplaintRule {
            code: "cn_pboc_15_days",
            period: Period::Days(15),
            with_holding_reply: None,
        },
        "IN" => ComplaintRule {
            code: "in_rbi_ombudsman_30_days",
            period: Period::Days(30),
            with_holding_reply: None,
        },
        _ if is_eea(country) && payment_service => psd2,
        _ if is_eea(country) => ComplaintRule {
            code: "eu_platform_15_business_days",
            period: Period::BusinessDays(15),
            with_holding_reply: None,
        },
        _ => ComplaintRule {
            code: "platform_15_business_days",
            period: Period::BusinessDays(15),
            with_holding_reply: None,
        },
    }
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintStatus {
    /// Received, not answered yet (a holding reply leaves it open).
    Open,
    /// Answered; not resolved yet.
    Responded,
    /// Resolved by a refund or a reasoned rejection.
    Resolved,
    /// Turned into a dispute.
    Escalated,
}

impl ComplaintStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "open",
            ComplaintStatus::Responded => "responded",
            ComplaintStatus::Resolved => "resolved",
            ComplaintStatus::Escalated => "escalated",
        }
    }

    /// The status with this code.
    pub fn parse(code: &str) -> Option<Self> {
        [
            ComplaintStatus::Open,
            ComplaintStatus::Responded,
            ComplaintStatus::Resolved,
            ComplaintStatus::Escalated,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Resolved or escalated: nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintStatus::Resolved | ComplaintStatus::Escalated)
    }
}

/// Something done to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintAction {
    /// A holding reply: the answer will take longer (where the rule allows).
    HoldingReply,
    /// A response.
    Respond,
    /// Resolved (refund or rejection).
    Resolve,
    /// Escalated to a dispute.
    Escalate,
}

/// Why an action does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintTransitionError {
    /// The complaint is closed.
    #[error("the complaint is already {0}")]
    Closed(&'static str),
    /// The market's rule allows no holding reply for it.
    #[error("this market's rule for the complaint allows no holding reply")]
    HoldingReplyNotAllowed,
    /// A holding reply was already sent.
    #[error("a holding reply was already sent")]
    HoldingReplyAlreadySent,
    /// A holding reply after the response makes no sense.
    #[error("the complaint was already responded to")]
    AlreadyResponded,
}

/// The state machine: the status after `action`, given `status`, the rule
/// and whether a holding reply was sent.
pub fn transition(
    status: ComplaintStatus,
    rule: &ComplaintRule,
    holding_reply_sent: bool,
    action: ComplaintAction,
) -> Result<ComplaintStatus, ComplaintTransitionError> {
    use ComplaintAction as A;
    use ComplaintStatus as S;
    if status.is_closed() {
        return Err(ComplaintTransitionError::Closed(status.code()));
    }
    match action {
        A::HoldingReply if status == S::Responded => {
            Err(ComplaintTransitionError::AlreadyResponded)
        }
        A::HoldingReply if rule.with_holding_reply.is_none() => {
            Err(ComplaintTransitionError::HoldingReplyNotAllowed)
        }
        A::HoldingReply if holding_reply_sent => {
            Err(ComplaintTransitionError::HoldingReplyAlreadySent)
        }
        A::HoldingReply => Ok(S::Open),
        A::Respond => Ok(S::Responded),
        A::Resolve => Ok(S::Resolved),
        A::Escalate => Ok(S::Escalated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintCategory as Cat;

    fn cc(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    #[test]
    fn rules_by_market_and_category() {
        let cases = [
            (
                "DE",
                Cat::Unauthorized,
                "psd2_art101",
                Period::BusinessDays(15),
                Some(Period::BusinessDays(35)),
            ),
            (
                "FR",
                Cat::DuplicateCharge,
                "psd2_art101",
                Period::BusinessDays(15),
                Some(Period::BusinessDays(35)),
            ),
            (
                "NO",
                Cat::RefundNotReceived,
                "psd2_art101",
                Period::BusinessDays(15),
                Some(Period::BusinessDays(35)),
            ),
            (
                "DE",
                Cat::NotReceived,
                "eu_platform_15_business_days",
                Period::BusinessDays(15),
                None,
            ),
            (
                "GB",
                Cat::Unauthorized,
                "uk_psrs_reg101",
                Period::BusinessDays(15),
                Some(Period::BusinessDays(35)),
            ),
            (
                "GB",
                Cat::NotAsDescribed,
                "fca_disp_8_weeks",
                Period::Weeks(8),
                None,
            ),
            (
                "CN",
                Cat::Unauthorized,
                "cn_pboc_15_days",
                Period::Days(15),
                None,
            ),
            (
                "IN",
                Cat::Other,
                "in_rbi_ombudsman_30_days",
                Period::Days(30),
                None,
            ),
            (
                "US",
                Cat::Other,
                "platform_15_business_days",
                Period::BusinessDays(15),
                None,
            ),
        ];
        for (country, category, code, period, holding) in cases {
            let rule = rule_for(cc(country), category);
            assert_eq!(
                (rule.code, rule.period, rule.with_holding_reply),
                (code, period, holding),
                "{country} {category:?}"
            );
        }
    }

    #[test]
    fn complaint_state_machine_table() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let psd2 = rule_for(cc("DE"), Cat::Unauthorized);
        let disp = rule_for(cc("GB"), Cat::Other);
        let cases = [
            (S::Open, psd2, false, A::HoldingReply, Ok(S::Open)),
            (
                S::Open,
                psd2,
                true,
                A::HoldingReply,
                Err(ComplaintTransitionError::HoldingReplyAlreadySent),
            ),
            (
                S::Open,
                disp,
                false,
                A::HoldingReply,
                Err(ComplaintTransitionError::HoldingReplyNotAllowed),
            ),
            (
                S::Responded,
                psd2,
                false,
                A::HoldingReply,
                Err(ComplaintTransitionError::AlreadyResponded),
            ),
            (S::Open, psd2, false, A::Respond, Ok(S::Responded)),
            (S::Responded, psd2, false, A::Respond, Ok(S::Responded)),
            (S::Open, psd2, false, A::Resolve, Ok(S::Resolved)),
            (S::Responded, psd2, false, A::Escalate, Ok(S::Escalated)),
            (
                S::Resolved,
                psd2,
                false,
                A::Resolve,
                Err(ComplaintTransitionError::Closed("resolved")),
            ),
            (
                S::Escalated,
                psd2,
                false,
                A::Respond,
                Err(ComplaintTransitionError::Closed("escalated")),
            ),
        ];
        for (status, rule, holding, action, expected) in cases {
            assert_eq!(
                transition(status, &rule, holding, action),
                expected,
                "{status:?} {action:?}"
            );
        }
    }
}
