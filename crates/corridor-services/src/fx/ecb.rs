//! The ECB's reference rate files, read in their own formats: the daily
//! XML (`eurofxref-daily.xml`, also the 90-day and full XML histories), the
//! history CSV (`eurofxref-hist.csv`: `Date,USD,JPY,...`, `N/A` where there
//! is no rate) and the ZIP that carries it.

use std::collections::BTreeMap;
use std::io::Read;

use corridor_core::fx::{Day, EurRates};
use corridor_core::{Currency, Rate};

use super::dates::day_of;

/// The most bytes a rates file may have once unpacked.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a rates file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EcbError {
    /// Not a format this reader knows.
    #[error("not an ECB rates file (expected the daily XML, the history CSV or its ZIP)")]
    UnknownFormat,
    /// The file is broken at a given place.
    #[error("line {line}: {message}")]
    Invalid {
        /// Line (CSV) or day (XML) at fault.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The ZIP could not be read.
    #[error("zip: {0}")]
    Zip(String),
    /// No rates in the file.
    #[error("the file holds no rates")]
    Empty,
}

fn invalid(line: usize, message: impl Into<String>) -> EcbError {
    EcbError::Invalid {
        line,
        message: message.into(),
    }
}

/// Reads any of the ECB formats, recognised by content. Currencies the
/// system does not settle in (superseded codes such as `CYP`, `ROL`) are
/// skipped; every other cell must be a positive decimal or `N/A`.
pub fn parse(bytes: &[u8]) -> Result<Vec<EurRates>, EcbError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return parse_zip(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| EcbError::UnknownFormat)?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        parse_xml(trimmed)
    } else if trimmed.starts_with("Date,") {
        parse_csv(trimmed)
    } else {
        Err(EcbError::UnknownFormat)
    }
}

/// The first CSV or XML file inside an ECB ZIP.
pub fn parse_zip(bytes: &[u8]) -> Result<Vec<EurRates>, EcbError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| EcbError::Zip(e.to_string()))?;
    for i in 0..archive.len() {
        let file = archive
            .by_index(i)
            .map_err(|e| EcbError::Zip(e.to_string()))?;
        let name = file
            .name()
            .map_err(|e| EcbError::Zip(e.to_string()))?
            .to_ascii_lowercase();
        if !(name.ends_with(".csv") || name.ends_with(".xml")) {
            continue;
        }
        let mut text = String::new();
        file.take(MAX_FILE_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| EcbError::Zip(e.to_string()))?;
        return parse(text.as_bytes());
    }
    Err(EcbError::Zip("no CSV or XML file inside".into()))
}

/// The history CSV.
pub fn parse_csv(text: &str) -> Result<Vec<EurRates>, EcbError> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().ok_or(EcbError::Empty)?;
    let columns: Vec<Option<Currency>> = header
        .split(',')
        .skip(1)
        .map(|code| Currency::parse(code.trim()).ok())
        .collect();
    let mut days = Vec::new();
    for (index, line) in lines {
        let line_no = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut cells = line.split(',');
        let date = cells.next().unwrap_or_default();
        let day = day_of(date).ok_or_else(|| invalid(line_no, format!("bad date `{date}`")))?;
        let mut per_eur = BTreeMap::new();
        for (cell, currency) in cells.zip(&columns) {
            let cell = cell.trim();
            let Some(currency) = currency else { continue };
            if cell.is_empty() || cell == "N/A" {
                continue;
            }
            let rate = Rate::parse(cell)
                .map_err(|_| invalid(line_no, format!("bad rate `{cell}` for {currency}")))?;
            per_eur.insert(*currency, rate);
        }
        days.push(EurRates {
            day,
            source: "ecb".into(),
            per_eur,
        });
    }
    finish(days)
}

/// The daily (or 90-day, or full) XML: `Cube time='...'` holding
/// `Cube currency='USD' rate='1.1172'`.
pub fn parse_xml(text: &str) -> Result<Vec<EurRates>, EcbError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| invalid(0, e.to_string()))?;
    let mut days = Vec::new();
    for (index, cube) in doc
        .descendants()
        .filter(|n| n.has_tag_name("Cube") && n.attribute("time").is_some())
        .enumerate()
    {
        let date = cube.attribute("time").unwrap_or_default();
        let day = day_of(date).ok_or_else(|| invalid(index + 1, format!("bad date `{date}`")))?;
        let mut per_eur = BTreeMap::new();
        for rate in cube.children().filter(|n| n.has_tag_name("Cube")) {
            let (Some(code), Some(value)) = (rate.attribute("currency"), rate.attribute("rate"))
            else {
                return Err(invalid(index + 1, "a rate needs `currency` and `rate`"));
            };
            let Ok(currency) = Currency::parse(code) else {
                continue;
            };
            let rate = Rate::parse(value)
                .map_err(|_| invalid(index + 1, format!("bad rate `{value}` for {code}")))?;
            per_eur.insert(currency, rate);
        }
        days.push(EurRates {
            day,
            source: "ecb".into(),
            per_eur,
        });
    }
    finish(days)
}

fn finish(mut days: Vec<EurRates>) -> Result<Vec<EurRates>, EcbError> {
    days.retain(|d| !d.per_eur.is_empty());
    if days.is_empty() {
        return Err(EcbError::Empty);
    }
    days.sort_by_key(|d| d.day);
    days.dedup_by_key(|d| d.day);
    Ok(days)
}

/// The snapshot shipped in the binary (see `data/ecb/README.md`).
pub fn embedded_snapshot() -> Vec<EurRates> {
    const SNAPSHOT: &str = include_str!("../../data/ecb/eurofxref-hist-recent.csv");
    // A unit test parses it, so this cannot fail in a built binary.
    parse_csv(SNAPSHOT).unwrap_or_default()
}

/// The latest day of a parsed file.
pub fn last_day(days: &[EurRates]) -> Option<Day> {
    days.iter().map(|d| d.day).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAILY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender>
		<gesmes:name>European Central Bank</gesmes:name>
	</gesmes:Sender>
	<Cube>
		<Cube time='2026-10-30'>
			<Cube currency='USD' rate='1.1172'/>
			<Cube currency='JPY' rate='175.68'/>
			<Cube currency='CNY' rate='7.4326'/>
		</Cube>
	</Cube>
</gesmes:Envelope>"#;

    #[test]
    fn reads_the_daily_xml() {
        let days = parse(DAILY.as_bytes()).unwrap();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].day, day_of("2026-10-30").unwrap());
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(days[0].per_eur[&usd].value().to_string(), "1.1172");
    }

    #[test]
    fn reads_the_csv_with_na_and_superseded_codes() {
        let csv =
            "Date,USD,JPY,CYP,\n2026-10-30,1.1172,175.68,N/A,\n1999-01-04,1.1789,133.73,0.58231,\n";
        let days = parse(csv.as_bytes()).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].day, day_of("1999-01-04").unwrap());
        assert_eq!(days[1].per_eur.len(), 2);
        let bad = "Date,USD,\n2026-10-30,abc,\n";
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err(),
            invalid(2, "bad rate `abc` for USD")
        );
        assert_eq!(parse(b"hello").unwrap_err(), EcbError::UnknownFormat);
    }

    #[test]
    fn the_embedded_snapshot_parses() {
        let days = embedded_snapshot();
        assert!(days.len() > 500);
        assert_eq!(last_day(&days), day_of("2026-10-30"));
    }

    #[test]
    fn reads_the_shipped_history_zip() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/ecb/eurofxref-hist.zip"
        );
        let bytes = std::fs::read(path).expect("the shared ECB history");
        let days = parse(&bytes).unwrap();
        assert!(days.len() > 7000);
        assert_eq!(days[0].day, day_of("1999-01-04").unwrap());
    }
}
