//! Adyen's standard webhooks (Webhooks API v1): parsing a
//! `NotificationRequest` and verifying each item's HMAC signature.
//!
//! The signature is Adyen's documented one: HMAC-SHA256, keyed with the
//! hex-decoded HMAC key of the webhook, over
//! `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`
//! (an absent field is empty), base64-encoded, in
//! `additionalData.hmacSignature`.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::BTreeMap;

/// Most items one notification request may carry.
pub const ITEMS_MAX: usize = 100;

/// A webhook's HMAC key: 32 to 64 bytes, given as hex in Adyen's Customer Area.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey(Vec<u8>);

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey(***)")
    }
}

/// The HMAC key is not even-length hex of 32 to 64 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an Adyen HMAC key is 64 to 128 hexadecimal characters")]
pub struct InvalidHmacKey;

impl HmacKey {
    /// Parses the hex key as Adyen shows it.
    pub fn parse_hex(text: &str) -> Result<Self, InvalidHmacKey> {
        let bytes = hex::decode(text.trim()).map_err(|_| InvalidHmacKey)?;
        if !(32..=64).contains(&bytes.len()) {
            return Err(InvalidHmacKey);
        }
        Ok(HmacKey(bytes))
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }
}

/// `NotificationRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRequest {
    /// `"true"` from the live platform, `"false"` from the test platform.
    pub live: String,
    /// The items, each wrapped as Adyen wraps them.
    pub notification_items: Vec<ItemWrapper>,
}

/// `NotificationRequestItemWrapper`.
#[derive(Debug, Clone, Deserialize)]
pub struct ItemWrapper {
    /// The item.
    #[serde(rename = "NotificationRequestItem")]
    pub item: NotificationItem,
}

/// `Amount` of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NotificationAmount {
    /// ISO 4217 code.
    pub currency: String,
    /// Minor units.
    pub value: i64,
}

/// `NotificationRequestItem`: one event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationItem {
    /// Adyen's reference of the payment, or of the modification.
    pub psp_reference: String,
    /// For a modification, the payment's pspReference.
    pub original_reference: Option<String>,
    /// The merchant account.
    pub merchant_account_code: String,
    /// Corridor's reference (the payment id).
    pub merchant_reference: String,
    /// `AUTHORISATION`, `CAPTURE`, ...
    pub event_code: String,
    /// When it happened (ISO 8601).
    pub event_date: String,
    /// `"true"` or `"false"`.
    pub success: String,
    /// The amount concerned.
    pub amount: NotificationAmount,
    /// The payment method's type.
    pub payment_method: Option<String>,
    /// A refusal or failure reason.
    pub reason: Option<String>,
    /// Strings only, as Adyen sends them; holds `hmacSignature`.
    #[serde(default)]
    pub additional_data: BTreeMap<String, serde_json::Value>,
}

impl NotificationItem {
    /// Whether the event succeeded.
    pub fn succeeded(&self) -> bool {
        self.success == "true"
    }

    /// The text Adyen signs.
    pub fn signing_payload(&self) -> String {
        [
            self.psp_reference.as_str(),
            self.original_reference.as_deref().unwrap_or(""),
            self.merchant_account_code.as_str(),
            self.merchant_reference.as_str(),
            &self.amount.value.to_string(),
            self.amount.currency.as_str(),
            self.event_code.as_str(),
            self.success.as_str(),
        ]
        .join(":")
    }

    /// The base64 signature of this item under `key`.
    pub fn sign(&self, key: &HmacKey) -> String {
        let mut mac = key.mac();
        mac.update(self.signing_payload().as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// Whether `additionalData.hmacSignature` is this item's signature under
    /// `key` (compared in constant time).
    pub fn verify(&self, key: &HmacKey) -> bool {
        let Some(given) = self
            .additional_data
            .get("hmacSignature")
            .and_then(|v| v.as_str())
        else {
            return false;
        };
        let Ok(given) = base64::engine::general_purpose::STANDARD.decode(given) else {
            return false;
        };
        let mut mac = key.mac();
        mac.update(self.signing_payload().as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

/// What Corridor does with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `AUTHORISATION`: the payment's result.
    Authorisation,
    /// `CAPTURE`: a capture went through.
    Capture,
    /// `CAPTURE_FAILED`: a capture Adyen accepted failed at the acquirer.
    CaptureFailed,
    /// `CANCELLATION`: an authorisation was canceled.
    Cancellation,
    /// `REFUND`: a refund's result.
    Refund,
    /// `REFUND_FAILED`: a refund Adyen accepted failed.
    RefundFailed,
    /// A dispute event (`NOTIFICATION_OF_CHARGEBACK`, `CHARGEBACK`,
    /// `CHARGEBACK_REVERSED`, `PREARBITRATION_*`, `SECOND_CHARGEBACK`).
    Dispute(DisputeEvent),
    /// `NOTIFICATION_OF_FRAUD`: the issuer reported the payment as fraud
    /// (Visa TC40, Mastercard SAFE; `nofReasonCode`, `nofSchemeCode`).
    FraudReport,
    /// Any other event code: acknowledged and recorded only.
    Other,
}

impl EventKind {
    /// The kind of an `eventCode`.
    pub fn of(event_code: &str) -> Self {
        match event_code {
            "AUTHORISATION" => EventKind::Authorisation,
            "CAPTURE" => EventKind::Capture,
            "CAPTURE_FAILED" => EventKind::CaptureFailed,
            "CANCELLATION" => EventKind::Cancellation,
            "REFUND" => EventKind::Refund,
            "REFUND_FAILED" => EventKind::RefundFailed,
            "NOTIFICATION_OF_CHARGEBACK" => {
                EventKind::Dispute(DisputeEvent::Opened(DisputeStage::Chargeback))
            }
            "CHARGEBACK" => EventKind::Dispute(DisputeEvent::Debited),
            "CHARGEBACK_REVERSED" => {
                EventKind::Dispute(DisputeEvent::Decided(DisputeStage::Chargeback, true))
            }
            "PREARBITRATION_OPEN" => {
                EventKind::Dispute(DisputeEvent::Opened(DisputeStage::PreArbitration))
            }
            "PREARBITRATION_WON" => {
                EventKind::Dispute(DisputeEvent::Decided(DisputeStage::PreArbitration, true))
            }
            "PREARBITRATION_LOST" => {
                EventKind::Dispute(DisputeEvent::Decided(DisputeStage::PreArbitration, false))
            }
            "SECOND_CHARGEBACK" => {
                EventKind::Dispute(DisputeEvent::Decided(DisputeStage::SecondChargeback, false))
            }
            "NOTIFICATION_OF_FRAUD" => EventKind::FraudReport,
            _ => EventKind::Other,
        }
    }
}

/// A stage of a dispute, each its own dispute in Corridor: the first
/// chargeback, the issuer's pre-arbitration after the merchant defended it,
/// and a second chargeback (final).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStage {
    /// `NOTIFICATION_OF_CHARGEBACK`, `CHARGEBACK`, `CHARGEBACK_REVERSED`.
    Chargeback,
    /// `PREARBITRATION_OPEN`, `_WON`, `_LOST`.
    PreArbitration,
    /// `SECOND_CHARGEBACK`.
    SecondChargeback,
}

impl DisputeStage {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DisputeStage::Chargeback => "chargeback",
            DisputeStage::PreArbitration => "pre_arbitration",
            DisputeStage::SecondChargeback => "second_chargeback",
        }
    }
}

/// What a dispute notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeEvent {
    /// A dispute of this stage is open; the merchant may defend it.
    Opened(DisputeStage),
    /// `CHARGEBACK`: the funds were debited; the dispute is open unless
    /// `additionalData.disputeStatus` says it is over.
    Debited,
    /// The stage is decided: for the merchant (`true`) or not.
    Decided(DisputeStage, bool),
}

/// `additionalData.disputeStatus` values that end a dispute against the
/// merchant (Adyen: not defended, accepted, expired, lost).
pub fn dispute_status_lost(status: &str) -> bool {
    matches!(status, "Undefended" | "Accepted" | "Expired" | "Lost")
}

impl NotificationItem {
    /// A string of `additionalData`, if present and not empty.
    pub fn additional(&self, name: &str) -> Option<&str> {
        self.additional_data
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

/// Parses a notification request body; the error says what is wrong.
pub fn parse(body: &[u8]) -> Result<NotificationRequest, String> {
    let request: NotificationRequest = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if request.notification_items.is_empty() {
        return Err("notificationItems is empty".into());
    }
    if request.notification_items.len() > ITEMS_MAX {
        return Err(format!("notificationItems has more than {ITEMS_MAX} items"));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

    fn item() -> NotificationItem {
        let body = include_str!("../../data/adyen/Webhooks-v1.json");
        let spec: serde_json::Value = serde_json::from_str(body).unwrap();
        let example = &spec["components"]["examples"]["post-REFUND-refund"]["value"];
        let request: NotificationRequest = serde_json::from_value(example.clone()).unwrap();
        request.notification_items[0].item.clone()
    }

    #[test]
    fn the_signed_text_follows_adyens_field_order() {
        assert_eq!(
            item().signing_payload(),
            "QFQTPCQ8HXSKGK82:9913140798220028:YOUR_MERCHANT_ACCOUNT:YOUR_MERCHANT_REFERENCE:1000:EUR:REFUND:false"
        );
    }

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let key = HmacKey::parse_hex(KEY).unwrap();
        let mut item = item();
        let signature = item.sign(&key);
        // Independently computed: HMAC-SHA256 of the payload above, base64.
        // Computed independently with Python's hmac module over the text above.
        assert_eq!(signature, "MNIvdxY0ImIjROAIVbzMHy5himSV4kbJ1xP1s1+udlQ=");
        item.additional_data
            .insert("hmacSignature".into(), signature.into());
        assert!(item.verify(&key));
        let mut tampered = item.clone();
        tampered.amount.value += 1;
        assert!(!tampered.verify(&key));
        let other = HmacKey::parse_hex(&"AB".repeat(32)).unwrap();
        assert!(!item.verify(&other));
        item.additional_data.remove("hmacSignature");
        assert!(!item.verify(&key));
    }

    #[test]
    fn dispute_event_codes_of_the_webhooks_document_are_classified() {
        use DisputeEvent as D;
        use DisputeStage as S;
        let cases = [
            ("NOTIFICATION_OF_CHARGEBACK", D::Opened(S::Chargeback)),
            ("CHARGEBACK", D::Debited),
            ("CHARGEBACK_REVERSED", D::Decided(S::Chargeback, true)),
            ("PREARBITRATION_OPEN", D::Opened(S::PreArbitration)),
            ("PREARBITRATION_WON", D::Decided(S::PreArbitration, true)),
            ("PREARBITRATION_LOST", D::Decided(S::PreArbitration, false)),
            ("SECOND_CHARGEBACK", D::Decided(S::SecondChargeback, false)),
        ];
        let spec = include_str!("../../data/adyen/Webhooks-v1.json");
        for (code, event) in cases {
            assert!(
                spec.contains(&format!("\"{code}\"")),
                "{code} is in the document"
            );
            assert_eq!(EventKind::of(code), EventKind::Dispute(event), "{code}");
        }
        assert_eq!(EventKind::of("ISSUER_COMMENTS"), EventKind::Other);
        assert!(spec.contains("\"NOTIFICATION_OF_FRAUD\""));
        assert_eq!(
            EventKind::of("NOTIFICATION_OF_FRAUD"),
            EventKind::FraudReport
        );
    }

    #[test]
    fn keys_are_hex_of_32_to_64_bytes() {
        assert!(HmacKey::parse_hex(KEY).is_ok());
        assert!(HmacKey::parse_hex("zz").is_err());
        assert!(HmacKey::parse_hex(&"AB".repeat(16)).is_err());
        assert!(!format!("{:?}", HmacKey::parse_hex(KEY).unwrap()).contains("44782"));
    }
}
