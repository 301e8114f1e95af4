//! Dashboard sessions: the cookie, the signed-in user behind it, and the
//! per-session token every form carries (CSRF).

use std::collections::HashMap;

use axum::http::header::{COOKIE, HOST, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use corridor_core::Timestamp;
use corridor_store::{UserRecord, WriteOp, WriteRequest};
use rand::distr::{Alphanumeric, SampleString};

use super::page::DashError;
use crate::auth::hash_key;
use crate::state::AppState;
use crate::users::{Action, Role};

/// The session cookie: a random id; the database keeps only its SHA-256.
pub const SESSION_COOKIE: &str = "corridor_session";
/// Before sign-in: a random token the sign-in form must repeat (double
/// submit), so another site cannot sign a browser in to its own account.
pub const SIGN_IN_COOKIE: &str = "corridor_sign_in";
/// How long a session lasts after sign-in.
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// Failed sign-ins in a row that lock a user out.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a lock-out lasts.
pub const LOCK_OUT_SECONDS: i64 = 15 * 60;
/// Random characters in a session id or a form token.
const TOKEN_CHARS: usize = 43;

/// A new random token (session id, CSRF token).
pub fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), TOKEN_CHARS)
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub user: UserRecord,
    /// Their role.
    pub role: Role,
    /// The token this session's forms carry.
    pub csrf: String,
    /// Hash of the session id (to end it).
    pub session_hash: String,
}

impl SignedIn {
    /// The merchant whose data this user sees; `None` for the operator's staff.
    pub fn merchant(&self) -> Option<&str> {
        self.user.merchant_id.as_deref()
    }

    /// The merchant, or a 404 page for the operator's staff on merchant pages.
    pub fn merchant_or_404(&self) -> Result<&str, DashError> {
        self.merchant().ok_or(DashError::NotFound)
    }

    /// Refuses a form whose token is missing or not this session's.
    pub fn check_csrf(&self, token: Option<&String>) -> Result<(), DashError> {
        match token {
            Some(t) if constant_time_eq(t.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(DashError::Csrf),
        }
    }

    /// A merchant's form that `action` needs: the token checked, the role
    /// allowed, the merchant, and the fields as typed (without the token).
    pub fn merchant_form(
        &self,
        form: HashMap<String, String>,
        action: Action,
    ) -> Result<(String, HashMap<String, String>), DashError> {
        self.check_csrf(form.get("csrf"))?;
        let merchant = self.merchant_or_404()?.to_string();
        self.require(action)?;
        let typed = form.into_iter().filter(|(k, _)| k != "csrf").collect();
        Ok((merchant, typed))
    }

    /// Refuses what this user's role may not do.
    pub fn require(&self, action: Action) -> Result<(), DashError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(DashError::Forbidden(format!(
                "Your role ({}) does not allow this.",
                self.role.code()
            )))
        }
    }
}

/// Equality that takes as long wherever the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a request has no signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// No session cookie at all.
    Absent,
    /// A cookie whose session ended (expired, signed out, user removed).
    Expired,
}

/// The value of a cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The signed-in user of a request, or why there is none.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, SessionError> {
    let id = cookie(headers, SESSION_COOKIE).ok_or(SessionError::No(NoSession::Absent))?;
    let hash = hash_key(&id);
    let expired = || SessionError::No(NoSession::Expired);
    let session = state
        .store()
        .dashboard_session(&hash)
        .await?
        .ok_or_else(expired)?;
    if session.expires_at <= state.store().clock().now() {
        return Err(expired());
    }
    let user = state
        .store()
        .user(&session.user_id)
        .await?
        .ok_or_else(expired)?;
    let role = Role::parse(&user.role).ok_or_else(expired)?;
    Ok(SignedIn {
        user,
        role,
        csrf: session.csrf_token,
        session_hash: hash,
    })
}

/// No session, or the store failed.
#[derive(Debug)]
pub enum SessionError {
    /// No signed-in user.
    No(NoSession),
    /// Reading the session failed.
    Store(corridor_store::StoreError),
}

impl From<corridor_store::StoreError> for SessionError {
    fn from(e: corridor_store::StoreError) -> Self {
        SessionError::Store(e)
    }
}

/// Submits a users-and-sessions write.
pub async fn write(
    state: &AppState,
    changes: Vec<corridor_store::UserChange>,
) -> Result<(), DashError> {
    state
        .store()
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Users(corridor_store::UsersWrite { changes }),
            idempotency: None,
        })
        .await?;
    Ok(())
}

/// Whether cookies must be `Secure`. They always are, except on a sandbox
/// server reached over plain http on loopback (a developer's machine or a
/// test browser), where a `Secure` cookie would never come back.
pub fn secure_cookies(state: &AppState, headers: &HeaderMap) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let loopback = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == *name || host.starts_with(&format!("{name}:")));
    !(state.test_clock().is_some() && loopback)
}

/// A `Set-Cookie` header: HttpOnly, SameSite=Lax, Path=/, and Secure unless
/// `secure` is false; an empty value with max-age 0 deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_seconds: i64,
    secure: bool,
) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}"
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

/// Seconds from `now` until `then`, at least zero.
pub fn seconds_until(now: Timestamp, then: Timestamp) -> i64 {
    (then.unix_micros().saturating_sub(now.unix_micros()) / 1_000_000).max(0)
}

impl axum::extract::FromRequestParts<AppState> for SignedIn {
    type Rejection = axum::response::Response;

    /// A page's signed-in user; without one (never signed in, or the session
    /// ended) the browser goes back to `/`, which shows the sign-in form.
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        match signed_in(state, &parts.headers).await {
            Ok(who) => Ok(who),
            Err(SessionError::No(_)) => Err(super::page::see_other("/")),
            Err(SessionError::Store(e)) => Err(DashError::from(e).into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; corridor_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
