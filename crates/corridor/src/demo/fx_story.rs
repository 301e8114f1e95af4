//! The demo's FX part: the seller brings part of its yen home to CNY with a
//! quote it can read before it commits (mid-market rate, spread, fee, lock)
//! and converts within the lock.

use serde_json::{json, Value};

use super::{expect, money, run_id, Client};

/// Runs the FX story for a seller (its API key).
pub(crate) async fn run(operator: &Client, seller_key: &str) -> anyhow::Result<()> {
    let run = run_id();
    let seller = operator.with_key(seller_key);
    println!("\nFX — the seller converts yen to yuan, seeing the full price before it commits\n");
    publish_rates(operator).await?;
    let (status, quote) = seller
        .post(
            "/v1/fx/quotes",
            json!({"sell_currency": "JPY", "buy_currency": "CNY", "sell_amount": 1_000_000, "lock_duration": "15m"}),
            &format!("demo-{run}-quote"),
        )
        .await?;
    expect(status, 201, &quote)?;
    let text = |v: &Value| v.as_str().unwrap_or("?").to_string();
    let minor = |v: &Value| v.as_i64().unwrap_or(0);
    println!(
        "   quote {}: sell {} for {}",
        text(&quote["id"]),
        money(minor(&quote["sell_amount"]), "JPY"),
        money(minor(&quote["buy_amount"]), "CNY")
    );
    println!(
        "   mid-market {} CNY per JPY, the seller's rate {} (spread {} bps), fee {}, locked until {}",
        text(&quote["mid_rate"]),
        text(&quote["rate"]),
        quote["spread_bps"],
        money(minor(&quote["fee"]), "JPY"),
        text(&quote["expires_at"])
    );
    let (status, conversion) = seller
        .post(
            "/v1/fx/conversions",
            json!({"quote": quote["id"]}),
            &format!("demo-{run}-convert"),
        )
        .await?;
    expect(status, 201, &conversion)?;
    let (status, again) = seller
        .post(
            "/v1/fx/conversions",
            json!({"quote": quote["id"]}),
            &format!("demo-{run}-convert-again"),
        )
        .await?;
    expect(status, 409, &again)?;
    println!(
        "   converted at the quoted rate ({}); the same quote used again is refused: {}",
        text(&conversion["id"]),
        text(&again["error"]["code"])
    );
    Ok(())
}

/// The sandbox has no live rate feed, and the shipped ECB snapshot ages
/// past what quotes accept: the operator publishes the snapshot's latest
/// reference rates as today's, and the demo says so.
async fn publish_rates(operator: &Client) -> anyhow::Result<()> {
    let latest = operator.get("/v1/fx/rates?base=EUR").await?;
    let (status, published) = operator
        .put(
            "/v1/fx/rates",
            json!({"base": "EUR", "rates": latest["rates"]}),
        )
        .await?;
    expect(status, 200, &published)?;
    println!(
        "   (sandbox: no live rate feed, so the operator publishes the ECB reference rates of {} as today's)",
        latest["as_of"].as_str().unwrap_or("?")
    );
    Ok(())
}
