//! The runs against one server: for each concurrency, the `GET /health`
//! baseline and then the payments, each after an unmeasured warm-up, with
//! the CPU both sides used and the writer's batches.

use std::time::{Duration, Instant};

use super::batches::{BatchLog, BatchSummary};
use super::cpu;
use super::load::{self, Endpoint, LoadSpec};
use super::stats::Summary;
use super::target::{Placement, Target};

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
            let (server_before, client_before) = cpu_now(target);
            let started = Instant::now();
            let summary =
                load::run(&client, &spec("run", plan.duration, plan.max_requests)).await?;
            let wall = started.elapsed();
            let (server_after, client_after) = cpu_now(target);
            let cpu = match target.server_pid {
                None => cpu::cores(client_before, client_after, wall).map(CpuUse::Shared),
                Some(_) => cpu::cores(server_before, server_after, wall)
                    .zip(cpu::cores(client_before, client_after, wall))
                    .map(|(server, client)| CpuUse::Split { server, client }),
            };
            let batches = log.summary(wall).filter(|_| endpoint == Endpoint::Payment);
            let row = Row {
                backend,
                placement,
                endpoint,
                concurrency,
                summary,
                cpu: cpu.unwrap_or(CpuUse::Unknown),
                batches,
            };
            progress(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// CPU time so far of the server process (if separate) and of this one.
fn cpu_now(target: &Target) -> (Option<Duration>, Option<Duration>) {
    let server = target
        .server_pid
        .and_then(|pid| cpu::process_time(Some(pid)));
    (server, cpu::process_time(None))
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
