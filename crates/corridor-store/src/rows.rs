//! Reading rows the same way from both backends, and decoding them into records.

use corridor_core::ledger::{
    AccountCheck, AccountId, AccountKind, AccountState, ContentHash, HoldId, HoldState, HoldStatus,
    LedgerErrorKind, Receipt, Recorded, TxnId,
};
use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::method::{CaptureMode, MethodType};
use corridor_core::payments::status::PaymentStatus;
use corridor_core::{Amount, Currency, Timestamp};

use crate::records::{
    AccountBalance, HistoryEntry, IdempotencyRecord, MerchantRecord, StoredResponse,
};
use crate::StoreError;

/// Column access common to `rusqlite::Row` and `tokio_postgres::Row`.
pub(crate) trait SqlRow {
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn text(&self, i: usize) -> Result<String, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError>;
}

impl SqlRow for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get(i)?)
    }
}

impl SqlRow for tokio_postgres::Row {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(i)?)
    }
}

/// A stored code read back as its enum; an unknown code is corruption, named.
fn coded<T>(
    r: &impl SqlRow,
    i: usize,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let code = r.text(i)?;
    parse(&code).ok_or_else(|| StoreError::Corrupt(format!("unknown stored {what} {code}")))
}

pub(crate) fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::parse(code)
        .map_err(|_| StoreError::Corrupt(format!("unknown stored currency {code}")))
}

pub(crate) fn kind(code: &str) -> Result<AccountKind, StoreError> {
    AccountKind::parse(code)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown account kind {code}")))
}

pub(crate) fn amount(minor: i64) -> Result<Amount, StoreError> {
    Amount::non_negative(minor)
        .map_err(|_| StoreError::Corrupt(format!("negative stored amount {minor}")))
}

/// Columns of `GET_MERCHANT`.
pub(crate) fn merchant(r: &impl SqlRow) -> Result<MerchantRecord, StoreError> {
    let stores = r.text(6)?;
    Ok(MerchantRecord {
        id: r.text(0)?,
        legal_name: r.text(1)?,
        country: r.text(2)?,
        home_currency: currency(&r.text(3)?)?,
        email: r.opt_text(4)?,
        website: r.opt_text(5)?,
        marketplace_store_ids: stores
            .split('\n')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        kyb_status: r.text(7)?,
        created_at: Timestamp::from_unix_micros(r.int(8)?),
    })
}

/// Columns of `GET_IDEMPOTENCY`.
pub(crate) fn idempotency(r: &impl SqlRow) -> Result<IdempotencyRecord, StoreError> {
    let status = u16::try_from(r.int(3)?).map_err(|_| StoreError::Corrupt("status code".into()))?;
    Ok(IdempotencyRecord {
        scope: r.text(0)?,
        key: r.text(1)?,
        request_hash: r.text(2)?,
        response: StoredResponse {
            status,
            body: r.text(4)?,
        },
        created_at: Timestamp::from_unix_micros(r.int(5)?),
    })
}

/// Columns of `BALANCES_OF_OWNER`.
pub(crate) fn balance(r: &impl SqlRow) -> Result<AccountBalance, StoreError> {
    Ok(AccountBalance {
        account: AccountId(r.int(0)?),
        currency: currency(&r.text(1)?)?,
        kind: kind(&r.text(2)?)?,
        posted: r.int(3)?,
        held_out: r.int(4)?,
        held_in: r.int(5)?,
    })
}

/// Columns of `HISTORY_*`.
pub(crate) fn history(r: &impl SqlRow) -> Result<HistoryEntry, StoreError> {
    Ok(HistoryEntry {
        txn: TxnId(r.int(0)?),
        leg: i32::try_from(r.int(1)?).map_err(|_| StoreError::Corrupt("leg".into()))?,
        account: AccountId(r.int(2)?),
        account_kind: kind(&r.text(3)?)?,
        kind: r.text(4)?,
        amount: r.int(5)?,
        currency: currency(&r.text(6)?)?,
        balance_after: r.int(7)?,
        source_id: r.opt_text(8)?,
        created_at: Timestamp::from_unix_micros(r.int(9)?),
    })
}

/// Columns of `VERIFY_ACCOUNTS`.
pub(crate) fn account_check(r: &impl SqlRow) -> Result<AccountCheck, StoreError> {
    Ok(AccountCheck {
        account: AccountId(r.int(0)?),
        currency: r.text(1)?,
        forbids_negative: r.int(2)? != 0,
        stored_posted: r.int(3)?,
        stored_held_out: r.int(4)?,
        stored_held_in: r.int(5)?,
        summed_posted: i128::from(r.int(6)?),
        summed_held_out: i128::from(r.int(7)?),
        summed_held_in: i128::from(r.int(8)?),
    })
}

/// Columns of `LOAD_ACCOUNT`, with the currency the key named.
pub(crate) fn account_state(
    r: &impl SqlRow,
    currency: Currency,
) -> Result<(AccountId, AccountState), StoreError> {
    let state = AccountState {
        currency,
        forbids_negative: r.int(1)? != 0,
        posted: r.int(2)?,
        held_out: r.int(3)?,
        held_in: r.int(4)?,
    };
    Ok((AccountId(r.int(0)?), state))
}

/// Columns of `LOAD_ACCOUNT_BY_ID`.
pub(crate) fn account_with_key(
    r: &impl SqlRow,
) -> Result<(crate::records::AccountKey, AccountId, AccountState), StoreError> {
    let key = crate::records::AccountKey {
        owner: crate::records::Owner::parse(&r.text(5)?),
        currency: currency(&r.text(6)?)?,
        kind: kind(&r.text(7)?)?,
    };
    let (id, state) = account_state(r, key.currency)?;
    Ok((key, id, state))
}

/// Columns of `LOAD_HOLD`.
pub(crate) fn hold(r: &impl SqlRow) -> Result<HoldState, StoreError> {
    let status = match r.text(6)?.as_str() {
        "pending" => HoldStatus::Pending,
        "posted" => HoldStatus::Posted(amount(r.opt_int(7)?.unwrap_or(0))?),
        "voided" => HoldStatus::Voided,
        "expired" => HoldStatus::Expired,
        other => return Err(StoreError::Corrupt(format!("hold status {other}"))),
    };
    Ok(HoldState {
        id: HoldId(r.int(0)?),
        debit: AccountId(r.int(1)?),
        credit: AccountId(r.int(2)?),
        amount: amount(r.int(3)?)?,
        currency: currency(&r.text(4)?)?,
        expires_at: Timestamp::from_unix_micros(r.int(5)?),
        status,
    })
}

/// Columns of `LOAD_CLIENT_REFS_*`.
pub(crate) fn recorded(r: &impl SqlRow) -> Result<Recorded, StoreError> {
    let bytes = r
        .opt_bytes(1)?
        .ok_or_else(|| StoreError::Corrupt("client ref without hash".into()))?;
    let hash: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("content hash length".into()))?;
    let outcome = match r.opt_text(2)? {
        Some(code) => Err(LedgerErrorKind::parse(&code)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown stored ledger failure {code}")))?),
        None => Ok(Receipt {
            txn: Some(TxnId(r.int(0)?)),
            hold: r.opt_int(3)?.map(HoldId),
        }),
    };
    Ok(Recorded {
        hash: ContentHash(hash),
        outcome,
    })
}

/// Columns of `TXN_POSTINGS`.
pub(crate) fn posting(r: &impl SqlRow) -> Result<crate::records::PostingRecord, StoreError> {
    Ok(crate::records::PostingRecord {
        account: AccountId(r.int(0)?),
        owner: crate::records::Owner::parse(&r.text(1)?),
        kind: kind(&r.text(2)?)?,
        currency: currency(&r.text(3)?)?,
        amount: r.int(4)?,
        balance_after: r.int(5)?,
    })
}

/// The amount a resolved hold posted, for its row.
pub(crate) fn posted_amount(h: &HoldState) -> Option<i64> {
    match h.status {
        corridor_core::ledger::HoldStatus::Posted(a) => Some(a.minor()),
        _ => None,
    }
}

/// The `kind` and `merchant_id` columns of an API key.
pub(crate) fn principal_columns(p: &crate::records::Principal) -> (&'static str, Option<&str>) {
    match p {
        crate::records::Principal::Operator => ("operator", None),
        crate::records::Principal::Merchant(id) => ("merchant", Some(id.as_str())),
    }
}

/// Decodes the `kind` and `merchant_id` columns of an API key.
pub(crate) fn principal(
    kind: &str,
    merchant: Option<String>,
) -> Result<Option<crate::records::Principal>, StoreError> {
    match (kind, merchant) {
        ("operator", _) => Ok(Some(crate::records::Principal::Operator)),
        ("merchant", Some(id)) => Ok(Some(crate::records::Principal::Merchant(id))),
        (other, _) => Err(StoreError::Corrupt(format!("api key kind {other}"))),
    }
}

/// Columns of `payment_sql::*` payment selects.
pub(crate) fn payment(r: &impl SqlRow) -> Result<crate::PaymentRecord, StoreError> {
    let opt_time = |i: usize| -> Result<Option<Timestamp>, StoreError> {
        Ok(r.opt_int(i)?.map(Timestamp::from_unix_micros))
    };
    let card = match (r.opt_text(8)?, r.opt_text(9)?, r.opt_text(10)?) {
        (Some(brand), Some(last4), Some(fingerprint)) => Some(crate::CardRecord {
            brand,
            last4,
            fingerprint,
        }),
        _ => None,
    };
    Ok(crate::PaymentRecord {
        id: r.text(0)?,
        merchant_id: r.text(1)?,
        status: coded(r, 2, "payment status", PaymentStatus::parse)?,
        amount: r.int(3)?,
        currency: currency(&r.text(4)?)?,
        country: r.text(5)?,
        method_type: coded(r, 6, "method type", MethodType::parse)?,
        capture_method: coded(r, 7, "capture method", CaptureMode::parse)?,
        card,
        connector: r.opt_text(11)?,
        connector_ref: r.opt_text(12)?,
        amount_captured: r.int(13)?,
        amount_refunded: r.int(14)?,
        fee: r.int(15)?,
        next_action: r.opt_text(16)?,
        decline_code: r.opt_text(17)?,
        description: r.opt_text(18)?,
        metadata: r.opt_text(19)?,
        expires_at: opt_time(20)?,
        settle_at: opt_time(21)?,
        settled: r.int(22)? != 0,
        version: r.int(23)?,
        created_at: Timestamp::from_unix_micros(r.int(24)?),
        updated_at: Timestamp::from_unix_micros(r.int(25)?),
        customer_email: r.opt_text(26)?,
    })
}

/// Columns of `PAYMENT_ATTEMPTS`.
pub(crate) fn attempt(r: &impl SqlRow) -> Result<crate::AttemptRecord, StoreError> {
    Ok(crate::AttemptRecord {
        payment_id: r.text(0)?,
        seq: r.int(1)?,
        connector: r.text(2)?,
        idempotency_key: r.text(3)?,
        outcome: coded(r, 4, "attempt outcome", AttemptStatus::parse)?,
        code: r.opt_text(5)?,
        created_at: Timestamp::from_unix_micros(r.int(6)?),
        answered_at: r.opt_int(7)?.map(Timestamp::from_unix_micros),
    })
}

/// Columns of `GET_WEBHOOK_ENDPOINT` and the other endpoint selects.
pub(crate) fn webhook_endpoint(
    r: &impl SqlRow,
) -> Result<crate::WebhookEndpointRecord, StoreError> {
    Ok(crate::WebhookEndpointRecord {
        id: r.text(0)?,
        merchant_id: r.text(1)?,
        url: r.text(2)?,
        events: r
            .text(3)?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        secret: r.text(4)?,
        created_at: Timestamp::from_unix_micros(r.int(5)?),
    })
}

/// The ten columns of a webhook delivery, from column `at`.
pub(crate) fn webhook_delivery(
    r: &impl SqlRow,
    at: usize,
) -> Result<crate::DeliveryRecord, StoreError> {
    Ok(crate::DeliveryRecord {
        id: r.text(at)?,
        endpoint_id: r.text(at + 1)?,
        event_seq: r.int(at + 2)?,
        status: r.text(at + 3)?,
        attempts: r.int(at + 4)?,
        next_attempt_at: Timestamp::from_unix_micros(r.int(at + 5)?),
        last_status_code: r.opt_int(at + 6)?,
        last_error: r.opt_text(at + 7)?,
        created_at: Timestamp::from_unix_micros(r.int(at + 8)?),
        delivered_at: r.opt_int(at + 9)?.map(Timestamp::from_unix_micros),
    })
}

/// The six columns of an event (`seq, id, merchant_id, type, object, created_at`), from column `at`.
pub(crate) fn event(r: &impl SqlRow, at: usize) -> Result<crate::EventRecord, StoreError> {
    Ok(crate::EventRecord {
        seq: r.int(at)?,
        id: r.text(at + 1)?,
        merchant_id: r.text(at + 2)?,
        kind: r.text(at + 3)?,
        object: r.text(at + 4)?,
        created_at: Timestamp::from_unix_micros(r.int(at + 5)?),
    })
}

/// Columns of `DUE_WEBHOOK_DELIVERIES`.
pub(crate) fn due_delivery(r: &impl SqlRow) -> Result<crate::DueDelivery, StoreError> {
    Ok(crate::DueDelivery {
        delivery: webhook_delivery(r, 0)?,
        url: r.text(10)?,
        secret: r.text(11)?,
        event: event(r, 12)?,
    })
}

/// Columns of `LIST_WEBHOOK_DELIVERIES_*`.
pub(crate) fn delivery_log_entry(r: &impl SqlRow) -> Result<crate::DeliveryLogEntry, StoreError> {
    Ok(crate::DeliveryLogEntry {
        delivery: webhook_delivery(r, 0)?,
        event_id: r.text(10)?,
        event_type: r.text(11)?,
    })
}
