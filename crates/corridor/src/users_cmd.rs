//! `corridor users add`: creates a dashboard user on a running server
//! through `POST /v1/users`, with the operator key, reading the password
//! from standard input so it never appears in the process list or history.

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `corridor users ...`.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a dashboard user; the password is read from standard input (one line).
    Add(AddArgs),
}

/// `corridor users add` arguments.
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// Sign-in email.
    #[arg(long)]
    pub email: String,
    /// The merchant whose team the user joins (`mer_...`); leave out for the operator's staff.
    #[arg(long)]
    pub merchant: Option<String>,
    /// admin, finance, support or viewer.
    #[arg(long)]
    pub role: String,
    /// The running server.
    #[arg(long, env = "CORRIDOR_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Where the server keeps its generated operator key (`operator.key`),
    /// when `CORRIDOR_OPERATOR_KEY` is not set.
    #[arg(long, env = "CORRIDOR_DATA_DIR", default_value = "corridor-data")]
    pub data_dir: PathBuf,
}

/// Runs a users command.
pub async fn run(command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add(args) => add(args).await,
    }
}

fn operator_key(data_dir: &std::path::Path) -> anyhow::Result<String> {
    if let Ok(key) = std::env::var("CORRIDOR_OPERATOR_KEY") {
        if !key.is_empty() {
            return Ok(key);
        }
    }
    let path = data_dir.join("operator.key");
    let key = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "no CORRIDOR_OPERATOR_KEY and cannot read {}: {e}",
            path.display()
        )
    })?;
    Ok(key.trim().to_string())
}

async fn add(args: AddArgs) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        anyhow::bail!("give the password on standard input (one line)");
    }
    let key = operator_key(&args.data_dir)?;
    let mut body =
        serde_json::json!({"email": args.email, "password": password, "role": args.role});
    if let Some(m) = &args.merchant {
        body["merchant"] = serde_json::Value::String(m.clone());
    }
    let url = format!("{}/v1/users", args.url.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach {url}: {e}"))?;
    let status = response.status();
    let reply: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let error = &reply["error"];
        let param = error["param"]
            .as_str()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        anyhow::bail!(
            "refused: {}{param}: {}",
            error["code"].as_str().unwrap_or("error"),
            error["message"].as_str().unwrap_or("")
        );
    }
    println!(
        "{} {} {} {}",
        reply["id"].as_str().unwrap_or(""),
        reply["email"].as_str().unwrap_or(""),
        reply["role"].as_str().unwrap_or(""),
        reply["merchant"].as_str().unwrap_or("operator")
    );
    Ok(())
}
