//! Starting the server: store, first operator key, background jobs, listener.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use corridor_store::{
    ApiKeyRecord, Clock, LedgerOp, LedgerWrite, Principal, Store, StoreConfig, SystemClock,
    TestClock, WriteOp, WriteRequest,
};
use tokio::net::TcpListener;

use crate::auth::{hash_key, new_operator_key};
use crate::state::AppState;

/// How often pending holds are checked for expiry.
const HOLD_EXPIRY_INTERVAL: Duration = Duration::from_secs(1);
/// Holds expired per sweep.
const HOLD_EXPIRY_BATCH: usize = 1000;

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on (port 0 picks one).
    pub listen: SocketAddr,
    /// Data directory (SQLite file, generated operator key).
    pub data_dir: PathBuf,
    /// Database.
    pub store: StoreConfig,
    /// Sandbox mode: test helpers and the advanceable clock.
    pub sandbox: bool,
    /// The first operator key, if given (`CORRIDOR_OPERATOR_KEY`).
    pub operator_key: Option<String>,
    /// A `corridor sandbox` server whose simulated providers to use instead
    /// of running them in-process.
    pub providers_url: Option<String>,
    /// The operator's policy: amount limits, private webhook targets.
    pub policy: crate::policy::ServePolicy,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened or written.
    #[error(transparent)]
    Store(#[from] corridor_store::StoreError),
    /// The listener or the key file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The server task panicked.
    #[error("server task failed: {0}")]
    Task(String),
}

/// A started server.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// The operator key when it was generated at this start (also in `<data dir>/operator.key`).
    pub generated_operator_key: Option<String>,
    /// The server task.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the store, registers the first operator key, binds and serves in the background.
pub async fn start(config: ServeConfig) -> Result<Running, ServeError> {
    let test_clock = config.sandbox.then(TestClock::default);
    let clock: Arc<dyn Clock> = match &test_clock {
        Some(c) => Arc::new(c.clone()),
        None => Arc::new(SystemClock),
    };
    let store = Store::open(&config.store, clock, Default::default()).await?;
    let generated_operator_key = bootstrap_operator_key(&store, &config).await?;
    let started = crate::payments_setup::start(
        &store,
        &config.data_dir,
        config.sandbox,
        config.providers_url.as_deref(),
    )
    .await?;
    let fx = corridor_services::fx::FxService::start(
        store.clone(),
        if config.sandbox {
            corridor_services::fx::RateFeed::Sandbox
        } else {
            corridor_services::fx::RateFeed::Recorded
        },
    )
    .await
    .map_err(|e| ServeError::Task(format!("FX service: {e}")))?;
    let (after_sales, rates) =
        crate::after_sales_setup::start(&store, Arc::new(started.service.clone()), &fx)?;
    let secrets = crate::connectors::secrets::SecretBox::load(&config.data_dir)?;
    let provider_clock = store.clock().clone();
    let registry = Arc::new(crate::connectors::Registry::new(
        secrets,
        started.base_connectors,
        corridor_connectors::Clock::from_fn(move || provider_clock.now()),
    ));
    crate::connectors::load(&store, &started.service, &registry)
        .await
        .map_err(std::io::Error::other)?;
    log_start_up(&config, started.service.has_connectors());
    let ids = crate::ids::IdCodec::new(&crate::ids::load_or_create_key(&config.data_dir)?);
    let compliance = corridor_services::compliance::ComplianceService::start(store.clone())
        .await
        .map_err(|e| ServeError::Task(format!("compliance service: {e}")))?;
    let state = AppState::new(
        store.clone(),
        test_clock,
        Some(crate::state::Payments {
            service: started.service,
            sandbox: started.sandbox,
            providers_url: config.providers_url.clone().filter(|_| config.sandbox),
            registry: Some(registry),
            after_sales,
            rates,
        }),
        config.policy.clone(),
        ids,
        compliance,
        fx.clone(),
    );
    // The shipped rules are in force from the state's creation; the
    // operator's stored document replaces them.
    crate::routes::compliance_rules::load(&store, state.compliance().rules())
        .await
        .map_err(|e| ServeError::Task(format!("compliance rules: {e}")))?;
    crate::routes::screening_thresholds::load(&store, state.compliance())
        .await
        .map_err(|e| ServeError::Task(format!("screening thresholds: {e}")))?;
    // Monitoring's windows and baselines, counted again from the store.
    let counted = state
        .compliance()
        .rules()
        .rebuild_monitor(store.clock().now())
        .await
        .map_err(|e| ServeError::Task(format!("transaction monitoring: {e}")))?;
    tracing::info!(counted, "transaction monitoring rebuilt from the store");
    crate::fx_jobs::spawn(&fx);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(crate::webhooks::dispatcher::run(
        store.clone(),
        crate::webhooks::target::TargetPolicy::of(&config),
    ));
    tokio::spawn(expire_holds(store));
    let app = crate::app::router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
    });
    tracing::info!(%addr, sandbox = config.sandbox, "corridor listening");
    Ok(Running {
        addr,
        generated_operator_key,
        task,
    })
}

/// Says how this server runs: the mode, where the data is and where the
/// operator key comes from.
fn log_start_up(config: &ServeConfig, payments: bool) {
    let mode = if config.sandbox {
        "sandbox: simulated payment providers, test helpers and an advanceable clock"
    } else {
        "production: real payment connectors only, no simulated money"
    };
    let data = match &config.store {
        corridor_store::StoreConfig::Sqlite(path) => format!("SQLite at {}", path.display()),
        corridor_store::StoreConfig::Postgres(url) => format!("PostgreSQL at {}", redact_url(url)),
    };
    let operator_key = if config.operator_key.is_some() {
        "from CORRIDOR_OPERATOR_KEY".to_string()
    } else {
        format!("in {}", config.data_dir.join("operator.key").display())
    };
    tracing::info!(
        mode,
        data = %data,
        operator_key = %operator_key,
        payment_connectors = payments,
        "corridor starting"
    );
}

/// A database URL without its password.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Runs until interrupted.
pub async fn run(config: ServeConfig) -> Result<(), ServeError> {
    let running = start(config).await?;
    println!("corridor listening on http://{}", running.addr);
    running
        .task
        .await
        .map_err(|e| ServeError::Task(e.to_string()))??;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return ctrl_c.await.unwrap_or_default(),
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}

/// Registers `CORRIDOR_OPERATOR_KEY`, or generates a key into `<data dir>/operator.key`
/// when the database has no operator key yet.
async fn bootstrap_operator_key(
    store: &Store,
    config: &ServeConfig,
) -> Result<Option<String>, ServeError> {
    let (key, generated) = match &config.operator_key {
        Some(key) => (key.clone(), false),
        None if store.operator_key_count().await? == 0 => {
            let key = new_operator_key();
            write_key_file(&config.data_dir, &key)?;
            (key, true)
        }
        None => return Ok(None),
    };
    let record = ApiKeyRecord {
        key_hash: hash_key(&key),
        principal: Principal::Operator,
    };
    store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::RegisterApiKey(record),
            idempotency: None,
        })
        .await?;
    Ok(generated.then_some(key))
}

fn write_key_file(dir: &Path, key: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::create_dir_all(dir)?;
    let path = dir.join("operator.key");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(key.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// Expires pending holds whose time has passed, forever.
async fn expire_holds(store: Store) {
    let mut tick = tokio::time::interval(HOLD_EXPIRY_INTERVAL);
    loop {
        tick.tick().await;
        let now = store.clock().now();
        let Ok(due) = store.expired_holds(now, HOLD_EXPIRY_BATCH).await else {
            continue;
        };
        for hold in due {
            let write = LedgerWrite {
                client_ref: None,
                op: LedgerOp::ExpireHold(hold),
                meta: corridor_core::ledger::TxnMeta {
                    kind: "hold_expiry".into(),
                    ..Default::default()
                },
            };
            if let Err(e) = store
                .writer()
                .submit(WriteRequest {
                    op: WriteOp::Ledger(write),
                    idempotency: None,
                })
                .await
            {
                tracing::warn!(error = %e, "hold expiry failed; retrying next tick");
            }
        }
    }
}
