//! Payout batches: pending payouts reserved for one bank file, durably,
//! before the file exists; then the file, with its payouts in transit.

use std::collections::BTreeMap;

use corridor_core::payouts::{PayoutStatus, Rail};
use corridor_core::{Currency, Timestamp};
use corridor_store::{BatchChange, PayoutBatchRecord, PayoutChange, PayoutRecord, PayoutWrite};
use rand::distr::{Alphanumeric, SampleString};

use super::value_date::{execution_date, iso_date};
use super::{file, PayoutError, PayoutService};

/// The most payouts one batch (one file) takes.
pub const MAX_BATCH_PAYOUTS: usize = 100_000;

/// A batch ready to write: the batch row and every payout it takes, each
/// checked against the version read (a payout taken by a concurrent batch
/// refuses the whole write).
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    /// The batch.
    pub batch: PayoutBatchRecord,
    /// The write.
    pub write: PayoutWrite,
}

/// A batch's file, with the write that marks its payouts in transit (empty
/// when they already are).
#[derive(Debug, Clone)]
pub struct PreparedFile {
    /// The pain.001 document.
    pub xml: String,
    /// To write before the file leaves, if anything changes.
    pub write: Option<PayoutWrite>,
}

impl PayoutService {
    /// Reserves every pending payout of a rail and currency (all when
    /// omitted) for a new batch.
    pub async fn prepare_batch(
        &self,
        rail: Option<&str>,
        currency: Option<&str>,
        now: Timestamp,
    ) -> Result<PreparedBatch, PayoutError> {
        self.paying_account()?;
        let rail = match rail {
            Some(r) => Some(Rail::parse(r).ok_or_else(|| {
                PayoutError::invalid(
                    "rail",
                    "parameter_invalid",
                    format!("rail is one of sepa, local, swift_sha, swift_our; not '{r}'"),
                )
            })?),
            None => None,
        };
        let currency = match currency {
            Some(c) => Some(Currency::parse(c).map_err(|e| {
                PayoutError::invalid("currency", "currency_invalid", e.to_string())
            })?),
            None => None,
        };
        let pending = self
            .store
            .payouts_to_batch(rail.map(Rail::code), currency, MAX_BATCH_PAYOUTS)
            .await?;
        if pending.is_empty() {
            return Err(PayoutError::conflict(
                "nothing_to_batch",
                "no pending payout is waiting for a batch (of that rail and currency)",
            ));
        }
        let id = format!("pob_{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
        let rails: std::collections::BTreeSet<&str> =
            pending.iter().map(|p| p.rail.as_str()).collect();
        let currencies: std::collections::BTreeSet<Currency> =
            pending.iter().map(|p| p.target_currency).collect();
        let latest = pending
            .iter()
            .map(|p| {
                let r = Rail::parse(&p.rail).unwrap_or(Rail::Local);
                execution_date(r, p.target_currency, now)
            })
            .max()
            .map(iso_date)
            .unwrap_or_default();
        let batch = PayoutBatchRecord {
            id: id.clone(),
            rail: (rails.len() == 1)
                .then(|| rails.iter().next().map(|r| r.to_string()))
                .flatten(),
            currency: (currencies.len() == 1)
                .then(|| currencies.iter().next().copied())
                .flatten(),
            status: "created".into(),
            payout_count: i64::try_from(pending.len()).unwrap_or(i64::MAX),
            control_sum: pending.iter().map(|p| p.target_amount).sum(),
            execution_date: latest,
            version: 0,
            created_at: now,
        };
        let changes = pending
            .into_iter()
            .map(|p| {
                let expected = Some(p.version);
                PayoutChange {
                    payout: PayoutRecord {
                        batch_id: Some(id.clone()),
                        ..p
                    },
                    expected_version: expected,
                    ledger: Vec::new(),
                    events: Vec::new(),
                }
            })
            .collect();
        Ok(PreparedBatch {
            write: PayoutWrite {
                changes,
                batch: Some(BatchChange {
                    batch: batch.clone(),
                    expected_version: None,
                }),
                ..PayoutWrite::default()
            },
            batch,
        })
    }

    /// The platform's account payouts leave from; refused (before anything
    /// is reserved) when the operator configured none.
    fn paying_account(&self) -> Result<&super::Debtor, PayoutError> {
        self.debtor.as_deref().ok_or_else(|| {
            PayoutError::conflict(
                "payout_account_missing",
                "no paying account is configured: start the server with --payout-account \"NAME;COUNTRY;ACCOUNT;BIC\" (or CORRIDOR_PAYOUT_ACCOUNT)",
            )
        })
    }

    /// A batch.
    pub async fn batch(&self, id: &str) -> Result<PayoutBatchRecord, PayoutError> {
        self.store
            .payout_batch(id)
            .await?
            .ok_or_else(|| PayoutError::NotFound {
                kind: "payout_batch",
                id: id.to_string(),
            })
    }

    /// The batch's pain.001, and (the first time) the write that moves the
    /// batch to `file_generated` and its payouts to `in_transit`. The caller
    /// makes that write durable before the file leaves.
    pub async fn prepare_file(
        &self,
        batch: &PayoutBatchRecord,
    ) -> Result<PreparedFile, PayoutError> {
        let payouts = self.store.payouts_of_batch(&batch.id).await?;
        let mut beneficiaries = BTreeMap::new();
        for p in &payouts {
            if !beneficiaries.contains_key(&p.beneficiary_id) {
                if let Some(b) = self.store.beneficiary(&p.beneficiary_id).await? {
                    beneficiaries.insert(b.id.clone(), b);
                }
            }
        }
        let xml = file::build(batch, &payouts, &beneficiaries, self.paying_account()?);
        let write = (batch.status == "created").then(|| PayoutWrite {
            changes: payouts
                .iter()
                .filter(|p| p.status == PayoutStatus::Pending.code())
                .map(|p| PayoutChange {
                    payout: PayoutRecord {
                        status: PayoutStatus::InTransit.code().into(),
                        ..p.clone()
                    },
                    expected_version: Some(p.version),
                    ledger: Vec::new(),
                    events: Vec::new(),
                })
                .collect(),
            batch: Some(BatchChange {
                batch: PayoutBatchRecord {
                    status: "file_generated".into(),
                    ..batch.clone()
                },
                expected_version: Some(batch.version),
            }),
            ..PayoutWrite::default()
        });
        Ok(PreparedFile { xml, write })
    }
}
