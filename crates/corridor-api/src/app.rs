//! The router.

use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::error::ApiError;
use crate::json::MAX_BODY_BYTES;
use crate::routes::{
    adjustments, after_sales_helpers, balances, beneficiaries, complaints, disputes, fraud_reports,
    health, ledger, markets, merchants, payments, payout_batches, payouts, refunds, test_helpers,
    users,
};
use crate::state::AppState;
use crate::webhooks::{deliveries, endpoints};
use crate::{connectors, idempotency, metrics};

/// Every route, with auth, idempotency, metrics and the body limit.
pub fn router(state: AppState) -> Router {
    let mut v1 = Router::new()
        .route("/merchants", post(merchants::create).get(merchants::list))
        .route(
            "/merchants/{id}",
            get(merchants::get).patch(crate::routes::merchants_update::update),
        )
        .route("/merchants/{id}/adjustments", post(adjustments::create))
        .route(
            "/merchants/{id}/kyb",
            post(crate::routes::merchants_kyb::decide),
        )
        .route("/balances", get(balances::balances))
        .route("/balance_transactions", get(balances::balance_transactions))
        .route("/ledger/verify", get(ledger::verify))
        .route("/markets", get(markets::list))
        .route("/markets/{country}", get(markets::get))
        .route("/payments", post(payments::create).get(payments::list))
        .route("/payments/{id}", get(payments::get))
        .route("/payments/{id}/confirm", post(payments::confirm))
        .route("/payments/{id}/capture", post(payments::capture))
        .route("/payments/{id}/cancel", post(payments::cancel))
        .route(
            "/payments/{id}/details",
            post(connectors::buyer_return::submit),
        )
        .route(
            "/webhook_endpoints",
            post(endpoints::create).get(endpoints::list),
        )
        .route("/webhook_endpoints/{id}", get(endpoints::get))
        .route("/webhook_endpoints/{id}/deliveries", get(deliveries::list))
        .route(
            "/connectors",
            post(connectors::api::create).get(connectors::api::list),
        )
        .route(
            "/connectors/{id}",
            get(connectors::api::get)
                .patch(connectors::api::update)
                .delete(connectors::api::delete),
        )
        .route(
            "/connectors/{id}/notifications",
            post(connectors::notifications::receive).get(connectors::notifications::list),
        )
        .route(
            "/connectors/{id}/payment_methods",
            get(connectors::offered::list),
        )
        .route(
            "/routing_rules",
            put(connectors::routing::put).get(connectors::routing::get),
        )
        .route(
            "/fee_schedules",
            put(connectors::fees::put).get(connectors::fees::get),
        )
        .route("/refunds", post(refunds::create).get(refunds::list))
        .route("/refunds/{id}", get(refunds::get))
        .route("/disputes", get(disputes::list))
        .route("/fraud_reports", get(fraud_reports::list))
        .route("/fraud_reports/{id}", get(fraud_reports::get))
        .route("/disputes/monitoring", get(disputes::monitoring))
        .route("/disputes/{id}", get(disputes::get))
        .route("/disputes/{id}/evidence", post(disputes::evidence))
        .route("/disputes/{id}/submit", post(disputes::submit))
        .route("/disputes/{id}/accept", post(disputes::accept))
        .route(
            "/complaints",
            post(complaints::create).get(complaints::list),
        )
        .route("/complaints/reports", get(complaints::reports))
        .route("/complaints/{id}", get(complaints::get))
        .route("/complaints/{id}/respond", post(complaints::respond))
        .route("/complaints/{id}/resolve", post(complaints::resolve))
        .route("/complaints/{id}/escalate", post(complaints::escalate))
        .merge(crate::routes::fx::routes())
        .route("/users", post(users::create).get(users::list))
        .route("/users/{id}", delete(users::delete))
        .route(
            "/beneficiaries",
            post(beneficiaries::create).get(beneficiaries::list),
        )
        .route("/beneficiaries/{id}", get(beneficiaries::get))
        .route("/payouts", post(payouts::create).get(payouts::list))
        .route("/payouts/preview", post(payouts::preview_payout))
        .route("/payouts/{id}", get(payouts::get))
        .route("/payout_batches", post(payout_batches::create))
        .route("/payout_batches/{id}", get(payout_batches::get))
        .route("/payout_batches/{id}/pain001", get(payout_batches::pain001))
        .route(
            "/sanctions_lists",
            post(crate::routes::sanctions_lists::load)
                .get(crate::routes::sanctions_lists::list)
                .layer(DefaultBodyLimit::max(
                    crate::routes::sanctions_lists::MAX_LIST_BODY_BYTES,
                )),
        )
        .route("/screenings", post(crate::routes::screenings::create))
        .route("/screenings/{id}", get(crate::routes::screenings::get))
        .route(
            "/compliance/alerts",
            get(crate::routes::compliance_alerts::list),
        )
        .route(
            "/compliance/rules",
            put(crate::routes::compliance_rules::put).get(crate::routes::compliance_rules::get),
        )
        .route("/audit_log", get(crate::routes::audit_log::list))
        .route(
            "/compliance/screening_thresholds",
            put(crate::routes::screening_thresholds::put)
                .get(crate::routes::screening_thresholds::get),
        )
        .route(
            "/compliance/alerts/{id}/resolve",
            post(crate::routes::compliance_alerts::resolve),
        )
        .route(
            "/bank_files",
            post(payout_batches::bank_file)
                .layer(DefaultBodyLimit::max(payout_batches::MAX_BANK_FILE_BYTES)),
        );
    if state.test_clock().is_some() {
        v1 = v1
            .route(
                "/test_helpers/clock/advance",
                post(test_helpers::advance_clock),
            )
            .route("/test_helpers/clock/reset", post(test_helpers::reset_clock));
        v1 = v1
            .route(
                "/test_helpers/payments/{id}/complete",
                post(payments::complete),
            )
            .route(
                "/test_helpers/connectors/{name}/faults",
                post(test_helpers::schedule_fault),
            )
            .route(
                "/test_helpers/bank/pain001",
                post(payout_batches::send_to_bank),
            )
            .route(
                "/test_helpers/bank/answers",
                post(payout_batches::bank_answers),
            )
            .route(
                "/test_helpers/payments/{id}/provider_charges",
                get(crate::routes::provider_charges::provider_charges),
            )
            .route(
                "/test_helpers/payments/{id}/dispute",
                post(after_sales_helpers::open_dispute),
            )
            .route(
                "/test_helpers/payments/{id}/fraud_report",
                post(fraud_reports::report),
            )
            .route(
                "/test_helpers/disputes/{id}/close",
                post(after_sales_helpers::close_dispute),
            )
            .route(
                "/test_helpers/fx_rates",
                post(after_sales_helpers::set_rate),
            );
    }
    Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::handler))
        .route("/openapi.json", get(health::openapi))
        .nest("/v1", v1)
        .merge(crate::dashboard::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found("endpoint", uri.path())
}
