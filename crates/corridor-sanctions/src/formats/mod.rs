//! Readers for the publishers' own list formats.
//!
//! Each reader takes text and returns a [`SanctionsList`] or a
//! [`ListError`] naming the part (file) and, where it can, the line or
//! record at fault. A list with no entry at all is refused too: it is far
//! more likely a wrong file than an empty sanctions list.

mod eu_csv;
mod grouped;
mod ofac_csv;
mod ofac_xml;
mod remarks;
mod simple_csv;
mod table;
mod uk_ofsi_csv;
mod un_xml;

use crate::entry::{content_version, SanctionsList};

/// The largest list text accepted, per part (the full OFAC SDN XML is about
/// 30 MB).
pub const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

/// The formats lists are loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// OFAC's legacy CSV: `sdn.csv` with optional `alt.csv` and `add.csv`.
    OfacCsv,
    /// OFAC's SDN XML (`sdn.xml`).
    OfacXml,
    /// The UN Security Council Consolidated List XML.
    UnXml,
    /// The EU consolidated financial sanctions list, CSV (semicolons).
    EuCsv,
    /// The UK OFSI consolidated list, CSV (`ConList.csv`).
    UkOfsiCsv,
    /// The operator's own list: a CSV with a `name` column.
    SimpleCsv,
}

impl ListFormat {
    /// Every format, for error messages and documentation.
    pub const ALL: [ListFormat; 6] = [
        ListFormat::OfacCsv,
        ListFormat::OfacXml,
        ListFormat::UnXml,
        ListFormat::EuCsv,
        ListFormat::UkOfsiCsv,
        ListFormat::SimpleCsv,
    ];

    /// Reads the format's stable name.
    pub fn parse(name: &str) -> Option<ListFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::OfacCsv => "ofac_csv",
            ListFormat::OfacXml => "ofac_xml",
            ListFormat::UnXml => "un_xml",
            ListFormat::EuCsv => "eu_csv",
            ListFormat::UkOfsiCsv => "uk_ofsi_csv",
            ListFormat::SimpleCsv => "simple_csv",
        }
    }

    /// The list name entries of this format are reported under (the
    /// operator's list is named by the operator).
    pub fn list_name(self) -> Option<&'static str> {
        match self {
            ListFormat::OfacCsv | ListFormat::OfacXml => Some("ofac_sdn"),
            ListFormat::UnXml => Some("un_consolidated"),
            ListFormat::EuCsv => Some("eu"),
            ListFormat::UkOfsiCsv => Some("uk_ofsi"),
            ListFormat::SimpleCsv => None,
        }
    }
}

/// The text of a list to load.
#[derive(Debug, Clone, Copy)]
pub enum ListInput<'a> {
    /// OFAC's three legacy CSV files.
    OfacCsv {
        /// `sdn.csv`: primary names.
        sdn: &'a str,
        /// `alt.csv`: aliases.
        alt: Option<&'a str>,
        /// `add.csv`: addresses.
        add: Option<&'a str>,
    },
    /// One file's text.
    Text(&'a str),
}

/// Why a list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part}: {message}")]
pub struct ListError {
    /// Which part of the content is at fault (`sdn`, `alt`, `add`, or
    /// `content` for single-file formats).
    pub part: &'static str,
    /// What is wrong, with the line or record where known.
    pub message: String,
}

impl ListError {
    pub(crate) fn new(part: &'static str, message: impl Into<String>) -> ListError {
        ListError {
            part,
            message: message.into(),
        }
    }
}

/// Reads a list. `operator_name` names a `simple_csv` list (ignored by the
/// official formats, which carry their own name).
pub fn parse_list(
    format: ListFormat,
    input: ListInput<'_>,
    operator_name: Option<&str>,
) -> Result<SanctionsList, ListError> {
    let (entries, version) = match (format, input) {
        (ListFormat::OfacCsv, ListInput::OfacCsv { sdn, alt, add }) => {
            for (part, text) in [("sdn", Some(sdn)), ("alt", alt), ("add", add)] {
                check_size(part, text.unwrap_or_default())?;
            }
            let version = content_version(&[sdn, alt.unwrap_or(""), add.unwrap_or("")]);
            (ofac_csv::parse(sdn, alt, add)?, version)
        }
        (ListFormat::OfacCsv, ListInput::Text(_)) => {
            return Err(ListError::new(
                "content",
                "ofac_csv takes the files sdn, alt and add",
            ))
        }
        (_, ListInput::OfacCsv { .. }) => {
            return Err(ListError::new(
                "content",
                format!("{} takes the file's text", format.as_str()),
            ))
        }
        (format, ListInput::Text(text)) => {
            check_size("content", text)?;
            let entries = match format {
                ListFormat::OfacXml => ofac_xml::parse(text)?,
                ListFormat::UnXml => un_xml::parse(text)?,
                ListFormat::EuCsv => eu_csv::parse(text)?,
                ListFormat::UkOfsiCsv => uk_ofsi_csv::parse(text)?,
                ListFormat::SimpleCsv | ListFormat::OfacCsv => simple_csv::parse(text)?,
            };
            (entries, content_version(&[text]))
        }
    };
    if entries.is_empty() {
        return Err(ListError::new("content", "the list holds no entry"));
    }
    let name = match format.list_name() {
        Some(name) => name.to_owned(),
        None => operator_name.unwrap_or("operator").to_owned(),
    };
    Ok(SanctionsList {
        name,
        format: format.as_str().to_owned(),
        version,
        entries,
    })
}

fn check_size(part: &'static str, text: &str) -> Result<(), ListError> {
    if text.len() > MAX_LIST_BYTES {
        return Err(ListError::new(
            part,
            format!("larger than {MAX_LIST_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Drops what legacy files carry around the text: a byte order mark and
/// the DOS end-of-file mark (`0x1A`).
pub(crate) fn strip_marks(text: &str) -> &str {
    text.trim_start_matches('\u{feff}')
        .trim_end_matches(['\u{1a}', '\r', '\n'])
}

/// A CSV field as lists write "nothing" (`-0-`, empty).
pub(crate) fn field(value: Option<&str>) -> Option<&str> {
    let v = value?.trim();
    (!v.is_empty() && v != "-0-").then_some(v)
}
