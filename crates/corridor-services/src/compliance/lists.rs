//! Sanctions lists in force: the embedded snapshot, then the versions the
//! operator loaded (stored with their content, so a restart loads the same
//! lists). A list that fails to parse is refused with the part at fault
//! named, and the lists in force stay as they were.

use corridor_core::Timestamp;
use corridor_sanctions::formats::MAX_LIST_BYTES;
use corridor_sanctions::{parse_list, ListFormat, ListInput, SanctionsList, Screener};
use corridor_store::{AuditEntry, ComplianceWrite, SanctionsListRecord};

use super::{ComplianceError, ComplianceService, Loaded};

/// A list in force.
#[derive(Debug, Clone)]
pub struct LoadedList {
    /// The parsed list.
    pub list: SanctionsList,
    /// `snapshot` (embedded) or `operator` (loaded through the API or CLI).
    pub source: &'static str,
    /// When the operator loaded it.
    pub loaded_at: Option<Timestamp>,
}

/// The text of a list to load, as the operator sends it.
#[derive(Debug, Clone)]
pub enum ListContent {
    /// OFAC legacy CSV: the three files.
    OfacCsv {
        /// `sdn.csv`.
        sdn: String,
        /// `alt.csv`.
        alt: Option<String>,
        /// `add.csv`.
        add: Option<String>,
    },
    /// One file's text.
    Text(String),
}

/// A list load as asked.
#[derive(Debug, Clone)]
pub struct ListLoad {
    /// `ofac_csv`, `ofac_xml`, `un_xml`, `eu_csv`, `uk_ofsi_csv` or `simple_csv`.
    pub format: String,
    /// The content.
    pub content: ListContent,
    /// The operator list's name (`simple_csv` only).
    pub name: Option<String>,
}

/// Longest operator list name.
const MAX_LIST_NAME: usize = 64;

fn parse(
    format: ListFormat,
    content: &ListContent,
    name: Option<&str>,
) -> Result<SanctionsList, ComplianceError> {
    let input = match content {
        ListContent::OfacCsv { sdn, alt, add } => ListInput::OfacCsv {
            sdn,
            alt: alt.as_deref(),
            add: add.as_deref(),
        },
        ListContent::Text(text) => ListInput::Text(text),
    };
    parse_list(format, input, name).map_err(|e| {
        let param = match (e.part, content) {
            ("sdn" | "alt" | "add", ListContent::OfacCsv { .. }) => format!("content.{}", e.part),
            _ => "content".to_owned(),
        };
        ComplianceError::invalid(&param, "list_invalid", e.to_string())
    })
}

fn stored_content(content: &ListContent) -> String {
    match content {
        ListContent::OfacCsv { sdn, alt, add } => {
            serde_json::json!({"sdn": sdn, "alt": alt, "add": add}).to_string()
        }
        ListContent::Text(text) => text.clone(),
    }
}

fn content_of(record: &SanctionsListRecord, format: ListFormat) -> Option<ListContent> {
    if format != ListFormat::OfacCsv {
        return Some(ListContent::Text(record.content.clone()));
    }
    let v: serde_json::Value = serde_json::from_str(&record.content).ok()?;
    let text = |k: &str| v.get(k).and_then(|s| s.as_str()).map(str::to_owned);
    Some(ListContent::OfacCsv {
        sdn: text("sdn")?,
        alt: text("alt"),
        add: text("add"),
    })
}

/// The snapshot, then each stored list (its newest version per name).
pub(crate) fn initial(with_snapshot: bool, stored: &[SanctionsListRecord]) -> Loaded {
    let mut lists: Vec<LoadedList> = Vec::new();
    if with_snapshot {
        match corridor_sanctions::snapshot::all() {
            Ok(snapshot) => lists.extend(snapshot.into_iter().map(|list| LoadedList {
                list,
                source: "snapshot",
                loaded_at: None,
            })),
            Err(e) => tracing::error!(error = %e, "the embedded sanctions snapshot does not parse"),
        }
    }
    for record in stored {
        let parsed = ListFormat::parse(&record.format)
            .and_then(|f| Some((f, content_of(record, f)?)))
            .map(|(f, content)| parse(f, &content, Some(&record.name)));
        match parsed {
            Some(Ok(list)) => replace(
                &mut lists,
                LoadedList {
                    list,
                    source: "operator",
                    loaded_at: Some(record.created_at),
                },
            ),
            _ => {
                tracing::error!(list = %record.id, "a stored sanctions list no longer parses; skipped")
            }
        }
    }
    let parsed: Vec<SanctionsList> = lists.iter().map(|l| l.list.clone()).collect();
    Loaded {
        screener: Screener::build(&parsed),
        lists,
    }
}

fn replace(lists: &mut Vec<LoadedList>, list: LoadedList) {
    lists.retain(|l| l.list.name != list.list.name);
    lists.push(list);
}

fn check_name(format: ListFormat, name: Option<&str>) -> Result<Option<String>, ComplianceError> {
    match (format, name) {
        (ListFormat::SimpleCsv, None) => Err(ComplianceError::invalid(
            "name",
            "parameter_missing",
            "a simple_csv list needs a name",
        )),
        (ListFormat::SimpleCsv, Some(n)) => {
            let official = ListFormat::ALL
                .iter()
                .filter_map(|f| f.list_name())
                .any(|o| o == n);
            let shaped = !n.is_empty()
                && n.len() <= MAX_LIST_NAME
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !shaped || official {
                return Err(ComplianceError::invalid(
                    "name",
                    "parameter_invalid",
                    format!(
                        "name must be 1-{MAX_LIST_NAME} characters a-z, 0-9 or _, and not an official list's name"
                    ),
                ));
            }
            Ok(Some(n.to_owned()))
        }
        (_, Some(_)) => Err(ComplianceError::invalid(
            "name",
            "parameter_unexpected",
            "only a simple_csv list takes a name; official lists carry their own",
        )),
        (_, None) => Ok(None),
    }
}

impl ComplianceService {
    /// Parses a list and prepares its write; [`activate`](Self::activate)
    /// puts it in force once written. Holding the returned guard across
    /// both keeps concurrent loads from losing one another.
    pub async fn prepare_load(
        &self,
        load: ListLoad,
        actor: &str,
    ) -> Result<
        (
            LoadedList,
            ComplianceWrite,
            tokio::sync::OwnedMutexGuard<()>,
        ),
        ComplianceError,
    > {
        let format = ListFormat::parse(&load.format).ok_or_else(|| {
            let all: Vec<&str> = ListFormat::ALL.iter().map(|f| f.as_str()).collect();
            ComplianceError::invalid(
                "format",
                "parameter_invalid",
                format!("format must be one of {}", all.join(", ")),
            )
        })?;
        let name = check_name(format, load.name.as_deref())?;
        match (&load.content, format == ListFormat::OfacCsv) {
            (ListContent::OfacCsv { .. }, true) | (ListContent::Text(_), false) => {}
            (ListContent::Text(_), true) => {
                return Err(ComplianceError::invalid(
                    "content",
                    "parameter_invalid",
                    "ofac_csv content is an object {sdn, alt?, add?} of the files' text",
                ))
            }
            (ListContent::OfacCsv { .. }, false) => {
                return Err(ComplianceError::invalid(
                    "content",
                    "parameter_invalid",
                    format!("{} content is the file's text", format.as_str()),
                ))
            }
        }
        let total = match &load.content {
            ListContent::OfacCsv { sdn, alt, add } => {
                sdn.len()
                    + alt.as_ref().map_or(0, String::len)
                    + add.as_ref().map_or(0, String::len)
            }
            ListContent::Text(t) => t.len(),
        };
        if total > MAX_LIST_BYTES {
            return Err(ComplianceError::invalid(
                "content",
                "parameter_invalid",
                format!("the list is larger than {MAX_LIST_BYTES} bytes"),
            ));
        }
        let content = load.content.clone();
        let parse_name = name.clone();
        let list =
            tokio::task::spawn_blocking(move || parse(format, &content, parse_name.as_deref()))
                .await
                .map_err(|e| {
                    ComplianceError::Store(corridor_store::StoreError::Corrupt(e.to_string()))
                })??;
        let guard = self.inner_loading().await;
        let record = SanctionsListRecord {
            id: format!("{}:{}", list.name, list.version),
            name: list.name.clone(),
            format: list.format.clone(),
            version: list.version.clone(),
            content: stored_content(&load.content),
            entries: i64::try_from(list.entries.len()).unwrap_or(i64::MAX),
            names: i64::try_from(list.name_count()).unwrap_or(i64::MAX),
            created_at: self.store().clock().now(),
        };
        let audit = AuditEntry {
            actor: actor.to_owned(),
            action: "sanctions_list.loaded".into(),
            object_id: record.id.clone(),
            detail: serde_json::json!({
                "name": record.name, "format": record.format, "version": record.version,
                "entries": record.entries, "names": record.names,
            })
            .to_string(),
        };
        let loaded = LoadedList {
            list,
            source: "operator",
            loaded_at: Some(record.created_at),
        };
        let write = ComplianceWrite {
            list: Some(record),
            audit: vec![audit],
            ..ComplianceWrite::default()
        };
        Ok((loaded, write, guard))
    }

    async fn inner_loading(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.loading_lock().lock_owned().await
    }

    /// Puts a written list in force (replacing the list of the same name).
    pub fn activate(&self, list: LoadedList) {
        let mut lists = self.loaded().lists.clone();
        replace(&mut lists, list);
        self.install(lists);
    }
}
