//! Payout batches and bank files (operators): a batch reserves pending
//! payouts durably before its pain.001 exists; the file marks them in
//! transit before it is served; the bank's pain.002 and camt.054 files move
//! them on. In sandbox mode the simulated bank takes files and answers.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use corridor_connectors::bank::BankAnswers;
use corridor_store::{
    PayoutBatchRecord, RefusalCode, WriteOp, WriteOutcome, WriteRequest, WriteResult,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::beneficiaries::map_error;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Largest bank file accepted (a pain.002 or camt.054 for 100,000
/// transactions is about 40 MB).
pub const MAX_BANK_FILE_BYTES: usize = 64 * 1024 * 1024;

/// `POST /v1/payout_batches` body (may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBatch {
    /// `sepa`, `local`, `swift_sha` or `swift_our`; all rails when omitted.
    pub rail: Option<String>,
    /// Instructed (beneficiary) currency; all when omitted.
    pub currency: Option<String>,
}

/// A payout batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchObject {
    /// `pob_...` (the file's message id).
    pub id: String,
    /// Always `payout_batch`.
    pub object: &'static str,
    /// `created` (payouts reserved) or `file_generated` (in transit).
    pub status: String,
    /// The rail, when the batch holds one.
    #[schema(nullable)]
    pub rail: Option<String>,
    /// The instructed currency, when the batch holds one.
    #[schema(nullable)]
    pub currency: Option<String>,
    /// The payouts, in file order.
    pub payouts: Vec<String>,
    /// Sum of the instructed amounts (minor units; across currencies when mixed).
    pub control_sum: i64,
    /// Latest requested execution date of its blocks.
    pub execution_date: String,
    /// Creation time.
    pub created_at: String,
}

fn object(b: &PayoutBatchRecord, payouts: Vec<String>) -> BatchObject {
    BatchObject {
        id: b.id.clone(),
        object: "payout_batch",
        status: b.status.clone(),
        rail: b.rail.clone(),
        currency: b.currency.map(|c| c.code().to_string()),
        payouts,
        control_sum: b.control_sum,
        execution_date: b.execution_date.clone(),
        created_at: rfc3339(b.created_at),
    }
}

/// Batches every pending payout of a rail and currency (all when omitted).
#[utoipa::path(post, path = "/v1/payout_batches", request_body(content = Option<CreateBatch>, description = "Optional: without a body every pending payout is batched"),
    responses((status = 201, body = BatchObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Response> {
    caller.require_operator()?;
    // No body, or `null`, batches every pending payout.
    let body: CreateBatch =
        if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
            CreateBatch::default()
        } else {
            crate::json::parse(&body)?
        };
    let now = state.store().clock().now();
    let prepared = state
        .payouts()
        .prepare_batch(body.rail.as_deref(), body.currency.as_deref(), now)
        .await
        .map_err(map_error)?;
    let ids: Vec<String> = prepared
        .write
        .changes
        .iter()
        .map(|c| c.payout.id.clone())
        .collect();
    let mut batch = prepared.batch;
    batch.version = 1;
    let audit = crate::audit::entry(
        &caller,
        "payout_batch.created",
        &batch.id,
        serde_json::json!({"payouts": ids.len(), "rail": body.rail, "currency": body.currency}),
    );
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Payouts(Ok(_)) => {
            json_response(StatusCode::CREATED, &object(&batch, ids.clone()))
        }
        WriteOutcome::Payouts(Err(r)) if r.code == RefusalCode::VersionConflict => {
            error_response(&ApiError::conflict(
                "batch_conflict",
                "a payout changed (or joined another batch) while this batch was made; try again",
            ))
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Payouts(Box::new(prepared.write)).audited(vec![audit]),
        render,
    )
    .await
}

/// A payout batch.
#[utoipa::path(get, path = "/v1/payout_batches/{id}", params(("id" = String, Path)),
    responses((status = 200, body = BatchObject), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BatchObject>> {
    caller.require_operator()?;
    let batch = state.payouts().batch(&id).await.map_err(map_error)?;
    let payouts = state.store().payouts_of_batch(&id).await?;
    Ok(Json(object(
        &batch,
        payouts.into_iter().map(|p| p.id).collect(),
    )))
}

/// Makes the batch's file, first writing durably that its payouts are in
/// transit. The same batch always gives the same file.
async fn file_of(state: &AppState, caller: &Caller, id: &str) -> ApiResult<String> {
    let service = state.payouts();
    let batch = service.batch(id).await.map_err(map_error)?;
    let prepared = service.prepare_file(&batch).await.map_err(map_error)?;
    if let Some(mut write) = prepared.write {
        super::payouts::add_events(&mut write, |c| c.payout.status == "in_transit");
        let audit = crate::audit::entry(
            caller,
            "payout_batch.file_generated",
            id,
            serde_json::json!({"payouts": write.changes.len()}),
        );
        let result = state
            .store()
            .writer()
            .submit(WriteRequest {
                op: WriteOp::Payouts(Box::new(write)).audited(vec![audit]),
                idempotency: None,
            })
            .await?;
        match result {
            WriteResult::Done {
                outcome: WriteOutcome::Payouts(Ok(_)),
                ..
            } => {}
            WriteResult::Done {
                outcome: WriteOutcome::Payouts(Err(r)),
                ..
            } if r.code == RefusalCode::VersionConflict => {
                return Err(ApiError::conflict(
                    "batch_conflict",
                    "the batch changed while its file was made; try again",
                ))
            }
            other => return Err(ApiError::internal(format!("unexpected result {other:?}"))),
        }
    }
    Ok(prepared.xml)
}

/// The batch as an ISO 20022 pain.001.001.09 file.
#[utoipa::path(get, path = "/v1/payout_batches/{id}/pain001", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/xml", body = String, description = "pain.001.001.09"),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn pain001(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let xml = file_of(&state, &caller, &id).await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        xml,
    )
        .into_response())
}

/// Applies a bank file: pain.002 (001.03 or 001.12) or camt.054. The same
/// file twice changes nothing (`duplicate: true`).
#[utoipa::path(post, path = "/v1/bank_files", request_body(content = String, content_type = "application/xml", description = "a pain.002.001.03, pain.002.001.12 or camt.054 document"),
    responses((status = 200, body = Object, description = "what the file did"), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn bank_file(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid("body", "bank_file_malformed", "the file is not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid(
            "body",
            "bank_file_malformed",
            "the body must be a pain.002 or camt.054 XML document",
        ));
    }
    let now = state.store().clock().now();
    let prepared = state
        .payouts()
        .prepare_bank_file(text, now)
        .await
        .map_err(map_error)?;
    let Some(mut write) = prepared.write else {
        return Ok((StatusCode::OK, Json(prepared.applied.to_json())).into_response());
    };
    let applied = prepared.applied;
    let file = applied.to_json();
    let audit = crate::audit::entry(
        &caller,
        "bank_file.applied",
        file["id"].as_str().unwrap_or_default(),
        serde_json::json!({
            "kind": file["kind"], "message_id": file["message_id"],
            "updates": applied.updates.len(),
        }),
    );
    let moved: std::collections::HashSet<String> = applied
        .updates
        .iter()
        .filter(|u| u.from != u.to)
        .map(|u| u.payout.clone())
        .collect();
    super::payouts::add_events(&mut write, |c| moved.contains(&c.payout.id));
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Payouts(Ok(_)) => json_response(StatusCode::OK, &applied.to_json()),
        WriteOutcome::Payouts(Err(r)) if r.code == RefusalCode::BankFileAlreadyApplied => {
            let mut dup = applied.clone();
            dup.duplicate = true;
            dup.updates.clear();
            json_response(StatusCode::OK, &dup.to_json())
        }
        WriteOutcome::Payouts(Err(r)) => error_response(&ApiError::conflict(
            "bank_file_conflict",
            format!("{}; apply the file again", r.message),
        )),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Payouts(Box::new(write)).audited(vec![audit]),
        render,
    )
    .await
}

/// `POST /v1/test_helpers/bank/pain001` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBatch {
    /// The batch whose file the simulated bank takes.
    pub batch: String,
}

/// Sandbox: hands a batch's pain.001 to the simulated bank.
#[utoipa::path(post, path = "/v1/test_helpers/bank/pain001", request_body = SendBatch,
    responses((status = 200, body = Object, description = "the bank's receipt"), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn send_to_bank(
    State(state): State<AppState>,
    caller: Caller,
    crate::json::ApiJson(body): crate::json::ApiJson<SendBatch>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require_operator()?;
    let xml = file_of(&state, &caller, &body.batch).await?;
    let received = state
        .payouts()
        .bank()
        .accept(&xml, |c| {
            corridor_core::Currency::parse(c).ok().map(|c| c.exponent())
        })
        .map_err(|e| ApiError::invalid("batch", "bank_refused", e.0))?;
    Ok(Json(serde_json::json!({
        "object": "bank_receipt",
        "message_id": received.message_id,
        "transactions": received.transfers.len(),
    })))
}

/// `POST /v1/test_helpers/bank/answers` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAnswersBody {
    /// The batch the bank received.
    pub batch: String,
    /// End-to-end id → reject reason code (`AC01`, `AC04`, `AM04`, ...).
    #[serde(default)]
    pub rejects: HashMap<String, String>,
    /// End-to-end id → return reason code, for transfers booked then returned.
    #[serde(default)]
    pub returns: HashMap<String, String>,
    /// `001.03` or `001.12` (default).
    pub pain002_version: Option<String>,
}

/// The simulated bank's answers to a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankAnswersObject {
    /// pain.002 status report.
    pub pain002: String,
    /// camt.054 notification.
    pub camt054: String,
}

/// Sandbox: the simulated bank answers a file it received with a pain.002
/// and a camt.054, rejecting and returning the transfers named.
#[utoipa::path(post, path = "/v1/test_helpers/bank/answers", request_body = BankAnswersBody,
    responses((status = 200, body = BankAnswersObject), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn bank_answers(
    State(state): State<AppState>,
    caller: Caller,
    crate::json::ApiJson(body): crate::json::ApiJson<BankAnswersBody>,
) -> ApiResult<Json<BankAnswersObject>> {
    caller.require_operator()?;
    let version = match body.pain002_version.as_deref() {
        None | Some("001.12") => 12,
        Some("001.03") => 3,
        Some(other) => {
            return Err(ApiError::invalid(
                "pain002_version",
                "parameter_invalid",
                format!("pain002_version is '001.03' or '001.12', not '{other}'"),
            ))
        }
    };
    let bank = state.payouts().bank();
    let Some(file) = bank.file(&body.batch) else {
        return Err(ApiError::not_found("bank file", &body.batch));
    };
    for (param, map) in [("rejects", &body.rejects), ("returns", &body.returns)] {
        for (e2e, code) in map {
            if !file.transfers.iter().any(|t| &t.end_to_end_id == e2e) {
                return Err(ApiError::invalid(
                    param,
                    "resource_missing",
                    format!("'{e2e}' is not in the file"),
                ));
            }
            if code.is_empty() || code.len() > 4 || !code.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(ApiError::invalid(
                    param,
                    "parameter_invalid",
                    "a reason code is 1-4 letters or digits",
                ));
            }
        }
    }
    let now = state.store().clock().now();
    let iso_now = corridor_services::payouts::value_date::iso_datetime(now);
    let booking = iso_now[..10].to_string();
    let answers = BankAnswers {
        rejects: body.rejects,
        returns: body.returns,
    };
    let pain002 = bank
        .status_report(&body.batch, &answers, version, &iso_now)
        .ok_or_else(|| ApiError::not_found("bank file", &body.batch))?;
    let camt054 = bank
        .notification(&body.batch, &answers, &booking, &iso_now)
        .ok_or_else(|| ApiError::not_found("bank file", &body.batch))?;
    Ok(Json(BankAnswersObject { pain002, camt054 }))
}
