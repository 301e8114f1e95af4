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
    currency: String,
    payments: u32,
    succeeded: u32,
    methods: std::collections::BTreeSet<String>,
    gross: i64,
    fees: i64,
    failed_over: u32,
    /// Longest wait from sale to available funds, in hours.
    hours_to_funds: i64,
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
pub(super) async fn run(operator: &Client, seller: &super::Seller) -> anyhow::Result<()> {
    let run = run_id();
    let merchant = operator.with_key(&seller.api_key);
    println!(
        "\n3. {} sells to buyers in {} markets, each paying the local way (cards, wallets, bank redirects, vouchers), through the sandbox's simulated providers.",
        seller.name,
        SALES.iter().map(|s| s.0).collect::<std::collections::BTreeSet<_>>().len()
    );
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut card_connector: Option<String> = None;
    for round in 0..ROUNDS {
        if round >= ROUNDS / 2 {
            // The acquirer that took the latest card payment, the router's favourite now.
            let down = card_connector.clone().unwrap_or_else(|| "atlas".into());
            let (status, fault) = operator
                .post(
                    &format!("/v1/test_helpers/connectors/{down}/faults"),
                    json!({"kind": "outage", "seconds": 120}),
                    &format!("demo-{run}-fault-{round}"),
                )
                .await?;
            expect(status, 201, &fault)?;
            println!("   Round {} of {ROUNDS}: the card acquirer {down} goes down for two minutes; card payments fail over to the next provider.", round + 1);
        }
        for (i, (country, currency, method, amount)) in SALES.iter().enumerate() {
            let body = json!({"amount": amount + i64::try_from(round)? * 100, "currency": currency, "country": country,
                              "payment_method": method_body(method, round + i), "confirm": true});
            let (_, payment) = merchant
                .post("/v1/payments", body, &format!("demo-{run}-{round}-{i}"))
                .await?;
            if *method == "card" && payment["status"] == "succeeded" {
                card_connector = payment["connector"].as_str().map(str::to_string);
            }
            let id = payment["id"]
                .as_str()
                .or_else(|| payment["error"]["payment"].as_str());
            let id = id
                .with_context(|| format!("{method} in {country} was refused: {payment}"))?
                .to_string();
            ids.push((country.to_string(), id));
        }
    }
    println!("\n4. Buyers complete their 3-D Secure challenges, redirects, QR codes and vouchers (about one in nine walks away).");
    buyers_act(&merchant, &ids).await?;
    settle(operator, &run, &seller.id).await?;
    report(&merchant, &ids).await?;
    super::print_balances(
        operator,
        &seller.id,
        "5. Once every sale has settled (the sandbox clock moved on), the seller's balances",
    )
    .await?;
    Ok(())
}

/// Moves the sandbox clock forward a few days at a time (vouchers and
/// bank payments complete on the way, and settle some days after that)
/// until the settlement sweeper has made every pending amount available.
async fn settle(operator: &Client, run: &str, seller: &str) -> anyhow::Result<()> {
    for step in 0..SETTLE_STEPS {
        let (status, body) = operator
            .post(
                "/v1/test_helpers/clock/advance",
                json!({"seconds": SETTLE_STEP_DAYS * 86_400}),
                &format!("demo-{run}-clock-{step}"),
            )
            .await?;
        expect(status, 200, &body)?;
        for _ in 0..SETTLE_POLLS {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            if pending_currencies(operator, seller).await?.is_empty() {
                return Ok(());
            }
        }
    }
    anyhow::bail!(
        "funds still pending after {} days: {:?}",
        SETTLE_STEPS * SETTLE_STEP_DAYS,
        pending_currencies(operator, seller).await?
    )
}

async fn pending_currencies(operator: &Client, seller: &str) -> anyhow::Result<Vec<String>> {
    let balances = operator
        .get(&format!("/v1/balances?merchant={seller}"))
        .await?;
    Ok(balances["balances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["pending"].as_i64().unwrap_or(0) != 0)
        .map(|b| b["currency"].as_str().unwrap_or("?").to_string())
        .collect())
}

/// Days the clock moves per settlement step, and steps at most.
const SETTLE_STEP_DAYS: i64 = 5;
const SETTLE_STEPS: i64 = 6;
/// Balance checks after each step (every 250 ms).
const SETTLE_POLLS: u32 = 12;

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
            // The issuer may still decline after the buyer authenticates
            // (402, the payment then failed): that is a sale lost, not an error.
            if status != 402 {
                expect(status, 200, &body)?;
            }
        }
    }
    Ok(())
}

async fn report(merchant: &Client, ids: &[(String, String)]) -> anyhow::Result<()> {
    let mut markets: BTreeMap<String, MarketStats> = BTreeMap::new();
    for (country, id) in ids {
        let p = merchant.get(&format!("/v1/payments/{id}")).await?;
        let stats = markets.entry(country.clone()).or_default();
        stats.currency = p["currency"].as_str().unwrap_or("?").to_string();
        stats.payments += 1;
        stats
            .methods
            .insert(p["payment_method_type"].as_str().unwrap_or("?").to_string());
        if p["status"] == "succeeded" {
            stats.succeeded += 1;
            stats.gross += p["amount_captured"].as_i64().unwrap_or(0);
            stats.fees += p["fee"].as_i64().unwrap_or(0);
            if let Some(hours) = hours_between(&p["created_at"], &p["available_on"]) {
                stats.hours_to_funds = stats.hours_to_funds.max(hours);
            }
        }
        let attempts = p["attempts"].as_array().map_or(0, Vec::len);
        if attempts > 1 {
            stats.failed_over += 1;
        }
    }
    println!("\n   Sales per market (payments that succeeded; retried = taken by another provider after the first failed; to funds = longest wait from sale to available balance):");
    println!(
        "   {:<6} {:>5} {:>8} {:>8}  {:<22} {:>18} {:>16} {:>18} {:>9}",
        "market", "sales", "success", "retried", "methods", "gross", "fees", "net", "to funds"
    );
    for (country, s) in &markets {
        let rate = (s.succeeded * 100).checked_div(s.payments).unwrap_or(0);
        let methods: Vec<&str> = s.methods.iter().map(String::as_str).collect();
        let net = s.gross.checked_sub(s.fees).unwrap_or(0);
        println!(
            "   {country:<6} {:>5} {:>7}% {:>8}  {:<22} {:>18} {:>16} {:>18} {:>9}",
            s.payments,
            rate,
            s.failed_over,
            methods.join(","),
            super::money(s.gross, &s.currency),
            super::money(s.fees, &s.currency),
            super::money(net, &s.currency),
            to_funds(s.hours_to_funds)
        );
    }
    Ok(())
}

/// Whole hours from one RFC 3339 time to another, if both are given.
fn hours_between(from: &Value, to: &Value) -> Option<i64> {
    let parse = |v: &Value| {
        time::OffsetDateTime::parse(v.as_str()?, &time::format_description::well_known::Rfc3339)
            .ok()
    };
    Some((parse(to)? - parse(from)?).whole_hours())
}

/// A wait for funds as people say it: hours under a day, else days.
fn to_funds(hours: i64) -> String {
    if hours < 24 {
        format!("{hours} h")
    } else {
        format!("{} d", (hours + 12) / 24)
    }
}
