//! The naive PostgreSQL baseline: concurrent connections, one transaction
//! per transfer, `SELECT ... FOR UPDATE` on both account rows in id order.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio_postgres::{Client, Statement};

use super::naive::{self, NaiveTransfer};
use super::pg;
use super::stats::{RunTally, Summary};
use super::workload::Workload;

/// Creates the baseline's tables in the (fresh) database at `url` and seeds the accounts.
pub async fn create(url: &str, workload: &Workload) -> anyhow::Result<()> {
    let mut client = pg::connect(url).await?;
    client.batch_execute(naive::SCHEMA).await?;
    let (ids, balances): (Vec<i64>, Vec<i64>) = naive::accounts(workload).into_iter().unzip();
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO naive_accounts (id, balance, forbids_negative) \
         SELECT id, balance, 1 FROM UNNEST($1::bigint[], $2::bigint[]) AS u(id, balance)",
        &[&ids, &balances],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How one baseline run is driven.
#[derive(Debug, Clone)]
pub struct NaiveRun {
    /// Database URL.
    pub url: String,
    /// Concurrent connections, one transfer in flight on each.
    pub connections: usize,
    /// Most transfers.
    pub transfers: u64,
    /// Most wall time.
    pub time_cap: Duration,
    /// Client reference prefix (`None`: no client reference).
    pub client_ref_tag: Option<String>,
}

/// Runs the baseline; transaction ids continue after what the tables hold.
pub async fn run(spec: &NaiveRun, workload: &Arc<Workload>) -> anyhow::Result<Summary> {
    let first = pg::connect(&spec.url).await?;
    let max_id: i64 = first
        .query_one("SELECT COALESCE(MAX(id), 0) FROM naive_txns", &[])
        .await?
        .try_get(0)?;
    drop(first);
    let next_txn = Arc::new(AtomicI64::new(max_id + 1));
    let next = Arc::new(AtomicU64::new(0));
    let spec = Arc::new(spec.clone());
    let mut clients = Vec::with_capacity(spec.connections);
    for _ in 0..spec.connections {
        clients.push(pg::connect(&spec.url).await?);
    }
    let started = Instant::now();
    let deadline = started + spec.time_cap;
    let mut tasks = JoinSet::new();
    for client in clients {
        let (spec, workload, next, next_txn) = (
            spec.clone(),
            workload.clone(),
            next.clone(),
            next_txn.clone(),
        );
        tasks.spawn(async move {
            connection_loop(client, &spec, &workload, &next, &next_txn, deadline).await
        });
    }
    let mut tally = RunTally::default();
    while let Some(joined) = tasks.join_next().await {
        tally.merge(joined??);
    }
    Ok(tally.summary(started.elapsed()))
}

struct Prepared {
    select: Statement,
    insert_txn: Statement,
    insert_postings: Statement,
    update: Statement,
}

async fn connection_loop(
    mut client: Client,
    spec: &NaiveRun,
    workload: &Workload,
    next: &AtomicU64,
    next_txn: &AtomicI64,
    deadline: Instant,
) -> anyhow::Result<RunTally> {
    let select_for_update = format!("{} FOR UPDATE", naive::SELECT_ACCOUNT);
    let st = Prepared {
        select: client.prepare(&select_for_update).await?,
        insert_txn: client.prepare(naive::INSERT_TXN).await?,
        insert_postings: client.prepare(naive::INSERT_POSTINGS).await?,
        update: client.prepare(naive::UPDATE_BALANCE).await?,
    };
    let mut tally = RunTally::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= spec.transfers || Instant::now() >= deadline {
            return Ok(tally);
        }
        let transfer = NaiveTransfer::of(workload, i);
        let client_ref = spec.client_ref_tag.as_ref().map(|tag| format!("{tag}-{i}"));
        let txn_id = next_txn.fetch_add(1, Ordering::Relaxed);
        let sent = Instant::now();
        if transfer_once(&mut client, &st, transfer, txn_id, client_ref).await? {
            tally.record(1, 0, sent.elapsed());
        } else {
            tally.transfers_refused += 1;
        }
    }
}

/// One transfer in one transaction; `false` if the debit would go negative.
async fn transfer_once(
    client: &mut Client,
    st: &Prepared,
    t: NaiveTransfer,
    txn_id: i64,
    client_ref: Option<String>,
) -> anyhow::Result<bool> {
    let tx = client.transaction().await?;
    let mut balances = [(0i64, 0i64); 2];
    for (slot, id) in t.lock_order().into_iter().enumerate() {
        let row = tx.query_one(&st.select, &[&id]).await?;
        balances[slot] = (row.try_get(0)?, row.try_get(1)?);
    }
    let debit_slot = usize::from(t.debit != t.lock_order()[0]);
    let (debit_balance, debit_forbids) = balances[debit_slot];
    let debit_after = debit_balance - t.amount_minor;
    if debit_forbids != 0 && debit_after < 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let credit_after = balances[1 - debit_slot].0 + t.amount_minor;
    let kind = "bench_transfer";
    tx.execute(
        &st.insert_txn,
        &[&txn_id, &client_ref, &kind, &naive::now_micros()],
    )
    .await?;
    let minus = -t.amount_minor;
    tx.execute(
        &st.insert_postings,
        &[
            &txn_id,
            &t.debit,
            &minus,
            &debit_after,
            &t.credit,
            &t.amount_minor,
            &credit_after,
        ],
    )
    .await?;
    tx.execute(&st.update, &[&debit_after, &t.debit]).await?;
    tx.execute(&st.update, &[&credit_after, &t.credit]).await?;
    tx.commit().await?;
    Ok(true)
}
