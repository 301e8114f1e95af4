//! What a run counted, and the tables printed from it.

use super::scenario::Timeline;
use super::strategy::Kind;

/// How a payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Approved (captured) at some provider.
    Succeeded,
    /// The card was declined for good.
    HardDeclined,
    /// Every provider tried (at most the attempt limit) declined softly or failed.
    Exhausted,
    /// A timeout whose lookups all failed: left for reconciliation.
    Unknown,
    /// A refused request or an answer that makes no sense for a card.
    Error,
}

/// Counts of one run.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Payments run.
    pub payments: u64,
    /// Payments approved.
    pub succeeded: u64,
    /// Payments declined for good.
    pub hard_declined: u64,
    /// Payments that ran out of providers.
    pub exhausted: u64,
    /// Payments left unknown after a timeout.
    pub unknown: u64,
    /// Payments refused or answered nonsensically (should stay 0).
    pub errors: u64,
    /// Charge calls.
    pub attempts: u64,
    /// Soft declines.
    pub soft_declines: u64,
    /// Timeouts, 5xx and outages.
    pub technical_failures: u64,
    /// Lookups after timeouts.
    pub lookups: u64,
    /// `(payments, succeeded)` before, during and after atlas's degradation.
    pub by_period: [(u64, u64); 3],
    /// `(payments, succeeded)` while harbor is down.
    pub in_outage: (u64, u64),
    /// Payments the providers charged more than once (must stay 0).
    pub double_charged: u64,
    /// Payments a provider charged that the run did not count as approved
    /// (only possible for `unknown` ones).
    pub charged_unrecorded: u64,
    /// Audit lookups that never got an answer.
    pub audit_unanswered: u64,
}

impl Tally {
    /// Counts how a payment that arrived at `period` (see
    /// [`Timeline::period`]) ended.
    pub fn record_end(&mut self, end: End, period: usize, in_outage: bool) {
        let succeeded = u64::from(end == End::Succeeded);
        self.payments += 1;
        self.succeeded += succeeded;
        match end {
            End::Succeeded => {}
            End::HardDeclined => self.hard_declined += 1,
            End::Exhausted => self.exhausted += 1,
            End::Unknown => self.unknown += 1,
            End::Error => self.errors += 1,
        }
        if let Some(slot) = self.by_period.get_mut(period) {
            slot.0 += 1;
            slot.1 += succeeded;
        }
        if in_outage {
            self.in_outage.0 += 1;
            self.in_outage.1 += succeeded;
        }
    }
}

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
    let ratios: Vec<f64> = ratios(runs);
    let ratio = median(ratios);
    println!();
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
