//! How each method type proceeds, and how long its steps take.

use crate::sandbox::Timings;
use crate::MethodType;

/// The shape of a method's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Authorized at once, or after a 3DS challenge.
    Card,
    /// The buyer approves at a wallet, bank or BNPL page; then approved or declined.
    Redirect,
    /// The buyer scans a QR code; scanning pays.
    QrCode,
    /// The buyer approves a collect request in the bank app; then approved or declined.
    UpiCollect,
    /// The buyer pays a voucher; the provider confirms it later.
    Voucher,
    /// Accepted at once; settles (or bounces) days later.
    DirectDebit,
}

pub(crate) fn flow(method: MethodType) -> Flow {
    match method {
        MethodType::Card => Flow::Card,
        MethodType::Alipay
        | MethodType::PayPay
        | MethodType::KakaoPay
        | MethodType::GrabPay
        | MethodType::Ideal
        | MethodType::Bancontact
        | MethodType::Klarna => Flow::Redirect,
        MethodType::WechatPay | MethodType::Pix | MethodType::PromptPay => Flow::QrCode,
        MethodType::Upi => Flow::UpiCollect,
        MethodType::Konbini | MethodType::Oxxo | MethodType::Boleto => Flow::Voucher,
        MethodType::SepaDebit => Flow::DirectDebit,
    }
}

/// How long the buyer has to act.
pub(crate) fn action_expiry_seconds(timings: &Timings, method: MethodType) -> i64 {
    match method {
        MethodType::Card => timings.three_ds_expiry_seconds,
        MethodType::WechatPay => timings.wechat_qr_expiry_seconds,
        MethodType::Pix | MethodType::PromptPay => timings.pix_qr_expiry_seconds,
        MethodType::Upi => timings.upi_collect_expiry_seconds,
        MethodType::Konbini | MethodType::Oxxo | MethodType::Boleto => {
            timings.voucher_expiry_seconds
        }
        _ => timings.redirect_expiry_seconds,
    }
}

/// How long a pending charge takes to settle.
pub(crate) fn settle_seconds(timings: &Timings, method: MethodType) -> i64 {
    match method {
        MethodType::Konbini => timings.konbini_settle_seconds,
        MethodType::Oxxo => timings.oxxo_settle_seconds,
        MethodType::Boleto => timings.boleto_settle_seconds,
        _ => timings.sepa_settle_seconds,
    }
}
