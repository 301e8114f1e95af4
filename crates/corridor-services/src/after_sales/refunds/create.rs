//! Creating a refund: checks, the durable intent, then the provider.

use corridor_core::aftersales::refund::{
    check_refund, RefundLimitError, RefundReason, RefundStatus,
};
use corridor_core::payments::method::MethodType;
use corridor_core::payments::status::PaymentStatus;
use corridor_core::Amount;
use corridor_store::{AfterSalesWrite, PaymentRecord, RefundClaim, RefusalCode};

use super::super::{AfterSalesError, AfterSalesService, Answered, Reply, Submitted};
use super::funding::movement;
use super::Refund;

/// Methods that cannot refund to their source: paid in cash at a store or
/// bank, refunded by bank transfer.
const BANK_TRANSFER_METHODS: [MethodType; 3] =
    [MethodType::Konbini, MethodType::Oxxo, MethodType::Boleto];

/// Longest text of a bank detail, in characters.
const BANK_FIELD_CHARS_MAX: usize = 140;

/// Bank details a buyer supplies for a refund by bank transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundBankDetails {
    /// The account holder.
    pub holder_name: String,
    /// The bank's code.
    pub bank_code: String,
    /// The branch, where the country uses one.
    pub branch_code: Option<String>,
    /// The account number.
    pub account_number: String,
}

/// A refund request.
#[derive(Debug, Clone)]
pub struct RefundInput {
    /// The merchant asking.
    pub merchant_id: String,
    /// The payment (`pay_...`).
    pub payment: String,
    /// Minor units; everything left when `None`.
    pub amount: Option<i64>,
    /// `duplicate`, `fraudulent`, `requested_by_customer`, `other`.
    pub reason: Option<String>,
    /// For Konbini, OXXO and Boleto payments.
    pub bank_account: Option<RefundBankDetails>,
}

impl AfterSalesService {
    /// Creates a refund and sends it to the payment's connector.
    pub async fn create_refund(
        &self,
        input: RefundInput,
        reply: Option<Reply>,
    ) -> Result<Answered<Refund>, AfterSalesError> {
        let id = Self::new_id("re", reply.as_ref());
        self.create_refund_as(id, input, reply).await
    }

    /// Creates the refund `id` (or carries on the one that exists).
    pub(crate) async fn create_refund_as(
        &self,
        id: String,
        input: RefundInput,
        reply: Option<Reply>,
    ) -> Result<Answered<Refund>, AfterSalesError> {
        if let Some(existing) = self.existing_refund(&id, &input.merchant_id).await? {
            // A retry after a crash: carry the same refund on.
            return self.drive(existing, reply).await.map(Answered::Done);
        }
        let reason = match input.reason.as_deref() {
            None => None,
            Some(code) => Some(RefundReason::parse(code).ok_or_else(|| {
                AfterSalesError::invalid(
                    "reason",
                    "parameter_invalid",
                    "reason must be one of duplicate, fraudulent, requested_by_customer, other",
                )
            })?),
        };
        let asked = match input.amount {
            None => None,
            Some(minor) => Some(Amount::positive(minor).map_err(|_| {
                AfterSalesError::invalid(
                    "amount",
                    "amount_invalid",
                    "amount must be a positive integer in minor units",
                )
            })?),
        };
        let payment = self.refundable_payment(&input).await?;
        let amount = check_refund(
            Amount::non_negative(payment.amount_captured).unwrap_or(Amount::ZERO),
            Amount::non_negative(payment.amount_refunded).unwrap_or(Amount::ZERO),
            asked,
        )
        .map_err(|e| exceeds(&e, payment.currency))?;
        let bank_account = check_bank_account(&payment, input.bank_account)?;
        let (Some(connector), Some(charge_reference)) =
            (payment.connector.clone(), payment.connector_ref.clone())
        else {
            return Err(AfterSalesError::invalid(
                "payment",
                "payment_not_refundable",
                "the payment has no charge at a provider to refund",
            ));
        };
        self.settle_if_short(&payment, amount).await?;
        let now = self.now();
        let funding = self.plan_funding(&payment, amount, now).await?;
        let refund = Refund {
            id,
            merchant_id: payment.merchant_id.clone(),
            payment_id: payment.id.clone(),
            country: payment.country.clone(),
            status: RefundStatus::Pending,
            amount,
            currency: payment.currency,
            reason,
            connector,
            connector_ref: None,
            failure_code: None,
            bank_account,
            fx: funding.fx,
            created_at: now,
            updated_at: now,
            charge_reference,
            legs: funding.legs,
            unanswered: 0,
            // If this process dies before the provider answers, the sweep
            // resumes the refund from here.
            due_at: Some(now.plus_seconds(super::send::RESUME_AFTER_SECONDS)),
            version: None,
        };
        self.write_intent(&refund).await?;
        if let Some(rules) = self.transaction_rules() {
            let tx = crate::compliance::rules::Transaction {
                flow: crate::compliance::rules::Flow::Refund,
                reference: &refund.id,
                merchant: &refund.merchant_id,
                merchant_approved: true,
                country: Some(&refund.country),
                currency: refund.currency,
                amount: refund.amount,
                amount_usd: rules.usd_value(refund.amount, refund.currency),
                card: None,
                card_sca: None,
                beneficiary: None,
                purpose_code: None,
            };
            rules.observe(&tx, now);
        }
        let written = Refund {
            version: Some(1),
            ..refund
        };
        self.drive(written, reply).await.map(Answered::Done)
    }

    async fn existing_refund(
        &self,
        id: &str,
        merchant: &str,
    ) -> Result<Option<Refund>, AfterSalesError> {
        match self.refund(id, Some(merchant)).await {
            Ok(refund) => Ok(Some(refund)),
            Err(AfterSalesError::NotFound(..)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn refundable_payment(
        &self,
        input: &RefundInput,
    ) -> Result<PaymentRecord, AfterSalesError> {
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
        if payment.status != PaymentStatus::Succeeded || payment.amount_captured <= 0 {
            return Err(AfterSalesError::invalid(
                "payment",
                "payment_not_refundable",
                format!(
                    "the payment is {}; only a succeeded (captured) payment can be refunded",
                    payment.status
                ),
            ));
        }
        // A disputed payment is refunded through the dispute (or not at
        // all when it is lost), never also by the merchant.
        let disputed = self
            .store
            .after_sales_of_payment(corridor_store::AfterSalesKind::Dispute, &payment.id)
            .await?
            .into_iter()
            .any(|d| d.status != "won");
        if disputed {
            return Err(AfterSalesError::invalid(
                "payment",
                "payment_disputed",
                "the payment is disputed; the dispute decides what the buyer gets back",
            ));
        }
        Ok(payment)
    }

    /// Writes the pending refund, its claim, the debit and its event.
    async fn write_intent(&self, refund: &Refund) -> Result<(), AfterSalesError> {
        let write = AfterSalesWrite {
            records: vec![(refund.to_record(), None)],
            refund_claim: Some(RefundClaim {
                payment_id: refund.payment_id.clone(),
                amount: refund.amount.minor(),
            }),
            ledger: vec![movement(&refund.id, &refund.legs, false)?],
            events: vec![self.event(
                &refund.merchant_id,
                "refund.created",
                self.render.refund(refund),
            )],
        };
        match self.submit(write, None, String::new).await? {
            Submitted::Written | Submitted::Replayed => Ok(()),
            Submitted::Refused(r) => Err(match r.code {
                RefusalCode::RefundExceedsCaptured => AfterSalesError::invalid(
                    "amount",
                    "amount_exceeds_refundable",
                    format!("the refund exceeds what is left to refund: {}", r.message),
                ),
                RefusalCode::INSUFFICIENT_FUNDS => AfterSalesError::InsufficientFunds(
                    "the merchant's available balance cannot fund this refund".into(),
                ),
                RefusalCode::VersionConflict => AfterSalesError::state(
                    "refund_in_progress",
                    "this refund is being created by another request; retry",
                ),
                RefusalCode::Ledger(_)
                | RefusalCode::Expired
                | RefusalCode::BankFileAlreadyApplied
                | RefusalCode::PaymentNotFound => {
                    AfterSalesError::corrupt(format!("refund refused: {} {}", r.code, r.message))
                }
            }),
        }
    }
}

fn exceeds(e: &RefundLimitError, currency: corridor_core::Currency) -> AfterSalesError {
    match e {
        RefundLimitError::NothingCaptured => AfterSalesError::invalid(
            "payment",
            "payment_not_refundable",
            "nothing of this payment is captured",
        ),
        RefundLimitError::ExceedsRefundable { left } => AfterSalesError::invalid(
            "amount",
            "amount_exceeds_refundable",
            format!(
                "at most {} {currency} is left to refund",
                Amount::non_negative(*left)
                    .unwrap_or(Amount::ZERO)
                    .format_major(currency)
            ),
        ),
    }
}

fn check_bank_account(
    payment: &PaymentRecord,
    bank: Option<RefundBankDetails>,
) -> Result<Option<RefundBankDetails>, AfterSalesError> {
    let needed = BANK_TRANSFER_METHODS.contains(&payment.method_type);
    match (needed, bank) {
        (true, None) => Err(AfterSalesError::invalid(
            "bank_account",
            "parameter_missing",
            format!(
                "a {} payment cannot be refunded to its source: bank_account is required",
                payment.method_type
            ),
        )),
        (false, Some(_)) => Err(AfterSalesError::invalid(
            "bank_account",
            "parameter_unknown",
            "bank_account is only for konbini, oxxo and boleto payments",
        )),
        (false, None) => Ok(None),
        (true, Some(b)) => {
            let fields = [
                ("bank_account.holder_name", Some(&b.holder_name)),
                ("bank_account.bank_code", Some(&b.bank_code)),
                ("bank_account.branch_code", b.branch_code.as_ref()),
                ("bank_account.account_number", Some(&b.account_number)),
            ];
            for (param, value) in fields {
                let Some(value) = value else { continue };
                let blank = value.trim().is_empty();
                if blank || value.chars().count() > BANK_FIELD_CHARS_MAX {
                    return Err(AfterSalesError::invalid(
                        param,
                        "parameter_invalid",
                        format!("{param} must be 1-{BANK_FIELD_CHARS_MAX} characters"),
                    ));
                }
            }
            let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
            if !digits(&b.bank_code) {
                return Err(AfterSalesError::invalid(
                    "bank_account.bank_code",
                    "parameter_invalid",
                    "bank_code is digits",
                ));
            }
            if !digits(&b.account_number) {
                return Err(AfterSalesError::invalid(
                    "bank_account.account_number",
                    "parameter_invalid",
                    "account_number is digits",
                ));
            }
            Ok(Some(b))
        }
    }
}
