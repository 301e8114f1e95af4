//! `--restart-transfers N`: how long an embedded store holding N transfers
//! takes from opening to its first answered read, after a clean stop and
//! after its database was lost and is rebuilt from the log; then how long
//! `ledger verify` (balances, and the log compared with the database) takes.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use corridor_store::{Owner, StoreConfig};
use serde_json::json;

use super::group;
use super::workload::Workload;

/// Times to ready after `transfers` transfers.
#[derive(Debug, Clone, Copy)]
pub struct RestartTimes {
    /// Transfers written before stopping.
    pub transfers: u64,
    /// Open to first read, after a clean stop.
    pub reopen_s: f64,
    /// Open to first read, the database deleted (rebuilt from the log).
    pub rebuild_s: f64,
    /// The rebuilt store verified, log against database included.
    pub verify_s: f64,
}

/// Writes `transfers` transfers into a fresh store in `dir`, then times two
/// restarts.
pub async fn measure(
    dir: &Path,
    workload: &Arc<Workload>,
    transfers: u64,
    client_batch: usize,
    client_refs: bool,
) -> anyhow::Result<RestartTimes> {
    let path = dir.join("restart.db");
    let config = StoreConfig::Sqlite(path.clone());
    group::fund(&config, std::slice::from_ref(workload)).await?;
    let load = group::load(&config, workload, transfers, client_batch, client_refs).await?;
    eprintln!(
        "  sqlite restart: wrote {} transfers at {:.0}/s",
        load.transfers_ok, load.transfers_per_s
    );
    let reopen_s = time_to_ready(&config).await?;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(std::path::PathBuf::from(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let rebuild_s = time_to_ready(&config).await?;
    let store = group::open(&config, corridor_store::MAX_BATCH_REQUESTS).await?;
    let started = Instant::now();
    let report = store.verify().await?;
    let verify_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.balanced && report.log.is_some(),
        "the rebuilt store does not verify: {:?}",
        report.mismatches.first()
    );
    Ok(RestartTimes {
        transfers: load.transfers_ok,
        reopen_s,
        rebuild_s,
        verify_s,
    })
}

/// Opens the store and answers one balance read.
async fn time_to_ready(config: &StoreConfig) -> anyhow::Result<f64> {
    let started = Instant::now();
    let store = group::open(config, corridor_store::MAX_BATCH_REQUESTS).await?;
    store.balances(&Owner::Platform).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// The human line.
pub fn print(t: &RestartTimes) {
    println!();
    println!(
        "Restart (sqlite, {} transfers): ready in {:.2} s after a clean stop; {:.2} s rebuilding a deleted database from the log; verified (log against database) in {:.2} s",
        t.transfers, t.reopen_s, t.rebuild_s, t.verify_s
    );
}

/// The JSON line.
pub fn print_json(t: &RestartTimes) {
    println!(
        "{}",
        json!({
            "backend": "sqlite",
            "restart_transfers": t.transfers,
            "reopen_s": t.reopen_s,
            "rebuild_s": t.rebuild_s,
            "verify_s": t.verify_s,
        })
    );
}
