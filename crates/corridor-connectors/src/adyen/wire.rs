//! Adyen's JSON, as far as Corridor reads it (Checkout API v71 schemas
//! `PaymentResponse`, `PaymentDetailsResponse`, the `Checkout*Action`s,
//! `Payment{Capture,Cancel,Refund}Response`, `PaymentMethodsResponse` and
//! `ServiceError`). Unknown fields are ignored: Adyen adds fields without a
//! new version.

use serde::Deserialize;

/// `Amount`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AmountWire {
    pub currency: String,
    pub value: i64,
}

/// `PaymentResponse` and `PaymentDetailsResponse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentResponseWire {
    pub result_code: Option<String>,
    pub psp_reference: Option<String>,
    pub merchant_reference: Option<String>,
    pub refusal_reason: Option<String>,
    pub refusal_reason_code: Option<String>,
    pub amount: Option<AmountWire>,
    pub action: Option<ActionWire>,
}

/// One of the `Checkout*Action` objects; `type` tells which.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActionWire {
    #[serde(rename = "type")]
    pub kind: String,
    pub payment_method_type: Option<String>,
    pub url: Option<String>,
    /// `threeDS2`: `fingerprint` or `challenge`.
    pub subtype: Option<String>,
    /// `threeDS2`: the token the 3DS2 SDK needs.
    pub token: Option<String>,
    /// `qrCode`.
    pub qr_code_data: Option<String>,
    /// `qrCode`, `voucher`: ISO 8601.
    pub expires_at: Option<String>,
    /// `voucher`: the payment number.
    pub reference: Option<String>,
    /// `voucher`: a second number some vouchers carry.
    pub alternative_reference: Option<String>,
}

/// `PaymentCaptureResponse`, `PaymentCancelResponse`, `PaymentRefundResponse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ModificationWire {
    pub psp_reference: String,
    pub payment_psp_reference: String,
    pub status: String,
}

/// `PaymentMethodsResponse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentMethodsWire {
    #[serde(default)]
    pub payment_methods: Vec<PaymentMethodWire>,
}

/// `PaymentMethod`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PaymentMethodWire {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
}

/// `ServiceError`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ServiceErrorWire {
    pub error_code: Option<String>,
    pub error_type: Option<String>,
    pub message: Option<String>,
    /// A problem document's `detail` (what a validating proxy answers).
    pub detail: Option<String>,
}
