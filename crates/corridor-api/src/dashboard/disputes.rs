//! `/disputes`: every dispute with the time left to answer, and for those
//! that need a response the evidence form of their category (its required
//! fields marked), saved or submitted through the after-sales service.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::aftersales::dispute::DisputeStatus;
use corridor_core::aftersales::evidence::{fields_for, required_for};
use corridor_core::format_minor;
use corridor_services::after_sales::{AfterSalesService, Dispute, EvidenceInput};

use super::forms::Problem;
use super::home::countdown;
use super::page::{render_status, see_other, DashError, Frame};
use super::session::{seconds_until, SignedIn};
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use crate::users::Action;

/// One evidence field of a form.
pub struct EvidenceField {
    /// The API name (`shipping_tracking_number`).
    pub name: &'static str,
    /// As people read it.
    pub label: String,
    /// Whether submitting needs it.
    pub required: bool,
    /// What is saved or was typed.
    pub value: String,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// One dispute as listed.
pub struct DisputeView {
    /// `dp_...`.
    pub id: String,
    /// The payment.
    pub payment_id: String,
    /// Status.
    pub status: String,
    /// Formatted amount.
    pub amount: String,
    /// Network and reason.
    pub reason: String,
    /// Category code.
    pub category: String,
    /// Evidence due by (RFC 3339).
    pub due_by: String,
    /// Time left, as text.
    pub time_left: String,
    /// Seconds left, for the live countdown.
    pub seconds_left: i64,
    /// The evidence form, when it needs a response and the role may answer.
    pub form: Option<Vec<EvidenceField>>,
}

#[derive(Template)]
#[template(path = "dashboard/disputes.html")]
struct DisputesPage {
    frame: Frame,
    disputes: Vec<DisputeView>,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn service(state: &AppState) -> Result<&AfterSalesService, DashError> {
    state
        .after_sales()
        .ok_or_else(|| DashError::Internal("no after-sales service".into()))
}

fn label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn view(
    d: &Dispute,
    now: corridor_core::Timestamp,
    may_answer: bool,
    typed: Option<(&str, &HashMap<String, String>, &Problem)>,
) -> DisputeView {
    let form = (d.status == DisputeStatus::NeedsResponse && may_answer).then(|| {
        fields_for(d.category)
            .iter()
            .map(|name| {
                let mine = typed.filter(|(id, _, _)| *id == d.id);
                EvidenceField {
                    name,
                    label: label(name),
                    required: required_for(d.category).contains(name),
                    value: mine
                        .and_then(|(_, form, _)| form.get(*name).cloned())
                        .or_else(|| d.evidence.get(*name).cloned())
                        .unwrap_or_default(),
                    error: mine.and_then(|(_, _, p)| p.for_field(name).map(str::to_string)),
                }
            })
            .collect()
    });
    let left = seconds_until(now, d.evidence_due_by);
    DisputeView {
        id: d.id.clone(),
        payment_id: d.payment_id.clone(),
        status: d.status.code().to_string(),
        amount: format_minor(d.amount.minor(), d.currency),
        reason: format!("{} {} ({})", d.network.code(), d.reason_code, d.description),
        category: d.category.code().to_string(),
        due_by: rfc3339(d.evidence_due_by),
        time_left: countdown(left),
        seconds_left: left,
        form,
    }
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    notice: Option<&'static str>,
    typed: Option<(&str, &HashMap<String, String>, &Problem)>,
    status: StatusCode,
) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let (disputes, _) = service(state)?
        .disputes(Some(merchant), crate::routes::MAX_PAGE, None)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    let now = state.store().clock().now();
    let may_answer = who.role.may(Action::AnswerCustomers);
    let page = DisputesPage {
        frame: Frame::new(who, "Disputes", "disputes"),
        disputes: disputes
            .iter()
            .map(|d| view(d, now, may_answer, typed))
            .collect(),
        notice,
        error: typed.and_then(|(_, _, p)| {
            let about_a_field = p
                .field
                .as_deref()
                .is_some_and(corridor_core::aftersales::evidence::is_field);
            (!about_a_field).then(|| p.message.clone())
        }),
    };
    Ok(render_status(status, &page))
}

/// `GET /disputes`.
pub async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let notice = match query.get("done").map(String::as_str) {
        Some("saved") => Some("Evidence saved."),
        Some("submitted") => Some("Evidence submitted."),
        _ => None,
    };
    page(&state, &who, notice, None, StatusCode::OK).await
}

/// `POST /disputes/{id}/evidence`: saves the filled fields, and with
/// `submit` submits them.
pub async fn evidence(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    let merchant = who.merchant_or_404()?.to_string();
    let service = service(&state)?;
    let dispute = service
        .dispute(&id, Some(&merchant))
        .await
        .map_err(|_| DashError::NotFound)?;
    who.require(Action::AnswerCustomers)?;
    let fields: Vec<(String, String)> = fields_for(dispute.category)
        .iter()
        .filter_map(|name| {
            form.get(*name)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(|v| (name.to_string(), v.to_string()))
        })
        .collect();
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let input = EvidenceInput {
        fields,
        compelling_evidence_3: None,
    };
    match service
        .save_evidence(&id, Some(&merchant), input, submit, None)
        .await
    {
        Ok(_) => Ok(see_other(if submit {
            "/disputes?done=submitted"
        } else {
            "/disputes?done=saved"
        })),
        Err(e) => {
            let api = crate::routes::after_sales_objects::map_error(e);
            let mut problem = Problem::of(&api);
            // The service names `evidence.<field>`; the form names `<field>`.
            problem.field = problem
                .field
                .map(|f| f.rsplit('.').next().unwrap_or(&f).to_string());
            page(
                &state,
                &who,
                None,
                Some((&id, &form, &problem)),
                api.status(),
            )
            .await
        }
    }
}
