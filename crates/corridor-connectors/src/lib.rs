//! Corridor's connectors: how payments reach payment service providers (PSPs).
//!
//! A [`Connector`] charges, looks up, captures and cancels payments at one
//! PSP. Requests and answers are domain types ([`ChargeRequest`],
//! [`ChargeResponse`], [`ConnectorError`]); declines are answers, while
//! timeouts, server errors and outages are errors that a router may retry
//! elsewhere (after a [`Connector::lookup`] when the outcome is unknown).
//!
//! The real PSPs are out of reach, so [`sandbox`] simulates a world of them:
//! coverage, approval rates, latency, timeouts, 5xx bursts, outages, 3DS,
//! asynchronous completions and fees, deterministic for a seed and driven by
//! a [`Clock`]. It runs in-process ([`sandbox::SandboxConnector`]) or as an
//! HTTP server ([`sandbox::http`]) reached through [`HttpConnector`].
//!
//! ```
//! use corridor_connectors::sandbox::{SandboxConfig, SandboxWorld};
//! use corridor_connectors::{Clock, Connector, MethodType};
//!
//! let world = SandboxWorld::standard(SandboxConfig::virtual_time(42), Clock::system());
//! let connectors = world.connectors();
//! let names: Vec<&str> = connectors.iter().map(|c| c.name()).collect();
//! assert_eq!(names, ["atlas", "harbor", "lotus", "meridian", "andes"]);
//! assert!(connectors[4].coverage().method(MethodType::Pix).is_some());
//! ```

pub mod adyen;
pub mod clock;
pub mod connector;
pub mod coverage;
pub mod decline;
pub mod error;
pub mod key;
pub mod method;
pub mod refund;
pub mod request;
pub mod response;
pub mod sandbox;

pub use clock::{Clock, ManualClock};
pub use connector::{BoxFuture, Connector, ConnectorResult};
pub use coverage::{AmountLimit, CountrySet, Coverage, CoverageError, CurrencySet, MethodCoverage};
pub use decline::DeclineCode;
pub use error::ConnectorError;
pub use key::{IdempotencyKey, InvalidIdempotencyKey};
pub use method::{
    BankRedirect, Bnpl, CardDetails, EncryptedCard, MethodType, PaymentMethod, Voucher, Wallet,
};
pub use refund::{RefundBankAccount, RefundOutcome, RefundRequest, RefundResponse};
pub use request::{CancelRequest, CaptureMode, CaptureRequest, ChargeRequest};
pub use response::{ChargeOutcome, ChargeResponse, Decline, NextAction};
pub use sandbox::http::HttpConnector;
