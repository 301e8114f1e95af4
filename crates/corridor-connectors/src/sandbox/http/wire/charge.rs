//! A charge, and a notification, as JSON.

use corridor_core::{Amount, Currency};
use serde::{Deserialize, Serialize};

use super::{format_timestamp, parse_timestamp};
use crate::sandbox::Notification;
use crate::{ChargeOutcome, ChargeResponse, Decline, DeclineCode, NextAction};

/// A charge as the sandbox server answers it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChargeWire {
    pub reference: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextActionWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline: Option<DeclineWire>,
    pub amount: i64,
    pub currency: String,
    pub amount_captured: i64,
    pub fee: i64,
    pub latency_ms: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum NextActionWire {
    #[serde(rename = "three_d_secure")]
    ThreeDSecure {
        url: String,
    },
    Redirect {
        url: String,
    },
    QrCode {
        payload: String,
        expires_at: String,
    },
    Voucher {
        number: String,
        barcode: String,
        expires_at: String,
    },
    UpiCollect {
        vpa: String,
        expires_at: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeclineWire {
    pub code: String,
    pub soft: bool,
}

/// A notification as the sandbox POSTs it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotificationWire {
    pub id: String,
    pub psp: String,
    pub payment_id: String,
    pub created_at: String,
    pub charge: ChargeWire,
}

impl ChargeWire {
    pub fn from_response(response: &ChargeResponse) -> Self {
        let (next_action, decline) = match &response.outcome {
            ChargeOutcome::RequiresAction(action) => {
                (Some(NextActionWire::from_action(action)), None)
            }
            ChargeOutcome::Declined(decline) => (
                None,
                Some(DeclineWire {
                    code: decline.code.code().to_string(),
                    soft: decline.soft,
                }),
            ),
            _ => (None, None),
        };
        ChargeWire {
            reference: response.reference.clone(),
            status: response.outcome.code().to_string(),
            next_action,
            decline,
            amount: response.amount.minor(),
            currency: response.currency.code().to_string(),
            amount_captured: response.amount_captured.minor(),
            fee: response.fee.minor(),
            latency_ms: response.latency_ms,
        }
    }

    /// The domain response, or what in the answer made no sense.
    pub fn into_response(self) -> Result<ChargeResponse, String> {
        let outcome = match (self.status.as_str(), self.next_action, self.decline) {
            ("requires_action", Some(action), None) => {
                ChargeOutcome::RequiresAction(action.into_action()?)
            }
            ("pending", None, None) => ChargeOutcome::Pending,
            ("authorized", None, None) => ChargeOutcome::Authorized,
            ("captured", None, None) => ChargeOutcome::Captured,
            ("canceled", None, None) => ChargeOutcome::Canceled,
            ("declined", None, Some(decline)) => ChargeOutcome::Declined(Decline {
                code: DeclineCode::parse(&decline.code)
                    .ok_or(format!("decline code `{}`", decline.code))?,
                soft: decline.soft,
            }),
            (status, _, _) => return Err(format!("status `{status}` with the wrong details")),
        };
        let amount = |minor: i64| Amount::non_negative(minor).map_err(|e| e.to_string());
        Ok(ChargeResponse {
            reference: self.reference,
            outcome,
            amount: amount(self.amount)?,
            currency: Currency::parse(&self.currency).map_err(|e| e.to_string())?,
            amount_captured: amount(self.amount_captured)?,
            fee: amount(self.fee)?,
            latency_ms: self.latency_ms,
        })
    }
}

impl NextActionWire {
    fn from_action(action: &NextAction) -> Self {
        match action {
            NextAction::ThreeDSecure { url } => NextActionWire::ThreeDSecure { url: url.clone() },
            NextAction::Redirect { url } => NextActionWire::Redirect { url: url.clone() },
            // The simulated providers run no 3DS2 SDK step.
            NextAction::ThreeDSecureSdk { .. } => {
                NextActionWire::ThreeDSecure { url: String::new() }
            }
            NextAction::QrCode {
                payload,
                expires_at,
            } => NextActionWire::QrCode {
                payload: payload.clone(),
                expires_at: format_timestamp(*expires_at),
            },
            NextAction::Voucher {
                number,
                barcode,
                expires_at,
            } => NextActionWire::Voucher {
                number: number.clone(),
                barcode: barcode.clone(),
                expires_at: format_timestamp(*expires_at),
            },
            NextAction::UpiCollect { vpa, expires_at } => NextActionWire::UpiCollect {
                vpa: vpa.clone(),
                expires_at: format_timestamp(*expires_at),
            },
        }
    }

    fn into_action(self) -> Result<NextAction, String> {
        Ok(match self {
            NextActionWire::ThreeDSecure { url } => NextAction::ThreeDSecure { url },
            NextActionWire::Redirect { url } => NextAction::Redirect { url },
            NextActionWire::QrCode {
                payload,
                expires_at,
            } => NextAction::QrCode {
                payload,
                expires_at: parse_timestamp(&expires_at)?,
            },
            NextActionWire::Voucher {
                number,
                barcode,
                expires_at,
            } => NextAction::Voucher {
                number,
                barcode,
                expires_at: parse_timestamp(&expires_at)?,
            },
            NextActionWire::UpiCollect { vpa, expires_at } => NextAction::UpiCollect {
                vpa,
                expires_at: parse_timestamp(&expires_at)?,
            },
        })
    }
}

impl NotificationWire {
    pub fn from_notification(notification: &Notification) -> Self {
        NotificationWire {
            id: format!("ntf_{}", notification.id),
            psp: notification.psp.clone(),
            payment_id: notification.payment_id.clone(),
            created_at: format_timestamp(notification.created_at),
            charge: ChargeWire::from_response(&notification.charge),
        }
    }

    pub fn into_notification(self) -> Result<Notification, String> {
        let id = self
            .id
            .strip_prefix("ntf_")
            .and_then(|n| n.parse().ok())
            .ok_or(format!("notification id `{}`", self.id))?;
        Ok(Notification {
            id,
            psp: self.psp,
            payment_id: self.payment_id,
            created_at: parse_timestamp(&self.created_at)?,
            charge: self.charge.into_response()?,
        })
    }
}
