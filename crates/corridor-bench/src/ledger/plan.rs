//! The settings of one bench run, derived from its arguments.

use std::sync::Arc;
use std::time::Duration;

use super::workload::{Scenario, Workload};
use super::{pg, report, LedgerBenchArgs};

/// The settings a run uses, after `--quick`.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Most transfers per measured run.
    pub transfers: u64,
    /// Most wall time per measured run.
    pub time_cap: Duration,
    /// Runs per configuration.
    pub repetitions: usize,
    /// Writer batch sizes to measure.
    pub batch_sizes: Vec<usize>,
    /// Merchant accounts.
    pub accounts: usize,
    /// Transfers in flight per writer batch slot.
    pub submitters_per_slot: usize,
    /// Transfers per submission.
    pub client_batch: usize,
    /// Whether transfers carry a unique client reference.
    pub client_refs: bool,
    /// Connections of the naive PostgreSQL baseline.
    pub naive_connections: usize,
    /// Most wall time per naive run.
    pub naive_time_cap: Duration,
    /// Time per physical-limit probe.
    pub physical_time: Duration,
}

impl Plan {
    /// The plan for these arguments.
    pub fn new(args: &LedgerBenchArgs) -> anyhow::Result<Self> {
        let secs = |s: f64, name: &str| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow::anyhow!("{name}: not a duration: {s}"))
        };
        let mut plan = Plan {
            transfers: args.transfers.max(1),
            time_cap: secs(args.max_seconds_per_run, "--max-seconds-per-run")?,
            repetitions: args.repetitions.max(1),
            batch_sizes: args.batch_sizes.clone(),
            accounts: args.accounts.max(2),
            submitters_per_slot: args.submitters_per_batch.max(1),
            client_batch: usize::try_from(args.client_batch)?.max(1),
            client_refs: !args.no_client_ref,
            naive_connections: args.naive_connections.max(1),
            naive_time_cap: secs(args.naive_max_seconds, "--naive-max-seconds")?,
            physical_time: Duration::from_secs(1),
        };
        if args.quick {
            plan.transfers = plan.transfers.min(50_000);
            plan.time_cap = plan.time_cap.min(Duration::from_secs(1));
            plan.repetitions = 1;
            plan.naive_time_cap = plan.naive_time_cap.min(Duration::from_secs(1));
            plan.physical_time = Duration::from_millis(500);
        }
        Ok(plan)
    }

    /// Concurrent submitters at writer batch size `batch`: enough to keep
    /// `submitters_per_slot` batches of transfers (at least 4) in flight.
    pub fn submitters(&self, batch: usize) -> usize {
        (batch * self.submitters_per_slot)
            .max(4)
            .div_ceil(self.client_batch)
    }

    /// The spread and hot workloads.
    pub fn workloads(&self) -> anyhow::Result<Vec<Arc<Workload>>> {
        [Scenario::Spread, Scenario::Hot]
            .into_iter()
            .map(|s| Workload::new(s, self.accounts).map(Arc::new))
            .collect()
    }
}

/// Prints what is measured and how.
pub fn print_header(plan: &Plan, args: &LedgerBenchArgs) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "corridor bench ledger: {cores} cores, {} build",
        if cfg!(debug_assertions) {
            "DEBUG (use --release!)"
        } else {
            "release"
        }
    );
    println!(
        "per run: up to {} transfers or {:.1} s; {} run(s) per configuration, median shown; \
         {} merchant accounts; transfers in flight = max({} x batch, 4), {}; client_ref: {}",
        report::thousands(plan.transfers as f64),
        plan.time_cap.as_secs_f64(),
        plan.repetitions,
        plan.accounts,
        plan.submitters_per_slot,
        if plan.client_batch == 1 {
            "one transfer per request".to_string()
        } else {
            format!(
                "{} transfers per request (latency per request)",
                plan.client_batch
            )
        },
        if plan.client_refs {
            "unique per transfer"
        } else {
            "none"
        },
    );
    if !args.sqlite_only {
        println!("PostgreSQL server: {}", pg::redact(&args.database_url));
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;
    use std::time::Duration;

    fn plan(client_batch: usize) -> Plan {
        Plan {
            transfers: 1,
            time_cap: Duration::from_secs(1),
            repetitions: 1,
            batch_sizes: vec![8000],
            accounts: 2,
            submitters_per_slot: 2,
            client_batch,
            client_refs: true,
            naive_connections: 1,
            naive_time_cap: Duration::from_secs(1),
            physical_time: Duration::from_secs(1),
        }
    }

    #[test]
    fn submitters_keep_the_same_transfers_in_flight_whatever_the_client_batch() {
        assert_eq!(plan(1).submitters(8000), 16_000);
        assert_eq!(plan(1).submitters(1), 4);
        assert_eq!(plan(4000).submitters(8000), 4);
        assert_eq!(plan(3000).submitters(8000), 6, "rounded up");
        assert_eq!(plan(8000).submitters(1000), 1);
    }
}
