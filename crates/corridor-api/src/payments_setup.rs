//! Wiring the payment service: the sandbox providers, the fingerprint key,
//! and the background jobs.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld};
use corridor_connectors::Connector;
use corridor_services::payments::{spawn_jobs, PaymentService};
use corridor_store::Store;

/// Seed of the simulated providers.
const SANDBOX_SEED: u64 = 20_261_126;
/// How often the simulated providers run their due events.
const SANDBOX_TICK: Duration = Duration::from_millis(100);

/// How long a call to the simulated providers' own server may take.
const PROVIDERS_TIMEOUT: Duration = Duration::from_secs(10);

/// The payment service as started, with what its connectors came from.
pub struct Started {
    /// The service.
    pub service: PaymentService,
    /// The in-process simulated providers (sandbox mode without `--providers-url`).
    pub sandbox: Option<Arc<SandboxWorld>>,
    /// The connectors the service starts with; the operator's configured
    /// connectors are added to these.
    pub base_connectors: Vec<Arc<dyn Connector>>,
}

/// Starts the payment service. In sandbox mode its base connectors are the
/// simulated providers: in-process on the store's clock, or with
/// `providers_url` HTTP connectors to a `corridor sandbox` server (whose
/// charges then outlive a crash of this server; their asynchronous results
/// are picked up by recovery, which retrieves payments that wait on a
/// provider). Outside the sandbox it starts with none: only the real
/// connectors the operator configures take payments, and while there are
/// none payment requests answer `no_connector_available`.
pub async fn start(
    store: &Store,
    data_dir: &Path,
    sandbox: bool,
    providers_url: Option<&str>,
) -> std::io::Result<Started> {
    let (world, base_connectors, notifications) = match (sandbox, providers_url) {
        (true, Some(url)) => (None, remote_connectors(url).await?, None),
        (true, None) => {
            let clock = store.clock().clone();
            let world = SandboxWorld::standard(
                SandboxConfig::virtual_time(SANDBOX_SEED),
                corridor_connectors::Clock::from_fn(move || clock.now()),
            );
            let notifications = world.subscribe();
            world.spawn_ticker(SANDBOX_TICK);
            let connectors = world.connectors();
            (Some(world), connectors, Some(notifications))
        }
        (false, _) => (None, Vec::new(), None),
    };
    let key = fingerprint_key(data_dir)?;
    let service = PaymentService::new(
        store.clone(),
        base_connectors.clone(),
        &key,
        crate::routes::payments::event_render(),
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    spawn_jobs(service.clone(), notifications);
    Ok(Started {
        service,
        sandbox: world,
        base_connectors,
    })
}

/// HTTP connectors to the simulated providers of a `corridor sandbox` server.
async fn remote_connectors(providers_url: &str) -> std::io::Result<Vec<Arc<dyn Connector>>> {
    let connectors =
        corridor_connectors::sandbox::http::connect_all(providers_url, PROVIDERS_TIMEOUT)
            .await
            .map_err(|e| {
                std::io::Error::other(format!(
                    "the simulated providers at {providers_url} did not answer: {e}"
                ))
            })?;
    Ok(connectors
        .into_iter()
        .map(|c| Arc::new(c) as Arc<dyn Connector>)
        .collect())
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
