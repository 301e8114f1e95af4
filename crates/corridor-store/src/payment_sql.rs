//! SQL for payment reads, shared by both backends.

// `amount_refunded` is what the payment's refunds that did not fail add up
// to, read from the refunds themselves (the column is not maintained).
macro_rules! payment_columns {
    () => {
        "p.id, p.merchant_id, p.status, p.amount, p.currency, p.country, p.method_type, p.capture_method, \
         p.card_brand, p.card_last4, p.card_fingerprint, p.connector, p.connector_ref, p.amount_captured, \
         CAST(COALESCE((SELECT SUM(r.amount) FROM after_sales_objects r WHERE r.kind = 'refund' AND r.payment_id = p.id AND r.status <> 'failed'), 0) AS BIGINT), p.fee, p.next_action, p.decline_code, p.description, p.metadata, p.expires_at, \
         p.settle_at, p.settled, p.version, p.created_at, p.updated_at, p.customer_email"
    };
}

pub const GET_PAYMENT: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.id = $1"
);

pub const LIST_PAYMENTS_FIRST: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.merchant_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2"
);

pub const LIST_PAYMENTS_AFTER: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p, payments c WHERE c.id = $1 AND p.merchant_id = $2 \
     AND (p.created_at < c.created_at OR (p.created_at = c.created_at AND p.id < c.id)) \
     ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
);

pub const PAYMENT_BY_CONNECTOR_REF: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.connector = $1 AND p.connector_ref = $2"
);

pub const PAYMENTS_DUE_SETTLEMENT: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.settled = 0 AND p.settle_at <= $1 ORDER BY p.settle_at LIMIT $2"
);

pub const PAYMENTS_DUE_EXPIRY: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.status IN ('requires_action', 'processing', 'requires_capture') \
     AND p.expires_at <= $1 ORDER BY p.expires_at LIMIT $2"
);

/// Migration 120: when each attempt's answer was recorded (its latency).
pub const MIGRATION_120: &str = r#"
ALTER TABLE payment_attempts ADD COLUMN answered_at BIGINT;
"#;

/// Migration 121: the buyer's email a payment request named (for the
/// dashboard's filter).
pub const MIGRATION_121: &str = r#"
ALTER TABLE payments ADD COLUMN customer_email TEXT;
"#;

/// Migration 160: attempts by creation time, for the connector health
/// series over the last hours and days.
pub const MIGRATION_160: &str = r#"
CREATE INDEX payment_attempts_by_created ON payment_attempts (created_at, connector);
"#;

pub const PAYMENT_ATTEMPTS: &str =
    "SELECT payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at \
    FROM payment_attempts WHERE payment_id = $1 ORDER BY seq";

/// The attempts of several payments, as a PostgreSQL array parameter.
pub const ATTEMPTS_OF_PAYMENTS_POSTGRES: &str =
    "SELECT payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at \
    FROM payment_attempts WHERE payment_id = ANY($1) ORDER BY payment_id, seq";

/// The attempts of `n` payments on SQLite, one placeholder each.
pub fn attempts_of_payments_sqlite(n: usize) -> String {
    let placeholders: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    format!(
        "SELECT payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at \
        FROM payment_attempts WHERE payment_id IN ({}) ORDER BY payment_id, seq",
        placeholders.join(", ")
    )
}

/// Attempts whose outcome is not known yet (written before the provider was
/// called, or answered with a timeout), oldest first.
pub const OPEN_ATTEMPTS: &str =
    "SELECT payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at \
    FROM payment_attempts WHERE outcome IN ('started', 'unknown') ORDER BY created_at, payment_id, seq LIMIT $1";

/// Payments waiting on their provider's answer (processing with a charge reference).
pub const PAYMENTS_AWAITING_PROVIDER: &str = concat!(
    "SELECT ",
    payment_columns!(),
    " FROM payments p WHERE p.status = 'processing' AND p.connector_ref IS NOT NULL \
     AND p.updated_at <= $1 ORDER BY p.updated_at LIMIT $2"
);
