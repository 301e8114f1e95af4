//! Properties of the order, whatever the history: it is a permutation of
//! the candidates, and without exploration it ranks by score.

use proptest::prelude::*;

use super::{at, context};
use crate::payments::routing::{AdaptiveRouter, AttemptOutcome, RouterConfig};

const CONNECTORS: [&str; 5] = ["atlas", "harbor", "lotus", "meridian", "andes"];
const COUNTRIES: [&str; 3] = ["US", "BR", "JP"];

/// One recorded outcome: connector, country, outcome, seconds after start.
fn event() -> impl Strategy<Value = (usize, usize, usize, i64)> {
    (
        0..CONNECTORS.len(),
        0..COUNTRIES.len(),
        0..4usize,
        0..3_600i64,
    )
}

fn candidates() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(CONNECTORS.to_vec()), 0..8)
}

fn learned(history: &[(usize, usize, usize, i64)], exploration_percent: u32) -> AdaptiveRouter {
    let config = RouterConfig {
        exploration_percent,
        ..RouterConfig::default()
    };
    let mut router = AdaptiveRouter::new(config).unwrap();
    for (connector, country, outcome, seconds) in history {
        let ctx = context("card", COUNTRIES[*country]);
        let outcome = AttemptOutcome::ALL[*outcome];
        router.record(CONNECTORS[*connector], &ctx, outcome, at(*seconds));
    }
    router
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_order_is_a_permutation_of_the_candidates(
        history in prop::collection::vec(event(), 0..200),
        candidates in candidates(),
        exploration in 0..=1_000u32,
        country in 0..COUNTRIES.len(),
        seconds in 0..7_200i64,
        draw in any::<u64>(),
    ) {
        let router = learned(&history, exploration);
        let ctx = context("card", COUNTRIES[country]);
        let mut ordered = router.order(&candidates, &ctx, at(seconds), draw);
        let mut given = candidates.clone();
        ordered.sort_unstable();
        given.sort_unstable();
        prop_assert_eq!(ordered, given);
    }

    #[test]
    fn without_exploration_the_best_score_comes_first(
        history in prop::collection::vec(event(), 0..200),
        candidates in candidates(),
        country in 0..COUNTRIES.len(),
        seconds in 0..7_200i64,
        draw in any::<u64>(),
    ) {
        let router = learned(&history, 0);
        let ctx = context("card", COUNTRIES[country]);
        let now = at(seconds);
        let scores: Vec<u64> = router
            .order(&candidates, &ctx, now, draw)
            .iter()
            .map(|c| router.estimate(c, &ctx, now).score_ppm)
            .collect();
        prop_assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{:?}", scores);
    }
}
