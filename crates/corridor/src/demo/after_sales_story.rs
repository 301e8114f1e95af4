//! The after-sales part of the demo: a partial refund after the merchant's
//! yen were converted (the FX remainder shown), a dispute won with
//! evidence, one lost at the deadline, and a complaint resolved by refund.

use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::{expect, run_id, Client};

fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

async fn pay(
    c: &Client,
    run: &str,
    tag: &str,
    amount: i64,
    currency: &str,
    country: &str,
) -> anyhow::Result<Value> {
    let body = json!({"amount": amount, "currency": currency, "country": country, "payment_method": card("4242424242424242"), "confirm": true});
    let (status, p) = c
        .post("/v1/payments", body, &format!("demo-{run}-{tag}"))
        .await?;
    expect(status, 201, &p)?;
    Ok(p)
}

async fn advance(operator: &Client, run: &str, tag: &str, seconds: i64) -> anyhow::Result<()> {
    let (status, body) = operator
        .post(
            "/v1/test_helpers/clock/advance",
            json!({"seconds": seconds}),
            &format!("demo-{run}-{tag}"),
        )
        .await?;
    expect(status, 200, &body)
}

/// Polls `path` until `field` equals `want` (at most 10 s).
async fn until(c: &Client, path: &str, field: &str, want: &str) -> anyhow::Result<Value> {
    for _ in 0..100 {
        let got = c.get(path).await?;
        if got[field] == want {
            return Ok(got);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{path} never reached {field}={want}")
}

/// Polls the merchant's balances until nothing of `currency` is pending
/// (at most 10 s); answers what is available.
async fn settled(operator: &Client, merchant: &str, currency: &str) -> anyhow::Result<i64> {
    let path = format!("/v1/balances?merchant={merchant}");
    for _ in 0..100 {
        let got = operator.get(&path).await?;
        let balance = got["balances"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["currency"] == currency);
        if let Some(b) = balance.filter(|b| b["pending"] == 0) {
            return b["available"].as_i64().context("available");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the merchant's {currency} never settled")
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

pub(super) async fn run(operator: &Client) -> anyhow::Result<()> {
    let run = run_id();
    println!("\nAfter-sales — refunds across currencies, disputes and complaints\n");
    let (status, m) = operator
        .post(
            "/v1/merchants",
            json!({"legal_name": "Pacific Gadgets LLC", "country": "US", "home_currency": "USD"}),
            &format!("demo-{run}-as-merchant"),
        )
        .await?;
    expect(status, 201, &m)?;
    let merchant = id(&m);
    let c = operator.with_key(m["api_key"].as_str().context("api_key")?);
    let credit = |amount: i64, currency: &str, tag: &str| {
        let body = json!({"amount": amount, "currency": currency, "direction": "credit", "reason": "settled sales"});
        let path = format!("/v1/merchants/{merchant}/adjustments");
        let key = format!("demo-{run}-as-{tag}");
        async move { operator.post(&path, body, &key).await }
    };

    // 1. A partial refund after a conversion.
    let (s, r) = operator
        .post(
            "/v1/test_helpers/fx_rates",
            json!({"from": "JPY", "to": "USD", "rate": "0.0067"}),
            &format!("demo-{run}-rate-1"),
        )
        .await?;
    expect(s, 201, &r)?;
    let p = pay(&c, &run, "as-jp", 12_000, "JPY", "JP").await?;
    let (s, r) = credit(25_000, "USD", "usd").await?;
    expect(s, 201, &r)?;
    // The yen settle (two days for Japanese cards), then the seller takes
    // them home in dollars, keeping less than 1,000 yen.
    advance(operator, &run, "as-days", 3 * 86_400).await?;
    let yen = settled(operator, &merchant, "JPY").await?;
    let (s, q) = c
        .post(
            "/v1/fx/quotes",
            json!({"sell_currency": "JPY", "buy_currency": "USD", "sell_amount": yen - 1_000}),
            &format!("demo-{run}-as-quote"),
        )
        .await?;
    expect(s, 201, &q)?;
    let (s, conversion) = c
        .post(
            "/v1/fx/conversions",
            json!({"quote": id(&q)}),
            &format!("demo-{run}-as-convert"),
        )
        .await?;
    expect(s, 201, &conversion)?;
    println!(
        "payment {} 12000 JPY in Japan at 0.0067 USD; settled, the seller converted {} JPY to {} USD cents",
        id(&p),
        conversion["sell_amount"],
        conversion["buy_amount"]
    );
    let (s, r) = operator
        .post(
            "/v1/test_helpers/fx_rates",
            json!({"from": "JPY", "to": "USD", "rate": "0.0070"}),
            &format!("demo-{run}-rate-2"),
        )
        .await?;
    expect(s, 201, &r)?;
    let (s, refund) = c
        .post(
            "/v1/refunds",
            json!({"payment": id(&p), "amount": 4_000, "reason": "requested_by_customer"}),
            &format!("demo-{run}-as-refund"),
        )
        .await?;
    expect(s, 201, &refund)?;
    let fx = &refund["fx"];
    println!(
        "refund {} of 4000 JPY ({}): the buyer gets yen; the seller pays {} USD cents at today's 0.0070 (was {} at 0.0067): FX remainder {} borne by the {}",
        id(&refund), refund["status"], fx["amount_at_today_rate"], fx["amount_at_original_rate"], fx["fx_remainder"], fx["fx_remainder_borne_by"]
    );

    // 2. A dispute won with evidence.
    let (s, r) = credit(50_000, "USD", "usd-2").await?;
    expect(s, 201, &r)?;
    let p = pay(&c, &run, "as-us-1", 8_000, "USD", "US").await?;
    let (s, d) = c
        .post(
            &format!("/v1/test_helpers/payments/{}/dispute", id(&p)),
            json!({"reason_code": "13.1"}),
            &format!("demo-{run}-as-dp-1"),
        )
        .await?;
    expect(s, 201, &d)?;
    println!(
        "\ndispute {} (Visa {} → {}): {} held until {}",
        id(&d),
        d["network_reason_code"],
        d["reason"],
        d["amount_held"],
        d["evidence_due_by"]
    );
    let evidence = json!({"shipping_carrier": "UPS", "shipping_tracking_number": "1Z999AA10123456784", "shipping_date": "2026-11-28", "submit": true});
    let (s, d2) = c
        .post(
            &format!("/v1/disputes/{}/evidence", id(&d)),
            evidence,
            &format!("demo-{run}-as-ev"),
        )
        .await?;
    expect(s, 200, &d2)?;
    let (s, won) = operator
        .post(
            &format!("/v1/test_helpers/disputes/{}/close", id(&d)),
            json!({"outcome": "won"}),
            &format!("demo-{run}-as-won"),
        )
        .await?;
    expect(s, 200, &won)?;
    println!(
        "evidence submitted ({}), network decides: {} — the hold is released",
        d2["status"], won["status"]
    );

    // 3. A dispute lost at the deadline.
    let p = pay(&c, &run, "as-us-2", 3_000, "USD", "US").await?;
    let (s, d) = c
        .post(
            &format!("/v1/test_helpers/payments/{}/dispute", id(&p)),
            json!({"reason_code": "13.3"}),
            &format!("demo-{run}-as-dp-2"),
        )
        .await?;
    expect(s, 201, &d)?;
    advance(operator, &run, "as-deadline", 21 * 86_400).await?;
    let lost = until(&c, &format!("/v1/disputes/{}", id(&d)), "status", "lost").await?;
    println!(
        "dispute {} without evidence: {} ({}); amount and fee {} taken",
        id(&d),
        lost["status"],
        lost["closed_reason"],
        d["amount_held"]
    );

    // 4. A complaint resolved by refund.
    let p = pay(&c, &run, "as-de", 4_500, "EUR", "DE").await?;
    let (s, r) = credit(10_000, "EUR", "eur").await?;
    expect(s, 201, &r)?;
    let (s, cmp) = c.post("/v1/complaints", json!({"payment": id(&p), "category": "not_received", "description": "The parcel never arrived.", "customer_contact": "kunde@example.de"}), &format!("demo-{run}-as-cmp")).await?;
    expect(s, 201, &cmp)?;
    println!(
        "\ncomplaint {} ({}) in {}: respond by {} ({} on the {} calendar)",
        id(&cmp),
        cmp["category"],
        cmp["country"],
        cmp["respond_by"],
        cmp["rule"],
        cmp["calendar"]
    );
    let (s, resolved) = c
        .post(
            &format!("/v1/complaints/{}/resolve", id(&cmp)),
            json!({"resolution": "refund", "message": "Sorry — refunded in full."}),
            &format!("demo-{run}-as-resolve"),
        )
        .await?;
    expect(s, 200, &resolved)?;
    let refund = c
        .get(&format!(
            "/v1/refunds/{}",
            resolved["refund"].as_str().unwrap_or_default()
        ))
        .await?;
    println!(
        "resolved by refund {} of {} {} ({})",
        id(&refund),
        refund["amount"],
        refund["currency"],
        refund["status"]
    );

    let reports = c.get("/v1/complaints/reports").await?;
    let verify = operator.get("/v1/ledger/verify").await?;
    if verify["balanced"] != Value::Bool(true) {
        bail!("the ledger does not verify");
    }
    println!(
        "\nsummary: 1 cross-currency refund, 2 disputes (won, lost), {} complaint market(s) reported; ledger balanced.",
        reports["data"].as_array().map_or(0, Vec::len)
    );
    Ok(())
}
