//! SQL shared by both backends. Placeholders are `$1, $2, ...` in order of
//! first appearance, which PostgreSQL reads natively and SQLite binds by
//! position (a `$NAME` parameter takes the next free index).

/// Schema migrations, in order. `BIGINT PRIMARY KEY` becomes SQLite's rowid
/// alias `INTEGER PRIMARY KEY` there; everything else is common SQL.
pub const MIGRATIONS: &[(i64, &str)] = &[(
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
)];

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

pub const VERIFY_CURRENCIES: &str = "SELECT a.currency, \
    CAST(COALESCE(SUM(CASE WHEN p.amount < 0 THEN -p.amount ELSE 0 END), 0) AS BIGINT), \
    CAST(COALESCE(SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END), 0) AS BIGINT) \
    FROM postings p JOIN accounts a ON a.id = p.account_id GROUP BY a.currency ORDER BY a.currency";

pub const VERIFY_TXNS: &str = "SELECT p.txn_id, a.currency, CAST(SUM(p.amount) AS BIGINT) FROM postings p JOIN accounts a ON a.id = p.account_id \
    GROUP BY p.txn_id, a.currency HAVING SUM(p.amount) <> 0";

pub const EXPIRED_HOLDS: &str =
    "SELECT id FROM holds WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2";

pub const NEXT_IDS: &str = "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM accounts), (SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_txns), (SELECT COALESCE(MAX(id), 0) + 1 FROM holds)";

pub const LOAD_ACCOUNT: &str =
    "SELECT id, forbids_negative, posted, held_out, held_in FROM accounts WHERE owner = $1 AND currency = $2 AND kind = $3";

pub const LOAD_HOLD: &str =
    "SELECT id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount FROM holds WHERE id = $1";

/// Client references of a batch, as an SQLite `rarray` parameter.
pub const LOAD_CLIENT_REFS_SQLITE: &str =
    "SELECT id, content_hash, failure_code, hold_id, client_ref FROM ledger_txns WHERE client_ref IN rarray($1)";

/// Client references of a batch, as a PostgreSQL array parameter.
pub const LOAD_CLIENT_REFS_POSTGRES: &str =
    "SELECT id, content_hash, failure_code, hold_id, client_ref FROM ledger_txns WHERE client_ref = ANY($1)";

pub const LOAD_ACCOUNT_BY_ID: &str =
    "SELECT id, forbids_negative, posted, held_out, held_in, owner, currency, kind FROM accounts WHERE id = $1";
