//! Versioned operator documents (routing rules, fee schedules, compliance
//! rules): each `PUT` stores the next version whole, each `GET` shows the
//! latest. The document's own route validates it and puts it in force.

use axum::http::StatusCode;
use axum::response::Response;
use corridor_core::Timestamp;
use corridor_store::{SettingsVersionRecord, SettingsWrite, WriteOp, WriteOutcome};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// A stored version of a document.
#[derive(Debug)]
pub struct Stored<T> {
    /// Its version, from 1.
    pub version: i64,
    /// The document as it was put.
    pub body: T,
    /// When it was put (RFC 3339).
    pub created_at: String,
}

/// The latest stored version of `kind`, decoded; `None` before the first.
pub async fn latest<T: DeserializeOwned>(
    state: &AppState,
    kind: &str,
) -> ApiResult<Option<Stored<T>>> {
    state
        .store()
        .latest_settings(kind)
        .await?
        .map(|v| {
            Ok(Stored {
                version: v.version,
                body: serde_json::from_str(&v.body).map_err(ApiError::internal)?,
                created_at: rfc3339(v.created_at),
            })
        })
        .transpose()
}

/// The version the next `PUT` of `kind` stores. Call under the lock that
/// serialises the document's changes.
pub async fn next_version(state: &AppState, kind: &str) -> ApiResult<i64> {
    Ok(state
        .store()
        .latest_settings(kind)
        .await?
        .map_or(0, |v| v.version)
        + 1)
}

/// Stores `body` as `version` of `kind`, put at `now` by `caller`, with
/// its audit record (`<kind>.updated`, the document as detail: operator
/// documents hold no secret) in the same write, answering 200 with `shown`
/// once it is durable.
pub async fn store<S>(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    version: i64,
    now: Timestamp,
    body: &impl Serialize,
    shown: S,
) -> ApiResult<Response>
where
    S: Serialize + Send + Sync + 'static,
{
    let document = serde_json::to_value(body).map_err(ApiError::internal)?;
    let audit = crate::audit::entry(
        caller,
        &format!("{kind}.updated"),
        &format!("{kind}:{version}"),
        serde_json::json!({"version": version, "document": document}),
    );
    let record = SettingsVersionRecord {
        kind: kind.into(),
        version,
        body: document.to_string(),
        created_at: now,
    };
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Settings => json_response(StatusCode::OK, &shown),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    let write = SettingsWrite {
        versions: vec![record],
        ..SettingsWrite::default()
    };
    submit(
        state,
        None,
        WriteOp::Settings(write).audited(vec![audit]),
        render,
    )
    .await
}
