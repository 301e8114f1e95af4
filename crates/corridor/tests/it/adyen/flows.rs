//! Every flow the connector runs, against Prism serving Adyen's Checkout API
//! v71 document in `--errors` mode: a request that violates the document is
//! refused and fails the test.

use std::time::Duration;

use corridor_connectors::adyen::{AdyenConfig, AdyenConnector, DetailsRequest, RefundRequest};
use corridor_connectors::{
    BankRedirect, CancelRequest, CaptureMode, CaptureRequest, CardDetails, ChargeOutcome,
    ChargeRequest, Clock, Connector, EncryptedCard, IdempotencyKey, NextAction, PaymentMethod,
    Voucher, Wallet,
};
use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency};

use super::prism::Prism;

fn connector(prism: &Prism, example: Option<&str>) -> AdyenConnector {
    let config = AdyenConfig {
        name: "adyen_test".into(),
        base_url: prism.url.clone(),
        api_key: "AQE_test_key".into(),
        merchant_account: "CorridorECOM".into(),
        raw_card_data: true,
        return_url: "https://corridor.test/v1/payments/return".into(),
        timeout: Duration::from_secs(30),
        extra_headers: example
            .map(|e| vec![("Prefer".to_string(), format!("example={e}"))])
            .unwrap_or_default(),
    };
    AdyenConnector::new(config, Clock::system()).expect("connector")
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).unwrap()
}

fn charge(
    id: &str,
    minor: i64,
    currency: &str,
    country: &str,
    method: PaymentMethod,
) -> ChargeRequest {
    ChargeRequest {
        payment_id: id.into(),
        idempotency_key: key(&format!("{id}-a1")),
        amount: Amount::positive(minor).unwrap(),
        currency: Currency::parse(currency).unwrap(),
        country: CountryCode::parse(country).unwrap(),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method,
    }
}

fn raw_card() -> PaymentMethod {
    PaymentMethod::Card(CardDetails {
        number: CardNumber::parse("5454545454545454").unwrap(),
        expiry: Expiry {
            month: 3,
            year: 2030,
        },
        cvc: "737".into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_frictionless_then_capture_cancel_and_refund() {
    let Some(prism) = Prism::start().await else {
        return;
    };
    // Frictionless: authorised at once, captured later.
    let card = connector(&prism, Some("card-direct"));
    let mut request = charge("pay_card1", 2_000, "EUR", "NL", raw_card());
    request.capture = CaptureMode::Manual;
    let authorised = card.charge(request).await.expect("charge");
    assert_eq!(authorised.outcome, ChargeOutcome::Authorized);
    assert_eq!(authorised.reference, "993617895204576J");
    assert_eq!(authorised.amount_captured, Amount::ZERO);

    let modifications = connector(&prism, None);
    let captured = modifications
        .capture(CaptureRequest {
            idempotency_key: key("pay_card1-capture"),
            reference: authorised.reference.clone(),
            amount: Amount::positive(2_000).unwrap(),
            currency: Some(Currency::parse("EUR").unwrap()),
        })
        .await
        .expect("capture");
    assert_eq!(captured.outcome, ChargeOutcome::Captured);
    assert_eq!(captured.amount_captured.minor(), 2_000);

    let canceled = modifications
        .cancel(CancelRequest {
            idempotency_key: key("pay_card1-cancel"),
            reference: authorised.reference.clone(),
            payment_amount: Some((
                Amount::positive(2_000).unwrap(),
                Currency::parse("EUR").unwrap(),
            )),
        })
        .await
        .expect("cancel");
    assert_eq!(canceled.outcome, ChargeOutcome::Canceled);

    let refund = modifications
        .refund(RefundRequest {
            idempotency_key: key("re_1"),
            reference: authorised.reference.clone(),
            amount: Amount::positive(500).unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            refund_reference: "re_1".into(),
        })
        .await
        .expect("refund");
    assert_eq!(refund.psp_reference, "993617894906488A");

    // A capture without the currency is refused before Adyen is called.
    let no_currency = modifications
        .capture(CaptureRequest {
            idempotency_key: key("pay_card1-capture2"),
            reference: authorised.reference.clone(),
            amount: Amount::positive(1).unwrap(),
            currency: None,
        })
        .await;
    assert!(no_currency.is_err());
    prism.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_challenge_by_redirect_and_by_the_3ds2_sdk_then_details() {
    let Some(prism) = Prism::start().await else {
        return;
    };
    // Encrypted fields from a client-side integration, 3DS required.
    let encrypted = PaymentMethod::EncryptedCard(EncryptedCard {
        number: "adyenjs_0_1_25$encrypted-number".into(),
        expiry_month: "adyenjs_0_1_25$encrypted-month".into(),
        expiry_year: "adyenjs_0_1_25$encrypted-year".into(),
        security_code: Some("adyenjs_0_1_25$encrypted-cvc".into()),
    });
    let mut request = charge("pay_card2", 12_000, "EUR", "DE", encrypted.clone());
    request.sca_required = true;
    let redirect = connector(&prism, Some("card-3d-secure-redirect"))
        .charge(request.clone())
        .await
        .expect("charge");
    let ChargeOutcome::RequiresAction(NextAction::ThreeDSecure { url }) = &redirect.outcome else {
        panic!("expected a 3DS redirect: {redirect:?}");
    };
    assert!(
        url.starts_with("https://checkoutshopper-test.adyen.com/"),
        "{url}"
    );
    assert_eq!(redirect.reference, "JLCMPCQ8HXSKGK82");

    // The buyer comes back with a redirectResult.
    let back = connector(&prism, None)
        .submit_details(DetailsRequest {
            idempotency_key: key("pay_card2-details-1"),
            payment_id: "pay_card2".into(),
            amount: request.amount,
            currency: request.currency,
            capture: CaptureMode::Automatic,
            details: vec![("redirectResult".into(), "X6XtfGC3!Y...".into())],
        })
        .await
        .expect("details");
    assert_eq!(back.outcome, ChargeOutcome::Captured);
    assert_eq!(back.reference, "V4HZ4RBFJGXXGN82");
    assert_eq!(back.amount_captured, request.amount);

    // Native 3DS2: the SDK's fingerprint step.
    request.payment_id = "pay_card3".into();
    request.idempotency_key = key("pay_card3-a1");
    let native = connector(&prism, Some("card-3d-secure-2-web"))
        .charge(request)
        .await
        .expect("charge");
    let ChargeOutcome::RequiresAction(NextAction::ThreeDSecureSdk { subtype, token }) =
        &native.outcome
    else {
        panic!("expected a 3DS2 SDK step: {native:?}");
    };
    assert_eq!(subtype, "fingerprint");
    assert!(!token.is_empty());
    // Without a pspReference yet, the payment is known by Corridor's id.
    assert_eq!(native.reference, "pay_card3");

    // A detail Adyen does not take is refused before the call.
    let refused = connector(&prism, None)
        .submit_details(DetailsRequest {
            idempotency_key: key("pay_card3-details-1"),
            payment_id: "pay_card3".into(),
            amount: Amount::positive(1).unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            capture: CaptureMode::Automatic,
            details: vec![("cardNumber".into(), "4111".into())],
        })
        .await;
    assert!(refused.is_err());
    prism.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_methods_alipay_wechat_pay_ideal_konbini_and_more() {
    let Some(prism) = Prism::start().await else {
        return;
    };
    let ideal = connector(&prism, Some("ideal"))
        .charge(charge(
            "pay_ideal",
            4_500,
            "EUR",
            "NL",
            PaymentMethod::BankRedirect(BankRedirect::Ideal),
        ))
        .await
        .expect("ideal");
    let ChargeOutcome::RequiresAction(NextAction::Redirect { url }) = &ideal.outcome else {
        panic!("expected a bank redirect: {ideal:?}");
    };
    assert!(url.starts_with("https://test.adyen.com/hpp/"), "{url}");

    // The document has no example answers for these methods; Prism answers
    // its first example, so what is checked is that every request is one
    // Adyen's document accepts and that the answer maps onto an action.
    let plain = connector(&prism, None);
    let cases = [
        (
            "pay_alipay",
            10_000,
            "CNY",
            "CN",
            PaymentMethod::Wallet(Wallet::Alipay),
        ),
        (
            "pay_wechat",
            10_000,
            "CNY",
            "CN",
            PaymentMethod::Wallet(Wallet::WechatPay),
        ),
        (
            "pay_konbini",
            5_000,
            "JPY",
            "JP",
            PaymentMethod::Voucher(Voucher::Konbini),
        ),
        (
            "pay_paypay",
            5_000,
            "JPY",
            "JP",
            PaymentMethod::Wallet(Wallet::PayPay),
        ),
        (
            "pay_grab",
            5_000,
            "SGD",
            "SG",
            PaymentMethod::Wallet(Wallet::GrabPay),
        ),
        ("pay_pix", 5_000, "BRL", "BR", PaymentMethod::Pix),
        (
            "pay_upi",
            5_000,
            "INR",
            "IN",
            PaymentMethod::Upi {
                vpa: "buyer@okbank".into(),
            },
        ),
        (
            "pay_oxxo",
            5_000,
            "MXN",
            "MX",
            PaymentMethod::Voucher(Voucher::Oxxo),
        ),
        (
            "pay_klarna",
            5_000,
            "EUR",
            "DE",
            PaymentMethod::Bnpl(corridor_connectors::Bnpl::Klarna),
        ),
        (
            "pay_bcmc",
            5_000,
            "EUR",
            "BE",
            PaymentMethod::BankRedirect(BankRedirect::Bancontact),
        ),
    ];
    for (id, minor, currency, country, method) in cases {
        let answer = plain
            .charge(charge(id, minor, currency, country, method))
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(
            matches!(answer.outcome, ChargeOutcome::RequiresAction(_)),
            "{id}: {answer:?}"
        );
    }

    // What the merchant account offers.
    let offered = plain
        .payment_methods(CountryCode::parse("NL").ok(), None)
        .await
        .expect("payment methods");
    assert!(offered.iter().any(|m| m.kind == "ideal"), "{offered:?}");
    assert!(offered.iter().any(|m| m.kind == "scheme"), "{offered:?}");

    // Raw card data is refused when the operator did not enable it.
    let mut config = plain.config().clone();
    config.raw_card_data = false;
    let pci_free = AdyenConnector::new(config, Clock::system()).unwrap();
    let refused = pci_free
        .charge(charge("pay_raw", 1_000, "EUR", "NL", raw_card()))
        .await;
    assert!(
        matches!(refused, Err(corridor_connectors::ConnectorError::InvalidRequest(ref m)) if m.contains("raw_card_data")),
        "{refused:?}"
    );
    prism.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_reports_a_request_that_violates_the_document() {
    let Some(prism) = Prism::start().await else {
        return;
    };
    // No merchantAccount, no returnUrl, no paymentMethod.
    let answer = reqwest::Client::new()
        .post(format!("{}/payments", prism.url))
        .header("X-API-Key", "AQE_test_key")
        .json(&serde_json::json!({"amount": {"currency": "EUR", "value": 1}, "reference": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 422);
    for _ in 0..50 {
        if !prism.violations().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        prism
            .violations()
            .iter()
            .any(|v| v.contains("merchantAccount")),
        "{:?}",
        prism.violations()
    );
}
