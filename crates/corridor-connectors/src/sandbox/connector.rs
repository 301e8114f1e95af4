//! The in-process connector of one simulated provider.

use std::sync::Arc;

use super::SandboxWorld;
use crate::connector::{BoxFuture, ConnectorResult};
use crate::{
    CancelRequest, CaptureRequest, ChargeRequest, ChargeResponse, Connector, Coverage,
    IdempotencyKey, RefundRequest, RefundResponse,
};

/// A [`Connector`] calling one provider of a [`SandboxWorld`] directly.
/// With [`super::LatencyMode::Virtual`] its futures are ready at once.
#[derive(Debug, Clone)]
pub struct SandboxConnector {
    world: Arc<SandboxWorld>,
    index: usize,
}

impl SandboxConnector {
    pub(crate) fn new(world: Arc<SandboxWorld>, index: usize) -> Self {
        SandboxConnector { world, index }
    }

    /// The world it belongs to.
    pub fn world(&self) -> &Arc<SandboxWorld> {
        &self.world
    }
}

impl Connector for SandboxConnector {
    fn name(&self) -> &str {
        &self.world.profiles()[self.index].name
    }

    fn coverage(&self) -> &Coverage {
        self.world.coverage(self.index)
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            if matches!(request.method, crate::PaymentMethod::EncryptedCard(_)) {
                return Err(crate::ConnectorError::InvalidRequest(
                    "the simulated providers take no encrypted card fields".into(),
                ));
            }
            let (simulated, _) = self.world.with_sim(|sim| sim.charge(self.index, &request));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    /// The simulation decides and records a charge in one step under its
    /// lock, so once a call returned, a lookup that finds nothing is final.
    fn settle_window(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>> {
        Box::pin(async move {
            let (simulated, _) = self
                .world
                .with_sim(|sim| sim.lookup(self.index, key.as_str()));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn retrieve<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let (simulated, _) = self
                .world
                .with_sim(|sim| sim.retrieve(self.index, reference));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let (simulated, _) = self.world.with_sim(|sim| sim.capture(self.index, &request));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let (simulated, _) = self.world.with_sim(|sim| sim.cancel(self.index, &request));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn complete_action<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(async move {
            let (simulated, _) = self
                .world
                .with_sim(|sim| sim.complete(self.index, reference));
            simulated.value
        })
    }

    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, ConnectorResult<RefundResponse>> {
        Box::pin(async move {
            let (simulated, _) = self.world.with_sim(|sim| sim.refund(self.index, &request));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn lookup_refund<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<RefundResponse>>> {
        Box::pin(async move {
            let (simulated, _) = self
                .world
                .with_sim(|sim| sim.lookup_refund(self.index, key.as_str()));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }

    fn retrieve_refund<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<RefundResponse>> {
        Box::pin(async move {
            let (simulated, _) = self
                .world
                .with_sim(|sim| sim.retrieve_refund(self.index, reference));
            self.world.pause(simulated.latency_ms).await;
            simulated.value
        })
    }
}
