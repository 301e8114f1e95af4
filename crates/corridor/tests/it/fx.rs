//! FX: reference rates, pricing, quotes and conversions on the ledger,
//! exposure; bad input changes nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    rates_answer_the_ecb_file_and_crosses,
    quotes_convert_exactly_once_through_liquidity_accounts,
    expired_and_unfunded_quotes_move_nothing,
    fx_bad_input_is_refused_naming_the_field,
    exposure_reports_positions_and_var,
    forwards_hold_collateral_and_deliver_at_maturity_by_the_clock,
    forward_bad_input_and_early_close,
    auto_conversion_converts_foreign_balances_home
);

/// Today's rates set by the operator: mid USD→CNY is exactly 7.
pub async fn set_today_rates(s: &Server) {
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": {"USD": "1.1", "CNY": "7.7", "JPY": "165", "GBP": "0.85", "SEK": "11"}}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["source"], "operator");
}

/// The shipped snapshot's latest reference rates published as today's (the
/// sandbox has no live feed and the snapshot ages past what quotes accept).
pub async fn publish_latest_rates(s: &Server) {
    let latest = s.get("/v1/fx/rates?base=EUR", OPERATOR_KEY).await;
    assert_eq!(latest.status, 200, "{}", latest.json);
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": latest.json["rates"]}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
}

async fn set_pricing(s: &Server, body: Value) -> crate::support::Reply {
    s.call(
        Method::PUT,
        "/v1/fx/pricing",
        Some(OPERATOR_KEY),
        None,
        Some(&body.to_string()),
    )
    .await
}

fn standard_pricing() -> Value {
    json!({
        "default_spread_bps": 50,
        "spreads": [{"sell_currency": "USD", "buy_currency": "JPY", "spread_bps": 30}],
        "lock_bps": {"1m": 0, "15m": 2, "1h": 5, "24h": 30},
        "weekend_holiday_markup_bps": 25
    })
}

async fn rates_answer_the_ecb_file_and_crosses(s: &Server) {
    let r = s
        .get("/v1/fx/rates?base=EUR&as_of=2026-10-30", OPERATOR_KEY)
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["as_of"], "2026-10-30");
    assert_eq!(r.json["source"], "ecb");
    assert_eq!(r.json["rounding"], "ecb_reference");
    // Exactly as the ECB file gives them.
    assert_eq!(r.json["rates"]["USD"], "1.1172");
    assert_eq!(r.json["rates"]["JPY"], "175.68");
    assert_eq!(r.json["rates"]["CNY"], "7.4326");
    assert_eq!(r.json["rates"]["GBP"], "0.8338");
    // A Sunday answers the Friday's rates.
    let r = s
        .get("/v1/fx/rates?base=usd&as_of=2026-11-01", OPERATOR_KEY)
        .await;
    assert_eq!(r.json["as_of"], "2026-10-30");
    assert_eq!(r.json["base"], "USD");
    assert_eq!(r.json["rates"]["CNY"], "6.652882206");
    assert_eq!(r.json["rates"]["EUR"], "0.8950948801");
    assert!(r.json["rates"].get("USD").is_none());
    let (_, key) = s.merchant("Seller", "CNY").await;
    assert_eq!(s.get("/v1/fx/rates", &key).await.status, 200);
    s.get("/v1/fx/rates?base=XYZ", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "currency_invalid",
            Some("base"),
        );
    s.get("/v1/fx/rates?base=KWD", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "currency_unsupported",
            Some("base"),
        );
    s.get("/v1/fx/rates?as_of=30-10-2026", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("as_of"),
        );
    let doc = s.call(Method::GET, "/openapi.json", None, None, None).await;
    for path in [
        "/v1/fx/rates",
        "/v1/fx/pricing",
        "/v1/fx/quotes",
        "/v1/fx/quotes/{id}",
        "/v1/fx/conversions",
        "/v1/fx/conversions/{id}",
        "/v1/fx/exposure",
        "/v1/fx/forwards",
        "/v1/fx/forwards/{id}",
        "/v1/fx/forwards/{id}/settle",
        "/v1/fx/auto_conversion",
    ] {
        assert!(
            doc.json["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    s.get("/v1/fx/rates?foo=1", OPERATOR_KEY)
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_unknown",
            Some("foo"),
        );
}

fn expected_buy(sell_minor: i64, spread_bps: i64) -> i64 {
    // mid 7 exactly; rate = 7 × (1 − s); cents to fen: floor(sell × 7 × (10000 − s) / 10000).
    sell_minor * 7 * (10_000 - spread_bps) / 10_000
}

async fn quotes_convert_exactly_once_through_liquidity_accounts(s: &Server) {
    set_today_rates(s).await;
    let r = set_pricing(s, standard_pricing()).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["version"], 1);
    assert_eq!(
        s.get("/v1/fx/pricing", OPERATOR_KEY).await.json["version"],
        1
    );
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 10_000, "USD").await;
    let q = s
        .post(
            "/v1/fx/quotes",
            &key,
            &json!({"sell_currency": "usd", "buy_currency": "CNY", "sell_amount": 5_000}),
        )
        .await;
    assert_eq!(q.status, 201, "{}", q.json);
    let markup = q.json["markup_bps"].as_i64().unwrap();
    assert!(markup == 0 || markup == 25);
    let spread = 50 + markup;
    assert_eq!(q.json["spread_bps"].as_i64(), Some(spread));
    assert_eq!(q.json["mid_rate"], "7");
    assert_eq!(q.json["lock_duration"], "15m");
    assert_eq!(q.json["fee"], 1, "2 bps of 50.00 USD, rounded up to a cent");
    let buy = expected_buy(5_000, spread);
    assert_eq!(q.json["buy_amount"].as_i64(), Some(buy));
    assert_eq!(q.json["sell_amount"], 5_000);
    assert!(q.json["all_in_cost_pct"]
        .as_str()
        .unwrap()
        .starts_with("0."));
    let quote = q.str("id");
    assert!(quote.starts_with("quo_"));
    // A buy-side quote rounds the sell amount up.
    let qb = s
        .post("/v1/fx/quotes", &key, &json!({"sell_currency": "USD", "buy_currency": "JPY", "buy_amount": 1_000, "lock_duration": "1m"}))
        .await;
    assert_eq!(qb.status, 201, "{}", qb.json);
    assert_eq!(qb.json["buy_amount"], 1_000);
    assert_eq!(qb.json["fee"], 0);
    // Conversion executes exactly at the quote.
    let c = s
        .call(
            Method::POST,
            "/v1/fx/conversions",
            Some(&key),
            Some("conv-1"),
            Some(&json!({"quote": quote}).to_string()),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.json);
    assert_eq!(c.json["sell_amount"], 5_000);
    assert_eq!(c.json["buy_amount"].as_i64(), Some(buy));
    assert_eq!(c.json["rate"], q.json["rate"]);
    assert_eq!(c.json["status"], "succeeded");
    let replay = s
        .call(
            Method::POST,
            "/v1/fx/conversions",
            Some(&key),
            Some("conv-1"),
            Some(&json!({"quote": quote}).to_string()),
        )
        .await;
    assert!(replay.replayed);
    assert_eq!(replay.json["id"], c.json["id"]);
    s.post("/v1/fx/conversions", &key, &json!({"quote": quote}))
        .await
        .assert_error(409, "conflict", "quote_used", None);
    let mut balances = s.balances(&m).await;
    balances.sort();
    assert_eq!(
        balances,
        vec![
            ("CNY".into(), buy, 0, 0),
            ("USD".into(), 10_000 - 5_001, 0, 0)
        ]
    );
    let got = s.get(&format!("/v1/fx/quotes/{quote}"), &key).await;
    assert_eq!(got.json["status"], "used");
    assert_eq!(got.json["conversion"], c.json["id"]);
    let list = s.get("/v1/fx/conversions", &key).await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    // Another merchant sees nothing of it.
    let (_, other) = s.merchant("Other", "EUR").await;
    s.get(&format!("/v1/fx/quotes/{quote}"), &other)
        .await
        .assert_error(404, "not_found", "resource_missing", None);
    s.post("/v1/fx/conversions", &other, &json!({"quote": quote}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("quote"),
        );
    let verify = s.assert_verified().await;
    assert_eq!(
        verify["currencies"]["CNY"]["debits"],
        verify["currencies"]["CNY"]["credits"]
    );
}

async fn expired_and_unfunded_quotes_move_nothing(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 10_000, "USD").await;
    // Stale rates outside the sandbox: see `fx_feed`.
    set_today_rates(s).await;
    let q = s
        .post("/v1/fx/quotes", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 1_000, "lock_duration": "1m"}))
        .await;
    assert_eq!(q.status, 201, "{}", q.json);
    let big = s
        .post(
            "/v1/fx/quotes",
            &key,
            &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 1_000_000}),
        )
        .await;
    s.post("/v1/fx/conversions", &key, &json!({"quote": big.str("id")}))
        .await
        .assert_error(402, "insufficient_funds", "insufficient_funds", None);
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": 61}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.json);
    s.post("/v1/fx/conversions", &key, &json!({"quote": q.str("id")}))
        .await
        .assert_error(409, "conflict", "quote_expired", None);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 10_000, 0, 0)]);
    s.assert_verified().await;
}

async fn fx_bad_input_is_refused_naming_the_field(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 10_000, "USD").await;
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (
            json!({"sell_currency": "USD", "buy_currency": "usd", "sell_amount": 100}),
            400,
            "currency_same",
            Some("buy_currency"),
        ),
        (
            json!({"sell_currency": "XYZ", "buy_currency": "CNY", "sell_amount": 100}),
            400,
            "currency_invalid",
            Some("sell_currency"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "KWD", "sell_amount": 100}),
            400,
            "currency_unsupported",
            Some("buy_currency"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100, "buy_amount": 5}),
            400,
            "parameter_conflict",
            Some("buy_amount"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY"}),
            400,
            "parameter_missing",
            Some("sell_amount"),
        ),
        (
            json!({"sell_currency": "JPY", "buy_currency": "USD", "sell_amount": 1}),
            400,
            "amount_too_small",
            Some("sell_amount"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 0}),
            400,
            "amount_invalid",
            Some("sell_amount"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "buy_amount": -3}),
            400,
            "amount_invalid",
            Some("buy_amount"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100, "lock_duration": "2h"}),
            400,
            "parameter_invalid",
            Some("lock_duration"),
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100, "extra": 1}),
            400,
            "parameter_unknown",
            Some("extra"),
        ),
    ];
    for (body, status, code, param) in cases {
        s.post("/v1/fx/quotes", &key, &body).await.assert_error(
            status,
            "invalid_request_error",
            code,
            param,
        );
    }
    s.post("/v1/fx/conversions", &key, &json!({"quote": "quo_missing"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("quote"),
        );
    s.post(
        "/v1/fx/quotes",
        OPERATOR_KEY,
        &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100}),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("merchant"),
    );
    let mut bad_lock = standard_pricing();
    bad_lock["lock_bps"]["24h"] = json!(1);
    set_pricing(s, bad_lock).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("lock_bps.24h"),
    );
    let mut bad_spread = standard_pricing();
    bad_spread["spreads"][0]["spread_bps"] = json!(5_000);
    set_pricing(s, bad_spread).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("spreads[0].spread_bps"),
    );
    let mut bad_tier = standard_pricing();
    bad_tier["merchant_tiers"] = json!({"mer_x": "gold"});
    set_pricing(s, bad_tier).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("merchant_tiers.mer_x"),
    );
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/pricing",
            Some(&key),
            None,
            Some(&standard_pricing().to_string()),
        )
        .await;
    r.assert_error(403, "permission_error", "forbidden", None);
    assert_eq!(
        s.get("/v1/fx/pricing", OPERATOR_KEY).await.json["version"],
        0,
        "nothing was set"
    );
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": {"USD": "-1"}}).to_string()),
        )
        .await;
    r.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("rates.USD"),
    );
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 10_000, 0, 0)]);
    s.assert_verified().await;
}

async fn exposure_reports_positions_and_var(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000_000, "USD").await;
    s.credit(&m, 50_000, "CNY").await;
    let r = s.get("/v1/fx/exposure", &key).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["home_currency"], "CNY");
    assert_eq!(r.json["method"], "historical_simulation");
    let usd = r.json["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "USD")
        .expect("a USD position")
        .clone();
    assert_eq!(usd["balance"], 1_000_000);
    assert_eq!(usd["net_open_position"], 1_000_000);
    // 10,000.00 USD at mid 7 = 70,000.00 CNY.
    assert_eq!(usd["net_open_position_home"], 7_000_000);
    let var = &usd["value_at_risk"];
    let v = |f: &str| var[f].as_i64().unwrap();
    assert!(v("var_95_1d") > 0);
    assert!(v("var_99_1d") >= v("var_95_1d"));
    assert!(v("var_99_30d") > v("var_99_1d"));
    // A 1-day 99% VaR on USD/CNY is well under 5% of the position.
    assert!(v("var_99_1d") < 350_000, "{var}");
    assert!(r.json["scenarios"].as_u64().unwrap() >= 400);
    s.get("/v1/fx/exposure", OPERATOR_KEY).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_missing",
        Some("merchant"),
    );
    assert_eq!(
        s.get(&format!("/v1/fx/exposure?merchant={m}"), OPERATOR_KEY)
            .await
            .status,
        200
    );
}

pub fn days_from_today(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let day = i64::try_from(now / 86_400).unwrap() + days;
    // Civil date from days since the epoch (H. Hinnant's algorithm).
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

async fn forwards_hold_collateral_and_deliver_at_maturity_by_the_clock(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000_000, "USD").await;
    let maturity = days_from_today(90);
    let f = s
        .post("/v1/fx/forwards", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100_000, "maturity_date": maturity}))
        .await;
    assert_eq!(f.status, 201, "{}", f.json);
    assert_eq!(f.json["status"], "open");
    assert_eq!(f.json["spot_rate"], "7");
    assert_eq!(f.json["day_counts"], json!(["ACT/360", "ACT/360"]));
    // CNY rates below USD rates: the forward is below spot (CIP).
    let fwd: f64 = f.str("forward_mid_rate").parse().unwrap();
    assert!(fwd < 7.0 && fwd > 6.9, "{fwd}");
    // 90 days: 5% initial margin of 1,000.00 USD, held.
    assert_eq!(f.json["initial_margin_bps"], 500);
    assert_eq!(f.json["collateral"], 5_000);
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 1_000_000 - 5_000, 0, 5_000)]
    );
    let id = f.str("id");
    let buy = f.json["buy_amount"].as_i64().unwrap();
    assert_eq!(
        s.get("/v1/fx/forwards", &key).await.json["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let exposure = s.get("/v1/fx/exposure", &key).await;
    let usd = exposure.json["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "USD")
        .unwrap()
        .clone();
    assert_eq!(usd["hedged"], 100_000);
    assert_eq!(usd["net_open_position"], 1_000_000 - 100_000);
    // The clock reaches maturity: the forward is delivered at the locked rate.
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": 91 * 86_400}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.json);
    let mut status = String::new();
    for _ in 0..100 {
        status = s
            .get(&format!("/v1/fx/forwards/{id}"), &key)
            .await
            .str("status");
        if status == "settled" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "settled");
    let mut balances = s.balances(&m).await;
    balances.sort();
    assert_eq!(
        balances,
        vec![("CNY".into(), buy, 0, 0), ("USD".into(), 900_000, 0, 0)]
    );
    s.post(&format!("/v1/fx/forwards/{id}/settle"), &key, &json!({}))
        .await
        .assert_error(409, "conflict", "forward_not_open", None);
    s.assert_verified().await;
}

async fn forward_bad_input_and_early_close(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 100_000, "USD").await;
    let body = |sell: &str, buy: &str, maturity: String| json!({"sell_currency": sell, "buy_currency": buy, "sell_amount": 10_000, "maturity_date": maturity});
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            body("USD", "CNY", days_from_today(0)),
            400,
            "maturity_in_past",
            "maturity_date",
        ),
        (
            body("USD", "CNY", days_from_today(-5)),
            400,
            "maturity_in_past",
            "maturity_date",
        ),
        (
            body("USD", "CNY", days_from_today(800)),
            400,
            "maturity_too_far",
            "maturity_date",
        ),
        (
            body("USD", "CNY", "2027-02-30".into()),
            400,
            "parameter_invalid",
            "maturity_date",
        ),
        (
            body("USD", "usd", days_from_today(30)),
            400,
            "currency_same",
            "buy_currency",
        ),
        (
            body("USD", "SEK", days_from_today(30)),
            400,
            "interest_rate_unavailable",
            "buy_currency",
        ),
        (
            body("USD", "XYZ", days_from_today(30)),
            400,
            "currency_invalid",
            "buy_currency",
        ),
        (
            json!({"sell_currency": "USD", "buy_currency": "CNY", "maturity_date": days_from_today(30)}),
            400,
            "parameter_missing",
            "sell_amount",
        ),
    ];
    for (b, status, code, param) in cases {
        s.post("/v1/fx/forwards", &key, &b).await.assert_error(
            status,
            "invalid_request_error",
            code,
            Some(param),
        );
    }
    // Collateral beyond the balance: 10% of 20,000.00 USD over a year is more than 1,000.00 available.
    s.post("/v1/fx/forwards", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 2_000_000, "maturity_date": days_from_today(365)}))
        .await
        .assert_error(402, "insufficient_funds", "insufficient_funds", None);
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 100_000, 0, 0)],
        "nothing moved"
    );
    // An early close the same day books a zero result and releases the collateral.
    let f = s
        .post(
            "/v1/fx/forwards",
            &key,
            &body("USD", "CNY", days_from_today(20)),
        )
        .await;
    assert_eq!(f.status, 201, "{}", f.json);
    assert_eq!(f.json["initial_margin_bps"], 300);
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 100_000 - 300, 0, 300)]
    );
    let closed = s
        .post(
            &format!("/v1/fx/forwards/{}/settle", f.str("id")),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.json);
    assert_eq!(closed.json["status"], "closed");
    assert_eq!(closed.json["realized"], 0);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 100_000, 0, 0)]);
    s.assert_verified().await;
}

async fn auto_conversion_converts_foreign_balances_home(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    let r = s.get("/v1/fx/auto_conversion", &key).await;
    assert_eq!(r.json["mode"], "keep", "{}", r.json);
    let put = |mode: &str| json!({"mode": mode}).to_string();
    s.call(
        Method::PUT,
        "/v1/fx/auto_conversion",
        Some(&key),
        None,
        Some(&put("sometimes")),
    )
    .await
    .assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
        Some("mode"),
    );
    s.credit(&m, 100_000, "USD").await;
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/auto_conversion",
            Some(&key),
            None,
            Some(&put("convert_to_home")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["home_currency"], "CNY");
    let mut balances = Vec::new();
    for _ in 0..100 {
        balances = s.balances(&m).await;
        balances.sort();
        if balances.iter().any(|b| b.0 == "CNY" && b.1 > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // 1,000.00 USD at mid 7 less the spread: just under 7,000.00 CNY; nothing left in USD.
    let cny = balances.iter().find(|b| b.0 == "CNY").expect("converted").1;
    assert!(cny > 690_000 && cny < 700_000, "{balances:?}");
    assert_eq!(balances.iter().find(|b| b.0 == "USD").map(|b| b.1), Some(0));
    let list = s.get("/v1/fx/conversions", &key).await;
    assert_eq!(list.json["data"][0]["trigger"], "auto");
    s.assert_verified().await;
}
