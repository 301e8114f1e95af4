//! Adyen's `resultCode`, `refusalReasonCode` and `action`, in Corridor's terms.

use corridor_core::Timestamp;

use super::wire::ActionWire;
use crate::{ChargeOutcome, Decline, DeclineCode, NextAction};

/// How long a QR code without its own `expiresAt` is shown: Adyen's QR
/// codes for WeChat Pay and Pix lapse after 15 minutes unless configured.
pub const QR_CODE_TTL_SECONDS: i64 = 15 * 60;
/// How long a voucher without its own `expiresAt` can be paid.
pub const VOUCHER_TTL_SECONDS: i64 = 3 * 24 * 3600;

/// Corridor's decline code for Adyen's `refusalReasonCode` (the documented
/// list of refusal reasons). An unknown or missing code is a generic decline.
pub fn decline_code(refusal_reason_code: Option<&str>) -> DeclineCode {
    let Some(code) = refusal_reason_code else {
        return DeclineCode::GenericDecline;
    };
    match code.trim() {
        "3" | "5" | "25" | "26" | "32" | "46" => DeclineCode::DoNotHonor,
        "4" | "21" => DeclineCode::ProcessingError,
        "6" => DeclineCode::ExpiredCard,
        "7" | "10" | "23" => DeclineCode::TransactionNotAllowed,
        "9" => DeclineCode::IssuerUnavailable,
        "11" | "17" | "18" | "19" | "33" | "36" | "38" | "39" | "42" | "43" => {
            DeclineCode::AuthenticationFailed
        }
        "12" | "28" | "29" => DeclineCode::InsufficientFunds,
        "14" | "20" | "22" | "31" => DeclineCode::Fraudulent,
        "24" => DeclineCode::IncorrectCvc,
        "34" | "35" => DeclineCode::AccountClosed,
        "37" | "40" | "41" | "44" | "45" => DeclineCode::TryAgainLater,
        _ => DeclineCode::GenericDecline,
    }
}

/// Corridor's decline code for the `reason` of a failed `AUTHORISATION`
/// notification (Adyen's refusal reason text, as `refusalReason` shows it).
pub fn decline_from_reason(reason: Option<&str>) -> DeclineCode {
    let text = reason.unwrap_or_default().to_ascii_lowercase();
    let has = |s: &str| text.contains(s);
    if has("not enough balance") || has("withdrawal amount exceeded") {
        DeclineCode::InsufficientFunds
    } else if has("expired card") {
        DeclineCode::ExpiredCard
    } else if has("cvc declined") {
        DeclineCode::IncorrectCvc
    } else if has("fraud") {
        DeclineCode::Fraudulent
    } else if has("3d not authenticated") || has("authentication") {
        DeclineCode::AuthenticationFailed
    } else if has("issuer unavailable") {
        DeclineCode::IssuerUnavailable
    } else if has("blocked card") || has("restricted card") || has("referral") {
        DeclineCode::DoNotHonor
    } else if has("acquirer error") {
        DeclineCode::ProcessingError
    } else if has("not supported") || has("transaction not permitted") {
        DeclineCode::TransactionNotAllowed
    } else {
        DeclineCode::GenericDecline
    }
}

/// What the buyer must do for an `action`, or `None` if the action needs
/// nothing from the buyer that Corridor can show (`await`, `sdk`: the result
/// arrives by notification). `vpa` is the UPI address the charge was sent
/// to; `now` dates actions without their own expiry.
pub(crate) fn next_action(
    action: &ActionWire,
    vpa: Option<&str>,
    now: Timestamp,
) -> Result<Option<NextAction>, String> {
    let expires = |default: i64| -> Result<Timestamp, String> {
        match &action.expires_at {
            Some(text) => parse_time(text),
            None => Ok(now.plus_seconds(default)),
        }
    };
    let url = || {
        action
            .url
            .clone()
            .ok_or_else(|| format!("a `{}` action without a url", action.kind))
    };
    let is_card = action.payment_method_type.as_deref() == Some("scheme");
    Ok(Some(match action.kind.as_str() {
        "redirect" | "nativeRedirect" if is_card => NextAction::ThreeDSecure { url: url()? },
        "redirect" | "nativeRedirect" => NextAction::Redirect { url: url()? },
        "threeDS2" => NextAction::ThreeDSecureSdk {
            subtype: action.subtype.clone().unwrap_or_else(|| "challenge".into()),
            token: action
                .token
                .clone()
                .ok_or("a `threeDS2` action without a token")?,
        },
        "qrCode" => NextAction::QrCode {
            payload: action
                .qr_code_data
                .clone()
                .ok_or("a `qrCode` action without qrCodeData")?,
            expires_at: expires(QR_CODE_TTL_SECONDS)?,
        },
        "voucher" => {
            let number = action
                .reference
                .clone()
                .ok_or("a `voucher` action without a reference")?;
            NextAction::Voucher {
                barcode: action
                    .alternative_reference
                    .clone()
                    .unwrap_or_else(|| number.clone()),
                number,
                expires_at: expires(VOUCHER_TTL_SECONDS)?,
            }
        }
        "await" => match vpa {
            Some(vpa) => NextAction::UpiCollect {
                vpa: vpa.to_string(),
                expires_at: expires(QR_CODE_TTL_SECONDS)?,
            },
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

/// The charge's outcome for a `resultCode` (with its refusal code and
/// action). `captured` says whether the payment is captured on
/// authorisation. Fails on a code Adyen does not document or on an
/// action-requiring code without a usable action.
pub(crate) fn outcome(
    result_code: &str,
    refusal_reason_code: Option<&str>,
    action: Option<NextAction>,
    captured: bool,
) -> Result<ChargeOutcome, String> {
    Ok(match result_code {
        "Authorised" if captured => ChargeOutcome::Captured,
        "Authorised" => ChargeOutcome::Authorized,
        "Refused" => ChargeOutcome::Declined(Decline::new(decline_code(refusal_reason_code))),
        "Error" => ChargeOutcome::Declined(Decline::new(DeclineCode::ProcessingError)),
        "Cancelled" => ChargeOutcome::Canceled,
        "Pending" | "Received" | "AuthenticationFinished" | "AuthenticationNotRequired" => {
            match action {
                Some(action) => ChargeOutcome::RequiresAction(action),
                None => ChargeOutcome::Pending,
            }
        }
        "RedirectShopper" | "IdentifyShopper" | "ChallengeShopper" | "PresentToShopper" => {
            match action {
                Some(action) => ChargeOutcome::RequiresAction(action),
                None if result_code == "PresentToShopper" => ChargeOutcome::Pending,
                None => return Err(format!("`{result_code}` without an action")),
            }
        }
        // Corridor never allows partial authorisations; one is a surprise
        // whose money must be looked at, not guessed.
        other => return Err(format!("unexpected resultCode `{other}`")),
    })
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("expiresAt `{text}`: {e}"))?;
    let micros = at.unix_timestamp_nanos() / 1_000;
    i64::try_from(micros)
        .map(Timestamp::from_unix_micros)
        .map_err(|_| format!("expiresAt `{text}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(kind: &str) -> ActionWire {
        ActionWire {
            kind: kind.into(),
            payment_method_type: None,
            url: Some("https://example.test/r".into()),
            subtype: None,
            token: Some("tok".into()),
            qr_code_data: Some("weixin://wxpay/bizpayurl?pr=x".into()),
            expires_at: None,
            reference: Some("123-456".into()),
            alternative_reference: None,
        }
    }

    #[test]
    fn result_codes_map_onto_outcomes() {
        let redirect = Some(NextAction::Redirect { url: "u".into() });
        assert_eq!(
            outcome("Authorised", None, None, true),
            Ok(ChargeOutcome::Captured)
        );
        assert_eq!(
            outcome("Authorised", None, None, false),
            Ok(ChargeOutcome::Authorized)
        );
        assert_eq!(
            outcome("Refused", Some("12"), None, true),
            Ok(ChargeOutcome::Declined(Decline::new(
                DeclineCode::InsufficientFunds
            )))
        );
        let error = outcome("Error", None, None, true).unwrap();
        assert!(matches!(error, ChargeOutcome::Declined(d) if d.soft));
        assert_eq!(
            outcome("Cancelled", None, None, true),
            Ok(ChargeOutcome::Canceled)
        );
        assert_eq!(
            outcome("Pending", None, None, true),
            Ok(ChargeOutcome::Pending)
        );
        assert_eq!(
            outcome("Received", None, None, true),
            Ok(ChargeOutcome::Pending)
        );
        assert_eq!(
            outcome("PresentToShopper", None, None, true),
            Ok(ChargeOutcome::Pending)
        );
        for code in ["RedirectShopper", "IdentifyShopper", "ChallengeShopper"] {
            assert!(matches!(
                outcome(code, None, redirect.clone(), true),
                Ok(ChargeOutcome::RequiresAction(_))
            ));
            assert!(outcome(code, None, None, true).is_err(), "{code}");
        }
        assert!(outcome("PartiallyAuthorised", None, None, true).is_err());
    }

    #[test]
    fn refusal_reasons_map_onto_decline_codes() {
        assert_eq!(decline_code(Some("6")), DeclineCode::ExpiredCard);
        assert_eq!(decline_code(Some("24")), DeclineCode::IncorrectCvc);
        assert_eq!(decline_code(Some("20")), DeclineCode::Fraudulent);
        assert_eq!(decline_code(Some("9")), DeclineCode::IssuerUnavailable);
        assert!(decline_code(Some("9")).is_soft());
        assert_eq!(decline_code(Some("38")), DeclineCode::AuthenticationFailed);
        assert_eq!(decline_code(Some("999")), DeclineCode::GenericDecline);
        assert_eq!(decline_code(None), DeclineCode::GenericDecline);
    }

    #[test]
    fn notification_reasons_map_onto_decline_codes() {
        assert_eq!(
            decline_from_reason(Some("Not enough balance")),
            DeclineCode::InsufficientFunds
        );
        assert_eq!(
            decline_from_reason(Some("CVC Declined")),
            DeclineCode::IncorrectCvc
        );
        assert_eq!(
            decline_from_reason(Some("FRAUD-CANCELLED")),
            DeclineCode::Fraudulent
        );
        assert_eq!(
            decline_from_reason(Some("Refused")),
            DeclineCode::GenericDecline
        );
        assert_eq!(decline_from_reason(None), DeclineCode::GenericDecline);
    }

    #[test]
    fn actions_map_onto_next_actions() {
        let now = Timestamp::from_unix_micros(1_000_000);
        let mut card = action("redirect");
        card.payment_method_type = Some("scheme".into());
        assert!(matches!(
            next_action(&card, None, now),
            Ok(Some(NextAction::ThreeDSecure { .. }))
        ));
        assert!(matches!(
            next_action(&action("redirect"), None, now),
            Ok(Some(NextAction::Redirect { .. }))
        ));
        assert!(matches!(
            next_action(&action("threeDS2"), None, now),
            Ok(Some(NextAction::ThreeDSecureSdk { .. }))
        ));
        let Ok(Some(NextAction::QrCode { expires_at, .. })) =
            next_action(&action("qrCode"), None, now)
        else {
            panic!("qr code");
        };
        assert_eq!(expires_at, now.plus_seconds(QR_CODE_TTL_SECONDS));
        let mut voucher = action("voucher");
        voucher.expires_at = Some("2026-12-03T10:00:00+09:00".into());
        let Ok(Some(NextAction::Voucher {
            number, expires_at, ..
        })) = next_action(&voucher, None, now)
        else {
            panic!("voucher");
        };
        assert_eq!(number, "123-456");
        assert_eq!(expires_at.unix_micros(), 1_796_259_600_000_000);
        assert!(matches!(
            next_action(&action("await"), Some("buyer@upi"), now),
            Ok(Some(NextAction::UpiCollect { .. }))
        ));
        assert_eq!(next_action(&action("await"), None, now), Ok(None));
        voucher.expires_at = Some("tomorrow".into());
        assert!(next_action(&voucher, None, now).is_err());
    }
}
