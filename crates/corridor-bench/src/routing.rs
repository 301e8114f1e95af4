//! `corridor bench routing`: card payments through the sandbox on virtual
//! time while one provider's approval rate collapses and recovers and
//! another goes down, routed three ways: static priority, the core's
//! [`AdaptiveRouter`](corridor_core::payments::routing::AdaptiveRouter), and
//! an oracle that knows every provider's true approval rate and outage.
//!
//! Every strategy meets the same buyers at the same simulated times (each
//! payment is derived from the seed and its index) in its own sandbox world
//! seeded alike, and retries the same way: the next candidate on a soft
//! decline, a 5xx or an outage; after a timeout only once a lookup shows
//! nothing was charged. An audit then looks up every key used to prove no
//! payment was charged twice.

mod attempt;
mod audit;
mod phased;
mod population;
mod report;
mod scenario;
mod strategy;
mod tally;

use std::time::Instant;

use corridor_core::payments::routing::{RoutingRule, RoutingRules, RuleMatch};
use corridor_core::Currency;

use self::attempt::Run;
use self::population::Payment;
use self::scenario::{Timeline, World};
use self::strategy::{Kind, Strategy};
use self::tally::{End, Tally};

/// Most payments one run may simulate.
const PAYMENTS_MAX: usize = 1_000_000;

/// Most simulated hours one run may span.
const HOURS_MAX: i64 = 48;

/// Most seeds one invocation may run.
const SEEDS_MAX: usize = 16;

/// `corridor bench routing` options.
#[derive(Debug, Clone, clap::Args)]
pub struct RoutingBenchArgs {
    /// Card payments per run.
    #[arg(long, default_value_t = 100_000)]
    pub payments: usize,
    /// Simulated hours the payments arrive over.
    #[arg(long, default_value_t = 4)]
    pub hours: i64,
    /// Seeds of the buyers and the sandbox, comma-separated; medians over them are printed.
    #[arg(long, value_delimiter = ',', default_values_t = [1u64, 2, 3])]
    pub seeds: Vec<u64>,
}

/// Runs the benchmark and prints its tables. Fails if any payment was
/// charged twice.
pub fn run(args: &RoutingBenchArgs) -> anyhow::Result<()> {
    if args.payments == 0 || args.payments > PAYMENTS_MAX {
        anyhow::bail!("--payments must be 1-{PAYMENTS_MAX}");
    }
    if !(1..=HOURS_MAX).contains(&args.hours) {
        anyhow::bail!("--hours must be 1-{HOURS_MAX}");
    }
    if args.seeds.is_empty() || args.seeds.len() > SEEDS_MAX {
        anyhow::bail!("--seeds takes 1-{SEEDS_MAX} seeds");
    }
    let started = Instant::now();
    let seconds = args.hours * 3_600;
    let timeline = Timeline::new(seconds);
    let rules = rules()?;
    report::print_header(args.payments, args.hours, &args.seeds, &timeline);
    let mut runs: Vec<(Kind, Tally)> = Vec::new();
    for seed in &args.seeds {
        let payments = population::generate(*seed, args.payments, seconds)?;
        let tallies = std::thread::scope(|scope| {
            let handles: Vec<_> = Kind::ALL
                .iter()
                .map(|kind| {
                    let (payments, rules) = (&payments, &rules);
                    scope.spawn(move || run_one(*kind, *seed, timeline, rules, payments))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| anyhow::anyhow!("a run panicked"))?)
                .collect::<anyhow::Result<Vec<(Kind, Tally)>>>()
        })?;
        report::print_seed(*seed, &tallies);
        runs.extend(tallies);
    }
    report::print_summary(&runs);
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    let doubles: u64 = runs.iter().map(|(_, t)| t.double_charged).sum();
    if doubles > 0 {
        anyhow::bail!("{doubles} payments were charged twice");
    }
    Ok(())
}

/// One strategy over all payments in a fresh world, then the audit.
fn run_one(
    kind: Kind,
    seed: u64,
    timeline: Timeline,
    rules: &RoutingRules,
    payments: &[Payment],
) -> anyhow::Result<(Kind, Tally)> {
    let world = World::new(seed, timeline)?;
    let mut run = Run {
        world: &world,
        rules,
        strategy: Strategy::new(kind)?,
        tally: Tally::default(),
    };
    let mut traces = Vec::with_capacity(payments.len());
    for payment in payments {
        let (end, keys) = run.pay(payment)?;
        traces.push((keys, end == End::Succeeded));
    }
    let mut tally = run.tally;
    audit::audit(&world, &mut tally, &traces);
    Ok((kind, tally))
}

/// The merchant's static rules: Latin American currencies to the local
/// acquirer first, everything else to the global acquirers, then the
/// regional ones.
fn rules() -> anyhow::Result<RoutingRules> {
    let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let local = |currency: &str| -> anyhow::Result<RoutingRule> {
        Ok(RoutingRule {
            when: RuleMatch {
                method: Some("card".to_string()),
                currency: Some(Currency::parse(currency)?),
                ..RuleMatch::default()
            },
            connectors: names(&["andes", "atlas", "harbor"]),
        })
    };
    Ok(RoutingRules::new(
        vec![local("BRL")?, local("MXN")?],
        names(&["atlas", "harbor", "meridian", "lotus", "andes"]),
    )?)
}
