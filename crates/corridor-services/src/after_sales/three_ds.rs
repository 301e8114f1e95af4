//! The 3-D Secure outcome of a stored card payment: whether the market
//! required strong customer authentication, the PSD2 exemption that spared
//! it, how authentication ran (from the payment's attempts) and whether
//! fraud liability shifted to the issuer.

use corridor_core::aftersales::three_ds::{outcome, AuthenticationFacts, ThreeDsOutcome};
use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::method::MethodType;
use corridor_core::payments::status::PaymentStatus;
use corridor_core::CountryCode;
use corridor_markets::markets;
use corridor_store::{AttemptRecord, PaymentRecord};

/// A card payment's 3-D Secure outcome, with its exemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreeDsAssessment {
    /// Required, result, flow and liability shift.
    pub outcome: ThreeDsOutcome,
    /// The exemption that spared an EEA or UK payment SCA (`low_value`).
    pub exemption: Option<&'static str>,
}

/// The outcome of `payment` (`None` unless it is a card payment).
pub fn assess(payment: &PaymentRecord, attempts: &[AttemptRecord]) -> Option<ThreeDsAssessment> {
    if payment.method_type != MethodType::Card {
        return None;
    }
    let country = CountryCode::parse(&payment.country).ok()?;
    let sca = markets().get(country).and_then(|m| m.sca());
    let exempted = sca.is_some_and(|rule| {
        rule.currency() == payment.currency
            && rule
                .low_value_exemption_minor()
                .is_some_and(|max| payment.amount > 0 && payment.amount <= max)
    });
    let facts = AuthenticationFacts {
        sca_required: sca.is_some(),
        exempted,
        challenged: attempts
            .iter()
            .any(|a| a.outcome == AttemptStatus::RequiresAction),
        authorized: matches!(
            payment.status,
            PaymentStatus::Succeeded | PaymentStatus::RequiresCapture
        ),
    };
    Some(ThreeDsAssessment {
        outcome: outcome(facts),
        exemption: exempted.then_some("low_value"),
    })
}
