//! The provider requests kept for replay: read here, written through the
//! writer ([`crate::SettingsWrite::replays`]) and deleted by it in the same
//! transaction that closes their attempt.

use corridor_core::Timestamp;
use rusqlite::params;

use crate::replay_sql as q;
use crate::rows::SqlRow;
use crate::sqlite::reads::collect;
use crate::store::{Backend, Store};
use crate::{AttemptRecord, ProviderReplayRecord, StoreError};

impl Store {
    /// The request saved for `key` at `connector`, if its attempt is still open.
    pub async fn provider_replay(
        &self,
        connector: &str,
        key: &str,
    ) -> Result<Option<ProviderReplayRecord>, StoreError> {
        let (connector, key) = (connector.to_string(), key.to_string());
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::GET_REPLAY, move |c, sql| {
                    collect(c, sql, params![connector, key], |r| replay(r))
                })
                .await?
            }
            Backend::Postgres(s) => s.select(q::GET_REPLAY, &[&connector, &key], replay).await?,
        };
        Ok(found.into_iter().next())
    }
}

fn replay(r: &impl SqlRow) -> Result<ProviderReplayRecord, StoreError> {
    Ok(ProviderReplayRecord {
        connector: r.text(0)?,
        idempotency_key: r.text(1)?,
        sealed_request: r.text(2)?,
        created_at: Timestamp::from_unix_micros(r.int(3)?),
    })
}

/// The (connector, key) of each attempt of a batch that is closed: its
/// saved request is deleted with it.
pub(crate) fn closed(attempts: &[AttemptRecord]) -> impl Iterator<Item = (&str, &str)> {
    attempts
        .iter()
        .filter(|a| !a.outcome.is_open())
        .map(|a| (a.connector.as_str(), a.idempotency_key.as_str()))
}
