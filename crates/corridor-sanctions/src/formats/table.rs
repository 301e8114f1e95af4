//! A CSV file with a header row, read by column name.

use std::collections::HashMap;

use super::{strip_marks, ListError};

/// Rows of a CSV file by header name (case-insensitive).
pub(crate) struct Table {
    columns: HashMap<String, usize>,
    /// The data rows, with their line numbers (1-based, header included).
    pub rows: Vec<(usize, csv::StringRecord)>,
}

impl Table {
    /// Reads `text`; the header is the first row for which `is_header`
    /// holds (rows before it are the file's preamble).
    pub fn read(
        text: &str,
        delimiter: u8,
        is_header: impl Fn(&csv::StringRecord) -> bool,
        required: &[&str],
    ) -> Result<Table, ListError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(strip_marks(text).as_bytes());
        let mut columns = None;
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            let record =
                record.map_err(|e| ListError::new("content", format!("line {}: {e}", n + 1)))?;
            match &columns {
                None if is_header(&record) => {
                    columns = Some(
                        record
                            .iter()
                            .enumerate()
                            .map(|(i, h)| {
                                (h.trim_start_matches('\u{feff}').to_ascii_lowercase(), i)
                            })
                            .collect::<HashMap<_, _>>(),
                    );
                }
                None if n >= 2 => break,
                None => {}
                Some(_) if record.iter().any(|f| !f.is_empty()) => rows.push((n + 1, record)),
                Some(_) => {}
            }
        }
        let columns = columns.ok_or_else(|| {
            ListError::new(
                "content",
                format!("no header row with the columns {}", required.join(", ")),
            )
        })?;
        for name in required {
            if !columns.contains_key(&name.to_ascii_lowercase()) {
                return Err(ListError::new(
                    "content",
                    format!("the header has no column {name}"),
                ));
            }
        }
        Ok(Table { columns, rows })
    }

    /// Whether a header row holds every one of `names`.
    pub fn has_columns(record: &csv::StringRecord, names: &[&str]) -> bool {
        names.iter().all(|name| {
            record
                .iter()
                .any(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
        })
    }

    /// A row's value in the named column, `None` when empty or absent.
    pub fn get<'r>(&self, row: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let i = *self.columns.get(&name.to_ascii_lowercase())?;
        super::field(row.get(i))
    }
}
