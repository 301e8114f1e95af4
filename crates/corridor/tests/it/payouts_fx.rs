//! Cross-currency payouts through the FX service: a quote from
//! `POST /v1/fx/quotes` pays exactly its amounts and only once, a bad,
//! used or expired quote is refused with nothing moved, and the
//! ledger books the exchange (spread and fee apart) balanced per currency.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::payouts::{assert_valid, available, beneficiary, every_scheme, payout, post_xml};
use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(a_payout_with_an_fx_quote_pays_its_amounts_once);

async fn advance(s: &Server, seconds: i64) {
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({ "seconds": seconds }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

async fn quote(s: &Server, key: &str, body: Value) -> Value {
    let q = s.post("/v1/fx/quotes", key, &body).await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.json);
    q.json
}

fn verify_currency(verify: &Value, currency: &str) {
    assert_eq!(
        verify["currencies"][currency]["debits"], verify["currencies"][currency]["credits"],
        "{currency} balances: {verify}"
    );
}

async fn a_payout_with_an_fx_quote_pays_its_amounts_once(s: &Server) {
    // Mid USD→CNY is exactly 7.
    crate::fx::set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000_000, "USD").await;
    let cn = beneficiary(s, &key, every_scheme()[1].clone()).await;

    // Made on the fly: its cost is shown before anything is committed.
    let preview = s
        .post("/v1/payouts/preview", &key, &json!({"amount": 100_000, "currency": "USD", "beneficiary": cn, "purpose_code": "GDDS"}))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    assert_eq!(preview.json["fx"]["mid_rate"], "7");
    assert_eq!(preview.json["fx"]["fee"], 0, "the shortest lock is free");
    let rail_fee = preview.json["fee"].as_i64().unwrap();

    // A quote with a 15-minute lock (2 bps of 1,000.00 USD: 20 cents).
    let q = quote(
        s,
        &key,
        json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100_000, "lock_duration": "15m"}),
    )
    .await;
    let quote_id = q["id"].as_str().unwrap().to_string();
    assert_eq!(q["fee"], 20);
    let buy = q["buy_amount"].as_i64().unwrap();
    let p = payout(
        s,
        &key,
        json!({"currency": "USD", "beneficiary": cn, "quote": quote_id, "purpose_code": "GDDS"}),
    )
    .await;
    assert_eq!(p["amount"], 100_000);
    assert_eq!(p["target_amount"], buy, "exactly the quote's amounts");
    assert_eq!(p["fx"]["quote"], quote_id.as_str());
    assert_eq!(p["fx"]["rate"], q["rate"]);
    assert_eq!(p["fx"]["fee"], 20);
    assert_eq!(
        p["fx"]["spread_amount"].as_i64().unwrap(),
        700_000 - buy,
        "the platform keeps floor(sell × mid) − buy"
    );
    assert_eq!(p["fee"].as_i64().unwrap(), rail_fee + 20);
    let total = 100_000 + rail_fee + 20;
    let held = (1_000_000 - total, total);
    assert_eq!(available(&s.balances(&m).await, "USD"), held);
    let got = s.get(&format!("/v1/fx/quotes/{quote_id}"), &key).await;
    assert_eq!(got.json["status"], "used");

    // Used once: neither a second payout nor a conversion can use it again.
    s.post(
        "/v1/payouts",
        &key,
        &json!({"currency": "USD", "beneficiary": cn, "quote": quote_id, "purpose_code": "GDDS"}),
    )
    .await
    .assert_error(409, "conflict", "quote_used", None);
    s.post("/v1/fx/conversions", &key, &json!({"quote": quote_id}))
        .await
        .assert_error(409, "conflict", "quote_used", None);

    // Bad quotes move nothing.
    let jpy = quote(
        s,
        &key,
        json!({"sell_currency": "USD", "buy_currency": "JPY", "sell_amount": 10_000}),
    )
    .await;
    let other = quote(
        s,
        &key,
        json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000, "lock_duration": "1m"}),
    )
    .await;
    let (_, stranger) = s.merchant("Stranger", "USD").await;
    let theirs = quote(
        s,
        &stranger,
        json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000}),
    )
    .await;
    let body = |quote: &Value, extra: Value| {
        let mut b =
            json!({"currency": "USD", "beneficiary": cn, "purpose_code": "GDDS", "quote": quote});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (
            body(&json!("quo_nope"), json!({})),
            400,
            "resource_missing",
            Some("quote"),
        ),
        (
            body(&theirs["id"], json!({})),
            400,
            "resource_missing",
            Some("quote"),
        ),
        (
            body(&jpy["id"], json!({})),
            400,
            "quote_mismatch",
            Some("quote"),
        ),
        (
            body(&other["id"], json!({"amount": 9_999})),
            400,
            "quote_mismatch",
            Some("amount"),
        ),
        (
            body(&other["id"], json!({"target_amount": 1})),
            400,
            "quote_mismatch",
            Some("target_amount"),
        ),
    ];
    for (b, status, code, param) in cases {
        let kind = if status == 400 {
            "invalid_request_error"
        } else {
            "conflict"
        };
        s.post("/v1/payouts", &key, &b)
            .await
            .assert_error(status, kind, code, param);
    }
    // Its one-minute lock ends: expired.
    advance(s, 120).await;
    s.post("/v1/payouts", &key, &body(&other["id"], json!({})))
        .await
        .assert_error(409, "conflict", "quote_expired", None);
    assert_eq!(available(&s.balances(&m).await, "USD"), held);

    // The bank accepts, books, then returns it: posted through the FX
    // liquidity accounts, then amount and both fees back.
    let batch = s
        .post(
            "/v1/payout_batches",
            OPERATOR_KEY,
            &json!({"currency": "CNY"}),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.json);
    assert_eq!(batch.json["payouts"], json!([p["id"]]));
    let sent = s
        .post(
            "/v1/test_helpers/bank/pain001",
            OPERATOR_KEY,
            &json!({"batch": batch.str("id")}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.json);
    let e2e = p["end_to_end_id"].as_str().unwrap();
    let answers = s
        .post(
            "/v1/test_helpers/bank/answers",
            OPERATOR_KEY,
            &json!({"batch": batch.str("id"), "returns": {e2e: "AC01"}}),
        )
        .await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.json);
    let pain002 = answers.str("pain002");
    assert_valid(&pain002, "pain.002.001.12.xsd");
    assert_eq!(post_xml(s, &pain002).await.status, StatusCode::OK);
    assert_eq!(
        available(&s.balances(&m).await, "USD"),
        (1_000_000 - total, 0),
        "posted when accepted"
    );
    let verify = s.assert_verified().await;
    verify_currency(&verify, "USD");
    verify_currency(&verify, "CNY");
    let applied = post_xml(s, &answers.str("camt054")).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.json);
    let r = s
        .get(&format!("/v1/payouts/{}", p["id"].as_str().unwrap()), &key)
        .await;
    assert_eq!(r.json["status"], "returned");
    assert_eq!(
        available(&s.balances(&m).await, "USD"),
        (1_000_000, 0),
        "a return gives back the amount, the rail's fee and the quote's fee"
    );
    let verify = s.assert_verified().await;
    verify_currency(&verify, "USD");
    verify_currency(&verify, "CNY");

    // Rates older than the pricing allows: the sandbox's feed re-dates the
    // latest ones, and says so (outside the sandbox they are refused as
    // stale: the FX service's own tests and `fx_feed`).
    advance(s, 8 * 86_400).await;
    let later = s
        .post(
            "/v1/payouts",
            &key,
            &json!({"amount": 10_000, "currency": "USD", "beneficiary": cn, "purpose_code": "GDDS"}),
        )
        .await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.json);
    assert_eq!(later.json["fx"]["source"], "sandbox", "{}", later.json);
}
