//! Applying a compliance write inside a batch: alert versions checked, the
//! audit records numbered and chained to the log's head.

use foldhash::HashMap;

use corridor_core::Timestamp;

use super::{Refusal, RefusalCode, WriterBackend, WriterState};
use crate::compliance_records::{
    alert_values, audit_values, list_values, screening_values, AuditRecord, AUDIT_GENESIS,
};
use crate::compliance_sql as q;
use crate::payout_rows::SqlValue;
use crate::{ComplianceWrite, StoreError};

/// What compliance writes of one batch have read or changed so far.
#[derive(Debug, Default)]
pub(super) struct ComplianceLoaded {
    /// Alert versions as of this point of the batch.
    alert_versions: HashMap<String, Option<i64>>,
    /// The audit chain's head (hash, seq) as of this point of the batch.
    head: Option<(String, i64)>,
    /// Merchants' KYB information versions as of this point of the batch.
    kyb_versions: super::merchant_kyb::KybVersions,
}

/// Applies one compliance write: refused as a whole when an alert or the
/// merchant's KYB information changed since it was read.
pub(super) fn apply<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut ComplianceLoaded,
    rows: &mut super::BatchRows,
    write: ComplianceWrite,
    now: Timestamp,
) -> Result<Result<(), Refusal>, StoreError> {
    for (alert, expected) in &write.alerts {
        if !loaded.alert_versions.contains_key(&alert.id) {
            let stored = w
                .backend
                .load_versions(q::ALERT_VERSION, std::slice::from_ref(&alert.id))?
                .into_iter()
                .next()
                .map(|(_, v)| v);
            loaded.alert_versions.insert(alert.id.clone(), stored);
        }
        if loaded.alert_versions.get(&alert.id).copied().flatten() != *expected {
            return Ok(Err(Refusal {
                code: RefusalCode::VersionConflict,
                message: format!("alert {} changed since it was read", alert.id),
            }));
        }
    }
    if let Some(info) = &write.merchant_info {
        if let Err(refusal) = super::merchant_kyb::check(w, &mut loaded.kyb_versions, info)? {
            return Ok(Err(refusal));
        }
    }
    if let Some((merchant, key)) = write.new_merchant {
        rows.merchants.push(merchant);
        rows.api_keys.push(key);
    }
    let statements = &mut rows.compliance_statements;
    if let Some(info) = write.merchant_info {
        super::merchant_kyb::statements(&mut loaded.kyb_versions, info, now, statements);
    }
    if let Some(list) = &write.list {
        let mut list = list.clone();
        list.created_at = now;
        statements.push((q::UPSERT_LIST, list_values(&list)));
    }
    for s in &write.screenings {
        statements.push((q::INSERT_SCREENING, screening_values(s)));
    }
    if let Some((merchant, status)) = &write.merchant_kyb {
        statements.push((
            q::SET_KYB_STATUS,
            vec![
                SqlValue::Text(status.clone()),
                SqlValue::Text(merchant.clone()),
            ],
        ));
    }
    for (alert, expected) in write.alerts {
        let mut alert = alert;
        alert.version = expected.map_or(1, |v| v + 1);
        loaded
            .alert_versions
            .insert(alert.id.clone(), Some(alert.version));
        statements.push((q::UPSERT_ALERT, alert_values(&alert)));
    }
    append_audit(w, loaded, rows, write.audit, now)?;
    Ok(Ok(()))
}

/// Appends `audit` to the chain: each record numbered after the batch's
/// head so far and hashed over the previous record's hash.
pub(super) fn append_audit<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut ComplianceLoaded,
    rows: &mut super::BatchRows,
    audit: Vec<crate::AuditEntry>,
    now: Timestamp,
) -> Result<(), StoreError> {
    if audit.is_empty() {
        return Ok(());
    }
    let (mut prev_hash, mut seq) = match loaded.head.take() {
        Some(head) => head,
        None => w
            .backend
            .load_versions(q::AUDIT_HEAD, &[q::AUDIT_HEAD_ID.to_owned()])?
            .into_iter()
            .next()
            .unwrap_or_else(|| (AUDIT_GENESIS.to_owned(), 0)),
    };
    let statements = &mut rows.compliance_statements;
    for entry in audit {
        seq += 1;
        let mut record = AuditRecord {
            seq,
            at: now,
            actor: entry.actor,
            action: entry.action,
            object_id: entry.object_id,
            detail: entry.detail,
            prev_hash,
            hash: String::new(),
        };
        record.hash = record.expected_hash();
        prev_hash = record.hash.clone();
        statements.push((q::INSERT_AUDIT, audit_values(&record)));
    }
    statements.push((
        q::UPSERT_AUDIT_HEAD,
        vec![
            SqlValue::Text(q::AUDIT_HEAD_ID.to_owned()),
            SqlValue::Text(prev_hash.clone()),
            SqlValue::Int(seq),
        ],
    ));
    loaded.head = Some((prev_hash, seq));
    Ok(())
}
