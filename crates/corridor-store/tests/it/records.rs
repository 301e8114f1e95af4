//! Merchants, API keys and idempotency keys: written by the writer, read back.

use corridor_core::Timestamp;
use corridor_store::{
    ApiKeyRecord, IdempotencyCapture, MerchantRecord, Principal, StoredResponse, WriteOp,
    WriteOutcome, WriteRequest, WriteResult,
};

use crate::db::Ctx;
use crate::ledger::*;

on_both_backends! {
    merchants_and_keys_round_trip => merchants_and_keys_round_trip_sqlite, merchants_and_keys_round_trip_postgres;
    idempotency_key_completes_once => idempotency_key_completes_once_sqlite, idempotency_key_completes_once_postgres;
}

fn merchant_record(id: &str, created_micros: i64) -> MerchantRecord {
    MerchantRecord {
        id: id.to_string(),
        legal_name: format!("{id} GmbH"),
        country: "DE".into(),
        home_currency: cur("EUR"),
        email: Some(format!("ops@{id}.example")),
        website: None,
        marketplace_store_ids: vec!["amzn-1".into(), "amzn-2".into()],
        kyb_status: "pending".into(),
        created_at: Timestamp::from_unix_micros(created_micros),
    }
}

async fn write_op(ctx: &Ctx, op: WriteOp) -> WriteOutcome {
    let request = WriteRequest {
        op,
        idempotency: None,
    };
    match ctx.store.writer().submit(request).await.unwrap() {
        WriteResult::Done { outcome, .. } => outcome,
        other => panic!("unexpected {other:?}"),
    }
}

async fn merchants_and_keys_round_trip(ctx: Ctx) {
    for (i, id) in ["mer_1", "mer_2", "mer_3"].into_iter().enumerate() {
        let op = WriteOp::CreateMerchant {
            merchant: merchant_record(id, 1_000 + i as i64),
            api_key: ApiKeyRecord {
                key_hash: format!("hash-{id}"),
                principal: Principal::Merchant(id.into()),
            },
        };
        assert_eq!(write_op(&ctx, op).await, WriteOutcome::MerchantCreated);
    }
    let s = &ctx.store;
    assert_eq!(
        s.merchant("mer_2").await.unwrap(),
        Some(merchant_record("mer_2", 1_001))
    );
    assert_eq!(s.merchant("mer_9").await.unwrap(), None);

    let first = s.merchants(2, None).await.unwrap();
    let ids: Vec<_> = first.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!((ids, first.has_more), (vec!["mer_3", "mer_2"], true));
    let rest = s.merchants(2, Some("mer_2")).await.unwrap();
    let ids: Vec<_> = rest.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!((ids, rest.has_more), (vec!["mer_1"], false));

    assert_eq!(
        s.principal_for_key("hash-mer_1").await.unwrap(),
        Some(Principal::Merchant("mer_1".into()))
    );
    assert_eq!(s.principal_for_key("nope").await.unwrap(), None);
    let operator = ApiKeyRecord {
        key_hash: "hash-operator".into(),
        principal: Principal::Operator,
    };
    for _ in 0..2 {
        let outcome = write_op(&ctx, WriteOp::RegisterApiKey(operator.clone())).await;
        assert_eq!(outcome, WriteOutcome::ApiKeyRegistered);
    }
    assert_eq!(s.operator_key_count().await.unwrap(), 1);
}

fn capture(key: &str) -> IdempotencyCapture {
    IdempotencyCapture {
        scope: "mer_a".into(),
        key: key.into(),
        request_hash: "digest".into(),
        respond: Box::new(|outcome, _at| {
            Some(StoredResponse {
                status: 201,
                body: format!("{}", matches!(outcome, WriteOutcome::Ledger(Ok(_)))),
            })
        }),
    }
}

async fn idempotency_key_completes_once(ctx: Ctx) {
    let (a, b) = (merchant("mer_a", "USD"), merchant("mer_b", "USD"));
    fund(&ctx.store, &a, 1000).await;
    let request = || WriteRequest {
        op: WriteOp::Ledger(write(transfer(&a, &b, 100))),
        idempotency: Some(capture("key-1")),
    };
    let expected = StoredResponse {
        status: 201,
        body: "true".into(),
    };
    match ctx.store.writer().submit(request()).await.unwrap() {
        WriteResult::Done { response, .. } => assert_eq!(response, Some(expected.clone())),
        other => panic!("unexpected {other:?}"),
    }
    let stored = ctx
        .store
        .idempotency("mer_a", "key-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.response, expected);
    assert_eq!(stored.request_hash, "digest");
    assert_eq!(ctx.store.idempotency("mer_b", "key-1").await.unwrap(), None);
    let state = ctx.store.key_state("mer_a", "key-1").await.unwrap();
    assert_eq!(state.completed, Some(stored.clone()));
    let other_scope = ctx.store.key_state("mer_b", "key-1").await.unwrap();
    assert_eq!(other_scope, Default::default());

    // The key is durable and nothing is applied twice. The admission read
    // still finds it: the writer's known keys are filled from the database
    // when it starts.
    let ctx = ctx.reopen().await;
    let state = ctx.store.key_state("mer_a", "key-1").await.unwrap();
    assert_eq!(state.completed, Some(stored.clone()));
    match ctx.store.writer().submit(request()).await.unwrap() {
        WriteResult::AlreadyCompleted(record) => assert_eq!(record, stored),
        other => panic!("a completed key was applied again: {other:?}"),
    }
    assert_eq!(balance(&ctx.store, &b).await, (100, 0, 0));
}
