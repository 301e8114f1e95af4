//! `/complaints`: complaints with the market's answer deadline and the time left.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::home::countdown;
use super::page::{render, DashError, Frame};
use super::session::{seconds_until, SignedIn};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// One complaint as listed.
pub struct ComplaintView {
    /// `cmp_...`.
    pub id: String,
    /// The payment.
    pub payment_id: String,
    /// Status.
    pub status: String,
    /// Category.
    pub category: String,
    /// The market and the rule that sets the deadline.
    pub rule: String,
    /// Received.
    pub received_at: String,
    /// Answer due by.
    pub respond_by: String,
    /// Time left (empty once resolved).
    pub time_left: String,
    /// Seconds left for the live countdown.
    pub seconds_left: i64,
}

#[derive(Template)]
#[template(path = "dashboard/complaints.html")]
struct ComplaintsPage {
    frame: Frame,
    complaints: Vec<ComplaintView>,
}

/// `GET /complaints`.
pub async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, DashError> {
    let merchant = who.merchant_or_404()?;
    let Some(service) = state.after_sales() else {
        return Err(DashError::Internal("no after-sales service".into()));
    };
    let (complaints, _) = service
        .complaints(Some(merchant), crate::routes::MAX_PAGE, None)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    let now = state.store().clock().now();
    let page = ComplaintsPage {
        frame: Frame::new(&who, "Complaints", "complaints"),
        complaints: complaints
            .iter()
            .map(|c| {
                let open = c.resolved_at.is_none();
                let left = seconds_until(now, c.respond_by);
                ComplaintView {
                    id: c.id.clone(),
                    payment_id: c.payment_id.clone(),
                    status: c.status.code().to_string(),
                    category: c.category.code().to_string(),
                    rule: format!("{}: {}", c.country, c.rule),
                    received_at: rfc3339(c.received_at),
                    respond_by: rfc3339(c.respond_by),
                    time_left: if open { countdown(left) } else { String::new() },
                    seconds_left: left,
                }
            })
            .collect(),
    };
    Ok(render(&page))
}
