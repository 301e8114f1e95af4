//! Forwards before maturity: a partial drawdown books the part's
//! mark-to-market result and releases its share of the collateral; an
//! adverse move makes margin calls, and an unmet call closes the position
//! and books the loss, all by the sandbox clock.

use reqwest::Method;
use serde_json::{json, Value};

use crate::fx::{days_from_today, set_today_rates};
use crate::support::{both_backends, Reply, Server, OPERATOR_KEY};

both_backends!(
    a_forward_is_drawn_down_in_part_before_maturity,
    an_unmet_margin_call_closes_the_position_and_books_the_loss
);

/// The operator's EUR rates for today.
async fn set_rates(s: &Server, usd: &str, cny: &str) {
    let r = s
        .call(
            Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": {"USD": usd, "CNY": cny}}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
}

/// A decimal string as (mantissa, decimal places).
fn decimal(text: &str) -> (i128, u32) {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = format!("{int}{frac}");
    (
        digits.parse().expect("decimal"),
        u32::try_from(frac.len()).unwrap(),
    )
}

/// `floor(usd_minor / 100 × (locked − current) × 100)`: a USD→CNY forward's
/// result in CNY minor units, rounded as the platform rounds it.
fn expected_result(usd_minor: i64, locked: &str, current: &str) -> i64 {
    let (l, ls) = decimal(locked);
    let (c, cs) = decimal(current);
    let scale = ls.max(cs);
    let diff = l * 10_i128.pow(scale - ls) - c * 10_i128.pow(scale - cs);
    i64::try_from((i128::from(usd_minor) * diff).div_euclid(10_i128.pow(scale))).unwrap()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD...` text (H. Hinnant's algorithm).
fn day_number(text: &str) -> i64 {
    let y: i64 = text[0..4].parse().unwrap();
    let m: i64 = text[5..7].parse().unwrap();
    let d: i64 = text[8..10].parse().unwrap();
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Moves the sandbox clock by whole days; answers its new date.
async fn advance_days(s: &Server, days: i64) -> String {
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": days * 86_400}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.json);
    r.str("now")[..10].to_string()
}

/// Polls a forward until `done` holds (the FX job runs every second).
async fn forward_until(s: &Server, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = s.get(&format!("/v1/fx/forwards/{id}"), key).await.json;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("forward never reached the state: {last}");
}

fn sorted(mut b: Vec<(String, i64, i64, i64)>) -> Vec<(String, i64, i64, i64)> {
    b.sort();
    b
}

async fn draw(s: &Server, key: &str, id: &str, amount: Value) -> Reply {
    s.post(
        &format!("/v1/fx/forwards/{id}/drawdowns"),
        key,
        &json!({"sell_amount": amount}),
    )
    .await
}

async fn a_forward_is_drawn_down_in_part_before_maturity(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000_000, "USD").await;
    let maturity = days_from_today(90);
    let body = json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100_000, "maturity_date": maturity});
    let f = s.post("/v1/fx/forwards", &key, &body).await;
    assert_eq!(f.status, 201, "{}", f.json);
    assert_eq!(f.json["collateral"], 5_000);
    assert_eq!(f.json["collateral_held"], 5_000);
    let id = f.str("id");
    let buy = f.json["buy_amount"].as_i64().unwrap();
    let locked = f.str("forward_mid_rate");
    // USD weakens to 6.9 CNY: the merchant's forward gains.
    set_rates(s, "1.1", "7.59").await;
    // A forward priced now over the same days carries the current forward rate.
    let probe = s.post("/v1/fx/forwards", &key, &body).await;
    assert_eq!(probe.status, 201, "{}", probe.json);
    let current = probe.str("forward_mid_rate");
    let closed = s
        .post(
            &format!("/v1/fx/forwards/{}/settle", probe.str("id")),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(closed.json["realized"], 0, "{}", closed.json);
    // Bad amounts: refused naming the field, nothing moved.
    for (amount, code) in [
        (json!(100_000), "amount_too_large"),
        (json!(150_000), "amount_too_large"),
        (json!(0), "amount_invalid"),
        (json!(-5), "amount_invalid"),
    ] {
        draw(s, &key, &id, amount).await.assert_error(
            400,
            "invalid_request_error",
            code,
            Some("sell_amount"),
        );
    }
    s.post(&format!("/v1/fx/forwards/{id}/drawdowns"), &key, &json!({}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("sell_amount"),
        );
    assert_eq!(
        s.balances(&m).await,
        vec![("USD".into(), 1_000_000 - 5_000, 0, 5_000)]
    );
    // 400.00 of 1,000.00 USD drawn: its result booked, 40% of the collateral released.
    let d = draw(s, &key, &id, json!(40_000)).await;
    assert_eq!(d.status, 200, "{}", d.json);
    let realized = expected_result(40_000, &locked, &current);
    assert!(realized > 0, "{locked} {current}");
    let buy_left = buy * 60_000 / 100_000;
    assert_eq!(d.json["sell_amount"], 60_000);
    assert_eq!(d.json["buy_amount"], buy_left);
    assert_eq!(d.json["status"], "open");
    assert_eq!(d.json["collateral_held"], 3_000);
    assert_eq!(
        d.json["drawdowns"],
        json!([{"number": 1, "sell_amount": 40_000, "buy_amount": buy - buy_left,
            "realized": realized, "collateral_released": 2_000, "drawn_on": days_from_today(0)}])
    );
    assert_eq!(
        sorted(s.balances(&m).await),
        vec![
            ("CNY".into(), realized, 0, 0),
            ("USD".into(), 1_000_000 - 3_000, 0, 3_000)
        ]
    );
    // A second part, then more than is left.
    let d = draw(s, &key, &id, json!(10_000)).await;
    assert_eq!(d.status, 200, "{}", d.json);
    assert_eq!(d.json["collateral_held"], 2_500);
    assert_eq!(d.json["drawdowns"][1]["collateral_released"], 500);
    let realized_2 = d.json["drawdowns"][1]["realized"].as_i64().unwrap();
    assert_eq!(realized_2, expected_result(10_000, &locked, &current));
    draw(s, &key, &id, json!(50_000)).await.assert_error(
        400,
        "invalid_request_error",
        "amount_too_large",
        Some("sell_amount"),
    );
    let buy_left = d.json["buy_amount"].as_i64().unwrap();
    // At maturity the rest is delivered at the locked rate and the collateral released.
    advance_days(s, 91).await;
    forward_until(s, &key, &id, |f| f["status"] == "settled").await;
    draw(s, &key, &id, json!(1_000))
        .await
        .assert_error(409, "conflict", "forward_not_open", None);
    assert_eq!(
        sorted(s.balances(&m).await),
        vec![
            ("CNY".into(), realized + realized_2 + buy_left, 0, 0),
            ("USD".into(), 1_000_000 - 50_000, 0, 0)
        ]
    );
    s.assert_verified().await;
}

async fn an_unmet_margin_call_closes_the_position_and_books_the_loss(s: &Server) {
    set_today_rates(s).await;
    let (m, key) = s.merchant("Seller", "CNY").await;
    // Exactly the initial margin in USD: no margin call can be met.
    s.credit(&m, 5_000, "USD").await;
    s.credit(&m, 2_000_000, "CNY").await;
    let f = s
        .post("/v1/fx/forwards", &key, &json!({"sell_currency": "USD", "buy_currency": "CNY", "sell_amount": 100_000, "maturity_date": days_from_today(90)}))
        .await;
    assert_eq!(f.status, 201, "{}", f.json);
    let id = f.str("id");
    let buy = f.json["buy_amount"].as_i64().unwrap();
    // USD strengthens 10% against CNY (7 to 7.7): an adverse move of three 3% steps.
    set_rates(s, "1.0", "7.7").await;
    let day = advance_days(s, 1).await;
    let marked = forward_until(s, &key, &id, |f| {
        f["margin_calls"].as_array().is_some_and(|c| !c.is_empty())
    })
    .await;
    let calls = marked["margin_calls"].as_array().unwrap().clone();
    assert_eq!(calls.len(), 3, "{marked}");
    let due_by = calls[0]["due_by"].as_str().unwrap().to_string();
    for call in &calls {
        assert_eq!(call["status"], "due");
        assert_eq!(call["amount"], 3_000, "3% of the notional");
        assert_eq!(call["due_by"], due_by.as_str());
    }
    // Due two TARGET business days later: at least two days, at most a week.
    let wait = day_number(&due_by) - day_number(&day);
    assert!((2..=7).contains(&wait), "{day} -> {due_by}");
    assert!(marked["mark_to_market"].as_i64().unwrap() < -(buy * 9 / 100));
    // On the due day the position is still open.
    advance_days(s, wait).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let still = s.get(&format!("/v1/fx/forwards/{id}"), &key).await;
    assert_eq!(still.json["status"], "open", "{}", still.json);
    // The day after, unmet: closed and the loss booked, the collateral released.
    advance_days(s, 1).await;
    let closed = forward_until(s, &key, &id, |f| f["status"] == "closed_margin").await;
    let loss = closed["realized"].as_i64().unwrap();
    assert!(loss < -(buy * 9 / 100), "{closed}");
    assert_eq!(closed["collateral_held"], 0, "{closed}");
    assert_eq!(
        sorted(s.balances(&m).await),
        vec![
            ("CNY".into(), 2_000_000 + loss, 0, 0),
            ("USD".into(), 5_000, 0, 0)
        ]
    );
    s.assert_verified().await;
}
