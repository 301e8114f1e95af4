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

/// Where the reversal of a failed capture takes the merchant's net from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NetSource {
    /// `merchant_pending` (not settled yet) or `merchant_available`.
    pub kind: AccountKind,
    /// Taken from that balance.
    pub from_balance: Amount,
    /// The rest, booked as owed by the merchant (`platform_receivable`,
    /// debited, so negative while owed).
    pub receivable: Amount,
}

/// The reversal of a capture that failed at the acquirer: the gross back to
/// platform clearing (the provider owes nothing for it), from the merchant's
/// net (`net.from_balance` from its balance, `net.receivable` owed) and the
/// platform's fee. One movement, once per payment (`capture_failed:<id>`).
pub(crate) fn capture_reversal(
    payment_id: &str,
    merchant: &str,
    currency: Currency,
    gross: Amount,
    fee: Amount,
    net: NetSource,
) -> LedgerWrite {
    let fee = fee.min(gross);
    let platform = |kind| key(Owner::PlatformFor(merchant.to_string()), currency, kind);
    let mut legs = Vec::new();
    if !net.from_balance.is_zero() {
        legs.push(TransferLeg {
            account: key(Owner::Merchant(merchant.to_string()), currency, net.kind),
            side: Side::Debit,
            amount: net.from_balance,
        });
    }
    if !net.receivable.is_zero() {
        legs.push(TransferLeg {
            account: platform(AccountKind::PlatformReceivable),
            side: Side::Debit,
            amount: net.receivable,
        });
    }
    if !fee.is_zero() {
        legs.push(TransferLeg {
            account: platform(AccountKind::PlatformRevenue),
            side: Side::Debit,
            amount: fee,
        });
    }
    legs.push(TransferLeg {
        account: platform(AccountKind::PlatformClearing),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(minor: i64) -> Amount {
        Amount::non_negative(minor).unwrap()
    }

    /// Per-leg signed sums: debits minus credits.
    fn balance(write: &LedgerWrite) -> i64 {
        let LedgerOp::Transfer(legs) = &write.op else {
            panic!("a transfer")
        };
        legs.iter()
            .map(|l| match l.side {
                Side::Debit => l.amount.minor(),
                Side::Credit => -l.amount.minor(),
            })
            .sum()
    }

    #[test]
    fn a_reversal_with_a_shortfall_books_it_as_owed_and_balances() {
        let eur = Currency::parse("EUR").unwrap();
        let write = capture_reversal(
            "pay_1",
            "mer_1",
            eur,
            amount(10_000),
            amount(300),
            NetSource {
                kind: AccountKind::MerchantAvailable,
                from_balance: amount(4_000),
                receivable: amount(5_700),
            },
        );
        assert_eq!(balance(&write), 0);
        let LedgerOp::Transfer(legs) = &write.op else {
            unreachable!()
        };
        let kinds: Vec<(AccountKind, Side, i64)> = legs
            .iter()
            .map(|l| (l.account.kind, l.side, l.amount.minor()))
            .collect();
        assert_eq!(
            kinds,
            [
                (AccountKind::MerchantAvailable, Side::Debit, 4_000),
                (AccountKind::PlatformReceivable, Side::Debit, 5_700),
                (AccountKind::PlatformRevenue, Side::Debit, 300),
                (AccountKind::PlatformClearing, Side::Credit, 10_000),
            ]
        );
        assert_eq!(write.client_ref.as_deref(), Some("capture_failed:pay_1"));
    }

    #[test]
    fn a_reversal_without_a_shortfall_has_no_receivable_leg() {
        let eur = Currency::parse("EUR").unwrap();
        let write = capture_reversal(
            "pay_2",
            "mer_1",
            eur,
            amount(1_000),
            amount(0),
            NetSource {
                kind: AccountKind::MerchantPending,
                from_balance: amount(1_000),
                receivable: Amount::ZERO,
            },
        );
        assert_eq!(balance(&write), 0);
        let LedgerOp::Transfer(legs) = &write.op else {
            unreachable!()
        };
        assert_eq!(legs.len(), 2);
    }
}
