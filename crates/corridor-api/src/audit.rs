//! Audit records of operator actions: who acted, what was done, on which
//! object, and a detail that never holds a secret (no API key, password or
//! provider credential). Each record is written by the ledger writer in
//! the same transaction as the action (`WriteOp::audited`), so an action
//! is never done without its record.

use corridor_store::{AuditEntry, Principal};

use crate::auth::Caller;

/// Who acts, as the audit log names it: `operator` or `merchant:<id>`.
pub fn actor(caller: &Caller) -> String {
    match &caller.principal {
        Principal::Operator => "operator".into(),
        Principal::Merchant(id) => format!("merchant:{id}"),
    }
}

/// The record of `caller` doing `action` on `object_id`, with `detail`
/// (which must hold no secret).
pub fn entry(
    caller: &Caller,
    action: &str,
    object_id: &str,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor: actor(caller),
        action: action.to_owned(),
        object_id: object_id.to_owned(),
        detail: detail.to_string(),
    }
}
