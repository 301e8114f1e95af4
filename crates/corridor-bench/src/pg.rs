//! PostgreSQL plumbing: connecting, and the throwaway databases the bench
//! creates on the server and drops at the end.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

/// How long to wait for the server before declaring it unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects and drives the connection on a background task.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let mut config = tokio_postgres::Config::from_str(url)?;
    config.connect_timeout(CONNECT_TIMEOUT);
    let (client, connection) = tokio::time::timeout(CONNECT_TIMEOUT, config.connect(NoTls))
        .await
        .map_err(|_| anyhow::anyhow!("timed out after {CONNECT_TIMEOUT:?}"))??;
    tokio::spawn(async move {
        // The connection ends when the client is dropped; errors then are moot.
        let _ = connection.await;
    });
    Ok(client)
}

/// `url` with its database replaced by `dbname`. Handles URLs
/// (`postgres://user@host:port/db?opts`) and key=value strings.
pub fn with_dbname(url: &str, dbname: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return format!("{url} dbname={dbname}");
    };
    let (head, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let authority_start = scheme_end + 3;
    let base = match head[authority_start..].find('/') {
        Some(slash) => &head[..authority_start + slash],
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
    let authority_start = scheme_end + 3;
    let Some(at) = url[authority_start..]
        .find('@')
        .map(|a| a + authority_start)
    else {
        return url.to_string();
    };
    match url[authority_start..at].find(':') {
        Some(colon) => format!("{}:***{}", &url[..authority_start + colon], &url[at..]),
        None => url.to_string(),
    }
}

/// Databases created for this run, dropped by [`ScratchDatabases::drop_all`].
pub struct ScratchDatabases {
    admin: Client,
    names: Vec<String>,
}

impl ScratchDatabases {
    /// Connects to the server's maintenance database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Ok(ScratchDatabases {
            admin: connect(url).await?,
            names: Vec::new(),
        })
    }

    /// Creates a fresh database named `corridor_bench_<random>_<suffix>`.
    pub async fn create(&mut self, suffix: &str) -> anyhow::Result<String> {
        let name = format!("corridor_bench_{:08x}_{suffix}", rand::random::<u32>());
        self.admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        self.names.push(name.clone());
        Ok(name)
    }

    /// Flushes the server's dirty buffers (best effort: needs the right to
    /// `CHECKPOINT`), so writes of earlier runs are not billed to the next.
    pub async fn checkpoint(&self) {
        let _ = self.admin.batch_execute("CHECKPOINT").await;
    }

    /// Drops every database this run created; reports those it could not.
    pub async fn drop_all(&mut self) {
        for name in std::mem::take(&mut self.names) {
            let forced = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let plain = format!("DROP DATABASE IF EXISTS {name}");
            if self.admin.batch_execute(&forced).await.is_err() {
                if let Err(e) = self.admin.batch_execute(&plain).await {
                    eprintln!("warning: could not drop database {name}: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_dbname("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(with_dbname("postgres://u@h", "b"), "postgres://u@h/b");
        assert_eq!(
            with_dbname("postgresql://u@h/x?sslmode=disable", "b"),
            "postgresql://u@h/b?sslmode=disable"
        );
        assert_eq!(with_dbname("host=h user=u", "b"), "host=h user=u dbname=b");
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("host=h password=x"), "host=h password=***");
    }
}
