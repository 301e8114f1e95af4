//! `corridor bench screening`: the matcher over the full embedded OFAC and
//! UN lists. Throughput and p99 latency screening every listed name and
//! alias as a query (on every core), then recall and precision on the
//! labelled variant set (transliterations, swapped order, dropped middle
//! names, typos, diacritics, Cyrillic script, and common names on no list),
//! then the same set through OpenSanctions' `nomenklatura` matcher, installed
//! into a virtual environment under `target/`, both printed side by side.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use corridor_sanctions::evaluation::{evaluate, variant_set, Labelled, Metrics};
use corridor_sanctions::{snapshot, Query, SanctionsList, Screener, Thresholds};

use super::latency::percentile_ms;

/// `corridor bench screening` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ScreeningBenchArgs {
    /// Variants of listed names in the labelled set.
    #[arg(long, default_value_t = 3000)]
    pub positives: usize,
    /// Common names on no list in the labelled set.
    #[arg(long, default_value_t = 1000)]
    pub negatives: usize,
    /// Seed of the labelled set.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Threads screening at once (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Queries of the labelled set also run through nomenklatura (it scores
    /// in Python, far slower); 0 skips it.
    #[arg(long, default_value_t = 400)]
    pub nomenklatura_queries: usize,
    /// Where the files exchanged with the Python side go.
    #[arg(long, default_value = "target/bench-screening")]
    pub work_dir: PathBuf,
    /// The Python virtual environment nomenklatura is installed into (made
    /// on first use).
    #[arg(long, default_value = "target/nomenklatura-venv")]
    pub venv: PathBuf,
}

/// Runs the benchmark.
pub fn run(args: &ScreeningBenchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let lists = snapshot::all().map_err(|e| anyhow::anyhow!("snapshot: {e}"))?;
    let parsed_ms = started.elapsed().as_millis();
    let built = Instant::now();
    let screener = Screener::build(&lists);
    let names: Vec<&str> = lists
        .iter()
        .flat_map(|l| l.entries.iter())
        .flat_map(|e| e.names.iter().map(String::as_str))
        .collect();
    println!(
        "lists: {} ({} entries, {} names); parsed in {parsed_ms} ms, indexed in {} ms",
        lists
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        lists.iter().map(|l| l.entries.len()).sum::<usize>(),
        names.len(),
        built.elapsed().as_millis()
    );
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    throughput(&screener, &names, threads);
    let set = variant_set(&lists, args.positives, args.negatives, args.seed);
    let thresholds = Thresholds::DEFAULT;
    let ours = evaluate(&screener, &set, &thresholds);
    println!(
        "\nlabelled set: {} variants of listed names, {} common names (seed {})",
        set.iter().filter(|l| l.expected.is_some()).count(),
        set.iter().filter(|l| l.expected.is_none()).count(),
        args.seed
    );
    print_metrics("corridor", &ours, thresholds.review);
    for variant in [
        "swapped",
        "dropped_middle",
        "typo",
        "diacritics",
        "transliteration",
        "cyrillic",
        "common_name",
    ] {
        let subset: Vec<Labelled> = set
            .iter()
            .filter(|l| l.variant == variant)
            .cloned()
            .collect();
        let m = evaluate(&screener, &subset, &thresholds);
        println!(
            "  {variant:16} found {:4} missed {:3} flagged-unlisted {:3} cleared-unlisted {:4}",
            m.true_positives, m.false_negatives, m.false_positives, m.true_negatives
        );
    }
    if args.nomenklatura_queries > 0 {
        let sample = sample(&set, args.nomenklatura_queries);
        let ours_sample = evaluate(&screener, &sample, &thresholds);
        println!("\nsame {} queries, both matchers:", sample.len());
        print_metrics("corridor", &ours_sample, thresholds.review);
        match nomenklatura(&args.work_dir, &args.venv, &lists, &sample) {
            Ok(report) => println!("{report}"),
            Err(e) => println!("nomenklatura: not run ({e:#})"),
        }
    }
    Ok(())
}

fn print_metrics(who: &str, m: &Metrics, threshold: f64) {
    println!(
        "{who:12} recall {:.4}  precision {:.4}  (review threshold {threshold}; TP {} FN {} FP {} TN {})",
        m.recall(),
        m.precision(),
        m.true_positives,
        m.false_negatives,
        m.false_positives,
        m.true_negatives
    );
}

/// Screens every name on `threads` threads; prints screens/s and latency.
fn throughput(screener: &Screener, names: &[&str], threads: usize) {
    let thresholds = Thresholds::DEFAULT;
    let chunk = names.len().div_ceil(threads).max(1);
    let started = Instant::now();
    let mut latencies: Vec<u32> = std::thread::scope(|s| {
        let handles: Vec<_> = names
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::with_capacity(part.len());
                    for name in part {
                        let t = Instant::now();
                        let query = Query {
                            name,
                            kind: None,
                            country: None,
                            date_of_birth: None,
                        };
                        let _ = screener.screen(&query, &thresholds);
                        out.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    println!(
        "throughput: {} screens (every listed name and alias) on {threads} threads in {secs:.2} s = {:.0} screens/s; latency p50 {:.3} ms p99 {:.3} ms max {:.3} ms",
        latencies.len(),
        latencies.len() as f64 / secs,
        percentile_ms(&latencies, 50),
        percentile_ms(&latencies, 99),
        percentile_ms(&latencies, 100)
    );
}

/// Every n-th query, positives and negatives in their proportion.
fn sample(set: &[Labelled], n: usize) -> Vec<Labelled> {
    let step = (set.len() / n.max(1)).max(1);
    set.iter().step_by(step).take(n).cloned().collect()
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Writes the lists and the queries as JSON lines, runs the Python side
/// and returns its report.
fn nomenklatura(
    work: &Path,
    venv: &Path,
    lists: &[SanctionsList],
    sample: &[Labelled],
) -> anyhow::Result<String> {
    std::fs::create_dir_all(work)?;
    let mut entries = String::new();
    for l in lists {
        for e in &l.entries {
            entries.push_str(&serde_json::json!({
                "list": l.name, "entry_id": e.entry_id, "kind": e.kind.as_str(), "names": e.names,
            }).to_string());
            entries.push('\n');
        }
    }
    std::fs::write(work.join("entries.jsonl"), entries)?;
    let mut queries = String::new();
    for q in sample {
        let (list, id) = q.expected.clone().unzip();
        queries.push_str(&format!(
            "{{\"query\":{},\"list\":{},\"entry_id\":{}}}\n",
            json_str(&q.query),
            list.map_or("null".into(), |l| json_str(&l)),
            id.map_or("null".into(), |i| json_str(&i)),
        ));
    }
    std::fs::write(work.join("queries.jsonl"), queries)?;
    let python = venv.join("bin/python");
    if !python.exists() {
        println!("installing nomenklatura into {} ...", venv.display());
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .status()?
            .success();
        anyhow::ensure!(ok, "python3 -m venv failed");
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "nomenklatura"])
            .status()?
            .success();
        anyhow::ensure!(ok, "pip install nomenklatura failed");
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/nomenklatura_bench.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(work.join("entries.jsonl"))
        .arg(work.join("queries.jsonl"))
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    anyhow::ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}
