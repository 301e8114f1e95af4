//! Where a refund's money comes from: the merchant's available balance in
//! the payment currency, or, when its funds were converted since, in its
//! home currency at today's rate with the FX remainder booked as the policy
//! says. Each as explicit, balanced legs. A payment not settled yet whose
//! currency's available balance is short, by no more than the payment's
//! net, is settled first, ahead of its delay: its own net then funds its
//! refund (the provider nets the refund against the same money), instead
//! of a 402 until the settlement day.

use corridor_core::aftersales::fx_remainder::{price_cross_currency_refund, RemainderPolicy};
use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{AccountKey, LedgerOp, LedgerWrite, Owner, PaymentRecord, TransferLeg};

use super::super::store_data::LegData;
use super::super::{AfterSalesError, AfterSalesService};
use super::FxRefund;

/// A funding plan: legs, and the FX pricing when another currency pays.
pub(super) struct Funding {
    pub legs: Vec<LegData>,
    pub fx: Option<FxRefund>,
}

fn leg(owner: &Owner, currency: Currency, kind: AccountKind, debit: bool, amount: i64) -> LegData {
    LegData {
        owner: owner.code().to_string(),
        currency: currency.code().to_string(),
        kind: kind.code().to_string(),
        debit,
        amount,
    }
}

impl AfterSalesService {
    /// Settles `payment` now when it is not settled yet, the merchant's
    /// available balance in its currency is below `amount`, and the
    /// payment's net makes up the difference (a refund that would be
    /// refused all the same leaves the payment as it was).
    pub(super) async fn settle_if_short(
        &self,
        payment: &PaymentRecord,
        amount: Amount,
    ) -> Result<(), AfterSalesError> {
        if payment.settled || payment.settle_at.is_none() {
            return Ok(());
        }
        let merchant = Owner::Merchant(payment.merchant_id.clone());
        let available = self.available(&merchant, payment.currency).await?;
        let net = payment.amount_captured.saturating_sub(payment.fee).max(0);
        if available >= amount.minor() || available.saturating_add(net) < amount.minor() {
            return Ok(());
        }
        self.payments.settle_now(&payment.id).await.map_err(|e| {
            AfterSalesError::Unavailable(format!(
                "the payment could not be settled to fund its refund: {e}"
            ))
        })
    }

    /// What funds a refund of `amount` of `payment` now.
    pub(super) async fn plan_funding(
        &self,
        payment: &PaymentRecord,
        amount: Amount,
        now: Timestamp,
    ) -> Result<Funding, AfterSalesError> {
        let merchant = Owner::Merchant(payment.merchant_id.clone());
        let currency = payment.currency;
        let available = self.available(&merchant, currency).await?;
        if available >= amount.minor() {
            let legs = vec![
                leg(
                    &merchant,
                    currency,
                    AccountKind::MerchantAvailable,
                    true,
                    amount.minor(),
                ),
                leg(
                    &Owner::Platform,
                    currency,
                    AccountKind::PlatformClearing,
                    false,
                    amount.minor(),
                ),
            ];
            return Ok(Funding { legs, fx: None });
        }
        let home = self
            .store
            .merchant(&payment.merchant_id)
            .await?
            .map(|m| m.home_currency)
            .ok_or_else(|| AfterSalesError::corrupt("the payment's merchant is missing"))?;
        if home == currency {
            return Err(insufficient(amount, currency));
        }
        let rates = &self.config.rates;
        let (Some(original), Some(today)) = (
            rates.rate(currency, home, payment.created_at),
            rates.rate(currency, home, now),
        ) else {
            return Err(insufficient(amount, currency));
        };
        let policy = self.config.fx_remainder_policy;
        let priced =
            price_cross_currency_refund(amount, currency, home, original, today, policy)
                .map_err(|e| AfterSalesError::invalid("amount", "amount_invalid", e.to_string()))?;
        if self.available(&merchant, home).await? < priced.merchant_debit.minor() {
            return Err(insufficient(amount, currency));
        }
        let mut legs = vec![leg(
            &merchant,
            home,
            AccountKind::MerchantAvailable,
            true,
            priced.merchant_debit.minor(),
        )];
        // The platform's share of the remainder: a loss is a debit of its
        // revenue, a gain a credit.
        if priced.platform_remainder != 0 {
            legs.push(leg(
                &Owner::Platform,
                home,
                AccountKind::PlatformRevenue,
                priced.platform_remainder > 0,
                priced.platform_remainder.abs(),
            ));
        }
        legs.extend([
            leg(
                &Owner::Platform,
                home,
                AccountKind::FxLiquidity,
                false,
                priced.at_today.minor(),
            ),
            leg(
                &Owner::Platform,
                currency,
                AccountKind::FxLiquidity,
                true,
                amount.minor(),
            ),
            leg(
                &Owner::Platform,
                currency,
                AccountKind::PlatformClearing,
                false,
                amount.minor(),
            ),
        ]);
        let fx = FxRefund {
            funding_currency: home,
            original_rate: original,
            today_rate: today,
            at_original: priced.at_original,
            at_today: priced.at_today,
            merchant_debit: priced.merchant_debit,
            remainder: priced.remainder,
            policy: match policy {
                RemainderPolicy::Merchant => "merchant",
                RemainderPolicy::Platform => "platform",
            },
        };
        Ok(Funding { legs, fx: Some(fx) })
    }

    /// What `owner` may use now in `currency` (posted less held).
    pub(crate) async fn available(
        &self,
        owner: &Owner,
        currency: Currency,
    ) -> Result<i64, AfterSalesError> {
        let balances = self.store.balances(owner).await?;
        Ok(balances
            .iter()
            .find(|b| b.currency == currency && b.kind == AccountKind::MerchantAvailable)
            .map_or(0, |b| b.posted.saturating_sub(b.held_out)))
    }
}

fn insufficient(amount: Amount, currency: Currency) -> AfterSalesError {
    AfterSalesError::InsufficientFunds(format!(
        "the merchant's available balance cannot fund a refund of {} {currency}",
        amount.format_major(currency)
    ))
}

/// The legs as a ledger movement; `reverse` flips every side (the exact
/// undoing of a failed refund's funding).
pub(crate) fn movement(
    refund_id: &str,
    legs: &[LegData],
    reverse: bool,
) -> Result<LedgerWrite, AfterSalesError> {
    let mut out = Vec::with_capacity(legs.len());
    for l in legs {
        let corrupt = || AfterSalesError::corrupt(format!("{refund_id}: stored leg {l:?}"));
        let currency = Currency::parse(&l.currency).map_err(|_| corrupt())?;
        let kind = AccountKind::parse(&l.kind).ok_or_else(corrupt)?;
        let amount = Amount::positive(l.amount).map_err(|_| corrupt())?;
        let debit = l.debit != reverse;
        out.push(TransferLeg {
            account: AccountKey {
                owner: Owner::parse(&l.owner),
                currency,
                kind,
            },
            side: if debit { Side::Debit } else { Side::Credit },
            amount,
        });
    }
    let (client_ref, kind) = if reverse {
        (format!("refund_reversal:{refund_id}"), "refund_reversal")
    } else {
        (format!("refund:{refund_id}"), "refund")
    };
    Ok(LedgerWrite {
        client_ref: Some(client_ref),
        op: LedgerOp::Transfer(out),
        meta: TxnMeta {
            kind: kind.into(),
            source_id: Some(refund_id.to_string()),
            description: None,
        },
    })
}
