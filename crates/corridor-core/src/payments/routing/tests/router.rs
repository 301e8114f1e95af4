//! Router scenarios without exploration, one per `==` block:
//!
//! - `<t>s <connector> <method> <country> <outcome> x<count>` records
//!   `count` outcomes at `t` seconds;
//! - `<t>s order <method> <country> <candidates> -> <expected order>`.

use super::{at, context, lines};
use crate::payments::routing::{AdaptiveRouter, AttemptOutcome, RouterConfig, RouterConfigError};

const SCENARIOS: &str = "
== without history, the given order stands
0s order card US harbor atlas -> harbor atlas
0s order card US atlas harbor -> atlas harbor

== approvals beat soft declines
0s atlas card US approved x95
0s atlas card US soft_declined x5
0s harbor card US approved x85
0s harbor card US soft_declined x15
1s order card US harbor atlas -> atlas harbor

== hard declines are the buyer's card and count only weakly
# atlas: 80% approved but its declines are hard; harbor: 90% with soft declines.
0s atlas card US approved x80
0s atlas card US hard_declined x20
0s harbor card US approved x90
0s harbor card US soft_declined x10
1s order card US harbor atlas -> atlas harbor

== technical failures demote a connector at once
0s atlas card US approved x100
0s harbor card US approved x90
0s harbor card US soft_declined x10
10s atlas card US technical_failure x20
10s order card US atlas harbor -> harbor atlas

== an outage is forgotten soon after it ends
0s atlas card US approved x100
0s harbor card US approved x90
0s harbor card US soft_declined x10
10s atlas card US technical_failure x20
# Fifteen health half-lives later, only the approvals still count.
310s order card US harbor atlas -> atlas harbor

== health is per connector: an outage shows in every market
0s atlas card DE approved x100
0s harbor card DE approved x90
0s harbor card DE soft_declined x10
10s atlas card US technical_failure x20
10s order card DE atlas harbor -> harbor atlas

== approval is per country
0s atlas card US approved x95
0s atlas card US soft_declined x5
0s atlas card BR approved x40
0s atlas card BR soft_declined x60
0s andes card BR approved x88
0s andes card BR soft_declined x12
0s andes card US approved x50
0s andes card US soft_declined x50
1s order card US andes atlas -> atlas andes
1s order card BR atlas andes -> andes atlas

== approval is per method type
0s lotus card JP approved x95
0s lotus konbini JP soft_declined x50
0s atlas konbini JP approved x80
1s order konbini JP lotus atlas -> atlas lotus
1s order card JP atlas lotus -> lotus atlas

== recent outcomes outweigh old ones
0s atlas card US approved x1000
0s harbor card US approved x900
0s harbor card US soft_declined x100
# The approval half-life is three minutes: ten minutes on, atlas falls to 40%.
600s atlas card US approved x40
600s atlas card US soft_declined x60
600s order card US atlas harbor -> harbor atlas

== a connector never heard of gets the prior (85%)
0s harbor card US approved x50
0s harbor card US soft_declined x50
1s order card US harbor zeta -> zeta harbor
0s atlas card US approved x99
1s order card US zeta atlas -> atlas zeta

== times out of order are counted, not rewound
100s atlas card US soft_declined x50
50s atlas card US soft_declined x50
100s harbor card US approved x10
100s order card US atlas harbor -> harbor atlas
";

/// A router ranking by estimates alone.
fn router() -> AdaptiveRouter {
    AdaptiveRouter::new(RouterConfig {
        exploration_percent: 0,
        ..RouterConfig::default()
    })
    .unwrap()
}

fn seconds(word: &str) -> i64 {
    word.strip_suffix('s').unwrap().parse().unwrap()
}

fn step(router: &mut AdaptiveRouter, line: &str) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let now = at(seconds(words[0]));
    if words[1] == "order" {
        let arrow = words.iter().position(|w| *w == "->").unwrap();
        let ctx = context(words[2], words[3]);
        let got = router.order(&words[4..arrow], &ctx, now, 0);
        assert_eq!(got, words[arrow + 1..], "{line}");
        return;
    }
    let outcome = AttemptOutcome::parse(words[4]).unwrap_or_else(|| panic!("{line}"));
    let count: u32 = words[5].strip_prefix('x').unwrap().parse().unwrap();
    for _ in 0..count {
        router.record(words[1], &context(words[2], words[3]), outcome, now);
    }
}

#[test]
fn scenarios() {
    for scenario in SCENARIOS
        .split("==")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (name, body) = scenario.split_once('\n').unwrap();
        let mut router = router();
        for line in lines(body) {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                step(&mut router, line);
            }));
            assert!(result.is_ok(), "scenario `{name}` failed at `{line}`");
        }
    }
}

#[test]
fn estimates_follow_the_outcomes() {
    let mut router = router();
    let ctx = context("card", "US");
    for outcome in ["approved"; 90].into_iter().chain(["soft_declined"; 10]) {
        router.record(
            "atlas",
            &ctx,
            AttemptOutcome::parse(outcome).unwrap(),
            at(0),
        );
    }
    let estimate = router.estimate("atlas", &ctx, at(0));
    // (90 + 4 x 0.85) / (100 + 4)
    assert_eq!(estimate.approval_ppm, 898_076);
    assert_eq!(estimate.health_ppm, 1_000_000);
    assert_eq!(estimate.evidence_micro, 100_000_000);
    let later = router.estimate("atlas", &ctx, at(180));
    assert!(
        later.evidence_micro.abs_diff(50_000_000) <= 100,
        "{later:?}"
    );
}

#[test]
fn refuses_configurations_that_cannot_work() {
    let cases = [
        (
            RouterConfig {
                approval_half_life_seconds: 0,
                ..RouterConfig::default()
            },
            RouterConfigError::HalfLifeNotPositive,
        ),
        (
            RouterConfig {
                health_outcomes_max: 0,
                ..RouterConfig::default()
            },
            RouterConfigError::NoOutcomesKept,
        ),
        (
            RouterConfig {
                prior_approval_ppm: 1_000_001,
                ..RouterConfig::default()
            },
            RouterConfigError::PriorApprovalAboveOne,
        ),
        (
            RouterConfig {
                prior_outcomes: 0,
                ..RouterConfig::default()
            },
            RouterConfigError::NoPriorOutcomes,
        ),
        (
            RouterConfig {
                hard_decline_weight_ppm: 2_000_000,
                ..RouterConfig::default()
            },
            RouterConfigError::HardDeclineWeightAboveOne,
        ),
        (
            RouterConfig {
                exploration_percent: 5_000,
                ..RouterConfig::default()
            },
            RouterConfigError::ExplorationTooWide,
        ),
    ];
    for (config, error) in cases {
        assert_eq!(AdaptiveRouter::new(config).unwrap_err(), error);
    }
}
