//! Conformance tests of the store: every test runs once on SQLite and once
//! on PostgreSQL, through the public API only.
//!
//! PostgreSQL comes from `CORRIDOR_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own
//! database there and drops it afterwards. An unreachable server fails the
//! PostgreSQL tests: they are never skipped. `scripts/test` starts a
//! throwaway server when none is running.

/// Generates `#[tokio::test]` wrappers running `test(ctx)` on each backend:
/// `on_both_backends! { test => test_sqlite, test_postgres; }`.
macro_rules! on_both_backends {
    ($($test:ident => $sqlite:ident, $postgres:ident;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $sqlite() {
                $test($crate::db::Ctx::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $postgres() {
                $test($crate::db::Ctx::postgres().await).await;
            }
        )*
    };
}

mod db;
mod ledger;

mod concurrency;
mod connector_health;
mod durability;
mod holds;
mod idempotency;
mod log;
mod poison;
mod randomized;
mod records;
mod transfers;
mod verify;
