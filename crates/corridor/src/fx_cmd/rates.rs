//! `corridor rates import FILE`, `corridor rates show BASE QUOTE`.

use std::path::Path;

use corridor_core::fx::cross_rate;
use corridor_core::Currency;
use corridor_services::fx::dates::{day_of, iso, today};
use corridor_services::fx::ecb;

use super::open_fx;

pub async fn import(file: &Path, db: &crate::cli::DbArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let days = ecb::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let (first, last) = (days.first().map(|d| d.day), days.last().map(|d| d.day));
    let fx = open_fx(db).await?;
    let count = fx.import(days.clone()).await?;
    println!(
        "imported {count} rates over {} days ({} to {}) from {}",
        days.len(),
        first.map(iso).unwrap_or_default(),
        last.map(iso).unwrap_or_default(),
        file.display()
    );
    Ok(())
}

pub async fn show(
    base: &str,
    quote: &str,
    date: Option<&str>,
    db: &crate::cli::DbArgs,
) -> anyhow::Result<()> {
    let base = Currency::parse(base)?;
    let quote = Currency::parse(quote)?;
    let fx = open_fx(db).await?;
    let day = match date {
        Some(d) => day_of(d).ok_or_else(|| anyhow::anyhow!("--date must be YYYY-MM-DD"))?,
        None => today(fx.now()),
    };
    fx.with_history(|h| -> anyhow::Result<()> {
        let set = h
            .on_or_before(day)
            .ok_or_else(|| anyhow::anyhow!("no reference rates on or before {}", iso(day)))?;
        let rate = cross_rate(&set, base, quote)?;
        println!("{base}/{quote} {} ({} {})", rate.value(), iso(set.day), set.source);
        if base.code() != "EUR" && quote.code() != "EUR" {
            println!(
                "  cross through EUR: EUR/{base} {} and EUR/{quote} {}, rounded half-even to 10 significant digits",
                set.per_eur(base)?,
                set.per_eur(quote)?
            );
        }
        Ok(())
    })
}
