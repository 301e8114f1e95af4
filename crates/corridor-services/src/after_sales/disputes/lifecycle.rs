//! The dispute's money and state changes: hold at opening, release when
//! won, post (amount to the network, fee to the platform) when lost.

use corridor_core::aftersales::dispute::{
    transition, DisputeEvent, DisputeStatus, DisputeTransitionError,
};
use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Timestamp};
use corridor_store::{
    AccountKey, AfterSalesKind, AfterSalesWrite, LedgerOp, LedgerWrite, Owner, RefusalCode,
    TransferLeg,
};

use super::super::{AfterSalesError, AfterSalesService, Reply, Submitted};
use super::Dispute;

/// Disputes the deadline sweep handles per round.
const SWEEP_BATCH: usize = 200;

/// Builders of a dispute's ledger movements.
pub(super) struct Closing;

fn meta(kind: &str, id: &str) -> TxnMeta {
    TxnMeta {
        kind: kind.into(),
        source_id: Some(id.to_string()),
        description: None,
    }
}

fn account(owner: Owner, d: &Dispute, kind: AccountKind) -> AccountKey {
    AccountKey {
        owner,
        currency: d.currency,
        kind,
    }
}

impl Closing {
    /// Holds the amount plus the fee on the merchant's available balance.
    pub(super) fn hold(d: &Dispute, until: Timestamp) -> Result<LedgerWrite, AfterSalesError> {
        let amount = d.held;
        Ok(LedgerWrite {
            client_ref: Some(hold_ref(&d.id)),
            op: LedgerOp::CreateHold {
                debit: account(
                    Owner::Merchant(d.merchant_id.clone()),
                    d,
                    AccountKind::MerchantAvailable,
                ),
                credit: account(Owner::Platform, d, AccountKind::PlatformClearing),
                amount,
                expires_at: until,
            },
            meta: meta("dispute_hold", &d.id),
        })
    }

    /// The fee, from clearing (where a lost dispute's money lands) to the
    /// platform's revenue; the amount stays in clearing for the network.
    fn fee(d: &Dispute) -> Option<LedgerWrite> {
        if d.fee.is_zero() {
            return None;
        }
        Some(LedgerWrite {
            client_ref: Some(format!("dispute_fee:{}", d.id)),
            op: LedgerOp::Transfer(vec![
                TransferLeg {
                    account: account(Owner::Platform, d, AccountKind::PlatformClearing),
                    side: Side::Debit,
                    amount: d.fee,
                },
                TransferLeg {
                    account: account(Owner::Platform, d, AccountKind::PlatformRevenue),
                    side: Side::Credit,
                    amount: d.fee,
                },
            ]),
            meta: meta("dispute_fee", &d.id),
        })
    }

    /// What a lost dispute takes beyond its hold: `from_balance` from the
    /// merchant's available balance and `receivable` booked as owed by the
    /// merchant to the platform (its receivable account goes negative).
    fn shortfall(d: &Dispute, from_balance: i64, receivable: i64) -> Option<LedgerWrite> {
        let mut legs = Vec::new();
        let mut credit = 0;
        if let Ok(amount) = Amount::positive(from_balance) {
            legs.push(TransferLeg {
                account: account(
                    Owner::Merchant(d.merchant_id.clone()),
                    d,
                    AccountKind::MerchantAvailable,
                ),
                side: Side::Debit,
                amount,
            });
            credit += from_balance;
        }
        if let Ok(amount) = Amount::positive(receivable) {
            legs.push(TransferLeg {
                account: account(
                    Owner::PlatformFor(d.merchant_id.clone()),
                    d,
                    AccountKind::PlatformReceivable,
                ),
                side: Side::Debit,
                amount,
            });
            credit += receivable;
        }
        let credit = Amount::positive(credit).ok()?;
        legs.push(TransferLeg {
            account: account(Owner::Platform, d, AccountKind::PlatformClearing),
            side: Side::Credit,
            amount: credit,
        });
        Some(LedgerWrite {
            client_ref: Some(format!("dispute_shortfall:{}", d.id)),
            op: LedgerOp::Transfer(legs),
            meta: meta("dispute_shortfall", &d.id),
        })
    }
}

pub(super) fn hold_ref(id: &str) -> String {
    format!("dispute_hold:{id}")
}

impl AfterSalesService {
    pub(super) async fn write_opened(
        &self,
        dispute: Dispute,
        hold: Option<LedgerWrite>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let mut events = vec![self.event(
            &dispute.merchant_id,
            "dispute.created",
            self.render.dispute(&dispute),
        )];
        if dispute.status.is_closed() {
            events.push(self.event(
                &dispute.merchant_id,
                "dispute.closed",
                self.render.dispute(&dispute),
            ));
        }
        events.extend(self.monitoring_alerts(&dispute).await?);
        let write = AfterSalesWrite {
            records: vec![(dispute.to_record(), None)],
            refund_claim: None,
            ledger: hold.into_iter().collect(),
            events,
        };
        let body = self.render.dispute(&dispute);
        match self.submit(write, reply, || body).await? {
            Submitted::Written => Ok(Dispute {
                version: Some(1),
                ..dispute
            }),
            Submitted::Replayed => self.dispute(&dispute.id, None).await,
            Submitted::Refused(r) if r.code == RefusalCode::INSUFFICIENT_FUNDS => {
                Err(AfterSalesError::InsufficientFunds(r.message))
            }
            Submitted::Refused(r) if r.code == RefusalCode::VersionConflict => {
                self.dispute(&dispute.id, None).await
            }
            Submitted::Refused(r) => Err(AfterSalesError::corrupt(format!(
                "dispute refused: {} {}",
                r.code, r.message
            ))),
        }
    }

    /// The merchant accepts the dispute: it is lost, the held money goes.
    pub async fn accept_dispute(
        &self,
        id: &str,
        merchant: Option<&str>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let dispute = self.dispute(id, merchant).await?;
        self.advance(dispute, DisputeEvent::Accept, "accepted", reply)
            .await
    }

    /// The network decides (the sandbox's test helper stands for it).
    pub async fn close_dispute(
        &self,
        id: &str,
        won: bool,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let dispute = self.dispute(id, None).await?;
        self.advance(
            dispute,
            DisputeEvent::NetworkDecides { won },
            "network_decision",
            reply,
        )
        .await
    }

    /// Disputes whose evidence deadline passed without a submission: lost.
    pub async fn disputes_due(&self) -> Result<usize, AfterSalesError> {
        let due = self
            .store
            .after_sales_due(AfterSalesKind::Dispute, self.now(), SWEEP_BATCH)
            .await?;
        let count = due.len();
        for record in due {
            let dispute = Dispute::from_record(record)?;
            let id = dispute.id.clone();
            if let Err(e) = self
                .advance(
                    dispute,
                    DisputeEvent::DeadlinePassed,
                    "deadline_passed",
                    None,
                )
                .await
            {
                tracing::warn!(dispute = %id, error = %e, "dispute deadline not applied");
            }
        }
        Ok(count)
    }

    /// Applies an event that may close the dispute, with its money.
    pub(super) async fn advance(
        &self,
        dispute: Dispute,
        event: DisputeEvent,
        reason: &str,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let now = self.now();
        let status = transition(dispute.status, dispute.evidence_due_by, now, event)
            .map_err(transition_error)?;
        let mut next = Dispute {
            status,
            updated_at: now,
            ..dispute.clone()
        };
        let mut ledger = Vec::new();
        if status.is_closed() {
            next.closed_reason = Some(reason.to_string());
            next.closed_at = Some(now);
            let (movements, receivable) = self.closing_movements(&next).await?;
            ledger = movements;
            next.receivable = receivable;
        }
        let kind = if status.is_closed() {
            "dispute.closed"
        } else {
            "dispute.updated"
        };
        let events = if status != dispute.status {
            vec![self.event(&next.merchant_id, kind, self.render.dispute(&next))]
        } else {
            Vec::new()
        };
        self.write_change(dispute.version, next, ledger, events, reply)
            .await
    }

    /// The ledger movements of a closing, and what the loss booked as owed
    /// by the merchant to the platform.
    async fn closing_movements(
        &self,
        d: &Dispute,
    ) -> Result<(Vec<LedgerWrite>, Amount), AfterSalesError> {
        let hold = if d.funds_held {
            self.store.hold_of_client_ref(&hold_ref(&d.id)).await?
        } else {
            None
        };
        let mut ledger = Vec::new();
        let mut receivable = Amount::ZERO;
        if d.status == DisputeStatus::Lost {
            // What the hold did not cover: from the balance as far as it
            // goes now, the rest owed to the platform.
            let total = d
                .held_amount()
                .ok_or_else(|| AfterSalesError::corrupt("dispute amount overflows"))?;
            let held = if hold.is_some() { d.held.minor() } else { 0 };
            let short = total.minor().saturating_sub(held);
            if short > 0 {
                let available = self
                    .available(&Owner::Merchant(d.merchant_id.clone()), d.currency)
                    .await?;
                let from_balance = available.clamp(0, short);
                receivable = Amount::non_negative(short - from_balance)
                    .map_err(|_| AfterSalesError::corrupt("dispute shortfall"))?;
                ledger.extend(Closing::shortfall(d, from_balance, receivable.minor()));
            }
        }
        match (d.status, hold) {
            (DisputeStatus::Won, Some(hold)) => ledger.push(LedgerWrite {
                client_ref: Some(format!("dispute_release:{}", d.id)),
                op: LedgerOp::VoidHold(hold),
                meta: meta("dispute_release", &d.id),
            }),
            (DisputeStatus::Lost, Some(hold)) => {
                ledger.push(LedgerWrite {
                    client_ref: Some(format!("dispute_loss:{}", d.id)),
                    op: LedgerOp::PostHold { hold, amount: None },
                    meta: meta("dispute_loss", &d.id),
                });
                ledger.extend(Closing::fee(d));
            }
            (DisputeStatus::Lost, None) => ledger.extend(Closing::fee(d)),
            _ => {}
        }
        Ok((ledger, receivable))
    }

    pub(super) async fn write_change(
        &self,
        before: Option<i64>,
        next: Dispute,
        ledger: Vec<LedgerWrite>,
        events: Vec<corridor_store::NewEvent>,
        reply: Option<Reply>,
    ) -> Result<Dispute, AfterSalesError> {
        let write = AfterSalesWrite {
            records: vec![(next.to_record(), before)],
            refund_claim: None,
            ledger,
            events,
        };
        let body = self.render.dispute(&next);
        match self.submit(write, reply, || body).await? {
            Submitted::Written => Ok(Dispute {
                version: before.map(|v| v + 1),
                ..next
            }),
            Submitted::Replayed => self.dispute(&next.id, None).await,
            Submitted::Refused(r) if r.code == RefusalCode::VersionConflict => {
                Err(AfterSalesError::state(
                    "dispute_changed",
                    "the dispute changed while this request ran; retry",
                ))
            }
            Submitted::Refused(r) if r.code == RefusalCode::INSUFFICIENT_FUNDS => {
                Err(AfterSalesError::InsufficientFunds(r.message))
            }
            Submitted::Refused(r) => Err(AfterSalesError::corrupt(format!(
                "dispute {} change refused: {} {}",
                next.id, r.code, r.message
            ))),
        }
    }
}

pub(super) fn transition_error(e: DisputeTransitionError) -> AfterSalesError {
    let code = match e {
        DisputeTransitionError::Closed(_) => "dispute_closed",
        DisputeTransitionError::AlreadySubmitted => "dispute_evidence_submitted",
        DisputeTransitionError::PastDeadline => "dispute_evidence_deadline_passed",
    };
    AfterSalesError::invalid("evidence", code, e.to_string())
}
