//! The cross-border part of the demo: a seller in Shenzhen sells to buyers in
//! a dozen markets, each paying the local way, through the simulated
//! providers; one card acquirer goes down mid-run and payments fail over.

use std::collections::BTreeMap;

use anyhow::Context;
use serde_json::{json, Value};

use super::{expect, run_id, Client};

/// (market, currency, method, amount in minor units).
const SALES: &[(&str, &str, &str, i64)] = &[
    ("US", "USD", "card", 4_999),
    ("GB", "GBP", "card", 3_450),
    ("DE", "EUR", "card", 2_990),
    ("FR", "EUR", "card", 5_400),
    ("NL", "EUR", "ideal", 3_999),
    ("IT", "EUR", "card", 2_500),
    ("JP", "JPY", "konbini", 6_800),
    ("JP", "JPY", "paypay", 3_300),
    ("CN", "CNY", "alipay", 19_900),
    ("CN", "CNY", "wechat_pay", 8_800),
    ("KR", "KRW", "kakao_pay", 45_000),
    ("SG", "SGD", "grabpay", 6_500),
    ("TH", "THB", "promptpay", 129_000),
    ("IN", "INR", "upi", 149_900),
    ("BR", "BRL", "pix", 12_990),
    ("MX", "MXN", "oxxo", 89_900),
];

/// Sales per market and method in one run.
const ROUNDS: usize = 4;
/// Test cards, cycled: mostly approvals, one generic decline.
const CARDS: [&str; 4] = [
    "4242424242424242",
    "4242424242424242",
    "4000000000000002",
    "4000000000003220",
];

#[derive(Default)]
struct MarketStats {
    payments: u32,
    succeeded: u32,
    methods: std::collections::BTreeSet<String>,
    fees: BTreeMap<String, i64>,
    failovers: u32,
}

fn method_body(method: &str, i: usize) -> Value {
    match method {
        "card" => {
            json!({"type": "card", "number": CARDS[i % CARDS.len()], "exp_month": 12, "exp_year": 2030, "cvc": "123"})
        }
        "upi" => json!({"type": "upi", "vpa": "buyer@okbank"}),
        other => json!({"type": other}),
    }
}

/// Runs the sales and prints per-market results.
pub(super) async fn run(operator: &Client) -> anyhow::Result<()> {
    let run = run_id();
    let (status, seller) = operator
        .post("/v1/merchants", json!({"legal_name": "Shenzhen Global Sellers Ltd.", "country": "CN", "home_currency": "CNY"}), &format!("demo-{run}-seller"))
        .await?;
    expect(status, 201, &seller)?;
    let merchant = operator.with_key(seller["api_key"].as_str().context("api_key")?);
    println!(
        "\nSelling abroad through the sandbox providers as {}",
        seller["id"]
    );
    let mut ids: Vec<(String, String)> = Vec::new();
    for round in 0..ROUNDS {
        if round == ROUNDS / 2 {
            let (status, fault) = operator
                .post(
                    "/v1/test_helpers/connectors/atlas/faults",
                    json!({"kind": "outage", "seconds": 120}),
                    &format!("demo-{run}-fault"),
                )
                .await?;
            expect(status, 201, &fault)?;
            println!("-- provider atlas is down for 120 s from now: card payments fail over --");
        }
        for (i, (country, currency, method, amount)) in SALES.iter().enumerate() {
            let body = json!({"amount": amount + i64::try_from(round)? * 100, "currency": currency, "country": country,
                              "payment_method": method_body(method, round + i), "confirm": true});
            let (_, payment) = merchant
                .post("/v1/payments", body, &format!("demo-{run}-{round}-{i}"))
                .await?;
            let id = payment["id"]
                .as_str()
                .or_else(|| payment["error"]["payment"].as_str());
            let id = id
                .with_context(|| format!("{method} in {country} was refused: {payment}"))?
                .to_string();
            ids.push((country.to_string(), id));
        }
    }
    buyers_act(&merchant, &ids).await?;
    // Three days later: vouchers are paid and settled, card funds are available.
    let (status, _) = operator
        .post(
            "/v1/test_helpers/clock/advance",
            json!({"seconds": 3 * 86_400}),
            &format!("demo-{run}-clock"),
        )
        .await?;
    expect(status, 200, &Value::Null)?;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    report(&merchant, &ids).await?;
    let verify = operator.get("/v1/ledger/verify").await?;
    println!(
        "\nledger verify after the sales: balanced={} accounts_checked={}",
        verify["balanced"], verify["accounts_checked"]
    );
    if verify["balanced"] != Value::Bool(true) {
        anyhow::bail!("the ledger does not verify: {verify}");
    }
    Ok(())
}

/// Most buyers complete their 3DS challenge, redirect, QR code or voucher.
async fn buyers_act(merchant: &Client, ids: &[(String, String)]) -> anyhow::Result<()> {
    for (n, (_, id)) in ids.iter().enumerate() {
        let payment = merchant.get(&format!("/v1/payments/{id}")).await?;
        // About one buyer in nine walks away (9 is prime to the number of sales per round).
        if payment["status"] == "requires_action" && n % 9 != 4 {
            let (status, body) = merchant
                .post(
                    &format!("/v1/test_helpers/payments/{id}/complete"),
                    json!({}),
                    &format!("{id}-complete"),
                )
                .await?;
            expect(status, 200, &body)?;
        }
    }
    Ok(())
}

async fn report(merchant: &Client, ids: &[(String, String)]) -> anyhow::Result<()> {
    let mut markets: BTreeMap<String, MarketStats> = BTreeMap::new();
    for (country, id) in ids {
        let p = merchant.get(&format!("/v1/payments/{id}")).await?;
        let stats = markets.entry(country.clone()).or_default();
        stats.payments += 1;
        stats
            .methods
            .insert(p["payment_method_type"].as_str().unwrap_or("?").to_string());
        if p["status"] == "succeeded" {
            stats.succeeded += 1;
            *stats
                .fees
                .entry(p["currency"].as_str().unwrap_or("?").to_string())
                .or_default() += p["fee"].as_i64().unwrap_or(0);
        }
        let attempts = p["attempts"].as_array().map_or(0, Vec::len);
        if attempts > 1 {
            stats.failovers += 1;
        }
    }
    println!("\nmarket  payments  succeeded  success  retried  methods                 fees");
    for (country, s) in &markets {
        let rate = (s.succeeded * 100).checked_div(s.payments).unwrap_or(0);
        let methods: Vec<&str> = s.methods.iter().map(String::as_str).collect();
        let fees: Vec<String> = s.fees.iter().map(|(c, f)| format!("{f} {c}")).collect();
        println!(
            "{country:<6}  {:>8}  {:>9}  {:>6}%  {:>7}  {:<22}  {}",
            s.payments,
            s.succeeded,
            rate,
            s.failovers,
            methods.join(","),
            fees.join(", ")
        );
    }
    let balances = merchant.get("/v1/balances").await?;
    println!("\nbalances of the seller after settlement (minor units):");
    for b in balances["balances"].as_array().into_iter().flatten() {
        println!(
            "  {}  available {:>10}  pending {:>8}",
            b["currency"].as_str().unwrap_or("?"),
            b["available"],
            b["pending"]
        );
    }
    Ok(())
}
