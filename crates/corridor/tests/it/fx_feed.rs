//! Where rates come from in each mode: a fresh sandbox quotes out of the
//! box from the sandbox rate feed (the latest recorded rates re-dated, and
//! said so); outside the sandbox stale rates are refused with the remedies.

use reqwest::Method;
use serde_json::json;

use crate::fx::{days_from_today, set_today_rates};
use crate::support::{each_backend, Backend, Server, OPERATOR_KEY};

each_backend!(
    a_fresh_sandbox_quotes_from_the_sandbox_rate_feed,
    outside_the_sandbox_stale_rates_are_refused_naming_the_remedies,
);

/// The day of the embedded ECB snapshot's latest rates.
const SNAPSHOT_DAY: &str = "2026-10-30";

async fn a_fresh_sandbox_quotes_from_the_sandbox_rate_feed(backend: Backend) {
    let s = Server::start(backend).await;
    let rates = s.get("/v1/fx/rates?base=EUR", OPERATOR_KEY).await;
    assert_eq!(rates.status, 200, "{}", rates.json);
    assert_eq!(rates.json["source"], "sandbox", "{}", rates.json);
    assert_eq!(
        rates.json["derived_from"],
        json!({"source": "ecb", "as_of": SNAPSHOT_DAY})
    );
    let as_of = rates.str("as_of");
    assert!(
        as_of.as_str() > SNAPSHOT_DAY && as_of <= days_from_today(0),
        "re-dated to a TARGET business day up to today: {as_of}"
    );
    // The same figures as the snapshot's own day, which still answers as the ECB's.
    let ecb = s
        .get(
            &format!("/v1/fx/rates?base=EUR&as_of={SNAPSHOT_DAY}"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(ecb.json["source"], "ecb");
    assert!(ecb.json.get("derived_from").is_none(), "{}", ecb.json);
    assert_eq!(rates.json["rates"], ecb.json["rates"]);
    // A new merchant quotes, converts and hedges without loading any rates.
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 100_000, "USD").await;
    let q = s
        .post(
            "/v1/fx/quotes",
            &key,
            &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000}),
        )
        .await;
    assert_eq!(q.status, 201, "{}", q.json);
    let c = s
        .post("/v1/fx/conversions", &key, &json!({"quote": q.str("id")}))
        .await;
    assert_eq!(c.status, 201, "{}", c.json);
    let f = s
        .post("/v1/fx/forwards", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000, "maturity_date": days_from_today(30)}))
        .await;
    assert_eq!(f.status, 201, "{}", f.json);
    // Rates the operator sets for today replace the feed's.
    set_today_rates(&s).await;
    let rates = s.get("/v1/fx/rates?base=EUR", OPERATOR_KEY).await;
    assert_eq!(rates.json["source"], "operator");
    assert!(rates.json.get("derived_from").is_none(), "{}", rates.json);
    s.assert_verified().await;
}

async fn outside_the_sandbox_stale_rates_are_refused_naming_the_remedies(backend: Backend) {
    let s = Server::start_with(backend, |c| c.sandbox = false).await;
    let rates = s.get("/v1/fx/rates?base=EUR", OPERATOR_KEY).await;
    assert_eq!(rates.status, 200, "{}", rates.json);
    assert_eq!(rates.json["source"], "ecb");
    assert_eq!(rates.json["as_of"], SNAPSHOT_DAY);
    assert!(rates.json.get("derived_from").is_none(), "{}", rates.json);
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 100_000, "USD").await;
    let quote = s
        .post(
            "/v1/fx/quotes",
            &key,
            &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000}),
        )
        .await;
    quote.assert_error(409, "conflict", "rate_stale", None);
    let message = quote.json["error"]["message"].as_str().unwrap_or_default();
    for remedy in ["PUT /v1/fx/rates", "corridor rates import", SNAPSHOT_DAY] {
        assert!(message.contains(remedy), "{remedy} in {message}");
    }
    s.post("/v1/fx/forwards", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000, "maturity_date": days_from_today(30)}))
        .await
        .assert_error(409, "conflict", "rate_stale", None);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 100_000, 0, 0)]);
    // Current rates loaded by the operator: quotes are priced again.
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": {"USD": "1.1", "CNY": "7.7"}}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let q = s
        .post(
            "/v1/fx/quotes",
            &key,
            &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 10_000}),
        )
        .await;
    assert_eq!(q.status, 201, "{}", q.json);
    assert_eq!(q.json["mid_rate"], "7");
}
