//! `corridor sandbox`: the simulated payment providers as their own HTTP server.

use std::net::SocketAddr;

use clap::Args;
use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld, WebhookTarget};
use corridor_connectors::Clock;

/// `corridor sandbox` arguments.
#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// Seed of the simulation (same seed, same outcomes).
    #[arg(long, default_value_t = 20_261_126)]
    pub seed: u64,
    /// Where to POST signed notifications of asynchronous results.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Secret of the notifications' `Sandbox-Signature`.
    #[arg(
        long,
        env = "CORRIDOR_SANDBOX_WEBHOOK_SECRET",
        default_value = "whsec_sandbox"
    )]
    pub webhook_secret: String,
}

/// Runs the simulated providers until interrupted, with realistic latency.
pub async fn run(args: SandboxArgs) -> anyhow::Result<()> {
    let mut config = SandboxConfig::new(args.seed);
    config.webhook = args.webhook_url.map(|url| WebhookTarget {
        url,
        secret: args.webhook_secret,
    });
    let world = SandboxWorld::standard(config, Clock::system());
    world.set_public_base_url(&format!("http://{}", args.listen));
    let _ticker = world.spawn_ticker(std::time::Duration::from_millis(100));
    let names: Vec<String> = world.profiles().iter().map(|p| p.name.clone()).collect();
    println!(
        "corridor sandbox listening on http://{} (providers: {})",
        args.listen,
        names.join(", ")
    );
    corridor_connectors::sandbox::http::serve(args.listen, world).await?;
    Ok(())
}
