//! The demo's Adyen chapter: a connector configured over the API against
//! Adyen's Checkout API (or Prism serving Adyen's document), payments routed
//! to it, and Adyen's signed notification completing one.

use anyhow::bail;
use corridor_connectors::adyen::notification::{HmacKey, NotificationItem};
use serde_json::{json, Value};

use super::{run_id, Client};

pub(super) async fn run(
    operator: &Client,
    url: &str,
    api_key: &str,
    merchant_account: &str,
) -> anyhow::Result<()> {
    let run = run_id();
    println!("\n— A real provider: Adyen Checkout API v71 at {url}");
    println!("  (against a mock such as Prism, answers are the document's examples)");
    let hmac_key = hex_key();
    let name = format!("adyen_demo_{}", run.to_ascii_lowercase());
    let (status, connector) = operator
        .post(
            "/v1/connectors",
            json!({
                "type": "adyen", "name": name, "base_url": url,
                "merchant_account": merchant_account,
                "return_url": "https://shop.example/checkout/return",
                "raw_card_data": true,
                "credentials": {"api_key": api_key, "hmac_key": hmac_key},
            }),
            &format!("demo-adyen-connector-{run}"),
        )
        .await?;
    if status != 201 {
        bail!("configuring the Adyen connector answered {status}: {connector}");
    }
    let connector_id = connector["id"].as_str().unwrap_or_default().to_string();
    println!(
        "  connector {connector_id} `{name}` configured; credentials sealed, shown as {}",
        connector["credentials_set"]
    );
    let (status, merchant) = operator
        .post(
            "/v1/merchants",
            json!({"legal_name": "Rotterdam Bikes B.V.", "country": "NL", "home_currency": "EUR"}),
            &format!("demo-adyen-merchant-{run}"),
        )
        .await?;
    if status != 201 {
        bail!("creating the merchant answered {status}: {merchant}");
    }
    let merchant_id = merchant["id"].as_str().unwrap_or_default().to_string();
    let seller = operator.with_key(merchant["api_key"].as_str().unwrap_or_default());
    let rules = json!({"rules": [{"name": "Rotterdam Bikes via Adyen",
        "when": {"merchants": [merchant_id]}, "connectors": [name]}]});
    let (status, put) = operator
        .send(reqwest::Method::PUT, "/v1/routing_rules", Some(rules), None)
        .await?;
    if status != 200 {
        bail!("putting the routing rules answered {status}: {put}");
    }
    println!(
        "  routing rules version {}: Rotterdam Bikes' payments go to Adyen",
        put["version"]
    );
    let card = json!({"type": "card", "number": "5454545454545454", "exp_month": 3, "exp_year": 2030, "cvc": "737"});
    let payments = [
        (
            "card",
            json!({"amount": 12_900, "currency": "EUR", "country": "NL", "payment_method": card, "confirm": true}),
        ),
        (
            "iDEAL",
            json!({"amount": 4_500, "currency": "EUR", "country": "NL", "payment_method": {"type": "ideal"}, "confirm": true}),
        ),
        (
            "Alipay",
            json!({"amount": 9_900, "currency": "EUR", "country": "CN", "payment_method": {"type": "alipay"}, "confirm": true}),
        ),
    ];
    let mut first = None;
    for (i, (label, body)) in payments.into_iter().enumerate() {
        let (status, p) = seller
            .post("/v1/payments", body, &format!("demo-adyen-pay-{run}-{i}"))
            .await?;
        println!(
            "  {label:<6} {} → {status} {} via {} (next action: {})",
            p["id"].as_str().unwrap_or("-"),
            p["status"].as_str().unwrap_or("-"),
            p["connector"].as_str().unwrap_or("-"),
            p["next_action"]["type"].as_str().unwrap_or("none"),
        );
        if first.is_none() {
            first = Some(p);
        }
    }
    let Some(payment) = first else { return Ok(()) };
    let id = payment["id"].as_str().unwrap_or_default();
    let amount = payment["amount"].as_i64().unwrap_or_default();
    let notification = signed_authorisation(&hmac_key, id, amount, merchant_account)?;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v1/connectors/{connector_id}/notifications",
            operator.base
        ))
        .json(&notification)
        .send()
        .await?;
    println!(
        "  Adyen's AUTHORISATION notification (HMAC-signed) → {} {}",
        response.status().as_u16(),
        response.text().await.unwrap_or_default()
    );
    let after = seller.get(&format!("/v1/payments/{id}")).await?;
    println!(
        "  card payment {id} is now {} (fee {} in minor units)",
        after["status"].as_str().unwrap_or("-"),
        after["fee"]
    );
    Ok(())
}

/// A fresh 32-byte HMAC key, as hex.
fn hex_key() -> String {
    let key: [u8; 32] = rand::random();
    key.iter().map(|b| format!("{b:02X}")).collect()
}

/// The notification Adyen sends when the card payment is authorised.
fn signed_authorisation(
    hmac_key: &str,
    payment_id: &str,
    amount: i64,
    merchant_account: &str,
) -> anyhow::Result<Value> {
    let mut item = json!({
        "additionalData": {},
        "amount": {"currency": "EUR", "value": amount},
        "eventCode": "AUTHORISATION",
        "eventDate": "2026-12-01T10:00:00+01:00",
        "merchantAccountCode": merchant_account,
        "merchantReference": payment_id,
        "paymentMethod": "mc",
        "pspReference": "DEMO000000000001",
        "reason": "",
        "success": "true",
    });
    let parsed: NotificationItem = serde_json::from_value(item.clone())?;
    let key = HmacKey::parse_hex(hmac_key)?;
    item["additionalData"]["hmacSignature"] = json!(parsed.sign(&key));
    Ok(json!({"live": "false", "notificationItems": [{"NotificationRequestItem": item}]}))
}
