//! The FX service: rate history in memory, pricing versions, and the
//! writes of quotes, conversions and forwards.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use corridor_core::fx::{cross_rate, Day, EurRates, PolicyRateTable, Pricing};
use corridor_core::{Currency, Rate, Timestamp};
use corridor_store::{
    FxObjectRecord, FxObjectWrite, FxRateRow, FxWrite, RefusalCode, Store, WriteOp, WriteOutcome,
    WriteRequest, WriteResult,
};

use super::dates::today;
use super::ecb::embedded_snapshot;
use super::history::{RateFeed, RateHistory, SANDBOX_SOURCE};
use super::policy_seed::seed_policy_rates;
use super::pricing_doc::StoredPricing;
use super::FxServiceError;

/// What the rates endpoint says of its source when it answers from the
/// shipped snapshot or imported ECB files.
pub const FX_RATE_SOURCE_NOTE: &str = "European Central Bank euro foreign exchange reference rates";

/// The most rate rows one import may write.
pub const MAX_IMPORT_ROWS: usize = 500_000;

/// One day's rates seen from a base currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatesView {
    /// The base.
    pub base: Currency,
    /// The reference date.
    pub as_of: Day,
    /// Where the day's rates come from.
    pub source: String,
    /// Units of each currency per one base.
    pub rates: BTreeMap<Currency, Rate>,
    /// For the sandbox feed's days: the recorded rates re-dated (their
    /// source and day).
    pub derived_from: Option<(String, Day)>,
}

/// The FX service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct FxService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    history: RwLock<RateHistory>,
    pricing: RwLock<(i64, Pricing)>,
    policy: PolicyRateTable,
}

fn group_rows(rows: Vec<FxRateRow>) -> Vec<EurRates> {
    let mut days: BTreeMap<i32, EurRates> = BTreeMap::new();
    for row in rows {
        let Ok(rate) = Rate::parse(&row.rate) else {
            continue;
        };
        let entry = days.entry(row.day).or_insert_with(|| EurRates {
            day: Day(row.day),
            source: row.source.clone(),
            per_eur: BTreeMap::new(),
        });
        entry.source = row.source;
        entry.per_eur.insert(row.currency, rate);
    }
    days.into_values().collect()
}

impl FxService {
    /// Loads the shipped snapshot, the rates stored in the database over
    /// it, and the pricing in force (the default one if none was set).
    /// `feed` is [`RateFeed::Sandbox`] only in sandbox mode.
    pub async fn start(store: Store, feed: RateFeed) -> Result<Self, FxServiceError> {
        let mut history = RateHistory::from_days(embedded_snapshot()).with_feed(feed);
        history.merge(group_rows(store.fx_rates().await?));
        let pricing = match store.latest_fx_object("pricing").await? {
            Some(record) => (record.version_number(), parse_pricing(&record)?),
            None => (0, Pricing::default_pricing()),
        };
        Ok(FxService {
            inner: Arc::new(Inner {
                store,
                history: RwLock::new(history),
                pricing: RwLock::new(pricing),
                policy: seed_policy_rates(),
            }),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        self.inner.store.clock().now()
    }

    /// A copy of the rate history.
    pub fn history(&self) -> RateHistory {
        self.inner
            .history
            .read()
            .map(|h| h.clone())
            .unwrap_or_default()
    }

    /// Reads the history without copying it.
    pub fn with_history<T>(&self, f: impl FnOnce(&RateHistory) -> T) -> T {
        match self.inner.history.read() {
            Ok(h) => f(&h),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// The policy-rate table forwards are priced with.
    pub fn policy_rates(&self) -> &PolicyRateTable {
        &self.inner.policy
    }

    /// The pricing in force and its version (0: the default, never set).
    pub fn pricing(&self) -> (i64, Pricing) {
        self.inner
            .pricing
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|_| (0, Pricing::default_pricing()))
    }

    /// Reference rates of the latest day on or before `as_of` (today when
    /// absent), seen from `base`: for EUR the ECB's own figures, for any
    /// other base crosses through EUR (see `corridor_core::fx::cross_rate`).
    pub fn rates(&self, base: Currency, as_of: Option<Day>) -> Result<RatesView, FxServiceError> {
        let day = as_of.unwrap_or_else(|| today(self.now()));
        self.with_history(|h| {
            let set = h
                .on_or_before(day)
                .ok_or_else(|| FxServiceError::Conflict {
                    code: "rates_unavailable",
                    message: "no reference rates on or before that date".into(),
                })?;
            if base.code() != "EUR" && !set.per_eur.contains_key(&base) {
                return Err(FxServiceError::invalid(
                    "base",
                    "currency_unsupported",
                    format!(
                        "no reference rate for {base} on {}",
                        super::dates::iso(set.day)
                    ),
                ));
            }
            let rates = set
                .currencies()
                .into_iter()
                .filter(|c| *c != base)
                .filter_map(|c| cross_rate(&set, base, c).ok().map(|r| (c, r)))
                .collect();
            let derived_from = (set.source == SANDBOX_SOURCE)
                .then(|| h.recorded_on_or_before(day))
                .flatten()
                .map(|r| (r.source.clone(), r.day));
            Ok(RatesView {
                base,
                as_of: set.day,
                source: set.source.clone(),
                rates,
                derived_from,
            })
        })
    }

    /// Stores days of rates (replacing the same day and currency) and adds
    /// them to the history. Returns the number of rates written.
    pub async fn import(&self, days: Vec<EurRates>) -> Result<usize, FxServiceError> {
        let rows: Vec<FxRateRow> = days
            .iter()
            .flat_map(|d| {
                d.per_eur.iter().map(|(c, r)| FxRateRow {
                    day: d.day.0,
                    currency: *c,
                    rate: r.value().to_string(),
                    source: d.source.clone(),
                })
            })
            .collect();
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(FxServiceError::invalid(
                "file",
                "too_many_rates",
                format!("at most {MAX_IMPORT_ROWS} rates per import"),
            ));
        }
        let count = rows.len();
        let write = FxWrite {
            rates: rows,
            ..FxWrite::default()
        };
        self.submit(write).await?.map_err(refused)?;
        if let Ok(mut h) = self.inner.history.write() {
            h.merge(days);
        }
        Ok(count)
    }

    /// Sets a new pricing version; validated first. Two operators racing
    /// for the same version: one wins, the other gets 409.
    pub async fn set_pricing(&self, pricing: Pricing) -> Result<i64, FxServiceError> {
        pricing.validate().map_err(|e| FxServiceError::Invalid {
            param: e.field.clone(),
            code: "parameter_invalid",
            message: e.message.clone(),
        })?;
        let version = self.pricing().0 + 1;
        let now = self.now();
        let body = serde_json::to_string(&StoredPricing::from_pricing(&pricing))
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: FxObjectRecord {
                    id: format!("fxp_{version:010}"),
                    kind: "pricing".into(),
                    merchant_id: "platform".into(),
                    status: "active".into(),
                    version: 0,
                    due_at: None,
                    body,
                    created_at: now,
                    updated_at: now,
                },
                expected_version: None,
            }],
            ..FxWrite::default()
        };
        match self.submit(write).await? {
            Ok(_) => {}
            Err(r) if r.code == RefusalCode::VersionConflict => {
                return Err(FxServiceError::Conflict {
                    code: "pricing_changed",
                    message: "another pricing version was set at the same time; read it and retry"
                        .into(),
                })
            }
            Err(r) => return Err(refused(r)),
        }
        if let Ok(mut p) = self.inner.pricing.write() {
            if p.0 < version {
                *p = (version, pricing);
            }
        }
        Ok(version)
    }

    /// Submits an FX write without an idempotency key.
    pub(crate) async fn submit(
        &self,
        write: FxWrite,
    ) -> Result<
        Result<Option<corridor_core::ledger::Receipt>, corridor_store::Refusal>,
        FxServiceError,
    > {
        let result = self
            .inner
            .store
            .writer()
            .submit(WriteRequest {
                op: WriteOp::Fx(Box::new(write)),
                idempotency: None,
            })
            .await?;
        match result {
            WriteResult::Done {
                outcome: WriteOutcome::Fx(r),
                ..
            } => Ok(r),
            other => Err(FxServiceError::Corrupt(format!(
                "unexpected writer answer {other:?}"
            ))),
        }
    }
}

/// A refusal the caller did not expect, as an error.
pub(crate) fn refused(r: corridor_store::Refusal) -> FxServiceError {
    if r.code == RefusalCode::INSUFFICIENT_FUNDS {
        FxServiceError::InsufficientFunds(r.message)
    } else {
        FxServiceError::Conflict {
            code: "refused",
            message: format!("{}: {}", r.code, r.message),
        }
    }
}

fn parse_pricing(record: &FxObjectRecord) -> Result<Pricing, FxServiceError> {
    serde_json::from_str::<StoredPricing>(&record.body)
        .ok()
        .and_then(|s| s.to_pricing())
        .ok_or_else(|| FxServiceError::Corrupt(format!("pricing {}", record.id)))
}

trait VersionNumber {
    fn version_number(&self) -> i64;
}

impl VersionNumber for FxObjectRecord {
    /// `fxp_<n>` carries its pricing version in its id.
    fn version_number(&self) -> i64 {
        self.id
            .strip_prefix("fxp_")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}
