//! Dashboard users: create, list, delete. An operator manages every user
//! (the operator's own staff have no merchant); a merchant key manages its
//! own merchant's team.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use corridor_store::{Principal, UserChange, UserRecord, UsersWrite, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;
use crate::users::{check_password, new_user_id, parse_email, parse_role, password};

/// `POST /v1/users` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Sign-in email, unique across Corridor.
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    /// 12 to 128 characters; stored only as an Argon2id hash.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// The merchant whose team the user joins (`mer_...`). A merchant key may
    /// name only itself (or leave it out); an operator leaves it out for its own staff.
    pub merchant: Option<String>,
    /// `admin`, `finance`, `support` or `viewer`.
    #[schema(pattern = "^(admin|finance|support|viewer)$")]
    pub role: String,
}

impl std::fmt::Debug for CreateUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUser")
            .field("email", &self.email)
            .field("merchant", &self.merchant)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A dashboard user. The password never leaves the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserObject {
    /// `usr_...`.
    pub id: String,
    /// Always `user`.
    pub object: &'static str,
    /// Sign-in email (lower case).
    pub email: String,
    /// The merchant, or null for the operator's staff.
    pub merchant: Option<String>,
    /// `admin`, `finance`, `support` or `viewer`.
    pub role: String,
    /// Whether sign-in is refused for now after repeated failures.
    pub locked: bool,
    /// Creation time.
    pub created_at: String,
}

impl UserObject {
    /// The public view of a stored user at `now`.
    pub fn of(u: &UserRecord, now: corridor_core::Timestamp) -> Self {
        UserObject {
            id: u.id.clone(),
            object: "user",
            email: u.email.clone(),
            merchant: u.merchant_id.clone(),
            role: u.role.clone(),
            locked: u.locked_until.is_some_and(|t| t > now),
            created_at: rfc3339(u.created_at),
        }
    }
}

/// The merchant a new user joins, as the caller may name it.
async fn team_of(
    state: &AppState,
    caller: &Caller,
    requested: Option<&str>,
) -> ApiResult<Option<String>> {
    match (&caller.principal, requested) {
        (Principal::Merchant(own), None) => Ok(Some(own.clone())),
        (Principal::Merchant(own), Some(m)) if m == own => Ok(Some(own.clone())),
        (Principal::Merchant(_), Some(other)) => Err(ApiError::invalid(
            "merchant",
            "resource_missing",
            format!("no such merchant: '{other}'"),
        )),
        (Principal::Operator, None) => Ok(None),
        (Principal::Operator, Some(m)) => match state.store().merchant(m).await? {
            Some(_) => Ok(Some(m.to_string())),
            None => Err(ApiError::invalid(
                "merchant",
                "resource_missing",
                format!("no such merchant: '{m}'"),
            )),
        },
    }
}

/// Creates a user who can sign in to the dashboard.
#[utoipa::path(post, path = "/v1/users", request_body = CreateUser,
    responses((status = 201, body = UserObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<Response> {
    let email = parse_email(&body.email)?;
    check_password(&body.password)?;
    let role = parse_role(&body.role)?;
    let merchant = team_of(&state, &caller, body.merchant.as_deref()).await?;
    if state.store().user_by_email(&email).await?.is_some() {
        return Err(email_taken());
    }
    let secret = body.password;
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let user = UserRecord {
        id: new_user_id(),
        email,
        password_hash,
        merchant_id: merchant,
        role: role.code().to_string(),
        failed_sign_ins: 0,
        locked_until: None,
        created_at: state.store().clock().now(),
    };
    let shown = UserObject::of(&user, user.created_at);
    let id = user.id.clone();
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Users => json_response(StatusCode::CREATED, &shown),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    // The detail names the user, never the password or its hash.
    let audit = crate::audit::entry(
        &caller,
        "user.created",
        &user.id,
        serde_json::json!({"email": user.email, "merchant": user.merchant_id, "role": user.role}),
    );
    let write = UsersWrite {
        changes: vec![UserChange::Insert(user)],
    };
    let op = WriteOp::Users(write).audited(vec![audit]);
    let response = submit(&state, idem.map(|e| e.0), op, render).await?;
    // Another request may have taken the email in between: the insert then did nothing.
    if response.status() == StatusCode::CREATED && state.store().user(&id).await?.is_none() {
        return Err(email_taken());
    }
    Ok(response)
}

fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "a user with this email already exists").with_param("email")
}

/// Users, newest first: a merchant key sees its team; an operator sees
/// every user, or one merchant's with `?merchant=`.
#[utoipa::path(get, path = "/v1/users", responses((status = 200, body = ListResponse<UserObject>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<UserObject>>> {
    let params = list_params(&query)?;
    let merchant = match (&caller.principal, params.merchant.as_deref()) {
        (Principal::Operator, None) => None,
        _ => Some(caller.merchant_scope(params.merchant.as_deref())?),
    };
    if let Some(after) = &params.starting_after {
        let visible = state
            .store()
            .user(after)
            .await?
            .is_some_and(|u| merchant.is_none() || u.merchant_id == merchant);
        if !visible {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such user: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .users(
            merchant.as_deref(),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await?;
    let now = state.store().clock().now();
    Ok(Json(ListResponse {
        data: page.items.iter().map(|u| UserObject::of(u, now)).collect(),
        has_more: page.has_more,
    }))
}

/// Removes a user and ends their sessions.
#[utoipa::path(delete, path = "/v1/users/{id}", params(("id" = String, Path)),
    responses((status = 200, body = UserObject), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let user = state
        .store()
        .user(&id)
        .await?
        .filter(|u| match &caller.principal {
            Principal::Operator => true,
            Principal::Merchant(own) => u.merchant_id.as_deref() == Some(own),
        })
        .ok_or_else(|| ApiError::not_found("user", &id))?;
    let audit = crate::audit::entry(
        &caller,
        "user.deleted",
        &user.id,
        serde_json::json!({"email": user.email, "merchant": user.merchant_id, "role": user.role}),
    );
    let write = UsersWrite {
        changes: vec![UserChange::Delete {
            id: user.id.clone(),
        }],
    };
    state
        .store()
        .writer()
        .submit(corridor_store::WriteRequest {
            op: WriteOp::Users(write).audited(vec![audit]),
            idempotency: None,
        })
        .await?;
    let now = state.store().clock().now();
    Ok((StatusCode::OK, Json(UserObject::of(&user, now))).into_response())
}
