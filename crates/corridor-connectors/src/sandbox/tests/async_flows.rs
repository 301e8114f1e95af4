//! Asynchronous completions: vouchers paid later, QR codes and collect
//! requests that expire, redirects, SEPA debits, simulated buyers.

use super::*;
use crate::{BankRedirect, ChargeOutcome, Decline, DeclineCode, NextAction, Voucher, Wallet};

#[test]
fn a_paid_voucher_is_confirmed_later_and_notified() {
    let (world, clock) = world(41);
    let andes = connector(&world, "andes");
    let mut events = world.subscribe();
    let voucher = charge(
        &andes,
        charge_request(
            "oxxo",
            PaymentMethod::Voucher(Voucher::Oxxo),
            50_000,
            "MXN",
            "MX",
        ),
    )
    .unwrap();
    let ChargeOutcome::RequiresAction(NextAction::Voucher {
        number,
        barcode,
        expires_at,
    }) = &voucher.outcome
    else {
        panic!("{voucher:?}")
    };
    assert_eq!((number.len(), barcode.len()), (14, 30));
    assert_eq!(*expires_at, START.plus_seconds(3 * 86_400));

    clock.advance_seconds(3_600);
    let paid = ready(andes.complete_action(&voucher.reference)).unwrap();
    assert_eq!(paid.outcome, ChargeOutcome::Pending);
    assert_eq!(
        events.try_recv().unwrap().charge.outcome,
        ChargeOutcome::Pending
    );

    clock.advance_seconds(world.config().timings.oxxo_settle_seconds - 1);
    assert!(world.tick().is_empty(), "not yet confirmed");
    clock.advance_seconds(1);
    world.tick();
    let confirmed = events.try_recv().unwrap();
    assert_eq!(
        (confirmed.psp.as_str(), confirmed.payment_id.as_str()),
        ("andes", "pay_oxxo")
    );
    assert_eq!(confirmed.charge.outcome, ChargeOutcome::Captured);
    // 3.60% of MXN 500.00 + MXN 10.00.
    assert_eq!(confirmed.charge.fee.minor(), 1_800 + 1_000);
    assert_eq!(confirmed.created_at, clock.now());
    let later = ready(andes.retrieve(&voucher.reference)).unwrap();
    assert_eq!(later.outcome, ChargeOutcome::Captured);
}

#[test]
fn unpaid_vouchers_and_pix_codes_expire() {
    let (world, clock) = world(42);
    let andes = connector(&world, "andes");
    let boleto = charge(
        &andes,
        charge_request(
            "boleto",
            PaymentMethod::Voucher(Voucher::Boleto),
            10_000,
            "BRL",
            "BR",
        ),
    )
    .unwrap();
    let pix = charge(
        &andes,
        charge_request("pix", PaymentMethod::Pix, 10_000, "BRL", "BR"),
    )
    .unwrap();
    let ChargeOutcome::RequiresAction(NextAction::QrCode {
        payload,
        expires_at,
    }) = &pix.outcome
    else {
        panic!("{pix:?}")
    };
    assert!(
        payload.starts_with("000201") && payload.contains("br.gov.bcb.pix"),
        "{payload}"
    );
    clock.set(*expires_at);
    let expired = world.tick();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].charge.reference, pix.reference);
    assert_eq!(
        expired[0].charge.outcome,
        ChargeOutcome::Declined(Decline::new(DeclineCode::ActionExpired))
    );
    assert_eq!(
        ready(andes.complete_action(&pix.reference))
            .unwrap()
            .outcome,
        expired[0].charge.outcome,
        "too late to scan"
    );

    clock.set(START.plus_seconds(3 * 86_400));
    let lapsed = ready(andes.retrieve(&boleto.reference)).unwrap();
    assert_eq!(
        lapsed.outcome,
        ChargeOutcome::Declined(Decline::new(DeclineCode::ActionExpired)),
        "events run before every call"
    );
}

#[test]
fn scanning_a_qr_code_pays_at_once() {
    let (world, _) = world(43);
    let lotus = connector(&world, "lotus");
    let wechat = charge(
        &lotus,
        charge_request(
            "wx",
            PaymentMethod::Wallet(Wallet::WechatPay),
            8_800,
            "CNY",
            "CN",
        ),
    )
    .unwrap();
    assert!(
        matches!(&wechat.outcome, ChargeOutcome::RequiresAction(NextAction::QrCode { payload, .. }) if payload.starts_with("weixin://"))
    );
    assert_eq!(
        ready(lotus.complete_action(&wechat.reference))
            .unwrap()
            .outcome,
        ChargeOutcome::Captured
    );
}

#[test]
fn redirects_and_upi_requests_are_decided_when_the_buyer_acts() {
    let (world, _) = world(44);
    let meridian = connector(&world, "meridian");
    let lotus = connector(&world, "lotus");
    let mut decided = 0;
    for i in 0..200 {
        let ideal = charge(
            &meridian,
            charge_request(
                &format!("ideal{i}"),
                PaymentMethod::BankRedirect(BankRedirect::Ideal),
                2_000,
                "EUR",
                "NL",
            ),
        )
        .unwrap();
        assert!(matches!(
            ideal.outcome,
            ChargeOutcome::RequiresAction(NextAction::Redirect { .. })
        ));
        let upi = charge(
            &lotus,
            charge_request(
                &format!("upi{i}"),
                PaymentMethod::Upi {
                    vpa: "asha@okbank".into(),
                },
                50_000,
                "INR",
                "IN",
            ),
        )
        .unwrap();
        assert!(
            matches!(&upi.outcome, ChargeOutcome::RequiresAction(NextAction::UpiCollect { vpa, .. }) if vpa == "asha@okbank")
        );
        for (psp, reference) in [(&meridian, &ideal.reference), (&lotus, &upi.reference)] {
            let outcome = ready(psp.complete_action(reference)).unwrap().outcome;
            assert!(
                matches!(
                    outcome,
                    ChargeOutcome::Captured | ChargeOutcome::Declined(_)
                ),
                "{outcome:?}"
            );
            decided += usize::from(outcome == ChargeOutcome::Captured);
        }
    }
    assert!(
        (340..=390).contains(&decided),
        "{decided} of 400 approved at 96% and 90%"
    );
}

#[test]
fn malformed_upi_addresses_are_refused() {
    let (world, _) = world(45);
    let request = charge_request(
        "upi",
        PaymentMethod::Upi {
            vpa: "not-an-address".into(),
        },
        50_000,
        "INR",
        "IN",
    );
    assert!(matches!(
        charge(&connector(&world, "lotus"), request),
        Err(ConnectorError::InvalidRequest(_))
    ));
}

#[test]
fn simulated_buyers_complete_about_their_share_before_expiry() {
    let clock = ManualClock::new(START);
    let config = SandboxConfig {
        background_faults: false,
        simulate_buyers: true,
        ..SandboxConfig::virtual_time(46)
    };
    let world = SandboxWorld::standard(config, clock.clock());
    let lotus = connector(&world, "lotus");
    let references: Vec<String> = (0..2_000)
        .map(|i| {
            charge(
                &lotus,
                charge_request(
                    &format!("kb{i}"),
                    PaymentMethod::Voucher(Voucher::Konbini),
                    3_000,
                    "JPY",
                    "JP",
                ),
            )
            .unwrap()
            .reference
        })
        .collect();
    clock.advance_seconds(4 * 86_400);
    world.tick();
    let paid = references
        .iter()
        .filter(|r| ready(lotus.retrieve(r)).unwrap().outcome == ChargeOutcome::Captured)
        .count();
    // lotus's konbini buyers pay 75% of vouchers.
    assert!((1_420..=1_580).contains(&paid), "{paid} of 2000 paid");
}
