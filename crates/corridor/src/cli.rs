//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Corridor: cross-border payments for merchants who sell abroad.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API server.
    Serve(ServeArgs),
    /// Start an embedded server, run a scripted cross-border story against it and print a summary.
    Demo(DemoArgs),
    /// Run the simulated payment providers as their own HTTP server.
    Sandbox(crate::sandbox_cmd::SandboxArgs),
    /// Ledger operations.
    Ledger {
        /// Which one.
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Benchmarks (build with --release).
    Bench {
        /// Which one.
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// The market knowledge base: currency, payment methods and rules per country.
    Markets {
        /// Which view.
        #[command(subcommand)]
        command: MarketsCommand,
    },
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory for the embedded SQLite database and the generated operator key.
    #[arg(long, env = "CORRIDOR_DATA_DIR", default_value = "corridor-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user@host:port/db); when set, used instead of SQLite.
    #[arg(long, env = "CORRIDOR_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// `corridor serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CORRIDOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Enable sandbox mode: test helpers and the advanceable test clock.
    #[arg(long)]
    pub sandbox: bool,
}

/// `corridor demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Address for the embedded server (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Exit after printing the summary instead of keeping the server running.
    #[arg(long)]
    pub exit: bool,
}

/// `corridor ledger ...`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Recompute every balance from its postings and check each currency sums to zero.
    Verify(DbArgs),
}

/// `corridor bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Durable ledger transfers per second, group commit against a naive baseline.
    Ledger(crate::bench::ledger::LedgerBenchArgs),
    /// Confirmed card payments per second end to end over HTTP, with p50/p99 latency.
    Payments(crate::bench::payments::PaymentsBenchArgs),
    /// Payouts per second over HTTP, then all of them as one pain.001 file, generated, schema-validated and answered.
    Payouts(crate::bench::payouts::PayoutsBenchArgs),
    /// Card approval under static, adaptive and oracle routing through a degraded provider and an outage.
    Routing(crate::bench::routing::RoutingBenchArgs),
}

/// `corridor markets ...`.
#[derive(Debug, Subcommand)]
pub enum MarketsCommand {
    /// One line per known country.
    List,
    /// A country's currency, status, payment methods and rules with sources.
    Show {
        /// ISO 3166-1 alpha-2 code, any case (`JP`, `de`).
        country: String,
    },
}
