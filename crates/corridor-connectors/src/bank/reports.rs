//! Reading what a bank sends back: `pain.002` (versions 001.03 and 001.12,
//! status per transaction or for the whole message) and `camt.054`
//! (debit/credit notifications: booked transfers and returns).

use super::xml::{parse, Element};

/// What a bank said about one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxNews {
    /// Accepted for execution (`ACCP`, `ACSP`, `ACSC`, `ACWC`, `ACCC`).
    Accepted,
    /// Rejected, with the ISO status reason code.
    Rejected(String),
    /// Still being checked (`ACTC`, `PDNG`, `RCVD`): nothing changes.
    Pending,
    /// Booked on the debtor account (camt.054 debit, `BOOK`).
    Booked,
    /// Returned by the beneficiary's bank, with the return reason.
    Returned(String),
}

/// A bank file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankReport {
    /// `pain.002.001.03`, `pain.002.001.12`, `camt.054.001.08`, ...
    pub kind: String,
    /// The file's own message id.
    pub message_id: String,
    /// The message it answers (pain.002).
    pub original_message_id: Option<String>,
    /// A status for the whole original message, applying to every
    /// transaction not listed individually.
    pub group: Option<TxNews>,
    /// News per end-to-end id, in file order.
    pub transactions: Vec<(String, TxNews)>,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    /// `bank_file_malformed` or `bank_file_unsupported`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

fn malformed(message: impl Into<String>) -> ReportError {
    ReportError {
        code: "bank_file_malformed",
        message: message.into(),
    }
}

const PAIN002_03: &str = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03";
const PAIN002_12: &str = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12";
const CAMT054_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.";

/// Reads a pain.002 or camt.054 file.
pub fn read(text: &str) -> Result<BankReport, ReportError> {
    let root = parse(text).map_err(|e| malformed(e.0))?;
    if root.name != "Document" {
        return Err(ReportError {
            code: "bank_file_unsupported",
            message: format!(
                "the root element is <{}>, not an ISO 20022 <Document>",
                root.name
            ),
        });
    }
    let namespace = root.attribute("xmlns").unwrap_or("");
    match namespace {
        PAIN002_03 => pain002(&root, "pain.002.001.03"),
        PAIN002_12 => pain002(&root, "pain.002.001.12"),
        ns if ns.starts_with(CAMT054_PREFIX) && ns.len() == CAMT054_PREFIX.len() + 2 => camt054(
            &root,
            &format!("camt.054.001.{}", &ns[CAMT054_PREFIX.len()..]),
        ),
        other => Err(ReportError {
            code: "bank_file_unsupported",
            message: format!(
                "namespace '{other}' is not pain.002.001.03, pain.002.001.12 or camt.054"
            ),
        }),
    }
}

fn status_news(code: &str, reason: Option<String>) -> Result<TxNews, ReportError> {
    match code {
        "ACCP" | "ACSP" | "ACSC" | "ACWC" | "ACCC" => Ok(TxNews::Accepted),
        "RJCT" => Ok(TxNews::Rejected(reason.unwrap_or_else(|| "NARR".into()))),
        "ACTC" | "PDNG" | "RCVD" | "PART" => Ok(TxNews::Pending),
        other => Err(malformed(format!("unknown status code '{other}'"))),
    }
}

fn reason(e: &Element) -> Option<String> {
    e.text_at(&["StsRsnInf", "Rsn", "Cd"])
        .or_else(|| e.text_at(&["StsRsnInf", "Rsn", "Prtry"]))
}

fn pain002(root: &Element, kind: &str) -> Result<BankReport, ReportError> {
    let report = root
        .child("CstmrPmtStsRpt")
        .ok_or_else(|| malformed("no <CstmrPmtStsRpt>"))?;
    let message_id = report
        .text_at(&["GrpHdr", "MsgId"])
        .ok_or_else(|| malformed("no GrpHdr/MsgId"))?;
    let original = report
        .child("OrgnlGrpInfAndSts")
        .ok_or_else(|| malformed("no <OrgnlGrpInfAndSts>"))?;
    let original_message_id = original
        .text_at(&["OrgnlMsgId"])
        .ok_or_else(|| malformed("no OrgnlGrpInfAndSts/OrgnlMsgId"))?;
    let group = match original.text_at(&["GrpSts"]) {
        Some(code) => Some(status_news(&code, reason(original))?),
        None => None,
    };
    let mut transactions = Vec::new();
    for block in report.children_named("OrgnlPmtInfAndSts") {
        for tx in block.children_named("TxInfAndSts") {
            let e2e = tx
                .text_at(&["OrgnlEndToEndId"])
                .ok_or_else(|| malformed("a TxInfAndSts without OrgnlEndToEndId"))?;
            let status = tx
                .text_at(&["TxSts"])
                .ok_or_else(|| malformed(format!("no TxSts for {e2e}")))?;
            transactions.push((e2e, status_news(&status, reason(tx))?));
        }
    }
    if group.is_none() && transactions.is_empty() {
        return Err(malformed(
            "the report has neither a group status nor transaction statuses",
        ));
    }
    Ok(BankReport {
        kind: kind.to_string(),
        message_id,
        original_message_id: Some(original_message_id),
        group,
        transactions,
    })
}

fn camt054(root: &Element, kind: &str) -> Result<BankReport, ReportError> {
    let body = root
        .child("BkToCstmrDbtCdtNtfctn")
        .ok_or_else(|| malformed("no <BkToCstmrDbtCdtNtfctn>"))?;
    let message_id = body
        .text_at(&["GrpHdr", "MsgId"])
        .ok_or_else(|| malformed("no GrpHdr/MsgId"))?;
    let mut transactions = Vec::new();
    for notification in body.children_named("Ntfctn") {
        for entry in notification.children_named("Ntry") {
            let status = entry
                .text_at(&["Sts", "Cd"])
                .or_else(|| entry.text_at(&["Sts"]))
                .ok_or_else(|| malformed("an entry without Sts"))?;
            let direction = entry
                .text_at(&["CdtDbtInd"])
                .ok_or_else(|| malformed("an entry without CdtDbtInd"))?;
            for details in entry.children_named("NtryDtls") {
                for tx in details.children_named("TxDtls") {
                    let Some(e2e) = tx.text_at(&["Refs", "EndToEndId"]) else {
                        continue;
                    };
                    if let Some(rtr) = tx.child("RtrInf") {
                        let code = rtr
                            .text_at(&["Rsn", "Cd"])
                            .or_else(|| rtr.text_at(&["Rsn", "Prtry"]))
                            .unwrap_or_else(|| "NARR".into());
                        if status == "BOOK" {
                            transactions.push((e2e, TxNews::Returned(code)));
                        }
                    } else if status == "BOOK" && direction == "DBIT" {
                        transactions.push((e2e, TxNews::Booked));
                    }
                }
            }
        }
    }
    Ok(BankReport {
        kind: kind.to_string(),
        message_id,
        original_message_id: None,
        group: None,
        transactions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(read("<a>").unwrap_err().code, "bank_file_malformed");
        assert_eq!(
            read("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"/>")
                .unwrap_err()
                .code,
            "bank_file_unsupported"
        );
        assert_eq!(
            read("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt/></Document>")
                .unwrap_err()
                .code,
            "bank_file_malformed"
        );
    }
}
