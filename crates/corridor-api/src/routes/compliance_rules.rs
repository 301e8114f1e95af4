//! `PUT /v1/compliance/rules`, `GET /v1/compliance/rules`: the corridor
//! and monitoring rules as an operator document, validated (every error
//! names its field), versioned and put in force without a restart. Until
//! the operator puts one, the document shipped in `data/` is in force.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use corridor_core::{Amount, CountryCode, Currency};
use corridor_services::compliance::rules::{
    CorridorCheck, CorridorRule, Flow, MonitoringCheck, MonitoringRule, RuleSet, Scope, Severity,
    Subject,
};
use corridor_store::Store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The settings kind the versions are stored under.
pub const KIND: &str = "compliance_rules";

/// The document in force until the operator puts one.
pub const DEFAULT_DOCUMENT: &str = include_str!("../../data/compliance_rules.json");

/// A corridor or country rule: a transaction in scope that fails the check
/// is refused (403 `compliance_error`, the message naming the rule).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorridorRuleBody {
    /// Unique among all rules; named in every refusal.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// For the operator: what the rule is and where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// `payment`, `refund`, `payout` (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 3)]
    pub flows: Vec<String>,
    /// The buyer's market, or the beneficiary's country (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub countries: Vec<String>,
    /// Transaction currencies (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub currencies: Vec<String>,
    /// `closed`, `max_amount`, `purpose_code_required`, `annual_quota` or
    /// `sca_required`.
    pub check: String,
    /// For `max_amount`: the most per transaction, USD as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount_usd: Option<String>,
    /// For `annual_quota`: whose yearly total, `card` (payments),
    /// `beneficiary` (payouts) or `merchant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// For `annual_quota`: the most per subject and calendar year (UTC),
    /// USD as a decimal string, counted over the stored payments or payouts
    /// of the rule's one flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_quota_usd: Option<String>,
    /// For `sca_required`: card payments above this, USD as a decimal
    /// string, must be authenticated with 3-D Secure unless an exemption
    /// (the market's low-value one) spares them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_usd: Option<String>,
}

/// A monitoring rule: a transaction that trips it raises an alert with the
/// rule's severity in `/v1/compliance/alerts` (once per rule and subject
/// per window), never a refusal.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringRuleBody {
    /// Unique among all rules; named in every alert.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// For the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// `payment`, `refund`, `payout` (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 3)]
    pub flows: Vec<String>,
    /// The buyer's market, or the beneficiary's country (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub countries: Vec<String>,
    /// Transaction currencies (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub currencies: Vec<String>,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// `velocity`, `structuring`, `volume_spike`, `high_risk_country`,
    /// `refund_ratio` or `round_amount`.
    pub check: String,
    /// `velocity`: `merchant`, `card` or `beneficiary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// `velocity`, `structuring`: the window (1 s to 31 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<i64>,
    /// `velocity`: at most this many in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// `structuring`: the threshold kept under, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_usd: Option<String>,
    /// `structuring`: how far below the threshold counts, basis points (1-5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_bps: Option<u32>,
    /// `structuring`: this many in the window raise the alert (2-1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
    /// `volume_spike`: times the baseline (2-1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<u32>,
    /// `volume_spike`: days of baseline (1-365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_days: Option<u32>,
    /// `volume_spike`: the smallest daily baseline that counts, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_baseline_usd: Option<String>,
    /// `high_risk_country`: the countries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 250)]
    pub listed_countries: Vec<String>,
    /// `refund_ratio`: refunds above this many basis points of sales (1-10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bps: Option<u32>,
    /// `refund_ratio`: days counted (1-365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// `refund_ratio`: the smallest sales that count, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sales_usd: Option<String>,
    /// `round_amount`: the smallest amount that counts, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_usd: Option<String>,
    /// `round_amount`: the multiple, in the transaction's minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<i64>,
}

/// The operator's rule document.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceRulesBody {
    /// The largest payment a merchant whose KYB is not approved may accept,
    /// USD as a decimal string (rule `unapproved_merchant_limit`).
    pub unapproved_merchant_limit_usd: String,
    /// Refusing rules, checked in order.
    #[schema(max_items = 500)]
    pub corridor_rules: Vec<CorridorRuleBody>,
    /// Alerting rules.
    #[schema(max_items = 500)]
    pub monitoring_rules: Vec<MonitoringRuleBody>,
}

/// The rules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceRulesObject {
    /// Always `compliance_rules`.
    pub object: &'static str,
    /// 1, 2, ...; 0 for the shipped default.
    pub version: i64,
    /// As in the document.
    pub unapproved_merchant_limit_usd: String,
    /// As in the document.
    pub corridor_rules: Vec<CorridorRuleBody>,
    /// As in the document.
    pub monitoring_rules: Vec<MonitoringRuleBody>,
    /// When this version was put in force; null for the default.
    pub created_at: Option<String>,
}

impl ComplianceRulesObject {
    /// Version `version` of the document `rules`, put in force at
    /// `created_at` (none for the shipped default). The document's fields
    /// are the object's own, so its schema stays closed.
    fn new(version: i64, rules: ComplianceRulesBody, created_at: Option<String>) -> Self {
        ComplianceRulesObject {
            object: "compliance_rules",
            version,
            unapproved_merchant_limit_usd: rules.unapproved_merchant_limit_usd,
            corridor_rules: rules.corridor_rules,
            monitoring_rules: rules.monitoring_rules,
            created_at,
        }
    }
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid(field, "parameter_invalid", message)
}

fn usd(field: &str, text: Option<&String>) -> ApiResult<Amount> {
    let text = text.ok_or_else(|| {
        ApiError::invalid(field, "parameter_missing", format!("{field} is required"))
    })?;
    let usd = Currency::parse("USD").map_err(ApiError::internal)?;
    Amount::parse_major(text, usd).map_err(|_| {
        bad(
            field,
            "a non-negative USD amount as a decimal string, e.g. \"50000.00\"",
        )
    })
}

fn need<T: Copy>(field: &str, value: Option<T>) -> ApiResult<T> {
    value.ok_or_else(|| {
        ApiError::invalid(field, "parameter_missing", format!("{field} is required"))
    })
}

fn within(field: &str, value: i64, range: std::ops::RangeInclusive<i64>) -> ApiResult<()> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("{field} is {} to {}", range.start(), range.end()),
        ))
    }
}

fn scope(
    at: &dyn Fn(&str) -> String,
    flows: &[String],
    countries: &[String],
    currencies: &[String],
) -> ApiResult<Scope> {
    let mut s = Scope::default();
    for (j, f) in flows.iter().enumerate() {
        s.flows.push(Flow::parse(f).ok_or_else(|| {
            bad(
                &at(&format!("flows[{j}]")),
                "a flow is payment, refund or payout",
            )
        })?);
    }
    s.countries = countries_of(at, "countries", countries)?;
    for (j, c) in currencies.iter().enumerate() {
        s.currencies.push(Currency::parse(c).map_err(|_| {
            ApiError::invalid(
                &at(&format!("currencies[{j}]")),
                "currency_invalid",
                format!("unknown currency `{c}`"),
            )
        })?);
    }
    Ok(s)
}

fn countries_of(
    at: &dyn Fn(&str) -> String,
    field: &str,
    list: &[String],
) -> ApiResult<Vec<String>> {
    list.iter()
        .enumerate()
        .map(|(j, c)| {
            CountryCode::parse(c)
                .map(|c| c.as_str().to_string())
                .map_err(|_| {
                    ApiError::invalid(
                        &at(&format!("{field}[{j}]")),
                        "country_invalid",
                        format!("unknown country `{c}`"),
                    )
                })
        })
        .collect()
}

/// Checks the document and turns it into the engine's rules; errors name
/// the field.
pub fn to_rule_set(body: &ComplianceRulesBody, version: i64) -> ApiResult<RuleSet> {
    let mut corridor = Vec::with_capacity(body.corridor_rules.len());
    for (i, r) in body.corridor_rules.iter().enumerate() {
        let at = |f: &str| format!("corridor_rules[{i}].{f}");
        name(&at("name"), &r.name)?;
        let check = match r.check.as_str() {
            "closed" => CorridorCheck::Closed,
            "max_amount" => {
                CorridorCheck::MaxAmountUsd(usd(&at("max_amount_usd"), r.max_amount_usd.as_ref())?)
            }
            "purpose_code_required" => CorridorCheck::PurposeCodeRequired,
            "annual_quota" => annual_quota(&at, r)?,
            "sca_required" => {
                if r.flows.iter().any(|f| f != "payment") {
                    return Err(bad(
                        &at("flows"),
                        "an sca_required check looks at payments only",
                    ));
                }
                CorridorCheck::ScaRequiredAboveUsd(usd(
                    &at("threshold_usd"),
                    r.threshold_usd.as_ref(),
                )?)
            }
            _ => return Err(bad(
                &at("check"),
                "check is closed, max_amount, purpose_code_required, annual_quota or sca_required",
            )),
        };
        if r.check != "max_amount" && r.max_amount_usd.is_some() {
            return Err(bad(
                &at("max_amount_usd"),
                "max_amount_usd belongs to a max_amount check",
            ));
        }
        for (field, given, check) in [
            ("per", r.per.is_some(), "annual_quota"),
            (
                "annual_quota_usd",
                r.annual_quota_usd.is_some(),
                "annual_quota",
            ),
            ("threshold_usd", r.threshold_usd.is_some(), "sca_required"),
        ] {
            if given && r.check != check {
                return Err(bad(
                    &at(field),
                    format!("{field} belongs to an {check} check"),
                ));
            }
        }
        corridor.push(CorridorRule {
            name: r.name.clone(),
            scope: scope(&at, &r.flows, &r.countries, &r.currencies)?,
            check,
        });
    }
    let mut monitoring = Vec::with_capacity(body.monitoring_rules.len());
    for (i, r) in body.monitoring_rules.iter().enumerate() {
        let at = |f: &str| format!("monitoring_rules[{i}].{f}");
        name(&at("name"), &r.name)?;
        let severity = Severity::parse(&r.severity)
            .ok_or_else(|| bad(&at("severity"), "severity is low, medium or high"))?;
        let window = |w: Option<i64>| -> ApiResult<i64> {
            let w = need(&at("window_seconds"), w)?;
            within(&at("window_seconds"), w, 1..=31 * 86_400)?;
            Ok(w)
        };
        let check = match r.check.as_str() {
            "velocity" => {
                let per = r.per.as_deref().ok_or_else(|| {
                    ApiError::invalid(&at("per"), "parameter_missing", "per is required")
                })?;
                let max_count = need(&at("max_count"), r.max_count)?;
                within(&at("max_count"), i64::from(max_count), 1..=1_000_000)?;
                MonitoringCheck::Velocity {
                    per: Subject::parse(per).ok_or_else(|| bad(&at("per"), "per is merchant, card or beneficiary"))?,
                    window_seconds: window(r.window_seconds)?,
                    max_count,
                }
            }
            "structuring" => {
                let margin_bps = need(&at("margin_bps"), r.margin_bps)?;
                within(&at("margin_bps"), i64::from(margin_bps), 1..=5_000)?;
                let min_count = need(&at("min_count"), r.min_count)?;
                within(&at("min_count"), i64::from(min_count), 2..=1_000)?;
                let threshold = usd(&at("threshold_usd"), r.threshold_usd.as_ref())?;
                if threshold.is_zero() {
                    return Err(bad(&at("threshold_usd"), "threshold_usd must be positive"));
                }
                MonitoringCheck::Structuring {
                    threshold_usd: threshold,
                    margin_bps,
                    window_seconds: window(r.window_seconds)?,
                    min_count,
                }
            }
            "volume_spike" => {
                let factor = need(&at("factor"), r.factor)?;
                within(&at("factor"), i64::from(factor), 2..=1_000)?;
                let baseline_days = need(&at("baseline_days"), r.baseline_days)?;
                within(&at("baseline_days"), i64::from(baseline_days), 1..=365)?;
                MonitoringCheck::VolumeSpike {
                    factor,
                    baseline_days,
                    min_baseline_usd: usd(&at("min_baseline_usd"), r.min_baseline_usd.as_ref())?,
                }
            }
            "high_risk_country" => {
                if r.listed_countries.is_empty() {
                    return Err(ApiError::invalid(&at("listed_countries"), "parameter_missing", "listed_countries is required"));
                }
                MonitoringCheck::HighRiskCountry {
                    countries: countries_of(&at, "listed_countries", &r.listed_countries)?,
                }
            }
            "refund_ratio" => {
                let max_bps = need(&at("max_bps"), r.max_bps)?;
                within(&at("max_bps"), i64::from(max_bps), 1..=10_000)?;
                let window_days = need(&at("window_days"), r.window_days)?;
                within(&at("window_days"), i64::from(window_days), 1..=365)?;
                MonitoringCheck::RefundRatio {
                    max_bps,
                    window_days,
                    min_sales_usd: usd(&at("min_sales_usd"), r.min_sales_usd.as_ref())?,
                }
            }
            "round_amount" => {
                let multiple = need(&at("multiple"), r.multiple)?;
                within(&at("multiple"), multiple, 1..=1_000_000_000_000)?;
                MonitoringCheck::RoundAmount {
                    min_usd: usd(&at("min_usd"), r.min_usd.as_ref())?,
                    multiple: Amount::positive(multiple).map_err(ApiError::internal)?,
                }
            }
            _ => {
                return Err(bad(
                    &at("check"),
                    "check is velocity, structuring, volume_spike, high_risk_country, refund_ratio or round_amount",
                ))
            }
        };
        unused_parameters(&at, r)?;
        monitoring.push(MonitoringRule {
            name: r.name.clone(),
            scope: scope(&at, &r.flows, &r.countries, &r.currencies)?,
            severity,
            check,
        });
    }
    let set = RuleSet {
        version,
        unapproved_merchant_limit_usd: usd(
            "unapproved_merchant_limit_usd",
            Some(&body.unapproved_merchant_limit_usd),
        )?,
        corridor,
        monitoring,
    };
    set.check()
        .map_err(|(field, message)| bad(&field, message))?;
    Ok(set)
}

/// An annual quota: one flow (payments or payouts), a subject that flow
/// has, a positive quota.
fn annual_quota(at: &dyn Fn(&str) -> String, r: &CorridorRuleBody) -> ApiResult<CorridorCheck> {
    let flow = match r.flows.as_slice() {
        [one] if one == "payment" || one == "payout" => one.as_str(),
        _ => {
            return Err(bad(
                &at("flows"),
                "an annual_quota counts one flow: [\"payment\"] or [\"payout\"]",
            ))
        }
    };
    let per = r
        .per
        .as_deref()
        .ok_or_else(|| ApiError::invalid(&at("per"), "parameter_missing", "per is required"))?;
    let per = match (flow, per) {
        ("payment", "card") => Subject::Card,
        ("payout", "beneficiary") => Subject::Beneficiary,
        (_, "merchant") => Subject::Merchant,
        _ => {
            return Err(bad(
                &at("per"),
                "per is card or merchant for payments, beneficiary or merchant for payouts",
            ))
        }
    };
    let quota = usd(&at("annual_quota_usd"), r.annual_quota_usd.as_ref())?;
    if quota.is_zero() {
        return Err(bad(
            &at("annual_quota_usd"),
            "annual_quota_usd must be positive",
        ));
    }
    Ok(CorridorCheck::AnnualQuotaUsd { per, quota })
}

fn name(field: &str, name: &str) -> ApiResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad(
            field,
            "a rule name is 1-100 characters of a-z, 0-9 and _",
        ))
    }
}

/// A parameter of another check is refused, so a typo cannot pass silently.
fn unused_parameters(at: &dyn Fn(&str) -> String, r: &MonitoringRuleBody) -> ApiResult<()> {
    let uses: &[&str] = match r.check.as_str() {
        "velocity" => &["per", "window_seconds", "max_count"],
        "structuring" => &["threshold_usd", "margin_bps", "window_seconds", "min_count"],
        "volume_spike" => &["factor", "baseline_days", "min_baseline_usd"],
        "high_risk_country" => &["listed_countries"],
        "refund_ratio" => &["max_bps", "window_days", "min_sales_usd"],
        _ => &["min_usd", "multiple"],
    };
    let given = [
        ("per", r.per.is_some()),
        ("window_seconds", r.window_seconds.is_some()),
        ("max_count", r.max_count.is_some()),
        ("threshold_usd", r.threshold_usd.is_some()),
        ("margin_bps", r.margin_bps.is_some()),
        ("min_count", r.min_count.is_some()),
        ("factor", r.factor.is_some()),
        ("baseline_days", r.baseline_days.is_some()),
        ("min_baseline_usd", r.min_baseline_usd.is_some()),
        ("listed_countries", !r.listed_countries.is_empty()),
        ("max_bps", r.max_bps.is_some()),
        ("window_days", r.window_days.is_some()),
        ("min_sales_usd", r.min_sales_usd.is_some()),
        ("min_usd", r.min_usd.is_some()),
        ("multiple", r.multiple.is_some()),
    ];
    match given.iter().find(|(f, set)| *set && !uses.contains(f)) {
        Some((f, _)) => Err(bad(
            &at(f),
            format!("{f} does not belong to a {} check", r.check),
        )),
        None => Ok(()),
    }
}

/// The shipped default document.
pub fn default_document() -> ComplianceRulesBody {
    serde_json::from_str(DEFAULT_DOCUMENT)
        .unwrap_or_else(|e| panic!("shipped compliance rules: {e}"))
}

/// The shipped default rules.
pub fn default_rules() -> RuleSet {
    to_rule_set(&default_document(), 0)
        .unwrap_or_else(|e| panic!("shipped compliance rules: {e:?}"))
}

/// Puts the operator's stored document in force at start (the default is
/// in force until then).
pub async fn load(
    store: &Store,
    engine: &corridor_services::compliance::rules::RulesEngine,
) -> Result<(), String> {
    if let Some(v) = store
        .latest_settings(KIND)
        .await
        .map_err(|e| e.to_string())?
    {
        let body: ComplianceRulesBody = serde_json::from_str(&v.body).map_err(|e| e.to_string())?;
        let set =
            to_rule_set(&body, v.version).map_err(|e| format!("stored compliance rules: {e:?}"))?;
        engine.replace(set);
    }
    Ok(())
}

/// Replaces the compliance rules; they apply to the next transaction.
#[utoipa::path(put, path = "/v1/compliance/rules", request_body = ComplianceRulesBody,
    responses((status = 200, body = ComplianceRulesObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ComplianceRulesBody>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    to_rule_set(&body, 0)?;
    let engine = state.compliance().rules().clone();
    let _guard = state.compliance().rules_lock().lock().await;
    let version = crate::settings_documents::next_version(&state, KIND).await?;
    let set = to_rule_set(&body, version)?;
    let now = state.store().clock().now();
    let shown = ComplianceRulesObject::new(version, body.clone(), Some(rfc3339(now)));
    let response =
        crate::settings_documents::store(&state, &caller, KIND, version, now, &body, shown).await?;
    if response.status() == StatusCode::OK {
        engine.replace(set);
    }
    Ok(response)
}

/// The compliance rules in force.
#[utoipa::path(get, path = "/v1/compliance/rules",
    responses((status = 200, body = ComplianceRulesObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ComplianceRulesObject>> {
    caller.require_operator()?;
    let stored = crate::settings_documents::latest::<ComplianceRulesBody>(&state, KIND).await?;
    Ok(Json(match stored {
        None => ComplianceRulesObject::new(0, default_document(), None),
        Some(v) => ComplianceRulesObject::new(v.version, v.body, Some(v.created_at)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field a refusal names (from its debug form: the fields are
    /// private to the error module).
    fn param(body: &ComplianceRulesBody) -> Option<String> {
        let e = format!("{:?}", to_rule_set(body, 1).err()?);
        let start = e.find("param: Some(\"")? + "param: Some(\"".len();
        let end = start + e[start..].find('"')?;
        Some(e[start..end].to_string())
    }

    #[test]
    fn the_shipped_document_is_valid_and_holds_chinas_limit() {
        let set = default_rules();
        assert_eq!(set.version, 0);
        let cn = set
            .corridor
            .iter()
            .find(|r| r.name == "cn_cross_border_ecommerce_limit")
            .expect("China's rule");
        assert_eq!(
            cn.check,
            CorridorCheck::MaxAmountUsd(Amount::positive(5_000_000).unwrap())
        );
        assert_eq!(set.monitoring.len(), 8);
        let quota = set
            .corridor
            .iter()
            .find(|r| r.name == "cn_individual_annual_fx_quota")
            .expect("China's annual quota");
        assert_eq!(
            quota.check,
            CorridorCheck::AnnualQuotaUsd {
                per: Subject::Card,
                quota: Amount::positive(5_000_000).unwrap()
            }
        );
    }

    #[test]
    fn the_shipped_sca_rule_covers_the_eea_and_the_uk() {
        let set = default_rules();
        let sca = set
            .corridor
            .iter()
            .find(|r| r.name == "psd2_sca_eea_uk")
            .expect("the SCA rule");
        assert_eq!(
            sca.check,
            CorridorCheck::ScaRequiredAboveUsd(Amount::positive(5_000).unwrap())
        );
        assert_eq!(sca.scope.countries.len(), 31);
        let mut body = default_document();
        body.corridor_rules[4].flows = vec!["payout".into()];
        assert_eq!(param(&body), Some("corridor_rules[4].flows".to_string()));
        let mut body = default_document();
        body.corridor_rules[4].threshold_usd = None;
        assert_eq!(
            param(&body),
            Some("corridor_rules[4].threshold_usd".to_string())
        );
        let mut body = default_document();
        body.corridor_rules[0].threshold_usd = Some("1.00".into());
        assert_eq!(
            param(&body),
            Some("corridor_rules[0].threshold_usd".to_string())
        );
    }

    #[test]
    fn an_annual_quota_counts_one_flow_of_a_subject_it_has() {
        let quota = |flows: &[&str], per: Option<&str>, usd: Option<&str>| {
            let mut body = default_document();
            body.corridor_rules[3].flows = flows.iter().map(|f| f.to_string()).collect();
            body.corridor_rules[3].per = per.map(str::to_string);
            body.corridor_rules[3].annual_quota_usd = usd.map(str::to_string);
            param(&body)
        };
        assert_eq!(quota(&["payment"], Some("card"), Some("100.00")), None);
        assert_eq!(quota(&["payout"], Some("merchant"), Some("100.00")), None);
        let at = |f: &str| Some(format!("corridor_rules[3].{f}"));
        assert_eq!(quota(&[], Some("card"), Some("1.00")), at("flows"));
        assert_eq!(
            quota(&["payment", "payout"], Some("card"), Some("1.00")),
            at("flows")
        );
        assert_eq!(
            quota(&["refund"], Some("merchant"), Some("1.00")),
            at("flows")
        );
        assert_eq!(quota(&["payout"], Some("card"), Some("1.00")), at("per"));
        assert_eq!(quota(&["payment"], None, Some("1.00")), at("per"));
        assert_eq!(
            quota(&["payment"], Some("card"), None),
            at("annual_quota_usd")
        );
        assert_eq!(
            quota(&["payment"], Some("card"), Some("0")),
            at("annual_quota_usd")
        );
        let mut body = default_document();
        body.corridor_rules[1].per = Some("card".into());
        assert_eq!(param(&body), Some("corridor_rules[1].per".to_string()));
    }

    #[test]
    fn a_bad_document_names_its_field() {
        let mut body = default_document();
        body.monitoring_rules[0].per = Some("shop".into());
        assert_eq!(param(&body).as_deref(), Some("monitoring_rules[0].per"));
        let mut body = default_document();
        body.monitoring_rules[1].max_count = None;
        assert_eq!(
            param(&body).as_deref(),
            Some("monitoring_rules[1].max_count")
        );
        let mut body = default_document();
        body.corridor_rules[0].countries.push("XX".into());
        assert_eq!(
            param(&body).as_deref(),
            Some("corridor_rules[0].countries[4]")
        );
        let mut body = default_document();
        body.corridor_rules[2].max_amount_usd = Some("1.00".into());
        assert_eq!(
            param(&body).as_deref(),
            Some("corridor_rules[2].max_amount_usd")
        );
        let mut body = default_document();
        body.monitoring_rules[3].name = "Structuring!".into();
        assert_eq!(param(&body).as_deref(), Some("monitoring_rules[3].name"));
    }
}
