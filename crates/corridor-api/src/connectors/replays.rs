//! The durable [`ReplayStore`] of Adyen connectors: the `/payments` request
//! of a charge, saved through the writer before it is sent, sealed with the
//! server's secret key (the body can hold card data) and bound to the
//! connector and the key, so a restarted server can replay it under the same
//! `Idempotency-Key`. The writer deletes it in the transaction that closes
//! its attempt.

use corridor_connectors::adyen::ReplayStore;
use corridor_connectors::{BoxFuture, IdempotencyKey};
use corridor_store::{ProviderReplayRecord, SettingsWrite, Store, WriteOp, WriteRequest};

use super::secrets::SecretBox;

/// Saved requests of one configured connector.
#[derive(Clone)]
pub struct StoredReplays {
    store: Store,
    secrets: SecretBox,
    connector_id: String,
}

impl std::fmt::Debug for StoredReplays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredReplays")
            .field("connector_id", &self.connector_id)
            .finish_non_exhaustive()
    }
}

impl StoredReplays {
    /// Requests of the connector with id `connector_id`, sealed by `secrets`.
    pub fn new(store: Store, secrets: SecretBox, connector_id: String) -> Self {
        StoredReplays {
            store,
            secrets,
            connector_id,
        }
    }

    /// What a request is sealed to: this connector and this key.
    fn context(&self, key: &IdempotencyKey) -> String {
        format!("provider_replay:{}:{}", self.connector_id, key.as_str())
    }
}

impl ReplayStore for StoredReplays {
    fn save<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
        request: Vec<u8>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let record = ProviderReplayRecord {
                connector: connector.to_string(),
                idempotency_key: key.as_str().to_string(),
                sealed_request: self.secrets.seal(&self.context(key), &request),
                created_at: self.store.clock().now(),
            };
            self.store
                .writer()
                .submit(WriteRequest {
                    op: WriteOp::Settings(SettingsWrite {
                        replays: vec![record],
                        ..SettingsWrite::default()
                    }),
                    idempotency: None,
                })
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }

    fn load<'a>(
        &'a self,
        connector: &'a str,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        Box::pin(async move {
            let Some(record) = self
                .store
                .provider_replay(connector, key.as_str())
                .await
                .map_err(|e| e.to_string())?
            else {
                return Ok(None);
            };
            self.secrets
                .open(&self.context(key), &record.sealed_request)
                .map(Some)
                .map_err(|e| e.to_string())
        })
    }

    fn durable(&self) -> bool {
        true
    }
}
