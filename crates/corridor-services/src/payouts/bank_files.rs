//! Applying the bank's files: pain.002 status reports and camt.054
//! notifications move payouts through their states and their money on the
//! ledger. A file is recorded by its digest, so the same file twice changes
//! nothing; every movement carries a client reference, so overlapping files
//! (a pain.002 then a camt.054 for the same transfer) move money once.

use std::collections::HashMap;

use corridor_connectors::bank::{read_bank_file, TxNews};
use corridor_core::payouts::PayoutStatus;
use corridor_core::Timestamp;
use corridor_store::{BankFileRecord, LedgerWrite, PayoutChange, PayoutRecord, PayoutWrite};
use sha2::{Digest, Sha256};

use super::{ledger, PayoutError, PayoutService};

/// One payout moved by a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutUpdate {
    /// The payout.
    pub payout: String,
    /// Status before.
    pub from: String,
    /// Status after.
    pub to: String,
    /// What the bank said: `accepted`, `rejected`, `booked`, `returned`.
    pub news: String,
    /// The bank's reason code.
    pub reason: Option<String>,
}

/// What a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFile {
    /// SHA-256 of the file.
    pub digest: String,
    /// `pain.002.001.03`, ...
    pub kind: String,
    /// The file's message id.
    pub message_id: String,
    /// Whether it had been applied before (and this changed nothing).
    pub duplicate: bool,
    /// Payouts moved.
    pub updates: Vec<PayoutUpdate>,
    /// Transactions in the file that changed nothing (already in that state).
    pub unchanged: usize,
}

impl AppliedFile {
    /// As stored and answered.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "object": "bank_file",
            "id": format!("bf_{}", &self.digest[..32]),
            "kind": self.kind,
            "message_id": self.message_id,
            "duplicate": self.duplicate,
            "unchanged": self.unchanged,
            "updates": self.updates.iter().map(|u| serde_json::json!({
                "payout": u.payout, "from": u.from, "to": u.to, "news": u.news, "reason": u.reason,
            })).collect::<Vec<_>>(),
        })
    }
}

/// A file ready to apply.
#[derive(Debug, Clone)]
pub struct PreparedBankFile {
    /// What it does.
    pub applied: AppliedFile,
    /// The write; `None` for a file applied before.
    pub write: Option<PayoutWrite>,
}

/// Moves `p` by `news`; returns the ledger movements and the news name, or
/// `None` when the news changes nothing in the payout's state.
fn transition(
    p: &mut PayoutRecord,
    news: &TxNews,
    now: Timestamp,
) -> Option<(Vec<LedgerWrite>, &'static str, Option<String>)> {
    let status = PayoutStatus::parse(&p.status)?;
    let accepted = p.accepted_at.is_some();
    match news {
        TxNews::Pending => None,
        TxNews::Accepted if status == PayoutStatus::InTransit && !accepted => {
            p.accepted_at = Some(now);
            Some((ledger::post(p), "accepted", None))
        }
        TxNews::Rejected(reason) if status == PayoutStatus::InTransit && !accepted => {
            p.status = PayoutStatus::Failed.code().into();
            p.failure_code = Some(reason.clone());
            Some((ledger::release(p), "rejected", Some(reason.clone())))
        }
        TxNews::Booked if status == PayoutStatus::InTransit => {
            let mut moves = Vec::new();
            if !accepted {
                p.accepted_at = Some(now);
                moves = ledger::post(p);
            }
            p.status = PayoutStatus::Paid.code().into();
            Some((moves, "booked", None))
        }
        TxNews::Returned(reason)
            if status == PayoutStatus::Paid || (status == PayoutStatus::InTransit && accepted) =>
        {
            p.status = PayoutStatus::Returned.code().into();
            p.failure_code = Some(reason.clone());
            Some((ledger::reverse(p), "returned", Some(reason.clone())))
        }
        TxNews::Returned(reason) if status == PayoutStatus::InTransit => {
            p.status = PayoutStatus::Returned.code().into();
            p.failure_code = Some(reason.clone());
            Some((ledger::release(p), "returned", Some(reason.clone())))
        }
        _ => None,
    }
}

fn unknown(message: String) -> PayoutError {
    PayoutError::invalid("body", "bank_file_unknown", message)
}

impl PayoutService {
    /// Reads a bank file and prepares what it changes. Refuses a malformed
    /// file, one of another kind, one answering a message that is no batch,
    /// or one naming a transaction that is no payout: nothing moves then.
    pub async fn prepare_bank_file(
        &self,
        text: &str,
        now: Timestamp,
    ) -> Result<PreparedBankFile, PayoutError> {
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        if let Some(seen) = self.store.bank_file(&digest).await? {
            return Ok(PreparedBankFile {
                applied: AppliedFile {
                    digest,
                    kind: seen.kind,
                    message_id: seen.message_id,
                    duplicate: true,
                    updates: Vec::new(),
                    unchanged: 0,
                },
                write: None,
            });
        }
        let report =
            read_bank_file(text).map_err(|e| PayoutError::invalid("body", e.code, e.message))?;
        let mut targets: Vec<(String, TxNews)> = Vec::new();
        let mut loaded: HashMap<String, PayoutRecord> = HashMap::new();
        if let Some(original) = &report.original_message_id {
            if self.store.payout_batch(original).await?.is_none() {
                return Err(unknown(format!(
                    "the report answers message '{original}', which is no payout batch of this platform"
                )));
            }
            let payouts = self.store.payouts_of_batch(original).await?;
            let by_e2e: HashMap<&str, &PayoutRecord> = payouts
                .iter()
                .map(|p| (p.end_to_end_id.as_str(), p))
                .collect();
            for (e2e, news) in &report.transactions {
                let p = by_e2e.get(e2e.as_str()).ok_or_else(|| {
                    unknown(format!("transaction '{e2e}' is not in batch '{original}'"))
                })?;
                targets.push((p.id.clone(), news.clone()));
            }
            if let Some(group) = &report.group {
                let listed: std::collections::HashSet<&str> = report
                    .transactions
                    .iter()
                    .map(|(e, _)| e.as_str())
                    .collect();
                for p in &payouts {
                    if !listed.contains(p.end_to_end_id.as_str()) {
                        targets.push((p.id.clone(), group.clone()));
                    }
                }
            }
            for p in payouts {
                loaded.insert(p.id.clone(), p);
            }
        } else {
            for (e2e, news) in &report.transactions {
                let p = self
                    .store
                    .payout_by_end_to_end_id(e2e)
                    .await?
                    .ok_or_else(|| {
                        unknown(format!("transaction '{e2e}' is no payout of this platform"))
                    })?;
                targets.push((p.id.clone(), news.clone()));
                loaded.insert(p.id.clone(), p);
            }
        }
        let originals = loaded.clone();
        let mut moves: HashMap<String, Vec<LedgerWrite>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut updates = Vec::new();
        let mut unchanged = 0;
        for (id, news) in targets {
            let Some(p) = loaded.get_mut(&id) else {
                continue;
            };
            let from = p.status.clone();
            match transition(p, &news, now) {
                Some((ledger, name, reason)) => {
                    if !moves.contains_key(&id) {
                        order.push(id.clone());
                    }
                    moves.entry(id.clone()).or_default().extend(ledger);
                    updates.push(PayoutUpdate {
                        payout: id,
                        from,
                        to: p.status.clone(),
                        news: name.into(),
                        reason,
                    });
                }
                None => unchanged += 1,
            }
        }
        let applied = AppliedFile {
            digest: digest.clone(),
            kind: report.kind.clone(),
            message_id: report.message_id.clone(),
            duplicate: false,
            updates,
            unchanged,
        };
        let changes = order
            .into_iter()
            .filter_map(|id| {
                let payout = loaded.remove(&id)?;
                let expected = originals.get(&id).map(|p| p.version);
                Some(PayoutChange {
                    payout,
                    expected_version: expected,
                    ledger: moves.remove(&id).unwrap_or_default(),
                    events: Vec::new(),
                })
            })
            .collect();
        let write = PayoutWrite {
            changes,
            bank_file: Some(BankFileRecord {
                id: digest,
                kind: report.kind,
                message_id: report.message_id,
                summary: applied.to_json().to_string(),
                created_at: now,
            }),
            ..PayoutWrite::default()
        };
        Ok(PreparedBankFile {
            applied,
            write: Some(write),
        })
    }
}
