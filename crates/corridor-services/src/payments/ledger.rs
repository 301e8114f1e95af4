//! The money of a payment, as ledger movements.
//!
//! Capture: the gross amount arrives in the platform's clearing account (the
//! provider owes it), the merchant's `pending` balance gets the net, platform
//! revenue the fee. Settlement, after the method's delay: the net moves from
//! `pending` to `available`. Each movement has a client reference, so it
//! happens once whatever retries. The platform's accounts are those of this
//! merchant's business (`Owner::PlatformFor`), so one merchant's volume never
//! brings a shared account near its limit.

use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency};
use corridor_store::{AccountKey, LedgerOp, LedgerWrite, Owner, TransferLeg};

fn key(owner: Owner, currency: Currency, kind: AccountKind) -> AccountKey {
    AccountKey {
        owner,
        currency,
        kind,
    }
}

/// The movement of capturing `gross` with `fee` for a merchant.
pub(crate) fn capture(
    payment_id: &str,
    capture_no: i64,
    merchant: &str,
    currency: Currency,
    gross: Amount,
    fee: Amount,
) -> LedgerWrite {
    let net = gross.checked_sub(fee).unwrap_or(Amount::ZERO);
    let mut legs = vec![TransferLeg {
        account: key(
            Owner::PlatformFor(merchant.to_string()),
            currency,
            AccountKind::PlatformClearing,
        ),
        side: Side::Debit,
        amount: gross,
    }];
    if !net.is_zero() {
        let pending = key(
            Owner::Merchant(merchant.to_string()),
            currency,
            AccountKind::MerchantPending,
        );
        legs.push(TransferLeg {
            account: pending,
            side: Side::Credit,
            amount: net,
        });
    }
    if !fee.is_zero() {
        legs.push(TransferLeg {
            account: key(
                Owner::PlatformFor(merchant.to_string()),
                currency,
                AccountKind::PlatformRevenue,
            ),
            side: Side::Credit,
            amount: fee,
        });
    }
    LedgerWrite {
        client_ref: Some(format!("capture:{payment_id}:{capture_no}")),
        op: LedgerOp::Transfer(legs),
        meta: TxnMeta {
            kind: "payment".into(),
            source_id: Some(payment_id.to_string()),
            description: None,
        },
    }
}

/// The movement of settling a payment's net amount.
pub(crate) fn settle(
    payment_id: &str,
    merchant: &str,
    currency: Currency,
    net: Amount,
) -> LedgerWrite {
    let owner = || Owner::Merchant(merchant.to_string());
    LedgerWrite {
        client_ref: Some(format!("settle:{payment_id}")),
        op: LedgerOp::Transfer(vec![
            TransferLeg {
                account: key(owner(), currency, AccountKind::MerchantPending),
                side: Side::Debit,
                amount: net,
            },
            TransferLeg {
                account: key(owner(), currency, AccountKind::MerchantAvailable),
                side: Side::Credit,
                amount: net,
            },
        ]),
        meta: TxnMeta {
            kind: "payment_settlement".into(),
            source_id: Some(payment_id.to_string()),
            description: None,
        },
    }
}

/// The reversal of a capture that failed at the acquirer: the gross back to
/// platform clearing, from the merchant's net (`pending`, or `available`
/// when the payment already settled) and the platform's fee. Once per
/// payment (`capture_failed:<id>`).
pub(crate) fn capture_reversal(
    payment_id: &str,
    merchant: &str,
    currency: Currency,
    gross: Amount,
    fee: Amount,
    settled: bool,
) -> LedgerWrite {
    let fee = fee.min(gross);
    let net = gross.checked_sub(fee).unwrap_or(Amount::ZERO);
    let merchant_kind = if settled {
        AccountKind::MerchantAvailable
    } else {
        AccountKind::MerchantPending
    };
    let mut legs = Vec::new();
    if !net.is_zero() {
        legs.push(TransferLeg {
            account: key(
                Owner::Merchant(merchant.to_string()),
                currency,
                merchant_kind,
            ),
            side: Side::Debit,
            amount: net,
        });
    }
    if !fee.is_zero() {
        legs.push(TransferLeg {
            account: key(
                Owner::PlatformFor(merchant.to_string()),
                currency,
                AccountKind::PlatformRevenue,
            ),
            side: Side::Debit,
            amount: fee,
        });
    }
    legs.push(TransferLeg {
        account: key(
            Owner::PlatformFor(merchant.to_string()),
            currency,
            AccountKind::PlatformClearing,
        ),
        side: Side::Credit,
        amount: gross,
    });
    LedgerWrite {
        client_ref: Some(format!("capture_failed:{payment_id}")),
        op: LedgerOp::Transfer(legs),
        meta: TxnMeta {
            kind: "payment_capture_failed".into(),
            source_id: Some(payment_id.to_string()),
            description: None,
        },
    }
}
