//! Refunds over HTTP: partial and full through the payment's connector,
//! never more than captured under concurrency, asynchronous failures that
//! restore the balance, timeouts looked up, bank transfers for vouchers,
//! a payment not settled yet funding its own refund, cross-currency refunds
//! with the FX remainder, bad input.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{both_backends, Reply, Server, OPERATOR_KEY};

both_backends!(
    partial_then_full_refund_through_the_connector,
    fifty_concurrent_refunds_never_exceed_the_capture,
    asynchronous_failure_restores_the_balance,
    timed_out_refund_is_looked_up_not_sent_twice,
    voucher_payments_are_refunded_by_bank_transfer,
    an_unsettled_payment_funds_its_own_refund,
    cross_currency_refund_books_the_fx_remainder,
    cross_currency_refund_takes_the_fx_service_rates,
    bad_refunds_answer_4xx_and_move_nothing,
);

pub fn card(number: &str) -> Value {
    json!({"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
}

/// A succeeded card payment: its JSON.
pub async fn card_payment(
    s: &Server,
    key: &str,
    number: &str,
    amount: i64,
    currency: &str,
    country: &str,
) -> Value {
    let r = s
        .post(
            "/v1/payments",
            key,
            &json!({"amount": amount, "currency": currency, "country": country, "payment_method": card(number), "confirm": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "succeeded", "{}", r.json);
    r.json
}

pub async fn refund(s: &Server, key: &str, body: Value) -> Reply {
    s.post("/v1/refunds", key, &body).await
}

pub async fn advance(s: &Server, seconds: i64) {
    let r = s
        .post(
            "/v1/test_helpers/clock/advance",
            OPERATOR_KEY,
            &json!({"seconds": seconds}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

/// Polls `path` until `done` holds (at most 10 s).
pub async fn wait_for(s: &Server, path: &str, key: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        let r = s.get(path, key).await;
        if done(&r.json) {
            return r.json;
        }
        last = r.json;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never reached the expected state: {last}");
}

fn available(balances: &[(String, i64, i64, i64)], currency: &str) -> i64 {
    balances.iter().find(|b| b.0 == currency).map_or(0, |b| b.1)
}

async fn partial_then_full_refund_through_the_connector(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 10_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();

    let first = s
        .call(
            Method::POST,
            "/v1/refunds",
            Some(&key),
            Some("refund-1"),
            Some(
                &json!({"payment": id, "amount": 3_000, "reason": "requested_by_customer"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert_eq!(first.json["status"], "succeeded");
    assert_eq!(first.json["amount"], 3_000);
    assert_eq!(first.json["currency"], "USD");
    assert_eq!(first.json["reason"], "requested_by_customer");
    assert_eq!(
        first.json["connector"], p["connector"],
        "the payment's own connector refunds it"
    );
    assert!(first.json["connector_reference"].as_str().is_some());
    let again = s
        .call(
            Method::POST,
            "/v1/refunds",
            Some(&key),
            Some("refund-1"),
            Some(
                &json!({"payment": id, "amount": 3_000, "reason": "requested_by_customer"})
                    .to_string(),
            ),
        )
        .await;
    assert!(again.replayed, "{}", again.json);
    assert_eq!(again.json["id"], first.json["id"]);

    let rest = refund(s, &key, json!({"payment": id})).await;
    assert_eq!(rest.status, StatusCode::CREATED, "{}", rest.json);
    assert_eq!(rest.json["amount"], 7_000, "no amount refunds what is left");
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(paid.json["amount_refunded"], 10_000);
    refund(s, &key, json!({"payment": id, "amount": 1}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "amount_exceeds_refundable",
            Some("amount"),
        );

    let listed = s.get("/v1/refunds", &key).await;
    assert_eq!(listed.json["data"].as_array().unwrap().len(), 2);
    let got = s
        .get(&format!("/v1/refunds/{}", first.str("id")), &key)
        .await;
    assert_eq!(got.json["status"], "succeeded");
    assert_eq!(available(&s.balances(&m).await, "USD"), 50_000 - 10_000);
    s.assert_verified().await;
}

async fn fifty_concurrent_refunds_never_exceed_the_capture(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 100_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 1_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap().to_string();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (s, key, id) = (s.base.clone(), key.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(format!("{s}/v1/refunds"))
                .bearer_auth(key)
                .json(&json!({"payment": id, "amount": 100}))
                .send()
                .await
                .unwrap();
            let status = resp.status();
            (status, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => {
                assert_eq!(body["status"], "succeeded", "{body}");
                created += 1;
            }
            StatusCode::BAD_REQUEST => {
                assert_eq!(body["error"]["code"], "amount_exceeds_refundable", "{body}");
                assert_eq!(body["error"]["param"], "amount");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 10, "exactly the captured amount is refunded");
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(paid.json["amount_refunded"], 1_000);
    assert_eq!(available(&s.balances(&m).await, "USD"), 100_000 - 1_000);
    s.assert_verified().await;
}

async fn asynchronous_failure_restores_the_balance(s: &Server) {
    let (m, key) = s.merchant("Seller", "EUR").await;
    s.credit(&m, 20_000, "EUR").await;
    let p = card_payment(s, &key, "4000000000005126", 6_000, "EUR", "FR").await;
    let id = p["id"].as_str().unwrap();
    let r = refund(
        s,
        &key,
        json!({"payment": id, "amount": 6_000, "reason": "duplicate"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "pending");
    assert_eq!(
        available(&s.balances(&m).await, "EUR"),
        14_000,
        "debited while pending"
    );
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(paid.json["amount_refunded"], 6_000);

    advance(s, 3_700).await;
    let failed = wait_for(s, &format!("/v1/refunds/{}", r.str("id")), &key, |j| {
        j["status"] == "failed"
    })
    .await;
    assert_eq!(failed["failure_code"], "expired_or_canceled_card");
    assert_eq!(
        available(&s.balances(&m).await, "EUR"),
        20_000,
        "the failure gave the balance back"
    );
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(
        paid.json["amount_refunded"], 0,
        "a failed refund gives its room back"
    );
    s.assert_verified().await;
}

async fn timed_out_refund_is_looked_up_not_sent_twice(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 50_000, "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 4_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let connector = p["connector"].as_str().unwrap();
    let fault = s
        .post(
            &format!("/v1/test_helpers/connectors/{connector}/faults"),
            OPERATOR_KEY,
            &json!({"kind": "timeouts", "seconds": 600, "rate_pct": 100}),
        )
        .await;
    assert_eq!(fault.status, StatusCode::CREATED, "{}", fault.json);
    let r = refund(s, &key, json!({"payment": id, "amount": 4_000})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // Either the provider had recorded it (found by lookup: succeeded) or
    // never did (still pending, to be sent again under the same key).
    let status = r.json["status"].as_str().unwrap().to_string();
    assert!(status == "succeeded" || status == "pending", "{}", r.json);
    advance(s, 700).await;
    let done = wait_for(s, &format!("/v1/refunds/{}", r.str("id")), &key, |j| {
        j["status"] == "succeeded"
    })
    .await;
    assert_eq!(done["amount"], 4_000);
    assert_eq!(
        available(&s.balances(&m).await, "USD"),
        50_000 - 4_000,
        "debited once"
    );
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(paid.json["amount_refunded"], 4_000);
    refund(s, &key, json!({"payment": id, "amount": 1}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "amount_exceeds_refundable",
            Some("amount"),
        );
    s.assert_verified().await;
}

async fn voucher_payments_are_refunded_by_bank_transfer(s: &Server) {
    let (m, key) = s.merchant("Seller", "JPY").await;
    s.credit(&m, 10_000, "JPY").await;
    let r = s
        .post("/v1/payments", &key,
            &json!({"amount": 3_000, "currency": "JPY", "country": "JP", "payment_method": {"type": "konbini"}, "confirm": true}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.str("id");
    let done = s
        .post(
            &format!("/v1/test_helpers/payments/{id}/complete"),
            &key,
            &json!({}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    advance(s, 3 * 86_400).await;
    wait_for(s, &format!("/v1/payments/{id}"), &key, |j| {
        j["status"] == "succeeded"
    })
    .await;

    refund(s, &key, json!({"payment": id, "amount": 1_000}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_missing",
            Some("bank_account"),
        );
    refund(s, &key, json!({"payment": id, "amount": 1_000, "bank_account": {"holder_name": "YAMADA TARO", "bank_code": "00x5", "account_number": "1234567"}}))
        .await
        .assert_error(400, "invalid_request_error", "parameter_invalid", Some("bank_account.bank_code"));
    let ok = refund(s, &key, json!({"payment": id, "amount": 1_000, "bank_account": {"holder_name": "YAMADA TARO", "bank_code": "0005", "branch_code": "001", "account_number": "1234567"}})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
    assert_eq!(ok.json["status"], "pending", "a bank transfer takes days");
    assert_eq!(ok.json["bank_transfer_last4"], "4567");
    advance(s, 2 * 86_400 + 120).await;
    wait_for(s, &format!("/v1/refunds/{}", ok.str("id")), &key, |j| {
        j["status"] == "succeeded"
    })
    .await;
    s.assert_verified().await;
}

fn balance_of(balances: &Value, currency: &str) -> Option<(i64, i64)> {
    balances["balances"]
        .as_array()?
        .iter()
        .find(|b| b["currency"] == currency)
        .map(|b| {
            (
                b["available"].as_i64().unwrap(),
                b["pending"].as_i64().unwrap(),
            )
        })
}

/// Waits until nothing of the merchant's `currency` is pending; answers
/// what is available.
async fn settled(s: &Server, merchant: &str, currency: &str) -> i64 {
    let path = format!("/v1/balances?merchant={merchant}");
    let json = wait_for(s, &path, OPERATOR_KEY, |j| {
        balance_of(j, currency).is_some_and(|(_, pending)| pending == 0)
    })
    .await;
    balance_of(&json, currency).unwrap().0
}

async fn an_unsettled_payment_funds_its_own_refund(s: &Server) {
    // A merchant with no money of its own yet: its first sale is pending.
    let (m, key) = s.merchant("New Seller", "USD").await;
    let p = card_payment(s, &key, "4242424242424242", 10_000, "USD", "US").await;
    let net = 10_000 - p["fee"].as_i64().unwrap();
    let pending = s.balances(&m).await;
    assert_eq!(pending[0], ("USD".into(), 0, net, 0), "{pending:?}");
    // The whole amount is more than the net (the fee is not given back):
    // refused, and the payment stays as it was.
    refund(s, &key, json!({"payment": p["id"]}))
        .await
        .assert_error(402, "insufficient_funds", "insufficient_funds", None);
    assert_eq!(s.balances(&m).await, pending);
    let r = refund(s, &key, json!({"payment": p["id"], "amount": 3_000})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "succeeded", "{}", r.json);
    // The payment settled ahead of its delay and funded the refund.
    assert_eq!(s.balances(&m).await[0], ("USD".into(), net - 3_000, 0, 0));
    // More than its net is more than the merchant holds: nothing moves.
    refund(s, &key, json!({"payment": p["id"], "amount": 7_000}))
        .await
        .assert_error(402, "insufficient_funds", "insufficient_funds", None);
    // The settlement day passes: a second sale settles, the first does not
    // settle twice.
    let second = card_payment(s, &key, "4242424242424242", 5_000, "USD", "US").await;
    let second_net = 5_000 - second["fee"].as_i64().unwrap();
    advance(s, 3 * 86_400).await;
    assert_eq!(settled(s, &m, "USD").await, net - 3_000 + second_net);
    s.assert_verified().await;
}

/// Settles the merchant's `from` funds and converts them to `to` but for
/// less than 1,000 minor units (the conversion's fee comes on top of what
/// it sells), as a merchant taking its money home does.
async fn settle_and_convert(s: &Server, merchant: &str, key: &str, from: &str, to: &str) {
    advance(s, 3 * 86_400).await;
    let held = settled(s, merchant, from).await;
    let q = s
        .post(
            "/v1/fx/quotes",
            key,
            &json!({"sell_currency": from, "buy_currency": to, "sell_amount": held - 1_000}),
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.json);
    let c = s
        .post("/v1/fx/conversions", key, &json!({"quote": q.str("id")}))
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
    let path = format!("/v1/balances?merchant={merchant}");
    let after = s.get(&path, OPERATOR_KEY).await;
    let left = balance_of(&after.json, from).map_or(0, |b| b.0);
    assert!((0..1_000).contains(&left), "{}", after.json);
}

async fn cross_currency_refund_books_the_fx_remainder(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    let set = s
        .post(
            "/v1/test_helpers/fx_rates",
            OPERATOR_KEY,
            &json!({"from": "JPY", "to": "USD", "rate": "0.0067"}),
        )
        .await;
    assert_eq!(set.status, StatusCode::CREATED, "{}", set.json);
    let p = card_payment(s, &key, "4242424242424242", 10_000, "JPY", "JP").await;
    // The merchant's yen were settled and converted since: it holds
    // dollars only.
    s.credit(&m, 10_000, "USD").await;
    settle_and_convert(s, &m, &key, "JPY", "USD").await;
    s.post(
        "/v1/test_helpers/fx_rates",
        OPERATOR_KEY,
        &json!({"from": "JPY", "to": "USD", "rate": "0.0070"}),
    )
    .await;
    let before = available(&s.balances(&m).await, "USD");
    let r = refund(s, &key, json!({"payment": p["id"], "amount": 5_000})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(
        r.json["currency"], "JPY",
        "the buyer is refunded in the payment currency"
    );
    let fx = &r.json["fx"];
    assert_eq!(fx["funding_currency"], "USD");
    assert_eq!(fx["original_rate"], "0.0067");
    assert_eq!(fx["today_rate"], "0.007");
    assert_eq!(fx["amount_at_original_rate"], 3_350);
    assert_eq!(fx["amount_at_today_rate"], 3_500);
    assert_eq!(fx["fx_remainder"], 150);
    assert_eq!(fx["fx_remainder_borne_by"], "merchant");
    assert_eq!(fx["merchant_debit"], 3_500);
    assert_eq!(available(&s.balances(&m).await, "USD"), before - 3_500);
    s.assert_verified().await;
}

/// The operator's reference rates for today (units per EUR).
async fn set_rates(s: &Server, rates: Value) {
    let r = s
        .call(
            reqwest::Method::PUT,
            "/v1/fx/rates",
            Some(OPERATOR_KEY),
            None,
            Some(&json!({"base": "EUR", "rates": rates}).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

async fn cross_currency_refund_takes_the_fx_service_rates(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    // JPY→USD: 1.1 / 165 = 0.006666666667 (crosses to 10 significant digits).
    set_rates(s, json!({"USD": "1.1", "JPY": "165"})).await;
    let p = card_payment(s, &key, "4242424242424242", 10_000, "JPY", "JP").await;
    s.credit(&m, 10_000, "USD").await;
    settle_and_convert(s, &m, &key, "JPY", "USD").await;
    // Days later: 1.1 / 160 = 0.006875.
    set_rates(s, json!({"USD": "1.1", "JPY": "160"})).await;
    let before = available(&s.balances(&m).await, "USD");
    let r = refund(s, &key, json!({"payment": p["id"], "amount": 5_000})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["currency"], "JPY");
    let fx = &r.json["fx"];
    assert_eq!(fx["funding_currency"], "USD");
    assert_eq!(fx["original_rate"], "0.006666666667");
    assert_eq!(fx["today_rate"], "0.006875");
    assert_eq!(fx["amount_at_original_rate"], 3_333, "rounded down");
    assert_eq!(fx["amount_at_today_rate"], 3_438, "rounded up");
    assert_eq!(fx["fx_remainder"], 105);
    assert_eq!(fx["fx_remainder_borne_by"], "merchant");
    assert_eq!(fx["merchant_debit"], 3_438);
    assert_eq!(available(&s.balances(&m).await, "USD"), before - 3_438);
    // The refund's own posting on the merchant's balance, at today's rate.
    let txns = s
        .get(
            &format!("/v1/balance_transactions?merchant={m}&limit=100"),
            OPERATOR_KEY,
        )
        .await;
    assert_eq!(txns.status, StatusCode::OK, "{}", txns.json);
    let refund_id = r.str("id");
    let posted: Vec<&Value> = txns.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source_id"] == refund_id.as_str())
        .collect();
    assert_eq!(posted.len(), 1, "{}", txns.json);
    assert_eq!(posted[0]["currency"], "USD");
    assert_eq!(posted[0]["amount"], -3_438);
    let verify = s.assert_verified().await;
    for c in ["USD", "JPY"] {
        assert_eq!(
            verify["currencies"][c]["debits"],
            verify["currencies"][c]["credits"]
        );
    }
}

async fn bad_refunds_answer_4xx_and_move_nothing(s: &Server) {
    let (m, key) = s.merchant("Seller", "USD").await;
    s.credit(&m, 5_000, "USD").await;
    let declined = s
        .post("/v1/payments", &key,
            &json!({"amount": 2_000, "currency": "USD", "country": "US", "payment_method": card("4000000000000002"), "confirm": true}))
        .await;
    let failed_id = declined.json["error"]["payment"]
        .as_str()
        .unwrap()
        .to_string();
    let p = card_payment(s, &key, "4242424242424242", 2_000, "USD", "US").await;
    let id = p["id"].as_str().unwrap();
    let before = s.balances(&m).await;
    refund(s, &key, json!({"payment": failed_id}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "payment_not_refundable",
            Some("payment"),
        );
    refund(s, &key, json!({"payment": id, "amount": 2_001}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "amount_exceeds_refundable",
            Some("amount"),
        );
    refund(s, &key, json!({"payment": id, "amount": 0}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "amount_invalid",
            Some("amount"),
        );
    refund(s, &key, json!({"payment": id, "reason": "changed_mind"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "parameter_invalid",
            Some("reason"),
        );
    refund(s, &key, json!({"payment": "pay_nope"}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("payment"),
        );
    refund(s, &key, json!({"payment": id, "bank_account": {"holder_name": "A", "bank_code": "1", "account_number": "2"}})).await.assert_error(
        400, "invalid_request_error", "parameter_unknown", Some("bank_account"));
    let (_, other_key) = s.merchant("Other", "USD").await;
    refund(s, &other_key, json!({"payment": id}))
        .await
        .assert_error(
            400,
            "invalid_request_error",
            "resource_missing",
            Some("payment"),
        );
    let r = refund(s, OPERATOR_KEY, json!({"payment": id})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(
        s.get("/v1/refunds/re_nope", &key).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.balances(&m).await, before, "nothing moved");
    let paid = s.get(&format!("/v1/payments/{id}"), &key).await;
    assert_eq!(paid.json["amount_refunded"], 0);
    s.assert_verified().await;
}
