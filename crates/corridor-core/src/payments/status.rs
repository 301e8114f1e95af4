//! The payment state machine.
//!
//! `requires_payment_method` → `requires_action` (3DS, redirect, QR, voucher)
//! → `processing` → `requires_capture` → `succeeded`; or `failed` / `canceled`.
//! Transitions are a table: anything not listed is refused.

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Created, not confirmed.
    RequiresPaymentMethod,
    /// The buyer must act (3DS, redirect, scan a QR code, pay a voucher).
    RequiresAction,
    /// Waiting for the provider or the bank.
    Processing,
    /// Authorized; capture pending (manual capture).
    RequiresCapture,
    /// Captured.
    Succeeded,
    /// Declined, expired unpaid, or failed.
    Failed,
    /// Canceled before capture.
    Canceled,
}

impl PaymentStatus {
    /// Stable code, as in the API.
    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::RequiresPaymentMethod => "requires_payment_method",
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::Processing => "processing",
            PaymentStatus::RequiresCapture => "requires_capture",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Canceled => "canceled",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        use PaymentStatus::*;
        [
            RequiresPaymentMethod,
            RequiresAction,
            Processing,
            RequiresCapture,
            Succeeded,
            Failed,
            Canceled,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// No transition leaves a terminal status, but for a succeeded payment
    /// whose capture fails at the acquirer.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            PaymentStatus::Succeeded | PaymentStatus::Failed | PaymentStatus::Canceled
        )
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What happens to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The merchant confirms; the connector answered with this outcome.
    Confirmed(ConnectorOutcome),
    /// The buyer finished the action; the connector answered with this outcome.
    ActionCompleted(ConnectorOutcome),
    /// An asynchronous result arrived (webhook from the provider).
    AsyncResult(ConnectorOutcome),
    /// The merchant captures an authorized payment.
    Capture,
    /// The merchant cancels.
    Cancel,
    /// The action (voucher, QR code, redirect) or the authorization expired.
    Expired,
    /// A capture the provider accepted failed at the acquirer (Adyen's
    /// `CAPTURE_FAILED`): the money never arrives.
    CaptureFailed,
}

/// What a connector said about an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorOutcome {
    /// The buyer must act first.
    RequiresAction,
    /// Accepted, result later.
    Pending,
    /// Authorized, not captured.
    Authorized,
    /// Authorized and captured.
    Captured,
    /// Declined or failed for good.
    Declined,
}

/// A transition the state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a payment that is {} cannot {}", from.code(), event_name(*event))]
pub struct TransitionError {
    /// The status the payment was in.
    pub from: PaymentStatus,
    /// What was attempted.
    pub event: PaymentEvent,
}

fn event_name(event: PaymentEvent) -> &'static str {
    match event {
        PaymentEvent::Confirmed(_) => "be confirmed",
        PaymentEvent::ActionCompleted(_) => "complete an action",
        PaymentEvent::AsyncResult(_) => "receive an asynchronous result",
        PaymentEvent::Capture => "be captured",
        PaymentEvent::Cancel => "be canceled",
        PaymentEvent::Expired => "expire",
        PaymentEvent::CaptureFailed => "fail its capture",
    }
}

fn after_outcome(outcome: ConnectorOutcome) -> PaymentStatus {
    match outcome {
        ConnectorOutcome::RequiresAction => PaymentStatus::RequiresAction,
        ConnectorOutcome::Pending => PaymentStatus::Processing,
        ConnectorOutcome::Authorized => PaymentStatus::RequiresCapture,
        ConnectorOutcome::Captured => PaymentStatus::Succeeded,
        ConnectorOutcome::Declined => PaymentStatus::Failed,
    }
}

/// The status after `event`, or why it can't happen.
pub fn transition(
    from: PaymentStatus,
    event: PaymentEvent,
) -> Result<PaymentStatus, TransitionError> {
    use PaymentEvent as E;
    use PaymentStatus as S;
    let refused = Err(TransitionError { from, event });
    match (from, event) {
        (S::RequiresPaymentMethod, E::Confirmed(o)) => Ok(after_outcome(o)),
        (S::RequiresAction, E::ActionCompleted(ConnectorOutcome::RequiresAction)) => refused,
        (S::RequiresAction, E::ActionCompleted(o)) => Ok(after_outcome(o)),
        (S::RequiresAction | S::Processing, E::AsyncResult(o))
            if o != ConnectorOutcome::RequiresAction =>
        {
            Ok(after_outcome(o))
        }
        (S::RequiresAction | S::Processing, E::Expired) => Ok(S::Failed),
        (S::RequiresCapture, E::Capture) => Ok(S::Succeeded),
        (S::Succeeded, E::CaptureFailed) => Ok(S::Failed),
        (S::RequiresCapture, E::Expired) => Ok(S::Canceled),
        (S::RequiresPaymentMethod | S::RequiresAction | S::RequiresCapture, E::Cancel) => {
            Ok(S::Canceled)
        }
        _ => refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnectorOutcome as O;
    use PaymentEvent as E;
    use PaymentStatus as S;

    /// `from event -> to` (or `-> refused`), one line per case.
    const TABLE: &str = "
        requires_payment_method confirm:captured -> succeeded
        requires_payment_method confirm:authorized -> requires_capture
        requires_payment_method confirm:requires_action -> requires_action
        requires_payment_method confirm:pending -> processing
        requires_payment_method confirm:declined -> failed
        requires_action complete:captured -> succeeded
        requires_action complete:declined -> failed
        requires_action complete:requires_action -> refused
        requires_action async:pending -> processing
        requires_action expire -> failed
        processing async:captured -> succeeded
        processing async:declined -> failed
        processing expire -> failed
        processing cancel -> refused
        requires_capture capture -> succeeded
        requires_capture cancel -> canceled
        requires_capture expire -> canceled
        succeeded cancel -> refused
        succeeded capture -> refused
        canceled confirm:captured -> refused
        failed confirm:captured -> refused
        canceled capture -> refused
        succeeded capture_failed -> failed
        requires_capture capture_failed -> refused
        failed capture_failed -> refused
    ";

    fn outcome(s: &str) -> O {
        match s {
            "captured" => O::Captured,
            "authorized" => O::Authorized,
            "requires_action" => O::RequiresAction,
            "pending" => O::Pending,
            _ => O::Declined,
        }
    }

    fn event(s: &str) -> E {
        let (name, arg) = s.split_once(':').unwrap_or((s, ""));
        match name {
            "confirm" => E::Confirmed(outcome(arg)),
            "complete" => E::ActionCompleted(outcome(arg)),
            "async" => E::AsyncResult(outcome(arg)),
            "capture" => E::Capture,
            "cancel" => E::Cancel,
            "capture_failed" => E::CaptureFailed,
            _ => E::Expired,
        }
    }

    #[test]
    fn transitions_follow_the_table() {
        for line in TABLE.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let words: Vec<&str> = line.split_whitespace().collect();
            let from = S::parse(words[0]).unwrap();
            let got = transition(from, event(words[1]));
            match words[3] {
                "refused" => assert!(got.is_err(), "{line}: {got:?}"),
                to => assert_eq!(got, Ok(S::parse(to).unwrap()), "{line}"),
            }
        }
    }

    #[test]
    fn terminal_statuses_accept_nothing() {
        let events = [
            E::Confirmed(O::Captured),
            E::ActionCompleted(O::Captured),
            E::AsyncResult(O::Captured),
            E::Capture,
            E::Cancel,
            E::Expired,
        ];
        for from in [S::Succeeded, S::Failed, S::Canceled] {
            assert!(from.is_terminal());
            for e in events {
                assert!(transition(from, e).is_err(), "{from:?} {e:?}");
            }
        }
    }
}
