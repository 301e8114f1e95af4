//! SQL of a merchant's KYB information (migration 130): registration
//! number, beneficial owners, the ownership declaration and the fields the
//! operator asked for, versioned; and the object a screening was run for,
//! so a beneficiary's last screening (and its lists version) can be found.

/// Migration 130.
pub const MIGRATION_130: &str = r#"
CREATE TABLE merchant_kyb (
    merchant_id TEXT PRIMARY KEY,
    registration_number TEXT,
    beneficial_owners TEXT NOT NULL,
    ownership_declaration TEXT,
    requested TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
ALTER TABLE screenings ADD COLUMN object_id TEXT;
CREATE INDEX screenings_by_object ON screenings (object_id, created_at);
"#;

const COLUMNS: &str =
    "merchant_id, registration_number, beneficial_owners, ownership_declaration, requested, version, updated_at";

/// A merchant's KYB information.
pub fn get() -> String {
    format!("SELECT {COLUMNS} FROM merchant_kyb WHERE merchant_id = $1")
}

/// The KYB information of several merchants (`n` placeholders).
pub fn get_many(n: usize) -> String {
    let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "SELECT {COLUMNS} FROM merchant_kyb WHERE merchant_id IN ({})",
        marks.join(", ")
    )
}

/// The version of a merchant's KYB information (for the writer's check;
/// written `WHERE id = $1`, which the PostgreSQL writer turns into a lookup
/// of the whole batch's ids).
pub const VERSION: &str =
    "SELECT id, version FROM (SELECT merchant_id AS id, version FROM merchant_kyb) k WHERE id = $1";

/// Inserts or replaces a merchant's KYB information.
pub const UPSERT: &str = "INSERT INTO merchant_kyb (merchant_id, registration_number, beneficial_owners, ownership_declaration, requested, version, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (merchant_id) DO UPDATE SET registration_number = excluded.registration_number, \
     beneficial_owners = excluded.beneficial_owners, ownership_declaration = excluded.ownership_declaration, \
     requested = excluded.requested, version = excluded.version, updated_at = excluded.updated_at";

/// Changes a merchant's contact details (`$1` email, `$2` website, `$3`
/// store ids joined by newlines, `$4` the merchant).
pub const SET_CONTACT: &str =
    "UPDATE merchants SET email = $1, website = $2, marketplace_store_ids = $3 WHERE id = $4";

/// The newest screening of an object (`$1` subject kind, `$2` object id;
/// SQLite numbers parameters in the order they appear).
pub const LAST_SCREENING: &str = "SELECT id, merchant_id, subject, name, decision, lists_version, body, created_at, object_id \
     FROM screenings WHERE subject = $1 AND object_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1";
