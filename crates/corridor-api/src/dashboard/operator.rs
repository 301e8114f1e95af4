//! `/operator/`: the operator's staff see every merchant with its KYB
//! status, each connector's health (attempts, approval and error rates per
//! day over the last week) and the ledger's verification.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::data::{day_of, DAY_MICROS};
use super::page::{render, DashError, Frame};
use super::session::SignedIn;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

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

#[derive(Template)]
#[template(path = "dashboard/operator.html")]
struct OperatorPage {
    frame: Frame,
    merchants: Vec<MerchantRow>,
    more_merchants: bool,
    live_connectors: Vec<String>,
    configured: Vec<ConnectorRow>,
    health: Vec<HealthRow>,
    ledger_balanced: bool,
    accounts_checked: String,
    mismatches: usize,
    currencies: Vec<(String, String)>,
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

/// `GET /operator/`.
pub async fn page(State(state): State<AppState>, who: SignedIn) -> Result<Response, DashError> {
    if who.merchant().is_some() {
        return Err(DashError::NotFound);
    }
    let merchants = state.store().merchants(MAX_MERCHANTS, None).await?;
    let now = state.store().clock().now();
    let since = now.plus_seconds(-(HEALTH_DAYS - 1) * 86_400);
    let since = corridor_core::Timestamp::from_unix_micros(day_of(since) * DAY_MICROS);
    let tallies = state.store().attempt_tallies(since).await?;
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
    let report = state.store().verify().await?;
    let page = OperatorPage {
        frame: Frame::new(&who, "Operator", "operator"),
        merchants: merchants
            .items
            .iter()
            .map(|m| MerchantRow {
                id: m.id.clone(),
                legal_name: m.legal_name.clone(),
                country: m.country.clone(),
                home_currency: m.home_currency.code().to_string(),
                kyb_status: m.kyb_status.clone(),
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
        ledger_balanced: report.balanced,
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
    };
    Ok(render(&page))
}
