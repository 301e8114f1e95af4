//! End-to-end tests: a real server on port 0, a fresh database per test,
//! every test on SQLite and on PostgreSQL.

mod support;

mod bad_input;
mod crash;
mod idempotency;
mod ledger_api;
mod markets;
mod merchants;
mod operations;
mod payments;
mod payout_crash;
mod payouts;
mod sandbox_server;
mod secrets;
mod webhooks;
