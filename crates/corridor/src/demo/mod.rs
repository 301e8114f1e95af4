//! `corridor demo`: an embedded server and a scripted story against its HTTP API.

mod adyen_story;
mod after_sales_story;
mod fx_story;
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

    pub(crate) async fn put(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        self.send(reqwest::Method::PUT, path, Some(body), None)
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
    let seller = story(&client).await?;
    payments_story::run(&client, &seller).await?;
    after_sales_story::run(&client).await?;
    fx_story::run(&client, &seller.api_key).await?;
    payouts_story::run(&client, &seller.id, &seller.api_key).await?;
    let verify = client.get("/v1/ledger/verify").await?;
    if verify["balanced"] != Value::Bool(true) {
        bail!("the ledger does not verify: {verify}");
    }
    println!(
        "\n6. The ledger verifies: every balance recomputed from its postings ({} accounts), debits equal credits in every currency.",
        verify["accounts_checked"]
    );
    if let Some(url) = &args.adyen_url {
        adyen_story::run(
            &client,
            url,
            &args.adyen_api_key,
            &args.adyen_merchant_account,
        )
        .await?;
    }
    if !args.serve {
        return Ok(());
    }
    println!(
        "\nThe server keeps running at {base} (operator key in {}/operator.key; the seller's key is {}). Ctrl-C to stop.",
        args.db.data_dir.display(),
        seller.api_key
    );
    running.task.await??;
    Ok(())
}

/// A run-unique suffix so repeated demos on the same data directory don't collide on idempotency keys.
pub(crate) fn run_id() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 8)
}

/// Formats minor units the way people read money (`USD 1,250.00`).
pub(crate) fn money(minor: i64, currency: &str) -> String {
    match corridor_core::Currency::parse(currency) {
        Ok(c) => corridor_core::format_minor(minor, c),
        Err(_) => format!("{currency} {minor} (minor units)"),
    }
}

/// The seller of the whole story.
pub(crate) struct Seller {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) api_key: String,
}

/// The seller signs up, and its marketplace payouts land on the ledger.
async fn story(c: &Client) -> anyhow::Result<Seller> {
    let run = run_id();
    println!(
        "Corridor demo: a home-goods seller in Shenzhen with stores on Amazon US, DE and JP\n"
    );
    let (status, seller) = c
        .post(
            "/v1/merchants",
            json!({"legal_name": "Shenzhen Bright Home Co., Ltd.", "country": "CN", "home_currency": "CNY",
                   "email": "finance@brighthome.example", "marketplace_store_ids": ["amazon-us:A1B2C3", "amazon-de:D4E5F6", "amazon-jp:G7H8I9"]}),
            &format!("demo-{run}-merchant-1"),
        )
        .await?;
    expect(status, 201, &seller)?;
    let seller_object = seller.clone();
    let seller = Seller {
        id: seller["id"].as_str().unwrap_or_default().to_string(),
        name: seller["legal_name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        api_key: seller["api_key"].as_str().context("api_key")?.to_string(),
    };
    println!(
        "1. The operator signs up {} as merchant {} (KYB pending).",
        seller.name, seller.id
    );
    let missing = |m: &Value| {
        m["kyb_missing"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    println!(
        "   China requires before approval: {} (missing).",
        missing(&seller_object)
    );
    let (status, asked) = c
        .post(
            &format!("/v1/merchants/{}/kyb", seller.id),
            json!({"decision": "request_info", "note": "send the business licence number and the beneficial owners"}),
            &format!("demo-{run}-kyb-ask"),
        )
        .await?;
    expect(status, 200, &asked)?;
    println!(
        "   The operator asks for them (request_info): status {}.",
        asked["merchant"]["kyb_status"].as_str().unwrap_or_default()
    );
    let approve = json!({"decision": "approve", "note": "business licence, beneficial owners and marketplace store ids checked"});
    let (status, refused) = c
        .post(
            &format!("/v1/merchants/{}/kyb", seller.id),
            approve.clone(),
            &format!("demo-{run}-kyb-early"),
        )
        .await?;
    expect(status, 409, &refused)?;
    println!(
        "   Approval while requested information is missing is refused (409 {}).",
        refused["error"]["code"].as_str().unwrap_or_default()
    );
    let info = json!({
        "registration_number": "91440300MA5FXQ8U3P",
        "beneficial_owners": [
            {"name": "Chen Jing", "date_of_birth": "1979-03-08", "country": "CN", "ownership_percent": 70},
            {"name": "Wang Fang", "date_of_birth": "1983-11-21", "country": "CN", "ownership_percent": 30}
        ]
    });
    let (status, updated) = c
        .send(
            reqwest::Method::PATCH,
            &format!("/v1/merchants/{}", seller.id),
            Some(info),
            None,
        )
        .await?;
    expect(status, 200, &updated)?;
    println!(
        "   The seller sends its unified social credit code {} and two beneficial owners (70% and 30%), each screened; missing now: {}.",
        updated["registration_number"].as_str().unwrap_or_default(),
        if missing(&updated).is_empty() { "nothing".to_owned() } else { missing(&updated) }
    );
    let (status, kyb) = c
        .post(
            &format!("/v1/merchants/{}/kyb", seller.id),
            approve,
            &format!("demo-{run}-kyb-1"),
        )
        .await?;
    expect(status, 200, &kyb)?;
    let owners: Vec<&str> = kyb["owner_screenings"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["decision"].as_str()).collect())
        .unwrap_or_default();
    println!(
        "   KYB: its name ({}) and its owners ({}) are screened against the OFAC and UN lists and the operator approves it: {}.",
        kyb["screening_decision"].as_str().unwrap_or_default(),
        owners.join(", "),
        kyb["merchant"]["kyb_status"].as_str().unwrap_or_default()
    );

    println!("\n2. Its marketplace payouts are booked on the ledger:");
    let path = format!("/v1/merchants/{}/adjustments", seller.id);
    let credits = [
        (125_000, "USD", "Amazon US settlement"),
        (98_050, "EUR", "Amazon DE settlement"),
        (1_500_000, "JPY", "Amazon JP settlement"),
        (12_345, "KWD", "Gulf distributor prepayment"),
    ];
    for (i, (amount, currency, reason)) in credits.iter().enumerate() {
        let (status, txn) = c.post(&path, json!({"amount": amount, "currency": currency, "direction": "credit", "reason": reason}), &format!("demo-{run}-credit-{i}")).await?;
        expect(status, 201, &txn)?;
        println!("   + {:>18}  {reason}", money(*amount, currency));
    }
    let fee =
        json!({"amount": 1_999, "currency": "USD", "direction": "debit", "reason": "storage fee"});
    let (status, first) = c
        .post(&path, fee.clone(), &format!("demo-{run}-fee"))
        .await?;
    expect(status, 201, &first)?;
    let (status, again) = c.post(&path, fee, &format!("demo-{run}-fee")).await?;
    expect(status, 201, &again)?;
    let once = if first["id"] == again["id"] {
        "charged once"
    } else {
        "CHARGED TWICE"
    };
    println!(
        "   - {:>18}  storage fee, sent twice with one Idempotency-Key: {once}",
        money(1_999, "USD")
    );
    let (status, refused) = c.post(&path, json!({"amount": 10_000_000, "currency": "USD", "direction": "debit", "reason": "too much"}), &format!("demo-{run}-overdraft")).await?;
    expect(status, 402, &refused)?;
    println!(
        "   - {:>18}  refused: {}",
        money(10_000_000, "USD"),
        refused["error"]["message"].as_str().unwrap_or("?")
    );
    print_balances(c, &seller.id, "   Balances now").await?;
    Ok(seller)
}

/// Prints a merchant's balances, formatted per currency.
pub(crate) async fn print_balances(c: &Client, merchant: &str, title: &str) -> anyhow::Result<()> {
    let balances = c.get(&format!("/v1/balances?merchant={merchant}")).await?;
    println!("\n{title}:");
    println!("   {:<6} {:>20} {:>20}", "", "available", "pending");
    for b in balances["balances"].as_array().into_iter().flatten() {
        let currency = b["currency"].as_str().unwrap_or("?");
        let amount = |field: &str| money(b[field].as_i64().unwrap_or(0), currency);
        println!(
            "   {currency:<6} {:>20} {:>20}",
            amount("available"),
            amount("pending")
        );
    }
    Ok(())
}

pub(crate) fn expect(status: u16, want: u16, body: &Value) -> anyhow::Result<()> {
    if status != want {
        bail!("expected HTTP {want}, got {status}: {body}");
    }
    Ok(())
}
