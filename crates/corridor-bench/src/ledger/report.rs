//! The printed tables and target checks.

use super::group::GroupRow;
use super::physical::{PhysicalLimits, APPEND_BATCH_ENTRIES, APPEND_ENTRY_BYTES};
use super::stats::Summary;
use super::workload::Scenario;
pub use crate::figures::thousands;

/// Everything measured on one backend.
#[derive(Debug)]
pub struct BackendResults {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Group-commit figures, per scenario and batch size.
    pub rows: Vec<GroupRow>,
    /// Naive baseline figures, per scenario.
    pub naive: Vec<(Scenario, Summary)>,
    /// How the naive baseline ran, for its label.
    pub naive_label: String,
}

impl BackendResults {
    /// The fastest batch size of a scenario.
    fn best(&self, scenario: Scenario) -> Option<&GroupRow> {
        self.rows
            .iter()
            .filter(|r| r.scenario == scenario)
            .max_by(|a, b| {
                a.summary
                    .transfers_per_s
                    .total_cmp(&b.summary.transfers_per_s)
            })
    }

    fn naive(&self, scenario: Scenario) -> Option<&Summary> {
        self.naive
            .iter()
            .find(|(s, _)| *s == scenario)
            .map(|(_, s)| s)
    }
}

/// The group-commit table.
pub fn print_table(results: &[BackendResults]) {
    println!();
    println!("Group-commit LedgerWriter (durable, median of runs; latency = per-request submit -> durable ack)");
    println!(
        "{:<9} {:<8} {:>5} {:>10} {:>12} {:>15} {:>15} {:>14}",
        "backend",
        "scenario",
        "batch",
        "submitters",
        "transfers/s",
        "latency_ms_p50",
        "latency_ms_p99",
        "cpu_us/transfer"
    );
    for r in results {
        for scenario in [Scenario::Spread, Scenario::Hot] {
            for row in r.rows.iter().filter(|row| row.scenario == scenario) {
                let s = &row.summary;
                println!(
                    "{:<9} {:<8} {:>5} {:>10} {:>12} {:>15.2} {:>15.2} {:>14}{}",
                    r.backend,
                    scenario.label(),
                    row.batch,
                    row.submitters,
                    thousands(s.transfers_per_s),
                    s.latency_ms_p50,
                    s.latency_ms_p99,
                    s.cpu_us_per_transfer
                        .map_or("?".into(), |us| format!("{us:.1}")),
                    refused_note(s),
                );
            }
        }
    }
}

fn refused_note(s: &Summary) -> String {
    if s.transfers_refused > 0 {
        format!("  ({} refused!)", s.transfers_refused)
    } else {
        String::new()
    }
}

/// The naive baselines and how group commit compares.
pub fn print_baselines(results: &[BackendResults]) {
    println!();
    println!("Naive baseline (one SQL transaction per transfer, row locks; own tables in a separate database)");
    for r in results {
        for (scenario, s) in &r.naive {
            println!(
                "{:<9} {:<8} naive {:<28} {:>10} transfers/s  p50 {:.2} ms  p99 {:.2} ms{}",
                r.backend,
                scenario.label(),
                r.naive_label,
                thousands(s.transfers_per_s),
                s.latency_ms_p50,
                s.latency_ms_p99,
                refused_note(s),
            );
            if let Some(best) = r.best(*scenario) {
                println!(
                    "{:<9} {:<8} ratio group-commit (batch {}, {}/s) / naive = {:.2}x",
                    r.backend,
                    scenario.label(),
                    best.batch,
                    thousands(best.summary.transfers_per_s),
                    best.summary.transfers_per_s / s.transfers_per_s,
                );
            }
        }
    }
}

/// The disk's own limits.
pub fn print_physical(p: &PhysicalLimits) {
    println!();
    println!("Physical limits of the data disk (bench temp dir)");
    println!(
        "fsync_per_s (4 KiB append + fdatasync):        {:>12}",
        thousands(p.fsyncs_per_s)
    );
    println!(
        "append_entries_per_s ({APPEND_ENTRY_BYTES} B entries, 1 fdatasync per {APPEND_BATCH_ENTRIES}): {:>12}",
        thousands(p.append_entries_per_s)
    );
}

/// One PASS/MISS line per target.
pub fn print_targets(results: &[BackendResults]) {
    let find = |backend: &str| results.iter().find(|r| r.backend == backend);
    let best = |backend: &str, scenario| {
        find(backend)
            .and_then(|r| r.best(scenario))
            .map(|row| row.summary.transfers_per_s)
    };
    let ratio = find("postgres").and_then(|r| {
        let naive = r.naive(Scenario::Spread)?.transfers_per_s;
        Some(r.best(Scenario::Spread)?.summary.transfers_per_s / naive)
    });
    println!();
    println!("Targets");
    check(
        ">=300,000/s embedded (sqlite, spread)",
        best("sqlite", Scenario::Spread),
        300_000.0,
        "/s",
    );
    check(
        ">=50,000/s PostgreSQL (spread)",
        best("postgres", Scenario::Spread),
        50_000.0,
        "/s",
    );
    check(">=10x naive on PostgreSQL (spread)", ratio, 10.0, "x");
    check(
        ">=50,000/s hot account (sqlite)",
        best("sqlite", Scenario::Hot),
        50_000.0,
        "/s",
    );
    check(
        ">=50,000/s hot account (postgres)",
        best("postgres", Scenario::Hot),
        50_000.0,
        "/s",
    );
}

fn check(label: &str, measured: Option<f64>, target: f64, unit: &str) {
    let shown = |v: f64| {
        if unit == "x" {
            format!("{v:.2}x")
        } else {
            format!("{}{unit}", thousands(v))
        }
    };
    match measured {
        Some(v) if v >= target => println!("PASS  {label:<40} measured {}", shown(v)),
        Some(v) => println!("MISS  {label:<40} measured {}", shown(v)),
        None => println!("SKIP  {label:<40} not measured"),
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-1000.0), "-1,000");
    }
}
