//! Compliance: sanctions lists (the embedded snapshot, then what the
//! operator loads), screenings with their decisions and matches, alerts
//! for a person to handle, and the audit records of each. The matching
//! itself is `corridor_sanctions`; this service keeps the loaded lists,
//! validates requests and prepares the writes.

mod error;
mod hook;
mod kyb;
pub mod kyb_info;
mod lists;
mod onboarding;
#[cfg(test)]
mod onboarding_tests;
pub mod rules;
mod screen;

pub use corridor_sanctions::Thresholds;
pub use error::ComplianceError;
pub use hook::SanctionsScreening;
pub use kyb::{KybDecision, KybOutcome};
pub use kyb_info::{BeneficialOwner, KybInfo, OwnerInput};
pub use lists::{ListContent, ListLoad, LoadedList};
pub use onboarding::{KybChanges, Onboarding};
pub use screen::{ScreeningInput, ScreeningOutcome, Subject};

use std::sync::{Arc, Mutex, RwLock};

use corridor_sanctions::{SanctionsList, Screener};
use corridor_store::{SanctionsListRecord, Store, StoreError};

/// The compliance service. Cheap to clone.
#[derive(Clone)]
pub struct ComplianceService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ComplianceService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComplianceService").finish_non_exhaustive()
    }
}

struct Inner {
    store: Store,
    /// Lists stored by the operator, read at start, parsed on first use.
    stored: Mutex<Option<Vec<SanctionsListRecord>>>,
    /// The lists in force and the screener over them, built on first use
    /// (parsing the snapshot takes a moment a server that never screens
    /// need not spend).
    state: RwLock<Option<Arc<Loaded>>>,
    /// Serializes list loads so none is lost between read and install.
    loading: Arc<tokio::sync::Mutex<()>>,
    /// The screening thresholds in force and their version (0: the
    /// calibrated default).
    thresholds: RwLock<(i64, Thresholds)>,
    with_snapshot: bool,
    rules: rules::RulesEngine,
    /// Serializes rule document versions.
    rules_lock: tokio::sync::Mutex<()>,
}

/// Lists in force with their screener.
pub(crate) struct Loaded {
    pub lists: Vec<LoadedList>,
    pub screener: Screener,
}

impl ComplianceService {
    /// The service over a store: the embedded snapshot plus the lists the
    /// operator stored (the newest version of each name wins).
    pub async fn start(store: Store) -> Result<ComplianceService, StoreError> {
        Self::start_with(store, true).await
    }

    /// Held while a new rule document version is written.
    pub fn rules_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.inner.rules_lock
    }

    /// The corridor and monitoring rules engine (shared by every service).
    pub fn rules(&self) -> &rules::RulesEngine {
        &self.inner.rules
    }

    /// As [`start`](Self::start); without the snapshot when `with_snapshot`
    /// is false (no list until the operator loads one: screening fails
    /// closed).
    pub async fn start_with(
        store: Store,
        with_snapshot: bool,
    ) -> Result<ComplianceService, StoreError> {
        let stored = store.sanctions_lists().await?;
        // No rule (and no limit) until the API puts the shipped default or
        // the operator's document in force.
        let rules = rules::RulesEngine::new(
            rules::RuleSet {
                version: 0,
                unapproved_merchant_limit_usd: corridor_core::Amount::non_negative(i64::MAX)
                    .unwrap_or(corridor_core::Amount::ZERO),
                corridor: Vec::new(),
                monitoring: Vec::new(),
            },
            Some(store.clone()),
        );
        Ok(ComplianceService {
            inner: Arc::new(Inner {
                store,
                stored: Mutex::new(Some(stored)),
                state: RwLock::new(None),
                loading: Arc::new(tokio::sync::Mutex::new(())),
                thresholds: RwLock::new((0, Thresholds::DEFAULT)),
                with_snapshot,
                rules,
                rules_lock: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub(crate) fn loading_lock(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.inner.loading.clone()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The thresholds in force.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds_in_force().1
    }

    /// The thresholds in force with their version (0: the calibrated
    /// default, until the operator puts a version).
    pub fn thresholds_in_force(&self) -> (i64, Thresholds) {
        *self
            .inner
            .thresholds
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Puts `version` of the thresholds (validated by [`Thresholds::new`])
    /// in force for the next screening.
    pub fn set_thresholds(&self, version: i64, thresholds: Thresholds) {
        *self
            .inner
            .thresholds
            .write()
            .unwrap_or_else(|e| e.into_inner()) = (version, thresholds);
    }

    /// The lists in force, building them on first use.
    pub(crate) fn loaded(&self) -> Arc<Loaded> {
        if let Some(loaded) = self.inner.state.read().ok().and_then(|s| s.clone()) {
            return loaded;
        }
        let mut state = match self.inner.state.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(loaded) = state.clone() {
            return loaded;
        }
        let stored = self
            .inner
            .stored
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_default();
        let loaded = Arc::new(lists::initial(self.inner.with_snapshot, &stored));
        *state = Some(loaded.clone());
        loaded
    }

    pub(crate) fn install(&self, lists: Vec<LoadedList>) {
        let parsed: Vec<SanctionsList> = lists.iter().map(|l| l.list.clone()).collect();
        let screener = Screener::build(&parsed);
        if let Ok(mut state) = self.inner.state.write() {
            *state = Some(Arc::new(Loaded { lists, screener }));
        }
    }

    /// The lists in force.
    pub fn lists(&self) -> Vec<LoadedList> {
        self.loaded().lists.clone()
    }

    /// The version of the lists in force together, and whether any is.
    pub fn lists_version(&self) -> (String, bool) {
        let loaded = self.loaded();
        (
            loaded.screener.version().to_owned(),
            !loaded.screener.is_empty(),
        )
    }
}
