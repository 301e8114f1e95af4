//! The group-commit writer under load: many concurrent submitters, one
//! `LedgerWriter`, per-request latency measured at the client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use corridor_store::{
    LedgerWriter, Store, StoreConfig, SystemClock, WriteOp, WriteOutcome, WriteRequest,
    WriteResult, WriterConfig,
};
use tokio::task::JoinSet;

use super::plan::Plan;
use super::stats::{median, RunTally, Summary};
use super::workload::{Scenario, Workload};
use crate::procfs;

/// Most transfers of the unmeasured warm-up before each configuration.
const WARMUP_TRANSFERS_MAX: u64 = 20_000;

/// One measured configuration: backend, scenario and writer batch size.
#[derive(Debug, Clone, Copy)]
pub struct GroupRow {
    /// Which accounts the transfers touch.
    pub scenario: Scenario,
    /// The writer's `max_batch`.
    pub batch: usize,
    /// Concurrent submitting tasks.
    pub submitters: usize,
    /// Transfers per submission.
    pub client_batch: usize,
    /// Median over the repetitions.
    pub summary: Summary,
}

/// How one run drives the writer.
#[derive(Debug, Clone)]
struct RunSpec {
    tag: String,
    transfers: u64,
    time_cap: Duration,
    submitters: usize,
    /// Transfers per submission.
    client_batch: usize,
    client_refs: bool,
}

/// Opens the store at writer batch size `batch`.
pub async fn open(config: &StoreConfig, batch: usize) -> anyhow::Result<Store> {
    let clock = Arc::new(SystemClock);
    Ok(Store::open(config, clock, WriterConfig { max_batch: batch }).await?)
}

/// Funds every account the scenarios debit, through the writer.
pub async fn fund(config: &StoreConfig, workloads: &[Arc<Workload>]) -> anyhow::Result<()> {
    let store = open(config, corridor_store::MAX_BATCH_REQUESTS).await?;
    for workload in workloads {
        for write in workload.funding()? {
            let result = store
                .writer()
                .submit(WriteRequest {
                    op: WriteOp::Ledger(write),
                    idempotency: None,
                })
                .await?;
            if !is_applied(&result) {
                anyhow::bail!("funding transfer was refused: {result:?}");
            }
        }
    }
    Ok(())
}

/// Writes `transfers` transfers at the largest batch size, with no time
/// cap, `client_batch` transfers per submission.
pub async fn load(
    config: &StoreConfig,
    workload: &Arc<Workload>,
    transfers: u64,
    client_batch: usize,
    client_refs: bool,
) -> anyhow::Result<Summary> {
    let batch = corridor_store::MAX_BATCH_REQUESTS;
    let store = open(config, batch).await?;
    let spec = RunSpec {
        tag: "restart".into(),
        transfers,
        time_cap: Duration::from_secs(86_400),
        submitters: (batch * 2).div_ceil(client_batch),
        client_batch,
        client_refs,
    };
    run_once(store.writer(), workload, &spec).await
}

fn is_applied(result: &WriteResult) -> bool {
    matches!(
        result,
        WriteResult::Done {
            outcome: WriteOutcome::Ledger(Ok(_)),
            ..
        }
    )
}

/// Measures every scenario at writer batch size `batch`, one store for all.
pub async fn measure_batch(
    backend: &str,
    config: &StoreConfig,
    workloads: &[Arc<Workload>],
    batch: usize,
    plan: &Plan,
) -> anyhow::Result<Vec<GroupRow>> {
    let store = open(config, batch).await?;
    let writer = store.writer();
    let submitters = plan.submitters(batch);
    let mut rows = Vec::new();
    for (w, workload) in workloads.iter().enumerate() {
        let scenario = workload.scenario();
        let spec = |tag: String, transfers: u64, time_cap: Duration| RunSpec {
            tag: format!("{backend}-{}-b{batch}-{tag}", scenario.label()),
            transfers,
            time_cap,
            submitters,
            client_batch: plan.client_batch,
            client_refs: plan.client_refs,
        };
        let in_flight = (submitters * plan.client_batch) as u64;
        let warmup = (in_flight * 2).clamp(64, WARMUP_TRANSFERS_MAX);
        run_once(
            writer,
            workload,
            &spec(format!("w{w}"), warmup, plan.time_cap),
        )
        .await?;
        let mut runs = Vec::new();
        for rep in 0..plan.repetitions {
            caught_up(&store).await?;
            let before = procfs::usage(None);
            let mut s = run_once(
                writer,
                workload,
                &spec(format!("r{rep}"), plan.transfers, plan.time_cap),
            )
            .await?;
            caught_up(&store).await?;
            s.cpu_us_per_transfer =
                cpu_us_per_transfer(before, procfs::usage(None), s.transfers_ok);
            progress(backend, scenario, batch, rep, plan.repetitions, &s);
            runs.push(s);
        }
        if let Some(summary) = median(&runs) {
            rows.push(GroupRow {
                scenario,
                batch,
                submitters,
                client_batch: plan.client_batch,
                summary,
            });
        }
    }
    Ok(rows)
}

/// Returns once every acknowledged write is visible to reads (on SQLite,
/// once the projection has applied the log).
async fn caught_up(store: &Store) -> anyhow::Result<()> {
    store.operator_key_count().await?;
    Ok(())
}

fn cpu_us_per_transfer(
    before: Option<procfs::Usage>,
    after: Option<procfs::Usage>,
    transfers: u64,
) -> Option<f64> {
    let used = after?.cpu.checked_sub(before?.cpu)?;
    (transfers > 0).then(|| used.as_secs_f64() * 1e6 / transfers as f64)
}

fn progress(backend: &str, scenario: Scenario, batch: usize, rep: usize, reps: usize, s: &Summary) {
    eprintln!(
        "  {backend} {} batch {batch} run {}/{reps}: {:.0} transfers/s, p50 {:.1} ms, p99 {:.1} ms, {} CPU per transfer ({} in {:.2} s{})",
        scenario.label(),
        rep + 1,
        s.transfers_per_s,
        s.latency_ms_p50,
        s.latency_ms_p99,
        s.cpu_us_per_transfer.map_or("?".into(), |us| format!("{us:.1} us")),
        s.transfers_ok,
        s.wall_s,
        if s.transfers_refused > 0 { format!(", {} REFUSED", s.transfers_refused) } else { String::new() },
    );
}

/// Runs `spec.transfers` transfers (or until the time cap) from
/// `spec.submitters` concurrent tasks.
async fn run_once(
    writer: &LedgerWriter,
    workload: &Arc<Workload>,
    spec: &RunSpec,
) -> anyhow::Result<Summary> {
    let spec = Arc::new(spec.clone());
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + spec.time_cap;
    let mut tasks = JoinSet::new();
    let tasks_wanted = u64::try_from(spec.submitters)
        .unwrap_or(u64::MAX)
        .min(spec.transfers);
    for _ in 0..tasks_wanted {
        let (writer, workload, spec, next) =
            (writer.clone(), workload.clone(), spec.clone(), next.clone());
        tasks.spawn(async move { submitter(&writer, &workload, &spec, &next, deadline).await });
    }
    let mut tally = RunTally::default();
    while let Some(joined) = tasks.join_next().await {
        tally.merge(joined??);
    }
    Ok(tally.summary(started.elapsed()))
}

async fn submitter(
    writer: &LedgerWriter,
    workload: &Workload,
    spec: &RunSpec,
    next: &AtomicU64,
    deadline: Instant,
) -> anyhow::Result<RunTally> {
    let mut tally = RunTally::default();
    let per_submission = spec.client_batch as u64;
    loop {
        let first = next.fetch_add(per_submission, Ordering::Relaxed);
        if first >= spec.transfers || Instant::now() >= deadline {
            return Ok(tally);
        }
        let request = |i: u64| -> anyhow::Result<WriteRequest> {
            let client_ref = spec.client_refs.then(|| format!("{}-{i}", spec.tag));
            Ok(WriteRequest {
                op: WriteOp::Ledger(workload.write(i, client_ref)?),
                idempotency: None,
            })
        };
        if per_submission == 1 {
            let request = request(first)?;
            let sent = Instant::now();
            let applied = is_applied(&writer.submit(request).await?);
            tally.record(u64::from(applied), u64::from(!applied), sent.elapsed());
            continue;
        }
        let last = (first + per_submission).min(spec.transfers);
        let requests = (first..last)
            .map(request)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let sent = Instant::now();
        let results = writer.submit_all(requests).await?;
        let latency = sent.elapsed();
        let mut applied = 0;
        for result in results {
            if is_applied(&result?) {
                applied += 1;
            }
        }
        tally.record(applied, last - first - applied, latency);
    }
}
