//! The three ways of ordering the candidates the benchmark compares.

use corridor_core::payments::routing::{AdaptiveRouter, AttemptOutcome, RouteContext};
use corridor_core::Timestamp;

use super::scenario::World;

/// How candidates are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The rules' priority order, always.
    Static,
    /// [`AdaptiveRouter`], learning from every outcome.
    Adaptive,
    /// Best true approval first, providers in an outage last: what a router
    /// that knew everything would do.
    Oracle,
}

impl Kind {
    /// All three, in report order.
    pub const ALL: [Kind; 3] = [Kind::Static, Kind::Adaptive, Kind::Oracle];

    /// Its name in the report.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Static => "static priority",
            Kind::Adaptive => "adaptive",
            Kind::Oracle => "oracle",
        }
    }
}

/// A strategy with whatever state it keeps.
pub enum Strategy {
    /// See [`Kind::Static`].
    Static,
    /// See [`Kind::Adaptive`].
    Adaptive(Box<AdaptiveRouter>),
    /// See [`Kind::Oracle`].
    Oracle,
}

impl Strategy {
    /// A fresh strategy of `kind`.
    pub fn new(kind: Kind) -> anyhow::Result<Self> {
        Ok(match kind {
            Kind::Static => Strategy::Static,
            Kind::Adaptive => {
                Strategy::Adaptive(Box::new(AdaptiveRouter::new(Default::default())?))
            }
            Kind::Oracle => Strategy::Oracle,
        })
    }

    /// `candidates` (rules ∩ coverage, in rule order), best first.
    pub fn order<'c>(
        &self,
        candidates: &[&'c str],
        context: &RouteContext<'_>,
        now: Timestamp,
        draw: u64,
        world: &World,
    ) -> Vec<&'c str> {
        match self {
            Strategy::Static => candidates.to_vec(),
            Strategy::Adaptive(router) => router.order(candidates, context, now, draw),
            Strategy::Oracle => {
                let mut ordered = candidates.to_vec();
                // A stable sort: equal rates keep the rules' order.
                ordered.sort_by(|a, b| {
                    let down = |c: &str| world.is_down(c, now);
                    let rate = |c: &str| world.true_approval(c, context.country, now);
                    down(a).cmp(&down(b)).then(rate(b).total_cmp(&rate(a)))
                });
                ordered
            }
        }
    }

    /// Tells the strategy how an attempt ended (only the adaptive one listens).
    pub fn observe(
        &mut self,
        connector: &str,
        context: &RouteContext<'_>,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) {
        if let Strategy::Adaptive(router) = self {
            router.record(connector, context, outcome, now);
        }
    }
}
