//! Reads on the path of every payment request, one query each: the state
//! of an idempotency key, and the balances a merchant's request may move.

use rusqlite::params;

use crate::records::{AccountBalance, IdempotencyRecord, Owner};
use crate::rows::{self, SqlRow};
use crate::sqlite::reads::collect;
use crate::store::{Backend, Store};
use crate::StoreError;

/// A key's completed response (if any) and the request that started an
/// effect under it (if any), by scope and key.
const KEY_STATE: &str = "SELECT i.scope, i.key, i.request_hash, i.status_code, i.body, i.created_at, s.request_hash, s.resource_id \
     FROM (SELECT CAST($1 AS TEXT) AS scope, CAST($2 AS TEXT) AS key) k \
     LEFT JOIN idempotency_keys i ON i.scope = k.scope AND i.key = k.key \
     LEFT JOIN idempotency_started s ON s.scope = k.scope AND s.key = k.key";

/// The accounts of two owners (a merchant's own and the platform's for it).
const BALANCES_OF_TWO_OWNERS: &str =
    "SELECT id, currency, kind, posted, held_out, held_in FROM accounts \
     WHERE owner = $1 OR owner = $2 ORDER BY currency, kind";

/// Where an idempotency key stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyState {
    /// The stored response, if a request with the key completed.
    pub completed: Option<IdempotencyRecord>,
    /// The request digest and resource of an effect the key started.
    pub started: Option<(String, String)>,
}

fn key_state(r: &impl SqlRow) -> Result<KeyState, StoreError> {
    let completed = match r.opt_text(2)? {
        Some(_) => Some(rows::idempotency(r)?),
        None => None,
    };
    let started = match (r.opt_text(6)?, r.opt_text(7)?) {
        (Some(hash), Some(resource)) => Some((hash, resource)),
        _ => None,
    };
    Ok(KeyState { completed, started })
}

impl Store {
    /// A key's completed response and started effect, in one read, or
    /// none when the writer's known keys show the key was never used.
    pub async fn key_state(&self, scope: &str, key: &str) -> Result<KeyState, StoreError> {
        if !self.writer().known_keys().may_hold(scope, key) {
            return Ok(KeyState::default());
        }
        let (scope, key) = (scope.to_string(), key.to_string());
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.read(move |c| collect(c, KEY_STATE, params![scope, key], |r| key_state(r)))
                    .await?
            }
            Backend::Postgres(s) => s.select(KEY_STATE, &[&scope, &key], key_state).await?,
        };
        Ok(found.into_iter().next().unwrap_or_default())
    }

    /// Whether adding `minor` to, or taking it from, any account's posted
    /// balance certainly stays within the ledger's 64-bit range, known
    /// without a read from a bound the writer keeps. `false` means only that
    /// the balances must be read to know.
    pub fn fits_every_balance(&self, minor: i64) -> bool {
        self.writer().balance_bound().fits(minor)
    }

    /// The balances of a merchant's accounts and of the platform's accounts
    /// for that merchant, in one read.
    pub async fn merchant_balances(
        &self,
        merchant: &str,
    ) -> Result<Vec<AccountBalance>, StoreError> {
        let own = Owner::Merchant(merchant.to_string()).code();
        let platform = Owner::PlatformFor(merchant.to_string()).code();
        match self.backend() {
            Backend::Sqlite(s) => {
                s.read(move |c| {
                    collect(c, BALANCES_OF_TWO_OWNERS, params![own, platform], |r| {
                        rows::balance(r)
                    })
                })
                .await
            }
            Backend::Postgres(s) => {
                s.select(BALANCES_OF_TWO_OWNERS, &[&own, &platform], rows::balance)
                    .await
            }
        }
    }
}
