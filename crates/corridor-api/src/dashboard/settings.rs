//! `/settings`: the signed-in user's account and their team; an admin adds
//! team members (through the API's own `POST /v1/users` handler, so the same
//! checks apply and each refused field is shown next to it) and removes
//! them (through `DELETE /v1/users/{id}`, which ends their sessions; never
//! themselves, never another team's user).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use corridor_store::Principal;
use serde_json::json;

use super::forms::Problem;
use super::page::{render_status, see_other, DashError, Frame};
use super::session::SignedIn;
use crate::auth::Caller;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::users::Action;

/// Team members listed.
const MAX_TEAM: usize = 100;

/// One team member.
pub struct MemberRow {
    /// `usr_...`.
    pub id: String,
    /// The signed-in user themself (who cannot remove themself).
    pub is_you: bool,
    /// Email.
    pub email: String,
    /// Role.
    pub role: String,
}

#[derive(Template)]
#[template(path = "dashboard/settings.html")]
struct SettingsPage {
    frame: Frame,
    team_of: String,
    team: Vec<MemberRow>,
    can_manage: bool,
    typed_email: String,
    problem: Option<Problem>,
    notice: Option<&'static str>,
}

impl SettingsPage {
    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problem.as_ref().and_then(|p| p.for_field(field))
    }

    fn general_problem(&self) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| !matches!(p.field.as_deref(), Some("email" | "password" | "role")))
            .map(|p| p.message.as_str())
    }
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    typed_email: String,
    problem: Option<Problem>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, DashError> {
    let users = state.store().users(who.merchant(), MAX_TEAM, None).await?;
    let team_of = match who.merchant() {
        Some(m) => match state.store().merchant(m).await? {
            Some(record) => record.legal_name,
            None => m.to_string(),
        },
        None => "the operator".to_string(),
    };
    let view = SettingsPage {
        frame: Frame::new(who, "Settings", "settings"),
        team_of,
        team: users
            .items
            .iter()
            .filter(|u| u.merchant_id.as_deref() == who.merchant())
            .map(|u| MemberRow {
                id: u.id.clone(),
                is_you: u.id == who.user.id,
                email: u.email.clone(),
                role: u.role.clone(),
            })
            .collect(),
        can_manage: who.role.may(Action::ManageTeam),
        typed_email,
        problem,
        notice,
    };
    Ok(render_status(status, &view))
}

/// `GET /settings`.
pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, DashError> {
    let notice = super::page::done_notice(&query, "added", "User added.")
        .or_else(|| super::page::done_notice(&query, "removed", "User removed."));
    page(&state, &who, String::new(), None, notice, StatusCode::OK).await
}

/// `POST /settings/users`: adds a member to the team.
pub async fn add_user(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    who.require(Action::ManageTeam)?;
    let text = |k: &str| form.get(k).cloned().unwrap_or_default();
    let body = json!({"email": text("email"), "password": text("password"), "role": text("role")});
    let result = match crate::json::parse(body.to_string().as_bytes()) {
        Ok(parsed) => {
            crate::routes::users::create(State(state.clone()), caller(&who), None, ApiJson(parsed))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) if r.status().is_success() => Ok(see_other("/settings?done=added")),
        Ok(r) => Err(DashError::Internal(format!(
            "user creation answered {}",
            r.status()
        ))),
        Err(e) => {
            let status = e.status();
            page(
                &state,
                &who,
                text("email"),
                Some(Problem::of(&e)),
                None,
                status,
            )
            .await
        }
    }
}

/// The API caller a dashboard user acts as: their merchant, or the operator
/// for the operator's staff.
fn caller(who: &SignedIn) -> Caller {
    Caller {
        principal: match who.merchant() {
            Some(m) => Principal::Merchant(m.to_string()),
            None => Principal::Operator,
        },
    }
}

/// `POST /settings/users/{id}/remove`: an admin removes a member of their
/// own team (not themself); the page then lists the team without them.
pub async fn remove_user(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    who.check_csrf(form.get("csrf"))?;
    who.require(Action::ManageTeam)?;
    let refused = |status: StatusCode, message: &str| (status, Problem::field("user", message));
    let refusal = if id == who.user.id {
        Some(refused(
            StatusCode::BAD_REQUEST,
            "You cannot remove yourself: another admin of the team can.",
        ))
    } else {
        match state.store().user(&id).await? {
            // The operator's staff are users without a merchant: an operator
            // admin removes only those here, a merchant's admin only theirs.
            Some(u) if u.merchant_id.as_deref() == who.merchant() => None,
            _ => Some(refused(
                StatusCode::NOT_FOUND,
                "No such member of your team: they may have been removed already.",
            )),
        }
    };
    if let Some((status, problem)) = refusal {
        return page(&state, &who, String::new(), Some(problem), None, status).await;
    }
    match crate::routes::users::delete(State(state.clone()), caller(&who), Path(id)).await {
        Ok(r) if r.status().is_success() => Ok(see_other("/settings?done=removed")),
        Ok(r) => Err(DashError::Internal(format!(
            "user removal answered {}",
            r.status()
        ))),
        Err(e) => {
            let status = e.status();
            page(
                &state,
                &who,
                String::new(),
                Some(Problem::of(&e)),
                None,
                status,
            )
            .await
        }
    }
}
