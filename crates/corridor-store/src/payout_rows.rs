//! Decoding payout-side rows, and the parameter values their statements
//! bind on either backend.

use corridor_core::{Currency, Timestamp};

use crate::rows::SqlRow;
use crate::{BankFileRecord, BeneficiaryRecord, PayoutBatchRecord, PayoutRecord, StoreError};

/// A statement parameter, bound the same way on SQLite and PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// `BIGINT`.
    Int(i64),
    /// Nullable `BIGINT`.
    OptInt(Option<i64>),
    /// `TEXT`.
    Text(String),
    /// Nullable `TEXT`.
    OptText(Option<String>),
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(ToSqlOutput::Owned(match self {
            SqlValue::Int(i) | SqlValue::OptInt(Some(i)) => Value::Integer(*i),
            SqlValue::Text(t) | SqlValue::OptText(Some(t)) => Value::Text(t.clone()),
            SqlValue::OptInt(None) | SqlValue::OptText(None) => Value::Null,
        }))
    }
}

/// Boxes values for `tokio_postgres`.
pub(crate) fn pg_params(
    values: &[SqlValue],
) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> {
    values
        .iter()
        .map(|v| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
            match v {
                SqlValue::Int(i) => Box::new(*i),
                SqlValue::OptInt(i) => Box::new(*i),
                SqlValue::Text(t) => Box::new(t.clone()),
                SqlValue::OptText(t) => Box::new(t.clone()),
            }
        })
        .collect()
}

fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::parse(code)
        .map_err(|_| StoreError::Corrupt(format!("unknown stored currency {code}")))
}

/// Columns of `get_beneficiary`.
pub(crate) fn beneficiary(r: &(impl SqlRow + ?Sized)) -> Result<BeneficiaryRecord, StoreError> {
    Ok(BeneficiaryRecord {
        id: r.text(0)?,
        merchant_id: r.text(1)?,
        name: r.text(2)?,
        country: r.text(3)?,
        currency: currency(&r.text(4)?)?,
        scheme: r.text(5)?,
        bank_account: r.text(6)?,
        address: r.opt_text(7)?,
        created_at: Timestamp::from_unix_micros(r.int(8)?),
    })
}

/// Columns of `get_payout`.
pub(crate) fn payout(r: &(impl SqlRow + ?Sized)) -> Result<PayoutRecord, StoreError> {
    Ok(PayoutRecord {
        id: r.text(0)?,
        merchant_id: r.text(1)?,
        beneficiary_id: r.text(2)?,
        status: r.text(3)?,
        amount: r.int(4)?,
        currency: currency(&r.text(5)?)?,
        fee: r.int(6)?,
        target_amount: r.int(7)?,
        target_currency: currency(&r.text(8)?)?,
        fx: r.opt_text(9)?,
        rail: r.text(10)?,
        purpose_code: r.opt_text(11)?,
        reference: r.opt_text(12)?,
        uetr: r.text(13)?,
        end_to_end_id: r.text(14)?,
        value_date: r.text(15)?,
        hold_id: r.opt_int(16)?,
        batch_id: r.opt_text(17)?,
        failure_code: r.opt_text(18)?,
        accepted_at: r.opt_int(19)?.map(Timestamp::from_unix_micros),
        version: r.int(20)?,
        created_at: Timestamp::from_unix_micros(r.int(21)?),
        updated_at: Timestamp::from_unix_micros(r.int(22)?),
    })
}

/// Columns of `GET_BATCH`.
pub(crate) fn batch(r: &(impl SqlRow + ?Sized)) -> Result<PayoutBatchRecord, StoreError> {
    Ok(PayoutBatchRecord {
        id: r.text(0)?,
        rail: r.opt_text(1)?,
        currency: r.opt_text(2)?.map(|c| currency(&c)).transpose()?,
        status: r.text(3)?,
        payout_count: r.int(4)?,
        control_sum: r.int(5)?,
        execution_date: r.text(6)?,
        version: r.int(7)?,
        created_at: Timestamp::from_unix_micros(r.int(8)?),
    })
}

/// Columns of `GET_BANK_FILE`.
pub(crate) fn bank_file(r: &(impl SqlRow + ?Sized)) -> Result<BankFileRecord, StoreError> {
    Ok(BankFileRecord {
        id: r.text(0)?,
        kind: r.text(1)?,
        message_id: r.text(2)?,
        summary: r.text(3)?,
        created_at: Timestamp::from_unix_micros(r.int(4)?),
    })
}

/// The statements writing a beneficiary.
pub(crate) fn beneficiary_values(b: &BeneficiaryRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(b.id.clone()),
        SqlValue::Text(b.merchant_id.clone()),
        SqlValue::Text(b.name.clone()),
        SqlValue::Text(b.country.clone()),
        SqlValue::Text(b.currency.code().to_string()),
        SqlValue::Text(b.scheme.clone()),
        SqlValue::Text(b.bank_account.clone()),
        SqlValue::OptText(b.address.clone()),
        SqlValue::Int(b.created_at.unix_micros()),
    ]
}

/// Parameters of `UPSERT_PAYOUT`.
pub(crate) fn payout_values(p: &PayoutRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(p.id.clone()),
        SqlValue::Text(p.merchant_id.clone()),
        SqlValue::Text(p.beneficiary_id.clone()),
        SqlValue::Text(p.status.clone()),
        SqlValue::Int(p.amount),
        SqlValue::Text(p.currency.code().to_string()),
        SqlValue::Int(p.fee),
        SqlValue::Int(p.target_amount),
        SqlValue::Text(p.target_currency.code().to_string()),
        SqlValue::OptText(p.fx.clone()),
        SqlValue::Text(p.rail.clone()),
        SqlValue::OptText(p.purpose_code.clone()),
        SqlValue::OptText(p.reference.clone()),
        SqlValue::Text(p.uetr.clone()),
        SqlValue::Text(p.end_to_end_id.clone()),
        SqlValue::Text(p.value_date.clone()),
        SqlValue::OptInt(p.hold_id),
        SqlValue::OptText(p.batch_id.clone()),
        SqlValue::OptText(p.failure_code.clone()),
        SqlValue::OptInt(p.accepted_at.map(Timestamp::unix_micros)),
        SqlValue::Int(p.version),
        SqlValue::Int(p.created_at.unix_micros()),
        SqlValue::Int(p.updated_at.unix_micros()),
    ]
}

/// Parameters of `UPSERT_BATCH`.
pub(crate) fn batch_values(b: &PayoutBatchRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(b.id.clone()),
        SqlValue::OptText(b.rail.clone()),
        SqlValue::OptText(b.currency.map(|c| c.code().to_string())),
        SqlValue::Text(b.status.clone()),
        SqlValue::Int(b.payout_count),
        SqlValue::Int(b.control_sum),
        SqlValue::Text(b.execution_date.clone()),
        SqlValue::Int(b.version),
        SqlValue::Int(b.created_at.unix_micros()),
    ]
}

/// Parameters of `INSERT_BANK_FILE`.
pub(crate) fn bank_file_values(f: &BankFileRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(f.id.clone()),
        SqlValue::Text(f.kind.clone()),
        SqlValue::Text(f.message_id.clone()),
        SqlValue::Text(f.summary.clone()),
        SqlValue::Int(f.created_at.unix_micros()),
    ]
}
