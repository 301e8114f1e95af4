//! `corridor sanctions import`, `corridor screen` and `corridor audit
//! verify`: the compliance service over the database, without a server.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use corridor_services::compliance::{
    ComplianceService, ListContent, ListLoad, ScreeningInput, Subject,
};
use corridor_store::{Store, WriteOp, WriteOutcome, WriteRequest, WriteResult};

use crate::cli::DbArgs;

/// `corridor sanctions ...`.
#[derive(Debug, Subcommand)]
pub enum SanctionsCommand {
    /// Load a list in its official format: `ofac_csv` (sdn.csv, then
    /// alt.csv and add.csv if given), `ofac_xml`, `un_xml`, `eu_csv`,
    /// `uk_ofsi_csv`, or `simple_csv` with `--name`.
    Import {
        /// The format.
        #[arg(long)]
        format: String,
        /// The operator list's name (`simple_csv`).
        #[arg(long)]
        name: Option<String>,
        /// The file (three for `ofac_csv`: sdn, alt, add).
        #[arg(required = true, num_args = 1..=3)]
        files: Vec<PathBuf>,
        /// Database.
        #[command(flatten)]
        db: DbArgs,
    },
    /// The lists in force, with their versions and counts.
    List {
        /// Database.
        #[command(flatten)]
        db: DbArgs,
    },
}

/// `corridor screen`.
#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    /// The name to screen.
    pub name: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub dob: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    #[arg(long)]
    pub country: Option<String>,
    /// `person` or `organization`.
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Database.
    #[command(flatten)]
    pub db: DbArgs,
}

/// `corridor audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of the compliance audit log; fails on any
    /// record edited or deleted.
    Verify(DbArgs),
}

async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    let config = crate::store_config(db);
    let clock = std::sync::Arc::new(corridor_store::SystemClock);
    Ok(Store::open(&config, clock, Default::default()).await?)
}

async fn write(store: &Store, write: corridor_store::ComplianceWrite) -> anyhow::Result<()> {
    let request = WriteRequest {
        op: WriteOp::Compliance(Box::new(write)),
        idempotency: None,
    };
    match store.writer().submit(request).await? {
        WriteResult::Done {
            outcome: WriteOutcome::Compliance(Ok(())),
            ..
        } => Ok(()),
        other => anyhow::bail!("the write was refused: {other:?}"),
    }
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Runs a sanctions command.
pub async fn run_sanctions(command: SanctionsCommand) -> anyhow::Result<()> {
    match command {
        SanctionsCommand::Import {
            format,
            name,
            files,
            db,
        } => {
            let content = if format == "ofac_csv" {
                let mut texts = files.iter().map(read);
                ListContent::OfacCsv {
                    sdn: texts.next().context("ofac_csv needs sdn.csv")??,
                    alt: texts.next().transpose()?,
                    add: texts.next().transpose()?,
                }
            } else {
                anyhow::ensure!(files.len() == 1, "{format} takes one file");
                ListContent::Text(read(&files[0])?)
            };
            let store = open(&db).await?;
            let service = ComplianceService::start(store.clone()).await?;
            let (loaded, w, _guard) = service
                .prepare_load(
                    ListLoad {
                        format,
                        content,
                        name,
                    },
                    "operator",
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            write(&store, w).await?;
            println!(
                "loaded {} ({}): {} entries, {} names, version {}",
                loaded.list.name,
                loaded.list.format,
                loaded.list.entries.len(),
                loaded.list.name_count(),
                loaded.list.version
            );
            Ok(())
        }
        SanctionsCommand::List { db } => {
            let store = open(&db).await?;
            let service = ComplianceService::start(store).await?;
            for l in service.lists() {
                println!(
                    "{:16} {:12} {:8} entries {:6} names {:6} version {}",
                    l.list.name,
                    l.list.format,
                    l.source,
                    l.list.entries.len(),
                    l.list.name_count(),
                    l.list.version
                );
            }
            println!("lists version {}", service.lists_version().0);
            Ok(())
        }
    }
}

/// Screens one name and records the decision.
pub async fn screen(args: ScreenArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let service = ComplianceService::start(store.clone()).await?;
    // The operator's thresholds, as the server screens with them.
    corridor_api::routes::screening_thresholds::load(&store, &service)
        .await
        .map_err(anyhow::Error::msg)?;
    let input = ScreeningInput {
        name: args.name,
        kind: args.kind,
        country: args.country,
        date_of_birth: args.dob,
    };
    let outcome = service
        .prepare_screening(
            &input,
            &Subject {
                kind: "cli",
                merchant_id: None,
                object_id: None,
            },
            "operator",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    write(&store, outcome.write.clone()).await?;
    println!(
        "{} {}",
        outcome.record.id,
        outcome.screening.decision.as_str()
    );
    for m in &outcome.screening.matches {
        println!(
            "  {:.4}  {:16} {:10} {}",
            m.score, m.list, m.entry_id, m.name
        );
    }
    if let Some(alert) = &outcome.alert {
        println!("alert {} ({})", alert.id, alert.severity);
    }
    println!("lists version {}", outcome.screening.lists_version);
    Ok(())
}

/// Runs an audit command.
pub async fn run_audit(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify(db) => {
            let config = crate::store_config(&db);
            corridor_store::require_existing(&config).await?;
            let store = open(&db).await?;
            let records = store.audit_log().await?;
            let head = store.audit_head().await?;
            match corridor_store::verify_audit_chain(&records, head) {
                Ok(n) => {
                    println!("audit log intact: {n} records");
                    Ok(())
                }
                Err(broken) => anyhow::bail!("audit log BROKEN: {broken}"),
            }
        }
    }
}
