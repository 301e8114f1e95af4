//! Schema of the embedded store's log projection.

/// The log position the SQLite database holds every record up to, written
/// in the same transaction as the records' rows. PostgreSQL has no log and
/// leaves it empty.
pub const MIGRATION_90: &str = r#"
CREATE TABLE log_projection (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    log_position BIGINT NOT NULL
);
"#;
