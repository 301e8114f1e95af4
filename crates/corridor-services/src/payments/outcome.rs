//! Applying what a connector said to a payment row.

use corridor_connectors::{ChargeOutcome, ChargeResponse, NextAction};
use corridor_core::payments::status::{transition, PaymentEvent, PaymentStatus};
use corridor_core::{Amount, Timestamp};
use corridor_store::{LedgerWrite, PaymentRecord};

use super::ledger;

/// How long a buyer has for a 3DS challenge or a redirect without its own expiry.
const ACTION_TTL_SECONDS: i64 = 3600;
/// How long an authorization can be captured.
const AUTHORIZATION_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

/// The row after a connector's answer, and the money it moves.
pub(crate) struct Applied {
    pub payment: PaymentRecord,
    pub ledger: Option<LedgerWrite>,
}

/// What the merchant's own country is, for the cross-border surcharge.
pub(crate) struct Context {
    pub merchant_country: String,
    /// The merchant's KYB is approved.
    pub merchant_approved: bool,
    pub settlement_days: i64,
    pub now: Timestamp,
    pub fee_schedule: corridor_core::payments::fees::FeeSchedule,
}

/// Applies `response` (as the `event` it arrived with) to `before`.
/// Returns `None` when the state machine refuses the change (a stale or
/// repeated answer), which callers treat as "nothing to do".
pub(crate) fn apply(
    before: &PaymentRecord,
    connector: &str,
    response: &ChargeResponse,
    event: fn(corridor_core::payments::status::ConnectorOutcome) -> PaymentEvent,
    ctx: &Context,
) -> Option<Applied> {
    let from = before.status;
    let outcome = match response.outcome.connector_outcome() {
        Some(o) => o,
        None => return canceled(before, from, ctx),
    };
    let to = transition(from, event(outcome)).ok()?;
    let mut p = before.clone();
    p.status = to;
    p.connector = Some(connector.to_string());
    p.connector_ref = Some(response.reference.clone());
    p.next_action = None;
    p.expires_at = None;
    let mut money = None;
    match &response.outcome {
        ChargeOutcome::RequiresAction(action) => {
            p.next_action = Some(next_action_json(action));
            p.expires_at = Some(
                action
                    .expires_at()
                    .unwrap_or_else(|| ctx.now.plus_seconds(ACTION_TTL_SECONDS)),
            );
        }
        ChargeOutcome::Authorized => {
            p.expires_at = Some(ctx.now.plus_seconds(AUTHORIZATION_TTL_SECONDS))
        }
        ChargeOutcome::Declined(d) => p.decline_code = Some(d.code.code().to_string()),
        ChargeOutcome::Captured => money = Some(captured(&mut p, response.amount_captured, ctx)),
        ChargeOutcome::Pending | ChargeOutcome::Canceled => {}
    }
    Some(Applied {
        payment: p,
        ledger: money,
    })
}

/// Records a capture of `amount` on the row and returns its ledger movement.
pub(crate) fn captured(p: &mut PaymentRecord, amount: Amount, ctx: &Context) -> LedgerWrite {
    let amount = if amount.is_zero() {
        Amount::non_negative(p.amount).unwrap_or(Amount::ZERO)
    } else {
        amount
    };
    let cross_border = ctx.merchant_country != p.country;
    let fee = ctx.fee_schedule.fee(amount, cross_border).unwrap_or(amount);
    p.amount_captured = amount.minor();
    p.fee = fee.minor();
    p.settle_at = Some(
        ctx.now
            .plus_seconds(ctx.settlement_days.saturating_mul(DAY_SECONDS)),
    );
    p.settled = false;
    ledger::capture(&p.id, 1, &p.merchant_id, p.currency, amount, fee)
}

fn canceled(before: &PaymentRecord, from: PaymentStatus, ctx: &Context) -> Option<Applied> {
    // The provider voided or let the charge lapse: an unpaid voucher or QR
    // code fails the payment; a lapsed authorization cancels it.
    let to = transition(from, PaymentEvent::Expired).ok()?;
    let mut p = before.clone();
    p.status = to;
    p.next_action = None;
    p.expires_at = None;
    if to == PaymentStatus::Failed {
        p.decline_code = Some("expired".into());
    }
    let _ = ctx;
    Some(Applied {
        payment: p,
        ledger: None,
    })
}

/// The next action as the API's JSON object.
fn next_action_json(action: &NextAction) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("type".into(), action.code().into());
    match action {
        NextAction::ThreeDSecure { url } | NextAction::Redirect { url } => {
            obj.insert("url".into(), url.clone().into());
        }
        NextAction::ThreeDSecureSdk { subtype, token } => {
            obj.insert("three_ds_subtype".into(), subtype.clone().into());
            obj.insert("three_ds_token".into(), token.clone().into());
        }
        NextAction::QrCode { payload, .. } => {
            obj.insert("qr_code".into(), payload.clone().into());
        }
        NextAction::Voucher {
            number, barcode, ..
        } => {
            obj.insert("voucher_number".into(), number.clone().into());
            obj.insert("barcode".into(), barcode.clone().into());
        }
        NextAction::UpiCollect { vpa, .. } => {
            obj.insert("vpa".into(), vpa.clone().into());
        }
    }
    if let Some(at) = action.expires_at() {
        obj.insert(
            "expires_at_unix".into(),
            (at.unix_micros() / 1_000_000).into(),
        );
    }
    serde_json::Value::Object(obj).to_string()
}
