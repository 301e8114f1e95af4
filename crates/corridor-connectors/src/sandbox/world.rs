//! The sandbox world: simulated providers sharing one clock, one seed, one
//! schedule of faults and events, and one set of notification subscribers.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use corridor_core::Timestamp;
use tokio::sync::mpsc::UnboundedReceiver;

use super::events::EventQueue;
use super::notify::Subscribers;
use super::psp_state::PspState;
use super::sim::Sim;
use super::{Fault, LatencyMode, Notification, PspProfile, SandboxConfig, SandboxConnector};
use crate::{Clock, Connector, Coverage, DeclineCode};

/// Most faults scheduled at once (past ones are dropped first).
pub const FAULTS_SCHEDULED_MAX: usize = 1_024;

/// Why a world could not be built or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    /// No provider has this name.
    #[error("no sandbox provider is named `{0}`")]
    UnknownPsp(String),
    /// Two providers share a name.
    #[error("two sandbox providers are named `{0}`")]
    DuplicatePsp(String),
    /// A provider name must be lower-case letters, digits and `_`.
    #[error("`{0}` is not a valid provider name")]
    InvalidName(String),
    /// [`FAULTS_SCHEDULED_MAX`] faults are already scheduled.
    #[error("too many faults scheduled")]
    TooManyFaults,
}

/// Everything that changes as the world runs.
#[derive(Debug, Default)]
pub(crate) struct WorldState {
    pub psps: Vec<PspState>,
    pub faults: Vec<Fault>,
    pub events: EventQueue,
    /// Hard card declines by payment: the issuer says the same to every provider.
    pub issuer_declines: HashMap<String, DeclineCode>,
    /// Payments whose `processing_error` test card already failed once.
    pub processing_errors_seen: HashSet<String>,
    pub next_notification: u64,
}

/// A simulated world of payment service providers.
#[derive(Debug)]
pub struct SandboxWorld {
    config: SandboxConfig,
    clock: Clock,
    profiles: Vec<PspProfile>,
    coverages: Vec<Coverage>,
    state: Mutex<WorldState>,
    subscribers: Subscribers,
    public_base_url: RwLock<String>,
}

impl SandboxWorld {
    /// A world of `profiles`, reading time from `clock`.
    pub fn new(
        config: SandboxConfig,
        profiles: Vec<PspProfile>,
        clock: Clock,
    ) -> Result<Arc<Self>, SandboxError> {
        for (i, profile) in profiles.iter().enumerate() {
            let valid = !profile.name.is_empty()
                && profile
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(SandboxError::InvalidName(profile.name.clone()));
            }
            if profiles[..i].iter().any(|p| p.name == profile.name) {
                return Err(SandboxError::DuplicatePsp(profile.name.clone()));
            }
        }
        let state = WorldState {
            psps: profiles.iter().map(|_| PspState::default()).collect(),
            ..WorldState::default()
        };
        Ok(Arc::new(SandboxWorld {
            public_base_url: RwLock::new(config.public_base_url.clone()),
            config,
            clock,
            coverages: profiles.iter().map(PspProfile::coverage).collect(),
            profiles,
            state: Mutex::new(state),
            subscribers: Subscribers::default(),
        }))
    }

    /// A world of the [`super::standard`] providers.
    pub fn standard(config: SandboxConfig, clock: Clock) -> Arc<Self> {
        // The standard profiles have valid, distinct names.
        match SandboxWorld::new(config, super::standard::profiles(), clock) {
            Ok(world) => world,
            Err(e) => unreachable!("standard sandbox profiles are invalid: {e}"),
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// The world's current time.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Its providers.
    pub fn profiles(&self) -> &[PspProfile] {
        &self.profiles
    }

    /// The provider named `name`.
    pub fn profile(&self, name: &str) -> Option<&PspProfile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The in-process connector of the provider named `name`.
    pub fn connector(self: &Arc<Self>, name: &str) -> Option<SandboxConnector> {
        let index = self.psp_index(name)?;
        Some(SandboxConnector::new(Arc::clone(self), index))
    }

    /// An in-process connector for every provider, in profile order.
    pub fn connectors(self: &Arc<Self>) -> Vec<Arc<dyn Connector>> {
        (0..self.profiles.len())
            .map(|i| Arc::new(SandboxConnector::new(Arc::clone(self), i)) as Arc<dyn Connector>)
            .collect()
    }

    /// Schedules a fault. Faults that already ended are forgotten first.
    pub fn schedule_fault(&self, fault: Fault) -> Result<(), SandboxError> {
        if self.psp_index(&fault.psp).is_none() {
            return Err(SandboxError::UnknownPsp(fault.psp));
        }
        let now = self.now();
        let mut state = self.lock();
        state.faults.retain(|f| f.until > now);
        if state.faults.len() >= FAULTS_SCHEDULED_MAX {
            return Err(SandboxError::TooManyFaults);
        }
        state.faults.push(fault);
        Ok(())
    }

    /// Removes every scheduled fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Receives every notification published from now on.
    pub fn subscribe(&self) -> UnboundedReceiver<Notification> {
        self.subscribers.subscribe()
    }

    /// Runs every event due by now (expiries, settlements, simulated
    /// buyers), publishes and returns the notifications.
    pub fn tick(&self) -> Vec<Notification> {
        self.with_sim(|_| ()).1
    }

    /// Calls [`Self::tick`] every `period` of real time, until the world is
    /// dropped or the task aborted. Needs a Tokio runtime.
    pub fn spawn_ticker(self: &Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        let world = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            loop {
                interval.tick().await;
                let Some(world) = world.upgrade() else { return };
                world.tick();
            }
        })
    }

    /// Sets the base of the 3DS and redirect URLs handed to buyers.
    pub fn set_public_base_url(&self, url: &str) {
        let mut base = self
            .public_base_url
            .write()
            .unwrap_or_else(|e| e.into_inner());
        *base = url.trim_end_matches('/').to_string();
    }

    /// The index of the provider named `name`.
    pub(crate) fn psp_index(&self, name: &str) -> Option<usize> {
        self.profiles.iter().position(|p| p.name == name)
    }

    /// The coverage of provider `index`.
    pub(crate) fn coverage(&self, index: usize) -> &Coverage {
        &self.coverages[index]
    }

    /// Runs `operation` on the world at the current time, after the events
    /// due by then; publishes the notifications produced, after unlocking.
    pub(crate) fn with_sim<R>(
        &self,
        operation: impl FnOnce(&mut Sim<'_>) -> R,
    ) -> (R, Vec<Notification>) {
        let now = self.now();
        let base_url = self
            .public_base_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (result, notifications) = {
            let mut state = self.lock();
            let mut sim = Sim::new(
                &self.config,
                &self.profiles,
                &self.coverages,
                &base_url,
                &mut state,
                now,
            );
            sim.run_due();
            let result = operation(&mut sim);
            (result, sim.into_notifications())
        };
        self.subscribers.publish(&notifications);
        (result, notifications)
    }

    /// Waits the simulated latency, as the latency mode says.
    pub(crate) async fn pause(&self, latency_ms: u32) {
        if let LatencyMode::Sleep { max_ms } = self.config.latency {
            let ms = latency_ms.min(max_ms);
            tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        }
    }

    /// Every charge any provider of this world holds for `payment_id`
    /// (the payment id the charge request carried), by provider then reference.
    pub fn charges_of_payment(&self, payment_id: &str) -> Vec<super::ProviderCharge> {
        let state = self.lock();
        let mut out: Vec<super::ProviderCharge> = state
            .psps
            .iter()
            .zip(&self.profiles)
            .flat_map(|(psp, profile)| {
                psp.charges
                    .values()
                    .filter(|c| c.payment_id == payment_id)
                    .map(|c| super::ProviderCharge {
                        connector: profile.name.clone(),
                        reference: c.reference.clone(),
                        status: c.outcome.code().to_string(),
                        amount: c.amount.minor(),
                        currency: c.currency.code().to_string(),
                    })
            })
            .collect();
        out.sort_by(|a, b| (&a.connector, &a.reference).cmp(&(&b.connector, &b.reference)));
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WorldState> {
        // A panic inside an operation can at worst lose that one call's
        // change; the simulation itself stays usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
