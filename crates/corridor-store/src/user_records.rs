//! Dashboard users and their sign-in sessions as stored.

use corridor_core::Timestamp;

/// A person who signs in to the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// `usr_...`.
    pub id: String,
    /// Lower-case email, unique.
    pub email: String,
    /// Argon2id hash in PHC string form (never the password).
    pub password_hash: String,
    /// The merchant whose team the user is in; `None` for the operator's staff.
    pub merchant_id: Option<String>,
    /// `admin`, `finance`, `support` or `viewer`.
    pub role: String,
    /// Failed sign-ins since the last success.
    pub failed_sign_ins: i64,
    /// Sign-in refused until then, after too many failures.
    pub locked_until: Option<Timestamp>,
    /// Creation time.
    pub created_at: Timestamp,
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session id the cookie carries.
    pub id_hash: String,
    /// The user.
    pub user_id: String,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// Sign-in time.
    pub created_at: Timestamp,
    /// The session is refused from then on.
    pub expires_at: Timestamp,
}

/// One change to users or sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserChange {
    /// A new user (left out when the email is taken).
    Insert(UserRecord),
    /// A user removed, with every session of theirs.
    Delete {
        /// `usr_...`.
        id: String,
    },
    /// The failure counter and lock after a sign-in (zero and none after a success).
    SignInFailures {
        /// `usr_...`.
        id: String,
        /// Failures since the last success.
        failed: i64,
        /// Locked until then.
        locked_until: Option<Timestamp>,
    },
    /// A new session; expired sessions are removed at the same time.
    OpenSession(SessionRecord),
    /// A session ended (sign-out).
    CloseSession {
        /// Hex SHA-256 of the session id.
        id_hash: String,
    },
}

/// Users and sessions written through the writer, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersWrite {
    /// The changes.
    pub changes: Vec<UserChange>,
}
