//! Exploration: sampled approval tries a faded connector now and then, and
//! gives a recovered one its place back, while ranking well-known ones by
//! their rates.

use super::{at, context};
use crate::payments::routing::{AdaptiveRouter, AttemptOutcome, RouteContext, RouterConfig};
use crate::Timestamp;

const DRAWS: u64 = 2_000;

fn record(
    router: &mut AdaptiveRouter,
    connector: &str,
    approved: u32,
    declined: u32,
    now: Timestamp,
) {
    let ctx = context("card", "US");
    for _ in 0..approved {
        router.record(connector, &ctx, AttemptOutcome::Approved, now);
    }
    for _ in 0..declined {
        router.record(connector, &ctx, AttemptOutcome::SoftDeclined, now);
    }
}

/// How many of [`DRAWS`] draws put `connector` first.
fn first_count(
    router: &AdaptiveRouter,
    ctx: &RouteContext<'_>,
    connector: &str,
    now: Timestamp,
) -> u64 {
    (0..DRAWS)
        .filter(|draw| router.order(&["atlas", "harbor"], ctx, now, *draw)[0] == connector)
        .count()
        .try_into()
        .unwrap()
}

#[test]
fn well_known_connectors_are_ranked_by_their_rates() {
    let mut router = AdaptiveRouter::new(RouterConfig::default()).unwrap();
    record(&mut router, "atlas", 950, 50, at(0));
    record(&mut router, "harbor", 900, 100, at(0));
    let firsts = first_count(&router, &context("card", "US"), "atlas", at(0));
    assert!(firsts >= DRAWS * 99 / 100, "atlas first {firsts} times");
}

#[test]
fn a_faded_connector_is_tried_again_and_a_recovered_one_climbs_back() {
    let mut router = AdaptiveRouter::new(RouterConfig::default()).unwrap();
    let ctx = context("card", "US");
    // atlas collapses to 40%; harbor keeps approving 90% throughout.
    record(&mut router, "atlas", 40, 60, at(0));
    record(&mut router, "harbor", 90, 10, at(0));
    assert_eq!(
        first_count(&router, &ctx, "atlas", at(0)),
        0,
        "fresh evidence is trusted"
    );

    // Half an hour later, harbor's record is fresh, atlas's has faded.
    record(&mut router, "harbor", 90, 10, at(1_800));
    let tried = first_count(&router, &ctx, "atlas", at(1_800));
    assert!(
        (DRAWS / 200..DRAWS / 2).contains(&tried),
        "atlas first {tried} times"
    );

    // atlas has recovered: what the exploration brings in puts it back on top.
    record(&mut router, "atlas", 48, 2, at(1_800));
    let firsts = first_count(&router, &ctx, "atlas", at(1_800));
    assert!(firsts >= DRAWS * 3 / 4, "atlas first {firsts} times");
}

#[test]
fn without_exploration_the_order_ignores_the_draw() {
    let mut router = AdaptiveRouter::new(RouterConfig {
        exploration_percent: 0,
        ..RouterConfig::default()
    })
    .unwrap();
    record(&mut router, "harbor", 3, 1, at(0));
    let ctx = context("card", "US");
    assert_eq!(first_count(&router, &ctx, "atlas", at(0)), DRAWS);
}
