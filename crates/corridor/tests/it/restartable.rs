//! A `corridor serve --sandbox` child process over one database that a
//! test can stop and start again, to see what survives a restart.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use reqwest::Method;
use serde_json::Value;

use crate::support::{free_port, wait_healthy, Backend, PgDatabase, Reply, OPERATOR_KEY};

/// The server process and its database.
pub struct Restartable {
    pub base: String,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    pub pg: Option<PgDatabase>,
    child: Option<Child>,
}

impl Restartable {
    /// A fresh database and a server over it.
    pub async fn start(backend: Backend) -> Restartable {
        let pg = match backend {
            Backend::Postgres => Some(PgDatabase::create().await),
            Backend::Sqlite => None,
        };
        let mut s = Restartable {
            base: String::new(),
            http: reqwest::Client::new(),
            dir: tempfile::tempdir().expect("temp dir"),
            pg,
            child: None,
        };
        s.restart().await;
        s
    }

    /// The database arguments of the `corridor` command line.
    pub fn db_args(&self) -> Vec<String> {
        match &self.pg {
            Some(pg) => vec!["--database-url".into(), pg.url.clone()],
            None => vec![
                "--data-dir".into(),
                self.dir.path().to_string_lossy().into_owned(),
            ],
        }
    }

    /// Stops the server (SIGKILL) if it runs, then starts it again.
    pub async fn restart(&mut self) {
        self.stop();
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
        cmd.args(["serve", "--sandbox", "--allow-private-webhooks", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .args(self.db_args())
            .env_remove("CORRIDOR_DATABASE_URL")
            .env("CORRIDOR_OPERATOR_KEY", OPERATOR_KEY)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if self.pg.is_some() {
            cmd.arg("--data-dir").arg(self.dir.path());
        }
        self.child = Some(cmd.spawn().expect("server binary starts"));
        self.base = format!("http://127.0.0.1:{port}");
        wait_healthy(&self.http, &self.base).await;
    }

    /// Kills the server and waits for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends a request with the operator key or `key`.
    pub async fn call(&self, method: Method, path: &str, key: &str, body: Option<&Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(key);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let replayed = resp.headers().get("idempotent-replayed").is_some();
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            replayed,
            json,
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, OPERATOR_KEY, Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::PUT, path, OPERATOR_KEY, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, OPERATOR_KEY, None).await
    }

    /// Runs `corridor <args>` over this database; (success, stdout, stderr).
    pub fn corridor(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
            .args(args)
            .args(self.db_args())
            .env_remove("CORRIDOR_DATABASE_URL")
            .output()
            .expect("corridor runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs one statement against the database, behind the binary's back
    /// (the server must be stopped on SQLite).
    pub async fn tamper(&self, sql: &str) {
        match &self.pg {
            None => {
                let path = Path::new(self.dir.path()).join("corridor.db");
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                conn.execute_batch(sql).expect("tamper");
            }
            Some(pg) => {
                let (client, conn) = tokio_postgres::connect(&pg.url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                client.batch_execute(sql).await.expect("tamper");
            }
        }
    }
}

impl Drop for Restartable {
    fn drop(&mut self) {
        self.stop();
    }
}
