//! Receiving, answering, resolving and escalating complaints.

use corridor_core::aftersales::complaint::{
    rule_for, transition, ComplaintAction, ComplaintCategory, ComplaintStatus,
    ComplaintTransitionError,
};
use corridor_core::CountryCode;
use corridor_store::{AfterSalesKind, AfterSalesWrite, RefusalCode};

use super::super::{AfterSalesError, AfterSalesService, Answered, RefundInput, Reply, Submitted};
use super::deadline::{market_calendar, respond_by};
use super::Complaint;

/// Longest description, message or contact, in characters.
pub const COMPLAINT_TEXT_CHARS_MAX: usize = 5_000;
/// Complaints the overdue sweep handles per round.
const SWEEP_BATCH: usize = 200;

/// A complaint as received.
#[derive(Debug, Clone)]
pub struct ComplaintInput {
    /// The merchant it is filed with.
    pub merchant_id: String,
    /// The payment (`pay_...`).
    pub payment: String,
    /// Its category code.
    pub category: String,
    /// The buyer's words.
    pub description: String,
    /// How to reach the buyer.
    pub customer_contact: String,
}

/// How a complaint is resolved.
#[derive(Debug, Clone)]
pub enum ComplaintResolution {
    /// By a refund of `amount` (everything left when `None`).
    Refund {
        /// Minor units.
        amount: Option<i64>,
    },
    /// By a reasoned rejection.
    Reject,
}

fn text(param: &str, value: &str) -> Result<String, AfterSalesError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || value.chars().count() > COMPLAINT_TEXT_CHARS_MAX {
        return Err(AfterSalesError::invalid(
            param,
            "parameter_invalid",
            format!("{param} must be 1-{COMPLAINT_TEXT_CHARS_MAX} characters"),
        ));
    }
    Ok(value.to_string())
}

impl AfterSalesService {
    /// Receives a complaint; `respond_by` comes from the market's rule.
    pub async fn create_complaint(
        &self,
        input: ComplaintInput,
        reply: Option<Reply>,
    ) -> Result<Answered<Complaint>, AfterSalesError> {
        let category = ComplaintCategory::parse(&input.category).ok_or_else(|| {
            AfterSalesError::invalid(
                "category",
                "parameter_invalid",
                "category must be one of not_received, not_as_described, unauthorized, refund_not_received, duplicate_charge, other",
            )
        })?;
        let description = text("description", &input.description)?;
        let customer_contact = text("customer_contact", &input.customer_contact)?;
        let payment = self
            .store
            .payment(&input.payment)
            .await?
            .filter(|p| p.merchant_id == input.merchant_id)
            .ok_or_else(|| {
                AfterSalesError::invalid(
                    "payment",
                    "resource_missing",
                    format!("no such payment: '{}'", input.payment),
                )
            })?;
        let id = Self::new_id("cmp", reply.as_ref());
        if let Ok(existing) = self.complaint(&id, Some(&input.merchant_id)).await {
            return Ok(Answered::Done(existing));
        }
        let country = CountryCode::parse(&payment.country)
            .map_err(|_| AfterSalesError::corrupt("the payment's country is invalid"))?;
        let rule = rule_for(country, category);
        let calendar = market_calendar(country);
        let now = self.now();
        let respond_by = respond_by(now, rule.period, calendar)
            .ok_or_else(|| AfterSalesError::corrupt("the complaint deadline is out of range"))?;
        let complaint = Complaint {
            id,
            merchant_id: payment.merchant_id.clone(),
            payment_id: payment.id.clone(),
            country: payment.country.clone(),
            status: ComplaintStatus::Open,
            category,
            description,
            customer_contact,
            rule: rule.code.to_string(),
            calendar: calendar.name().to_string(),
            received_at: now,
            respond_by,
            holding_reply_at: None,
            first_response_at: None,
            messages: Vec::new(),
            resolution: None,
            refund: None,
            refund_amount: None,
            dispute: None,
            resolved_at: None,
            overdue_alerted: false,
            created_at: now,
            updated_at: now,
            currency: payment.currency,
            version: None,
        };
        let event = self.event(
            &complaint.merchant_id,
            "complaint.created",
            self.render.complaint(&complaint),
        );
        self.write_complaint(complaint, vec![event], reply)
            .await
            .map(Answered::Done)
    }

    /// Answers a complaint; a holding reply extends the deadline where the
    /// market's rule allows it.
    pub async fn respond_complaint(
        &self,
        id: &str,
        merchant: Option<&str>,
        message: &str,
        holding_reply: bool,
        reply: Option<Reply>,
    ) -> Result<Complaint, AfterSalesError> {
        let message = text("message", message)?;
        let complaint = self.complaint(id, merchant).await?;
        let country = CountryCode::parse(&complaint.country)
            .map_err(|_| AfterSalesError::corrupt("the complaint's country is invalid"))?;
        let rule = rule_for(country, complaint.category);
        let action = if holding_reply {
            ComplaintAction::HoldingReply
        } else {
            ComplaintAction::Respond
        };
        let status = transition(
            complaint.status,
            &rule,
            complaint.holding_reply_at.is_some(),
            action,
        )
        .map_err(|e| state_error("holding_reply", e))?;
        let now = self.now();
        let mut next = Complaint {
            status,
            updated_at: now,
            ..complaint.clone()
        };
        if holding_reply {
            let extended = rule.with_holding_reply.and_then(|period| {
                respond_by(complaint.received_at, period, market_calendar(country))
            });
            next.respond_by = extended
                .ok_or_else(|| AfterSalesError::corrupt("extended deadline out of range"))?;
            next.holding_reply_at = Some(now);
            next.overdue_alerted = false;
        } else if next.first_response_at.is_none() {
            next.first_response_at = Some(now);
        }
        let kind = if holding_reply {
            "holding_reply"
        } else {
            "response"
        };
        next.messages.push((now, kind.to_string(), message));
        let event = self.event(
            &next.merchant_id,
            "complaint.updated",
            self.render.complaint(&next),
        );
        self.write_complaint_change(complaint.version, next, vec![event], reply)
            .await
    }

    /// Resolves a complaint by a refund (which creates the refund) or a
    /// reasoned rejection.
    pub async fn resolve_complaint(
        &self,
        id: &str,
        merchant: Option<&str>,
        resolution: ComplaintResolution,
        message: &str,
        reply: Option<Reply>,
    ) -> Result<Complaint, AfterSalesError> {
        let message = text("message", message)?;
        let complaint = self.complaint(id, merchant).await?;
        let country = CountryCode::parse(&complaint.country)
            .map_err(|_| AfterSalesError::corrupt("the complaint's country is invalid"))?;
        let rule = rule_for(country, complaint.category);
        let status = transition(
            complaint.status,
            &rule,
            complaint.holding_reply_at.is_some(),
            ComplaintAction::Resolve,
        )
        .map_err(|e| state_error("resolution", e))?;
        let now = self.now();
        let mut next = Complaint {
            status,
            updated_at: now,
            resolved_at: Some(now),
            ..complaint.clone()
        };
        if next.first_response_at.is_none() {
            next.first_response_at = Some(now);
        }
        match resolution {
            ComplaintResolution::Reject => next.resolution = Some("reject".into()),
            ComplaintResolution::Refund { amount } => {
                // One refund per complaint: its id derives from the complaint,
                // so a retry finds it instead of refunding again.
                let refund_id = derived_id("re", &complaint.id, "refund");
                let input = RefundInput {
                    merchant_id: complaint.merchant_id.clone(),
                    payment: complaint.payment_id.clone(),
                    amount,
                    reason: Some("requested_by_customer".into()),
                    bank_account: None,
                };
                let refund = match self.create_refund_as(refund_id, input, None).await? {
                    Answered::Done(refund) => refund,
                    Answered::Replayed(_) => {
                        return Err(AfterSalesError::corrupt("a complaint refund was replayed"))
                    }
                };
                next.resolution = Some("refund".into());
                next.refund = Some(refund.id.clone());
                next.refund_amount = Some(refund.amount.minor());
            }
        }
        next.messages.push((now, "resolution".into(), message));
        let event = self.event(
            &next.merchant_id,
            "complaint.resolved",
            self.render.complaint(&next),
        );
        self.write_complaint_change(complaint.version, next, vec![event], reply)
            .await
    }

    /// Escalates a complaint to a dispute with the network reason code that
    /// fits its category.
    pub async fn escalate_complaint(
        &self,
        id: &str,
        merchant: Option<&str>,
        reply: Option<Reply>,
    ) -> Result<Complaint, AfterSalesError> {
        let complaint = self.complaint(id, merchant).await?;
        let country = CountryCode::parse(&complaint.country)
            .map_err(|_| AfterSalesError::corrupt("the complaint's country is invalid"))?;
        let rule = rule_for(country, complaint.category);
        let status = transition(
            complaint.status,
            &rule,
            complaint.holding_reply_at.is_some(),
            ComplaintAction::Escalate,
        )
        .map_err(|e| state_error("status", e))?;
        let payment = self
            .store
            .payment(&complaint.payment_id)
            .await?
            .ok_or_else(|| AfterSalesError::corrupt("complaint payment missing"))?;
        let brand = payment
            .card
            .as_ref()
            .map(|c| c.brand.clone())
            .unwrap_or_default();
        let reason = reason_code_for(complaint.category, &brand);
        let dispute_id = derived_id("dp", &complaint.id, "dispute");
        let dispute = self
            .open_dispute_as(
                dispute_id,
                &complaint.payment_id,
                Some(&complaint.merchant_id),
                reason,
                Some(complaint.id.clone()),
                None,
            )
            .await?;
        let now = self.now();
        let next = Complaint {
            status,
            updated_at: now,
            resolved_at: Some(now),
            dispute: Some(dispute.id.clone()),
            ..complaint.clone()
        };
        let event = self.event(
            &next.merchant_id,
            "complaint.escalated",
            self.render.complaint(&next),
        );
        self.write_complaint_change(complaint.version, next, vec![event], reply)
            .await
    }

    /// Open complaints past their deadline: one `complaint.overdue` alert each.
    pub async fn complaints_due(&self) -> Result<usize, AfterSalesError> {
        let now = self.now();
        let due = self
            .store
            .after_sales_due(AfterSalesKind::Complaint, now, SWEEP_BATCH)
            .await?;
        let mut alerted = 0;
        for record in due {
            let complaint = Complaint::from_record(record)?;
            if !complaint.is_overdue(now) {
                continue;
            }
            let next = Complaint {
                overdue_alerted: true,
                updated_at: now,
                ..complaint.clone()
            };
            let event = self.event(
                &next.merchant_id,
                "complaint.overdue",
                self.render.complaint(&next),
            );
            match self
                .write_complaint_change(complaint.version, next, vec![event], None)
                .await
            {
                Ok(_) => alerted += 1,
                Err(e) => {
                    tracing::warn!(complaint = %complaint.id, error = %e, "overdue alert not raised")
                }
            }
        }
        Ok(alerted)
    }

    async fn write_complaint(
        &self,
        complaint: Complaint,
        events: Vec<corridor_store::NewEvent>,
        reply: Option<Reply>,
    ) -> Result<Complaint, AfterSalesError> {
        self.write_complaint_change(None, complaint, events, reply)
            .await
    }

    async fn write_complaint_change(
        &self,
        before: Option<i64>,
        next: Complaint,
        events: Vec<corridor_store::NewEvent>,
        reply: Option<Reply>,
    ) -> Result<Complaint, AfterSalesError> {
        let write = AfterSalesWrite {
            records: vec![(next.to_record(), before)],
            refund_claim: None,
            ledger: Vec::new(),
            events,
        };
        let body = self.render.complaint(&next);
        match self.submit(write, reply, || body).await? {
            Submitted::Written => Ok(Complaint {
                version: Some(before.map_or(1, |v| v + 1)),
                ..next
            }),
            Submitted::Replayed => self.complaint(&next.id, None).await,
            Submitted::Refused(r) if r.code == RefusalCode::VersionConflict => {
                Err(AfterSalesError::state(
                    "complaint_changed",
                    "the complaint changed while this request ran; retry",
                ))
            }
            Submitted::Refused(r) => Err(AfterSalesError::corrupt(format!(
                "complaint {} change refused: {} {}",
                next.id, r.code, r.message
            ))),
        }
    }
}

/// The id of the one refund or dispute a complaint makes: a retry finds it.
fn derived_id(prefix: &str, complaint: &str, what: &str) -> String {
    let source = Reply {
        scope: format!("complaint:{complaint}"),
        key: what.to_string(),
        request_hash: String::new(),
        status: 201,
    };
    AfterSalesService::new_id(prefix, Some(&source))
}

fn state_error(param: &str, e: ComplaintTransitionError) -> AfterSalesError {
    let code = match e {
        ComplaintTransitionError::Closed(_) => "complaint_closed",
        ComplaintTransitionError::HoldingReplyNotAllowed => "holding_reply_not_allowed",
        ComplaintTransitionError::HoldingReplyAlreadySent => "holding_reply_already_sent",
        ComplaintTransitionError::AlreadyResponded => "complaint_already_responded",
    };
    let param = if matches!(e, ComplaintTransitionError::Closed(_)) {
        "status"
    } else {
        param
    };
    AfterSalesError::invalid(param, code, e.to_string())
}

/// The network reason code a complaint of `category` escalates to.
fn reason_code_for(category: ComplaintCategory, brand: &str) -> &'static str {
    let visa = brand != "mastercard";
    match (category, visa) {
        (ComplaintCategory::NotReceived, true) => "13.1",
        (ComplaintCategory::NotReceived, false) => "4855",
        (ComplaintCategory::NotAsDescribed | ComplaintCategory::Other, true) => "13.3",
        (ComplaintCategory::NotAsDescribed | ComplaintCategory::Other, false) => "4853",
        (ComplaintCategory::Unauthorized, true) => "10.4",
        (ComplaintCategory::Unauthorized, false) => "4837",
        (ComplaintCategory::RefundNotReceived, true) => "13.6",
        (ComplaintCategory::RefundNotReceived, false) => "4860",
        (ComplaintCategory::DuplicateCharge, true) => "12.6.1",
        (ComplaintCategory::DuplicateCharge, false) => "4834",
    }
}
