//! The runs against one server: for each concurrency, the `GET /health`
//! baseline and then the payments, each after an unmeasured warm-up, with
//! the CPU both sides used, what the server wrote to disk and the writer's
//! batches.

use std::time::{Duration, Instant};

use super::batches::{BatchLog, BatchSummary};
use super::load::{self, Endpoint, LoadSpec};
use super::stats::Summary;
use super::target::{Placement, Target};
use crate::procfs::{self, Usage};

/// The settings every run uses.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Measured wall time per run.
    pub duration: Duration,
    /// Unmeasured warm-up before each run.
    pub warmup: Duration,
    /// Most requests per measured run.
    pub max_requests: u64,
    /// Concurrent in-flight requests, one run each.
    pub concurrency: Vec<usize>,
}

/// How much CPU a run used, in cores (1.0 = one core busy all along).
#[derive(Debug, Clone, Copy)]
pub enum CpuUse {
    /// Server and load generator in one process: their sum.
    Shared(f64),
    /// Server and load generator in two processes.
    Split {
        /// The server process.
        server: f64,
        /// This process: the load generator.
        client: f64,
    },
    /// `/proc` could not tell.
    Unknown,
}

/// One measured run.
#[derive(Debug, Clone)]
pub struct Row {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Where the server ran.
    pub placement: Placement,
    /// What was requested.
    pub endpoint: Endpoint,
    /// Requests in flight.
    pub concurrency: usize,
    /// Throughput, latency, errors.
    pub summary: Summary,
    /// CPU used.
    pub cpu: CpuUse,
    /// Bytes the server process sent towards the disk (WAL, checkpoints).
    pub disk_bytes: Option<u64>,
    /// The writer's batches during the run (payments only, when observed).
    pub batches: Option<BatchSummary>,
}

/// Runs the baseline and the payments at every concurrency against `target`.
pub async fn measure(
    target: &Target,
    backend: &'static str,
    placement: Placement,
    plan: &Plan,
    log: &BatchLog,
) -> anyhow::Result<Vec<Row>> {
    let most = plan.concurrency.iter().copied().max().unwrap_or(1);
    let client = load::client(most)?;
    let run_tag = format!("bench-{:08x}", rand::random::<u32>());
    let mut rows = Vec::new();
    for &concurrency in &plan.concurrency {
        for endpoint in [Endpoint::Health, Endpoint::Payment] {
            let spec = |phase: &str, duration, max_requests| LoadSpec {
                base: target.base.clone(),
                merchant_key: target.merchant_key.clone(),
                endpoint,
                concurrency,
                duration,
                max_requests,
                tag: format!("{run_tag}-c{concurrency}-{phase}"),
            };
            load::run(&client, &spec("warmup", plan.warmup, u64::MAX)).await?;
            log.clear();
            let before = usage_now(target);
            let started = Instant::now();
            let summary =
                load::run(&client, &spec("run", plan.duration, plan.max_requests)).await?;
            let wall = started.elapsed();
            let after = usage_now(target);
            let server = procfs::used(before.0, after.0, wall);
            let this = procfs::used(before.1, after.1, wall);
            let (cpu, disk_bytes) = match (target.server_pid, server, this) {
                (None, _, Some(this)) => (CpuUse::Shared(this.cores), this.write_bytes),
                (Some(_), Some(server), Some(this)) => (
                    CpuUse::Split {
                        server: server.cores,
                        client: this.cores,
                    },
                    server.write_bytes,
                ),
                _ => (CpuUse::Unknown, None),
            };
            let batches = log.summary(wall).filter(|_| endpoint == Endpoint::Payment);
            let row = Row {
                backend,
                placement,
                endpoint,
                concurrency,
                summary,
                cpu,
                disk_bytes,
                batches,
            };
            progress(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The counters so far of the server process (if separate) and of this one.
fn usage_now(target: &Target) -> (Option<Usage>, Option<Usage>) {
    let server = target.server_pid.and_then(|pid| procfs::usage(Some(pid)));
    (server, procfs::usage(None))
}

fn progress(row: &Row) {
    let s = &row.summary;
    eprintln!(
        "  {} {} {} x{}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({} ok in {:.2} s{})",
        row.backend,
        row.placement.label(),
        row.endpoint.label(),
        row.concurrency,
        s.ok_per_s,
        s.p50_ms,
        s.p99_ms,
        s.ok,
        s.wall_s,
        match s.error_count() {
            0 => String::new(),
            n => format!(", {n} NOT OK"),
        },
    );
}
