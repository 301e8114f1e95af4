//! `GET /v1/fx/rates`: the reference rates of a date from a base currency.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{currency, fx};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `GET /v1/fx/rates` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatesResponse {
    /// The base currency: every rate is units of the currency per one base.
    pub base: String,
    /// The reference date (YYYY-MM-DD): the latest on or before `as_of` asked.
    pub as_of: String,
    /// Where the day's rates come from (`ecb`, `operator`, a provider, or
    /// `sandbox`: in sandbox mode only, the latest recorded rates re-dated
    /// to the latest TARGET business day, see `derived_from`).
    pub source: String,
    /// For `sandbox` rates: the recorded rates they copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<DerivedFrom>,
    /// How the figures were derived: `ecb_reference` (EUR base: the file's
    /// own figures, unrounded) or `cross_via_eur_half_even_10_significant_digits`.
    pub rounding: &'static str,
    /// Mid-market rates as decimal strings.
    pub rates: BTreeMap<String, String>,
}

/// The recorded rates a sandbox day copies.
#[derive(Debug, Serialize, ToSchema)]
pub struct DerivedFrom {
    /// Their source (`ecb`, `operator`, a provider).
    pub source: String,
    /// Their reference date (YYYY-MM-DD).
    pub as_of: String,
}

/// The response for a rates view.
fn response(view: corridor_services::fx::RatesView) -> RatesResponse {
    RatesResponse {
        base: view.base.code().to_string(),
        as_of: corridor_services::fx::dates::iso(view.as_of),
        source: view.source,
        derived_from: view.derived_from.map(|(source, day)| DerivedFrom {
            source,
            as_of: corridor_services::fx::dates::iso(day),
        }),
        rounding: if view.base.code() == "EUR" {
            "ecb_reference"
        } else {
            "cross_via_eur_half_even_10_significant_digits"
        },
        rates: view
            .rates
            .into_iter()
            .map(|(c, r)| (c.code().to_string(), r.value().to_string()))
            .collect(),
    }
}

/// Reference rates (any key).
#[utoipa::path(get, path = "/v1/fx/rates",
    params(("base" = Option<String>, Query, description = "ISO 4217 base currency, default EUR"),
           ("as_of" = Option<String>, Query, description = "YYYY-MM-DD; the latest rates on or before it (default today)")),
    responses((status = 200, body = RatesResponse), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<RatesResponse>> {
    let mut base = None;
    let mut as_of = None;
    for (name, value) in &query {
        match name.as_str() {
            "base" => base = Some(currency("base", value)?),
            "as_of" => {
                as_of = Some(corridor_services::fx::dates::day_of(value).ok_or_else(|| {
                    ApiError::invalid(
                        "as_of",
                        "parameter_invalid",
                        "as_of must be a date YYYY-MM-DD",
                    )
                })?)
            }
            other => {
                return Err(ApiError::invalid(
                    other,
                    "parameter_unknown",
                    format!("unknown query parameter '{other}'"),
                ))
            }
        }
    }
    let base = match base {
        Some(b) => b,
        None => currency("base", "EUR")?,
    };
    Ok(Json(response(fx(&state)?.rates(base, as_of)?)))
}

/// `PUT /v1/fx/rates` body: rates set by the operator for one day.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRates {
    /// ISO 4217 base; a base other than EUR needs its EUR rate in `rates`.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub base: String,
    /// YYYY-MM-DD (default today).
    #[schema(nullable = true)]
    pub as_of: Option<String>,
    /// Units of each currency per one base, decimal strings (1-300 entries).
    pub rates: BTreeMap<String, String>,
}

/// Sets one day's reference rates by hand (operators): stored with source
/// `operator`, replacing that day's rates for the currencies given.
#[utoipa::path(put, path = "/v1/fx/rates", request_body = SetRates,
    responses((status = 200, body = RatesResponse), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    crate::json::ApiJson(body): crate::json::ApiJson<SetRates>,
) -> ApiResult<Json<RatesResponse>> {
    caller.require_operator()?;
    let service = fx(&state)?;
    let day = match &body.as_of {
        Some(text) => corridor_services::fx::dates::day_of(text).ok_or_else(|| {
            ApiError::invalid(
                "as_of",
                "parameter_invalid",
                "as_of must be a date YYYY-MM-DD",
            )
        })?,
        None => corridor_services::fx::dates::today(service.now()),
    };
    let set =
        corridor_services::fx::provider::operator_rates(day, &body.base, &body.rates, "operator")
            .map_err(|(field, message)| ApiError::invalid(&field, "parameter_invalid", message))?;
    service.import(vec![set]).await?;
    let base = currency("base", &body.base)?;
    let view = service.rates(base, Some(day))?;
    Ok(Json(response(view)))
}
