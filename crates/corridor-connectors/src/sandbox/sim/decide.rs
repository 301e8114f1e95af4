//! The provider's and the issuer's decisions: 3DS challenges, approvals,
//! decline codes. Each draws from the call's own generator.

use corridor_core::payments::card::Expiry;
use corridor_core::{CountryCode, Timestamp};
use rand::rngs::StdRng;

use super::Sim;
use crate::sandbox::draw;
use crate::sandbox::test_cards::TestCard;
use crate::sandbox::world::WorldState;
use crate::{CaptureMode, ChargeOutcome, Decline, DeclineCode, MethodType};

/// Most payments the issuers remember a hard decline or a first
/// `processing_error` for.
const ISSUER_MEMORY_MAX: usize = 2_000_000;

/// Hard card declines and how often each comes up.
const CARD_HARD_DECLINES: [(DeclineCode, u32); 7] = [
    (DeclineCode::GenericDecline, 35),
    (DeclineCode::InsufficientFunds, 30),
    (DeclineCode::DoNotHonor, 20),
    (DeclineCode::IncorrectCvc, 5),
    (DeclineCode::Fraudulent, 5),
    (DeclineCode::LostCard, 3),
    (DeclineCode::StolenCard, 2),
];

/// Soft declines (of any method) and how often each comes up.
const SOFT_DECLINES: [(DeclineCode, u32); 2] = [
    (DeclineCode::TryAgainLater, 60),
    (DeclineCode::IssuerUnavailable, 40),
];

/// Hard declines of wallets, bank redirects, BNPL and UPI.
const ACCOUNT_HARD_DECLINES: [(DeclineCode, u32); 3] = [
    (DeclineCode::TransactionNotAllowed, 50),
    (DeclineCode::InsufficientFunds, 30),
    (DeclineCode::AuthenticationFailed, 20),
];

/// Why SEPA debits bounce.
const DEBIT_RETURNS: [(DeclineCode, u32); 2] = [
    (DeclineCode::InsufficientFunds, 60),
    (DeclineCode::AccountClosed, 40),
];

/// What an approval turns into.
pub(super) fn approved(capture: CaptureMode) -> ChargeOutcome {
    match capture {
        CaptureMode::Automatic => ChargeOutcome::Captured,
        CaptureMode::Manual => ChargeOutcome::Authorized,
    }
}

fn declined(code: DeclineCode) -> ChargeOutcome {
    ChargeOutcome::Declined(Decline::new(code))
}

/// Whether the card's expiry month ended before `now`.
pub(super) fn card_expired(expiry: Expiry, now: Timestamp) -> bool {
    let (year, month) = year_month(now);
    (i64::from(expiry.year), i64::from(expiry.month)) < (year, month)
}

/// The UTC year and month of `at` (Howard Hinnant's civil-from-days).
fn year_month(at: Timestamp) -> (i64, i64) {
    let days = at.unix_micros().div_euclid(86_400_000_000) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// A card payment's facts, as the decisions need them.
pub(super) struct CardCase<'r> {
    pub payment_id: &'r str,
    pub country: CountryCode,
    pub capture: CaptureMode,
    pub sca_required: bool,
    pub test_card: Option<TestCard>,
}

impl Sim<'_> {
    /// The first answer to a card charge (after the expiry check): a test
    /// card's fixed behaviour, a 3DS challenge, or the issuer's decision.
    pub(super) fn card_first_outcome(
        &mut self,
        psp: usize,
        case: &CardCase<'_>,
        three_ds_url: String,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        let three_ds =
            || ChargeOutcome::RequiresAction(crate::NextAction::ThreeDSecure { url: three_ds_url });
        match case.test_card {
            Some(TestCard::Approve | TestCard::RefundFails) => approved(case.capture),
            Some(TestCard::GenericDecline) => declined(DeclineCode::GenericDecline),
            Some(TestCard::InsufficientFunds) => declined(DeclineCode::InsufficientFunds),
            Some(TestCard::RequiresThreeDs) => three_ds(),
            Some(TestCard::ProcessingError) => {
                if remember(&mut self.state.processing_errors_seen, case.payment_id) {
                    declined(DeclineCode::ProcessingError)
                } else {
                    approved(case.capture)
                }
            }
            None => {
                let rates = self.profile(psp).three_ds;
                let rate = if case.sca_required {
                    rates.challenge_rate_sca
                } else {
                    rates.challenge_rate_other
                };
                if draw::chance(rng, rate) {
                    three_ds()
                } else {
                    self.issuer_decision(psp, case, rng)
                }
            }
        }
    }

    /// The answer after the buyer passed (or failed) a 3DS challenge.
    pub(super) fn card_after_challenge(
        &mut self,
        psp: usize,
        case: &CardCase<'_>,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        if case.test_card.is_some() {
            return approved(case.capture);
        }
        if !draw::chance(rng, self.profile(psp).three_ds.authentication_rate) {
            return declined(DeclineCode::AuthenticationFailed);
        }
        self.issuer_decision(psp, case, rng)
    }

    /// The issuer approves at the provider's rate for the country, or
    /// declines; a hard decline is final for the payment at every provider.
    fn issuer_decision(
        &mut self,
        psp: usize,
        case: &CardCase<'_>,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        if let Some(code) = self.state.issuer_declines.get(case.payment_id) {
            return declined(*code);
        }
        let profile = self.profile(psp);
        let rate = profile
            .method(MethodType::Card)
            .map_or(0.0, |m| m.approval_rate_in(case.country));
        if draw::chance(rng, rate) {
            return approved(case.capture);
        }
        let code = if draw::chance(rng, profile.soft_decline_share) {
            draw::weighted(rng, &SOFT_DECLINES)
        } else {
            draw::weighted(rng, &CARD_HARD_DECLINES)
        };
        if !code.is_soft() {
            remember_decline(self.state, case.payment_id, code);
        }
        declined(code)
    }

    /// A wallet, bank, BNPL or UPI approval after the buyer acted.
    pub(super) fn account_decision(
        &self,
        psp: usize,
        method: MethodType,
        country: CountryCode,
        capture: CaptureMode,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        let profile = self.profile(psp);
        let rate = profile
            .method(method)
            .map_or(0.0, |m| m.approval_rate_in(country));
        if draw::chance(rng, rate) {
            approved(capture)
        } else if draw::chance(rng, profile.soft_decline_share) {
            declined(draw::weighted(rng, &SOFT_DECLINES))
        } else {
            declined(draw::weighted(rng, &ACCOUNT_HARD_DECLINES))
        }
    }

    /// A SEPA debit settles at the method's rate, or bounces.
    pub(super) fn debit_decision(
        &self,
        psp: usize,
        country: CountryCode,
        rng: &mut StdRng,
    ) -> ChargeOutcome {
        let rate = self
            .profile(psp)
            .method(MethodType::SepaDebit)
            .map_or(0.0, |m| m.approval_rate_in(country));
        if draw::chance(rng, rate) {
            ChargeOutcome::Captured
        } else {
            declined(draw::weighted(rng, &DEBIT_RETURNS))
        }
    }
}

/// Adds `payment_id` to `seen`; true if it was not there (and memory allows).
fn remember(seen: &mut std::collections::HashSet<String>, payment_id: &str) -> bool {
    if seen.contains(payment_id) {
        return false;
    }
    if seen.len() < ISSUER_MEMORY_MAX {
        seen.insert(payment_id.to_string());
    }
    true
}

fn remember_decline(state: &mut WorldState, payment_id: &str, code: DeclineCode) {
    if state.issuer_declines.len() < ISSUER_MEMORY_MAX {
        state.issuer_declines.insert(payment_id.to_string(), code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_of_known_instants() {
        // 2026-11-26T00:00:00Z, 2024-02-29T23:59:59Z, the epoch.
        assert_eq!(
            year_month(Timestamp::from_unix_micros(1_795_651_200_000_000)),
            (2026, 11)
        );
        assert_eq!(
            year_month(Timestamp::from_unix_micros(1_709_251_199_000_000)),
            (2024, 2)
        );
        assert_eq!(year_month(Timestamp::EPOCH), (1970, 1));
    }

    #[test]
    fn a_card_is_valid_through_its_expiry_month() {
        let now = Timestamp::from_unix_micros(1_795_651_200_000_000);
        assert!(!card_expired(
            Expiry {
                month: 11,
                year: 2026
            },
            now
        ));
        assert!(card_expired(
            Expiry {
                month: 10,
                year: 2026
            },
            now
        ));
    }
}
