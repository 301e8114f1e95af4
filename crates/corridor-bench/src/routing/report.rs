//! The tables printed from what the runs counted.

use super::scenario::Timeline;
use super::strategy::Kind;
use super::tally::Tally;

/// The figures printed for one run.
#[derive(Debug, Clone, Copy)]
struct Figures {
    success: f64,
    periods: [f64; 3],
    outage: f64,
    attempts_per_payment: f64,
    lookups: f64,
    unknown: f64,
    double_charged: f64,
}

impl Figures {
    fn of(tally: &Tally) -> Self {
        let payments = tally.payments.max(1) as f64;
        Figures {
            success: percent(tally.succeeded, tally.payments),
            periods: tally.by_period.map(|(n, ok)| percent(ok, n)),
            outage: percent(tally.in_outage.1, tally.in_outage.0),
            attempts_per_payment: tally.attempts as f64 / payments,
            lookups: tally.lookups as f64,
            unknown: tally.unknown as f64,
            double_charged: tally.double_charged as f64,
        }
    }

    /// Each figure's median over `runs`.
    fn median(runs: &[Figures]) -> Self {
        let m = |f: fn(&Figures) -> f64| median(runs.iter().map(f).collect());
        Figures {
            success: m(|f| f.success),
            periods: [
                m(|f| f.periods[0]),
                m(|f| f.periods[1]),
                m(|f| f.periods[2]),
            ],
            outage: m(|f| f.outage),
            attempts_per_payment: m(|f| f.attempts_per_payment),
            lookups: m(|f| f.lookups),
            unknown: m(|f| f.unknown),
            double_charged: m(|f| f.double_charged),
        }
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// `h:mm:ss` after the start.
pub fn clock_time(seconds: i64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The scenario, before any result.
pub fn print_header(payments: usize, hours: i64, seeds: &[u64], timeline: &Timeline) {
    let since = |t: corridor_core::Timestamp| {
        clock_time((t.unix_micros() - super::scenario::START.unix_micros()) / 1_000_000)
    };
    println!(
        "corridor bench routing: {payments} card payments over {hours} h of simulated time per run, seeds {seeds:?}"
    );
    println!(
        "  atlas approves {:.0}% of cards, {:.0}% from {} to {}; harbor is down from {} to {}",
        super::scenario::ATLAS_APPROVAL_HEALTHY * 100.0,
        super::scenario::ATLAS_APPROVAL_DEGRADED * 100.0,
        since(timeline.degraded_from),
        since(timeline.degraded_until),
        since(timeline.outage_from),
        since(timeline.outage_until),
    );
    println!(
        "  each payment: next candidate on a soft decline, a 5xx, an outage, or a timeout its lookup shows uncharged; at most {} providers",
        super::attempt::ATTEMPTS_PER_PAYMENT_MAX
    );
    println!();
    println!("seed   static  adaptive    oracle  adaptive/oracle  double charges");
}

/// One seed's line: the three success rates and the ratio.
pub fn print_seed(seed: u64, tallies: &[(Kind, Tally)]) {
    let success = |kind: Kind| {
        tallies
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0.0, |(_, t)| Figures::of(t).success)
    };
    let doubles: u64 = tallies.iter().map(|(_, t)| t.double_charged).sum();
    println!(
        "{seed:>4}  {:>6.2}%   {:>6.2}%   {:>6.2}%          {:>6.2}%  {doubles:>14}",
        success(Kind::Static),
        success(Kind::Adaptive),
        success(Kind::Oracle),
        100.0 * success(Kind::Adaptive) / success(Kind::Oracle).max(1e-9),
    );
}

/// The medians over all seeds, per strategy, and the verdict. Answers the
/// median ratio adaptive/oracle, in percent.
pub fn print_summary(runs: &[(Kind, Tally)]) -> f64 {
    let medians: Vec<(Kind, Figures)> = Kind::ALL
        .iter()
        .map(|kind| {
            let figures: Vec<Figures> = runs
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, t)| Figures::of(t))
                .collect();
            (*kind, Figures::median(&figures))
        })
        .collect();
    println!();
    println!(
        "medians over seeds  success   before  degraded    after  harbor down  attempts/payment  lookups  unknown  double charges"
    );
    for (kind, f) in &medians {
        println!(
            "{:<17}  {:>6.2}%  {:>6.2}%   {:>6.2}%  {:>6.2}%      {:>6.2}%  {:>16.3}  {:>7.0}  {:>7.0}  {:>14.0}",
            kind.label(),
            f.success,
            f.periods[0],
            f.periods[1],
            f.periods[2],
            f.outage,
            f.attempts_per_payment,
            f.lookups,
            f.unknown,
            f.double_charged,
        );
    }
    let total = |f: fn(&Tally) -> u64| runs.iter().map(|(_, t)| f(t)).sum::<u64>();
    println!();
    println!(
        "audit of every charge key, all runs: {} charge calls, {} payments charged twice, {} charged but not counted approved, {} keys unanswered",
        total(|t| t.attempts),
        total(|t| t.double_charged),
        total(|t| t.charged_unrecorded),
        total(|t| t.audit_unanswered),
    );
    let ratio = median(ratios(runs));
    println!(
        "adaptive / oracle (median over seeds): {ratio:.2}% (target >= 98%: {})",
        if ratio >= 98.0 { "met" } else { "NOT met" }
    );
    ratio
}

/// adaptive/oracle success, per seed (runs come in seed order, all three
/// kinds per seed).
fn ratios(runs: &[(Kind, Tally)]) -> Vec<f64> {
    runs.chunks(Kind::ALL.len())
        .map(|seed_runs| {
            let success = |kind: Kind| {
                seed_runs
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(0.0, |(_, t)| Figures::of(t).success)
            };
            100.0 * success(Kind::Adaptive) / success(Kind::Oracle).max(1e-9)
        })
        .collect()
}
