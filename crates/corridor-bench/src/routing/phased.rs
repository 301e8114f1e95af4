//! A provider whose behaviour changes at set times, composed from several
//! sandbox providers of one world.
//!
//! The sandbox fixes each provider's approval rate for the life of the
//! world, so "atlas approves 95%, then 40% from 1:00, then 95% again" is two
//! providers of the same world (`atlas` and `atlas_degraded`, same coverage)
//! behind one name: new charges go to whichever phase is current; lookups
//! and calls by reference find the charge wherever it was made. Sharing the
//! world keeps what matters shared: the clock, the faults and the issuers'
//! memory of hard declines.

use std::sync::Arc;

use corridor_connectors::connector::{BoxFuture, ConnectorResult};
use corridor_connectors::{
    CancelRequest, CaptureRequest, ChargeRequest, ChargeResponse, Clock, Connector, ConnectorError,
    Coverage, IdempotencyKey,
};
use corridor_core::Timestamp;

/// One name, several providers in turn.
#[derive(Debug)]
pub struct PhasedConnector {
    name: String,
    clock: Clock,
    /// `(from, provider)`, by start time; the first applies from the beginning.
    phases: Vec<(Timestamp, Arc<dyn Connector>)>,
    /// Each distinct provider once, to search for a charge.
    providers: Vec<Arc<dyn Connector>>,
}

impl PhasedConnector {
    /// `name` served by `phases` (`(from, provider)` in time order), reading
    /// the time from `clock`. Every provider must have the same coverage.
    pub fn new(
        name: &str,
        clock: Clock,
        phases: Vec<(Timestamp, Arc<dyn Connector>)>,
    ) -> anyhow::Result<Self> {
        let Some((_, first)) = phases.first() else {
            anyhow::bail!("`{name}` needs at least one phase");
        };
        if phases.iter().any(|(_, p)| p.coverage() != first.coverage()) {
            anyhow::bail!("the phases of `{name}` cover different payments");
        }
        if phases.windows(2).any(|w| w[0].0 > w[1].0) {
            anyhow::bail!("the phases of `{name}` are not in time order");
        }
        let mut providers: Vec<Arc<dyn Connector>> = Vec::new();
        for (_, provider) in &phases {
            if !providers.iter().any(|p| p.name() == provider.name()) {
                providers.push(Arc::clone(provider));
            }
        }
        Ok(PhasedConnector {
            name: name.to_string(),
            clock,
            phases,
            providers,
        })
    }

    /// The provider taking new charges now.
    fn current(&self) -> &Arc<dyn Connector> {
        let now = self.clock.now();
        let index = self
            .phases
            .iter()
            .rposition(|(from, _)| *from <= now)
            .unwrap_or(0);
        &self.phases[index].1
    }

    /// Runs `call` on each provider until one knows the reference.
    async fn by_reference<'a, F>(&'a self, call: F) -> ConnectorResult<ChargeResponse>
    where
        F: Fn(&'a dyn Connector) -> BoxFuture<'a, ConnectorResult<ChargeResponse>>,
    {
        let mut last = Err(ConnectorError::NotFound(String::new()));
        for provider in &self.providers {
            last = call(provider.as_ref()).await;
            if !matches!(last, Err(ConnectorError::NotFound(_))) {
                return last;
            }
        }
        last
    }
}

impl Connector for PhasedConnector {
    fn name(&self) -> &str {
        &self.name
    }

    fn coverage(&self) -> &Coverage {
        self.phases[0].1.coverage()
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        self.current().charge(request)
    }

    /// Keys are unique per attempt, so at most one provider knows the key;
    /// if none does but one could not answer, the answer is that failure.
    fn lookup<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, ConnectorResult<Option<ChargeResponse>>> {
        Box::pin(async move {
            let mut failure = None;
            for provider in &self.providers {
                match provider.lookup(key).await {
                    Ok(Some(found)) => return Ok(Some(found)),
                    Ok(None) => {}
                    Err(e) => failure = Some(e),
                }
            }
            failure.map_or(Ok(None), Err)
        })
    }

    fn retrieve<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(self.by_reference(move |p| p.retrieve(reference)))
    }

    fn capture(&self, request: CaptureRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(self.by_reference(move |p| p.capture(request.clone())))
    }

    fn cancel(&self, request: CancelRequest) -> BoxFuture<'_, ConnectorResult<ChargeResponse>> {
        Box::pin(self.by_reference(move |p| p.cancel(request.clone())))
    }

    fn complete_action<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, ConnectorResult<ChargeResponse>> {
        Box::pin(self.by_reference(move |p| p.complete_action(reference)))
    }
}
