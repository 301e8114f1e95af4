//! Prism, the mock server that serves Adyen's Checkout API document and
//! refuses any request that violates it.
//!
//! Prism comes from the npm registry (`@stoplight/prism-cli`), installed
//! under `target/tools/prism` by `scripts/test` or, failing that, by the
//! first test that needs it. Where npm cannot be reached the Adyen tests say
//! so loudly and stop; with `CI=true` that is a failure.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The Prism release the tests run.
pub const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.16.0";

/// How long Prism may take to load the document on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(180);

static INSTALL: Mutex<()> = Mutex::new(());

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Adyen's Checkout API v71 document, as kept in the repository.
pub fn checkout_document() -> PathBuf {
    workspace().join("crates/corridor-connectors/data/adyen/CheckoutService-v71.json")
}

fn prism_dir() -> PathBuf {
    workspace().join("target/tools/prism")
}

fn prism_bin() -> PathBuf {
    prism_dir().join("node_modules/.bin/prism")
}

/// The Prism executable, installing it with npm if needed; `None` (after a
/// loud message) where npm cannot install it and `CI` is not `true`.
fn installed() -> Option<PathBuf> {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if prism_bin().exists() {
        return Some(prism_bin());
    }
    std::fs::create_dir_all(prism_dir()).expect("create target/tools/prism");
    let status = std::process::Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(prism_dir())
        .arg(PRISM_PACKAGE)
        .status();
    match status {
        Ok(s) if s.success() && prism_bin().exists() => Some(prism_bin()),
        other => {
            let why = format!("npm could not install {PRISM_PACKAGE}: {other:?}");
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{why} (CI=true: the Adyen tests must run)");
            }
            eprintln!(
                "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 !!! SKIPPING the Adyen Prism tests: {why}\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n"
            );
            None
        }
    }
}

/// A running Prism on its own port, stopped when dropped.
pub struct Prism {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    _child: Child,
}

impl Prism {
    /// Starts Prism in `--errors` mode on the Checkout document, or `None`
    /// where it cannot be installed (see the module's documentation).
    pub async fn start() -> Option<Prism> {
        let bin = tokio::task::spawn_blocking(installed)
            .await
            .expect("install")?;
        let port = crate::support::free_port();
        let mut child = Command::new(bin)
            .args(["mock", "--errors", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg(checkout_document())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start prism");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout"))
                as Box<dyn tokio::io::AsyncRead + Send + Unpin>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let log = Arc::clone(&log);
            let ready = ready_tx.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.contains("Prism is listening") {
                        let _ = ready.send(());
                    }
                    log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                }
            });
        }
        let started = tokio::time::timeout(START_TIMEOUT, ready_rx.recv()).await;
        if !matches!(started, Ok(Some(()))) {
            let log = log.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
            panic!("Prism did not start within {START_TIMEOUT:?}:\n{log}");
        }
        Some(Prism {
            url: format!("http://127.0.0.1:{port}"),
            log,
            _child: child,
        })
    }

    /// Every violation Prism reported so far.
    pub fn violations(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|line| {
                line.contains("Violation:") || line.contains("did not pass the validation")
            })
            .cloned()
            .collect()
    }

    /// Fails the test if Prism reported any violation.
    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "Prism reported requests that violate Adyen's Checkout API:\n{}",
            violations.join("\n")
        );
    }
}
