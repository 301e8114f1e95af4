//! Sending one call to Adyen and reading its answer or its error.

use std::time::Instant;

use reqwest::{Client, StatusCode};
use serde_json::Value;

use super::wire::ServiceErrorWire;
use super::AdyenConfig;
use crate::ConnectorError;

/// Whether a failed call may have changed something at Adyen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// A payment: a 5xx leaves the outcome unknown (replay to learn it).
    Payment,
    /// A modification or a read: a 5xx changed nothing Corridor relies on.
    Other,
}

/// One HTTP client per connector, with its timeout and headers.
#[derive(Debug, Clone)]
pub(crate) struct AdyenClient {
    http: Client,
    config: AdyenConfig,
    timeout_ms: u32,
}

impl AdyenClient {
    pub fn new(config: AdyenConfig) -> Result<Self, ConnectorError> {
        let http = Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ConnectorError::InvalidRequest(format!("cannot build a client: {e}")))?;
        let timeout_ms = u32::try_from(config.timeout.as_millis()).unwrap_or(u32::MAX);
        Ok(AdyenClient {
            http,
            config,
            timeout_ms,
        })
    }

    pub fn config(&self) -> &AdyenConfig {
        &self.config
    }

    /// POSTs `body` to `path` with `idempotency_key` (if any); the decoded
    /// 2xx body and how long the call took.
    pub async fn post(
        &self,
        path: &str,
        idempotency_key: Option<&str>,
        body: &Value,
        effect: Effect,
    ) -> Result<(Value, u32), ConnectorError> {
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let mut request = self
            .http
            .post(url)
            .header("X-API-Key", &self.config.api_key)
            .json(body);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        for (name, value) in &self.config.extra_headers {
            request = request.header(name, value);
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.transport(&e))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| self.transport(&e))?;
        let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        if !status.is_success() {
            return Err(self.refused(status, &bytes, effect));
        }
        let value = serde_json::from_slice(&bytes)
            .map_err(|e| ConnectorError::Protocol(format!("{path}: {e}")))?;
        Ok((value, latency_ms))
    }

    fn transport(&self, error: &reqwest::Error) -> ConnectorError {
        if error.is_timeout() {
            ConnectorError::Timeout {
                timeout_ms: self.timeout_ms,
            }
        } else if error.is_connect() {
            ConnectorError::Unavailable
        } else {
            // The request may have reached Adyen before the failure.
            ConnectorError::Protocol(format!("transport: {error}"))
        }
    }

    fn refused(&self, status: StatusCode, body: &[u8], effect: Effect) -> ConnectorError {
        let error: Option<ServiceErrorWire> = serde_json::from_slice(body).ok();
        let what = error
            .as_ref()
            .map(|e| {
                let code = e.error_code.as_deref().unwrap_or("-");
                let kind = e.error_type.as_deref().unwrap_or("-");
                let message = e.message.as_deref().or(e.detail.as_deref()).unwrap_or("");
                format!("{code} ({kind}): {message}")
            })
            .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(500).collect());
        match status.as_u16() {
            // Refused credentials: nothing was charged; the account is misconfigured.
            401 | 403 => {
                tracing::warn!(connector = %self.config.name, status = status.as_u16(), "Adyen refused the credentials");
                ConnectorError::Unavailable
            }
            500..=599 if effect == Effect::Payment => ConnectorError::Protocol(format!(
                "server error {status}: {what}; the payment may exist, replay to learn"
            )),
            500..=599 => ConnectorError::ServerError {
                status: status.as_u16(),
            },
            _ => ConnectorError::InvalidRequest(format!("{status}: {what}")),
        }
    }
}
