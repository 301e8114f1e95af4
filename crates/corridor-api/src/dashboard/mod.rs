//! The dashboard: server-rendered pages (askama templates compiled into the
//! binary, htmx and a small stylesheet embedded) for merchants' teams and
//! the operator's staff, over the same services and store reads as the API.
//! Sign-in by email and password (Argon2id), sessions in HttpOnly cookies
//! whose ids are stored hashed, a per-session token on every form, lock-out
//! after repeated failures. A merchant's user sees only that merchant: any
//! other object id answers the same 404 page as an unknown one.

mod assets;
mod chart;
mod complaints;
mod connector_health;
mod data;
mod disputes;
mod forms;
mod fx;
mod home;
mod operator;
mod page;
mod payment;
mod payments;
mod payouts;
mod rate_chart;
mod session;
mod settings;
mod sign_in;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The dashboard's routes, merged at the root beside `/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(sign_in::root))
        .route("/sign_in", post(sign_in::sign_in))
        .route("/sign_out", post(sign_in::sign_out))
        .route("/payments", get(payments::list))
        .route("/payments/export.csv", get(payments::export))
        .route("/payments/{id}", get(payment::show))
        .route("/payments/{id}/refund", post(payment::refund))
        .route("/payments/{id}/capture", post(payment::capture))
        .route("/disputes", get(disputes::list))
        .route("/disputes/{id}/evidence", post(disputes::evidence))
        .route("/complaints", get(complaints::list))
        .route("/operator/", get(operator::page))
        .route("/operator/verify_ledger", post(operator::verify_ledger))
        .route("/fx", get(fx::show))
        .route("/fx/quote", post(fx::quote))
        .route("/fx/convert", post(fx::convert))
        .route(
            "/beneficiaries",
            get(payouts::beneficiaries).post(payouts::add_beneficiary),
        )
        .route("/payouts", get(payouts::payouts).post(payouts::create))
        .route("/payouts/preview", post(payouts::preview))
        .route("/settings", get(settings::show))
        .route("/settings/users", post(settings::add_user))
        .route("/settings/users/{id}/remove", post(settings::remove_user))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::app_js))
        .route("/assets/htmx.min.js", get(assets::htmx))
}
