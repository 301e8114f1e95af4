//! SQL of compliance: sanctions lists as loaded, screenings, alerts and the
//! hash-chained audit log (migration 60).

/// Schema of compliance (migration 60).
pub const MIGRATION_60: &str = r#"
CREATE TABLE sanctions_lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    version TEXT NOT NULL,
    content TEXT NOT NULL,
    entries BIGINT NOT NULL,
    names BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE screenings (
    id TEXT PRIMARY KEY,
    merchant_id TEXT,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    decision TEXT NOT NULL,
    lists_version TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE compliance_alerts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    screening_id TEXT,
    merchant_id TEXT,
    body TEXT NOT NULL,
    resolution TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX compliance_alerts_by_time ON compliance_alerts (created_at, id);
CREATE TABLE compliance_audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE compliance_audit_head (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    seq BIGINT NOT NULL
);
"#;

/// Inserts (or re-activates) a list version.
pub const UPSERT_LIST: &str =
    "INSERT INTO sanctions_lists (id, name, format, version, content, entries, names, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at";
/// Every stored list, oldest first.
pub const LISTS: &str =
    "SELECT id, name, format, version, content, entries, names, created_at FROM sanctions_lists ORDER BY created_at, id";

/// Inserts a screening.
pub const INSERT_SCREENING: &str = "INSERT INTO screenings (id, merchant_id, subject, name, decision, lists_version, body, created_at, object_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/// A screening by id.
pub const GET_SCREENING: &str = "SELECT id, merchant_id, subject, name, decision, lists_version, body, created_at, object_id FROM screenings WHERE id = $1";

/// Inserts or updates an alert.
pub const UPSERT_ALERT: &str = "INSERT INTO compliance_alerts (id, kind, severity, status, screening_id, merchant_id, body, resolution, version, created_at, resolved_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, resolution = excluded.resolution, \
     version = excluded.version, resolved_at = excluded.resolved_at";
/// The version of an alert (for the writer's check).
pub const ALERT_VERSION: &str = "SELECT id, version FROM compliance_alerts WHERE id = $1";
const ALERT_COLUMNS: &str = "id, kind, severity, status, screening_id, merchant_id, body, resolution, version, created_at, resolved_at";

/// An alert by id.
pub fn get_alert() -> String {
    format!("SELECT {ALERT_COLUMNS} FROM compliance_alerts WHERE id = $1")
}

/// The newest alerts (`$1` status filter or `''`, `$2` limit).
pub fn list_alerts_first() -> String {
    format!(
        "SELECT {ALERT_COLUMNS} FROM compliance_alerts WHERE ($1 = '' OR status = $1) \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )
}

/// Alerts older than `$2` (`$1` status filter or `''`, `$3` limit).
pub fn list_alerts_after() -> String {
    format!(
        "SELECT {ALERT_COLUMNS} FROM compliance_alerts a WHERE ($1 = '' OR status = $1) AND \
         (created_at, id) < (SELECT created_at, id FROM compliance_alerts WHERE id = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    )
}

/// Sets a merchant's KYB status (`$1` the status, `$2` the merchant:
/// SQLite numbers parameters in the order they appear).
pub const SET_KYB_STATUS: &str = "UPDATE merchants SET kyb_status = $1 WHERE id = $2";

/// Appends an audit record.
pub const INSERT_AUDIT: &str =
    "INSERT INTO compliance_audit (seq, at, actor, action, object_id, detail, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/// Moves the chain's head.
pub const UPSERT_AUDIT_HEAD: &str =
    "INSERT INTO compliance_audit_head (id, hash, seq) VALUES ($1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, seq = excluded.seq";
/// The chain's head: its last hash and sequence number.
pub const AUDIT_HEAD: &str = "SELECT hash, seq FROM compliance_audit_head WHERE id = $1";
/// The single row of `compliance_audit_head`.
pub const AUDIT_HEAD_ID: &str = "head";
/// A page of the audit log, newest first: records numbered below `$1`,
/// at most `$2`.
pub const AUDIT_PAGE: &str =
    "SELECT seq, at, actor, action, object_id, detail, prev_hash, hash FROM compliance_audit \
     WHERE seq < $1 ORDER BY seq DESC LIMIT $2";
/// The audit log in order.
pub const AUDIT_LOG: &str =
    "SELECT seq, at, actor, action, object_id, detail, prev_hash, hash FROM compliance_audit ORDER BY seq";
