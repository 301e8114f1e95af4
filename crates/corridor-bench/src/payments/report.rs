//! The printed tables, notes and target checks.

use super::load::Endpoint;
use super::measure::{CpuUse, Row};
pub use crate::figures::thousands;

/// Confirmed payments per second the target asks for.
const TARGET_PER_S: f64 = 10_000.0;
/// Highest p99 latency the target allows, in milliseconds.
const TARGET_P99_MS: f64 = 25.0;

fn cpu_label(cpu: CpuUse) -> String {
    match cpu {
        CpuUse::Shared(cores) => format!("{cores:.2} (server+client)"),
        CpuUse::Split { server, client } => format!("server {server:.2} + client {client:.2}"),
        CpuUse::Unknown => "-".into(),
    }
}

/// The main table.
pub fn print_table(rows: &[Row]) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!();
    println!(
        "Throughput and latency (latency = client send -> whole answer read, of the OK answers; \
         OK = 201 succeeded, or 200 for /health)"
    );
    println!(
        "{:<9} {:<11} {:<18} {:>5} {:>10} {:>7} {:>7} {:>7} {:>9} {:>7}  cpu (cores of {cores})",
        "backend",
        "server",
        "endpoint",
        "conc",
        "ok/s",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "ok",
        "not_ok"
    );
    for r in rows {
        let s = &r.summary;
        println!(
            "{:<9} {:<11} {:<18} {:>5} {:>10} {:>7.2} {:>7.2} {:>7.1} {:>9} {:>7}  {}",
            r.backend,
            r.placement.label(),
            r.endpoint.label(),
            r.concurrency,
            thousands(s.ok_per_s),
            s.p50_ms,
            s.p99_ms,
            s.max_ms,
            s.ok,
            s.error_count(),
            cpu_label(r.cpu),
        );
    }
}

/// The answers that did not count, by kind.
pub fn print_errors(rows: &[Row]) {
    println!();
    let failing: Vec<&Row> = rows
        .iter()
        .filter(|r| r.summary.error_count() > 0)
        .collect();
    if failing.is_empty() {
        println!("Errors: none (every answer was OK)");
        return;
    }
    println!("Errors (answers not counted, by kind)");
    for r in failing {
        let kinds: Vec<String> = r
            .summary
            .errors
            .iter()
            .map(|(kind, n)| format!("{kind} x{n}"))
            .collect();
        println!(
            "{} {} {} x{}: {}",
            r.backend,
            r.placement.label(),
            r.endpoint.label(),
            r.concurrency,
            kinds.join(", ")
        );
    }
}

/// The writer's batches during the payment runs.
pub fn print_batches(rows: &[Row]) {
    println!();
    println!(
        "Ledger writer batches during the payment runs (its `ledger batch committed` trace events)"
    );
    for r in rows.iter().filter(|r| r.endpoint == Endpoint::Payment) {
        let label = format!("{} {} x{}", r.backend, r.placement.label(), r.concurrency);
        let Some(b) = r.batches else {
            println!("{label}: not observed");
            continue;
        };
        let per_payment = b.requests as f64 / (r.summary.ok as f64).max(1.0);
        println!(
            "{label}: {} batches, {per_payment:.2} writer requests per payment; requests per batch \
             mean {:.1}, p50 {}, p99 {}, max {}; {:.2} ms per batch (build + commit + fsync; \
             p99 {:.2} ms, max {:.1} ms), writer busy {:.0}% of the run",
            thousands(b.batches as f64),
            b.mean,
            b.p50,
            b.p99,
            b.max,
            b.writer_ms_mean,
            b.writer_ms_p99,
            b.writer_ms_max,
            b.writer_busy * 100.0,
        );
    }
}

/// CPU and disk writes per OK request, and the CPU ceiling they imply.
pub fn print_cpu(rows: &[Row]) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    println!();
    println!(
        "CPU and disk per OK request (all threads, from /proc/<pid>/stat and io; \
         disk = bytes the server process wrote towards storage; \
         PostgreSQL's own processes are not counted)"
    );
    for r in rows {
        let per_s = r.summary.ok_per_s.max(1e-9);
        let us = |c: f64| c * 1e6 / per_s;
        let disk = match r.disk_bytes {
            Some(bytes) if bytes > 0 && r.summary.ok > 0 => format!(
                "; disk {:.1} KiB",
                bytes as f64 / r.summary.ok as f64 / 1024.0
            ),
            _ => String::new(),
        };
        let label = format!(
            "{} {} {} x{}",
            r.backend,
            r.placement.label(),
            r.endpoint.label(),
            r.concurrency
        );
        match r.cpu {
            CpuUse::Shared(c) => println!(
                "{label}: cpu {:.0} us (server and load generator together){disk}",
                us(c)
            ),
            CpuUse::Split { server, client } => println!(
                "{label}: cpu server {:.0} us + load generator {:.0} us{disk}; the server's CPU \
                 alone would allow {}/s on {cores:.0} cores",
                us(server),
                us(client),
                thousands(cores * 1e6 / us(server).max(1e-9)),
            ),
            CpuUse::Unknown => println!("{label}: not measured"),
        }
    }
}

/// One PASS/MISS line per payment run and target.
pub fn print_targets(rows: &[Row]) {
    println!();
    println!("Targets");
    for r in rows.iter().filter(|r| r.endpoint == Endpoint::Payment) {
        let at = format!("({} {} x{})", r.backend, r.placement.label(), r.concurrency);
        let s = &r.summary;
        check(
            &format!(">=10,000 payments/s {at}"),
            s.ok_per_s >= TARGET_PER_S,
            &format!("{}/s", thousands(s.ok_per_s)),
        );
        check(
            &format!("p99 < 25 ms {at}"),
            s.p99_ms < TARGET_P99_MS,
            &format!("{:.2} ms", s.p99_ms),
        );
    }
}

fn check(label: &str, pass: bool, measured: &str) {
    let verdict = if pass { "PASS" } else { "MISS" };
    println!("{verdict}  {label:<48} measured {measured}");
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(f64::NAN), "-");
    }
}
