//! `POST/GET /v1/connectors`, `GET/PATCH/DELETE /v1/connectors/{id}`:
//! the operator's payment provider connections. Credentials are sealed at
//! rest and never returned or logged.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_connectors::adyen::notification::HmacKey;
use corridor_store::{ConnectorRecord, SettingsWrite, WriteOp, WriteOutcome};
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registry::{Credentials, Registry};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::routes::ListResponse;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Longest connector name.
pub const NAME_LEN_MAX: usize = 64;
/// Longest credential value.
pub const SECRET_LEN_MAX: usize = 1024;
/// Longest merchant account (Adyen's limit).
pub const MERCHANT_ACCOUNT_LEN_MAX: usize = 80;
/// Longest URL.
pub const URL_LEN_MAX: usize = 2048;
/// Adyen's Checkout test endpoint, the default `base_url` of an Adyen connector.
pub const ADYEN_TEST_URL: &str = "https://checkout-test.adyen.com/v71";

/// Credentials of a connector. Adyen: `api_key` and `hmac_key` are required.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialsInput {
    /// The provider's API key (Adyen: the web service user's `X-API-Key`).
    #[schema(max_length = 1024)]
    pub api_key: Option<String>,
    /// Adyen: the webhook's HMAC key, 64-128 hexadecimal characters.
    #[schema(pattern = "^[0-9A-Fa-f]{64,128}$")]
    pub hmac_key: Option<String>,
    /// Adyen: the basic-auth user the webhook sends, if configured.
    #[schema(max_length = 1024)]
    pub notification_username: Option<String>,
    /// Adyen: the basic-auth password the webhook sends, if configured.
    #[schema(max_length = 1024)]
    pub notification_password: Option<String>,
}

/// `POST /v1/connectors` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConnector {
    /// `adyen` or `sandbox` (a `corridor sandbox` server's provider).
    #[serde(rename = "type")]
    #[schema(example = "adyen")]
    pub kind: String,
    /// Unique name routing rules use: 1-64 of `a-z 0-9 _ -`. A `sandbox`
    /// connector's name is the provider's at its server.
    #[schema(pattern = "^[a-z0-9_-]{1,64}$")]
    pub name: String,
    /// The provider's API base. Adyen: default `https://checkout-test.adyen.com/v71`.
    /// Sandbox: required.
    #[schema(max_length = 2048)]
    pub base_url: Option<String>,
    /// Adyen: the merchant account (required).
    #[schema(max_length = 80)]
    pub merchant_account: Option<String>,
    /// Adyen: where buyers return after a redirect or 3DS (required).
    #[schema(max_length = 2048)]
    pub return_url: Option<String>,
    /// Adyen: send raw card numbers (only for a PCI DSS certified
    /// integration). Default false: cards need the encrypted fields.
    pub raw_card_data: Option<bool>,
    /// The provider's credentials (Adyen: required).
    pub credentials: Option<CredentialsInput>,
    /// Takes payments (default true).
    pub enabled: Option<bool>,
}

/// `PATCH /v1/connectors/{id}` body: any subset; `credentials` replaces the
/// credentials whole (rotation: the previous HMAC key keeps verifying).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConnector {
    /// New API base.
    #[schema(max_length = 2048)]
    pub base_url: Option<String>,
    /// New merchant account.
    #[schema(max_length = 80)]
    pub merchant_account: Option<String>,
    /// New return URL.
    #[schema(max_length = 2048)]
    pub return_url: Option<String>,
    /// Raw card data on or off.
    pub raw_card_data: Option<bool>,
    /// New credentials.
    pub credentials: Option<CredentialsInput>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// A connector, without its secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectorObject {
    /// `conn_...`.
    pub id: String,
    /// Always `connector`.
    pub object: &'static str,
    /// `adyen` or `sandbox`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its name in routing.
    pub name: String,
    /// The provider's API base.
    pub base_url: Option<String>,
    /// The merchant account.
    pub merchant_account: Option<String>,
    /// Where buyers return.
    pub return_url: Option<String>,
    /// Raw card numbers are sent.
    pub raw_card_data: bool,
    /// Takes payments.
    pub enabled: bool,
    /// Which credentials are set (names only, never values).
    pub credentials_set: Vec<String>,
    /// Where the provider's notifications go (relative to the API).
    pub notification_path: String,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl ConnectorObject {
    /// The API shape of a row.
    pub fn from_record(r: &ConnectorRecord, credentials: &Credentials) -> Self {
        ConnectorObject {
            id: r.id.clone(),
            object: "connector",
            kind: r.kind.clone(),
            name: r.name.clone(),
            base_url: r.base_url.clone(),
            merchant_account: r.merchant_account.clone(),
            return_url: r.return_url.clone(),
            raw_card_data: r.raw_card_data,
            enabled: r.enabled,
            credentials_set: credentials
                .fields_set()
                .into_iter()
                .map(str::to_string)
                .collect(),
            notification_path: format!("/v1/connectors/{}/notifications", r.id),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

fn registry(state: &AppState) -> ApiResult<&std::sync::Arc<Registry>> {
    state
        .connector_registry()
        .ok_or_else(|| ApiError::unavailable("connectors are not configured on this server"))
}

fn check_url(param: &str, url: &str) -> ApiResult<()> {
    let invalid = |why: &str| ApiError::invalid(param, "url_invalid", format!("{param} {why}"));
    if url.len() > URL_LEN_MAX || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(
            "must be a URL of at most 2048 characters without spaces",
        ));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid("must be an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("must be an http(s) URL with a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("must not carry credentials"));
    }
    Ok(())
}

fn check_secret(param: &str, value: &Option<String>) -> ApiResult<()> {
    if let Some(v) = value {
        if v.is_empty() || v.len() > SECRET_LEN_MAX || v.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                param,
                "parameter_invalid",
                format!("{param} is 1-{SECRET_LEN_MAX} characters without control characters"),
            ));
        }
    }
    Ok(())
}

/// Checks credentials for a connector type and turns them into what is sealed.
fn credentials_for(kind: &str, input: Option<CredentialsInput>) -> ApiResult<Credentials> {
    match kind {
        "adyen" => {
            let input = input.ok_or_else(|| {
                ApiError::invalid(
                    "credentials",
                    "parameter_missing",
                    "an Adyen connector needs credentials: {api_key, hmac_key}",
                )
            })?;
            check_secret("credentials.api_key", &input.api_key)?;
            check_secret(
                "credentials.notification_username",
                &input.notification_username,
            )?;
            check_secret(
                "credentials.notification_password",
                &input.notification_password,
            )?;
            if input.api_key.is_none() {
                return Err(ApiError::invalid(
                    "credentials.api_key",
                    "parameter_missing",
                    "an Adyen connector needs its API key",
                ));
            }
            let hmac = input.hmac_key.as_deref().ok_or_else(|| {
                ApiError::invalid(
                    "credentials.hmac_key",
                    "parameter_missing",
                    "an Adyen connector needs its webhook HMAC key",
                )
            })?;
            HmacKey::parse_hex(hmac).map_err(|e| {
                ApiError::invalid("credentials.hmac_key", "parameter_invalid", e.to_string())
            })?;
            if input.notification_username.is_some() != input.notification_password.is_some() {
                return Err(ApiError::invalid(
                    "credentials.notification_password",
                    "parameter_invalid",
                    "notification_username and notification_password go together",
                ));
            }
            Ok(Credentials {
                api_key: input.api_key,
                hmac_key: input.hmac_key,
                previous_hmac_key: None,
                notification_username: input.notification_username,
                notification_password: input.notification_password,
            })
        }
        _ => match input {
            Some(c)
                if c.api_key.is_some()
                    || c.hmac_key.is_some()
                    || c.notification_username.is_some()
                    || c.notification_password.is_some() =>
            {
                Err(ApiError::invalid(
                    "credentials",
                    "parameter_invalid",
                    "a sandbox connector takes no credentials",
                ))
            }
            _ => Ok(Credentials::default()),
        },
    }
}

/// Checks the fields of a row that depend on its type.
fn check_record(r: &ConnectorRecord) -> ApiResult<()> {
    if let Some(url) = &r.base_url {
        check_url("base_url", url)?;
    }
    match r.kind.as_str() {
        "adyen" => {
            let account = r.merchant_account.as_deref().ok_or_else(|| {
                ApiError::invalid(
                    "merchant_account",
                    "parameter_missing",
                    "an Adyen connector needs its merchant account",
                )
            })?;
            if account.is_empty()
                || account.len() > MERCHANT_ACCOUNT_LEN_MAX
                || account.chars().any(|c| c.is_control())
            {
                return Err(ApiError::invalid(
                    "merchant_account",
                    "parameter_invalid",
                    format!("merchant_account is 1-{MERCHANT_ACCOUNT_LEN_MAX} characters"),
                ));
            }
            let url = r.return_url.as_deref().ok_or_else(|| {
                ApiError::invalid(
                    "return_url",
                    "parameter_missing",
                    "an Adyen connector needs the URL buyers return to",
                )
            })?;
            check_url("return_url", url)
        }
        _ => {
            if r.base_url.is_none() {
                return Err(ApiError::invalid(
                    "base_url",
                    "parameter_missing",
                    "a sandbox connector needs the base URL of a `corridor sandbox` server",
                ));
            }
            for (param, set) in [
                ("merchant_account", r.merchant_account.is_some()),
                ("return_url", r.return_url.is_some()),
                ("raw_card_data", r.raw_card_data),
            ] {
                if set {
                    return Err(ApiError::invalid(
                        param,
                        "parameter_invalid",
                        format!("a sandbox connector takes no {param}"),
                    ));
                }
            }
            Ok(())
        }
    }
}

/// A sandbox connector's provider must answer at its base URL.
async fn check_reachable(r: &ConnectorRecord) -> ApiResult<()> {
    if r.kind != "sandbox" || !r.enabled {
        return Ok(());
    }
    let base = r.base_url.as_deref().unwrap_or_default();
    corridor_connectors::HttpConnector::connect(base, &r.name, std::time::Duration::from_secs(5))
        .await
        .map(|_| ())
        .map_err(|e| {
            ApiError::invalid(
                "base_url",
                "connector_unreachable",
                format!("no simulated provider `{}` answers at {base}: {e}", r.name),
            )
        })
}

async fn write_and_reload(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    record: ConnectorRecord,
    shown: ConnectorObject,
    status: StatusCode,
    audit: corridor_store::AuditEntry,
) -> ApiResult<Response> {
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Settings => json_response(status, &shown),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    let write = SettingsWrite {
        connectors: vec![record],
        ..SettingsWrite::default()
    };
    let op = WriteOp::Settings(write).audited(vec![audit]);
    let response = submit(state, idem, op, render).await?;
    reload(state).await?;
    Ok(response)
}

/// Rebuilds the connectors and hands them to the payment service.
pub(crate) async fn reload(state: &AppState) -> ApiResult<()> {
    let (Some(registry), Some(service)) = (state.connector_registry(), state.payments()) else {
        return Ok(());
    };
    registry.reload(state.store(), service).await?;
    Ok(())
}

/// Configures a connector; the answer never carries its credentials.
#[utoipa::path(post, path = "/v1/connectors", request_body = CreateConnector,
    responses((status = 201, body = ConnectorObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateConnector>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let registry = registry(&state)?;
    if !matches!(body.kind.as_str(), "adyen" | "sandbox") {
        return Err(ApiError::invalid(
            "type",
            "connector_type_invalid",
            format!(
                "unknown connector type `{}`; known: adyen, sandbox",
                body.kind
            ),
        ));
    }
    let name_ok = !body.name.is_empty()
        && body.name.len() <= NAME_LEN_MAX
        && body
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !name_ok {
        return Err(ApiError::invalid(
            "name",
            "parameter_invalid",
            format!("name is 1-{NAME_LEN_MAX} of a-z, 0-9, _ and -"),
        ));
    }
    let credentials = credentials_for(&body.kind, body.credentials)?;
    let now = state.store().clock().now();
    let id = format!("conn_{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
    let base_url = match (body.base_url, body.kind.as_str()) {
        (None, "adyen") => Some(ADYEN_TEST_URL.to_string()),
        (url, _) => url,
    };
    let record = ConnectorRecord {
        sealed_credentials: registry.seal(&id, &credentials),
        id,
        kind: body.kind,
        name: body.name,
        base_url,
        merchant_account: body.merchant_account,
        return_url: body.return_url,
        raw_card_data: body.raw_card_data.unwrap_or(false),
        enabled: body.enabled.unwrap_or(true),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    check_record(&record)?;
    let _guard = registry.write_lock.lock().await;
    let taken = registry.reserved_names().contains(&record.name)
        || state
            .store()
            .connectors()
            .await?
            .iter()
            .any(|c| c.name == record.name);
    if taken {
        return Err(ApiError::conflict(
            "connector_name_taken",
            format!("a connector is already named `{}`", record.name),
        ));
    }
    check_reachable(&record).await?;
    let shown = ConnectorObject::from_record(&record, &credentials);
    let audit = crate::audit::entry(
        &caller,
        "connector.created",
        &record.id,
        audit_detail(&record, true),
    );
    write_and_reload(
        &state,
        idem.map(|e| e.0),
        record,
        shown,
        StatusCode::CREATED,
        audit,
    )
    .await
}

/// Every configured connector (without credentials).
#[utoipa::path(get, path = "/v1/connectors",
    responses((status = 200, body = ListResponse<ConnectorObject>),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ListResponse<ConnectorObject>>> {
    caller.require_operator()?;
    let registry = registry(&state)?;
    let data = state
        .store()
        .connectors()
        .await?
        .iter()
        .map(|r| ConnectorObject::from_record(r, &registry.open(r).unwrap_or_default()))
        .collect();
    Ok(Json(ListResponse {
        data,
        has_more: false,
    }))
}

async fn found(state: &AppState, id: &str) -> ApiResult<ConnectorRecord> {
    state
        .store()
        .connector(id)
        .await?
        .ok_or_else(|| ApiError::not_found("connector", id))
}

/// A connector by id (without credentials).
#[utoipa::path(get, path = "/v1/connectors/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ConnectorObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ConnectorObject>> {
    caller.require_operator()?;
    let registry = registry(&state)?;
    let r = found(&state, &id).await?;
    Ok(Json(ConnectorObject::from_record(
        &r,
        &registry.open(&r).unwrap_or_default(),
    )))
}

/// Changes a connector; new credentials take over at once, and the previous
/// HMAC key keeps verifying notifications signed before the provider switched.
#[utoipa::path(patch, path = "/v1/connectors/{id}", params(("id" = String, Path)), request_body = UpdateConnector,
    responses((status = 200, body = ConnectorObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateConnector>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let registry = registry(&state)?;
    let _guard = registry.write_lock.lock().await;
    let mut r = found(&state, &id).await?;
    let mut credentials = registry.open(&r).ok_or_else(|| {
        ApiError::unavailable(
            "the connector's credentials do not open with this server's secret key",
        )
    })?;
    let credentials_changed = body.credentials.is_some();
    if let Some(input) = body.credentials {
        let previous = credentials.hmac_key.clone();
        credentials = credentials_for(&r.kind, Some(input))?;
        if previous != credentials.hmac_key {
            credentials.previous_hmac_key = previous;
        }
    }
    if let Some(url) = body.base_url {
        r.base_url = Some(url);
    }
    if let Some(account) = body.merchant_account {
        r.merchant_account = Some(account);
    }
    if let Some(url) = body.return_url {
        r.return_url = Some(url);
    }
    if let Some(raw) = body.raw_card_data {
        r.raw_card_data = raw;
    }
    if let Some(enabled) = body.enabled {
        r.enabled = enabled;
    }
    check_record(&r)?;
    check_reachable(&r).await?;
    r.sealed_credentials = registry.seal(&r.id, &credentials);
    r.version += 1;
    r.updated_at = state.store().clock().now();
    let shown = ConnectorObject::from_record(&r, &credentials);
    let audit = crate::audit::entry(
        &caller,
        "connector.updated",
        &r.id,
        audit_detail(&r, credentials_changed),
    );
    write_and_reload(&state, None, r, shown, StatusCode::OK, audit).await
}

/// What the audit log keeps of a connector change: its settings, and
/// whether credentials were set, never the credentials themselves.
fn audit_detail(r: &ConnectorRecord, credentials_changed: bool) -> serde_json::Value {
    serde_json::json!({
        "type": r.kind, "name": r.name, "base_url": r.base_url,
        "merchant_account": r.merchant_account, "return_url": r.return_url,
        "raw_card_data": r.raw_card_data, "enabled": r.enabled,
        "credentials_changed": credentials_changed, "version": r.version,
    })
}

/// Disables a connector: it takes no new payments; its payments can still be
/// captured, canceled and notified.
#[utoipa::path(delete, path = "/v1/connectors/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ConnectorObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let registry = registry(&state)?;
    let _guard = registry.write_lock.lock().await;
    let mut r = found(&state, &id).await?;
    let credentials = registry.open(&r).unwrap_or_default();
    r.enabled = false;
    r.version += 1;
    r.updated_at = state.store().clock().now();
    let shown = ConnectorObject::from_record(&r, &credentials);
    let audit = crate::audit::entry(
        &caller,
        "connector.disabled",
        &r.id,
        audit_detail(&r, false),
    );
    write_and_reload(&state, None, r, shown, StatusCode::OK, audit).await
}
