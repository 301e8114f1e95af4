//! Sanctions lists: what is in force (`GET`), and loading a list in its
//! official format (`POST`, operator). A list that does not parse is
//! refused with the part at fault named, and the lists in force stay.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_services::compliance::{ListContent, ListLoad, LoadedList};
use corridor_store::{WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Largest list body (the full OFAC SDN XML is about 30 MB).
pub const MAX_LIST_BODY_BYTES: usize = 64 * 1024 * 1024;

/// OFAC's legacy CSV files, as text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfacCsvFiles {
    /// `sdn.csv`: primary names.
    pub sdn: String,
    /// `alt.csv`: aliases.
    pub alt: Option<String>,
    /// `add.csv`: addresses.
    pub add: Option<String>,
}

/// A list's content: the file's text, or for `ofac_csv` the three files.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ListContentBody {
    /// `ofac_csv`.
    Files(OfacCsvFiles),
    /// Every other format.
    Text(String),
}

/// `POST /v1/sanctions_lists` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadList {
    /// `ofac_csv`, `ofac_xml`, `un_xml`, `eu_csv`, `uk_ofsi_csv` or `simple_csv`.
    pub format: String,
    /// The list.
    pub content: ListContentBody,
    /// The name of an operator list (`simple_csv` only): a-z, 0-9, _.
    #[schema(min_length = 1, max_length = 64)]
    pub name: Option<String>,
}

/// A list in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionsListObject {
    /// Always `sanctions_list`.
    pub object: &'static str,
    /// `ofac_sdn`, `un_consolidated`, `eu`, `uk_ofsi` or the operator list's name.
    pub name: String,
    /// The format it was read from.
    pub format: String,
    /// SHA-256 of its content.
    pub version: String,
    /// Entries.
    pub entries: usize,
    /// Names and aliases.
    pub names: usize,
    /// `snapshot` (embedded in the release) or `operator`.
    pub source: &'static str,
    /// When the operator loaded it.
    #[schema(nullable)]
    pub loaded_at: Option<String>,
}

/// `GET /v1/sanctions_lists`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionsListsResponse {
    /// Lists in force.
    pub data: Vec<SanctionsListObject>,
    /// Always false: every list is shown.
    pub has_more: bool,
    /// The version of all lists together, as screenings record it.
    pub lists_version: String,
}

fn object(l: &LoadedList) -> SanctionsListObject {
    SanctionsListObject {
        object: "sanctions_list",
        name: l.list.name.clone(),
        format: l.list.format.clone(),
        version: l.list.version.clone(),
        entries: l.list.entries.len(),
        names: l.list.name_count(),
        source: l.source,
        loaded_at: l.loaded_at.map(rfc3339),
    }
}

/// The lists in force.
#[utoipa::path(get, path = "/v1/sanctions_lists",
    responses((status = 200, body = SanctionsListsResponse), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<SanctionsListsResponse>> {
    let compliance = state.compliance().clone();
    let (lists, version) =
        tokio::task::spawn_blocking(move || (compliance.lists(), compliance.lists_version().0))
            .await
            .map_err(ApiError::internal)?;
    Ok(Json(SanctionsListsResponse {
        data: lists.iter().map(object).collect(),
        has_more: false,
        lists_version: version,
    }))
}

/// Loads a list (operator): parsed, stored with its content hash, then in
/// force for every screening after this answer.
#[utoipa::path(post, path = "/v1/sanctions_lists", request_body = LoadList,
    responses((status = 201, body = SanctionsListObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody)))]
pub async fn load(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let body: LoadList = crate::json::parse_text_files(&body)?;
    let content = match body.content {
        ListContentBody::Files(f) => ListContent::OfacCsv {
            sdn: f.sdn,
            alt: f.alt,
            add: f.add,
        },
        ListContentBody::Text(t) => ListContent::Text(t),
    };
    let compliance = state.compliance().clone();
    let load = ListLoad {
        format: body.format,
        content,
        name: body.name,
    };
    let (loaded, write, _guard) = compliance
        .prepare_load(load, &actor(&caller))
        .await
        .map_err(map_error)?;
    let rendered = object(&loaded);
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Compliance(Ok(())) => json_response(StatusCode::CREATED, &rendered),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    let response = submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Compliance(Box::new(write)),
        render,
    )
    .await?;
    if response.status() == StatusCode::CREATED {
        tokio::task::spawn_blocking(move || compliance.activate(loaded))
            .await
            .map_err(ApiError::internal)?;
    }
    Ok(response)
}
