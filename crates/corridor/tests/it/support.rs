//! Spawning servers and talking to them.

use corridor_api::serve::{start, ServeConfig};
use corridor_store::StoreConfig;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Runs a test body against a fresh server on SQLite and then on PostgreSQL.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let server = crate::support::Server::start(crate::support::Backend::Sqlite).await;
                    super::$name(&server).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let server = crate::support::Server::start(crate::support::Backend::Postgres).await;
                    super::$name(&server).await;
                }
            }
        )*
    };
}
pub(crate) use both_backends;

/// Runs a test body that starts its own server(s), once per backend.
macro_rules! each_backend {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::support::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(crate::support::Backend::Postgres).await;
                }
            }
        )*
    };
}
pub(crate) use each_backend;

/// Which database.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A valid unified social credit code (GB 32100-2015 check character).
pub const CN_REGISTRATION_NUMBER: &str = "91110000600037341L";

/// The operator key every test server starts with.
pub const OPERATOR_KEY: &str = "ok_test_operator_key_0123456789";

/// The PostgreSQL server tests create their databases on.
pub fn postgres_base_url() -> String {
    std::env::var("CORRIDOR_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh PostgreSQL database, dropped when this is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    pub async fn create() -> PgDatabase {
        let base = postgres_base_url();
        let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for the tests ({base}): {e}. Run scripts/test, which starts one."));
        tokio::spawn(conn);
        let name = format!("corridor_it_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let url = match base.rfind('/') {
            Some(i) if base[..i].contains("//") && i > base.find("//").unwrap_or(0) + 1 => {
                format!("{}/{name}", &base[..i])
            }
            _ => format!("{base}/{name}"),
        };
        PgDatabase { url, name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let base = postgres_base_url();
        let name = self.name.clone();
        // Best effort, on a thread of its own: the test runtime may be gone.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
                    .await
                    .ok()?;
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()
            })
        })
        .join();
    }
}

/// A running server with its data.
pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl Server {
    pub async fn start(backend: Backend) -> Server {
        Server::start_with(backend, |_| {}).await
    }

    /// A server whose configuration `configure` adjusts first. The default
    /// is sandbox mode with private webhook targets allowed (the tests'
    /// receivers listen on loopback).
    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut ServeConfig)) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, pg) = match backend {
            Backend::Sqlite => (StoreConfig::Sqlite(dir.path().join("corridor.db")), None),
            Backend::Postgres => {
                let db = PgDatabase::create().await;
                (StoreConfig::Postgres(db.url.clone()), Some(db))
            }
        };
        let mut config = ServeConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            data_dir: dir.path().to_path_buf(),
            store,
            sandbox: true,
            operator_key: Some(OPERATOR_KEY.to_string()),
            providers_url: None,
            policy: corridor_api::policy::ServePolicy {
                allow_private_webhooks: true,
                ..Default::default()
            },
        };
        configure(&mut config);
        let running = start(config).await.expect("server starts");
        Server {
            base: format!("http://{}", running.addr),
            http: reqwest::Client::new(),
            _dir: dir,
            _pg: pg,
        }
    }

    /// Every byte the server stored on disk (database files, keys), to check
    /// what never reaches it.
    pub fn stored_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self._dir.path()) {
            for entry in entries.flatten() {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    out.extend(bytes);
                }
            }
        }
        out
    }

    /// Sends a request; returns status, headers and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        idem: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(i) = idem {
            req = req.header("Idempotency-Key", i);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
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

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, Some(key), None, Some(&body.to_string()))
            .await
    }

    pub async fn get(&self, path: &str, key: &str) -> Reply {
        self.call(Method::GET, path, Some(key), None, None).await
    }

    /// Creates a merchant and approves its KYB; returns (id, api key).
    pub async fn merchant(&self, name: &str, currency: &str) -> (String, String) {
        let (id, key) = self.pending_merchant(name, currency).await;
        let kyb =
            serde_json::json!({"decision": "approve", "note": "test merchant: documents checked"});
        let r = self
            .post(&format!("/v1/merchants/{id}/kyb"), OPERATOR_KEY, &kyb)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        (id, key)
    }

    /// Creates a merchant whose KYB is still pending, with the information
    /// China requires for approval (a unified social credit code, an owner,
    /// a store id); returns (id, api key).
    pub async fn pending_merchant(&self, name: &str, currency: &str) -> (String, String) {
        let body = serde_json::json!({
            "legal_name": name, "country": "CN", "home_currency": currency,
            "registration_number": CN_REGISTRATION_NUMBER,
            "beneficial_owners": [{"name": "Wang Fang", "date_of_birth": "1980-05-17", "country": "CN", "ownership_percent": 100}],
            "marketplace_store_ids": ["amazon:A1TESTSTORE"],
        });
        let r = self.post("/v1/merchants", OPERATOR_KEY, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        (r.str("id"), r.str("api_key"))
    }

    /// Credits a merchant through an adjustment.
    pub async fn credit(&self, merchant: &str, amount: i64, currency: &str) -> Reply {
        let body = serde_json::json!({"amount": amount, "currency": currency, "direction": "credit", "reason": "test funding"});
        let r = self
            .post(
                &format!("/v1/merchants/{merchant}/adjustments"),
                OPERATOR_KEY,
                &body,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        r
    }

    /// The ledger verifies.
    pub async fn assert_verified(&self) -> Value {
        let r = self.get("/v1/ledger/verify", OPERATOR_KEY).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json["balanced"], Value::Bool(true), "{}", r.json);
        r.json
    }

    /// Balances of a merchant as `(currency, available, pending, reserved)`.
    pub async fn balances(&self, merchant: &str) -> Vec<(String, i64, i64, i64)> {
        let r = self
            .get(&format!("/v1/balances?merchant={merchant}"), OPERATOR_KEY)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        r.json["balances"]
            .as_array()
            .expect("balances array")
            .iter()
            .map(|b| {
                let n = |f: &str| b[f].as_i64().expect("integer");
                (
                    b["currency"].as_str().expect("currency").to_string(),
                    n("available"),
                    n("pending"),
                    n("reserved"),
                )
            })
            .collect()
    }
}

/// A response.
pub struct Reply {
    pub status: StatusCode,
    pub replayed: bool,
    pub json: Value,
}

impl Reply {
    pub fn str(&self, field: &str) -> String {
        self.json[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string {field} in {}", self.json))
            .to_string()
    }

    /// Asserts an API error with this status, type, code and param.
    pub fn assert_error(&self, status: u16, kind: &str, code: &str, param: Option<&str>) {
        assert_eq!(self.status.as_u16(), status, "{}", self.json);
        let e = &self.json["error"];
        assert_eq!(e["type"], kind, "{}", self.json);
        assert_eq!(e["code"], code, "{}", self.json);
        assert_eq!(e["param"].as_str(), param, "{}", self.json);
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.json
        );
    }
}

/// A port nobody listens on right now.
///
/// Chosen below Linux's default ephemeral range (32768-60999): a port the
/// kernel handed out for `bind(0)` can be taken, before the server binds
/// it, as the local port of any of the many connections parallel tests
/// open; ports down here are taken only by explicit binds.
pub fn free_port() -> u16 {
    loop {
        let port = rand::random_range(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Waits until a spawned server answers `/health`.
pub async fn wait_healthy(http: &reqwest::Client, base: &str) {
    // Thirty seconds: a whole test run on two cores can slow a start down.
    for _ in 0..600 {
        if let Ok(r) = http.get(format!("{base}/health")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server at {base} never became healthy");
}
