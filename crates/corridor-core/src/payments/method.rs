//! How a payment is paid and captured: the method's type and the capture
//! mode, as stored and as the public API names them.

/// A payment method type, as a connector's coverage lists it. Codes are the
/// snake_case ids of the public API (`card`, `wechat_pay`, `konbini`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MethodType {
    /// Credit and debit cards.
    Card,
    /// Alipay (China).
    Alipay,
    /// WeChat Pay (China).
    WechatPay,
    /// PayPay (Japan).
    PayPay,
    /// KakaoPay (South Korea).
    KakaoPay,
    /// GrabPay (Singapore, Malaysia, the Philippines).
    GrabPay,
    /// PromptPay (Thailand's QR payments).
    PromptPay,
    /// iDEAL bank redirect (Netherlands).
    Ideal,
    /// Bancontact bank redirect (Belgium).
    Bancontact,
    /// SEPA Direct Debit (euro area).
    SepaDebit,
    /// Pix instant payment by QR code (Brazil).
    Pix,
    /// UPI collect request (India).
    Upi,
    /// Konbini convenience-store voucher (Japan).
    Konbini,
    /// OXXO cash voucher (Mexico).
    Oxxo,
    /// Boleto bancário (Brazil).
    Boleto,
    /// Klarna buy now, pay later.
    Klarna,
}

impl MethodType {
    /// Every type, in a stable order.
    pub const ALL: [MethodType; 16] = [
        MethodType::Card,
        MethodType::Alipay,
        MethodType::WechatPay,
        MethodType::PayPay,
        MethodType::KakaoPay,
        MethodType::GrabPay,
        MethodType::PromptPay,
        MethodType::Ideal,
        MethodType::Bancontact,
        MethodType::SepaDebit,
        MethodType::Pix,
        MethodType::Upi,
        MethodType::Konbini,
        MethodType::Oxxo,
        MethodType::Boleto,
        MethodType::Klarna,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            MethodType::Card => "card",
            MethodType::Alipay => "alipay",
            MethodType::WechatPay => "wechat_pay",
            MethodType::PayPay => "paypay",
            MethodType::KakaoPay => "kakao_pay",
            MethodType::GrabPay => "grabpay",
            MethodType::PromptPay => "promptpay",
            MethodType::Ideal => "ideal",
            MethodType::Bancontact => "bancontact",
            MethodType::SepaDebit => "sepa_debit",
            MethodType::Pix => "pix",
            MethodType::Upi => "upi",
            MethodType::Konbini => "konbini",
            MethodType::Oxxo => "oxxo",
            MethodType::Boleto => "boleto",
            MethodType::Klarna => "klarna",
        }
    }

    /// The type with this code, in any case.
    pub fn parse(code: &str) -> Option<Self> {
        let lower = code.to_ascii_lowercase();
        MethodType::ALL.into_iter().find(|m| m.code() == lower)
    }
}

impl std::fmt::Display for MethodType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether an authorization is captured at once or later by the merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptureMode {
    /// Capture as soon as the payment is authorized.
    Automatic,
    /// Authorize only; the merchant captures later.
    Manual,
}

impl CaptureMode {
    /// Stable code, as in the public API's `capture_method`.
    pub fn code(self) -> &'static str {
        match self {
            CaptureMode::Automatic => "automatic",
            CaptureMode::Manual => "manual",
        }
    }

    /// The mode with this code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "automatic" => Some(CaptureMode::Automatic),
            "manual" => Some(CaptureMode::Manual),
            _ => None,
        }
    }
}
