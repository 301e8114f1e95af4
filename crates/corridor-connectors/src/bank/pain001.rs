//! ISO 20022 `pain.001.001.09` (CustomerCreditTransferInitiation): the file
//! a payout batch becomes. One message, one payment information block (one
//! rail, one currency, one execution date), one transaction per payout.

use super::xml::{decimal, XmlOut};

/// The ISO 20022 namespace of the message.
pub const NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

/// The platform's own account the transfers are paid from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debtor {
    /// Legal name.
    pub name: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Account identifier at its bank (IBAN when it is one).
    pub account: CreditorAccount,
    /// The bank's BIC.
    pub agent_bic: String,
}

/// How the receiving bank is identified.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agent {
    /// BIC.
    pub bic: Option<String>,
    /// Clearing system code (`USABA`, `GBDSC`, `INFSC`, `CNAPS`, `JPZGN`,
    /// `AUBSB`, `CACPA`) or a proprietary one, with the member id.
    pub clearing: Option<(ClearingSystem, String)>,
}

/// A clearing system identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClearingSystem {
    /// ExternalClearingSystemIdentification1Code.
    Code(String),
    /// A proprietary name.
    Proprietary(String),
}

/// The creditor's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditorAccount {
    /// An IBAN.
    Iban(String),
    /// Another identifier, with an optional proprietary scheme name.
    Other {
        /// The identifier.
        id: String,
        /// Scheme (`CLABE`, ...).
        scheme: Option<String>,
    },
}

/// A national identifier of the creditor (Brazil's CPF/CNPJ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditorId {
    /// A person's id with its scheme (`CPF`).
    Person(String, String),
    /// An organisation's id with its scheme (`CNPJ`).
    Organisation(String, String),
}

/// One credit transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransfer {
    /// End-to-end id (max 35).
    pub end_to_end_id: String,
    /// UETR.
    pub uetr: String,
    /// Instructed amount, minor units of the batch currency.
    pub amount: i64,
    /// Receiving bank.
    pub agent: Agent,
    /// Creditor name.
    pub creditor_name: String,
    /// Creditor country.
    pub creditor_country: String,
    /// Creditor national id.
    pub creditor_id: Option<CreditorId>,
    /// Creditor account.
    pub account: CreditorAccount,
    /// `CACC` or `SVGS`.
    pub account_type: Option<String>,
    /// Purpose code.
    pub purpose: Option<String>,
    /// Unstructured remittance information (max 140).
    pub remittance: Option<String>,
}

/// One payment information block: one rail, currency and execution date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentBlock {
    /// Payment information id.
    pub id: String,
    /// Requested execution date, `YYYY-MM-DD`.
    pub execution_date: String,
    /// Currency of every transaction.
    pub currency: String,
    /// Its minor-unit exponent.
    pub exponent: u32,
    /// Service level code: `SEPA`, `NURG` (local low value), `URGP`.
    pub service_level: String,
    /// Charge bearer: `SLEV`, `SHAR`, `DEBT`.
    pub charge_bearer: String,
    /// The transfers.
    pub transfers: Vec<CreditTransfer>,
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditTransferFile {
    /// Message id (the batch id).
    pub message_id: String,
    /// Creation time, ISO 8601 UTC.
    pub created_at: String,
    /// Who pays.
    pub debtor: Debtor,
    /// One block per rail and currency.
    pub blocks: Vec<PaymentBlock>,
}

fn account(out: &mut XmlOut, tag: &str, account: &CreditorAccount, kind: Option<&str>) {
    out.open(tag);
    out.open("Id");
    match account {
        CreditorAccount::Iban(iban) => out.leaf("IBAN", iban),
        CreditorAccount::Other { id, scheme } => {
            out.open("Othr");
            out.leaf("Id", id);
            if let Some(scheme) = scheme {
                out.open("SchmeNm");
                out.leaf("Prtry", scheme);
                out.close("SchmeNm");
            }
            out.close("Othr");
        }
    }
    out.close("Id");
    if let Some(kind) = kind {
        out.open("Tp");
        out.leaf("Cd", kind);
        out.close("Tp");
    }
    out.close(tag);
}

fn agent(out: &mut XmlOut, agent: &Agent) {
    out.open("CdtrAgt");
    out.open("FinInstnId");
    if let Some(bic) = &agent.bic {
        out.leaf("BICFI", bic);
    }
    if let Some((system, member)) = &agent.clearing {
        out.open("ClrSysMmbId");
        out.open("ClrSysId");
        match system {
            ClearingSystem::Code(c) => out.leaf("Cd", c),
            ClearingSystem::Proprietary(p) => out.leaf("Prtry", p),
        }
        out.close("ClrSysId");
        out.leaf("MmbId", member);
        out.close("ClrSysMmbId");
    }
    if agent.bic.is_none() && agent.clearing.is_none() {
        // The account (an IBAN or a CLABE) identifies the bank itself.
        out.open("Othr");
        out.leaf("Id", "NOTPROVIDED");
        out.close("Othr");
    }
    out.close("FinInstnId");
    out.close("CdtrAgt");
}

fn creditor(out: &mut XmlOut, t: &CreditTransfer) {
    out.open("Cdtr");
    out.leaf("Nm", &t.creditor_name);
    out.open("PstlAdr");
    out.leaf("Ctry", &t.creditor_country);
    out.close("PstlAdr");
    if let Some(id) = &t.creditor_id {
        out.open("Id");
        let (outer, value, scheme) = match id {
            CreditorId::Person(v, s) => ("PrvtId", v, s),
            CreditorId::Organisation(v, s) => ("OrgId", v, s),
        };
        out.open(outer);
        out.open("Othr");
        out.leaf("Id", value);
        out.open("SchmeNm");
        out.leaf("Prtry", scheme);
        out.close("SchmeNm");
        out.close("Othr");
        out.close(outer);
        out.close("Id");
    }
    out.close("Cdtr");
}

/// The control sum of a file: the sum of every instructed amount as
/// decimals, whatever their currencies (ISO 20022's definition), exact.
fn control_sum<'a>(blocks: impl Iterator<Item = &'a PaymentBlock>) -> String {
    // Sum in the smallest unit across exponents (at most 3 for settling
    // currencies), then print with that many decimals.
    let blocks: Vec<&PaymentBlock> = blocks.collect();
    let exp = blocks.iter().map(|b| b.exponent).max().unwrap_or(0);
    let total: i128 = blocks
        .iter()
        .map(|b| {
            let scale = 10_i128.pow(exp - b.exponent);
            b.transfers
                .iter()
                .map(|t| i128::from(t.amount) * scale)
                .sum::<i128>()
        })
        .sum();
    let total = i64::try_from(total).unwrap_or(i64::MAX);
    decimal(total, exp)
}

/// Writes the file.
pub fn write(file: &CreditTransferFile) -> String {
    let count: usize = file.blocks.iter().map(|b| b.transfers.len()).sum();
    let mut out = XmlOut::document();
    out.open_with("Document", &[("xmlns", NAMESPACE)]);
    out.open("CstmrCdtTrfInitn");
    out.open("GrpHdr");
    out.leaf("MsgId", &file.message_id);
    out.leaf("CreDtTm", &file.created_at);
    out.leaf("NbOfTxs", &count.to_string());
    out.leaf("CtrlSum", &control_sum(file.blocks.iter()));
    out.open("InitgPty");
    out.leaf("Nm", &file.debtor.name);
    out.close("InitgPty");
    out.close("GrpHdr");
    for block in &file.blocks {
        write_block(&mut out, &file.debtor, block);
    }
    out.close("CstmrCdtTrfInitn");
    out.close("Document");
    out.finish()
}

fn write_block(out: &mut XmlOut, debtor: &Debtor, block: &PaymentBlock) {
    out.open("PmtInf");
    out.leaf("PmtInfId", &block.id);
    out.leaf("PmtMtd", "TRF");
    out.leaf("BtchBookg", "false");
    out.leaf("NbOfTxs", &block.transfers.len().to_string());
    out.leaf("CtrlSum", &control_sum(std::iter::once(block)));
    out.open("PmtTpInf");
    out.open("SvcLvl");
    out.leaf("Cd", &block.service_level);
    out.close("SvcLvl");
    out.close("PmtTpInf");
    out.open("ReqdExctnDt");
    out.leaf("Dt", &block.execution_date);
    out.close("ReqdExctnDt");
    out.open("Dbtr");
    out.leaf("Nm", &debtor.name);
    out.open("PstlAdr");
    out.leaf("Ctry", &debtor.country);
    out.close("PstlAdr");
    out.close("Dbtr");
    account(out, "DbtrAcct", &debtor.account, None);
    out.open("DbtrAgt");
    out.open("FinInstnId");
    out.leaf("BICFI", &debtor.agent_bic);
    out.close("FinInstnId");
    out.close("DbtrAgt");
    out.leaf("ChrgBr", &block.charge_bearer);
    for t in &block.transfers {
        out.open("CdtTrfTxInf");
        out.open("PmtId");
        out.leaf("InstrId", &t.end_to_end_id);
        out.leaf("EndToEndId", &t.end_to_end_id);
        out.leaf("UETR", &t.uetr);
        out.close("PmtId");
        out.open("Amt");
        out.leaf_with(
            "InstdAmt",
            &[("Ccy", &block.currency)],
            &decimal(t.amount, block.exponent),
        );
        out.close("Amt");
        agent(out, &t.agent);
        creditor(out, t);
        account(out, "CdtrAcct", &t.account, t.account_type.as_deref());
        if let Some(purpose) = &t.purpose {
            out.open("Purp");
            out.leaf("Cd", purpose);
            out.close("Purp");
        }
        if let Some(text) = &t.remittance {
            out.open("RmtInf");
            out.leaf("Ustrd", text);
            out.close("RmtInf");
        }
        out.close("CdtTrfTxInf");
    }
    out.close("PmtInf");
}
