//! SQL of dashboard users and their sign-in sessions, shared by both backends.

/// Migration 80: users (argon2 password hashes, role, lock-out counters) and
/// sessions (only the SHA-256 of the session id is stored).
pub const MIGRATION_80: &str = r#"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    merchant_id TEXT,
    role TEXT NOT NULL,
    failed_sign_ins BIGINT NOT NULL,
    locked_until BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_by_merchant ON users (merchant_id, created_at, id);
CREATE TABLE dashboard_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_by_user ON dashboard_sessions (user_id);
"#;

const USER_COLUMNS: &str =
    "id, email, password_hash, merchant_id, role, failed_sign_ins, locked_until, created_at";

/// A new user; an email already taken leaves the row out (the caller reads
/// back to tell).
pub const INSERT_USER: &str = "INSERT INTO users (id, email, password_hash, merchant_id, role, failed_sign_ins, locked_until, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";

pub const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";

pub const DELETE_USER_SESSIONS: &str = "DELETE FROM dashboard_sessions WHERE user_id = $1";

pub const SET_SIGN_IN_FAILURES: &str =
    "UPDATE users SET failed_sign_ins = $1, locked_until = $2 WHERE id = $3";

pub const INSERT_SESSION: &str =
    "INSERT INTO dashboard_sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
    VALUES ($1, $2, $3, $4, $5)";

pub const DELETE_SESSION: &str = "DELETE FROM dashboard_sessions WHERE id_hash = $1";

pub const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM dashboard_sessions WHERE expires_at <= $1";

pub fn get_user() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")
}

pub fn user_by_email() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")
}

pub fn list_users_first() -> String {
    format!("SELECT {USER_COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT $1")
}

pub fn list_users_after() -> String {
    "SELECT u.id, u.email, u.password_hash, u.merchant_id, u.role, u.failed_sign_ins, u.locked_until, u.created_at \
         FROM users u, users c WHERE c.id = $1 AND (u.created_at < c.created_at OR (u.created_at = c.created_at AND u.id < c.id)) \
         ORDER BY u.created_at DESC, u.id DESC LIMIT $2"
        .to_string()
}

pub fn list_merchant_users_first() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
}

pub fn list_merchant_users_after() -> String {
    "SELECT u.id, u.email, u.password_hash, u.merchant_id, u.role, u.failed_sign_ins, u.locked_until, u.created_at \
         FROM users u, users c WHERE c.id = $1 AND u.merchant_id = $2 AND (u.created_at < c.created_at OR (u.created_at = c.created_at AND u.id < c.id)) \
         ORDER BY u.created_at DESC, u.id DESC LIMIT $3"
        .to_string()
}

pub const GET_SESSION: &str = "SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM dashboard_sessions WHERE id_hash = $1";
