//! SQL shared by both backends. Placeholders are `$1, $2, ...` in order of
//! first appearance, which PostgreSQL reads natively and SQLite binds by
//! position (a `$NAME` parameter takes the next free index).

/// Schema migrations, in order. `BIGINT PRIMARY KEY` becomes SQLite's rowid
/// alias `INTEGER PRIMARY KEY` there; everything else is common SQL.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    legal_name TEXT NOT NULL,
    country TEXT NOT NULL,
    home_currency TEXT NOT NULL,
    email TEXT,
    website TEXT,
    marketplace_store_ids TEXT NOT NULL,
    kyb_status TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX merchants_by_created ON merchants (created_at, id);
CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    merchant_id TEXT
);
CREATE TABLE accounts (
    id BIGINT PRIMARY KEY,
    owner TEXT NOT NULL,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL,
    forbids_negative BIGINT NOT NULL,
    posted BIGINT NOT NULL,
    held_out BIGINT NOT NULL,
    held_in BIGINT NOT NULL,
    UNIQUE (owner, currency, kind)
);
CREATE TABLE ledger_txns (
    id BIGINT PRIMARY KEY,
    client_ref TEXT UNIQUE,
    content_hash BYTEA,
    failure_code TEXT,
    kind TEXT NOT NULL,
    source_id TEXT,
    description TEXT,
    hold_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE postings (
    txn_id BIGINT NOT NULL,
    leg BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    PRIMARY KEY (txn_id, leg)
);
CREATE INDEX postings_by_account ON postings (account_id, txn_id);
CREATE TABLE holds (
    id BIGINT PRIMARY KEY,
    debit_account BIGINT NOT NULL,
    credit_account BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    posted_amount BIGINT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX holds_pending_by_expiry ON holds (status, expires_at);
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
"#,
    ),
    (
        2,
        r#"
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    country TEXT NOT NULL,
    method_type TEXT NOT NULL,
    capture_method TEXT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    card_fingerprint TEXT,
    connector TEXT,
    connector_ref TEXT,
    amount_captured BIGINT NOT NULL,
    amount_refunded BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    next_action TEXT,
    decline_code TEXT,
    description TEXT,
    metadata TEXT,
    expires_at BIGINT,
    settle_at BIGINT,
    settled BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_by_merchant ON payments (merchant_id, created_at, id);
CREATE INDEX payments_by_connector_ref ON payments (connector, connector_ref);
CREATE INDEX payments_due_settlement ON payments (settled, settle_at);
CREATE INDEX payments_due_expiry ON payments (status, expires_at);
CREATE TABLE payment_attempts (
    payment_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    connector TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    outcome TEXT NOT NULL,
    code TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (payment_id, seq)
);
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    type TEXT NOT NULL,
    object TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_status_code BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    UNIQUE (endpoint_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE TABLE outbox_cursors (
    name TEXT PRIMARY KEY,
    event_seq BIGINT NOT NULL
);
"#,
    ),
    (
        10,
        r#"
CREATE TABLE idempotency_started (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX payment_attempts_by_outcome ON payment_attempts (outcome, created_at);
CREATE TABLE provider_orphans (
    connector TEXT NOT NULL,
    reference TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    resolution TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (connector, reference)
);
"#,
    ),
    (40, crate::payout_sql::MIGRATION_40),
    (70, crate::settings_sql::MIGRATION_70),
    (50, crate::after_sales_sql::MIGRATION_50),
    (60, crate::compliance_sql::MIGRATION_60),
    (30, crate::fx_sql::MIGRATION_30),
    (80, crate::user_sql::MIGRATION_80),
    (90, crate::log_sql::MIGRATION_90),
    (120, crate::payment_sql::MIGRATION_120),
    (121, crate::payment_sql::MIGRATION_121),
    (130, crate::merchant_kyb_sql::MIGRATION_130),
    (140, crate::quota_sql::MIGRATION_140),
    (150, crate::replay_sql::MIGRATION_150),
    (160, crate::payment_sql::MIGRATION_160),
];

pub const GET_MERCHANT: &str = "SELECT id, legal_name, country, home_currency, email, website, marketplace_store_ids, kyb_status, created_at FROM merchants WHERE id = $1";

pub const LIST_MERCHANTS_FIRST: &str = "SELECT id, legal_name, country, home_currency, email, website, marketplace_store_ids, kyb_status, created_at FROM merchants ORDER BY created_at DESC, id DESC LIMIT $1";

pub const LIST_MERCHANTS_AFTER: &str = "SELECT m.id, m.legal_name, m.country, m.home_currency, m.email, m.website, m.marketplace_store_ids, m.kyb_status, m.created_at FROM merchants m, merchants c WHERE c.id = $1 AND (m.created_at < c.created_at OR (m.created_at = c.created_at AND m.id < c.id)) ORDER BY m.created_at DESC, m.id DESC LIMIT $2";

pub const PRINCIPAL_FOR_KEY: &str = "SELECT kind, merchant_id FROM api_keys WHERE key_hash = $1";

pub const COUNT_OPERATOR_KEYS: &str = "SELECT COUNT(*) FROM api_keys WHERE kind = 'operator'";

pub const GET_IDEMPOTENCY: &str =
    "SELECT scope, key, request_hash, status_code, body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2";

pub const BALANCES_OF_OWNER: &str =
    "SELECT id, currency, kind, posted, held_out, held_in FROM accounts WHERE owner = $1 ORDER BY currency, kind";

pub const HISTORY_FIRST: &str = "SELECT p.txn_id, p.leg, p.account_id, a.kind, t.kind, p.amount, a.currency, p.balance_after, t.source_id, t.created_at FROM postings p JOIN accounts a ON a.id = p.account_id JOIN ledger_txns t ON t.id = p.txn_id WHERE a.owner = $1 ORDER BY p.txn_id DESC, p.leg DESC LIMIT $2";

pub const HISTORY_BEFORE: &str = "SELECT p.txn_id, p.leg, p.account_id, a.kind, t.kind, p.amount, a.currency, p.balance_after, t.source_id, t.created_at FROM postings p JOIN accounts a ON a.id = p.account_id JOIN ledger_txns t ON t.id = p.txn_id WHERE a.owner = $1 AND p.txn_id < $2 ORDER BY p.txn_id DESC, p.leg DESC LIMIT $3";

pub const GET_TXN: &str =
    "SELECT id, kind, source_id, description, hold_id, created_at FROM ledger_txns WHERE id = $1 AND failure_code IS NULL";

pub const TXN_POSTINGS: &str = "SELECT p.account_id, a.owner, a.kind, a.currency, p.amount, p.balance_after FROM postings p JOIN accounts a ON a.id = p.account_id WHERE p.txn_id = $1 ORDER BY p.leg";

pub const VERIFY_ACCOUNTS: &str = "SELECT a.id, a.currency, a.forbids_negative, a.posted, a.held_out, a.held_in, \
    (SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM postings p WHERE p.account_id = a.id), \
    (SELECT CAST(COALESCE(SUM(h.amount), 0) AS BIGINT) FROM holds h WHERE h.debit_account = a.id AND h.status = 'pending'), \
    (SELECT CAST(COALESCE(SUM(h.amount), 0) AS BIGINT) FROM holds h WHERE h.credit_account = a.id AND h.status = 'pending') \
    FROM accounts a ORDER BY a.id";

/// Debits and credits per currency, as decimal text: PostgreSQL sums
/// BIGINTs into NUMERIC, so the totals, which grow without bound with the
/// platform's volume, never overflow; the reader parses them into i128.
pub const VERIFY_CURRENCIES_PG: &str = "SELECT a.currency, \
    CAST(COALESCE(SUM(CASE WHEN p.amount < 0 THEN -p.amount ELSE 0 END), 0) AS TEXT), \
    CAST(COALESCE(SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END), 0) AS TEXT) \
    FROM postings p JOIN accounts a ON a.id = p.account_id GROUP BY a.currency ORDER BY a.currency";

pub const VERIFY_TXNS: &str = "SELECT p.txn_id, a.currency, CAST(SUM(p.amount) AS BIGINT) FROM postings p JOIN accounts a ON a.id = p.account_id \
    GROUP BY p.txn_id, a.currency HAVING SUM(p.amount) <> 0";

pub const EXPIRED_HOLDS: &str =
    "SELECT id FROM holds WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2";

pub const NEXT_IDS: &str = "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM accounts), (SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_txns), (SELECT COALESCE(MAX(id), 0) + 1 FROM holds), (SELECT COALESCE(MAX(seq), 0) + 1 FROM events), (SELECT COALESCE(MAX(posted), 0) FROM accounts), (SELECT COALESCE(MIN(posted), 0) FROM accounts)";

pub const PAYMENT_VERSION: &str = "SELECT id, version FROM payments WHERE id = $1";

pub const UPSERT_PAYMENT: &str = "INSERT INTO payments (id, merchant_id, status, amount, currency, country, method_type, capture_method, card_brand, card_last4, card_fingerprint, connector, connector_ref, amount_captured, amount_refunded, fee, next_action, decline_code, description, metadata, expires_at, settle_at, settled, version, created_at, updated_at, customer_email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27) ON CONFLICT (id) DO UPDATE SET status = excluded.status, connector = excluded.connector, connector_ref = excluded.connector_ref, amount_captured = excluded.amount_captured, amount_refunded = excluded.amount_refunded, fee = excluded.fee, next_action = excluded.next_action, decline_code = excluded.decline_code, expires_at = excluded.expires_at, settle_at = excluded.settle_at, settled = excluded.settled, version = excluded.version, updated_at = excluded.updated_at";

/// Attempts are written when started and again when their outcome is known
/// (`created_at` is when the attempt was last sent to its provider).
pub const UPSERT_ATTEMPT: &str = "INSERT INTO payment_attempts (payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (payment_id, seq) DO UPDATE SET outcome = excluded.outcome, code = excluded.code, created_at = excluded.created_at, answered_at = excluded.answered_at";

pub const INSERT_STARTED_KEY: &str = "INSERT INTO idempotency_started (scope, key, request_hash, resource_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO NOTHING";

/// How many idempotency keys (completed or started; a key of a completed
/// payment counts twice) and ledger client references are stored: what the
/// writer sizes its filter for.
pub const COUNT_KNOWN_KEYS: &str = "SELECT (SELECT COUNT(*) FROM idempotency_keys) + (SELECT COUNT(*) FROM idempotency_started) + (SELECT COUNT(client_ref) FROM ledger_txns)";

/// Every stored idempotency key, completed or started, as (scope, key), and
/// every ledger client reference, in the scope `$1` (`KnownKeys::CLIENT_REFS`).
pub const KNOWN_KEYS: &str = "SELECT scope, key FROM idempotency_keys UNION ALL SELECT scope, key FROM idempotency_started UNION ALL SELECT CAST($1 AS TEXT), client_ref FROM ledger_txns WHERE client_ref IS NOT NULL";

pub const GET_STARTED_KEY: &str =
    "SELECT request_hash, resource_id FROM idempotency_started WHERE scope = $1 AND key = $2";

pub const INSERT_ORPHAN: &str = "INSERT INTO provider_orphans (connector, reference, payment_id, status, amount, currency, resolution, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (connector, reference) DO UPDATE SET status = excluded.status, resolution = excluded.resolution";

pub const LIST_ORPHANS: &str = "SELECT connector, reference, payment_id, status, amount, currency, resolution, created_at FROM provider_orphans ORDER BY created_at DESC, connector, reference LIMIT $1";

pub const INSERT_EVENT: &str = "INSERT INTO events (seq, id, merchant_id, type, object, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const INSERT_ENDPOINT: &str = "INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries (id, endpoint_id, event_seq, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (endpoint_id, event_seq) DO NOTHING";

pub const UPDATE_DELIVERY: &str = "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5, delivered_at = $6 WHERE id = $7";

pub const UPSERT_CURSOR: &str = "INSERT INTO outbox_cursors (name, event_seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET event_seq = excluded.event_seq";

pub const LOAD_ACCOUNT: &str =
    "SELECT id, forbids_negative, posted, held_out, held_in FROM accounts WHERE owner = $1 AND currency = $2 AND kind = $3";

pub const LOAD_HOLD: &str =
    "SELECT id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount FROM holds WHERE id = $1";

/// Client references of a batch, as an SQLite `rarray` parameter.
pub const LOAD_CLIENT_REFS_SQLITE: &str =
    "SELECT id, content_hash, failure_code, hold_id, client_ref FROM ledger_txns WHERE client_ref IN rarray($1)";

pub const LOAD_ACCOUNT_BY_ID: &str =
    "SELECT id, forbids_negative, posted, held_out, held_in, owner, currency, kind FROM accounts WHERE id = $1";

// Webhooks: endpoints, the outbox cursor, fan-out and delivery reads.

pub const GET_WEBHOOK_ENDPOINT: &str =
    "SELECT id, merchant_id, url, events, secret, created_at FROM webhook_endpoints WHERE id = $1";

pub const LIST_WEBHOOK_ENDPOINTS_FIRST: &str = "SELECT id, merchant_id, url, events, secret, created_at FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";

pub const LIST_WEBHOOK_ENDPOINTS_AFTER: &str = "SELECT e.id, e.merchant_id, e.url, e.events, e.secret, e.created_at FROM webhook_endpoints e, webhook_endpoints c WHERE c.id = $1 AND e.merchant_id = $2 AND (e.created_at < c.created_at OR (e.created_at = c.created_at AND e.id < c.id)) ORDER BY e.created_at DESC, e.id DESC LIMIT $3";

/// Endpoints of every merchant with an event in `($1, $2]`.
pub const WEBHOOK_ENDPOINTS_FOR_EVENTS: &str = "SELECT id, merchant_id, url, events, secret, created_at FROM webhook_endpoints WHERE merchant_id IN (SELECT DISTINCT merchant_id FROM events WHERE seq > $1 AND seq <= $2) ORDER BY created_at, id";

pub const EVENTS_AFTER: &str =
    "SELECT seq, id, merchant_id, type, object, created_at FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";

pub const GET_OUTBOX_CURSOR: &str = "SELECT event_seq FROM outbox_cursors WHERE name = $1";

/// Due deliveries with what sending needs: delivery (0-9), endpoint url and
/// secret (10-11), event (12-17).
pub const DUE_WEBHOOK_DELIVERIES: &str = "SELECT d.id, d.endpoint_id, d.event_seq, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at, \
    e.url, e.secret, v.seq, v.id, v.merchant_id, v.type, v.object, v.created_at \
    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN events v ON v.seq = d.event_seq \
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2";

pub const GET_WEBHOOK_DELIVERY: &str = "SELECT id, endpoint_id, event_seq, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at FROM webhook_deliveries WHERE id = $1";

/// A delivery log page: delivery (0-9), event id and type (10-11).
pub const LIST_WEBHOOK_DELIVERIES_FIRST: &str = "SELECT d.id, d.endpoint_id, d.event_seq, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at, v.id, v.type \
    FROM webhook_deliveries d JOIN events v ON v.seq = d.event_seq WHERE d.endpoint_id = $1 ORDER BY d.event_seq DESC LIMIT $2";

pub const LIST_WEBHOOK_DELIVERIES_AFTER: &str = "SELECT d.id, d.endpoint_id, d.event_seq, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at, v.id, v.type \
    FROM webhook_deliveries d JOIN events v ON v.seq = d.event_seq, webhook_deliveries c \
    WHERE c.id = $1 AND d.endpoint_id = $2 AND d.event_seq < c.event_seq ORDER BY d.event_seq DESC LIMIT $3";
