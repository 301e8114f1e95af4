//! The simulated world of the routing benchmark: the standard sandbox
//! providers, atlas approving 95% of cards, then 40% for the middle half of
//! the run, then 95% again, and harbor down for two minutes while atlas is
//! degraded.

use std::sync::Arc;

use corridor_connectors::sandbox::{Fault, FaultKind, PspProfile, SandboxConfig, SandboxWorld};
use corridor_connectors::{Connector, ManualClock, MethodType};
use corridor_core::{CountryCode, Timestamp};

use super::phased::PhasedConnector;

/// 2026-11-26T00:00:00Z: when the first payment may arrive.
pub const START: Timestamp = Timestamp::from_unix_micros(1_795_651_200_000_000);

/// atlas's card approval rate while healthy, and while degraded.
pub const ATLAS_APPROVAL_HEALTHY: f64 = 0.95;
/// See [`ATLAS_APPROVAL_HEALTHY`].
pub const ATLAS_APPROVAL_DEGRADED: f64 = 0.40;

/// The provider whose approval rate changes, and its degraded twin.
const DEGRADING: &str = "atlas";
const DEGRADED_TWIN: &str = "atlas_degraded";

/// The provider that goes down, and for how long.
const FAILING: &str = "harbor";
const OUTAGE_SECONDS: i64 = 120;

/// When things happen, in simulated time.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    /// The last payment arrives before this.
    pub end: Timestamp,
    /// atlas approves [`ATLAS_APPROVAL_DEGRADED`] from here...
    pub degraded_from: Timestamp,
    /// ...to here.
    pub degraded_until: Timestamp,
    /// harbor is down from here...
    pub outage_from: Timestamp,
    /// ...to here.
    pub outage_until: Timestamp,
}

impl Timeline {
    /// A run of `seconds`: atlas degraded for the middle half, harbor down
    /// for two minutes from the middle.
    pub fn new(seconds: i64) -> Self {
        let at = |share_percent: i64| START.plus_seconds(seconds * share_percent / 100);
        Timeline {
            end: at(100),
            degraded_from: at(25),
            degraded_until: at(75),
            outage_from: at(50),
            outage_until: at(50).plus_seconds(OUTAGE_SECONDS),
        }
    }

    /// Which part of the run `at` falls in: 0 before the degradation, 1
    /// during it, 2 after it.
    pub fn period(&self, at: Timestamp) -> usize {
        if at < self.degraded_from {
            0
        } else if at < self.degraded_until {
            1
        } else {
            2
        }
    }

    /// Whether harbor is down at `at`.
    pub fn in_outage(&self, at: Timestamp) -> bool {
        self.outage_from <= at && at < self.outage_until
    }
}

/// One run's world: the providers as the router sees them.
pub struct World {
    /// atlas (phased), harbor, lotus, meridian, andes.
    pub connectors: Vec<Arc<dyn Connector>>,
    /// What drives the world's time.
    pub clock: ManualClock,
    /// When things happen.
    pub timeline: Timeline,
    profiles: Vec<PspProfile>,
}

impl World {
    /// A fresh world seeded with `seed`.
    pub fn new(seed: u64, timeline: Timeline) -> anyhow::Result<Self> {
        let clock = ManualClock::new(START);
        let profiles = profiles();
        let sandbox = SandboxWorld::new(
            SandboxConfig::virtual_time(seed),
            profiles.clone(),
            clock.clock(),
        )?;
        sandbox.schedule_fault(Fault::new(
            FAILING,
            timeline.outage_from,
            OUTAGE_SECONDS,
            FaultKind::Outage,
        ))?;
        let provider = |name: &str| -> anyhow::Result<Arc<dyn Connector>> {
            let connector = sandbox
                .connector(name)
                .ok_or_else(|| anyhow::anyhow!("no sandbox provider `{name}`"))?;
            Ok(Arc::new(connector))
        };
        let atlas = PhasedConnector::new(
            DEGRADING,
            clock.clock(),
            vec![
                (START, provider(DEGRADING)?),
                (timeline.degraded_from, provider(DEGRADED_TWIN)?),
                (timeline.degraded_until, provider(DEGRADING)?),
            ],
        )?;
        let mut connectors: Vec<Arc<dyn Connector>> = vec![Arc::new(atlas)];
        for name in ["harbor", "lotus", "meridian", "andes"] {
            connectors.push(provider(name)?);
        }
        Ok(World {
            connectors,
            clock,
            timeline,
            profiles,
        })
    }

    /// The true card approval rate of `connector` for buyers in `country`
    /// at `at`, as only the oracle knows it.
    pub fn true_approval(&self, connector: &str, country: CountryCode, at: Timestamp) -> f64 {
        let degraded = connector == DEGRADING && self.timeline.period(at) == 1;
        let name = if degraded { DEGRADED_TWIN } else { connector };
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.method(MethodType::Card))
            .map_or(0.0, |m| m.approval_rate_in(country))
    }

    /// Whether `connector` is down at `at`, as only the oracle knows it.
    pub fn is_down(&self, connector: &str, at: Timestamp) -> bool {
        connector == FAILING && self.timeline.in_outage(at)
    }
}

/// The standard providers, with atlas approving a flat 95% of cards in every
/// country, and its degraded twin approving 40%.
fn profiles() -> Vec<PspProfile> {
    let mut profiles = corridor_connectors::sandbox::standard::profiles();
    let with_card_approval = |mut profile: PspProfile, name: &str, rate: f64| {
        profile.name = name.to_string();
        for method in &mut profile.methods {
            if method.coverage.method == MethodType::Card {
                method.approval_rate = rate;
                method.approval_by_country.clear();
            }
        }
        profile
    };
    for profile in &mut profiles {
        if profile.name == DEGRADING {
            *profile = with_card_approval(profile.clone(), DEGRADING, ATLAS_APPROVAL_HEALTHY);
        }
    }
    let atlas = profiles.iter().find(|p| p.name == DEGRADING).cloned();
    if let Some(atlas) = atlas {
        profiles.push(with_card_approval(
            atlas,
            DEGRADED_TWIN,
            ATLAS_APPROVAL_DEGRADED,
        ));
    }
    profiles
}
