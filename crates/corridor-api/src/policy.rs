//! What the operator decides for the whole server: the largest amount one
//! request may move per currency, whether webhooks may point into private
//! networks, and the account payouts leave from.

use corridor_core::{format_minor, AmountLimits, Currency};
use corridor_store::{AccountBalance, Store};

use crate::error::{ApiError, ApiResult};

/// Operator policy, fixed at start-up.
#[derive(Debug, Clone, Default)]
pub struct ServePolicy {
    /// Maximum amount per payment, adjustment, refund, conversion and payout.
    pub amount_limits: AmountLimits,
    /// Let webhook endpoints target loopback, private and link-local
    /// addresses (`--allow-private-webhooks`); off by default, since such a
    /// URL lets a merchant make the server call into the operator's network.
    pub allow_private_webhooks: bool,
    /// The platform's account payouts leave from, named in every pain.001
    /// (`--payout-account`). Unset: the sandbox's account in sandbox mode;
    /// outside it no payout batch is made until one is configured.
    pub payout_account: Option<corridor_services::payouts::Debtor>,
}

impl ServePolicy {
    /// 400 `amount_too_large` (naming `param`) when `minor` exceeds the
    /// operator's maximum for the currency. A currency that does not parse
    /// passes here: the request's own validation names it.
    pub fn check_amount(&self, param: &str, minor: i64, currency: &str) -> ApiResult<()> {
        let Ok(currency) = Currency::parse(currency) else {
            return Ok(());
        };
        let max = self.amount_limits.max_minor(currency);
        if minor > max {
            return Err(ApiError::invalid(
                param,
                "amount_too_large",
                format!(
                    "{param} may be at most {} ({max} minor units) per request on this server",
                    format_minor(max, currency)
                ),
            ));
        }
        Ok(())
    }
}

/// 400 `amount_too_large` when moving `minor` more in `currency` could take
/// one of the merchant's accounts (its own, or the platform's accounts of its
/// business) beyond the ledger's 64-bit range. Only this merchant's accounts
/// are looked at: they are the only ones its requests touch.
pub async fn check_headroom(
    store: &Store,
    merchant: &str,
    param: &str,
    minor: i64,
    currency: &str,
) -> ApiResult<()> {
    let Ok(currency) = Currency::parse(currency) else {
        return Ok(());
    };
    if store.fits_every_balance(minor) {
        return Ok(());
    }
    let accounts = store.merchant_balances(merchant).await?;
    let fits = |a: &AccountBalance| {
        a.currency != currency
            || (a.posted.checked_add(minor).is_some() && a.posted.checked_sub(minor).is_some())
    };
    if accounts.iter().all(fits) {
        return Ok(());
    }
    Err(ApiError::invalid(
        param,
        "amount_too_large",
        format!(
            "moving {} more would take a {} balance of this merchant beyond the ledger's 64-bit range",
            format_minor(minor, currency),
            currency.code()
        ),
    ))
}

/// Reads the platform's paying account from `NAME;COUNTRY;ACCOUNT;BIC`
/// (the account an IBAN, checked as one, or another account number), for
/// `--payout-account`. The error names the part at fault.
pub fn parse_payout_account(text: &str) -> Result<corridor_services::payouts::Debtor, String> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    let [name, country, account, bic] = parts[..] else {
        return Err("give NAME;COUNTRY;ACCOUNT;BIC (four parts separated by ';')".into());
    };
    if name.is_empty() || name.chars().count() > 140 {
        return Err("NAME must be 1 to 140 characters".into());
    }
    let country =
        corridor_core::CountryCode::parse(country).map_err(|e| format!("COUNTRY: {e}"))?;
    let compact: String = account.chars().filter(|c| !c.is_whitespace()).collect();
    let looks_like_iban = compact.len() > 4
        && compact[..2].bytes().all(|b| b.is_ascii_alphabetic())
        && compact[2..4].bytes().all(|b| b.is_ascii_digit());
    if looks_like_iban {
        corridor_core::payouts::iban::parse_iban("account", &compact)
            .map_err(|e| format!("ACCOUNT: {}", e.message))?;
    } else if compact.is_empty()
        || compact.len() > 34
        || !compact.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err("ACCOUNT must be an IBAN or 1 to 34 letters and digits".into());
    }
    let (bic, _) = corridor_core::payouts::checks::bic("bic", bic)
        .map_err(|e| format!("BIC: {}", e.message))?;
    Ok(corridor_services::payouts::Debtor {
        name: name.to_string(),
        country: country.as_str().to_string(),
        account: compact,
        bic,
    })
}

#[cfg(test)]
mod payout_account_tests {
    use super::parse_payout_account;

    #[test]
    fn reads_the_four_parts_and_checks_each() {
        let d = parse_payout_account(
            "Corridor Payments Ltd;DE;DE89 3704 0044 0532 0130 00;COBADEFFXXX",
        )
        .unwrap();
        assert_eq!(d.account, "DE89370400440532013000");
        assert_eq!(d.bic, "COBADEFFXXX");
        assert_eq!(d.country, "DE");
        let other = parse_payout_account("Corridor Inc;US;000123456789;CHASUS33").unwrap();
        assert_eq!(other.account, "000123456789");
        for (bad, part) in [
            ("Corridor;DE;DE89370400440532013000", "four parts"),
            (";DE;DE89370400440532013000;COBADEFFXXX", "NAME"),
            ("Corridor;XX;DE89370400440532013000;COBADEFFXXX", "COUNTRY"),
            ("Corridor;DE;DE88370400440532013000;COBADEFFXXX", "ACCOUNT"),
            ("Corridor;DE;DE89370400440532013000;NOTABIC", "BIC"),
        ] {
            let e = parse_payout_account(bad).unwrap_err();
            assert!(e.contains(part), "{bad}: {e}");
        }
    }
}
