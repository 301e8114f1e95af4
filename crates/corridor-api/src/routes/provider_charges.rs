//! Sandbox: the provider-side view of a payment, to compare what the
//! providers hold with what Corridor recorded.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long the sandbox server may take to answer.
const PROVIDERS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One charge a simulated provider holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderChargeObject {
    /// Provider.
    pub connector: String,
    /// The provider's reference.
    pub reference: String,
    /// The charge's state at the provider: `captured`, `authorized`,
    /// `requires_action`, `pending`, `canceled` or `declined`.
    pub status: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
}

/// Every charge the simulated providers hold for a payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderCharges {
    /// By provider, then reference.
    pub data: Vec<ProviderChargeObject>,
}

/// Sandbox: every charge any simulated provider holds for a payment.
#[utoipa::path(get, path = "/v1/test_helpers/payments/{id}/provider_charges", params(("id" = String, Path)),
    responses((status = 200, body = ProviderCharges), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn provider_charges(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ProviderCharges>> {
    let payments = state
        .payments()
        .ok_or_else(|| ApiError::unavailable("no payment providers are configured"))?;
    let merchant = match &caller.principal {
        corridor_store::Principal::Merchant(m) => Some(m.as_str()),
        corridor_store::Principal::Operator => None,
    };
    payments
        .get(&id, merchant)
        .await
        .map_err(|_| ApiError::not_found("payment", &id))?;
    let charges = if let Some(world) = state.sandbox() {
        world.charges_of_payment(&id)
    } else if let Some(url) = state.providers_url() {
        corridor_connectors::sandbox::http::provider_charges(url, &id, PROVIDERS_TIMEOUT)
            .await
            .map_err(|e| {
                ApiError::unavailable(format!("the simulated providers did not answer: {e}"))
            })?
    } else {
        return Err(ApiError::not_found("endpoint", "provider_charges"));
    };
    Ok(Json(ProviderCharges {
        data: charges
            .into_iter()
            .map(|c| ProviderChargeObject {
                connector: c.connector,
                reference: c.reference,
                status: c.status,
                amount: c.amount,
                currency: c.currency,
            })
            .collect(),
    }))
}
