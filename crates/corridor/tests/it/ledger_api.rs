//! Adjustments, balances, history and verification over HTTP.

use serde_json::json;

use crate::support::{both_backends, Server, OPERATOR_KEY};

both_backends!(
    adjustments_move_money_and_history_shows_balance_after,
    overdraft_is_refused_and_writes_nothing,
    minor_units_per_currency
);

async fn adjustments_move_money_and_history_shows_balance_after(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    let first = s.credit(&m, 10_000, "USD").await;
    assert!(first.str("id").starts_with("txn_"));
    assert_eq!(first.json["amount"], 10_000);
    s.credit(&m, 2_500, "EUR").await;
    let debit = json!({"amount": 1_234, "currency": "usd", "direction": "debit", "reason": "fee"});
    let r = s
        .post(
            &format!("/v1/merchants/{m}/adjustments"),
            OPERATOR_KEY,
            &debit,
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.json);
    assert_eq!(r.json["currency"], "USD");
    assert_eq!(
        s.balances(&m).await,
        vec![("EUR".into(), 2_500, 0, 0), ("USD".into(), 8_766, 0, 0)]
    );
    let history = s.get("/v1/balance_transactions", &key).await;
    let rows = history.json["data"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (
            rows[0]["amount"].as_i64(),
            rows[0]["balance_after"].as_i64()
        ),
        (Some(-1_234), Some(8_766))
    );
    assert_eq!(
        (
            rows[2]["amount"].as_i64(),
            rows[2]["balance_after"].as_i64()
        ),
        (Some(10_000), Some(10_000))
    );
    assert_eq!(rows[0]["type"], "adjustment");
    let page = s.get("/v1/balance_transactions?limit=1", &key).await;
    assert_eq!(page.json["has_more"], true);
    let after = page.json["data"][0]["id"].as_str().unwrap().to_string();
    let next = s
        .get(
            &format!("/v1/balance_transactions?limit=5&starting_after={after}"),
            &key,
        )
        .await;
    assert_eq!(next.json["data"].as_array().unwrap().len(), 2);
    let v = s.assert_verified().await;
    assert_eq!(
        v["currencies"]["USD"],
        json!({"debits": 11_234, "credits": 11_234})
    );
}

async fn overdraft_is_refused_and_writes_nothing(s: &Server) {
    let (m, key) = s.merchant("Seller", "CNY").await;
    s.credit(&m, 1_000, "USD").await;
    let debit =
        json!({"amount": 1_001, "currency": "USD", "direction": "debit", "reason": "too much"});
    let r = s
        .post(
            &format!("/v1/merchants/{m}/adjustments"),
            OPERATOR_KEY,
            &debit,
        )
        .await;
    r.assert_error(402, "insufficient_funds", "insufficient_funds", None);
    assert_eq!(s.balances(&m).await, vec![("USD".into(), 1_000, 0, 0)]);
    let history = s.get("/v1/balance_transactions", &key).await;
    assert_eq!(history.json["data"].as_array().unwrap().len(), 1);
    s.assert_verified().await;
}

async fn minor_units_per_currency(s: &Server) {
    let (m, _) = s.merchant("Seller", "JPY").await;
    s.credit(&m, 1_500, "JPY").await;
    s.credit(&m, 1_250, "KWD").await;
    assert_eq!(
        s.balances(&m).await,
        vec![("JPY".into(), 1_500, 0, 0), ("KWD".into(), 1_250, 0, 0)]
    );
    s.assert_verified().await;
}
