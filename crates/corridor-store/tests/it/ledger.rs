//! Short ways to name accounts, build operations, submit them and read balances.

use corridor_core::ledger::{AccountKind, HoldId, Receipt, Side, TxnId, TxnMeta, VerifyReport};
use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{
    AccountKey, LedgerOp, LedgerWrite, Owner, Refusal, Store, StoreError, TransferLeg, WriteOp,
    WriteOutcome, WriteRequest, WriteResult,
};

/// A currency by code.
pub fn cur(code: &str) -> Currency {
    Currency::parse(code).expect("known currency")
}

/// A positive amount in minor units.
pub fn amt(minor: i64) -> Amount {
    Amount::positive(minor).expect("positive amount")
}

/// A merchant's available account (forbids a negative balance).
pub fn merchant(id: &str, currency: &str) -> AccountKey {
    AccountKey {
        owner: Owner::Merchant(id.to_string()),
        currency: cur(currency),
        kind: AccountKind::MerchantAvailable,
    }
}

/// A platform account (may go negative).
pub fn platform(kind: AccountKind, currency: &str) -> AccountKey {
    AccountKey {
        owner: Owner::Platform,
        currency: cur(currency),
        kind,
    }
}

/// The platform's adjustment account in a currency: where test money comes from.
pub fn source(currency: &str) -> AccountKey {
    platform(AccountKind::PlatformAdjustments, currency)
}

/// One leg.
pub fn leg(account: &AccountKey, side: Side, minor: i64) -> TransferLeg {
    TransferLeg {
        account: account.clone(),
        side,
        amount: amt(minor),
    }
}

/// A two-leg transfer from `from` to `to`.
pub fn transfer(from: &AccountKey, to: &AccountKey, minor: i64) -> LedgerOp {
    LedgerOp::Transfer(vec![
        leg(from, Side::Debit, minor),
        leg(to, Side::Credit, minor),
    ])
}

/// A hold of `minor` from `debit` to `credit`, expiring at `expires_at`.
pub fn hold(
    debit: &AccountKey,
    credit: &AccountKey,
    minor: i64,
    expires_at: Timestamp,
) -> LedgerOp {
    LedgerOp::CreateHold {
        debit: debit.clone(),
        credit: credit.clone(),
        amount: amt(minor),
        expires_at,
    }
}

/// The metadata every test transaction carries.
pub fn meta(kind: &str) -> TxnMeta {
    TxnMeta {
        kind: kind.to_string(),
        source_id: None,
        description: None,
    }
}

/// Submits a full ledger write; `Err` is a storage failure, not a refusal.
pub async fn try_submit(
    store: &Store,
    write: LedgerWrite,
) -> Result<Result<Receipt, Refusal>, StoreError> {
    let result = store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Ledger(write),
            idempotency: None,
        })
        .await?;
    match result {
        WriteResult::Done {
            outcome: WriteOutcome::Ledger(answer),
            response: None,
            ..
        } => Ok(answer),
        other => panic!("unexpected write result {other:?}"),
    }
}

/// Submits a full ledger write and returns the ledger's answer.
pub async fn submit(store: &Store, write: LedgerWrite) -> Result<Receipt, Refusal> {
    try_submit(store, write)
        .await
        .unwrap_or_else(|e| panic!("the writer failed: {e}"))
}

/// An operation without a client reference, with test metadata.
pub fn write(op: LedgerOp) -> LedgerWrite {
    LedgerWrite {
        client_ref: None,
        op,
        meta: meta("test"),
    }
}

/// Applies an operation without a client reference.
pub async fn apply(store: &Store, op: LedgerOp) -> Result<Receipt, Refusal> {
    submit(store, write(op)).await
}

/// Applies an operation that must succeed.
pub async fn ok(store: &Store, op: LedgerOp) -> Receipt {
    let what = format!("{op:?}");
    apply(store, op)
        .await
        .unwrap_or_else(|r| panic!("{what} was refused: {r:?}"))
}

/// Applies an operation that must be refused with `code`.
pub async fn refused(store: &Store, op: LedgerOp, code: &str) {
    let what = format!("{op:?}");
    match apply(store, op).await {
        Err(r) => assert_eq!(r.code.code(), code, "{what}: {}", r.message),
        Ok(receipt) => panic!("{what} succeeded ({receipt:?}), expected {code}"),
    }
}

/// Moves `minor` from the platform's adjustments into `to`.
pub async fn fund(store: &Store, to: &AccountKey, minor: i64) -> TxnId {
    let currency = to.currency.code();
    ok(store, transfer(&source(currency), to, minor))
        .await
        .txn
        .expect("a transfer writes a transaction")
}

/// The hold id of a receipt.
pub fn hold_id(receipt: Receipt) -> HoldId {
    receipt.hold.expect("receipt names a hold")
}

/// (posted, held_out, held_in) of an account; zeros if it does not exist yet.
pub async fn balance(store: &Store, key: &AccountKey) -> (i64, i64, i64) {
    let balances = store.balances(&key.owner).await.expect("read balances");
    balances
        .into_iter()
        .find(|b| b.currency == key.currency && b.kind == key.kind)
        .map_or((0, 0, 0), |b| (b.posted, b.held_out, b.held_in))
}

/// Verifies the ledger and asserts it is balanced.
pub async fn verified(store: &Store) -> VerifyReport {
    let report = store.verify().await.expect("verify runs");
    assert!(
        report.balanced,
        "ledger not balanced: {:?}",
        report.mismatches
    );
    report
}
