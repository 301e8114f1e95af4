//! SQL of the FX area, shared by both backends.

pub const MIGRATION_30: &str = r#"
CREATE TABLE fx_rates (
    day INTEGER NOT NULL,
    currency TEXT NOT NULL,
    rate TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (day, currency)
);
CREATE TABLE fx_objects (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    due_at BIGINT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX fx_objects_by_owner ON fx_objects (kind, merchant_id, created_at, id);
CREATE INDEX fx_objects_due ON fx_objects (kind, status, due_at);
"#;

pub const UPSERT_FX_RATE: &str = "INSERT INTO fx_rates (day, currency, rate, source) VALUES ($1, $2, $3, $4) ON CONFLICT (day, currency) DO UPDATE SET rate = excluded.rate, source = excluded.source";

pub const UPSERT_FX_OBJECT: &str = "INSERT INTO fx_objects (id, kind, merchant_id, status, version, due_at, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, due_at = excluded.due_at, body = excluded.body, updated_at = excluded.updated_at";

pub const FX_OBJECT_VERSION: &str = "SELECT id, version FROM fx_objects WHERE id = $1";

pub const ALL_FX_RATES: &str =
    "SELECT day, currency, rate, source FROM fx_rates ORDER BY day, currency";

pub const GET_FX_OBJECT: &str = "SELECT id, kind, merchant_id, status, version, due_at, body, created_at, updated_at FROM fx_objects WHERE id = $1";

pub const LIST_FX_OBJECTS_FIRST: &str = "SELECT id, kind, merchant_id, status, version, due_at, body, created_at, updated_at FROM fx_objects WHERE kind = $1 AND merchant_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3";

pub const LIST_FX_OBJECTS_AFTER: &str = "SELECT o.id, o.kind, o.merchant_id, o.status, o.version, o.due_at, o.body, o.created_at, o.updated_at FROM fx_objects o, fx_objects c WHERE c.id = $1 AND o.kind = $2 AND o.merchant_id = $3 AND (o.created_at < c.created_at OR (o.created_at = c.created_at AND o.id < c.id)) ORDER BY o.created_at DESC, o.id DESC LIMIT $4";

pub const FX_OBJECTS_OF_KIND: &str = "SELECT id, kind, merchant_id, status, version, due_at, body, created_at, updated_at FROM fx_objects WHERE kind = $1 AND status = $2 ORDER BY created_at, id LIMIT $3";

pub const LATEST_FX_OBJECT_OF_KIND: &str = "SELECT id, kind, merchant_id, status, version, due_at, body, created_at, updated_at FROM fx_objects WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT 1";
