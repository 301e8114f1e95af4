//! SQL of the after-sales objects (both backends).

macro_rules! after_sales_columns {
    () => {
        "a.kind, a.id, a.merchant_id, a.payment_id, a.country, a.status, a.amount, a.currency, a.due_at, a.data, a.version, a.created_at, a.updated_at"
    };
}

pub(crate) const MIGRATION_50: &str = r#"
CREATE TABLE after_sales_objects (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    country TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    due_at BIGINT,
    data TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX after_sales_by_merchant ON after_sales_objects (kind, merchant_id, created_at, id);
CREATE INDEX after_sales_by_payment ON after_sales_objects (payment_id, kind);
CREATE INDEX after_sales_due ON after_sales_objects (kind, due_at);
"#;

pub(crate) const UPSERT: &str = "INSERT INTO after_sales_objects (kind, id, merchant_id, payment_id, country, status, amount, currency, due_at, data, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO UPDATE SET status = excluded.status, amount = excluded.amount, due_at = excluded.due_at, data = excluded.data, version = excluded.version, updated_at = excluded.updated_at";

pub(crate) const VERSION: &str = "SELECT id, version FROM after_sales_objects WHERE id = $1";

/// A payment's captured amount and what its refunds that did not fail take.
pub(crate) const REFUND_BASIS: &str = "SELECT p.id, p.amount_captured, CAST(COALESCE((SELECT SUM(a.amount) FROM after_sales_objects a WHERE a.kind = 'refund' AND a.payment_id = p.id AND a.status <> 'failed'), 0) AS BIGINT) FROM payments p WHERE p.id = $1";

pub(crate) const GET: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a WHERE a.id = $1 AND a.kind = $2"
);

/// `$2` empty lists every merchant's.
pub(crate) const LIST_FIRST: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a WHERE a.kind = $1 AND ($2 = '' OR a.merchant_id = $2) \
     ORDER BY a.created_at DESC, a.id DESC LIMIT $3"
);

pub(crate) const LIST_AFTER: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a, after_sales_objects c WHERE c.id = $1 AND a.kind = $2 \
     AND ($3 = '' OR a.merchant_id = $3) \
     AND (a.created_at < c.created_at OR (a.created_at = c.created_at AND a.id < c.id)) \
     ORDER BY a.created_at DESC, a.id DESC LIMIT $4"
);

pub(crate) const BY_PAYMENT: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a WHERE a.payment_id = $1 AND a.kind = $2 ORDER BY a.created_at, a.id"
);

pub(crate) const DUE: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a WHERE a.kind = $1 AND a.due_at <= $2 ORDER BY a.due_at, a.id LIMIT $3"
);

/// A merchant's objects of one kind created in `[$3, $4)`.
pub(crate) const CREATED_BETWEEN: &str = concat!(
    "SELECT ",
    after_sales_columns!(),
    " FROM after_sales_objects a WHERE a.kind = $1 AND a.merchant_id = $2 AND a.created_at >= $3 AND a.created_at < $4 ORDER BY a.created_at, a.id"
);

/// The hold a successful ledger transaction with this client reference made.
pub(crate) const HOLD_OF_CLIENT_REF: &str =
    "SELECT hold_id FROM ledger_txns WHERE client_ref = $1 AND failure_code IS NULL AND hold_id IS NOT NULL";

/// A merchant's captured card payments of one brand created in `[$3, $4)`.
pub(crate) const CARD_PAYMENTS_BETWEEN: &str = "SELECT COUNT(*) FROM payments WHERE merchant_id = $1 AND method_type = 'card' AND card_brand = $2 AND amount_captured > 0 AND created_at >= $3 AND created_at < $4";
