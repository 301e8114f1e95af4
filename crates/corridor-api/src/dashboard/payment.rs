//! `/payments/{id}`: one payment with the timeline of its attempts, its
//! refunds, and the refund and capture buttons the user's role allows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::format_minor;
use corridor_core::payments::status::PaymentStatus;
use corridor_services::after_sales::{Answered, RefundInput};
use corridor_store::PaymentRecord;

use super::forms::{parse_major, Problem};
use super::page::{render_status, see_other, DashError, Frame};
use super::session::SignedIn;
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use crate::users::Action;

/// Refunds listed on the page (newest of the merchant's, this payment's).
const MAX_REFUNDS_READ: usize = 100;

/// One attempt in the timeline.
pub struct Step {
    /// When.
    pub at: String,
    /// The connector.
    pub connector: String,
    /// Its outcome.
    pub outcome: String,
    /// Decline or error code.
    pub code: String,
    /// From the attempt's start to its provider's answer (`–` while open).
    pub latency: String,
}

/// An attempt's latency in milliseconds, or `–` while no answer is recorded.
fn latency(a: &corridor_store::AttemptRecord) -> String {
    a.answered_at.map_or_else(
        || "–".to_string(),
        |at| {
            let micros = at.unix_micros().saturating_sub(a.created_at.unix_micros());
            format!("{} ms", micros.max(0) / 1_000)
        },
    )
}

/// One refund.
pub struct RefundRow {
    /// `re_...`.
    pub id: String,
    /// Formatted amount.
    pub amount: String,
    /// Status.
    pub status: String,
    /// When.
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "dashboard/payment.html")]
struct PaymentPage {
    frame: Frame,
    id: String,
    status: String,
    amount: String,
    captured: String,
    refunded: String,
    fee: String,
    country: String,
    method: String,
    card: String,
    created_at: String,
    decline_code: String,
    description: String,
    steps: Vec<Step>,
    refunds: Vec<RefundRow>,
    can_refund: bool,
    can_capture: bool,
    notice: Option<&'static str>,
    problem: Option<Problem>,
    refund_amount: String,
}

impl PaymentPage {
    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problem.as_ref().and_then(|p| p.for_field(field))
    }

    fn general_problem(&self) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| !matches!(p.field.as_deref(), Some("amount")))
            .map(|p| p.message.as_str())
    }
}

/// The payment if it is this user's merchant's; the same 404 otherwise.
async fn owned(state: &AppState, who: &SignedIn, id: &str) -> Result<PaymentRecord, DashError> {
    let merchant = who.merchant_or_404()?;
    state
        .store()
        .payment(id)
        .await?
        .filter(|p| p.merchant_id == merchant)
        .ok_or(DashError::NotFound)
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    p: PaymentRecord,
    notice: Option<&'static str>,
    problem: Option<Problem>,
    refund_amount: String,
) -> Result<PaymentPage, DashError> {
    let attempts = state.store().payment_attempts(&p.id).await?;
    let refunds = match state.after_sales() {
        Some(service) => service
            .refunds(Some(&p.merchant_id), MAX_REFUNDS_READ, None)
            .await
            .map_err(|e| DashError::Internal(e.to_string()))?
            .0
            .into_iter()
            .filter(|r| r.payment_id == p.id)
            .map(|r| RefundRow {
                id: r.id,
                amount: format_minor(r.amount.minor(), r.currency),
                status: r.status.code().to_string(),
                created_at: rfc3339(r.created_at),
            })
            .collect(),
        None => Vec::new(),
    };
    let refundable = p.status == PaymentStatus::Succeeded && p.amount_refunded < p.amount_captured;
    Ok(PaymentPage {
        frame: Frame::new(who, &format!("Payment {}", p.id), "payments"),
        id: p.id.clone(),
        status: p.status.code().to_string(),
        amount: format_minor(p.amount, p.currency),
        captured: format_minor(p.amount_captured, p.currency),
        refunded: format_minor(p.amount_refunded, p.currency),
        fee: format_minor(p.fee, p.currency),
        country: p.country.clone(),
        method: p.method_type.code().to_string(),
        card: p
            .card
            .as_ref()
            .map(|c| format!("{} •••• {}", c.brand, c.last4))
            .unwrap_or_default(),
        created_at: rfc3339(p.created_at),
        decline_code: p.decline_code.clone().unwrap_or_default(),
        description: p.description.clone().unwrap_or_default(),
        steps: attempts
            .iter()
            .map(|a| Step {
                at: rfc3339(a.created_at),
                connector: a.connector.clone(),
                outcome: a.outcome.code().to_string(),
                code: a.code.clone().unwrap_or_default(),
                latency: latency(a),
            })
            .collect(),
        refunds,
        can_refund: refundable && who.role.may(Action::Refund),
        can_capture: p.status == PaymentStatus::RequiresCapture && who.role.may(Action::Capture),
        notice,
        problem,
        refund_amount,
    })
}

/// `GET /payments/{id}`.
pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let p = owned(&state, &who, &id).await?;
    let notice = match query.get("done").map(String::as_str) {
        Some("refund") => Some("Refund created."),
        Some("capture") => Some("Payment captured."),
        _ => None,
    };
    let page = page(&state, &who, p, notice, None, String::new()).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// `POST /payments/{id}/refund`: refunds the typed amount, or everything left.
pub async fn refund(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    let p = owned(&state, &who, &id).await?;
    who.require(Action::Refund)?;
    let typed = form
        .get("amount")
        .map(|a| a.trim().to_string())
        .unwrap_or_default();
    let amount = if typed.is_empty() {
        None
    } else {
        match parse_major(&typed, p.currency) {
            Ok(minor) if minor > 0 => Some(minor),
            Ok(_) => {
                return refused(
                    &state,
                    &who,
                    p,
                    Problem::field("amount", "Enter an amount above zero."),
                    StatusCode::BAD_REQUEST,
                    typed,
                )
                .await
            }
            Err(e) => {
                return refused(
                    &state,
                    &who,
                    p,
                    Problem::field("amount", e),
                    StatusCode::BAD_REQUEST,
                    typed,
                )
                .await
            }
        }
    };
    let reason = form.get("reason").filter(|r| !r.is_empty()).cloned();
    let Some(service) = state.after_sales() else {
        return refused(
            &state,
            &who,
            p,
            Problem {
                field: None,
                message: "No payment providers are configured.".into(),
            },
            StatusCode::SERVICE_UNAVAILABLE,
            typed,
        )
        .await;
    };
    let input = RefundInput {
        merchant_id: p.merchant_id.clone(),
        payment: p.id.clone(),
        amount,
        reason,
        bank_account: None,
    };
    match service.create_refund(input, None).await {
        Ok(Answered::Done(_)) | Ok(Answered::Replayed(_)) => {
            Ok(see_other(&format!("/payments/{}?done=refund", p.id)))
        }
        Err(e) => {
            let api = crate::routes::after_sales_objects::map_error(e);
            let status = api.status();
            refused(&state, &who, p, Problem::of(&api), status, typed).await
        }
    }
}

/// `POST /payments/{id}/capture`: captures the authorized amount.
pub async fn capture(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    let p = owned(&state, &who, &id).await?;
    who.require(Action::Capture)?;
    let Some(service) = state.payments() else {
        return refused(
            &state,
            &who,
            p,
            Problem {
                field: None,
                message: "No payment providers are configured.".into(),
            },
            StatusCode::SERVICE_UNAVAILABLE,
            String::new(),
        )
        .await;
    };
    match service
        .capture(&p.id, Some(&p.merchant_id), None, None)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/payments/{}?done=capture", p.id))),
        Err(e) => {
            let api = crate::routes::payments::map_error(e);
            let status = api.status();
            refused(&state, &who, p, Problem::of(&api), status, String::new()).await
        }
    }
}

async fn refused(
    state: &AppState,
    who: &SignedIn,
    p: PaymentRecord,
    problem: Problem,
    status: StatusCode,
    typed: String,
) -> Result<Response, DashError> {
    // The payment may have changed meanwhile: show it as it is now.
    let current = state.store().payment(&p.id).await?.unwrap_or(p);
    let page = page(state, who, current, None, Some(problem), typed).await?;
    Ok(render_status(status, &page))
}
