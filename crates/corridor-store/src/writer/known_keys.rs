//! The idempotency keys and ledger client references the database may
//! hold, kept by the writer, so that a request with a key never used before
//! is admitted without a read, and a transfer with a new client reference
//! is applied without looking the reference up.
//!
//! A Bloom filter of (scope, key), client references in a scope of their
//! own (`CLIENT_REFS`): it may say "perhaps" of a key the
//! database does not hold (the request then reads, as it would without the
//! filter), never "no" of one it does. That holds because the writer is the
//! database's only writer (as for the balance bound): it fills the filter
//! from every stored and started key when it starts, and adds a batch's keys
//! before committing the batch, so before anyone can see their rows. A batch
//! that then fails leaves keys in the filter with no row, which only costs
//! their reads.
//!
//! The filter is sized when the writer starts, for twice the keys stored
//! then (at least `MIN_EXPECTED_KEYS`) and at most `MAX_BITS` bits. Past
//! that many keys its answers grow less often "no", and more requests read,
//! until the next start sizes it again.
//!
//! It may be filled while the writer already runs (`KeyFill`): until then
//! it answers "perhaps" to everything. The fill reads one snapshot of the
//! database; every key committed after that snapshot was added by the
//! writer before its commit, so once both are in, none is missing.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};

use fastbloom::AtomicBloomFilter;

/// Keys the filter is sized for at least (about 7 MiB).
const MIN_EXPECTED_KEYS: usize = 4 << 20;

/// Bits per expected key: about one "perhaps" in a thousand new keys.
const BITS_PER_KEY: usize = 15;

/// The filter's largest size: 2^29 bits, 64 MiB.
const MAX_BITS: usize = 1 << 29;

/// Fills a filter with the keys the database holds, on a thread of its
/// own while the writer runs.
pub type KeyFill = Box<dyn FnOnce(&KnownKeys) -> Result<(), crate::StoreError> + Send>;

/// (scope, key) pairs the database may hold.
#[derive(Debug)]
pub struct KnownKeys {
    filter: AtomicBloomFilter,
    hasher: foldhash::quality::RandomState,
    /// Every stored key is in the filter: until then, everything is "perhaps".
    filled: AtomicBool,
    /// The writer has stopped: a fill still running may stop too.
    abandoned: AtomicBool,
}

impl KnownKeys {
    /// The scope of ledger client references (`sql::KNOWN_KEYS` takes it
    /// as its parameter). An idempotency scope equal to it would only make
    /// some answers "perhaps".
    pub(crate) const CLIENT_REFS: &'static str = "ledger client reference";

    /// An empty filter for a database holding about `stored` keys: sized
    /// for twice as many. It answers "perhaps" until [`Self::mark_filled`].
    pub(crate) fn sized_for(stored: u64) -> Self {
        let stored = usize::try_from(stored).unwrap_or(usize::MAX);
        let expected = stored.saturating_mul(2).max(MIN_EXPECTED_KEYS);
        let bits = expected.saturating_mul(BITS_PER_KEY).min(MAX_BITS);
        KnownKeys {
            filter: AtomicBloomFilter::with_num_bits(bits).expected_items(expected),
            hasher: foldhash::quality::RandomState::default(),
            filled: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
        }
    }

    /// The writer using this filter has stopped.
    pub(crate) fn abandon(&self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }

    /// Whether the writer using this filter has stopped: a fill checks it
    /// as it goes and stops with [`crate::StoreError::WriterStopped`].
    pub(crate) fn abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Relaxed)
    }

    /// Every key the database held when the writer started is in the
    /// filter: from now on it may answer "no".
    pub(crate) fn mark_filled(&self) {
        self.filled.store(true, Ordering::Release);
    }

    fn hash(&self, scope: &str, key: &str) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write(scope.as_bytes());
        // 0xff never occurs in UTF-8 text: it keeps ("ab", "c") and ("a", "bc") apart.
        h.write_u8(0xff);
        h.write(key.as_bytes());
        h.finish()
    }

    /// Notes that the database may now hold `key` in `scope`.
    pub(crate) fn insert(&self, scope: &str, key: &str) {
        self.filter.insert_hash(self.hash(scope, key));
    }

    /// `false` when the database certainly holds neither a completed nor a
    /// started `key` in `scope`; `true` means it must be read to know.
    pub(crate) fn may_hold(&self, scope: &str, key: &str) -> bool {
        !self.filled.load(Ordering::Acquire) || self.filter.contains_hash(self.hash(scope, key))
    }
}

/// Runs `fill` on a thread of its own and marks `keys` filled once it has
/// run; if it fails, `keys` keeps answering "perhaps" (every request reads)
/// until the next start.
pub(super) fn fill_in_background(
    keys: std::sync::Arc<KnownKeys>,
    fill: KeyFill,
) -> Result<(), crate::StoreError> {
    std::thread::Builder::new()
        .name("known-keys-fill".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            match fill(&keys) {
                Ok(()) => {
                    keys.mark_filled();
                    tracing::debug!(
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "known keys filter filled"
                    );
                }
                Err(crate::StoreError::WriterStopped) => {
                    tracing::debug!("known keys fill stopped with its writer")
                }
                Err(e) => tracing::error!(
                    error = %e,
                    "could not fill the known keys filter: every keyed request reads until the next start"
                ),
            }
        })
        .map(|_| ())
        .map_err(|e| crate::StoreError::Task(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(scope: &str, key: &str) -> (String, String) {
        (scope.to_string(), key.to_string())
    }

    #[test]
    fn holds_every_stored_and_inserted_key_and_few_others() {
        let stored: Vec<_> = (0..10_000).map(|i| pair("s1", &format!("k{i}"))).collect();
        let known = KnownKeys::sized_for(stored.len() as u64);
        assert!(
            known.may_hold("s2", "never stored"),
            "perhaps, until filled"
        );
        for (scope, key) in &stored {
            known.insert(scope, key);
        }
        known.mark_filled();
        assert!(!known.may_hold("s2", "never stored"));
        for i in 0..1_000 {
            known.insert("s2", &format!("new{i}"));
        }
        assert!(stored.iter().all(|(s, k)| known.may_hold(s, k)));
        assert!((0..1_000).all(|i| known.may_hold("s2", &format!("new{i}"))));
        // The same keys in another scope are other pairs; so are the same
        // bytes split elsewhere between scope and key.
        let other_scope = (0..10_000)
            .filter(|i| known.may_hold("s2", &format!("k{i}")))
            .count();
        let split_elsewhere = (0..1_000)
            .filter(|i| known.may_hold("s", &format!("2new{i}")))
            .count();
        assert!(
            other_scope < 50,
            "{other_scope} of 10,000 unknown keys reported"
        );
        assert!(
            split_elsewhere < 10,
            "{split_elsewhere} of 1,000 unknown keys reported"
        );
    }
}
