//! `corridor bench payments --json`: one JSON object per line and payments
//! run, for other tools to read. The `/health` baseline is left out.

use serde_json::{json, Value};

use super::load::Endpoint;
use super::measure::Row;
use super::target::Placement;

/// One object per payments run.
pub fn lines(rows: &[Row]) -> Vec<Value> {
    rows.iter()
        .filter(|r| r.endpoint == Endpoint::Payment)
        .map(|r| {
            let s = &r.summary;
            json!({
                "backend": r.backend,
                "server": match r.placement {
                    Placement::InProcess => "in_process",
                    Placement::Separate => "separate",
                },
                "concurrency": r.concurrency,
                "payments_per_s": s.ok_per_s.round(),
                "p50_ms": s.p50_ms,
                "p99_ms": s.p99_ms,
                "max_ms": s.max_ms,
                "not_ok": s.error_count(),
            })
        })
        .collect()
}

/// Prints [`lines`] to stdout.
pub fn print(rows: &[Row]) {
    for line in lines(rows) {
        println!("{line}");
    }
}
