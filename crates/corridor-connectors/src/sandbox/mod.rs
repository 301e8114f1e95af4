//! The sandbox: a simulated world of payment service providers.
//!
//! A [`SandboxWorld`] holds several simulated PSPs ([`PspProfile`]s: the
//! [`standard`] set has a global card acquirer, a second global acquirer, an
//! Asian wallets PSP, a European PSP and a Latin American PSP), each with its
//! coverage, approval rates per method and country, latency distribution,
//! timeouts, server errors, 3DS challenges, asynchronous completions and
//! fees. Outages, 5xx bursts, timeouts and slowdowns can be scheduled by
//! simulated time window ([`Fault`]).
//!
//! Everything is deterministic for a seed: each call draws from a random
//! generator seeded by the world's seed, the provider, the operation and the
//! idempotency key (or reference), so the same payment meets the same fate
//! whatever else runs concurrently. Time comes from the world's
//! [`crate::Clock`]; with [`LatencyMode::Virtual`] nothing sleeps, so a
//! benchmark can push 100,000 payments through a simulated outage in seconds.
//!
//! Asynchronous completions (a voucher paid, a SEPA debit settled, a QR code
//! expired) happen when the world runs its due events: on every call, on
//! [`SandboxWorld::tick`], or from [`SandboxWorld::spawn_ticker`]. Each
//! change is published as a [`Notification`] to [`SandboxWorld::subscribe`]rs
//! and, in HTTP mode, POSTed signed to the configured webhook.
//!
//! The world is reached in-process through [`SandboxConnector`]s or over HTTP
//! through [`http::router`]/[`http::serve`] and [`crate::HttpConnector`].

mod config;
mod connector;
mod draw;
mod events;
mod faults;
mod notify;
mod profile;
mod provider_charge;
mod psp_state;
mod record;
mod sim;
pub mod standard;
pub mod test_cards;
mod world;

pub mod http;

pub use config::{LatencyMode, SandboxConfig, Timings, WebhookTarget, DEFAULT_PUBLIC_BASE_URL};
pub use connector::SandboxConnector;
pub use faults::{Fault, FaultKind};
pub use notify::Notification;
pub use profile::{FeeTerms, LatencyProfile, MethodProfile, PspProfile, ThreeDsProfile};
pub use provider_charge::ProviderCharge;
pub use world::{SandboxError, SandboxWorld, FAULTS_SCHEDULED_MAX};

#[cfg(test)]
mod tests;
