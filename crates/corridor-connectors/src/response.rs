//! What a connector answers about a charge.

use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::status::ConnectorOutcome;
use corridor_core::{Amount, Currency, Timestamp};

use crate::DeclineCode;

/// What the buyer must do before the payment can proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextAction {
    /// Pass a 3-D Secure challenge at this URL.
    ThreeDSecure {
        /// The challenge page.
        url: String,
    },
    /// Pass a 3-D Secure 2 step in the provider's SDK on the buyer's device
    /// (a device fingerprint or a challenge), with this token.
    ThreeDSecureSdk {
        /// `fingerprint` or `challenge`.
        subtype: String,
        /// What the provider's 3DS2 SDK takes to run the step.
        token: String,
    },
    /// Finish the payment at the provider, bank or wallet at this URL.
    Redirect {
        /// Where to send the buyer.
        url: String,
    },
    /// Scan this QR code with the wallet or bank app before it expires.
    QrCode {
        /// The QR code's content (an EMV payload or a wallet URL).
        payload: String,
        /// After this the code no longer pays.
        expires_at: Timestamp,
    },
    /// Pay this voucher at a store or bank before it expires.
    Voucher {
        /// The payment number the buyer shows or types.
        number: String,
        /// The barcode's digits.
        barcode: String,
        /// After this the voucher no longer pays.
        expires_at: Timestamp,
    },
    /// Approve the collect request sent to this UPI address in the bank app.
    UpiCollect {
        /// The buyer's virtual payment address.
        vpa: String,
        /// After this the request lapses.
        expires_at: Timestamp,
    },
}

impl NextAction {
    /// Stable code of the action's kind.
    pub fn code(&self) -> &'static str {
        match self {
            NextAction::ThreeDSecure { .. } | NextAction::ThreeDSecureSdk { .. } => {
                "three_d_secure"
            }
            NextAction::Redirect { .. } => "redirect",
            NextAction::QrCode { .. } => "qr_code",
            NextAction::Voucher { .. } => "voucher",
            NextAction::UpiCollect { .. } => "upi_collect",
        }
    }

    /// When the action lapses, if it does.
    pub fn expires_at(&self) -> Option<Timestamp> {
        match self {
            NextAction::ThreeDSecure { .. }
            | NextAction::ThreeDSecureSdk { .. }
            | NextAction::Redirect { .. } => None,
            NextAction::QrCode { expires_at, .. }
            | NextAction::Voucher { expires_at, .. }
            | NextAction::UpiCollect { expires_at, .. } => Some(*expires_at),
        }
    }
}

/// A decline: its code and whether a retry may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decline {
    /// Why.
    pub code: DeclineCode,
    /// A retry, here or at another provider, may succeed.
    pub soft: bool,
}

impl Decline {
    /// A decline whose softness is the code's usual one.
    pub fn new(code: DeclineCode) -> Self {
        Decline {
            code,
            soft: code.is_soft(),
        }
    }
}

/// Where a charge stands at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The buyer must act first.
    RequiresAction(NextAction),
    /// Accepted; the result comes later (a notification).
    Pending,
    /// Authorized, not captured.
    Authorized,
    /// Captured (in full or in part: see `amount_captured`).
    Captured,
    /// Canceled before capture (voided, or withdrawn by the merchant).
    Canceled,
    /// Declined or failed for good at this provider.
    Declined(Decline),
}

impl ChargeOutcome {
    /// Stable code: `requires_action`, `pending`, `authorized`, `captured`,
    /// `canceled`, `declined`.
    pub fn code(&self) -> &'static str {
        match self {
            ChargeOutcome::RequiresAction(_) => "requires_action",
            ChargeOutcome::Pending => "pending",
            ChargeOutcome::Authorized => "authorized",
            ChargeOutcome::Captured => "captured",
            ChargeOutcome::Canceled => "canceled",
            ChargeOutcome::Declined(_) => "declined",
        }
    }

    /// The attempt's stored status after this answer.
    pub fn attempt_status(&self) -> AttemptStatus {
        match self {
            ChargeOutcome::RequiresAction(_) => AttemptStatus::RequiresAction,
            ChargeOutcome::Pending => AttemptStatus::Pending,
            ChargeOutcome::Authorized => AttemptStatus::Authorized,
            ChargeOutcome::Captured => AttemptStatus::Captured,
            ChargeOutcome::Canceled => AttemptStatus::Canceled,
            ChargeOutcome::Declined(_) => AttemptStatus::Declined,
        }
    }

    /// The core state machine's view of this outcome. A cancellation has
    /// none: the payment's own `Cancel` (or `Expired`) event covers it.
    pub fn connector_outcome(&self) -> Option<ConnectorOutcome> {
        match self {
            ChargeOutcome::RequiresAction(_) => Some(ConnectorOutcome::RequiresAction),
            ChargeOutcome::Pending => Some(ConnectorOutcome::Pending),
            ChargeOutcome::Authorized => Some(ConnectorOutcome::Authorized),
            ChargeOutcome::Captured => Some(ConnectorOutcome::Captured),
            ChargeOutcome::Declined(_) => Some(ConnectorOutcome::Declined),
            ChargeOutcome::Canceled => None,
        }
    }

    /// No further change will happen to a charge in this state.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            ChargeOutcome::Captured | ChargeOutcome::Canceled | ChargeOutcome::Declined(_)
        )
    }
}

/// A provider's answer about one charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeResponse {
    /// The provider's reference of the charge.
    pub reference: String,
    /// Where the charge stands.
    pub outcome: ChargeOutcome,
    /// The amount charged, in the currency's minor unit.
    pub amount: Amount,
    /// The currency charged.
    pub currency: Currency,
    /// How much of it is captured.
    pub amount_captured: Amount,
    /// The provider's fee in the payment currency's minor unit: on the
    /// authorized amount, then on the captured amount; zero while nothing is
    /// authorized and after a decline or cancellation.
    pub fee: Amount,
    /// How long the call took, in milliseconds (simulated in the sandbox).
    pub latency_ms: u32,
}
