//! `/`: the home page, or the sign-in form; signing in and out, with
//! lock-out after repeated failures.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use corridor_store::{SessionRecord, UserChange};

use super::page::{render_status, see_other, DashError};
use super::session::{
    cookie, new_token, secure_cookies, set_cookie, signed_in, write, NoSession, SessionError,
    LOCK_OUT_SECONDS, MAX_FAILED_SIGN_INS, SESSION_COOKIE, SESSION_SECONDS, SIGN_IN_COOKIE,
};
use crate::auth::hash_key;
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use crate::users::{parse_email, password};

/// How long the sign-in form stays usable.
const SIGN_IN_FORM_SECONDS: i64 = 3600;

#[derive(Template)]
#[template(path = "dashboard/sign_in.html")]
struct SignInPage {
    token: String,
    email: String,
    notice: Option<&'static str>,
    error: Option<String>,
    email_error: Option<String>,
}

/// Renders the sign-in form with a fresh form token.
fn sign_in_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    page: SignInPage,
    clear_session: bool,
) -> Response {
    let secure = secure_cookies(state, headers);
    let mut response = render_status(status, &page);
    let (name, value) = set_cookie(SIGN_IN_COOKIE, &page.token, SIGN_IN_FORM_SECONDS, secure);
    response.headers_mut().append(name, value);
    if clear_session {
        let (name, value) = set_cookie(SESSION_COOKIE, "", 0, secure);
        response.headers_mut().append(name, value);
    }
    response
}

fn blank(notice: Option<&'static str>) -> SignInPage {
    SignInPage {
        token: new_token(),
        email: String::new(),
        notice,
        error: None,
        email_error: None,
    }
}

/// `GET /`: the home page for a signed-in user, the sign-in form otherwise.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(who) if who.merchant().is_none() => see_other("/operator/"),
        Ok(who) => super::home::page(&state, &who)
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Err(SessionError::No(NoSession::Absent)) => {
            sign_in_page(&state, &headers, StatusCode::OK, blank(None), false)
        }
        Err(SessionError::No(NoSession::Expired)) => sign_in_page(
            &state,
            &headers,
            StatusCode::OK,
            blank(Some("Your session has ended. Sign in again.")),
            true,
        ),
        Err(SessionError::Store(e)) => DashError::from(e).into_response(),
    }
}

/// `POST /sign_in`.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match attempt(&state, &headers, &form).await {
        Ok(response) => response,
        Err(Refused::Page(status, page)) => sign_in_page(&state, &headers, status, *page, false),
        Err(Refused::Error(e)) => e.into_response(),
    }
}

enum Refused {
    Page(StatusCode, Box<SignInPage>),
    Error(DashError),
}

impl From<DashError> for Refused {
    fn from(e: DashError) -> Self {
        Refused::Error(e)
    }
}

impl From<corridor_store::StoreError> for Refused {
    fn from(e: corridor_store::StoreError) -> Self {
        Refused::Error(e.into())
    }
}

fn refuse(
    status: StatusCode,
    email: &str,
    error: Option<String>,
    email_error: Option<String>,
) -> Refused {
    Refused::Page(
        status,
        Box::new(SignInPage {
            token: new_token(),
            email: email.to_string(),
            notice: None,
            error,
            email_error,
        }),
    )
}

async fn attempt(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Response, Refused> {
    let typed = form.get("email").map(String::as_str).unwrap_or("");
    let expected = cookie(headers, SIGN_IN_COOKIE);
    let token_ok = match (form.get("token"), expected) {
        (Some(sent), Some(expected)) => {
            super::session::constant_time_eq(sent.as_bytes(), expected.as_bytes())
        }
        _ => false,
    };
    if !token_ok {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            typed,
            Some("The sign-in form expired. Try again.".into()),
            None,
        ));
    }
    let email = parse_email(typed).map_err(|_| {
        refuse(
            StatusCode::BAD_REQUEST,
            typed,
            None,
            Some("Enter an email address like name@example.com.".into()),
        )
    })?;
    let secret = form.get("password").cloned().unwrap_or_default();
    let wrong = || {
        refuse(
            StatusCode::UNAUTHORIZED,
            typed,
            Some("Wrong email or password.".into()),
            None,
        )
    };
    let now = state.store().clock().now();
    let Some(user) = state.store().user_by_email(&email).await? else {
        let _ = tokio::task::spawn_blocking(move || password::verify_decoy(&secret)).await;
        return Err(wrong());
    };
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        return Err(locked(typed, until));
    }
    let stored = user.password_hash.clone();
    let matches = tokio::task::spawn_blocking(move || password::verify(&secret, &stored))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    if !matches {
        let failed = user.failed_sign_ins.saturating_add(1);
        let lock = (failed >= MAX_FAILED_SIGN_INS).then(|| now.plus_seconds(LOCK_OUT_SECONDS));
        write(
            state,
            vec![UserChange::SignInFailures {
                id: user.id.clone(),
                failed: if lock.is_some() { 0 } else { failed },
                locked_until: lock,
            }],
        )
        .await?;
        tracing::warn!(user = %user.id, failed, locked = lock.is_some(), "dashboard sign-in failed");
        return Err(match lock {
            Some(until) => locked(typed, until),
            None => wrong(),
        });
    }
    open_session(state, headers, &user, now)
        .await
        .map_err(Refused::Error)
}

fn locked(typed: &str, until: corridor_core::Timestamp) -> Refused {
    refuse(
        StatusCode::TOO_MANY_REQUESTS,
        typed,
        Some(format!(
            "Too many failed sign-ins. Sign-in is locked until {}.",
            rfc3339(until)
        )),
        None,
    )
}

async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &corridor_store::UserRecord,
    now: corridor_core::Timestamp,
) -> Result<Response, DashError> {
    let id = new_token();
    let mut changes = Vec::new();
    if user.failed_sign_ins != 0 || user.locked_until.is_some() {
        changes.push(UserChange::SignInFailures {
            id: user.id.clone(),
            failed: 0,
            locked_until: None,
        });
    }
    changes.push(UserChange::OpenSession(SessionRecord {
        id_hash: hash_key(&id),
        user_id: user.id.clone(),
        csrf_token: new_token(),
        created_at: now,
        expires_at: now.plus_seconds(SESSION_SECONDS),
    }));
    write(state, changes).await?;
    tracing::info!(user = %user.id, "dashboard sign-in");
    let secure = secure_cookies(state, headers);
    let mut response = see_other(if user.merchant_id.is_some() {
        "/"
    } else {
        "/operator/"
    });
    let (name, value) = set_cookie(SESSION_COOKIE, &id, SESSION_SECONDS, secure);
    response.headers_mut().append(name, value);
    let (name, value) = set_cookie(SIGN_IN_COOKIE, "", 0, secure);
    response.headers_mut().append(name, value);
    Ok(response)
}

/// `POST /sign_out`: ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let who = match signed_in(&state, &headers).await {
        Ok(who) => who,
        Err(SessionError::No(_)) => return see_other("/"),
        Err(SessionError::Store(e)) => return DashError::from(e).into_response(),
    };
    if let Err(e) = who.check_csrf(form.get("csrf")) {
        return e.into_response();
    }
    if let Err(e) = write(
        &state,
        vec![UserChange::CloseSession {
            id_hash: who.session_hash.clone(),
        }],
    )
    .await
    {
        return e.into_response();
    }
    let mut response = see_other("/");
    let (name, value) = set_cookie(SESSION_COOKIE, "", 0, secure_cookies(&state, &headers));
    response.headers_mut().append(name, value);
    response
}
