//! `PUT /v1/routing_rules`, `GET /v1/routing_rules`: the operator's routing
//! rules, validated, versioned and put in force without a restart.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use corridor_core::payments::routing::{Conditions, OperatorRule, OperatorRules};
use corridor_core::{Amount, CountryCode, Currency};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The settings kind routing rules are stored under.
pub const KIND: &str = "routing_rules";

/// When a rule applies; an absent or empty list matches anything.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhenBody {
    /// Payment method types (`card`, `alipay`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub method_types: Vec<String>,
    /// Buyer countries (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub countries: Vec<String>,
    /// Payment currencies (ISO 4217).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub currencies: Vec<String>,
    /// Smallest amount, inclusive, minor units (needs exactly one currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub min_amount: Option<i64>,
    /// Largest amount, inclusive, minor units (needs exactly one currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub max_amount: Option<i64>,
    /// Merchant ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub merchants: Vec<String>,
}

/// One rule.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    /// Unique name, 1-100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// When it applies.
    #[serde(default)]
    pub when: WhenBody,
    /// Enabled connectors, best first; the adaptive router orders them by
    /// what it has learned.
    #[schema(min_items = 1, max_items = 16)]
    pub connectors: Vec<String>,
}

/// `PUT /v1/routing_rules` body.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingRulesBody {
    /// Tried in order; the first that matches gives the eligible connectors.
    /// A payment no rule matches may use every enabled connector.
    #[schema(max_items = 1000)]
    pub rules: Vec<RuleBody>,
}

/// The rules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingRulesObject {
    /// Always `routing_rules`.
    pub object: &'static str,
    /// 1, 2, ...; 0 before any rules were put.
    pub version: i64,
    /// The rules.
    pub rules: Vec<RuleBody>,
    /// When this version was put in force; null for version 0.
    pub created_at: Option<String>,
}

/// Turns the body into checked core rules; errors name the field.
pub(crate) fn to_rules(body: &RoutingRulesBody) -> ApiResult<OperatorRules> {
    let mut rules = Vec::with_capacity(body.rules.len());
    for (i, rule) in body.rules.iter().enumerate() {
        let at = |f: &str| format!("rules[{i}].{f}");
        let w = &rule.when;
        let mut when = Conditions::default();
        for (j, m) in w.method_types.iter().enumerate() {
            let method = corridor_connectors::MethodType::parse(m).ok_or_else(|| {
                ApiError::invalid(
                    &at(&format!("when.method_types[{j}]")),
                    "payment_method_invalid",
                    format!("unknown payment method type `{m}`"),
                )
            })?;
            when.method_types.push(method.code().to_string());
        }
        for (j, c) in w.countries.iter().enumerate() {
            when.countries.push(CountryCode::parse(c).map_err(|_| {
                ApiError::invalid(
                    &at(&format!("when.countries[{j}]")),
                    "country_invalid",
                    format!("unknown country `{c}`"),
                )
            })?);
        }
        for (j, c) in w.currencies.iter().enumerate() {
            when.currencies.push(Currency::parse(c).map_err(|_| {
                ApiError::invalid(
                    &at(&format!("when.currencies[{j}]")),
                    "currency_invalid",
                    format!("unknown currency `{c}`"),
                )
            })?);
        }
        for (field, value, slot) in [
            ("when.min_amount", w.min_amount, &mut when.min_amount),
            ("when.max_amount", w.max_amount, &mut when.max_amount),
        ] {
            if let Some(v) = value {
                *slot = Some(Amount::non_negative(v).map_err(|_| {
                    ApiError::invalid(
                        &at(field),
                        "amount_invalid",
                        "an amount bound is a non-negative integer in minor units",
                    )
                })?);
            }
        }
        when.merchants = w.merchants.clone();
        rules.push(OperatorRule {
            name: rule.name.clone(),
            when,
            connectors: rule.connectors.clone(),
        });
    }
    OperatorRules::new(rules).map_err(|e| ApiError::invalid(&e.field, e.code, e.message))
}

/// Checks what only the running server knows: connectors exist and are
/// enabled, merchants exist.
async fn check_references(state: &AppState, body: &RoutingRulesBody) -> ApiResult<()> {
    let service = state
        .payments()
        .ok_or_else(|| ApiError::unavailable("payments are not configured on this server"))?;
    let known = service.connector_names();
    let configured = state.store().connectors().await?;
    for (i, rule) in body.rules.iter().enumerate() {
        for (j, name) in rule.connectors.iter().enumerate() {
            let param = format!("rules[{i}].connectors[{j}]");
            if let Some(c) = configured.iter().find(|c| &c.name == name) {
                if !c.enabled {
                    return Err(ApiError::invalid(
                        &param,
                        "connector_disabled",
                        format!("connector `{name}` is disabled"),
                    ));
                }
            }
            if !known.contains(name) {
                return Err(ApiError::invalid(
                    &param,
                    "connector_unknown",
                    format!("no connector is named `{name}`"),
                ));
            }
        }
        for (j, merchant) in rule.when.merchants.iter().enumerate() {
            if state.store().merchant(merchant).await?.is_none() {
                return Err(ApiError::invalid(
                    &format!("rules[{i}].when.merchants[{j}]"),
                    "resource_missing",
                    format!("no such merchant: `{merchant}`"),
                ));
            }
        }
    }
    Ok(())
}

/// Replaces the routing rules; they apply to the next payment.
#[utoipa::path(put, path = "/v1/routing_rules", request_body = RoutingRulesBody,
    responses((status = 200, body = RoutingRulesObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<RoutingRulesBody>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let registry = state
        .connector_registry()
        .ok_or_else(|| ApiError::unavailable("connectors are not configured on this server"))?;
    let rules = to_rules(&body)?;
    let _guard = registry.write_lock.lock().await;
    check_references(&state, &body).await?;
    let version = crate::settings_documents::next_version(&state, KIND).await?;
    let now = state.store().clock().now();
    let shown = RoutingRulesObject {
        object: "routing_rules",
        version,
        rules: body.rules.clone(),
        created_at: Some(rfc3339(now)),
    };
    let response =
        crate::settings_documents::store(&state, &caller, KIND, version, now, &body, shown).await?;
    if let Some(service) = state.payments() {
        service.set_operator_rules(rules);
    }
    Ok(response)
}

/// The routing rules in force.
#[utoipa::path(get, path = "/v1/routing_rules",
    responses((status = 200, body = RoutingRulesObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<RoutingRulesObject>> {
    caller.require_operator()?;
    let stored = crate::settings_documents::latest::<RoutingRulesBody>(&state, KIND).await?;
    Ok(Json(match stored {
        None => RoutingRulesObject {
            object: "routing_rules",
            version: 0,
            rules: Vec::new(),
            created_at: None,
        },
        Some(v) => RoutingRulesObject {
            object: "routing_rules",
            version: v.version,
            rules: v.body.rules,
            created_at: Some(v.created_at),
        },
    }))
}
