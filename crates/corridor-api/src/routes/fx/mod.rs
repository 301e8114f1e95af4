//! The FX endpoints: reference rates, operator pricing, quotes,
//! conversions, forwards, exposure and the auto-conversion rule.

pub mod auto_conversion;
pub mod conversions;
pub mod exposure;
pub mod forwards;
pub mod pricing;
pub mod quotes;
pub mod rates;

use std::collections::HashMap;

use corridor_core::Currency;
use corridor_services::fx::{FxService, FxServiceError};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

impl From<FxServiceError> for ApiError {
    fn from(e: FxServiceError) -> Self {
        match e {
            FxServiceError::Invalid {
                param,
                code,
                message,
            } => ApiError::invalid(&param, code, message),
            FxServiceError::NotFound { what, id } => ApiError::not_found(what, &id),
            FxServiceError::Conflict { code, message } => ApiError::conflict(code, message),
            FxServiceError::InsufficientFunds(m) => ApiError::insufficient_funds(m),
            FxServiceError::Store(e) => ApiError::internal(e),
            FxServiceError::Corrupt(m) => ApiError::internal(m),
        }
    }
}

/// The FX service.
pub(crate) fn fx(state: &AppState) -> Result<&FxService, ApiError> {
    state
        .fx()
        .ok_or_else(|| ApiError::internal("the FX service is not running"))
}

/// Parses a currency field, naming it.
pub(crate) fn currency(param: &str, code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|e| ApiError::invalid(param, "currency_invalid", e.to_string()))
}

/// The merchant a POST or GET acts for: a merchant key's own, or the
/// operator's `?merchant=`. Only `merchant` (and `allowed`) may be in the query.
pub(crate) fn acting_merchant(
    caller: &Caller,
    query: &HashMap<String, String>,
    allowed: &[&str],
) -> Result<String, ApiError> {
    if let Some(other) = query
        .keys()
        .find(|k| k.as_str() != "merchant" && !allowed.contains(&k.as_str()))
    {
        return Err(ApiError::invalid(
            other,
            "parameter_unknown",
            format!("unknown query parameter '{other}'"),
        ));
    }
    caller.merchant_scope(query.get("merchant").map(String::as_str))
}

/// Refuses unknown merchants (operators naming one that does not exist).
pub(crate) async fn require_merchant(
    state: &AppState,
    merchant: &str,
) -> Result<corridor_store::MerchantRecord, ApiError> {
    state
        .store()
        .merchant(merchant)
        .await?
        .ok_or_else(|| ApiError::not_found("merchant", merchant))
}

/// The FX routes, for the `/v1` router.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/fx/rates", get(rates::get).put(rates::put))
        .route("/fx/pricing", get(pricing::get).put(pricing::put))
        .route("/fx/quotes", post(quotes::create))
        .route("/fx/quotes/{id}", get(quotes::get))
        .route(
            "/fx/conversions",
            post(conversions::create).get(conversions::list),
        )
        .route("/fx/conversions/{id}", get(conversions::get))
        .route("/fx/exposure", get(exposure::get))
        .route(
            "/fx/auto_conversion",
            get(auto_conversion::get).put(auto_conversion::put),
        )
        .route("/fx/forwards", post(forwards::create).get(forwards::list))
        .route("/fx/forwards/{id}", get(forwards::get))
        .route("/fx/forwards/{id}/settle", post(forwards::settle))
        .route("/fx/forwards/{id}/drawdowns", post(forwards::draw_down))
}
