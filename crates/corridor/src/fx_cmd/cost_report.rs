//! `corridor fx cost-report`: the all-in cost against mid-market of every
//! conversion, per corridor (sell → buy currency).

use std::collections::BTreeMap;

use corridor_services::fx::Conversion;
use rust_decimal::Decimal;

use super::open_fx;

/// Conversions read at most.
const MAX_CONVERSIONS: usize = 1_000_000;

#[derive(Default)]
struct Corridor {
    count: u64,
    sold_minor: i128,
    cost_sum: Decimal,
    cost_min: Option<Decimal>,
    cost_max: Option<Decimal>,
}

pub async fn run(db: &crate::cli::DbArgs) -> anyhow::Result<()> {
    let fx = open_fx(db).await?;
    let records = fx
        .store()
        .fx_objects_in_status("conversion", "succeeded", MAX_CONVERSIONS)
        .await?;
    let mut corridors: BTreeMap<(String, String), Corridor> = BTreeMap::new();
    for r in &records {
        let c: Conversion = serde_json::from_str(&r.body)?;
        let cost: Decimal = c.all_in_cost_pct.parse()?;
        let e = corridors
            .entry((c.sell_currency.clone(), c.buy_currency.clone()))
            .or_default();
        e.count += 1;
        e.sold_minor += i128::from(c.sell_amount + c.fee);
        e.cost_sum += cost;
        e.cost_min = Some(e.cost_min.map_or(cost, |m| m.min(cost)));
        e.cost_max = Some(e.cost_max.map_or(cost, |m| m.max(cost)));
    }
    println!("All-in cost of conversions against mid-market (spread and fees), per corridor");
    println!(
        "{:<10} {:>8} {:>20} {:>10} {:>10} {:>10}",
        "corridor", "count", "sold (minor units)", "mean %", "min %", "max %"
    );
    for ((sell, buy), c) in &corridors {
        let mean = (c.cost_sum / Decimal::from(c.count)).round_dp(4);
        println!(
            "{:<10} {:>8} {:>20} {:>10} {:>10} {:>10}",
            format!("{sell}>{buy}"),
            c.count,
            c.sold_minor,
            mean,
            c.cost_min.unwrap_or_default(),
            c.cost_max.unwrap_or_default()
        );
    }
    if corridors.is_empty() {
        println!("(no conversions yet)");
    }
    Ok(())
}
