//! The writer against a backend that misbehaves on purpose: a commit whose
//! reply is lost, and a request the database refuses inside a batch.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use corridor_core::ledger::{AccountId, AccountKind, AccountState, HoldId, HoldState, Recorded};
use corridor_core::ledger::{Side, TxnMeta};
use corridor_core::{Amount, Currency};

use super::*;
use crate::records::{LedgerOp, Owner, TransferLeg};
use crate::{MerchantRecord, TestClock};

/// How the wrapped backend's next commits behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Commit, then report an error as if the reply was lost.
    CommitThenLoseReply,
    /// Refuse any batch holding a merchant named `poison`; the first commit
    /// also waits, so that requests pile up into one batch.
    RefusePoison,
}

#[derive(Default)]
struct Log {
    batch_sizes: Vec<usize>,
}

struct Flaky<B> {
    inner: B,
    mode: Arc<Mutex<Mode>>,
    log: Arc<Mutex<Log>>,
    slow_first: bool,
}

impl<B: WriterBackend> WriterBackend for Flaky<B> {
    fn next_ids(&mut self) -> Result<NextIds, StoreError> {
        self.inner.next_ids()
    }
    fn known_keys(&mut self) -> Result<(super::KnownKeys, Option<super::KeyFill>), StoreError> {
        self.inner.known_keys()
    }
    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        self.inner.load_accounts(keys)
    }
    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError> {
        self.inner.load_accounts_by_id(ids)
    }
    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError> {
        self.inner.load_holds(ids)
    }
    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError> {
        self.inner.load_client_refs(refs)
    }
    fn load_idempotency(
        &mut self,
        keys: &[(String, String)],
    ) -> Result<Vec<IdempotencyRecord>, StoreError> {
        self.inner.load_idempotency(keys)
    }
    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.inner.load_payment_versions(ids)
    }
    fn load_after_sales_versions(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.inner.load_after_sales_versions(ids)
    }
    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.inner.load_refund_basis(payment_ids)
    }
    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        self.inner.load_fx_versions(ids)
    }
    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.inner.load_versions(sql, ids)
    }
    fn commit(&mut self, rows: &BatchRows) -> Result<(), StoreError> {
        if self.slow_first {
            self.slow_first = false;
            std::thread::sleep(Duration::from_millis(300));
        }
        let mode = *self.mode.lock().unwrap();
        let size = rows.txns.len() + rows.merchants.len();
        self.log.lock().unwrap().batch_sizes.push(size);
        match mode {
            Mode::Normal => self.inner.commit(rows),
            Mode::CommitThenLoseReply => {
                *self.mode.lock().unwrap() = Mode::Normal;
                self.inner.commit(rows)?;
                Err(StoreError::CommitUnknown("connection reset".into()))
            }
            Mode::RefusePoison if rows.merchants.iter().any(|m| m.legal_name == "poison") => {
                Err(StoreError::Corrupt("the database refused a value".into()))
            }
            Mode::RefusePoison => self.inner.commit(rows),
        }
    }
}

struct Harness {
    writer: LedgerWriter,
    mode: Arc<Mutex<Mode>>,
    log: Arc<Mutex<Log>>,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn harness(slow_first: bool) -> Harness {
    harness_with(slow_first, WriterConfig::default())
}

fn harness_with(slow_first: bool, config: WriterConfig) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let (_reads, backend) = crate::sqlite::open(&path).unwrap();
    let mode = Arc::new(Mutex::new(Mode::Normal));
    let log = Arc::new(Mutex::new(Log::default()));
    let flaky = Flaky {
        inner: backend,
        mode: mode.clone(),
        log: log.clone(),
        slow_first,
    };
    let writer = LedgerWriter::start(flaky, Arc::new(TestClock::default()), config).unwrap();
    Harness {
        writer,
        mode,
        log,
        path,
        _dir: dir,
    }
}

/// A transfer of `minor` EUR cents from the platform to `mer_1`'s pending
/// account (shared with the digest tests).
pub(super) fn transfer(minor: i64) -> WriteRequest {
    let key = |owner: Owner, kind| AccountKey {
        owner,
        currency: Currency::parse("EUR").unwrap(),
        kind,
    };
    let amount = Amount::positive(minor).unwrap();
    WriteRequest {
        op: WriteOp::Ledger(LedgerWrite {
            client_ref: None,
            op: LedgerOp::Transfer(vec![
                TransferLeg {
                    account: key(Owner::Platform, AccountKind::PlatformClearing),
                    side: Side::Debit,
                    amount,
                },
                TransferLeg {
                    account: key(
                        Owner::Merchant("mer_1".into()),
                        AccountKind::MerchantPending,
                    ),
                    side: Side::Credit,
                    amount,
                },
            ]),
            meta: TxnMeta::default(),
        }),
        idempotency: None,
    }
}

fn merchant(name: &str) -> WriteRequest {
    WriteRequest {
        op: WriteOp::CreateMerchant {
            merchant: MerchantRecord {
                id: format!("mer_{name}"),
                legal_name: name.into(),
                country: "DE".into(),
                home_currency: Currency::parse("EUR").unwrap(),
                email: None,
                website: None,
                marketplace_store_ids: Vec::new(),
                kyb_status: "pending".into(),
                created_at: corridor_core::Timestamp::from_unix_micros(0),
            },
            api_key: crate::ApiKeyRecord {
                key_hash: format!("hash_{name}"),
                principal: crate::Principal::Merchant(format!("mer_{name}")),
            },
        },
        idempotency: None,
    }
}

/// Postings, and accounts whose stored balance is not the sum of their postings.
fn audit(path: &std::path::Path) -> (i64, i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    let postings: i64 = c
        .query_row("SELECT COUNT(*) FROM postings", [], |r| r.get(0))
        .unwrap();
    let wrong: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM accounts a WHERE a.posted <> \
             (SELECT COALESCE(SUM(p.amount), 0) FROM postings p WHERE p.account_id = a.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (postings, wrong)
}

#[tokio::test]
async fn a_commit_whose_reply_is_lost_does_not_poison_later_writes() {
    let h = harness(false);
    h.writer.submit(transfer(100)).await.unwrap();
    *h.mode.lock().unwrap() = Mode::CommitThenLoseReply;
    let lost = h.writer.submit(transfer(200)).await;
    assert!(lost.is_err(), "the lost reply is reported: {lost:?}");
    // The writer re-reads ids and balances: later writes use fresh ids and
    // build on the committed balance.
    for minor in [300, 400] {
        let done = h.writer.submit(transfer(minor)).await;
        assert!(
            matches!(
                done,
                Ok(WriteResult::Done {
                    outcome: WriteOutcome::Ledger(Ok(_)),
                    ..
                })
            ),
            "{done:?}"
        );
    }
    // The database is the log's projection: reopening waits until the
    // stopped writer's projection has applied everything.
    drop(h.writer);
    drop(crate::sqlite::open(&h.path).unwrap());
    let (postings, wrong) = audit(&h.path);
    assert_eq!(postings, 8, "four transfers of two legs each are stored");
    assert_eq!(wrong, 0, "every stored balance is the sum of its postings");
}

#[tokio::test]
async fn a_request_the_database_refuses_fails_alone() {
    let h = harness(true);
    *h.mode.lock().unwrap() = Mode::RefusePoison;
    // The first request holds the writer (slow commit) while the rest queue
    // up and arrive as one batch.
    let first = tokio::spawn({
        let w = h.writer.clone();
        async move { w.submit(transfer(1)).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let w = h.writer.clone();
        let request = if i == 4 {
            merchant("poison")
        } else if i % 2 == 0 {
            merchant(&format!("m{i}"))
        } else {
            transfer(10 + i)
        };
        tasks.push(tokio::spawn(async move { w.submit(request).await }));
    }
    assert!(first.await.unwrap().is_ok());
    for (i, task) in tasks.into_iter().enumerate() {
        let result = task.await.unwrap();
        assert_eq!(result.is_err(), i == 4, "request {i}: {result:?}");
    }
    let sizes = h.log.lock().unwrap().batch_sizes.clone();
    assert!(
        sizes.iter().skip(1).any(|s| *s > 1),
        "the poison shared a batch with others at first: {sizes:?}"
    );
    let (postings, wrong) = audit(&h.path);
    assert_eq!(postings, 2 * 6, "the first and the five other transfers");
    assert_eq!(wrong, 0);
    let c = rusqlite::Connection::open(&h.path).unwrap();
    let merchants: i64 = c
        .query_row("SELECT COUNT(*) FROM merchants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(merchants, 4, "every merchant but the poison");
}

#[tokio::test]
async fn a_second_writer_on_the_same_file_is_refused() {
    let h = harness(false);
    let second = crate::sqlite::open(&h.path);
    match second {
        Err(StoreError::Locked(message)) => assert!(message.contains("another corridor process")),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a second writer opened the same database"),
    }
}

fn audited(request: WriteRequest, action: &str) -> WriteRequest {
    let entry = crate::AuditEntry {
        actor: "operator".into(),
        action: action.into(),
        object_id: "obj".into(),
        detail: "{}".into(),
    };
    WriteRequest {
        op: request.op.audited(vec![entry]),
        idempotency: None,
    }
}

/// A debit of the merchant's pending balance the ledger refuses.
fn overdraw() -> WriteRequest {
    let mut request = transfer(1_000_000);
    if let WriteOp::Ledger(LedgerWrite {
        op: LedgerOp::Transfer(legs),
        ..
    }) = &mut request.op
    {
        for leg in legs.iter_mut() {
            leg.side = match leg.side {
                Side::Debit => Side::Credit,
                Side::Credit => Side::Debit,
            };
        }
    }
    request
}

#[tokio::test]
async fn an_audited_write_records_its_action_only_when_it_is_applied() {
    let h = harness(false);
    let done = h
        .writer
        .submit(audited(merchant("audited"), "merchant.created"))
        .await
        .unwrap();
    assert!(
        matches!(
            done,
            WriteResult::Done {
                outcome: WriteOutcome::MerchantCreated,
                ..
            }
        ),
        "{done:?}"
    );
    h.writer
        .submit(audited(transfer(500), "merchant.adjusted"))
        .await
        .unwrap();
    let refused = h
        .writer
        .submit(audited(overdraw(), "merchant.overdrawn"))
        .await
        .unwrap();
    assert!(
        matches!(&refused, WriteResult::Done { outcome, .. } if outcome.is_refused()),
        "{refused:?}"
    );
    drop(h.writer);
    drop(crate::sqlite::open(&h.path).unwrap());
    let c = rusqlite::Connection::open(&h.path).unwrap();
    let mut statement = c
        .prepare("SELECT seq, at, actor, action, object_id, detail, prev_hash, hash FROM compliance_audit ORDER BY seq")
        .unwrap();
    let records: Vec<crate::AuditRecord> = statement
        .query_map([], |r| {
            Ok(crate::AuditRecord {
                seq: r.get(0)?,
                at: corridor_core::Timestamp::from_unix_micros(r.get(1)?),
                actor: r.get(2)?,
                action: r.get(3)?,
                object_id: r.get(4)?,
                detail: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["merchant.created", "merchant.adjusted"]);
    let head: (String, i64) = c
        .query_row("SELECT hash, seq FROM compliance_audit_head", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(crate::verify_audit_chain(&records, Some(head)), Ok(2));
}

fn applied(result: &Result<WriteResult, StoreError>) -> bool {
    matches!(
        result,
        Ok(WriteResult::Done {
            outcome: WriteOutcome::Ledger(Ok(_)) | WriteOutcome::MerchantCreated,
            ..
        })
    )
}

#[tokio::test]
async fn a_group_gets_each_request_s_own_result_in_order() {
    let h = harness(true);
    *h.mode.lock().unwrap() = Mode::RefusePoison;
    let results = h
        .writer
        .submit_all(vec![
            transfer(1),
            merchant("poison"),
            overdraw(),
            transfer(2),
            merchant("kept"),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 5);
    assert!(applied(&results[0]), "{:?}", results[0]);
    assert!(
        results[1].is_err(),
        "the database refused it: {:?}",
        results[1]
    );
    assert!(
        matches!(&results[2], Ok(WriteResult::Done { outcome, .. }) if outcome.is_refused()),
        "the ledger refused the overdraft: {:?}",
        results[2]
    );
    assert!(applied(&results[3]), "{:?}", results[3]);
    assert!(applied(&results[4]), "{:?}", results[4]);
    assert!(h.writer.submit_all(Vec::new()).await.unwrap().is_empty());
    drop(h.writer);
    drop(crate::sqlite::open(&h.path).unwrap());
    let (postings, wrong) = audit(&h.path);
    assert_eq!(postings, 2 * 2, "the two transfers, not the overdraft");
    assert_eq!(wrong, 0);
}

#[tokio::test]
async fn a_group_larger_than_a_batch_spans_batches_and_shares_them() {
    let h = harness_with(true, WriterConfig { max_batch: 4 });
    // The first request holds the writer while a group of 10 and a single
    // request queue up behind it.
    let first = tokio::spawn({
        let w = h.writer.clone();
        async move { w.submit(transfer(1)).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let group = tokio::spawn({
        let w = h.writer.clone();
        async move {
            w.submit_all((0..10).map(|i| transfer(10 + i)).collect())
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    let single = h.writer.submit(transfer(100)).await;
    assert!(applied(&first.await.unwrap()));
    let results = group.await.unwrap().unwrap();
    assert_eq!(results.len(), 10);
    assert!(results.iter().all(applied), "{results:?}");
    assert!(applied(&single), "{single:?}");
    let sizes = h.log.lock().unwrap().batch_sizes.clone();
    assert_eq!(
        sizes,
        [1, 4, 4, 3],
        "the single request fills the last batch"
    );
    drop(h.writer);
    drop(crate::sqlite::open(&h.path).unwrap());
    let (postings, wrong) = audit(&h.path);
    assert_eq!(postings, 2 * 12);
    assert_eq!(wrong, 0);
}

#[tokio::test]
async fn the_known_keys_filter_says_perhaps_until_filled_then_knows_stored_references() {
    let h = harness(false);
    let mut request = transfer(5);
    if let WriteOp::Ledger(write) = &mut request.op {
        write.client_ref = Some("ref-stored".into());
    }
    assert!(applied(&h.writer.submit(request).await));
    drop(h.writer);
    let (_reads, mut backend) = crate::sqlite::open(&h.path).unwrap();
    let (keys, fill) = backend.known_keys().unwrap();
    let fill = fill.expect("a database file is filled from in the background");
    let unknown = |keys: &KnownKeys| {
        (0..100)
            .filter(|i| keys.may_hold(KnownKeys::CLIENT_REFS, &format!("ref-new-{i}")))
            .count()
    };
    assert_eq!(unknown(&keys), 100, "everything is perhaps until filled");
    fill(&keys).unwrap();
    keys.mark_filled();
    assert!(keys.may_hold(KnownKeys::CLIENT_REFS, "ref-stored"));
    assert!(
        unknown(&keys) < 5,
        "new references are known to be new once filled"
    );

    // A fill whose writer has stopped stops too, and marks nothing.
    let (abandoned, fill) = backend.known_keys().unwrap();
    abandoned.abandon();
    assert!(matches!(
        fill.unwrap()(&abandoned),
        Err(StoreError::WriterStopped)
    ));
    assert_eq!(unknown(&abandoned), 100);
}

#[tokio::test]
async fn the_filter_is_abandoned_once_every_writer_handle_is_gone() {
    let h = harness(false);
    let keys = h.writer.keys.clone();
    assert!(!keys.abandoned());
    drop(h.writer);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !keys.abandoned() {
        assert!(
            std::time::Instant::now() < deadline,
            "the writer never ended"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
