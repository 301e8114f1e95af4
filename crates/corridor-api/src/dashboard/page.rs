//! Rendering pages: the frame every page shares, security headers, and the
//! error pages (never a stack trace, never another merchant's data).

use askama::Template;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::session::SignedIn;

/// What the layout shows around every page.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The page title.
    pub title: String,
    /// Which navigation entry is current.
    pub nav: &'static str,
    /// The signed-in user's email.
    pub email: String,
    /// Their role.
    pub role: &'static str,
    /// The token forms carry.
    pub csrf: String,
    /// Whether the user is the operator's staff (operator navigation).
    pub operator: bool,
}

impl Frame {
    /// The frame of a page for a signed-in user.
    pub fn new(who: &SignedIn, title: &str, nav: &'static str) -> Frame {
        Frame {
            title: title.to_string(),
            nav,
            email: who.user.email.clone(),
            role: who.role.code(),
            csrf: who.csrf.clone(),
            operator: who.merchant().is_none(),
        }
    }
}

/// Headers every page carries: no inline scripts or styles, no framing,
/// no caching of signed-in pages.
fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// Renders a template with a status.
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, security_headers(), html).into_response(),
        Err(e) => DashError::Internal(e.to_string()).into_response(),
    }
}

/// Renders a template (200).
pub fn render<T: Template>(page: &T) -> Response {
    render_status(StatusCode::OK, page)
}

/// The notice a page shows after a form redirected to it with `?done=`
/// (`text` when `done` is the value given).
pub fn done_notice(
    query: &std::collections::HashMap<String, String>,
    done: &str,
    text: &'static str,
) -> Option<&'static str> {
    (query.get("done").map(String::as_str) == Some(done)).then_some(text)
}

/// A 303 to another page (after a form, so a reload does not post again).
pub fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            axum::http::header::LOCATION,
            HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// What can go wrong on a page.
#[derive(Debug)]
pub enum DashError {
    /// No such object, or not this user's: the same page either way.
    NotFound,
    /// The role may not do this.
    Forbidden(String),
    /// A form without this session's token.
    Csrf,
    /// The server failed; the cause is logged, not shown.
    Internal(String),
}

impl From<corridor_store::StoreError> for DashError {
    fn from(e: corridor_store::StoreError) -> Self {
        DashError::Internal(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "dashboard/error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    message: &'a str,
}

impl IntoResponse for DashError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            DashError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here, or it is not yours to see.".to_string(),
            ),
            DashError::Forbidden(why) => (StatusCode::FORBIDDEN, "Not allowed", why.clone()),
            DashError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form did not come from your current session. Go back, reload the page and try again."
                    .to_string(),
            ),
            DashError::Internal(cause) => {
                tracing::error!(error = %cause, "dashboard page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The page could not be shown. Try again in a moment.".to_string(),
                )
            }
        };
        let page = ErrorPage {
            heading,
            message: &message,
        };
        match page.render() {
            Ok(html) => (status, security_headers(), html).into_response(),
            Err(_) => (status, message).into_response(),
        }
    }
}
