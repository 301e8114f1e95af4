//! Wiring the payment service: the sandbox providers, the fingerprint key,
//! and the background jobs.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld};
use corridor_services::payments::{spawn_jobs, PaymentService};
use corridor_store::Store;

/// Seed of the simulated providers.
const SANDBOX_SEED: u64 = 20_261_126;
/// How often the simulated providers run their due events.
const SANDBOX_TICK: Duration = Duration::from_millis(100);

/// How long a call to the simulated providers' own server may take.
const PROVIDERS_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the payment service over the simulated providers running in their
/// own `corridor sandbox` server at `providers_url` (HTTP connectors): a
/// crash of this server leaves the providers' memory intact. Their
/// asynchronous results are picked up by recovery, which retrieves payments
/// that wait on a provider.
pub async fn start_remote(
    store: &Store,
    data_dir: &Path,
    providers_url: &str,
) -> std::io::Result<PaymentService> {
    let connectors =
        corridor_connectors::sandbox::http::connect_all(providers_url, PROVIDERS_TIMEOUT)
            .await
            .map_err(|e| {
                std::io::Error::other(format!(
                    "the simulated providers at {providers_url} did not answer: {e}"
                ))
            })?;
    let connectors: Vec<Arc<dyn corridor_connectors::Connector>> = connectors
        .into_iter()
        .map(|c| Arc::new(c) as Arc<dyn corridor_connectors::Connector>)
        .collect();
    let key = fingerprint_key(data_dir)?;
    let service = PaymentService::new(
        store.clone(),
        connectors,
        &key,
        crate::routes::payments::event_render(),
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    spawn_jobs(service.clone(), None);
    Ok(service)
}

/// Starts the payment service. In sandbox mode its connectors are the
/// simulated providers (started on the store's clock); outside it only real
/// connectors the operator configured count, and with none there is no
/// payment service: payment requests answer `no_connector_available`.
pub fn start(
    store: &Store,
    data_dir: &Path,
    sandbox: bool,
) -> std::io::Result<Option<(PaymentService, Arc<SandboxWorld>)>> {
    if !sandbox {
        return Ok(None);
    }
    let clock = store.clock().clone();
    let world = SandboxWorld::standard(
        SandboxConfig::virtual_time(SANDBOX_SEED),
        corridor_connectors::Clock::from_fn(move || clock.now()),
    );
    let notifications = world.subscribe();
    world.spawn_ticker(SANDBOX_TICK);
    let key = fingerprint_key(data_dir)?;
    let service = PaymentService::new(
        store.clone(),
        world.connectors(),
        &key,
        crate::routes::payments::event_render(),
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    spawn_jobs(service.clone(), Some(notifications));
    Ok(Some((service, world)))
}

/// The key of card fingerprints, generated once into `<data dir>/fingerprint.key` (0600).
fn fingerprint_key(dir: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("fingerprint.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(key) = hex::decode(text.trim()) {
            if key.len() == 32 {
                return Ok(key);
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    let key: [u8; 32] = rand::random();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(hex::encode(key).as_bytes())?;
    file.sync_all()?;
    Ok(key.to_vec())
}
