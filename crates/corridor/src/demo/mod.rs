//! `corridor demo`: an embedded server and a scripted story against its HTTP API.

mod payments_story;
mod payouts_story;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::cli::DemoArgs;

/// A thin HTTP client for the demo.
pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Client {
    /// The same client with another API key.
    pub(crate) fn with_key(&self, key: &str) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            key: key.to_string(),
        }
    }
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await.unwrap_or(Value::Null)))
    }

    pub(crate) async fn post(
        &self,
        path: &str,
        body: Value,
        idem: &str,
    ) -> anyhow::Result<(u16, Value)> {
        self.send(reqwest::Method::POST, path, Some(body), Some(idem))
            .await
    }

    pub(crate) async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let (status, body) = self.send(reqwest::Method::GET, path, None, None).await?;
        if status != 200 {
            bail!("GET {path} answered {status}: {body}");
        }
        Ok(body)
    }
}

/// Runs the demo.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    // The demo is a sandbox story: simulated providers and an advanceable clock.
    let mut config = crate::serve_config(&args.db, args.listen, true);
    let running = match corridor_api::serve::start(config.clone()).await {
        Ok(r) => r,
        Err(_) => {
            // The default port is busy: take any free one.
            config.listen.set_port(0);
            corridor_api::serve::start(config).await?
        }
    };
    let key = match (
        &running.generated_operator_key,
        std::env::var("CORRIDOR_OPERATOR_KEY"),
    ) {
        (Some(k), _) => k.clone(),
        (None, Ok(k)) if !k.is_empty() => k,
        _ => std::fs::read_to_string(args.db.data_dir.join("operator.key"))
            .context("no operator key: set CORRIDOR_OPERATOR_KEY or keep <data dir>/operator.key")?
            .trim()
            .to_string(),
    };
    let base = format!("http://{}", running.addr);
    let client = Client {
        http: reqwest::Client::new(),
        base: base.clone(),
        key,
    };
    let (seller_id, seller_key) = story(&client).await?;
    payments_story::run(&client).await?;
    payouts_story::run(&client, &seller_id, &seller_key).await?;
    if args.exit {
        return Ok(());
    }
    println!(
        "\nThe server keeps running at {base} (operator key in {}/operator.key). Ctrl-C to stop.",
        args.db.data_dir.display()
    );
    running.task.await??;
    Ok(())
}

/// A run-unique suffix so repeated demos on the same data directory don't collide on idempotency keys.
pub(crate) fn run_id() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 8)
}

async fn story(c: &Client) -> anyhow::Result<(String, String)> {
    let run = run_id();
    println!("Corridor demo — a Shenzhen seller with stores on Amazon US, DE and JP\n");
    let (status, seller) = c
        .post(
            "/v1/merchants",
            json!({"legal_name": "Shenzhen Bright Home Co., Ltd.", "country": "CN", "home_currency": "CNY",
                   "email": "finance@brighthome.example", "marketplace_store_ids": ["amazon-us:A1B2C3", "amazon-de:D4E5F6", "amazon-jp:G7H8I9"]}),
            &format!("demo-{run}-merchant-1"),
        )
        .await?;
    expect(status, 201, &seller)?;
    let (status, other) = c
        .post(
            "/v1/merchants",
            json!({"legal_name": "Berlin Outdoor GmbH", "country": "DE", "home_currency": "EUR"}),
            &format!("demo-{run}-merchant-2"),
        )
        .await?;
    expect(status, 201, &other)?;
    let seller_id = seller["id"].as_str().unwrap_or_default().to_string();
    println!(
        "merchants: {} ({}), {} ({})",
        seller["legal_name"], seller_id, other["legal_name"], other["id"]
    );

    let path = format!("/v1/merchants/{seller_id}/adjustments");
    let credits = [
        (125_000, "USD", "Amazon US settlement"),
        (98_050, "EUR", "Amazon DE settlement"),
        (1_500_000, "JPY", "Amazon JP settlement"),
        (12_345, "KWD", "Gulf distributor prepayment"),
    ];
    for (i, (amount, currency, reason)) in credits.iter().enumerate() {
        let (status, txn) = c.post(&path, json!({"amount": amount, "currency": currency, "direction": "credit", "reason": reason}), &format!("demo-{run}-credit-{i}")).await?;
        expect(status, 201, &txn)?;
        println!(
            "credit {:>10} {currency}  {reason:<28} -> {}",
            amount, txn["id"]
        );
    }
    let fee =
        json!({"amount": 1_999, "currency": "USD", "direction": "debit", "reason": "storage fee"});
    let (status, first) = c
        .post(&path, fee.clone(), &format!("demo-{run}-fee"))
        .await?;
    expect(status, 201, &first)?;
    let (status, again) = c.post(&path, fee, &format!("demo-{run}-fee")).await?;
    expect(status, 201, &again)?;
    println!("debit       1999 USD  storage fee, sent twice with one Idempotency-Key -> {} and {} (charged once)", first["id"], again["id"]);
    let (status, refused) = c.post(&path, json!({"amount": 10_000_000, "currency": "USD", "direction": "debit", "reason": "too much"}), &format!("demo-{run}-overdraft")).await?;
    expect(status, 402, &refused)?;
    println!(
        "debit   10000000 USD  refused: {} ({})",
        refused["error"]["code"], refused["error"]["message"]
    );

    let balances = c.get(&format!("/v1/balances?merchant={seller_id}")).await?;
    println!("\nbalances of {seller_id}:");
    for b in balances["balances"].as_array().into_iter().flatten() {
        println!(
            "  {}  available {:>10}  pending {:>6}  reserved {:>6}",
            b["currency"].as_str().unwrap_or("?"),
            b["available"],
            b["pending"],
            b["reserved"]
        );
    }
    let verify = c.get("/v1/ledger/verify").await?;
    println!(
        "\nledger verify: balanced={} accounts_checked={} mismatches={}",
        verify["balanced"],
        verify["accounts_checked"],
        verify["mismatches"].as_array().map_or(0, Vec::len)
    );
    for (currency, totals) in verify["currencies"].as_object().into_iter().flatten() {
        println!(
            "  {currency}: debits {} = credits {}",
            totals["debits"], totals["credits"]
        );
    }
    if verify["balanced"] != Value::Bool(true) {
        bail!("the ledger does not verify");
    }
    println!("\nsummary: 2 merchants, 4 currencies credited, 1 debit charged once despite a retry, 1 overdraft refused, ledger balanced.");
    let seller_key = seller["api_key"].as_str().unwrap_or_default().to_string();
    Ok((seller_id, seller_key))
}

pub(crate) fn expect(status: u16, want: u16, body: &Value) -> anyhow::Result<()> {
    if status != want {
        bail!("expected HTTP {want}, got {status}: {body}");
    }
    Ok(())
}
