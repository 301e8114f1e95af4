//! Issuers' fraud reports (Visa TC40, Mastercard SAFE): the issuer says a
//! card payment was fraudulent. A report moves no money; it is recorded
//! once per (payment, network, the network's report id), announced as
//! `fraud_report.created`, and counted in Visa's VAMP ratio, so a report
//! can raise the merchant's monitoring alert as a dispute does.

use corridor_core::aftersales::dispute::Network;
use corridor_core::aftersales::fraud_report::FraudType;
use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{AfterSalesKind, AfterSalesRecord, AfterSalesWrite, PaymentRecord};
use sha2::{Digest, Sha256};

use super::disputes::Pending;
use super::store_data::{self, FraudReportData};
use super::{AfterSalesError, AfterSalesService, Reply, Submitted};

/// Longest network report id, in characters.
pub const NETWORK_REPORT_ID_CHARS_MAX: usize = 64;

/// An issuer's fraud report on a card payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudReport {
    /// `fr_...`, derived from the payment, the network and its report id.
    pub id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// The reported payment.
    pub payment_id: String,
    /// The payment's market.
    pub country: String,
    /// The network that relayed the report.
    pub network: Network,
    /// The kind of fraud.
    pub fraud_type: FraudType,
    /// The network's (or provider's) reference of the report.
    pub network_report_id: String,
    /// Where it came from: `test_helper` or `connector:<id>`.
    pub source: String,
    /// The payment's captured amount.
    pub amount: Amount,
    /// The payment currency.
    pub currency: Currency,
    /// When the issuer reported it (as the source says, else when received).
    pub reported_at: Timestamp,
    /// When Corridor recorded it.
    pub created_at: Timestamp,
}

/// A fraud report to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudReportInput {
    /// The payment.
    pub payment_id: String,
    /// The network; `None` takes the card's brand.
    pub network: Option<String>,
    /// The network's fraud type name or code.
    pub fraud_type: String,
    /// The network's report id; `None` makes one (from the caller's
    /// idempotency key when there is one).
    pub network_report_id: Option<String>,
    /// `test_helper` or `connector:<id>`.
    pub source: String,
    /// When the issuer reported it, if the source says.
    pub reported_at: Option<Timestamp>,
}

/// The id of the report `network_report_id` of `network` on `payment`.
pub fn fraud_report_id(payment: &str, network: Network, network_report_id: &str) -> String {
    let digest = Sha256::digest(format!(
        "fraud_report\n{payment}\n{}\n{network_report_id}",
        network.code()
    ));
    format!("fr_{}", &hex::encode(digest)[..24])
}

impl FraudReport {
    pub(crate) fn to_record(&self) -> AfterSalesRecord {
        let data = FraudReportData {
            network: self.network.code().to_string(),
            fraud_type: self.fraud_type.name(self.network).to_string(),
            network_report_id: self.network_report_id.clone(),
            source: self.source.clone(),
            reported_at: self.reported_at.unix_micros(),
        };
        AfterSalesRecord {
            kind: AfterSalesKind::FraudReport,
            id: self.id.clone(),
            merchant_id: self.merchant_id.clone(),
            payment_id: self.payment_id.clone(),
            country: self.country.clone(),
            status: "reported".into(),
            amount: self.amount.minor(),
            currency: self.currency,
            due_at: None,
            data: store_data::encode(&data),
            version: 0,
            created_at: self.created_at,
            updated_at: self.created_at,
        }
    }

    pub(crate) fn from_record(r: AfterSalesRecord) -> Result<Self, AfterSalesError> {
        let d: FraudReportData = store_data::decode(&r.id, &r.data)?;
        let corrupt = |what: &str| AfterSalesError::corrupt(format!("{}: {what}", r.id));
        let network = Network::of_brand(&d.network).ok_or_else(|| corrupt("network"))?;
        Ok(FraudReport {
            network,
            fraud_type: FraudType::parse(&d.fraud_type, network)
                .ok_or_else(|| corrupt("fraud_type"))?,
            network_report_id: d.network_report_id,
            source: d.source,
            amount: Amount::non_negative(r.amount).map_err(|_| corrupt("amount"))?,
            currency: r.currency,
            reported_at: Timestamp::from_unix_micros(d.reported_at),
            created_at: r.created_at,
            id: r.id,
            merchant_id: r.merchant_id,
            payment_id: r.payment_id,
            country: r.country,
        })
    }
}

impl AfterSalesService {
    /// Records an issuer's fraud report on a card payment the merchant (when
    /// given) owns; the report and whether this call created it (the same
    /// network report twice answers the first).
    pub async fn record_fraud_report(
        &self,
        input: FraudReportInput,
        merchant: Option<&str>,
        reply: Option<Reply>,
    ) -> Result<(FraudReport, bool), AfterSalesError> {
        let payment = self.disputed_payment(&input.payment_id, merchant).await?;
        let network = report_network(&payment, input.network.as_deref())?;
        let fraud_type = FraudType::parse(&input.fraud_type, network).ok_or_else(|| {
            AfterSalesError::invalid(
                "fraud_type",
                "parameter_invalid",
                format!(
                    "`{}` is not a {} fraud type: one of {} or their codes {}",
                    input.fraud_type,
                    network.code(),
                    FraudType::ALL.map(|t| t.name(network)).join(", "),
                    FraudType::ALL.map(|t| t.code(network)).join(", "),
                ),
            )
        })?;
        let network_report_id = match input.network_report_id {
            Some(id) => checked_report_id(id)?,
            None => Self::new_id("nr", reply.as_ref()),
        };
        let id = fraud_report_id(&payment.id, network, &network_report_id);
        if let Some(existing) = self.existing_report(&id).await? {
            return Ok((existing, false));
        }
        let amount = Amount::positive(payment.amount_captured).map_err(|_| {
            AfterSalesError::state(
                "payment_not_captured",
                "the payment was never captured: there is no transaction to report",
            )
        })?;
        let now = self.now();
        let report = FraudReport {
            id,
            merchant_id: payment.merchant_id.clone(),
            payment_id: payment.id.clone(),
            country: payment.country.clone(),
            network,
            fraud_type,
            network_report_id,
            source: input.source,
            amount,
            currency: payment.currency,
            reported_at: input.reported_at.unwrap_or(now),
            created_at: now,
        };
        self.write_report(report, reply).await
    }

    async fn write_report(
        &self,
        report: FraudReport,
        reply: Option<Reply>,
    ) -> Result<(FraudReport, bool), AfterSalesError> {
        let mut events = vec![self.event(
            &report.merchant_id,
            "fraud_report.created",
            self.render.fraud_report(&report),
        )];
        events.extend(
            self.alert_on(
                &report.merchant_id,
                report.network,
                report.created_at,
                Pending::FraudReport(&report.payment_id),
            )
            .await?,
        );
        let write = AfterSalesWrite {
            records: vec![(report.to_record(), None)],
            refund_claim: None,
            ledger: Vec::new(),
            events,
        };
        let body = self.render.fraud_report(&report);
        match self.submit(write, reply, || body).await? {
            Submitted::Written => Ok((report, true)),
            // The caller's key was completed by an earlier request, or the
            // same report was recorded meanwhile: answer the stored one.
            Submitted::Replayed | Submitted::Refused(_) => {
                match self.existing_report(&report.id).await? {
                    Some(existing) => Ok((existing, false)),
                    None => Err(AfterSalesError::corrupt(format!(
                        "fraud report {} refused and not stored",
                        report.id
                    ))),
                }
            }
        }
    }

    async fn existing_report(&self, id: &str) -> Result<Option<FraudReport>, AfterSalesError> {
        match self.fraud_report(id, None).await {
            Ok(report) => Ok(Some(report)),
            Err(AfterSalesError::NotFound(..)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The fraud report `id` if `merchant` (when given) owns it.
    pub async fn fraud_report(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<FraudReport, AfterSalesError> {
        self.owned(
            AfterSalesKind::FraudReport,
            "fraud_report",
            id,
            merchant,
            FraudReport::from_record,
        )
        .await
    }

    /// A page of fraud reports, newest first.
    pub async fn fraud_reports(
        &self,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<(Vec<FraudReport>, bool), AfterSalesError> {
        self.page(
            AfterSalesKind::FraudReport,
            merchant,
            limit,
            starting_after,
            FraudReport::from_record,
        )
        .await
    }

    /// Every fraud report of a payment the merchant (when given) owns,
    /// oldest first.
    pub async fn fraud_reports_of_payment(
        &self,
        payment_id: &str,
        merchant: Option<&str>,
    ) -> Result<Vec<FraudReport>, AfterSalesError> {
        let payment = self.disputed_payment(payment_id, merchant).await?;
        self.store
            .after_sales_of_payment(AfterSalesKind::FraudReport, &payment.id)
            .await?
            .into_iter()
            .map(FraudReport::from_record)
            .collect()
    }
}

/// The network of a report on `payment`: the card's brand, which `given`
/// must name when it is given.
fn report_network(
    payment: &PaymentRecord,
    given: Option<&str>,
) -> Result<Network, AfterSalesError> {
    let Some(card) = payment.card.as_ref() else {
        return Err(AfterSalesError::invalid(
            "payment",
            "payment_not_card",
            format!(
                "the payment was paid by {}; fraud reports concern card payments only",
                payment.method_type.code()
            ),
        ));
    };
    let Some(network) = Network::of_brand(&card.brand) else {
        return Err(AfterSalesError::invalid(
            "payment",
            "payment_not_card",
            format!(
                "the payment's card is {}; fraud reports come from Visa (TC40) and Mastercard (SAFE) only",
                card.brand
            ),
        ));
    };
    match given {
        None => Ok(network),
        Some(text) if text == network.code() => Ok(network),
        Some(text) if matches!(text, "visa" | "mastercard") => Err(AfterSalesError::invalid(
            "network",
            "network_mismatch",
            format!(
                "the payment's card is a {} card, not {text}",
                network.code()
            ),
        )),
        Some(text) => Err(AfterSalesError::invalid(
            "network",
            "parameter_invalid",
            format!("`{text}` is not a network: visa or mastercard"),
        )),
    }
}

fn checked_report_id(id: String) -> Result<String, AfterSalesError> {
    let ok = !id.trim().is_empty()
        && id.chars().count() <= NETWORK_REPORT_ID_CHARS_MAX
        && id.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(id)
    } else {
        Err(AfterSalesError::invalid(
            "network_report_id",
            "parameter_invalid",
            format!(
                "network_report_id must be 1-{NETWORK_REPORT_ID_CHARS_MAX} printable ASCII characters without spaces"
            ),
        ))
    }
}
