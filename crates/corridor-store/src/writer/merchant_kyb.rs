//! Applying a change of a merchant's KYB information inside a compliance
//! write: its version checked against the one read, then the row stored
//! with the next version and the merchant's contact details updated.

use std::collections::HashMap;

use corridor_core::Timestamp;

use super::{Refusal, RefusalCode, WriterBackend, WriterState};
use crate::merchant_kyb_records::{contact_values, kyb_values};
use crate::merchant_kyb_sql as q;
use crate::{MerchantKybWrite, StoreError};

/// The version of each merchant's KYB information as of this point of the
/// batch (0: no row).
pub(super) type KybVersions = HashMap<String, i64>;

/// Checks the version of the information a write read.
pub(super) fn check<B: WriterBackend>(
    w: &mut WriterState<B>,
    versions: &mut KybVersions,
    write: &MerchantKybWrite,
) -> Result<Result<(), Refusal>, StoreError> {
    let id = &write.record.merchant_id;
    if !versions.contains_key(id) {
        let stored = w
            .backend
            .load_versions(q::VERSION, std::slice::from_ref(id))?
            .into_iter()
            .next()
            .map_or(0, |(_, v)| v);
        versions.insert(id.clone(), stored);
    }
    if versions.get(id).copied() != Some(write.expected_version) {
        return Ok(Err(Refusal {
            code: RefusalCode::VersionConflict,
            message: format!("merchant {id}'s KYB information changed since it was read"),
        }));
    }
    Ok(Ok(()))
}

/// The statements of a checked write.
pub(super) fn statements(
    versions: &mut KybVersions,
    write: MerchantKybWrite,
    now: Timestamp,
    out: &mut Vec<super::payouts::PayoutStatement>,
) {
    let mut record = write.record;
    record.version = write.expected_version + 1;
    record.updated_at = now;
    versions.insert(record.merchant_id.clone(), record.version);
    if let Some(contact) = &write.contact {
        out.push((q::SET_CONTACT, contact_values(&record.merchant_id, contact)));
    }
    out.push((q::UPSERT, kyb_values(&record)));
}
