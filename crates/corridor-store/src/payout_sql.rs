//! SQL of beneficiaries, payouts, payout batches and bank files.

/// Schema of the payout side (migration 40).
pub const MIGRATION_40: &str = r#"
CREATE TABLE beneficiaries (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    scheme TEXT NOT NULL,
    bank_account TEXT NOT NULL,
    address TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX beneficiaries_by_merchant ON beneficiaries (merchant_id, created_at, id);
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    beneficiary_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    fee BIGINT NOT NULL,
    target_amount BIGINT NOT NULL,
    target_currency TEXT NOT NULL,
    fx TEXT,
    rail TEXT NOT NULL,
    purpose_code TEXT,
    reference TEXT,
    uetr TEXT NOT NULL UNIQUE,
    end_to_end_id TEXT NOT NULL UNIQUE,
    value_date TEXT NOT NULL,
    hold_id BIGINT,
    batch_id TEXT,
    failure_code TEXT,
    accepted_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payouts_by_merchant ON payouts (merchant_id, created_at, id);
CREATE INDEX payouts_to_batch ON payouts (status, batch_id, rail, target_currency, created_at);
CREATE INDEX payouts_by_batch ON payouts (batch_id, created_at, id);
CREATE TABLE payout_batches (
    id TEXT PRIMARY KEY,
    rail TEXT,
    currency TEXT,
    status TEXT NOT NULL,
    payout_count BIGINT NOT NULL,
    control_sum BIGINT NOT NULL,
    execution_date TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE bank_files (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    message_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
"#;

const BENEFICIARY_COLUMNS: &str =
    "id, merchant_id, name, country, currency, scheme, bank_account, address, created_at";

pub const INSERT_BENEFICIARY: &str = "INSERT INTO beneficiaries (id, merchant_id, name, country, currency, scheme, bank_account, address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub const UPSERT_PAYOUT: &str = "INSERT INTO payouts (id, merchant_id, beneficiary_id, status, amount, currency, fee, target_amount, target_currency, fx, rail, purpose_code, reference, uetr, end_to_end_id, value_date, hold_id, batch_id, failure_code, accepted_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) ON CONFLICT (id) DO UPDATE SET status = excluded.status, hold_id = excluded.hold_id, batch_id = excluded.batch_id, failure_code = excluded.failure_code, accepted_at = excluded.accepted_at, version = excluded.version, updated_at = excluded.updated_at";

pub const UPSERT_BATCH: &str = "INSERT INTO payout_batches (id, rail, currency, status, payout_count, control_sum, execution_date, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version";

pub const INSERT_BANK_FILE: &str = "INSERT INTO bank_files (id, kind, message_id, summary, created_at) VALUES ($1, $2, $3, $4, $5)";

pub const PAYOUT_VERSION: &str = "SELECT id, version FROM payouts WHERE id = $1";
pub const BATCH_VERSION: &str = "SELECT id, version FROM payout_batches WHERE id = $1";
pub const BANK_FILE_SEEN: &str = "SELECT id, CAST(0 AS BIGINT) FROM bank_files WHERE id = $1";

pub fn get_beneficiary() -> String {
    format!("SELECT {BENEFICIARY_COLUMNS} FROM beneficiaries WHERE id = $1")
}

pub fn list_beneficiaries_first() -> String {
    format!("SELECT {BENEFICIARY_COLUMNS} FROM beneficiaries WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
}

pub fn list_beneficiaries_after() -> String {
    "SELECT b.id, b.merchant_id, b.name, b.country, b.currency, b.scheme, b.bank_account, b.address, b.created_at FROM beneficiaries b, beneficiaries c WHERE c.id = $1 AND b.merchant_id = $2 AND (b.created_at < c.created_at OR (b.created_at = c.created_at AND b.id < c.id)) ORDER BY b.created_at DESC, b.id DESC LIMIT $3".to_string()
}

const PAYOUT_COLUMNS: &str = "p.id, p.merchant_id, p.beneficiary_id, p.status, p.amount, p.currency, p.fee, p.target_amount, p.target_currency, p.fx, p.rail, p.purpose_code, p.reference, p.uetr, p.end_to_end_id, p.value_date, p.hold_id, p.batch_id, p.failure_code, p.accepted_at, p.version, p.created_at, p.updated_at";

pub fn get_payout() -> String {
    format!("SELECT {PAYOUT_COLUMNS} FROM payouts p WHERE p.id = $1")
}

pub fn payout_by_end_to_end() -> String {
    format!("SELECT {PAYOUT_COLUMNS} FROM payouts p WHERE p.end_to_end_id = $1")
}

pub fn list_payouts_first() -> String {
    format!("SELECT {PAYOUT_COLUMNS} FROM payouts p WHERE p.merchant_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2")
}

pub fn list_payouts_after() -> String {
    format!("SELECT {PAYOUT_COLUMNS} FROM payouts p, payouts c WHERE c.id = $1 AND p.merchant_id = $2 AND (p.created_at < c.created_at OR (p.created_at = c.created_at AND p.id < c.id)) ORDER BY p.created_at DESC, p.id DESC LIMIT $3")
}

/// Pending payouts in no batch, oldest first, of a rail and currency
/// (`''` for any).
pub fn payouts_to_batch() -> String {
    format!("SELECT {PAYOUT_COLUMNS} FROM payouts p WHERE p.status = 'pending' AND p.batch_id IS NULL AND ($1 = '' OR p.rail = $1) AND ($2 = '' OR p.target_currency = $2) ORDER BY p.created_at, p.id LIMIT $3")
}

pub fn payouts_of_batch() -> String {
    format!(
        "SELECT {PAYOUT_COLUMNS} FROM payouts p WHERE p.batch_id = $1 ORDER BY p.created_at, p.id"
    )
}

/// A merchant's payouts from one balance since a time, not failed.
pub const PAYOUT_TOTAL_SINCE: &str = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payouts WHERE merchant_id = $1 AND currency = $2 AND created_at >= $3 AND status <> 'failed'";

pub const GET_BATCH: &str = "SELECT id, rail, currency, status, payout_count, control_sum, execution_date, version, created_at FROM payout_batches WHERE id = $1";

pub const GET_BANK_FILE: &str =
    "SELECT id, kind, message_id, summary, created_at FROM bank_files WHERE id = $1";
