//! A request the database refuses fails alone: a payment whose description
//! holds a NUL (PostgreSQL's text cannot store one; SQLite's can) shares a
//! batch with others, which all succeed; and the writer keeps working.

use corridor_core::Timestamp;
use corridor_store::{
    PaymentRecord, PaymentWrite, WriteOp, WriteOutcome, WriteRequest, WriteResult,
};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    a_value_the_database_refuses_fails_alone => a_value_the_database_refuses_fails_alone_sqlite, a_value_the_database_refuses_fails_alone_postgres;
}

fn payment(id: &str, description: &str) -> WriteRequest {
    let now = Timestamp::from_unix_micros(1_800_000_000_000_000);
    let payment = PaymentRecord {
        id: id.to_string(),
        merchant_id: "mer_1".into(),
        status: corridor_core::payments::status::PaymentStatus::RequiresPaymentMethod,
        amount: 1_000,
        currency: cur("USD"),
        country: "US".into(),
        method_type: corridor_core::payments::method::MethodType::Card,
        capture_method: corridor_core::payments::method::CaptureMode::Automatic,
        card: None,
        connector: None,
        connector_ref: None,
        amount_captured: 0,
        amount_refunded: 0,
        fee: 0,
        next_action: None,
        decline_code: None,
        description: Some(description.to_string()),
        metadata: None,
        customer_email: None,
        expires_at: None,
        settle_at: None,
        settled: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    WriteRequest {
        op: WriteOp::Payment(Box::new(PaymentWrite {
            payment,
            expected_version: None,
            attempts: Vec::new(),
            ledger: None,
            events: Vec::new(),
            started_key: None,
        })),
        idempotency: None,
    }
}

async fn a_value_the_database_refuses_fails_alone(ctx: Ctx) {
    let postgres = ctx.store.backend_name() == "postgres";
    let mut tasks = Vec::new();
    for i in 0..40 {
        let description = if i == 17 {
            "nul \0 inside".to_string()
        } else {
            format!("order {i}")
        };
        let writer = ctx.store.writer().clone();
        tasks.push(tokio::spawn(async move {
            writer
                .submit(payment(&format!("pay_{i}"), &description))
                .await
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let result = task.await.unwrap();
        let refused = i == 17 && postgres;
        match result {
            Ok(WriteResult::Done {
                outcome: WriteOutcome::Payment(Ok(_)),
                ..
            }) => assert!(!refused, "PostgreSQL stored a NUL"),
            Err(_) => assert!(refused, "request {i} failed with the poison"),
            other => panic!("request {i}: {other:?}"),
        }
    }
    for i in 0..40 {
        let stored = ctx.store.payment(&format!("pay_{i}")).await.unwrap();
        assert_eq!(stored.is_some(), !(i == 17 && postgres), "payment {i}");
    }
    // The writer goes on.
    let after = ctx
        .store
        .writer()
        .submit(payment("pay_after", "fine"))
        .await;
    assert!(after.is_ok(), "{after:?}");
}
