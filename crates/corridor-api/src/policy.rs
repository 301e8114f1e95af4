//! What the operator decides for the whole server: the largest amount one
//! request may move per currency, and whether webhooks may point into
//! private networks.

use corridor_core::{format_minor, AmountLimits, Currency};
use corridor_store::{AccountBalance, Owner, Store};

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
    let mut accounts = store
        .balances(&Owner::Merchant(merchant.to_string()))
        .await?;
    accounts.extend(
        store
            .balances(&Owner::PlatformFor(merchant.to_string()))
            .await?,
    );
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
