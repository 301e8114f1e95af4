//! Throwaway PostgreSQL databases for the runs on PostgreSQL: created on
//! the given server, dropped at the end.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

/// How long to wait for the server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The maintenance connection and the databases made through it.
pub struct Scratch {
    admin: Client,
    url: String,
    names: Vec<String>,
}

impl Scratch {
    /// Connects to the server's maintenance database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let mut config = tokio_postgres::Config::from_str(url)?;
        config.connect_timeout(CONNECT_TIMEOUT);
        let (admin, connection) = tokio::time::timeout(CONNECT_TIMEOUT, config.connect(NoTls))
            .await
            .map_err(|_| anyhow::anyhow!("timed out after {CONNECT_TIMEOUT:?}"))??;
        tokio::spawn(async move {
            // Ends when the client is dropped; errors then are moot.
            let _ = connection.await;
        });
        Ok(Scratch {
            admin,
            url: url.to_string(),
            names: Vec::new(),
        })
    }

    /// Creates `corridor_bench_<random>_payments` and returns its URL.
    pub async fn create(&mut self) -> anyhow::Result<String> {
        let name = format!("corridor_bench_{:08x}_payments", rand::random::<u32>());
        self.admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        self.names.push(name.clone());
        Ok(with_dbname(&self.url, &name))
    }

    /// Drops every database made here (closing their connections); reports failures.
    pub async fn drop_all(&mut self) {
        for name in std::mem::take(&mut self.names) {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(e) = self.admin.batch_execute(&sql).await {
                eprintln!("warning: could not drop database {name}: {e}");
            }
        }
    }
}

/// `url` with its database replaced by `dbname` (URL or key=value form).
fn with_dbname(url: &str, dbname: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return format!("{url} dbname={dbname}");
    };
    let (head, query) = url.split_at(url.find('?').unwrap_or(url.len()));
    let authority = scheme_end + 3;
    let base = match head[authority..].find('/') {
        Some(slash) => &head[..authority + slash],
        None => head,
    };
    format!("{base}/{dbname}{query}")
}

/// `url` with any password replaced by `***`, for printing.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url
            .split_whitespace()
            .map(|kv| {
                if kv.starts_with("password=") {
                    "password=***"
                } else {
                    kv
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    };
    let authority = scheme_end + 3;
    let Some(at) = url[authority..].find('@').map(|a| a + authority) else {
        return url.to_string();
    };
    match url[authority..at].find(':') {
        Some(colon) => format!("{}:***{}", &url[..authority + colon], &url[at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database() {
        assert_eq!(
            with_dbname("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_dbname("postgres://u@h?x=1", "b"),
            "postgres://u@h/b?x=1"
        );
        assert_eq!(with_dbname("host=h", "b"), "host=h dbname=b");
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("host=h password=pw"), "host=h password=***");
    }
}
