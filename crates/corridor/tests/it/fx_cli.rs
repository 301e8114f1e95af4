//! The FX commands of the binary: `rates import` (ECB ZIP, CSV and daily
//! XML), `rates show`, `fx backtest` and `fx cost-report`, on SQLite and
//! PostgreSQL.

use std::process::Command;

const ECB_HISTORY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ecb/eurofxref-hist.zip"
);

const DAILY_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube><Cube time='2026-11-02'><Cube currency='USD' rate='1.1201'/><Cube currency='CNY' rate='7.4512'/></Cube></Cube>
</gesmes:Envelope>"#;

fn corridor(args: &[&str], db: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .args(db)
        .env_remove("CORRIDOR_DATABASE_URL")
        .output()
        .expect("corridor runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HISTORY_CSV: &str = "Date,USD,JPY,CYP,CNY,\n2008-09-15,1.4131,149.22,N/A,9.6598,\n2008-09-12,1.3965,150.43,N/A,9.5539,\n";

/// Imports the full history ZIP (`full`) or a cut of the CSV, then the daily XML.
fn import_and_show(db: &[&str], dir: &std::path::Path, full: bool) {
    let csv = dir.join("eurofxref-hist.csv");
    std::fs::write(&csv, HISTORY_CSV).unwrap();
    let file = if full {
        ECB_HISTORY
    } else {
        csv.to_str().unwrap()
    };
    let (ok, out, err) = corridor(&["rates", "import", file], db);
    assert!(ok, "{err}");
    let first = if full {
        "(1999-01-04 to"
    } else {
        "(2008-09-12 to 2008-09-15)"
    };
    assert!(out.contains(first), "{out}");
    let (ok, out, err) = corridor(&["rates", "show", "USD", "CNY", "--date", "2008-09-15"], db);
    assert!(ok, "{err}");
    assert!(out.starts_with("USD/CNY "), "{out}");
    assert!(out.contains("(2008-09-15 ecb)"), "{out}");
    assert!(out.contains("cross through EUR"), "{out}");
    let xml = dir.join("eurofxref-daily.xml");
    std::fs::write(&xml, DAILY_XML).unwrap();
    let (ok, out, err) = corridor(&["rates", "import", xml.to_str().unwrap()], db);
    assert!(ok, "{err}");
    assert!(out.contains("imported 2 rates"), "{out}");
    let (ok, out, err) = corridor(&["rates", "show", "EUR", "USD", "--date", "2026-11-03"], db);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "EUR/USD 1.1201 (2026-11-02 ecb)");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "Date,USD,\n2026-11-02,abc,\n").unwrap();
    let (ok, _, err) = corridor(&["rates", "import", bad.to_str().unwrap()], db);
    assert!(!ok && err.contains("line 2"), "{err}");
    let (ok, out, err) = corridor(&["fx", "cost-report"], db);
    assert!(ok, "{err}");
    assert!(out.contains("(no conversions yet)"), "{out}");
}

#[test]
fn rates_import_and_show_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    import_and_show(&["--data-dir", data.to_str().unwrap()], dir.path(), true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rates_import_and_show_on_postgres() {
    let pg = crate::support::PgDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let url = pg.url.clone();
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || import_and_show(&["--database-url", &url], &path, false))
        .await
        .unwrap();
}

#[test]
fn backtest_compares_strategies_on_the_ecb_history() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let args = [
        "fx",
        "backtest",
        "--home",
        "CNY",
        "--receivable",
        "USD",
        "--monthly",
        "100000",
        "--from",
        "2006-01",
        "--to",
        "2026-10",
        "--strategy",
        "unhedged",
        "--strategy",
        "forward-3m",
        "--history",
        ECB_HISTORY,
        "--out-dir",
        out_dir.to_str().unwrap(),
    ];
    let (ok, table, err) = corridor(
        &args,
        &["--data-dir", dir.path().join("d").to_str().unwrap()],
    );
    assert!(ok, "{err}");
    for needle in [
        "unhedged",
        "forward-3m",
        "crosses through EUR",
        "policy rates",
        "Kupiec",
        "Basel traffic light",
    ] {
        assert!(table.contains(needle), "{needle} missing from\n{table}");
    }
    assert!(!table.contains("layered-50"));
    let csv = std::fs::read_to_string(out_dir.join("backtest.csv")).unwrap();
    assert!(csv.starts_with("month,unhedged,forward-3m\n"), "{csv}");
    // CNY months from 2006-01; the first three only strike forwards.
    assert!(csv.lines().nth(1).unwrap().starts_with("2006-04,"), "{csv}");
    assert!(csv.lines().last().unwrap().starts_with("2026-10,"));
    let svg = std::fs::read_to_string(out_dir.join("backtest.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("forward-3m"));
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let (ok, lines, err) = corridor(
        &json_args,
        &["--data-dir", dir.path().join("d").to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[1]["strategy"], "forward-3m");
    assert_eq!(objects[0]["variance_reduction"], "0");
    assert_eq!(objects[1]["months"], 247);
    let (ok, _, err) = corridor(
        &[
            "fx",
            "backtest",
            "--home",
            "CNY",
            "--receivable",
            "USD",
            "--monthly",
            "1",
            "--from",
            "2006-01",
            "--to",
            "2007-01",
            "--strategy",
            "sideways",
            "--history",
            ECB_HISTORY,
        ],
        &[],
    );
    assert!(!ok && err.contains("unknown strategy"), "{err}");
}
