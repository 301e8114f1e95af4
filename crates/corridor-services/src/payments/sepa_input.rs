//! The details of a SEPA Direct Debit: the debtor's IBAN, checked against
//! the IBAN registry, and the account holder's name the mandate carries
//! (`payment_method.owner_name`, else the buyer's `customer.name`).

use corridor_connectors::PaymentMethod;
use corridor_core::payouts::iban::parse_iban;

use super::PaymentError;

/// Longest account holder's name: the SEPA rulebook's 70 characters.
pub const OWNER_NAME_LEN_MAX: usize = 70;

/// The SEPA debit of `iban` from `owner_name`, checked.
pub(crate) fn sepa_debit(
    iban: Option<&str>,
    owner_name: Option<&str>,
) -> Result<PaymentMethod, PaymentError> {
    let iban = iban.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        PaymentError::invalid(
            "payment_method.iban",
            "parameter_missing",
            "payment_method.iban is required",
        )
    })?;
    let iban = parse_iban("payment_method.iban", iban)
        .map_err(|e| PaymentError::invalid(e.field, e.code, e.message))?;
    let name = owner_name.map(str::trim).filter(|n| !n.is_empty()).ok_or_else(|| {
        PaymentError::invalid(
            "payment_method.owner_name",
            "parameter_missing",
            "a SEPA debit names the account holder: send payment_method.owner_name (or customer.name)",
        )
    })?;
    if name.chars().count() > OWNER_NAME_LEN_MAX || name.chars().any(char::is_control) {
        return Err(PaymentError::invalid(
            "payment_method.owner_name",
            "parameter_invalid",
            format!(
                "payment_method.owner_name is 1-{OWNER_NAME_LEN_MAX} characters without control characters"
            ),
        ));
    }
    Ok(PaymentMethod::SepaDebit {
        iban: iban.as_str().to_string(),
        owner_name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(r: Result<PaymentMethod, PaymentError>) -> (String, &'static str) {
        match r {
            Err(PaymentError::Invalid { param, code, .. }) => (param, code),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_iban_is_checked_and_the_holder_named() {
        let ok = sepa_debit(Some("de89 3704 0044 0532 0130 00"), Some(" A. Schneider ")).unwrap();
        assert_eq!(
            ok,
            PaymentMethod::SepaDebit {
                iban: "DE89370400440532013000".into(),
                owner_name: "A. Schneider".into()
            }
        );
        assert_eq!(
            param(sepa_debit(None, Some("A"))),
            ("payment_method.iban".into(), "parameter_missing")
        );
        assert_eq!(
            param(sepa_debit(Some("DE89370400440532013001"), Some("A"))).0,
            "payment_method.iban"
        );
        assert_eq!(
            param(sepa_debit(Some("DE89370400440532013000"), Some("  "))),
            ("payment_method.owner_name".into(), "parameter_missing")
        );
        assert_eq!(
            param(sepa_debit(
                Some("DE89370400440532013000"),
                Some(&"x".repeat(71))
            )),
            ("payment_method.owner_name".into(), "parameter_invalid")
        );
        assert_eq!(
            param(sepa_debit(Some("DE89370400440532013000"), Some("A\nB"))),
            ("payment_method.owner_name".into(), "parameter_invalid")
        );
    }
}
