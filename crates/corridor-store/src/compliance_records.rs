//! Compliance as stored: sanctions list versions, screenings, alerts and
//! the audit log.

use corridor_core::Timestamp;

use crate::SqlValue;

/// A sanctions list version as loaded by the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionsListRecord {
    /// `<name>:<version>`.
    pub id: String,
    /// `ofac_sdn`, `un_consolidated`, ... or the operator list's name.
    pub name: String,
    /// The format it was read from.
    pub format: String,
    /// SHA-256 of the content.
    pub version: String,
    /// The content as loaded (JSON `{sdn, alt, add}` for OFAC CSV), so a
    /// restart loads the same list.
    pub content: String,
    /// Entries.
    pub entries: i64,
    /// Names and aliases.
    pub names: i64,
    /// When it was loaded.
    pub created_at: Timestamp,
}

/// One screening and what it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRecord {
    /// `scr_...`.
    pub id: String,
    /// The merchant it was run for, if any.
    pub merchant_id: Option<String>,
    /// What was screened: `api`, `beneficiary`, `merchant`, ...
    pub subject: String,
    /// The name screened.
    pub name: String,
    /// `clear`, `review` or `block`.
    pub decision: String,
    /// The lists version screened against.
    pub lists_version: String,
    /// The API's object, JSON (matches and scores).
    pub body: String,
    /// When.
    pub created_at: Timestamp,
    /// The object screened (a beneficiary's id), when it has one.
    pub object_id: Option<String>,
}

/// A compliance alert for a person to handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    /// `alr_...`.
    pub id: String,
    /// `screening_review`, ...
    pub kind: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// `open` or `resolved`.
    pub status: String,
    /// The screening behind it.
    pub screening_id: Option<String>,
    /// The merchant concerned.
    pub merchant_id: Option<String>,
    /// What the alert says, JSON.
    pub body: String,
    /// The operator's reason when resolved.
    pub resolution: Option<String>,
    /// Increases with every change.
    pub version: i64,
    /// When raised.
    pub created_at: Timestamp,
    /// When resolved.
    pub resolved_at: Option<Timestamp>,
}

/// One action to append to the audit log; the writer numbers it and chains
/// its hash to the previous record's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// `operator`, `merchant:<id>` or `system`.
    pub actor: String,
    /// `sanctions_list.loaded`, `screening.decided`, `alert.resolved`, ...
    pub action: String,
    /// The object acted on.
    pub object_id: String,
    /// What was done, JSON.
    pub detail: String,
}

/// A record of the audit log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// 1, 2, ... without gaps.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub object_id: String,
    /// Details, JSON.
    pub detail: String,
    /// The previous record's hash (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over the previous hash and this record's fields.
    pub hash: String,
}

impl AuditRecord {
    /// The hash this record must carry, from its fields and the previous
    /// hash: length-prefixed fields, so no two records encode alike.
    pub fn expected_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for field in [
            self.prev_hash.as_bytes(),
            &self.seq.to_le_bytes(),
            &self.at.unix_micros().to_le_bytes(),
            self.actor.as_bytes(),
            self.action.as_bytes(),
            self.object_id.as_bytes(),
            self.detail.as_bytes(),
        ] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field);
        }
        hex::encode(h.finalize())
    }
}

/// The hash before the first record.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Compliance rows written together, with the audit records of what they
/// do. Alerts changed are checked against the version read.
#[derive(Debug, Clone, Default)]
pub struct ComplianceWrite {
    /// A list version loaded.
    pub list: Option<SanctionsListRecord>,
    /// Screenings recorded.
    pub screenings: Vec<ScreeningRecord>,
    /// Alerts raised or changed, with the version read (`None` for new).
    pub alerts: Vec<(AlertRecord, Option<i64>)>,
    /// A merchant's new KYB status: (merchant id, status).
    pub merchant_kyb: Option<(String, String)>,
    /// A new merchant with its first API key (written before the rest).
    pub new_merchant: Option<(crate::MerchantRecord, crate::ApiKeyRecord)>,
    /// A change of a merchant's KYB information, checked against the
    /// version read.
    pub merchant_info: Option<crate::MerchantKybWrite>,
    /// Actions to append to the audit log.
    pub audit: Vec<AuditEntry>,
}

pub(crate) fn list_values(l: &SanctionsListRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(l.id.clone()),
        SqlValue::Text(l.name.clone()),
        SqlValue::Text(l.format.clone()),
        SqlValue::Text(l.version.clone()),
        SqlValue::Text(l.content.clone()),
        SqlValue::Int(l.entries),
        SqlValue::Int(l.names),
        SqlValue::Int(l.created_at.unix_micros()),
    ]
}

pub(crate) fn screening_values(s: &ScreeningRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(s.id.clone()),
        SqlValue::OptText(s.merchant_id.clone()),
        SqlValue::Text(s.subject.clone()),
        SqlValue::Text(s.name.clone()),
        SqlValue::Text(s.decision.clone()),
        SqlValue::Text(s.lists_version.clone()),
        SqlValue::Text(s.body.clone()),
        SqlValue::Int(s.created_at.unix_micros()),
        SqlValue::OptText(s.object_id.clone()),
    ]
}

pub(crate) fn alert_values(a: &AlertRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(a.id.clone()),
        SqlValue::Text(a.kind.clone()),
        SqlValue::Text(a.severity.clone()),
        SqlValue::Text(a.status.clone()),
        SqlValue::OptText(a.screening_id.clone()),
        SqlValue::OptText(a.merchant_id.clone()),
        SqlValue::Text(a.body.clone()),
        SqlValue::OptText(a.resolution.clone()),
        SqlValue::Int(a.version),
        SqlValue::Int(a.created_at.unix_micros()),
        SqlValue::OptInt(a.resolved_at.map(|t| t.unix_micros())),
    ]
}

pub(crate) fn audit_values(r: &AuditRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Int(r.seq),
        SqlValue::Int(r.at.unix_micros()),
        SqlValue::Text(r.actor.clone()),
        SqlValue::Text(r.action.clone()),
        SqlValue::Text(r.object_id.clone()),
        SqlValue::Text(r.detail.clone()),
        SqlValue::Text(r.prev_hash.clone()),
        SqlValue::Text(r.hash.clone()),
    ]
}

/// Where the audit chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditBreak {
    /// A record's number is not the one after the previous (a record was
    /// deleted or inserted).
    Gap {
        /// The number expected.
        expected: i64,
        /// The number found.
        found: i64,
    },
    /// A record does not name the previous record's hash.
    Unlinked {
        /// The record.
        seq: i64,
    },
    /// A record's content no longer gives its hash (it was edited).
    Edited {
        /// The record.
        seq: i64,
    },
    /// The chain ends before the head the writer recorded (the last
    /// records were deleted), or after it.
    Truncated {
        /// The head's sequence number.
        head: i64,
        /// The last record's.
        last: i64,
    },
}

impl std::fmt::Display for AuditBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditBreak::Gap { expected, found } => {
                write!(
                    f,
                    "record {expected} is missing (found {found} after {})",
                    expected - 1
                )
            }
            AuditBreak::Unlinked { seq } => write!(
                f,
                "record {seq} does not follow the hash of the record before it"
            ),
            AuditBreak::Edited { seq } => {
                write!(f, "record {seq} was changed after it was written")
            }
            AuditBreak::Truncated { head, last } => {
                write!(f, "the log ends at record {last} but its head says {head}")
            }
        }
    }
}

/// Checks the whole chain, in order, against the recorded head: every
/// record numbered after the previous, linked to its hash and giving its
/// own. Returns how many records were checked.
pub fn verify_audit_chain(
    records: &[AuditRecord],
    head: Option<(String, i64)>,
) -> Result<usize, AuditBreak> {
    let mut prev = AUDIT_GENESIS.to_owned();
    for (i, r) in records.iter().enumerate() {
        let expected = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        if r.seq != expected {
            return Err(AuditBreak::Gap {
                expected,
                found: r.seq,
            });
        }
        if r.prev_hash != prev {
            return Err(AuditBreak::Unlinked { seq: r.seq });
        }
        if r.expected_hash() != r.hash {
            return Err(AuditBreak::Edited { seq: r.seq });
        }
        prev = r.hash.clone();
    }
    let last = records.last().map_or(0, |r| r.seq);
    let (head_hash, head_seq) = head.unwrap_or_else(|| (AUDIT_GENESIS.to_owned(), 0));
    if head_seq != last || head_hash != prev {
        return Err(AuditBreak::Truncated {
            head: head_seq,
            last,
        });
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = AUDIT_GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    at: Timestamp::from_unix_micros(seq * 1_000),
                    actor: "operator".into(),
                    action: "alert.resolved".into(),
                    object_id: format!("alr_{seq}"),
                    detail: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.expected_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn head(c: &[AuditRecord]) -> Option<(String, i64)> {
        c.last().map(|r| (r.hash.clone(), r.seq))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_audit_chain(&c, head(&c)), Ok(5));
        assert_eq!(verify_audit_chain(&[], None), Ok(0));
    }

    #[test]
    fn edits_and_deletions_are_found() {
        let c = chain(5);
        let mut edited = c.clone();
        edited[2].detail = r#"{"reason":"changed"}"#.into();
        assert_eq!(
            verify_audit_chain(&edited, head(&c)),
            Err(AuditBreak::Edited { seq: 3 })
        );
        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(
            verify_audit_chain(&deleted, head(&c)),
            Err(AuditBreak::Gap {
                expected: 2,
                found: 3
            })
        );
        let truncated = &c[..4];
        assert_eq!(
            verify_audit_chain(truncated, head(&c)),
            Err(AuditBreak::Truncated { head: 5, last: 4 })
        );
        let mut relinked = c.clone();
        relinked[3].prev_hash = AUDIT_GENESIS.into();
        relinked[3].hash = relinked[3].expected_hash();
        assert_eq!(
            verify_audit_chain(&relinked, head(&c)),
            Err(AuditBreak::Unlinked { seq: 4 })
        );
    }
}
