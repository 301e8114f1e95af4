//! SQL of the provider requests kept for replay, shared by both backends.

/// Migration 150: a provider request that may have to be sent again under
/// the same key (Adyen's way of learning a lost answer), sealed with the
/// server's secret key, until its attempt is closed.
pub const MIGRATION_150: &str = r#"
CREATE TABLE provider_replays (
    connector TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    sealed_request TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (connector, idempotency_key)
);
"#;

/// The first request saved under a key is the one the provider saw first.
pub const INSERT_REPLAY: &str =
    "INSERT INTO provider_replays (connector, idempotency_key, sealed_request, created_at) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (connector, idempotency_key) DO NOTHING";

pub const GET_REPLAY: &str = "SELECT connector, idempotency_key, sealed_request, created_at \
    FROM provider_replays WHERE connector = $1 AND idempotency_key = $2";

pub const DELETE_REPLAY: &str =
    "DELETE FROM provider_replays WHERE connector = $1 AND idempotency_key = $2";

/// The requests of closed attempts, as PostgreSQL arrays.
pub const DELETE_REPLAYS_POSTGRES: &str = "DELETE FROM provider_replays r USING UNNEST($1::text[], $2::text[]) AS d(connector, idempotency_key) \
    WHERE r.connector = d.connector AND r.idempotency_key = d.idempotency_key";
