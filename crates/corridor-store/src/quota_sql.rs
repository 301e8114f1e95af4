//! SQL of the annual quotas: a subject's totals per currency since a time,
//! over the durable payments and payouts; and the indexes that keep those
//! reads to one subject's rows, and monitoring's read of the recent
//! transactions at start to the recent rows (migration 140).

/// Indexes for the quota reads (migration 140).
pub const MIGRATION_140: &str = r#"
CREATE INDEX payments_by_card ON payments (card_fingerprint, created_at);
CREATE INDEX payouts_by_beneficiary ON payouts (beneficiary_id, created_at);
CREATE INDEX payments_by_time ON payments (created_at);
CREATE INDEX payouts_by_time ON payouts (created_at);
CREATE INDEX after_sales_by_time ON after_sales_objects (kind, created_at);
"#;

/// Payments that are not failed or canceled, per currency, of the card
/// `$1` since `$2`.
pub const CARD_PAYMENT_TOTALS: &str = "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM payments \
     WHERE card_fingerprint = $1 AND created_at >= $2 AND status NOT IN ('failed', 'canceled') \
     GROUP BY currency ORDER BY currency";
/// The same for the merchant `$1`.
pub const MERCHANT_PAYMENT_TOTALS: &str =
    "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM payments \
     WHERE merchant_id = $1 AND created_at >= $2 AND status NOT IN ('failed', 'canceled') \
     GROUP BY currency ORDER BY currency";
/// Payouts that are not failed or returned, per currency debited, to the
/// beneficiary `$1` since `$2`.
pub const BENEFICIARY_PAYOUT_TOTALS: &str =
    "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM payouts \
     WHERE beneficiary_id = $1 AND created_at >= $2 AND status NOT IN ('failed', 'returned') \
     GROUP BY currency ORDER BY currency";
/// The same for the merchant `$1`.
pub const MERCHANT_PAYOUT_TOTALS: &str =
    "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM payouts \
     WHERE merchant_id = $1 AND created_at >= $2 AND status NOT IN ('failed', 'returned') \
     GROUP BY currency ORDER BY currency";
