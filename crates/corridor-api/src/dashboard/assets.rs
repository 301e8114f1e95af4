//! The dashboard's static files, embedded in the binary.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");
/// htmx 2.0.11, vendored with its licence in `assets/htmx/`.
const HTMX_JS: &str = include_str!("../../assets/htmx/htmx.min.js");

const CACHE: &str = "public, max-age=3600";

/// `GET /assets/app.css`.
pub async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
}

/// `GET /assets/app.js`.
pub async fn app_js() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        APP_JS,
    )
}

/// `GET /assets/htmx.min.js`.
pub async fn htmx() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        HTMX_JS,
    )
}
