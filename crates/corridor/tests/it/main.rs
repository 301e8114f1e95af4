//! End-to-end tests: a real server on port 0, a fresh database per test,
//! every test on SQLite and on PostgreSQL.

mod support;

mod adyen;
mod annual_quota;
mod bad_input;
mod complaints;
mod compliance;
mod compliance_rules;
mod contract;
mod crash;
mod crash_payments;
mod dashboard;
mod dashboard_pages;
mod dashboard_team;
mod demo;
mod disputes;
mod exactly_once;
mod fraud_reports;
mod fx;
mod fx_cli;
mod fx_feed;
mod fx_forwards;
mod idempotency;
mod kyb;
mod ledger_api;
mod limits;
mod markets;
mod merchants;
mod modes;
mod monitoring_restart;
mod operations;
mod operator_audit;
mod payments;
mod payout_crash;
mod payouts;
mod payouts_fx;
mod refunds;
mod restartable;
mod sandbox_server;
mod sca_rule;
mod secrets;
mod users;
mod webhooks;
