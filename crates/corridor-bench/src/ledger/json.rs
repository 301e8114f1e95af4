//! `corridor bench ledger --json`: one JSON object per line and measured
//! configuration, for other tools to read.

use serde_json::{json, Value};

use super::report::BackendResults;

/// One object per backend, scenario and batch size. `naive_per_s` is the
/// naive baseline of the same backend and scenario, when it was measured;
/// `cpu_us_per_transfer` the process's CPU time per transfer, when `/proc`
/// tells it.
pub fn lines(results: &[BackendResults]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in results {
        for row in &r.rows {
            let s = &row.summary;
            let mut line = json!({
                "backend": r.backend,
                "scenario": row.scenario.label(),
                "batch": row.batch,
                "submitters": row.submitters,
                "client_batch": row.client_batch,
                "transfers_per_s": s.transfers_per_s.round(),
                "p50_ms": s.latency_ms_p50,
                "p99_ms": s.latency_ms_p99,
                "transfers_refused": s.transfers_refused,
            });
            if let Some(us) = s.cpu_us_per_transfer {
                line["cpu_us_per_transfer"] = json!((us * 100.0).round() / 100.0);
            }
            if let Some((_, naive)) = r.naive.iter().find(|(sc, _)| *sc == row.scenario) {
                line["naive_per_s"] = json!(naive.transfers_per_s.round());
            }
            out.push(line);
        }
    }
    out
}

/// Prints [`lines`] to stdout.
pub fn print(results: &[BackendResults]) {
    for line in lines(results) {
        println!("{line}");
    }
}
