//! The configured connectors, built from their rows: what the payment
//! service routes to and what notifications are verified against.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use corridor_connectors::adyen::notification::HmacKey;
use corridor_connectors::adyen::{AdyenConfig, AdyenConnector};
use corridor_connectors::{Connector, HttpConnector};
use corridor_services::payments::PaymentService;
use corridor_store::{ConnectorRecord, Store, StoreError};
use serde::{Deserialize, Serialize};

use super::secrets::SecretBox;

/// How long one provider call may take.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// A connector's credentials, as sealed at rest.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Credentials {
    /// The provider API key.
    pub api_key: Option<String>,
    /// The HMAC key of the provider's webhooks (hex).
    pub hmac_key: Option<String>,
    /// The HMAC key before the last rotation, still accepted so that
    /// notifications signed before the provider switched keys verify.
    pub previous_hmac_key: Option<String>,
    /// Basic auth user the provider's webhooks send, if configured.
    pub notification_username: Option<String>,
    /// Basic auth password the provider's webhooks send, if configured.
    pub notification_password: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

impl Credentials {
    /// The names of the fields that are set (never their values).
    pub fn fields_set(&self) -> Vec<&'static str> {
        [
            ("api_key", self.api_key.is_some()),
            ("hmac_key", self.hmac_key.is_some()),
            (
                "notification_username",
                self.notification_username.is_some(),
            ),
            (
                "notification_password",
                self.notification_password.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// The HMAC keys notifications may be signed with, newest first.
    pub fn hmac_keys(&self) -> Vec<HmacKey> {
        [&self.hmac_key, &self.previous_hmac_key]
            .into_iter()
            .flatten()
            .filter_map(|k| HmacKey::parse_hex(k).ok())
            .collect()
    }
}

/// One configured connector, ready to call.
#[derive(Clone)]
pub struct Live {
    /// The row.
    pub record: ConnectorRecord,
    /// Its credentials, opened.
    pub credentials: Credentials,
    /// The connector, if it could be built.
    pub connector: Option<Arc<dyn Connector>>,
    /// The same connector as Adyen's, for calls outside the trait.
    pub adyen: Option<Arc<AdyenConnector>>,
}

/// Every configured connector, rebuilt from the store after each change.
pub struct Registry {
    secrets: SecretBox,
    simulated: Vec<Arc<dyn Connector>>,
    clock: corridor_connectors::Clock,
    live: RwLock<HashMap<String, Live>>,
    /// Serializes operator changes (connectors, rules, fees).
    pub write_lock: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// A registry sealing with `secrets`, alongside the `simulated` providers.
    pub fn new(
        secrets: SecretBox,
        simulated: Vec<Arc<dyn Connector>>,
        clock: corridor_connectors::Clock,
    ) -> Self {
        Registry {
            secrets,
            simulated,
            clock,
            live: RwLock::new(HashMap::new()),
            write_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The sealing box.
    pub fn secrets(&self) -> &SecretBox {
        &self.secrets
    }

    /// Names no configured connector may take (the simulated providers').
    pub fn reserved_names(&self) -> Vec<String> {
        self.simulated
            .iter()
            .map(|c| c.name().to_string())
            .collect()
    }

    /// A configured connector by id.
    pub fn get(&self, id: &str) -> Option<Live> {
        self.live.read().ok()?.get(id).cloned()
    }

    /// A configured connector by name.
    pub fn by_name(&self, name: &str) -> Option<Live> {
        self.live
            .read()
            .ok()?
            .values()
            .find(|l| l.record.name == name)
            .cloned()
    }

    /// Opens a row's credentials.
    pub fn open(&self, record: &ConnectorRecord) -> Option<Credentials> {
        let plain = self
            .secrets
            .open(&record.id, &record.sealed_credentials)
            .ok()?;
        serde_json::from_slice(&plain).ok()
    }

    /// Seals credentials for a connector id.
    pub fn seal(&self, id: &str, credentials: &Credentials) -> String {
        let plain = serde_json::to_vec(credentials).unwrap_or_default();
        self.secrets.seal(id, &plain)
    }

    /// Rebuilds every connector from the store and hands the payment
    /// service its new connector set (the simulated providers first).
    pub async fn reload(&self, store: &Store, service: &PaymentService) -> Result<(), StoreError> {
        let mut live = HashMap::new();
        let mut all = self.simulated.clone();
        let mut disabled = Vec::new();
        for record in store.connectors().await? {
            let Some(credentials) = self.open(&record) else {
                tracing::error!(connector = %record.name, "credentials do not open with this secret key; connector left out");
                continue;
            };
            let (connector, adyen) = self.build(store, &record, &credentials).await;
            if let Some(c) = &connector {
                all.push(Arc::clone(c));
                if !record.enabled {
                    disabled.push(record.name.clone());
                }
            }
            live.insert(
                record.id.clone(),
                Live {
                    record,
                    credentials,
                    connector,
                    adyen,
                },
            );
        }
        if let Err(e) = service.set_connectors(all, disabled) {
            tracing::error!(error = %e, "connector set refused");
        }
        if let Ok(mut map) = self.live.write() {
            *map = live;
        }
        Ok(())
    }

    async fn build(
        &self,
        store: &Store,
        record: &ConnectorRecord,
        credentials: &Credentials,
    ) -> (Option<Arc<dyn Connector>>, Option<Arc<AdyenConnector>>) {
        match record.kind.as_str() {
            "adyen" => {
                let config = AdyenConfig {
                    name: record.name.clone(),
                    base_url: record.base_url.clone().unwrap_or_default(),
                    api_key: credentials.api_key.clone().unwrap_or_default(),
                    merchant_account: record.merchant_account.clone().unwrap_or_default(),
                    raw_card_data: record.raw_card_data,
                    return_url: record.return_url.clone().unwrap_or_default(),
                    timeout: PROVIDER_TIMEOUT,
                    extra_headers: Vec::new(),
                };
                // The requests it may replay are kept durably (sealed), so
                // a restart still resolves a lost answer by replaying it.
                let replays = Arc::new(super::replays::StoredReplays::new(
                    store.clone(),
                    self.secrets.clone(),
                    record.id.clone(),
                ));
                match AdyenConnector::with_replays(config, self.clock.clone(), replays) {
                    Ok(adyen) => {
                        let adyen = Arc::new(adyen);
                        let dynamic: Arc<dyn Connector> = adyen.clone();
                        (Some(dynamic), Some(adyen))
                    }
                    Err(e) => {
                        tracing::error!(connector = %record.name, error = %e, "Adyen connector not built");
                        (None, None)
                    }
                }
            }
            "sandbox" => {
                let base = record.base_url.clone().unwrap_or_default();
                match HttpConnector::connect(&base, &record.name, PROVIDER_TIMEOUT).await {
                    Ok(c) => (Some(Arc::new(c) as Arc<dyn Connector>), None),
                    Err(e) => {
                        tracing::warn!(connector = %record.name, error = %e, "simulated provider unreachable; connector left out");
                        (None, None)
                    }
                }
            }
            other => {
                tracing::error!(connector = %record.name, kind = other, "unknown connector type");
                (None, None)
            }
        }
    }
}
