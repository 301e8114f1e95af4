//! The sandbox as its own HTTP server, and the connector that calls it.
//!
//! Endpoints, per provider `{name}` (JSON bodies; errors are
//! `{"error": {"code", "message", ...}}`):
//!
//! - `GET /psp` lists the providers; `GET /psp/{name}` gives one's coverage.
//! - `POST /psp/{name}/charges` with an `Idempotency-Key` header charges.
//! - `GET /psp/{name}/charges?idempotency_key=...` looks a charge up by key
//!   (404 `charge_not_found` if the provider never recorded it).
//! - `GET /psp/{name}/charges/{reference}` retrieves a charge.
//! - `POST /psp/{name}/charges/{reference}/capture` (`{"amount"}`) and
//!   `/cancel`, each with an `Idempotency-Key`.
//! - `POST /psp/{name}/charges/{reference}/complete`: the buyer finished the
//!   action; `GET .../action` is the page a buyer's browser lands on.
//! - `GET /charges?payment_id=...`: every provider's charges for one payment
//!   (`{"data": [{connector, reference, status, amount, currency}]}`).
//!
//! Failures are real HTTP failures: a timeout holds the request past the
//! client's patience (then answers 504), server errors answer 5xx, an outage
//! answers 503 `unavailable`. Notifications are POSTed, signed, to the
//! world's [`super::WebhookTarget`] (see [`webhook`]).

mod client;
mod server;
pub mod webhook;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use client::{connect_all, provider_charges, HttpConnector};
pub use server::router;

use super::SandboxWorld;

/// How often a serving world runs its due events.
pub const TICK_PERIOD: Duration = Duration::from_millis(100);

/// A sandbox server running in the background; dropping it stops it.
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, the base URL for [`HttpConnector`]s.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Binds `addr` (port 0 picks a free one) and serves `world` in the
/// background, with its ticker and, if configured, its webhook dispatcher.
/// Buyer-facing URLs point at this server unless the world's configuration
/// names another public base URL.
pub async fn spawn(addr: SocketAddr, world: Arc<SandboxWorld>) -> std::io::Result<SandboxServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    if world.config().public_base_url == super::DEFAULT_PUBLIC_BASE_URL {
        world.set_public_base_url(&format!("http://{addr}"));
    }
    let mut tasks = vec![world.spawn_ticker(TICK_PERIOD)];
    if let Some(target) = world.config().webhook.clone() {
        tasks.push(webhook::spawn_dispatcher(&world, target));
    }
    let app = router(world);
    tasks.push(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    }));
    Ok(SandboxServer { addr, tasks })
}

/// Serves `world` on `addr` until the process ends (`corridor sandbox`).
pub async fn serve(addr: SocketAddr, world: Arc<SandboxWorld>) -> std::io::Result<()> {
    let server = spawn(addr, world).await?;
    tracing::info!(addr = %server.addr(), "sandbox listening");
    std::future::pending::<()>().await;
    drop(server);
    Ok(())
}
