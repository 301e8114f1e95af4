//! The simulated bank: it takes a `pain.001`, checks it, remembers its
//! transfers, and later answers with a `pain.002` status report and a
//! `camt.054` notification, rejecting and returning the transfers it is told to.

use std::collections::HashMap;
use std::sync::Mutex;

use super::xml::{decimal, parse, parse_decimal, XmlOut};

/// A transfer the bank received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedTransfer {
    /// End-to-end id.
    pub end_to_end_id: String,
    /// UETR.
    pub uetr: Option<String>,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: String,
    /// Its minor-unit exponent.
    pub exponent: u32,
}

/// A received file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    /// Message id.
    pub message_id: String,
    /// Transfers.
    pub transfers: Vec<ReceivedTransfer>,
}

/// How the bank answers a file: which transfers it rejects (pain.002) and
/// which the beneficiary banks return after booking (camt.054), with reason
/// codes (`AC01` incorrect account number, `AC04` closed account, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankAnswers {
    /// End-to-end id → reject reason.
    pub rejects: HashMap<String, String>,
    /// End-to-end id → return reason.
    pub returns: HashMap<String, String>,
}

/// Why the bank refused a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BankRefusal(pub String);

/// The simulated bank.
#[derive(Debug, Default)]
pub struct SandboxBank {
    files: Mutex<HashMap<String, ReceivedFile>>,
}

impl SandboxBank {
    /// A bank with no files.
    pub fn new() -> Self {
        SandboxBank::default()
    }

    /// Takes a pain.001.001.09. The same message id twice is accepted once
    /// (a bank deduplicates on MsgId): the second delivery changes nothing.
    pub fn accept(
        &self,
        xml: &str,
        exponent_of: impl Fn(&str) -> Option<u32>,
    ) -> Result<ReceivedFile, BankRefusal> {
        let root = parse(xml).map_err(|e| BankRefusal(e.0))?;
        if root.attribute("xmlns") != Some(super::pain001::NAMESPACE) {
            return Err(BankRefusal("not a pain.001.001.09 document".into()));
        }
        let body = root
            .child("CstmrCdtTrfInitn")
            .ok_or_else(|| BankRefusal("no CstmrCdtTrfInitn".into()))?;
        let message_id = body
            .text_at(&["GrpHdr", "MsgId"])
            .ok_or_else(|| BankRefusal("no MsgId".into()))?;
        let declared: usize = body
            .text_at(&["GrpHdr", "NbOfTxs"])
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| BankRefusal("no NbOfTxs".into()))?;
        let mut transfers = Vec::new();
        for block in body.children_named("PmtInf") {
            for tx in block.children_named("CdtTrfTxInf") {
                let amount = tx
                    .at(&["Amt", "InstdAmt"])
                    .ok_or_else(|| BankRefusal("a transfer without InstdAmt".into()))?;
                let ccy = amount.attribute("Ccy").unwrap_or("").to_string();
                let exponent = exponent_of(&ccy)
                    .ok_or_else(|| BankRefusal(format!("unknown currency '{ccy}'")))?;
                let minor = parse_decimal(amount.text.trim(), exponent)
                    .ok_or_else(|| BankRefusal(format!("bad amount '{}'", amount.text)))?;
                transfers.push(ReceivedTransfer {
                    currency: ccy,
                    exponent,
                    end_to_end_id: tx
                        .text_at(&["PmtId", "EndToEndId"])
                        .ok_or_else(|| BankRefusal("a transfer without EndToEndId".into()))?,
                    uetr: tx.text_at(&["PmtId", "UETR"]),
                    amount: minor,
                });
            }
        }
        if transfers.len() != declared {
            return Err(BankRefusal(format!(
                "NbOfTxs says {declared}, the file holds {}",
                transfers.len()
            )));
        }
        let file = ReceivedFile {
            message_id: message_id.clone(),
            transfers,
        };
        let mut files = self
            .files
            .lock()
            .map_err(|_| BankRefusal("bank unavailable".into()))?;
        Ok(files.entry(message_id).or_insert(file).clone())
    }

    /// A file received before.
    pub fn file(&self, message_id: &str) -> Option<ReceivedFile> {
        self.files.lock().ok()?.get(message_id).cloned()
    }

    /// The status report for a received file, in pain.002 version `12` or `3`.
    pub fn status_report(
        &self,
        message_id: &str,
        answers: &BankAnswers,
        version: u32,
        now_iso: &str,
    ) -> Option<String> {
        let file = self.file(message_id)?;
        let (ns, status_id) = match version {
            3 => ("urn:iso:std:iso:20022:tech:xsd:pain.002.001.03", false),
            _ => ("urn:iso:std:iso:20022:tech:xsd:pain.002.001.12", true),
        };
        let mut out = XmlOut::document();
        out.open_with("Document", &[("xmlns", ns)]);
        out.open("CstmrPmtStsRpt");
        out.open("GrpHdr");
        out.leaf("MsgId", &format!("STS-{message_id}"));
        out.leaf("CreDtTm", now_iso);
        out.close("GrpHdr");
        out.open("OrgnlGrpInfAndSts");
        out.leaf("OrgnlMsgId", message_id);
        out.leaf("OrgnlMsgNmId", "pain.001.001.09");
        let rejected = file
            .transfers
            .iter()
            .filter(|t| answers.rejects.contains_key(&t.end_to_end_id))
            .count();
        let group = if rejected == 0 {
            "ACCP"
        } else if rejected == file.transfers.len() {
            "RJCT"
        } else {
            "PART"
        };
        out.leaf("GrpSts", group);
        out.close("OrgnlGrpInfAndSts");
        out.open("OrgnlPmtInfAndSts");
        out.leaf("OrgnlPmtInfId", message_id);
        for (i, t) in file.transfers.iter().enumerate() {
            out.open("TxInfAndSts");
            if status_id {
                out.leaf("StsId", &format!("S{}", i + 1));
            }
            out.leaf("OrgnlEndToEndId", &t.end_to_end_id);
            if version != 3 {
                if let Some(uetr) = &t.uetr {
                    out.leaf("OrgnlUETR", uetr);
                }
            }
            match answers.rejects.get(&t.end_to_end_id) {
                Some(reason) => {
                    out.leaf("TxSts", "RJCT");
                    out.open("StsRsnInf");
                    out.open("Rsn");
                    out.leaf("Cd", reason);
                    out.close("Rsn");
                    out.close("StsRsnInf");
                }
                None => out.leaf("TxSts", "ACCP"),
            }
            out.close("TxInfAndSts");
        }
        out.close("OrgnlPmtInfAndSts");
        out.close("CstmrPmtStsRpt");
        out.close("Document");
        Some(out.finish())
    }

    /// The camt.054.001.08 notification of a received file: one booked debit
    /// per accepted transfer, and a booked credit with return information
    /// for each returned one.
    pub fn notification(
        &self,
        message_id: &str,
        answers: &BankAnswers,
        booking_date: &str,
        now_iso: &str,
    ) -> Option<String> {
        let file = self.file(message_id)?;
        let mut out = XmlOut::document();
        out.open_with(
            "Document",
            &[("xmlns", "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08")],
        );
        out.open("BkToCstmrDbtCdtNtfctn");
        out.open("GrpHdr");
        out.leaf("MsgId", &format!("NTF-{message_id}"));
        out.leaf("CreDtTm", now_iso);
        out.close("GrpHdr");
        out.open("Ntfctn");
        out.leaf("Id", &format!("NTF-{message_id}-1"));
        out.open("Acct");
        out.open("Id");
        out.open("Othr");
        out.leaf("Id", "SANDBOX-SETTLEMENT");
        out.close("Othr");
        out.close("Id");
        out.close("Acct");
        let entry = |out: &mut XmlOut, t: &ReceivedTransfer, credit: bool, reason: Option<&str>| {
            out.open("Ntry");
            out.leaf_with(
                "Amt",
                &[("Ccy", &t.currency)],
                &decimal(t.amount, t.exponent),
            );
            out.leaf("CdtDbtInd", if credit { "CRDT" } else { "DBIT" });
            out.open("Sts");
            out.leaf("Cd", "BOOK");
            out.close("Sts");
            out.open("BookgDt");
            out.leaf("Dt", booking_date);
            out.close("BookgDt");
            out.open("BkTxCd");
            out.open("Domn");
            out.leaf("Cd", "PMNT");
            out.open("Fmly");
            out.leaf("Cd", if credit { "RCDT" } else { "ICDT" });
            out.leaf("SubFmlyCd", if credit { "RRTN" } else { "ESCT" });
            out.close("Fmly");
            out.close("Domn");
            out.close("BkTxCd");
            out.open("NtryDtls");
            out.open("TxDtls");
            out.open("Refs");
            out.leaf("EndToEndId", &t.end_to_end_id);
            if let Some(uetr) = &t.uetr {
                out.leaf("UETR", uetr);
            }
            out.close("Refs");
            if let Some(reason) = reason {
                out.open("RtrInf");
                out.open("Rsn");
                out.leaf("Cd", reason);
                out.close("Rsn");
                out.close("RtrInf");
            }
            out.close("TxDtls");
            out.close("NtryDtls");
            out.close("Ntry");
        };
        for t in &file.transfers {
            if answers.rejects.contains_key(&t.end_to_end_id) {
                continue;
            }
            entry(&mut out, t, false, None);
            if let Some(reason) = answers.returns.get(&t.end_to_end_id) {
                entry(&mut out, t, true, Some(reason));
            }
        }
        out.close("Ntfctn");
        out.close("BkToCstmrDbtCdtNtfctn");
        out.close("Document");
        Some(out.finish())
    }
}
