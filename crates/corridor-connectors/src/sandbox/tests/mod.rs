//! Unit tests of the simulator, through the [`crate::Connector`] trait of
//! in-process connectors on a virtual clock.

mod approval;
mod async_flows;
mod cards;
mod coverage;
mod faults;
mod idempotency;
mod outage_run;
mod refunds;

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};

use super::{SandboxConfig, SandboxWorld};
use crate::{
    CaptureMode, CardDetails, ChargeRequest, ChargeResponse, Connector, ConnectorError,
    IdempotencyKey, ManualClock, PaymentMethod,
};

/// 2026-11-26T00:00:00Z.
pub(super) const START: Timestamp = Timestamp::from_unix_micros(1_795_651_200_000_000);

/// The value of a future that is ready at once, as every call of a
/// virtual-time world is.
pub(super) fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a virtual-time sandbox call was not ready"),
    }
}

/// A standard world on a manual clock, without background faults.
pub(super) fn world(seed: u64) -> (Arc<SandboxWorld>, ManualClock) {
    let clock = ManualClock::new(START);
    let config = SandboxConfig {
        background_faults: false,
        ..SandboxConfig::virtual_time(seed)
    };
    (SandboxWorld::standard(config, clock.clock()), clock)
}

pub(super) fn connector(world: &Arc<SandboxWorld>, name: &str) -> impl Connector {
    world.connector(name).unwrap()
}

pub(super) fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

pub(super) fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

pub(super) fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).unwrap()
}

pub(super) fn card(number: &str) -> PaymentMethod {
    PaymentMethod::Card(CardDetails {
        number: CardNumber::parse(number).unwrap(),
        expiry: Expiry {
            month: 12,
            year: 2030,
        },
        cvc: "123".to_string(),
    })
}

/// A charge of `amount_minor` `currency` in `country`, captured automatically.
pub(super) fn charge_request(
    id: &str,
    method: PaymentMethod,
    amount_minor: i64,
    currency_code: &str,
    country_code: &str,
) -> ChargeRequest {
    ChargeRequest {
        payment_id: format!("pay_{id}"),
        idempotency_key: key(&format!("key_{id}")),
        amount: Amount::positive(amount_minor).unwrap(),
        currency: currency(currency_code),
        country: country(country_code),
        capture: CaptureMode::Automatic,
        sca_required: false,
        method,
    }
}

pub(super) fn charge(
    connector: &impl Connector,
    request: ChargeRequest,
) -> Result<ChargeResponse, ConnectorError> {
    ready(connector.charge(request))
}
