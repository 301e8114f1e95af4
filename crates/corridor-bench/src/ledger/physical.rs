//! What the disk can do at all, measured on the spot in the bench's temp dir.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Bytes written before each fsync in the fsync-rate test.
const FSYNC_WRITE_BYTES: usize = 4096;

/// Entries per fsync in the append-only test.
pub const APPEND_BATCH_ENTRIES: usize = 8000;

/// Bytes per entry in the append-only test.
pub const APPEND_ENTRY_BYTES: usize = 64;

/// The disk's figures.
#[derive(Debug, Clone, Copy)]
pub struct PhysicalLimits {
    /// Appends of 4 KiB, each followed by `fdatasync`, per second.
    pub fsyncs_per_s: f64,
    /// 64-byte entries per second appended in batches of 8000 with one `fdatasync` each.
    pub append_entries_per_s: f64,
}

/// Measures both figures, about `duration` each.
pub fn measure(dir: &Path, duration: Duration) -> anyhow::Result<PhysicalLimits> {
    Ok(PhysicalLimits {
        fsyncs_per_s: fsync_rate(&dir.join("fsync-probe"), duration)?,
        append_entries_per_s: append_rate(&dir.join("append-probe"), duration)?,
    })
}

fn fsync_rate(path: &Path, duration: Duration) -> anyhow::Result<f64> {
    let mut file = File::create(path)?;
    let block = [0x5au8; FSYNC_WRITE_BYTES];
    let started = Instant::now();
    let mut syncs = 0u64;
    while started.elapsed() < duration {
        file.write_all(&block)?;
        file.sync_data()?;
        syncs += 1;
    }
    let rate = syncs as f64 / started.elapsed().as_secs_f64();
    std::fs::remove_file(path)?;
    Ok(rate)
}

fn append_rate(path: &Path, duration: Duration) -> anyhow::Result<f64> {
    let mut file = File::create(path)?;
    let mut batch = Vec::with_capacity(APPEND_BATCH_ENTRIES * APPEND_ENTRY_BYTES);
    let started = Instant::now();
    let mut entries = 0u64;
    while started.elapsed() < duration {
        batch.clear();
        for i in 0..APPEND_BATCH_ENTRIES {
            let mut entry = [0u8; APPEND_ENTRY_BYTES];
            entry[..8].copy_from_slice(&(entries + i as u64).to_le_bytes());
            batch.extend_from_slice(&entry);
        }
        file.write_all(&batch)?;
        file.sync_data()?;
        entries += APPEND_BATCH_ENTRIES as u64;
    }
    let rate = entries as f64 / started.elapsed().as_secs_f64();
    std::fs::remove_file(path)?;
    Ok(rate)
}
