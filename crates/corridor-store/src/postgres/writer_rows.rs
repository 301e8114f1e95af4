//! Writing one batch on PostgreSQL, in one transaction: the ledger's
//! append-only tables by binary `COPY`, every other table of the writer with
//! one `UNNEST` statement, all prepared once per connection.

use std::collections::HashMap;

use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Statement, Transaction};

use super::writer::{Session, Statements};
use crate::rows::{posted_amount, principal_columns};
use crate::writer::BatchRows;
use crate::StoreError;

/// Column types of `ledger_txns` as `writer_sql::COPY_TXNS` lists them.
const TXN_TYPES: [Type; 9] = [
    Type::INT8,
    Type::TEXT,
    Type::BYTEA,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
];

/// Column types of `postings` as `writer_sql::COPY_POSTINGS` lists them.
const POSTING_TYPES: [Type; 5] = [Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::INT8];

pub(super) async fn commit(s: &mut Session, b: &BatchRows) -> Result<(), StoreError> {
    let Session {
        client,
        statements: st,
        other,
    } = s;
    let tx = client.transaction().await?;
    ledger(&tx, st, b).await?;
    registry(&tx, st, b).await?;
    super::payments::write(&tx, st, b).await?;
    super::fx::write(&tx, b).await?;
    super::after_sales::write(&tx, b).await?;
    for (sql, values) in b.payout_statements.iter().chain(&b.compliance_statements) {
        let boxed = crate::payout_rows::pg_params(values);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed
            .iter()
            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let stmt = cached(other, &tx, sql).await?;
        tx.execute(&stmt, &refs).await?;
    }
    super::settings::write(&tx, b).await?;
    tx.commit()
        .await
        .map_err(|e| StoreError::CommitUnknown(e.to_string()))?;
    Ok(())
}

/// A statement of another module, prepared the first time it runs.
async fn cached(
    other: &mut HashMap<String, Statement>,
    tx: &Transaction<'_>,
    sql: &str,
) -> Result<Statement, StoreError> {
    if let Some(s) = other.get(sql) {
        return Ok(s.clone());
    }
    let s = tx.prepare(sql).await?;
    other.insert(sql.to_string(), s.clone());
    Ok(s)
}

/// Accounts, transactions, postings, holds and balances.
async fn ledger(tx: &Transaction<'_>, st: &Statements, b: &BatchRows) -> Result<(), StoreError> {
    if !b.accounts_new.is_empty() {
        let ids: Vec<i64> = b.accounts_new.iter().map(|a| a.0 .0).collect();
        let owners: Vec<String> = b.accounts_new.iter().map(|a| a.1.owner.code()).collect();
        let currencies: Vec<&str> = b.accounts_new.iter().map(|a| a.1.currency.code()).collect();
        let kinds: Vec<&str> = b.accounts_new.iter().map(|a| a.1.kind.code()).collect();
        let forbids: Vec<i64> = b.accounts_new.iter().map(|a| i64::from(a.2)).collect();
        tx.execute(
            &st.insert_accounts,
            &[&ids, &owners, &currencies, &kinds, &forbids],
        )
        .await?;
    }
    if !b.txns.is_empty() {
        let sink = tx.copy_in(&st.copy_txns).await?;
        let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &TXN_TYPES));
        for t in &b.txns {
            let hash: Option<&[u8]> = t.content_hash.as_ref().map(|h| &h.0[..]);
            let failure: Option<&str> = t.failure.as_ref().map(|f| f.code.code());
            writer
                .as_mut()
                .write(&[
                    &t.id.0,
                    &t.client_ref,
                    &hash,
                    &failure,
                    &t.meta.kind,
                    &t.meta.source_id,
                    &t.meta.description,
                    &t.hold.map(|h| h.0),
                    &t.created_at.unix_micros(),
                ])
                .await?;
        }
        writer.as_mut().finish().await?;
    }
    if !b.postings.is_empty() {
        let sink = tx.copy_in(&st.copy_postings).await?;
        let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &POSTING_TYPES));
        for p in &b.postings {
            writer
                .as_mut()
                .write(&[
                    &p.txn.0,
                    &i64::from(p.leg),
                    &p.account.0,
                    &p.amount,
                    &p.balance_after,
                ])
                .await?;
        }
        writer.as_mut().finish().await?;
    }
    if !b.holds_new.is_empty() {
        let h = &b.holds_new;
        let ids: Vec<i64> = h.iter().map(|(h, _)| h.id.0).collect();
        let debits: Vec<i64> = h.iter().map(|(h, _)| h.debit.0).collect();
        let credits: Vec<i64> = h.iter().map(|(h, _)| h.credit.0).collect();
        let amounts: Vec<i64> = h.iter().map(|(h, _)| h.amount.minor()).collect();
        let currencies: Vec<&str> = h.iter().map(|(h, _)| h.currency.code()).collect();
        let expiries: Vec<i64> = h.iter().map(|(h, _)| h.expires_at.unix_micros()).collect();
        let times: Vec<i64> = h.iter().map(|(_, at)| at.unix_micros()).collect();
        tx.execute(
            &st.insert_holds,
            &[
                &ids,
                &debits,
                &credits,
                &amounts,
                &currencies,
                &expiries,
                &times,
            ],
        )
        .await?;
    }
    if !b.holds_resolved.is_empty() {
        let h = &b.holds_resolved;
        let ids: Vec<i64> = h.iter().map(|(h, _)| h.id.0).collect();
        let statuses: Vec<&str> = h.iter().map(|(h, _)| h.status.code()).collect();
        let posted: Vec<Option<i64>> = h.iter().map(|(h, _)| posted_amount(h)).collect();
        let times: Vec<i64> = h.iter().map(|(_, at)| at.unix_micros()).collect();
        let changed = tx
            .execute(&st.resolve_holds, &[&ids, &statuses, &posted, &times])
            .await?;
        if changed != h.len() as u64 {
            return Err(StoreError::Corrupt(format!(
                "{} of the {} holds this batch resolves were not pending",
                h.len() as u64 - changed.min(h.len() as u64),
                h.len()
            )));
        }
    }
    if !b.balances.is_empty() {
        let ids: Vec<i64> = b.balances.iter().map(|x| x.0 .0).collect();
        let posted: Vec<i64> = b.balances.iter().map(|x| x.1).collect();
        let held_out: Vec<i64> = b.balances.iter().map(|x| x.2).collect();
        let held_in: Vec<i64> = b.balances.iter().map(|x| x.3).collect();
        tx.execute(&st.update_balances, &[&ids, &posted, &held_out, &held_in])
            .await?;
    }
    Ok(())
}

/// Merchants, API keys and completed idempotency keys.
async fn registry(tx: &Transaction<'_>, st: &Statements, b: &BatchRows) -> Result<(), StoreError> {
    if !b.merchants.is_empty() {
        let m = &b.merchants;
        let ids: Vec<&str> = m.iter().map(|m| m.id.as_str()).collect();
        let names: Vec<&str> = m.iter().map(|m| m.legal_name.as_str()).collect();
        let countries: Vec<&str> = m.iter().map(|m| m.country.as_str()).collect();
        let currencies: Vec<&str> = m.iter().map(|m| m.home_currency.code()).collect();
        let emails: Vec<Option<&str>> = m.iter().map(|m| m.email.as_deref()).collect();
        let websites: Vec<Option<&str>> = m.iter().map(|m| m.website.as_deref()).collect();
        let stores: Vec<String> = m
            .iter()
            .map(|m| m.marketplace_store_ids.join("\n"))
            .collect();
        let kyb: Vec<&str> = m.iter().map(|m| m.kyb_status.as_str()).collect();
        let times: Vec<i64> = m.iter().map(|m| m.created_at.unix_micros()).collect();
        tx.execute(
            &st.insert_merchants,
            &[
                &ids,
                &names,
                &countries,
                &currencies,
                &emails,
                &websites,
                &stores,
                &kyb,
                &times,
            ],
        )
        .await?;
    }
    if !b.api_keys.is_empty() {
        let hashes: Vec<&str> = b.api_keys.iter().map(|k| k.key_hash.as_str()).collect();
        let (kinds, merchants): (Vec<&str>, Vec<Option<&str>>) = b
            .api_keys
            .iter()
            .map(|k| principal_columns(&k.principal))
            .unzip();
        tx.execute(&st.insert_api_keys, &[&hashes, &kinds, &merchants])
            .await?;
    }
    if !b.idempotency.is_empty() {
        let r = &b.idempotency;
        let scopes: Vec<&str> = r.iter().map(|r| r.scope.as_str()).collect();
        let keys: Vec<&str> = r.iter().map(|r| r.key.as_str()).collect();
        let hashes: Vec<&str> = r.iter().map(|r| r.request_hash.as_str()).collect();
        let statuses: Vec<i64> = r.iter().map(|r| i64::from(r.response.status)).collect();
        let bodies: Vec<&str> = r.iter().map(|r| r.response.body.as_str()).collect();
        let times: Vec<i64> = r.iter().map(|r| r.created_at.unix_micros()).collect();
        tx.execute(
            &st.insert_idempotency,
            &[&scopes, &keys, &hashes, &statuses, &bodies, &times],
        )
        .await?;
    }
    Ok(())
}
