//! The connector that calls a sandbox server over HTTP.

use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder, StatusCode};

use super::wire::{
    CaptureBody, ChargeBody, ChargeWire, ErrorBody, PspWire, RefundBody, RefundWire,
};
use crate::connector::{BoxFuture, ConnectorResult};
use crate::{
    CancelRequest, CaptureRequest, ChargeRequest, ChargeResponse, Connector, ConnectorError,
    Coverage, IdempotencyKey, RefundRequest, RefundResponse,
};

/// A [`Connector`] for one provider of a sandbox server ([`super::router`]),
/// with a request timeout. Network failures map onto [`ConnectorError`]:
/// no answer in time is a `Timeout`, a refused connection `Unavailable`, a
/// 5xx a `ServerError`.
#[derive(Debug, Clone)]
pub struct HttpConnector {
    client: Client,
    base_url: String,
    name: String,
    coverage: Coverage,
    timeout_ms: u32,
}

impl HttpConnector {
    /// Connects to provider `psp` of the server at `base_url`
    /// (`http://127.0.0.1:4100`), fetching its coverage.
    pub async fn connect(base_url: &str, psp: &str, timeout: Duration) -> ConnectorResult<Self> {
        let mut connector =
            HttpConnector::with_coverage(base_url, psp, Coverage::default(), timeout)?;
        let url = format!("{}/psp/{}", connector.base_url, connector.name);
        let (status, body, _) = connector.send(connector.client.get(url)).await?;
        if !status.is_success() {
            return Err(connector.error_of(status, &body));
        }
        let wire: PspWire = decode(&body)?;
        connector.coverage = wire.into_coverage().map_err(ConnectorError::Protocol)?;
        Ok(connector)
    }

    /// A connector to provider `psp` with a known coverage, without calling
    /// the server.
    pub fn with_coverage(
        base_url: &str,
        psp: &str,
        coverage: Coverage,
        timeout: Duration,
    ) -> ConnectorResult<Self> {
        let client = Client::builder().timeout(timeout).build().map_err(|e| {
            ConnectorError::InvalidRequest(format!("cannot build an HTTP client: {e}"))
        })?;
        Ok(HttpConnector {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            name: psp.to_string(),
            coverage,
            timeout_ms: u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/psp/{}{path}", self.base_url, self.name)
    }

    /// Sends a request: the status, body and how long it took.
    async fn send(&self, request: RequestBuilder) -> ConnectorResult<(StatusCode, Vec<u8>, u32)> {
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        Ok((status, body.to_vec(), latency_ms))
    }

    /// Sends a request answered by a charge.
    async fn charge_call(&self, request: RequestBuilder) -> ConnectorResult<ChargeResponse> {
        let (status, body, latency_ms) = self.send(request).await?;
        if !status.is_success() {
            return Err(self.error_of(status, &body));
        }
        let wire: ChargeWire = decode(&body)?;
        let response = wire.into_response().map_err(ConnectorError::Protocol)?;
        Ok(ChargeResponse {
            latency_ms,
            ..response
        })
    }

    /// Sends a request answered by a refund.
    async fn refund_call(&self, request: RequestBuilder) -> ConnectorResult<RefundResponse> {
        let (status, body, latency_ms) = self.send(request).await?;
        if !status.is_success() {
            return Err(self.error_of(status, &body));
        }
        let wire: RefundWire = decode(&body)?;
        let response = wire.into_response().map_err(ConnectorError::Protocol)?;
        Ok(RefundResponse {
            latency_ms,
            ..response
        })
    }

    fn transport_error(&self, error: &reqwest::Error) -> ConnectorError {
        if error.is_timeout() {
            ConnectorError::Timeout {
                timeout_ms: self.timeout_ms,
            }
        } else if error.is_connect() {
            ConnectorError::Unavailable
        } else {
            // The request may have reached the provider before the failure.
            ConnectorError::Protocol(error.to_string())
        }
    }

    fn error_of(&self, status: StatusCode, body: &[u8]) -> ConnectorError {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(envelope) => envelope.error.into_error(status.as_u16(), self.timeout_ms),
            Err(_) if status.is_server_error() => ConnectorError::ServerError {
                status: status.as_u16(),
            },
            Err(e) => ConnectorError::Protocol(format!("{status}: {e}")),
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> ConnectorResult<T> {
    serde_json::from_slice(body).map_err(|e| ConnectorError::Protocol(e.to_string()))
}

impl Connector for HttpConnector {
    fn name(&self) -> &str {
        &self.name
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let body = ChargeBody::from_request(&request).ok_or_else(|| {
                ConnectorError::InvalidRequest(
                    "the simulated providers take no encrypted card fields".into(),
                )
            })?;
            let call = self
                .client
                .post(self.url("/charges"))
                .header("Idempotency-Key", request.idempotency_key.as_str())
                .json(&body);
            self.charge_call(call).await
        })
    }

    /// The sandbox server decides a charge the moment it reads the request;
    /// one this client abandoned after its timeout is decided well within
    /// twice that time or dropped with the connection.
    fn settle_window(&self) -> Duration {
        Duration::from_millis(u64::from(self.timeout_ms)).saturating_mul(2)
    }

    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>> {
        Box::pin(async move {
            let call = self
                .client
                .get(self.url("/charges"))
                .query(&[("idempotency_key", key.as_str())]);
            match self.charge_call(call).await {
                Ok(found) => Ok(Some(found)),
                Err(ConnectorError::NotFound(_)) => Ok(None),
                Err(other) => Err(other),
            }
        })
    }

    fn retrieve<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let call = self.client.get(self.url(&format!("/charges/{reference}")));
            self.charge_call(call).await
        })
    }

    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let call = self
                .client
                .post(self.url(&format!("/charges/{}/capture", request.reference)))
                .header("Idempotency-Key", request.idempotency_key.as_str())
                .json(&CaptureBody {
                    amount: request.amount.minor(),
                });
            self.charge_call(call).await
        })
    }

    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let call = self
                .client
                .post(self.url(&format!("/charges/{}/cancel", request.reference)))
                .header("Idempotency-Key", request.idempotency_key.as_str());
            self.charge_call(call).await
        })
    }

    fn complete_action<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let call = self
                .client
                .post(self.url(&format!("/charges/{reference}/complete")));
            self.charge_call(call).await
        })
    }

    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, ConnectorResult<RefundResponse>> {
        Box::pin(async move {
            let call = self
                .client
                .post(self.url("/refunds"))
                .header("Idempotency-Key", request.idempotency_key.as_str())
                .json(&RefundBody::from_request(&request));
            self.refund_call(call).await
        })
    }

    fn lookup_refund<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<RefundResponse>>> {
        Box::pin(async move {
            let call = self
                .client
                .get(self.url("/refunds"))
                .query(&[("idempotency_key", key.as_str())]);
            match self.refund_call(call).await {
                Ok(found) => Ok(Some(found)),
                Err(ConnectorError::NotFound(_)) => Ok(None),
                Err(other) => Err(other),
            }
        })
    }

    fn retrieve_refund<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<RefundResponse>> {
        Box::pin(async move {
            let call = self.client.get(self.url(&format!("/refunds/{reference}")));
            self.refund_call(call).await
        })
    }
}

/// Every charge the sandbox server at `base_url` holds for `payment_id`.
pub async fn provider_charges(
    base_url: &str,
    payment_id: &str,
    timeout: Duration,
) -> ConnectorResult<Vec<crate::sandbox::ProviderCharge>> {
    let client = Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| ConnectorError::InvalidRequest(format!("cannot build an HTTP client: {e}")))?;
    let url = format!("{}/charges", base_url.trim_end_matches('/'));
    let response = client
        .get(url)
        .query(&[("payment_id", payment_id)])
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                ConnectorError::Timeout {
                    timeout_ms: u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX),
                }
            } else {
                ConnectorError::Unavailable
            }
        })?;
    if !response.status().is_success() {
        return Err(ConnectorError::ServerError {
            status: response.status().as_u16(),
        });
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| ConnectorError::Protocol(e.to_string()))?;
    let charges: crate::sandbox::provider_charge::ProviderCharges = decode(&body)?;
    Ok(charges.data)
}

/// Connects to every provider the sandbox server at `base_url` lists
/// (`GET /psp`), fetching each one's coverage.
pub async fn connect_all(base_url: &str, timeout: Duration) -> ConnectorResult<Vec<HttpConnector>> {
    #[derive(serde::Deserialize)]
    struct Listed {
        psps: Vec<String>,
    }
    let client = Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| ConnectorError::InvalidRequest(format!("cannot build an HTTP client: {e}")))?;
    let url = format!("{}/psp", base_url.trim_end_matches('/'));
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|_| ConnectorError::Unavailable)?;
    if !response.status().is_success() {
        return Err(ConnectorError::ServerError {
            status: response.status().as_u16(),
        });
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| ConnectorError::Protocol(e.to_string()))?;
    let listed: Listed = decode(&body)?;
    let mut connectors = Vec::with_capacity(listed.psps.len());
    for name in &listed.psps {
        connectors.push(HttpConnector::connect(base_url, name, timeout).await?);
    }
    Ok(connectors)
}
