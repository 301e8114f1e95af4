//! The demo tells one seller's story in amounts people read, settles for
//! real, and exits by itself.

use std::process::Command;

use crate::support::{each_backend, Backend, PgDatabase};

each_backend!(the_demo_tells_one_story_and_exits_by_itself);

async fn the_demo_tells_one_story_and_exits_by_itself(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let pg = match backend {
        Backend::Postgres => Some(PgDatabase::create().await),
        Backend::Sqlite => None,
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_corridor"));
    command
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("CORRIDOR_OPERATOR_KEY")
        .env_remove("CORRIDOR_DATABASE_URL");
    if let Some(db) = &pg {
        command.args(["--database-url", &db.url]);
    }
    // No --exit: the demo must end on its own (a hang fails the test run).
    let out = tokio::task::spawn_blocking(move || command.output().expect("demo runs"))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for amount in ["USD 1,250.00", "JPY 1,500,000", "KWD 12.345", "EUR 980.50"] {
        assert!(text.contains(amount), "{amount} missing:\n{text}");
    }
    assert!(!text.contains("125000 USD"), "raw minor units:\n{text}");
    assert_eq!(text.matches("signs up").count(), 1, "one merchant:\n{text}");
    let settled = text
        .split("has settled")
        .nth(1)
        .expect("a settled-balances section");
    let balances: Vec<&str> = settled
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(balances.len() >= 10, "{settled}");
    for line in &balances {
        let pending = line.split_whitespace().rev().take(2).collect::<Vec<_>>();
        let amount = pending[0];
        assert!(
            amount.bytes().all(|b| b == b'0' || b == b'.'),
            "still pending after settlement: {line}"
        );
    }
    assert!(text.contains("to funds"), "{text}");
    assert!(text.contains("sell JPY 1,000,000 for CNY "), "{text}");
    assert!(text.contains("refused: quote_used"), "{text}");
    assert!(text.contains("The ledger verifies"), "{text}");
}
