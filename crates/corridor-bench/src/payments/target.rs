//! The server under load: embedded in this process (`corridor_api::serve::start`)
//! or the same binary run as a child `corridor serve`, each on a fresh
//! database, with one merchant created through the API.

use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use corridor_api::serve::{start, ServeConfig};
use corridor_store::StoreConfig;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::batches::{BatchLog, CHILD_LOG_FILTER};

/// How long a child server may take to say where it listens.
const CHILD_START_TIMEOUT: Duration = Duration::from_secs(30);

/// What `corridor serve` prints once it listens.
const LISTENING: &str = "corridor listening on ";

/// Where the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In this process, on the runtime the load generator also runs on.
    InProcess,
    /// A child `corridor serve` process; the load comes from this one.
    Separate,
}

impl Placement {
    /// Label for the tables.
    pub fn label(self) -> &'static str {
        match self {
            Placement::InProcess => "in-process",
            Placement::Separate => "separate",
        }
    }
}

/// A started server with its merchant.
pub struct Target {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// The merchant's API key.
    pub merchant_key: String,
    /// The child's process id (`None`: in this process).
    pub server_pid: Option<u32>,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

impl Target {
    /// Starts an embedded server on a fresh SQLite file, or on the
    /// PostgreSQL database at `database_url`.
    pub async fn in_process(database_url: Option<String>) -> anyhow::Result<Target> {
        let dir = tempfile::tempdir()?;
        let operator_key = operator_key();
        let store = match database_url {
            Some(url) => StoreConfig::Postgres(url),
            None => StoreConfig::Sqlite(dir.path().join("corridor.db")),
        };
        let running = start(ServeConfig {
            listen: "127.0.0.1:0".parse()?,
            data_dir: dir.path().to_path_buf(),
            store,
            // The bench charges the simulated providers: sandbox mode.
            sandbox: true,
            operator_key: Some(operator_key.clone()),
            providers_url: None,
            policy: Default::default(),
        })
        .await?;
        let base = format!("http://{}", running.addr);
        Ok(Target {
            merchant_key: create_merchant(&base, &operator_key).await?,
            base,
            server_pid: None,
            child: None,
            _dir: dir,
        })
    }

    /// Starts this binary as `corridor serve` on port 0, with the writer's
    /// batch events sent to `log` through its JSON log on stderr.
    pub async fn separate(database_url: Option<String>, log: &BatchLog) -> anyhow::Result<Target> {
        let dir = tempfile::tempdir()?;
        let operator_key = operator_key();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args([
                "serve",
                "--sandbox",
                "--listen",
                "127.0.0.1:0",
                "--data-dir",
            ])
            .arg(dir.path())
            .env("CORRIDOR_OPERATOR_KEY", &operator_key)
            .env("RUST_LOG", CHILD_LOG_FILTER)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        match &database_url {
            Some(url) => command.args(["--database-url", url]),
            None => command.env_remove("CORRIDOR_DATABASE_URL"),
        };
        let mut child = command.spawn().context("starting `corridor serve`")?;
        forward_stderr(&mut child, log.clone());
        let addr = tokio::time::timeout(CHILD_START_TIMEOUT, listening_addr(&mut child))
            .await
            .map_err(|_| anyhow::anyhow!("`corridor serve` did not start listening"))??;
        let base = format!("http://{addr}");
        Ok(Target {
            merchant_key: create_merchant(&base, &operator_key).await?,
            base,
            server_pid: child.id(),
            child: Some(child),
            _dir: dir,
        })
    }

    /// Stops a child server (kills it: the bench needs no clean shutdown).
    pub async fn stop(mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill().await;
        }
    }
}

fn operator_key() -> String {
    format!("ok_bench_{:032x}", rand::random::<u128>())
}

/// Reads the child's stdout up to the line naming its address, then keeps
/// draining it in the background.
async fn listening_addr(child: &mut Child) -> anyhow::Result<String> {
    let stdout = child.stdout.take().context("child stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        if let Some(url) = line.strip_prefix(LISTENING) {
            let addr = url.trim().trim_start_matches("http://").to_string();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok(addr);
        }
    }
    anyhow::bail!("`corridor serve` exited before listening")
}

/// Records the writer's batch events; passes every other log line on to stderr.
fn forward_stderr(child: &mut Child, log: BatchLog) {
    let Some(stderr) = child.stderr.take() else {
        return;
    };
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if !log.record_json_line(&line) {
                eprintln!("server: {line}");
            }
        }
    });
}

/// Creates the merchant the payments are made for; returns its API key.
async fn create_merchant(base: &str, operator_key: &str) -> anyhow::Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/merchants"))
        .bearer_auth(operator_key)
        .json(&serde_json::json!({
            "legal_name": "Bench Seller",
            "country": "CN",
            "home_currency": "CNY",
        }))
        .send()
        .await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    match body["api_key"].as_str() {
        Some(key) if status == reqwest::StatusCode::CREATED => Ok(key.to_string()),
        _ => anyhow::bail!("creating the merchant answered {status}: {body}"),
    }
}
