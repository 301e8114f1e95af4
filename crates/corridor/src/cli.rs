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
    /// Reference exchange rates: import ECB files, show a rate.
    Rates {
        /// Which one.
        #[command(subcommand)]
        command: crate::fx_cmd::RatesCommand,
    },
    /// FX treasury: hedging backtests and the remittance cost report.
    Fx {
        /// Which one.
        #[command(subcommand)]
        command: crate::fx_cmd::FxCommand,
    },
    /// Sanctions lists: import one in its official format, list those in force.
    Sanctions {
        /// Which one.
        #[command(subcommand)]
        command: crate::compliance_cmd::SanctionsCommand,
    },
    /// Screen a name against the sanctions lists in force.
    Screen(crate::compliance_cmd::ScreenArgs),
    /// The compliance audit log.
    Audit {
        /// Which one.
        #[command(subcommand)]
        command: crate::compliance_cmd::AuditCommand,
    },
    /// The market knowledge base: currency, payment methods and rules per country.
    Markets {
        /// Which view.
        #[command(subcommand)]
        command: MarketsCommand,
    },
    /// Dashboard users (on a running server, with the operator key).
    Users {
        /// Which one.
        #[command(subcommand)]
        command: crate::users_cmd::UsersCommand,
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
    /// Enable sandbox mode: simulated payment providers, test helpers and
    /// the advanceable test clock. Without it only real connectors take payments.
    #[arg(long)]
    pub sandbox: bool,
    /// Use the simulated providers of a running `corridor sandbox` server
    /// (`http://127.0.0.1:8090`) instead of running them in-process; they
    /// then outlive a crash of this server. Requires `--sandbox`.
    #[arg(long, requires = "sandbox")]
    pub providers_url: Option<String>,
    /// The operator's policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// The operator's policy for a server.
#[derive(Debug, Clone, Args, Default)]
pub struct PolicyArgs {
    /// Largest amount one request may move in a currency, as
    /// CURRENCY=MAX_MINOR_UNITS (repeat, or comma-separate in the variable);
    /// unset currencies allow about USD 1,000,000.
    #[arg(
        long = "max-amount",
        env = "CORRIDOR_MAX_AMOUNTS",
        value_delimiter = ','
    )]
    pub max_amounts: Vec<String>,
    /// Let webhook endpoints target loopback, private and link-local addresses.
    #[arg(long)]
    pub allow_private_webhooks: bool,
    /// The platform's account payouts leave from, as
    /// "NAME;COUNTRY;ACCOUNT;BIC" (ACCOUNT an IBAN or an account number);
    /// outside the sandbox no payout batch is made without it.
    #[arg(long = "payout-account", env = "CORRIDOR_PAYOUT_ACCOUNT")]
    pub payout_account: Option<String>,
}

impl PolicyArgs {
    /// The server policy these arguments ask for.
    pub fn policy(&self) -> anyhow::Result<corridor_api::policy::ServePolicy> {
        let amount_limits = corridor_core::AmountLimits::parse_settings(
            self.max_amounts.iter().map(String::as_str),
        )
        .map_err(|e| anyhow::anyhow!("--max-amount {e}"))?;
        let payout_account = self
            .payout_account
            .as_deref()
            .map(corridor_api::policy::parse_payout_account)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--payout-account: {e}"))?;
        Ok(corridor_api::policy::ServePolicy {
            amount_limits,
            allow_private_webhooks: self.allow_private_webhooks,
            payout_account,
        })
    }
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
    /// Keep the server running after the story, to explore it with its keys.
    #[arg(long)]
    pub serve: bool,
    /// Exit after the story (the default; kept for older scripts).
    #[arg(long, hide = true, conflicts_with = "serve")]
    pub exit: bool,
    /// Also configure an Adyen connector against this Checkout API v71 base
    /// URL (Adyen's test endpoint, or a Prism mock serving Adyen's document)
    /// and take card, iDEAL and Alipay payments through it.
    #[arg(long)]
    pub adyen_url: Option<String>,
    /// The Adyen API key (for a mock server any value does).
    #[arg(long, env = "CORRIDOR_ADYEN_API_KEY", default_value = "demo-api-key")]
    pub adyen_api_key: String,
    /// The Adyen merchant account.
    #[arg(long, default_value = "CorridorDemoECOM")]
    pub adyen_merchant_account: String,
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
    Ledger(corridor_bench::ledger::LedgerBenchArgs),
    /// Confirmed card payments per second end to end over HTTP, with p50/p99 latency.
    Payments(corridor_bench::payments::PaymentsBenchArgs),
    /// Payouts per second over HTTP, then all of them as one pain.001 file, generated, schema-validated and answered.
    Payouts(corridor_bench::payouts::PayoutsBenchArgs),
    /// Card approval under static, adaptive and oracle routing through a degraded provider and an outage.
    Routing(corridor_bench::routing::RoutingBenchArgs),
    /// FX quotes and conversions per second over HTTP, and the backtest of every strategy.
    Fx(corridor_bench::fx::FxBenchArgs),
    /// Screens per second and p99 over the full OFAC and UN lists, recall and precision on a labelled variant set, against nomenklatura.
    Screening(corridor_bench::screening::ScreeningBenchArgs),
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
