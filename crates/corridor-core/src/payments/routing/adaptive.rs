//! Success-rate routing that learns from outcomes.
//!
//! Two statistics, on two time scales:
//!
//! - **approval**, per (connector, method type, country): approvals against
//!   soft declines (and, weakly, hard declines), decaying with a half-life of
//!   minutes, so a provider whose approval rate falls is demoted within
//!   seconds of traffic and one that recovers climbs back within minutes;
//! - **health**, per connector: answers against technical failures
//!   (timeouts, 5xx, outages), decaying with a half-life of seconds, so an
//!   outage demotes a provider at once and is forgotten soon after it ends.
//!
//! The score of a candidate is its approval times its health. Approval is
//! sampled: its estimate plus a bell-shaped noise proportional to its
//! standard error (tempered Thompson-like sampling), so well-known providers
//! are ranked by their rates while little-known ones (new, or whose record
//! has faded) are tried now and then, which is how a recovered provider is
//! noticed.

use std::collections::HashMap;
use std::hash::Hash;

use super::config::{RouterConfig, RouterConfigError};
use super::decay::{DecayedCounts, OUTCOME};
use super::sample::{normal_milli, spread};
use super::{AttemptOutcome, RouteContext};
use crate::{CountryCode, Timestamp};

/// Most (connector, method type, country) statistics kept; past this the
/// least recently updated one is forgotten.
pub const STATS_KEYS_MAX: usize = 100_000;

/// Most connectors whose health is kept; past this the least recently
/// updated one is forgotten.
pub const CONNECTORS_TRACKED_MAX: usize = 1_024;

/// Parts per million in one.
const PPM: u64 = 1_000_000;

/// A connector never heard of is as healthy as one that answered this many
/// calls out of as many.
const HEALTH_PRIOR: u64 = 2 * OUTCOME;

/// What the router currently believes about one connector for one kind of
/// payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Estimated approval, in parts per million (prior included).
    pub approval_ppm: u64,
    /// Share of calls answered (not failed technically), in parts per million.
    pub health_ppm: u64,
    /// Approval times health, in parts per million: what candidates are
    /// ranked by when exploration is off.
    pub score_ppm: u64,
    /// Recent outcomes behind the approval estimate, decayed, in
    /// micro-outcomes (one outcome is 1,000,000), prior excluded.
    pub evidence_micro: u64,
}

/// The statistics of one connector for one method type in one country.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ApprovalKey {
    connector: String,
    method: String,
    country: CountryCode,
}

impl ApprovalKey {
    fn new(connector: &str, context: &RouteContext<'_>) -> Self {
        ApprovalKey {
            connector: connector.to_string(),
            method: context.method.to_string(),
            country: context.country,
        }
    }
}

/// Orders candidates by learned approval and records outcomes.
#[derive(Debug, Clone)]
pub struct AdaptiveRouter {
    config: RouterConfig,
    approval: HashMap<ApprovalKey, DecayedCounts>,
    health: HashMap<String, DecayedCounts>,
}

impl AdaptiveRouter {
    /// A router that knows nothing yet.
    pub fn new(config: RouterConfig) -> Result<Self, RouterConfigError> {
        config.check()?;
        Ok(AdaptiveRouter {
            config,
            approval: HashMap::new(),
            health: HashMap::new(),
        })
    }

    /// Its configuration.
    pub fn config(&self) -> &RouterConfig {
        &self.config
    }

    /// `candidates` (already filtered by rules and coverage) best first, by
    /// sampled approval times health at `now`. `random_draw` is the only
    /// randomness: the same draw gives the same order. The answer is always
    /// a permutation of `candidates`; equal scores keep their given order.
    pub fn order<T: AsRef<str> + Clone>(
        &self,
        candidates: &[T],
        context: &RouteContext<'_>,
        now: Timestamp,
        random_draw: u64,
    ) -> Vec<T> {
        let mut scored: Vec<(u64, usize)> = candidates
            .iter()
            .enumerate()
            .zip(0u64..)
            .map(|((position, candidate), index)| {
                let noise = normal_milli(spread(random_draw, index));
                let score = self.sampled_score(candidate.as_ref(), context, now, noise);
                (score, position)
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .map(|(_, position)| candidates[position].clone())
            .collect()
    }

    /// Learns from one attempt at `connector` for the payment in `context`,
    /// which ended at `now`. Times may arrive slightly out of order
    /// (concurrent payments): an earlier time is counted as the latest one.
    pub fn record(
        &mut self,
        connector: &str,
        context: &RouteContext<'_>,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) {
        let weight = |ppm: u32| u64::from(ppm) * OUTCOME / PPM;
        let approval = match outcome {
            AttemptOutcome::Approved => Some((OUTCOME, 0)),
            AttemptOutcome::SoftDeclined => Some((0, OUTCOME)),
            AttemptOutcome::HardDeclined => Some((0, weight(self.config.hard_decline_weight_ppm))),
            AttemptOutcome::TechnicalFailure => None,
        };
        let health = match outcome {
            AttemptOutcome::TechnicalFailure => {
                (0, weight(self.config.technical_failure_weight_ppm))
            }
            _ => (OUTCOME, 0),
        };
        let config = self.config;
        let health_stats = Learning {
            half_life_us: half_life_us(config.health_half_life_seconds),
            total_max: u64::from(config.health_outcomes_max) * OUTCOME,
            entries_max: CONNECTORS_TRACKED_MAX,
        };
        health_stats.add(&mut self.health, connector.to_string(), now, health);
        if let Some(add) = approval {
            let approval_stats = Learning {
                half_life_us: half_life_us(config.approval_half_life_seconds),
                total_max: u64::from(config.approval_outcomes_max) * OUTCOME,
                entries_max: STATS_KEYS_MAX,
            };
            let key = ApprovalKey::new(connector, context);
            approval_stats.add(&mut self.approval, key, now, add);
        }
    }

    /// What the router believes about `connector` for payments like
    /// `context` at `now`, without exploration noise.
    pub fn estimate(
        &self,
        connector: &str,
        context: &RouteContext<'_>,
        now: Timestamp,
    ) -> Estimate {
        let (approval_ppm, evidence_micro, _) = self.approval_at(connector, context, now);
        let health_ppm = self.health_at(connector, now);
        Estimate {
            approval_ppm,
            health_ppm,
            score_ppm: approval_ppm * health_ppm / PPM,
            evidence_micro,
        }
    }

    /// Approval sampled with `noise_milli` thousandths of its standard
    /// error (scaled by the exploration setting), times health.
    fn sampled_score(
        &self,
        connector: &str,
        context: &RouteContext<'_>,
        now: Timestamp,
        noise_milli: i64,
    ) -> u64 {
        let (mean_ppm, _, weight_micro) = self.approval_at(connector, context, now);
        let variance_ppm2 = u128::from(mean_ppm * (PPM - mean_ppm)) * u128::from(OUTCOME)
            / u128::from(weight_micro.max(1));
        let error_ppm = i128::try_from(variance_ppm2.isqrt()).unwrap_or(i128::MAX);
        let exploration = i128::from(self.config.exploration_percent);
        let noise_ppm = error_ppm * i128::from(noise_milli) * exploration / 100_000;
        let sampled = (i128::from(mean_ppm) + noise_ppm).clamp(0, i128::from(PPM));
        let sampled = u64::try_from(sampled).unwrap_or(0);
        sampled * self.health_at(connector, now) / PPM
    }

    /// `(approval in ppm, evidence in micro-outcomes, evidence plus prior)`.
    fn approval_at(
        &self,
        connector: &str,
        context: &RouteContext<'_>,
        now: Timestamp,
    ) -> (u64, u64, u64) {
        let half_life = half_life_us(self.config.approval_half_life_seconds);
        let (good, bad) = self
            .approval
            .get(&ApprovalKey::new(connector, context))
            .map_or((0, 0), |counts| counts.at(now, half_life));
        let prior = u64::from(self.config.prior_outcomes) * OUTCOME;
        let prior_good = prior * u64::from(self.config.prior_approval_ppm) / PPM;
        let evidence = good.saturating_add(bad);
        let total = evidence.saturating_add(prior);
        let approval = ratio_ppm(good.saturating_add(prior_good), total);
        (approval, evidence, total)
    }

    /// Share of recent calls answered, in ppm.
    fn health_at(&self, connector: &str, now: Timestamp) -> u64 {
        let half_life = half_life_us(self.config.health_half_life_seconds);
        let (answered, failed) = self
            .health
            .get(connector)
            .map_or((0, 0), |counts| counts.at(now, half_life));
        let answered = answered.saturating_add(HEALTH_PRIOR);
        ratio_ppm(answered, answered.saturating_add(failed))
    }
}

/// `part / whole` in parts per million (`whole` is never zero here: priors
/// are at least one outcome).
fn ratio_ppm(part: u64, whole: u64) -> u64 {
    let ppm = u128::from(part) * u128::from(PPM) / u128::from(whole.max(1));
    u64::try_from(ppm).unwrap_or(PPM).min(PPM)
}

fn half_life_us(seconds: i64) -> i64 {
    seconds.saturating_mul(1_000_000)
}

/// How one map of statistics learns: how fast it forgets, how much one
/// entry weighs at most, how many entries it keeps.
struct Learning {
    half_life_us: i64,
    total_max: u64,
    entries_max: usize,
}

impl Learning {
    /// Adds `(good, bad)` micro-outcomes under `key` at `now`, creating the
    /// entry if missing; when the map is full, the least recently updated
    /// entry makes room.
    fn add<K: Eq + Hash + Clone>(
        &self,
        map: &mut HashMap<K, DecayedCounts>,
        key: K,
        now: Timestamp,
        add: (u64, u64),
    ) {
        if !map.contains_key(&key) && map.len() >= self.entries_max {
            let oldest = map
                .iter()
                .min_by_key(|(_, counts)| counts.updated_at())
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        map.entry(key)
            .or_insert_with(|| DecayedCounts::new(now))
            .add(now, self.half_life_us, add, self.total_max);
    }
}
