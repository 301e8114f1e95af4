//! `/operator/`: the operator's staff see every merchant with its KYB
//! status and the information its country requires that is missing, the
//! open compliance alerts, each connector's health (attempts,
//! approval and error rates per day over the last week; success rate and
//! median and p95 latency per hour over 24 hours and per day over 14 days,
//! drawn by [`super::connector_health`]) and the latest
//! ledger verification, which runs only when asked (`POST
//! /operator/verify_ledger`): recomputing every account is too heavy for
//! each page load.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::Response;

use corridor_services::compliance::KybInfo;

use super::data::{day_of, DAY_MICROS};
use super::page::{render, see_other, DashError, Frame};
use super::session::SignedIn;
use crate::state::{AppState, LedgerCheck};
use crate::time_fmt::rfc3339;

/// Open compliance alerts listed.
const MAX_ALERTS: usize = 50;

/// Days of connector health shown.
const HEALTH_DAYS: i64 = 7;
/// Merchants listed.
const MAX_MERCHANTS: usize = 100;

/// One merchant.
pub struct MerchantRow {
    /// `mer_...`.
    pub id: String,
    /// Legal name.
    pub legal_name: String,
    /// Country.
    pub country: String,
    /// Home currency.
    pub home_currency: String,
    /// KYB decision.
    pub kyb_status: String,
    /// Information its country requires that is not given yet.
    pub kyb_missing: String,
    /// Created.
    pub created_at: String,
}

/// One connector's figures for one day.
pub struct HealthRow {
    /// Connector name.
    pub connector: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Attempts.
    pub attempts: i64,
    /// Approved (captured or authorized) out of approved and declined.
    pub approval_rate: String,
    /// Timeouts, errors and outages out of all attempts.
    pub error_rate: String,
}

/// A configured connector.
pub struct ConnectorRow {
    /// Name.
    pub name: String,
    /// `adyen`, `sandbox`.
    pub kind: String,
    /// Whether it takes new payments.
    pub enabled: bool,
}

/// One open compliance alert.
pub struct AlertRow {
    /// `alr_...`.
    pub id: String,
    /// `screening_review`, `screening_block`, ...
    pub kind: String,
    /// `medium` or `high`.
    pub severity: String,
    /// The merchant concerned, if any.
    pub merchant: String,
    /// When raised.
    pub created_at: String,
}

/// The latest ledger verification, as shown.
pub struct LedgerView {
    /// When it ran.
    pub at: String,
    /// No mismatch.
    pub balanced: bool,
    /// Accounts recomputed.
    pub accounts_checked: String,
    /// Mismatches found.
    pub mismatches: usize,
    /// Debit and credit totals per currency.
    pub currencies: Vec<(String, String)>,
}

impl LedgerView {
    fn of(check: &LedgerCheck) -> LedgerView {
        let report = &check.report;
        LedgerView {
            at: rfc3339(check.at),
            balanced: report.balanced,
            accounts_checked: report.accounts_checked.to_string(),
            mismatches: report.mismatches.len(),
            currencies: report
                .currencies
                .iter()
                .map(|(c, t)| {
                    (
                        c.clone(),
                        format!("debits {} · credits {}", t.debits, t.credits),
                    )
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/operator.html")]
struct OperatorPage {
    frame: Frame,
    notice: Option<&'static str>,
    merchants: Vec<MerchantRow>,
    more_merchants: bool,
    alerts: Vec<AlertRow>,
    more_alerts: bool,
    live_connectors: Vec<String>,
    configured: Vec<ConnectorRow>,
    health: Vec<HealthRow>,
    health_series: Vec<super::connector_health::Series>,
    ledger: Option<LedgerView>,
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{}%", part * 100 / whole)
    }
}

fn date(day: i64) -> String {
    let t = corridor_core::Timestamp::from_unix_micros(day.saturating_mul(DAY_MICROS));
    rfc3339(t).chars().take(10).collect()
}

/// `POST /operator/verify_ledger`: recomputes every account from its
/// postings now and keeps the result, with its time, for the page.
pub async fn verify_ledger(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    if who.merchant().is_some() {
        return Err(DashError::NotFound);
    }
    let at = state.store().clock().now();
    let report = state.store().verify().await?;
    state.set_ledger_check(LedgerCheck { at, report });
    Ok(see_other("/operator/?done=verified"))
}

/// `GET /operator/`.
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    if who.merchant().is_some() {
        return Err(DashError::NotFound);
    }
    let notice = super::page::done_notice(&query, "verified", "Ledger verified.");
    let alerts = state
        .store()
        .compliance_alerts(Some("open"), MAX_ALERTS, None)
        .await?;
    let merchants = state.store().merchants(MAX_MERCHANTS, None).await?;
    let ids: Vec<String> = merchants.items.iter().map(|m| m.id.clone()).collect();
    let kyb: HashMap<String, corridor_store::MerchantKybRecord> = state
        .store()
        .merchant_kyb_of(&ids)
        .await?
        .into_iter()
        .map(|k| (k.merchant_id.clone(), k))
        .collect();
    let now = state.store().clock().now();
    let since = now.plus_seconds(-(HEALTH_DAYS - 1) * 86_400);
    let since = corridor_core::Timestamp::from_unix_micros(day_of(since) * DAY_MICROS);
    let tallies = state.store().attempt_tallies(since).await?;
    let health_series = super::connector_health::read(state.store(), now).await?;
    let mut per: BTreeMap<(String, i64), (i64, i64, i64, i64)> = BTreeMap::new();
    for t in &tallies {
        let e = per.entry((t.connector.clone(), t.day)).or_default();
        e.0 += t.count;
        use corridor_core::payments::attempt::AttemptStatus as A;
        match A::parse(&t.outcome) {
            Some(A::Captured | A::Authorized) => e.1 += t.count,
            Some(A::Declined) => e.2 += t.count,
            Some(A::Error | A::Unknown | A::NotCharged) => e.3 += t.count,
            Some(A::Started | A::RequiresAction | A::Pending | A::Canceled) | None => {}
        }
    }
    let page = OperatorPage {
        frame: Frame::new(&who, "Operator", "operator"),
        notice,
        alerts: alerts
            .items
            .iter()
            .map(|a| AlertRow {
                id: a.id.clone(),
                kind: a.kind.clone(),
                severity: a.severity.clone(),
                merchant: a.merchant_id.clone().unwrap_or_default(),
                created_at: rfc3339(a.created_at),
            })
            .collect(),
        more_alerts: alerts.has_more,
        merchants: merchants
            .items
            .iter()
            .map(|m| MerchantRow {
                id: m.id.clone(),
                legal_name: m.legal_name.clone(),
                country: m.country.clone(),
                home_currency: m.home_currency.code().to_string(),
                kyb_status: m.kyb_status.clone(),
                kyb_missing: KybInfo::of(kyb.get(&m.id)).missing(m).join(", "),
                created_at: rfc3339(m.created_at),
            })
            .collect(),
        more_merchants: merchants.has_more,
        live_connectors: state
            .payments()
            .map(|p| p.connector_names())
            .unwrap_or_default(),
        configured: state
            .store()
            .connectors()
            .await?
            .into_iter()
            .map(|c| ConnectorRow {
                name: c.name,
                kind: c.kind,
                enabled: c.enabled,
            })
            .collect(),
        health: per
            .into_iter()
            .map(
                |((connector, day), (all, ok, declined, errors))| HealthRow {
                    connector,
                    day: date(day),
                    attempts: all,
                    approval_rate: percent(ok, ok + declined),
                    error_rate: percent(errors, all),
                },
            )
            .collect(),
        health_series,
        ledger: state.last_ledger_check().as_ref().map(LedgerView::of),
    };
    Ok(render(&page))
}
