//! The HTTP path for real: a sandbox server bound on 127.0.0.1:0, reached
//! through `HttpConnector`, with a real webhook receiver.

mod cards;
mod faults;
mod idempotency;
mod notifications;
mod refunds;
mod support;
