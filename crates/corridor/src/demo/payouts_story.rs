//! The demo's payout part: the seller pays its USD and EUR earnings out to
//! its CNY account at home and pays a supplier in EUR; the payouts go to the
//! simulated bank as pain.001 files, and its pain.002 and camt.054 come back.

use anyhow::Context;
use serde_json::{json, Value};

use super::{expect, run_id, Client};

async fn post_xml(c: &Client, xml: &str, idem: &str) -> anyhow::Result<(u16, Value)> {
    let resp = c
        .http
        .post(format!("{}/v1/bank_files", c.base))
        .bearer_auth(&c.key)
        .header("Idempotency-Key", idem)
        .header("content-type", "application/xml")
        .body(xml.to_string())
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.json().await.unwrap_or(Value::Null)))
}

async fn get_text(c: &Client, path: &str) -> anyhow::Result<String> {
    let resp = c
        .http
        .get(format!("{}{path}", c.base))
        .bearer_auth(&c.key)
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "GET {path}: {}", resp.status());
    Ok(resp.text().await?)
}

/// Runs the payout story for a seller (its id and API key).
pub(crate) async fn run(
    operator: &Client,
    seller_id: &str,
    seller_key: &str,
) -> anyhow::Result<()> {
    let run = run_id();
    let seller = operator.with_key(seller_key);
    println!("\nPayouts — the seller brings its earnings home and pays a supplier\n");
    let (status, home) = seller
        .post(
            "/v1/beneficiaries",
            json!({"name": "Shenzhen Bright Home Co., Ltd.", "country": "CN", "currency": "CNY",
                   "bank_account": {"bank_code": "102584000002", "account_number": "4000023009200123456"}}),
            &format!("demo-{run}-ben-home"),
        )
        .await?;
    expect(status, 201, &home)?;
    let (status, supplier) = seller
        .post(
            "/v1/beneficiaries",
            json!({"name": "Berlin Outdoor GmbH", "country": "DE", "currency": "EUR",
                   "bank_account": {"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX"}}),
            &format!("demo-{run}-ben-supplier"),
        )
        .await?;
    expect(status, 201, &supplier)?;
    let (status, bad) = seller
        .post(
            "/v1/beneficiaries",
            json!({"name": "Typo GmbH", "country": "DE", "currency": "EUR", "bank_account": {"iban": "DE88370400440532013000"}}),
            &format!("demo-{run}-ben-typo"),
        )
        .await?;
    expect(status, 400, &bad)?;
    println!(
        "beneficiaries: {} (CNY, CNAPS, account {}), {} (EUR, IBAN {}); a mistyped IBAN refused: {} on {}",
        home["id"], home["bank_account"]["account_number"], supplier["id"], supplier["bank_account"]["iban"],
        bad["error"]["code"], bad["error"]["param"]
    );
    let ids = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();
    let plans = [
        (
            json!({"amount": 100_000, "currency": "USD", "beneficiary": ids(&home), "purpose_code": "GDDS", "reference": "Amazon US earnings"}),
            "USD earnings home",
        ),
        (
            json!({"amount": 40_000, "currency": "EUR", "beneficiary": ids(&home), "purpose_code": "GDDS", "reference": "Amazon DE earnings"}),
            "EUR earnings home",
        ),
        (
            json!({"amount": 30_000, "currency": "EUR", "beneficiary": ids(&supplier), "reference": "Invoice 2026-118"}),
            "EUR supplier",
        ),
    ];
    let mut made = Vec::new();
    for (i, (body, what)) in plans.iter().enumerate() {
        let (status, preview) = seller
            .post(
                "/v1/payouts/preview",
                body.clone(),
                &format!("demo-{run}-preview-{i}"),
            )
            .await?;
        expect(status, 200, &preview)?;
        println!(
            "{what:<18} preview: {} {} + fee {} -> {} {} by {} (rate {}), value date {}",
            preview["amount"],
            preview["currency"],
            preview["fee"],
            preview["target_amount"],
            preview["target_currency"],
            preview["rail"],
            preview["fx"]["rate"].as_str().unwrap_or("none"),
            preview["value_date"]
        );
        let (status, payout) = seller
            .post(
                "/v1/payouts",
                body.clone(),
                &format!("demo-{run}-payout-{i}"),
            )
            .await?;
        expect(status, 201, &payout)?;
        made.push(payout);
    }
    // A quote taken first (a 15-minute lock) pays exactly its amounts, once.
    let (status, quote) = seller
        .post(
            "/v1/fx/quotes",
            json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 5_000, "lock_duration": "15m"}),
            &format!("demo-{run}-payout-quote"),
        )
        .await?;
    expect(status, 201, &quote)?;
    let body = json!({"currency": "USD", "beneficiary": ids(&home), "quote": quote["id"], "purpose_code": "GDDS", "reference": "Quoted transfer"});
    let (status, quoted) = seller
        .post(
            "/v1/payouts",
            body.clone(),
            &format!("demo-{run}-payout-quoted"),
        )
        .await?;
    expect(status, 201, &quoted)?;
    let (status, again) = seller
        .post(
            "/v1/payouts",
            body,
            &format!("demo-{run}-payout-quoted-again"),
        )
        .await?;
    expect(status, 409, &again)?;
    println!(
        "USD quoted home    quote {}: {} USD cents -> {} CNY fen at {} (mid {}); the payout's fee {} includes the quote's {}, the spread kept {}; the quote used again: {}",
        quote["id"],
        quoted["amount"],
        quoted["target_amount"],
        quoted["fx"]["rate"].as_str().unwrap_or("?"),
        quoted["fx"]["mid_rate"].as_str().unwrap_or("?"),
        quoted["fee"],
        quoted["fx"]["fee"],
        quoted["fx"]["spread_amount"],
        again["error"]["code"]
    );
    made.push(quoted);
    let (status, refused) = seller
        .post(
            "/v1/payouts",
            json!({"amount": 100, "currency": "USD", "beneficiary": ids(&home)}),
            &format!("demo-{run}-nopurpose"),
        )
        .await?;
    expect(status, 400, &refused)?;
    println!(
        "a CNY payout without a purpose code: {} on {}",
        refused["error"]["code"], refused["error"]["param"]
    );
    let balances = operator
        .get(&format!("/v1/balances?merchant={seller_id}"))
        .await?;
    for b in balances["balances"].as_array().into_iter().flatten() {
        if b["reserved"].as_i64().unwrap_or(0) > 0 {
            println!(
                "  held: {} {} (amount plus fee of the pending payouts)",
                b["reserved"],
                b["currency"].as_str().unwrap_or("?")
            );
        }
    }

    let mut batches = Vec::new();
    for (i, filter) in [
        json!({"rail": "local", "currency": "CNY"}),
        json!({"rail": "sepa"}),
        json!({}),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, batch) = operator
            .post(
                "/v1/payout_batches",
                filter,
                &format!("demo-{run}-batch-{i}"),
            )
            .await?;
        if status == 409 {
            continue;
        }
        expect(status, 201, &batch)?;
        batches.push(batch);
    }
    for batch in &batches {
        let id = ids(batch);
        let xml = get_text(operator, &format!("/v1/payout_batches/{id}/pain001")).await?;
        let (status, receipt) = operator
            .post(
                "/v1/test_helpers/bank/pain001",
                json!({"batch": id}),
                &format!("demo-{run}-send-{id}"),
            )
            .await?;
        expect(status, 200, &receipt)?;
        println!(
            "batch {id}: {} {} payout(s) by {}, pain.001.001.09 of {} bytes, taken by the bank ({} transactions)",
            batch["payouts"].as_array().map_or(0, Vec::len), batch["currency"].as_str().unwrap_or("mixed"),
            batch["rail"].as_str().unwrap_or("mixed"), xml.len(), receipt["transactions"]
        );
        let (status, answers) = operator
            .post(
                "/v1/test_helpers/bank/answers",
                json!({"batch": id}),
                &format!("demo-{run}-answers-{id}"),
            )
            .await?;
        expect(status, 200, &answers)?;
        for (kind, field) in [("pain.002", "pain002"), ("camt.054", "camt054")] {
            let xml = answers[field].as_str().context("bank answer")?;
            let (status, applied) =
                post_xml(operator, xml, &format!("demo-{run}-{field}-{id}")).await?;
            expect(status, 200, &applied)?;
            println!(
                "  {kind} applied: {} payout change(s)",
                applied["updates"].as_array().map_or(0, Vec::len)
            );
        }
        let xml = answers["pain002"].as_str().context("bank answer")?;
        let (status, again) = post_xml(operator, xml, &format!("demo-{run}-again-{id}")).await?;
        expect(status, 200, &again)?;
        println!(
            "  the same pain.002 again: duplicate={}",
            again["duplicate"]
        );
    }
    for p in &made {
        let now = seller.get(&format!("/v1/payouts/{}", ids(p))).await?;
        println!(
            "payout {}: {} {} -> {} {} by {}, status {}, UETR {}",
            now["id"],
            now["amount"],
            now["currency"],
            now["target_amount"],
            now["target_currency"],
            now["rail"],
            now["status"],
            now["uetr"]
        );
    }
    let verify = operator.get("/v1/ledger/verify").await?;
    anyhow::ensure!(
        verify["balanced"] == Value::Bool(true),
        "the ledger does not verify"
    );
    println!("ledger verify after payouts: balanced=true");
    Ok(())
}
