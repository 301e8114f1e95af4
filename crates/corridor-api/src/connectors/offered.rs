//! `GET /v1/connectors/{id}/payment_methods`: what the provider account
//! offers (Adyen's `POST /paymentMethods`), for the operator.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::Json;
use corridor_core::CountryCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::routes::ListResponse;
use crate::state::AppState;

/// A payment method the provider account offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferedMethodObject {
    /// The provider's type (Adyen: `scheme`, `ideal`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Its display name.
    pub name: String,
}

/// The methods an Adyen connector's merchant account offers a buyer in
/// `country` (ISO 3166-1 alpha-2, optional).
#[utoipa::path(get, path = "/v1/connectors/{id}/payment_methods",
    params(("id" = String, Path), ("country" = Option<String>, Query, description = "Buyer country, ISO 3166-1 alpha-2")),
    responses((status = 200, body = ListResponse<OfferedMethodObject>),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<OfferedMethodObject>>> {
    caller.require_operator()?;
    if let Some(name) = query.keys().find(|k| k.as_str() != "country") {
        return Err(ApiError::invalid(
            name,
            "parameter_unknown",
            format!("unknown parameter `{name}`"),
        ));
    }
    let country = match query.get("country") {
        None => None,
        Some(c) => Some(CountryCode::parse(c).map_err(|_| {
            ApiError::invalid(
                "country",
                "country_invalid",
                format!("unknown country `{c}`"),
            )
        })?),
    };
    let live = state
        .connector_registry()
        .and_then(|r| r.get(&id))
        .ok_or_else(|| ApiError::not_found("connector", &id))?;
    let adyen = live.adyen.ok_or_else(|| {
        ApiError::conflict(
            "connector_type_unsupported",
            "only Adyen connectors list their methods",
        )
    })?;
    let offered = adyen
        .payment_methods(country, None)
        .await
        .map_err(|e| ApiError::unavailable(format!("Adyen could not list the methods: {e}")))?;
    Ok(Json(ListResponse {
        data: offered
            .into_iter()
            .map(|m| OfferedMethodObject {
                kind: m.kind,
                name: m.name,
            })
            .collect(),
        has_more: false,
    }))
}
