//! The binary form of one logged batch: the ledger rows of a [`BatchRows`].
//!
//! Integers are little-endian, strings a `u32` length and UTF-8 bytes,
//! optional fields announced by a flag byte. Encoding appends to a buffer
//! the caller reuses from batch to batch, so it allocates nothing per row.

use corridor_core::ledger::{
    AccountId, ContentHash, HoldId, HoldState, HoldStatus, LedgerErrorKind, TxnId, TxnMeta,
};
use corridor_core::Timestamp;

use crate::records::{AccountKey, IdempotencyRecord, Owner, StoredResponse};
use crate::rows;
use crate::writer::{BatchRows, PostingRow, Refusal, RefusalCode, TxnRow};
use crate::StoreError;

/// Whether the log can carry this batch: only ledger rows (accounts,
/// transactions, postings, holds, balances) and completed idempotency keys.
pub(crate) fn loggable(b: &BatchRows) -> bool {
    b.merchants.is_empty()
        && b.api_keys.is_empty()
        && b.payments.is_empty()
        && b.attempts.is_empty()
        && b.events.is_empty()
        && b.webhooks.is_empty()
        && b.payout_statements.is_empty()
        && b.started_keys.is_empty()
        && b.orphans.is_empty()
        && b.settings.is_empty()
        && b.after_sales.is_empty()
        && b.fx_objects.is_empty()
        && b.fx_rates.is_empty()
        && b.compliance_statements.is_empty()
        && b.txns.iter().all(|t| {
            t.failure
                .as_ref()
                .is_none_or(|f| matches!(f.code, RefusalCode::Ledger(_)))
        })
}

const TXN_CLIENT_REF: u8 = 1;
const TXN_HASH: u8 = 2;
const TXN_FAILURE: u8 = 4;
const TXN_SOURCE: u8 = 8;
const TXN_DESCRIPTION: u8 = 16;
const TXN_HOLD: u8 = 32;

/// Appends the record body of `b` to `out` (see [`loggable`]).
pub(crate) fn encode(b: &BatchRows, out: &mut Vec<u8>) {
    count(out, b.accounts_new.len());
    for (id, key, forbids) in &b.accounts_new {
        i64s(out, id.0);
        text(out, &key.owner.code());
        text(out, key.currency.code());
        text(out, key.kind.code());
        out.push(u8::from(*forbids));
    }
    count(out, b.txns.len());
    for t in &b.txns {
        let flag = |set: bool, bit: u8| if set { bit } else { 0 };
        out.push(
            flag(t.client_ref.is_some(), TXN_CLIENT_REF)
                | flag(t.content_hash.is_some(), TXN_HASH)
                | flag(t.failure.is_some(), TXN_FAILURE)
                | flag(t.meta.source_id.is_some(), TXN_SOURCE)
                | flag(t.meta.description.is_some(), TXN_DESCRIPTION)
                | flag(t.hold.is_some(), TXN_HOLD),
        );
        i64s(out, t.id.0);
        if let Some(r) = &t.client_ref {
            text(out, r);
        }
        if let Some(h) = &t.content_hash {
            out.extend_from_slice(&h.0);
        }
        if let Some(f) = &t.failure {
            text(out, f.code.code());
        }
        text(out, &t.meta.kind);
        if let Some(s) = &t.meta.source_id {
            text(out, s);
        }
        if let Some(d) = &t.meta.description {
            text(out, d);
        }
        if let Some(h) = t.hold {
            i64s(out, h.0);
        }
        i64s(out, t.created_at.unix_micros());
    }
    count(out, b.postings.len());
    for p in &b.postings {
        i64s(out, p.txn.0);
        out.extend_from_slice(&p.leg.to_le_bytes());
        i64s(out, p.account.0);
        i64s(out, p.amount);
        i64s(out, p.balance_after);
    }
    count(out, b.holds_new.len());
    for (h, at) in &b.holds_new {
        hold(out, h);
        i64s(out, at.unix_micros());
    }
    count(out, b.holds_resolved.len());
    for (h, at) in &b.holds_resolved {
        hold(out, h);
        i64s(out, at.unix_micros());
    }
    count(out, b.balances.len());
    for (id, posted, held_out, held_in) in &b.balances {
        i64s(out, id.0);
        i64s(out, *posted);
        i64s(out, *held_out);
        i64s(out, *held_in);
    }
    count(out, b.idempotency.len());
    for r in &b.idempotency {
        text(out, &r.scope);
        text(out, &r.key);
        text(out, &r.request_hash);
        out.extend_from_slice(&r.response.status.to_le_bytes());
        text(out, &r.response.body);
        i64s(out, r.created_at.unix_micros());
    }
}

/// Reads a record body back into the rows it was encoded from.
pub(crate) fn decode(bytes: &[u8]) -> Result<BatchRows, StoreError> {
    let mut r = Reader { bytes, at: 0 };
    let mut b = BatchRows::default();
    for _ in 0..r.count()? {
        let id = AccountId(r.i64()?);
        let owner = Owner::parse(r.text()?);
        let currency = rows::currency(r.text()?)?;
        let kind = rows::kind(r.text()?)?;
        let forbids = r.u8()? != 0;
        let key = AccountKey {
            owner,
            currency,
            kind,
        };
        b.accounts_new.push((id, key, forbids));
    }
    for _ in 0..r.count()? {
        let flags = r.u8()?;
        let id = TxnId(r.i64()?);
        let client_ref = r.when(flags, TXN_CLIENT_REF, |r| Ok(r.text()?.to_owned()))?;
        let content_hash = r.when(flags, TXN_HASH, |r| {
            let raw: [u8; 16] = r
                .take(16)?
                .try_into()
                .map_err(|_| corrupt("content hash"))?;
            Ok(ContentHash(raw))
        })?;
        let failure = r.when(flags, TXN_FAILURE, |r| {
            let code = r.text()?;
            let kind = LedgerErrorKind::parse(code)
                .ok_or_else(|| corrupt(&format!("unknown ledger failure {code}")))?;
            Ok(Refusal {
                code: RefusalCode::Ledger(kind),
                message: String::new(),
            })
        })?;
        let kind = r.text()?.to_owned();
        let source_id = r.when(flags, TXN_SOURCE, |r| Ok(r.text()?.to_owned()))?;
        let description = r.when(flags, TXN_DESCRIPTION, |r| Ok(r.text()?.to_owned()))?;
        let hold = r.when(flags, TXN_HOLD, |r| Ok(HoldId(r.i64()?)))?;
        let created_at = Timestamp::from_unix_micros(r.i64()?);
        b.txns.push(TxnRow {
            id,
            client_ref,
            content_hash,
            failure,
            meta: TxnMeta {
                kind,
                source_id,
                description,
            },
            hold,
            created_at,
        });
    }
    let postings = r.count()?;
    b.postings.reserve(postings);
    for _ in 0..postings {
        b.postings.push(PostingRow {
            txn: TxnId(r.i64()?),
            leg: r.i32()?,
            account: AccountId(r.i64()?),
            amount: r.i64()?,
            balance_after: r.i64()?,
        });
    }
    for _ in 0..r.count()? {
        let h = r.hold()?;
        b.holds_new.push((h, Timestamp::from_unix_micros(r.i64()?)));
    }
    for _ in 0..r.count()? {
        let h = r.hold()?;
        b.holds_resolved
            .push((h, Timestamp::from_unix_micros(r.i64()?)));
    }
    for _ in 0..r.count()? {
        b.balances
            .push((AccountId(r.i64()?), r.i64()?, r.i64()?, r.i64()?));
    }
    for _ in 0..r.count()? {
        let scope = r.text()?.to_owned();
        let key = r.text()?.to_owned();
        let request_hash = r.text()?.to_owned();
        let status = u16::from_le_bytes(r.array()?);
        let body = r.text()?.to_owned();
        let created_at = Timestamp::from_unix_micros(r.i64()?);
        b.idempotency.push(IdempotencyRecord {
            scope,
            key,
            request_hash,
            response: StoredResponse { status, body },
            created_at,
        });
    }
    if r.at != bytes.len() {
        return Err(corrupt("bytes after the last row"));
    }
    Ok(b)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("log record: {what}"))
}

fn count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn i64s(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn text(out: &mut Vec<u8>, s: &str) {
    count(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn hold(out: &mut Vec<u8>, h: &HoldState) {
    i64s(out, h.id.0);
    i64s(out, h.debit.0);
    i64s(out, h.credit.0);
    i64s(out, h.amount.minor());
    text(out, h.currency.code());
    i64s(out, h.expires_at.unix_micros());
    text(out, h.status.code());
    i64s(out, rows::posted_amount(h).unwrap_or(0));
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| corrupt("ends inside a row"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        self.take(N)?
            .try_into()
            .map_err(|_| corrupt("ends inside a row"))
    }

    fn u8(&mut self) -> Result<u8, StoreError> {
        Ok(self.array::<1>()?[0])
    }

    fn i32(&mut self) -> Result<i32, StoreError> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, StoreError> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn count(&mut self) -> Result<usize, StoreError> {
        let n = u32::from_le_bytes(self.array()?);
        usize::try_from(n).map_err(|_| corrupt("count"))
    }

    fn text(&mut self) -> Result<&'a str, StoreError> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("text is not UTF-8"))
    }

    fn when<T>(
        &mut self,
        flags: u8,
        bit: u8,
        read: impl FnOnce(&mut Self) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        if flags & bit == 0 {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    fn hold(&mut self) -> Result<HoldState, StoreError> {
        let id = HoldId(self.i64()?);
        let debit = AccountId(self.i64()?);
        let credit = AccountId(self.i64()?);
        let amount = rows::amount(self.i64()?)?;
        let currency = rows::currency(self.text()?)?;
        let expires_at = Timestamp::from_unix_micros(self.i64()?);
        let status = self.text()?;
        let posted = self.i64()?;
        let status = match status {
            "pending" => HoldStatus::Pending,
            "posted" => HoldStatus::Posted(rows::amount(posted)?),
            "voided" => HoldStatus::Voided,
            "expired" => HoldStatus::Expired,
            other => return Err(corrupt(&format!("hold status {other}"))),
        };
        Ok(HoldState {
            id,
            debit,
            credit,
            amount,
            currency,
            expires_at,
            status,
        })
    }
}
