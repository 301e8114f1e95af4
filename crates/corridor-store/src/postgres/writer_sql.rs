//! The PostgreSQL writer's own SQL, in one place: every lookup takes the
//! whole batch's keys as arrays, every table is written with one statement
//! per batch (`COPY ... (FORMAT binary)` for the append-only ledger tables,
//! `UNNEST` of arrays for the rest). Each is prepared once per connection.

/// Accounts by natural key: `(owner, currency, kind)` arrays.
pub(super) const LOAD_ACCOUNTS: &str = "SELECT a.id, a.forbids_negative, a.posted, a.held_out, a.held_in, a.owner, a.currency, a.kind \
     FROM accounts a JOIN UNNEST($1::text[], $2::text[], $3::text[]) AS k(owner, currency, kind) \
     ON a.owner = k.owner AND a.currency = k.currency AND a.kind = k.kind";

pub(super) const LOAD_ACCOUNTS_BY_ID: &str = "SELECT id, forbids_negative, posted, held_out, held_in, owner, currency, kind FROM accounts WHERE id = ANY($1::bigint[])";

pub(super) const LOAD_HOLDS: &str = "SELECT id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount FROM holds WHERE id = ANY($1::bigint[])";

pub(super) const LOAD_CLIENT_REFS: &str = "SELECT id, content_hash, failure_code, hold_id, client_ref FROM ledger_txns WHERE client_ref = ANY($1::text[])";

pub(super) const LOAD_IDEMPOTENCY: &str = "SELECT i.scope, i.key, i.request_hash, i.status_code, i.body, i.created_at FROM idempotency_keys i \
     JOIN UNNEST($1::text[], $2::text[]) AS k(scope, key) ON i.scope = k.scope AND i.key = k.key";

pub(super) const LOAD_PAYMENT_VERSIONS: &str =
    "SELECT id, version FROM payments WHERE id = ANY($1::text[])";

pub(super) const INSERT_ACCOUNTS: &str = "INSERT INTO accounts (id, owner, currency, kind, forbids_negative, posted, held_out, held_in) \
     SELECT id, owner, currency, kind, forbids, 0, 0, 0 FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[]) \
     AS u(id, owner, currency, kind, forbids)";

/// Ledger transaction headers, by binary `COPY`.
pub(super) const COPY_TXNS: &str = "COPY ledger_txns (id, client_ref, content_hash, failure_code, kind, source_id, description, hold_id, created_at) FROM STDIN (FORMAT binary)";

/// Postings, by binary `COPY`.
pub(super) const COPY_POSTINGS: &str =
    "COPY postings (txn_id, leg, account_id, amount, balance_after) FROM STDIN (FORMAT binary)";

pub(super) const INSERT_HOLDS: &str = "INSERT INTO holds (id, debit_account, credit_account, amount, currency, expires_at, status, posted_amount, created_at, resolved_at) \
     SELECT id, debit, credit, amount, currency, expires_at, 'pending', NULL, created_at, NULL \
     FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[]) \
     AS u(id, debit, credit, amount, currency, expires_at, created_at)";

/// Resolves pending holds; the writer checks every one of them changed.
pub(super) const RESOLVE_HOLDS: &str = "UPDATE holds h SET status = u.status, posted_amount = u.posted_amount, resolved_at = u.resolved_at \
     FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS u(id, status, posted_amount, resolved_at) \
     WHERE h.id = u.id AND h.status = 'pending'";

pub(super) const UPDATE_BALANCES: &str = "UPDATE accounts a SET posted = u.posted, held_out = u.held_out, held_in = u.held_in \
     FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, posted, held_out, held_in) WHERE a.id = u.id";

pub(super) const INSERT_MERCHANTS: &str = "INSERT INTO merchants (id, legal_name, country, home_currency, email, website, marketplace_store_ids, kyb_status, created_at) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])";

pub(super) const INSERT_API_KEYS: &str = "INSERT INTO api_keys (key_hash, kind, merchant_id) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[]) ON CONFLICT (key_hash) DO NOTHING";

pub(super) const INSERT_IDEMPOTENCY: &str = "INSERT INTO idempotency_keys (scope, key, request_hash, status_code, body, created_at) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])";

/// Payments, inserted or updated (one row per payment: the batch keeps the last).
pub(super) const UPSERT_PAYMENTS: &str = "INSERT INTO payments (id, merchant_id, status, amount, currency, country, method_type, capture_method, card_brand, card_last4, card_fingerprint, connector, connector_ref, amount_captured, amount_refunded, fee, next_action, decline_code, description, metadata, expires_at, settle_at, settled, version, created_at, updated_at, customer_email) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::bigint[], $16::bigint[], $17::text[], $18::text[], $19::text[], $20::text[], $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[], $25::bigint[], $26::bigint[], $27::text[]) \
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, connector = excluded.connector, connector_ref = excluded.connector_ref, amount_captured = excluded.amount_captured, amount_refunded = excluded.amount_refunded, fee = excluded.fee, next_action = excluded.next_action, decline_code = excluded.decline_code, expires_at = excluded.expires_at, settle_at = excluded.settle_at, settled = excluded.settled, version = excluded.version, updated_at = excluded.updated_at";

/// Attempts, inserted or updated (one row per attempt: the batch keeps the last).
pub(super) const UPSERT_ATTEMPTS: &str = "INSERT INTO payment_attempts (payment_id, seq, connector, idempotency_key, outcome, code, created_at, answered_at) \
     SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[]) \
     ON CONFLICT (payment_id, seq) DO UPDATE SET outcome = excluded.outcome, code = excluded.code, created_at = excluded.created_at, answered_at = excluded.answered_at";

pub(super) const INSERT_STARTED_KEYS: &str = "INSERT INTO idempotency_started (scope, key, request_hash, resource_id, created_at) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) ON CONFLICT (scope, key) DO NOTHING";

pub(super) const INSERT_EVENTS: &str = "INSERT INTO events (seq, id, merchant_id, type, object, created_at) \
     SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])";
