//! `corridor bench fx`.

use clap::Args;

/// `corridor bench fx` arguments.
#[derive(Debug, Clone, Args)]
pub struct FxBenchArgs {}

/// Runs the FX benchmarks.
pub async fn run(_args: FxBenchArgs) -> anyhow::Result<()> {
    Ok(())
}
