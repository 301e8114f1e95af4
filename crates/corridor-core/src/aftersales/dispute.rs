//! Disputes (chargebacks): the card networks' reason codes, the categories
//! they map to, response windows, fees, the dispute state machine and the
//! liability shift of 3-D Secure.

use crate::{Amount, Currency, MoneyError, Timestamp};

/// A card network that raises disputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Visa (reason codes `10.1` ... `13.9`).
    Visa,
    /// Mastercard (four-digit `48xx` reason codes).
    Mastercard,
}

impl Network {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Network::Visa => "visa",
            Network::Mastercard => "mastercard",
        }
    }

    /// The network of a card brand code, if it raises disputes here.
    pub fn of_brand(brand: &str) -> Option<Self> {
        match brand {
            "visa" => Some(Network::Visa),
            "mastercard" => Some(Network::Mastercard),
            _ => None,
        }
    }

    /// Days the merchant has to answer a dispute: the network's window to
    /// the acquirer (Visa 30 days, Mastercard 45 days) less the ten days
    /// the acquirer keeps to prepare and send the response.
    pub fn response_days(self) -> i64 {
        match self {
            Network::Visa => 20,
            Network::Mastercard => 35,
        }
    }
}

/// What a dispute is about, as merchants' evidence is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeCategory {
    /// The card holder says they did not make the payment.
    Fraudulent,
    /// Paid for, never received.
    ProductNotReceived,
    /// Received, but defective, not as described or counterfeit.
    ProductUnacceptable,
    /// A refund or cancellation was promised and not processed.
    CreditNotProcessed,
    /// Charged twice, or paid by other means.
    Duplicate,
    /// Processing and authorization errors, and anything else.
    General,
}

impl DisputeCategory {
    /// Every category.
    pub const ALL: [DisputeCategory; 6] = [
        DisputeCategory::Fraudulent,
        DisputeCategory::ProductNotReceived,
        DisputeCategory::ProductUnacceptable,
        DisputeCategory::CreditNotProcessed,
        DisputeCategory::Duplicate,
        DisputeCategory::General,
    ];

    /// Stable code (the dispute's `reason`).
    pub fn code(self) -> &'static str {
        match self {
            DisputeCategory::Fraudulent => "fraudulent",
            DisputeCategory::ProductNotReceived => "product_not_received",
            DisputeCategory::ProductUnacceptable => "product_unacceptable",
            DisputeCategory::CreditNotProcessed => "credit_not_processed",
            DisputeCategory::Duplicate => "duplicate",
            DisputeCategory::General => "general",
        }
    }

    /// The category with this code.
    pub fn parse(code: &str) -> Option<Self> {
        DisputeCategory::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A network reason code with its network, category and description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonCode {
    /// The code as the network writes it (`10.4`, `4853`).
    pub code: &'static str,
    /// Its network.
    pub network: Network,
    /// The category it maps to.
    pub category: DisputeCategory,
    /// The network's name for it.
    pub description: &'static str,
}

const fn rc(
    code: &'static str,
    network: Network,
    category: DisputeCategory,
    description: &'static str,
) -> ReasonCode {
    ReasonCode {
        code,
        network,
        category,
        description,
    }
}

use DisputeCategory as C;
use Network::{Mastercard as MC, Visa as V};

/// Visa's dispute conditions (Visa Claims Resolution) and Mastercard's
/// chargeback reason codes, mapped to categories.
pub const REASON_CODES: &[ReasonCode] = &[
    rc(
        "10.1",
        V,
        C::Fraudulent,
        "EMV liability shift counterfeit fraud",
    ),
    rc(
        "10.2",
        V,
        C::Fraudulent,
        "EMV liability shift non-counterfeit fraud",
    ),
    rc(
        "10.3",
        V,
        C::Fraudulent,
        "Other fraud, card-present environment",
    ),
    rc(
        "10.4",
        V,
        C::Fraudulent,
        "Other fraud, card-absent environment",
    ),
    rc("10.5", V, C::Fraudulent, "Visa Fraud Monitoring Program"),
    rc("11.1", V, C::General, "Card recovery bulletin"),
    rc("11.2", V, C::General, "Declined authorization"),
    rc("11.3", V, C::General, "No authorization"),
    rc("12.1", V, C::General, "Late presentment"),
    rc("12.2", V, C::General, "Incorrect transaction code"),
    rc("12.3", V, C::General, "Incorrect currency"),
    rc("12.4", V, C::General, "Incorrect account number"),
    rc("12.5", V, C::General, "Incorrect amount"),
    rc("12.6.1", V, C::Duplicate, "Duplicate processing"),
    rc("12.6.2", V, C::Duplicate, "Paid by other means"),
    rc("12.7", V, C::General, "Invalid data"),
    rc(
        "13.1",
        V,
        C::ProductNotReceived,
        "Merchandise/services not received",
    ),
    rc(
        "13.2",
        V,
        C::CreditNotProcessed,
        "Cancelled recurring transaction",
    ),
    rc(
        "13.3",
        V,
        C::ProductUnacceptable,
        "Not as described or defective merchandise/services",
    ),
    rc("13.4", V, C::ProductUnacceptable, "Counterfeit merchandise"),
    rc("13.5", V, C::ProductUnacceptable, "Misrepresentation"),
    rc("13.6", V, C::CreditNotProcessed, "Credit not processed"),
    rc(
        "13.7",
        V,
        C::CreditNotProcessed,
        "Cancelled merchandise/services",
    ),
    rc(
        "13.8",
        V,
        C::General,
        "Original credit transaction not accepted",
    ),
    rc(
        "13.9",
        V,
        C::ProductNotReceived,
        "Non-receipt of cash or load transaction value",
    ),
    rc("4808", MC, C::General, "Authorization-related chargeback"),
    rc(
        "4834",
        MC,
        C::Duplicate,
        "Point-of-interaction error (duplicate or paid by other means)",
    ),
    rc("4837", MC, C::Fraudulent, "No cardholder authorization"),
    rc(
        "4840",
        MC,
        C::Fraudulent,
        "Fraudulent processing of transactions",
    ),
    rc(
        "4841",
        MC,
        C::CreditNotProcessed,
        "Cancelled recurring or digital goods transaction",
    ),
    rc("4849", MC, C::Fraudulent, "Questionable merchant activity"),
    rc(
        "4853",
        MC,
        C::ProductUnacceptable,
        "Cardholder dispute: defective or not as described",
    ),
    rc(
        "4855",
        MC,
        C::ProductNotReceived,
        "Goods or services not provided",
    ),
    rc("4860", MC, C::CreditNotProcessed, "Credit not processed"),
    rc(
        "4863",
        MC,
        C::Fraudulent,
        "Cardholder does not recognize, potential fraud",
    ),
    rc("4870", MC, C::Fraudulent, "Chip liability shift"),
    rc(
        "4871",
        MC,
        C::Fraudulent,
        "Chip/PIN liability shift, lost/stolen/never-received fraud",
    ),
];

/// The reason code `code` of `network`, if the network has it.
pub fn reason_code(network: Network, code: &str) -> Option<&'static ReasonCode> {
    REASON_CODES
        .iter()
        .find(|r| r.network == network && r.code == code)
}

/// The category of a reason a provider describes in words (Adyen's
/// `reason`, when its reason code is none a network has here): fraud,
/// not received, not as described, credit not processed, duplicate, else
/// general.
pub fn category_of_text(text: &str) -> DisputeCategory {
    let t = text.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&[
        "fraud",
        "not authori",
        "unauthori",
        "no cardholder",
        "not recogni",
    ]) {
        C::Fraudulent
    } else if any(&["duplicate", "paid by other"]) {
        C::Duplicate
    } else if any(&[
        "credit not processed",
        "refund",
        "cancelled recurring",
        "canceled recurring",
    ]) {
        C::CreditNotProcessed
    } else if any(&["not received", "not provided", "non-receipt", "non receipt"]) {
        C::ProductNotReceived
    } else if any(&[
        "defective",
        "not as described",
        "counterfeit",
        "misrepresent",
        "quality",
    ]) {
        C::ProductUnacceptable
    } else {
        C::General
    }
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStatus {
    /// Opened by the network; the merchant may gather evidence until the
    /// deadline.
    NeedsResponse,
    /// Evidence submitted; the network decides.
    UnderReview,
    /// Decided for the merchant: the held funds are released.
    Won,
    /// Decided for the card holder (or accepted, or no evidence in time):
    /// the held funds and the fee are taken.
    Lost,
}

impl DisputeStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DisputeStatus::NeedsResponse => "needs_response",
            DisputeStatus::UnderReview => "under_review",
            DisputeStatus::Won => "won",
            DisputeStatus::Lost => "lost",
        }
    }

    /// The status with this code.
    pub fn parse(code: &str) -> Option<Self> {
        [
            DisputeStatus::NeedsResponse,
            DisputeStatus::UnderReview,
            DisputeStatus::Won,
            DisputeStatus::Lost,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the dispute is decided.
    pub fn is_closed(self) -> bool {
        matches!(self, DisputeStatus::Won | DisputeStatus::Lost)
    }
}

/// Something that happens to a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeEvent {
    /// The merchant saves evidence (not submitted yet).
    SaveEvidence,
    /// The merchant submits its evidence.
    Submit,
    /// The merchant accepts the dispute.
    Accept,
    /// The response deadline passed without a submission.
    DeadlinePassed,
    /// The network decides.
    NetworkDecides {
        /// For the merchant.
        won: bool,
    },
}

/// Why an event does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisputeTransitionError {
    /// The dispute is decided.
    #[error("the dispute is already closed as {0}")]
    Closed(&'static str),
    /// The evidence was already submitted.
    #[error("the evidence was already submitted")]
    AlreadySubmitted,
    /// The deadline for evidence has passed.
    #[error("the deadline for evidence has passed")]
    PastDeadline,
}

/// The state machine: the status after `event` at `now`, given the dispute's
/// `status` and `evidence_due_by`.
pub fn transition(
    status: DisputeStatus,
    evidence_due_by: Timestamp,
    now: Timestamp,
    event: DisputeEvent,
) -> Result<DisputeStatus, DisputeTransitionError> {
    use DisputeEvent as E;
    use DisputeStatus as S;
    if status.is_closed() {
        return Err(DisputeTransitionError::Closed(status.code()));
    }
    let past_deadline = now >= evidence_due_by;
    match (status, event) {
        (S::UnderReview, E::SaveEvidence | E::Submit | E::Accept) => {
            Err(DisputeTransitionError::AlreadySubmitted)
        }
        (S::NeedsResponse, E::SaveEvidence | E::Submit) if past_deadline => {
            Err(DisputeTransitionError::PastDeadline)
        }
        (S::NeedsResponse, E::SaveEvidence) => Ok(S::NeedsResponse),
        (S::NeedsResponse, E::Submit) => Ok(S::UnderReview),
        (S::NeedsResponse, E::Accept) => Ok(S::Lost),
        (S::NeedsResponse, E::DeadlinePassed) if past_deadline => Ok(S::Lost),
        (S::NeedsResponse, E::DeadlinePassed) => Ok(S::NeedsResponse),
        (S::UnderReview, E::DeadlinePassed) => Ok(S::UnderReview),
        (_, E::NetworkDecides { won }) => Ok(if won { S::Won } else { S::Lost }),
        (S::Won | S::Lost, _) => Err(DisputeTransitionError::Closed(status.code())),
    }
}

/// When evidence is due for a dispute opened at `opened_at`.
pub fn evidence_due_by(network: Network, opened_at: Timestamp) -> Timestamp {
    opened_at.plus_seconds(network.response_days() * 86_400)
}

/// The dispute fee in `currency`: 15 major units, or 2,000 in currencies
/// without minor units worth ~1/100 of a dollar (JPY, KRW), as acquirers
/// charge per chargeback whatever its outcome is until it is won.
pub fn dispute_fee(currency: Currency) -> Result<Amount, MoneyError> {
    let major = match currency.code() {
        "JPY" => "2000",
        "KRW" => "20000",
        "INR" => "1200",
        "CNY" => "100",
        "MXN" => "250",
        "BRL" => "75",
        _ => "15",
    };
    Amount::parse_major(major, currency)
}

/// Whether a dispute on a payment is barred by the 3-D Secure liability
/// shift: fraud disputes of card-absent payments whose authentication
/// shifted liability to the issuer (Visa 10.4, Mastercard 4837 and 4863)
/// go to the issuer, not the merchant.
pub fn barred_by_liability_shift(reason: &ReasonCode, liability_shift: bool) -> bool {
    liability_shift && matches!(reason.code, "10.4" | "4837" | "4863")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_reason_texts_map_to_categories() {
        let cases = [
            ("Other Fraud-Card Absent Environment", C::Fraudulent),
            ("Merchandise/Services Not Received", C::ProductNotReceived),
            (
                "Not as Described or Defective Merchandise",
                C::ProductUnacceptable,
            ),
            ("Credit Not Processed", C::CreditNotProcessed),
            ("Duplicate Processing", C::Duplicate),
            ("Late Presentment", C::General),
            ("", C::General),
        ];
        for (text, category) in cases {
            assert_eq!(category_of_text(text), category, "{text}");
        }
    }

    #[test]
    fn reason_codes_map_to_categories() {
        let cases = [
            (V, "10.4", Some(C::Fraudulent)),
            (V, "13.1", Some(C::ProductNotReceived)),
            (V, "13.3", Some(C::ProductUnacceptable)),
            (V, "13.6", Some(C::CreditNotProcessed)),
            (V, "12.6.1", Some(C::Duplicate)),
            (V, "11.2", Some(C::General)),
            (V, "4837", None),
            (MC, "4837", Some(C::Fraudulent)),
            (MC, "4855", Some(C::ProductNotReceived)),
            (MC, "4853", Some(C::ProductUnacceptable)),
            (MC, "4860", Some(C::CreditNotProcessed)),
            (MC, "4834", Some(C::Duplicate)),
            (MC, "10.4", None),
            (MC, "9999", None),
        ];
        for (network, code, category) in cases {
            assert_eq!(
                reason_code(network, code).map(|r| r.category),
                category,
                "{network:?} {code}"
            );
        }
        for r in REASON_CODES {
            let same = REASON_CODES
                .iter()
                .filter(|o| o.network == r.network && o.code == r.code);
            assert_eq!(same.count(), 1, "{} listed twice", r.code);
        }
    }

    #[test]
    fn dispute_state_machine_table() {
        use DisputeEvent as E;
        use DisputeStatus as S;
        let due = Timestamp::from_unix_micros(1_000_000_000);
        let before = Timestamp::from_unix_micros(999_999_999);
        let at = due;
        let cases = [
            (
                S::NeedsResponse,
                before,
                E::SaveEvidence,
                Ok(S::NeedsResponse),
            ),
            (S::NeedsResponse, before, E::Submit, Ok(S::UnderReview)),
            (
                S::NeedsResponse,
                at,
                E::Submit,
                Err(DisputeTransitionError::PastDeadline),
            ),
            (
                S::NeedsResponse,
                at,
                E::SaveEvidence,
                Err(DisputeTransitionError::PastDeadline),
            ),
            (S::NeedsResponse, before, E::Accept, Ok(S::Lost)),
            (
                S::NeedsResponse,
                before,
                E::DeadlinePassed,
                Ok(S::NeedsResponse),
            ),
            (S::NeedsResponse, at, E::DeadlinePassed, Ok(S::Lost)),
            (S::UnderReview, at, E::DeadlinePassed, Ok(S::UnderReview)),
            (
                S::UnderReview,
                before,
                E::SaveEvidence,
                Err(DisputeTransitionError::AlreadySubmitted),
            ),
            (
                S::UnderReview,
                before,
                E::Submit,
                Err(DisputeTransitionError::AlreadySubmitted),
            ),
            (
                S::UnderReview,
                before,
                E::NetworkDecides { won: true },
                Ok(S::Won),
            ),
            (
                S::UnderReview,
                at,
                E::NetworkDecides { won: false },
                Ok(S::Lost),
            ),
            (
                S::NeedsResponse,
                before,
                E::NetworkDecides { won: true },
                Ok(S::Won),
            ),
            (
                S::Won,
                before,
                E::Submit,
                Err(DisputeTransitionError::Closed("won")),
            ),
            (
                S::Lost,
                before,
                E::NetworkDecides { won: true },
                Err(DisputeTransitionError::Closed("lost")),
            ),
        ];
        for (status, now, event, expected) in cases {
            assert_eq!(
                transition(status, due, now, event),
                expected,
                "{status:?} {event:?}"
            );
        }
    }

    #[test]
    fn windows_fees_and_liability_shift() {
        let opened = Timestamp::from_unix_micros(0);
        assert_eq!(
            evidence_due_by(V, opened).unix_micros(),
            20 * 86_400_000_000
        );
        assert_eq!(
            evidence_due_by(MC, opened).unix_micros(),
            35 * 86_400_000_000
        );
        let fee = |c: &str| dispute_fee(Currency::parse(c).unwrap()).unwrap().minor();
        assert_eq!((fee("EUR"), fee("JPY"), fee("KWD")), (1500, 2000, 15_000));
        let fraud = reason_code(V, "10.4").unwrap();
        let not_received = reason_code(V, "13.1").unwrap();
        assert!(barred_by_liability_shift(fraud, true));
        assert!(!barred_by_liability_shift(fraud, false));
        assert!(!barred_by_liability_shift(not_received, true));
        assert!(barred_by_liability_shift(
            reason_code(MC, "4837").unwrap(),
            true
        ));
    }
}
