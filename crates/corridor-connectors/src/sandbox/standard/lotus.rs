//! The Asian wallets PSP.

use super::{countries, currencies, fee, home, latency, limit, method, three_ds};
use crate::sandbox::PspProfile;
use crate::MethodType;

/// Alipay and WeChat Pay for Chinese buyers, PayPay and Konbini in Japan,
/// KakaoPay in Korea, GrabPay in Southeast Asia, PromptPay in Thailand, UPI
/// in India, and local cards in those markets.
pub(super) fn lotus() -> PspProfile {
    let cross_border = [
        "CNY", "USD", "EUR", "GBP", "JPY", "HKD", "SGD", "AUD", "CAD",
    ];
    let methods = vec![
        method(
            MethodType::Alipay,
            countries(&["CN", "HK"]),
            currencies(&cross_border),
            0.94,
            fee(300, 0, &[]),
        )
        .completion(0.88),
        method(
            MethodType::WechatPay,
            countries(&["CN"]),
            currencies(&cross_border),
            0.95,
            fee(300, 0, &[]),
        )
        .completion(0.82),
        method(
            MethodType::PayPay,
            countries(&["JP"]),
            currencies(&["JPY"]),
            0.95,
            fee(325, 0, &[]),
        )
        .limits(vec![limit("JPY", 1, 1_000_000)])
        .completion(0.9),
        method(
            MethodType::KakaoPay,
            countries(&["KR"]),
            currencies(&["KRW"]),
            0.94,
            fee(300, 0, &[]),
        )
        .limits(vec![limit("KRW", 100, 2_000_000)])
        .completion(0.88),
        method(
            MethodType::GrabPay,
            countries(&["SG", "MY", "PH"]),
            currencies(&["SGD", "MYR", "PHP"]),
            0.93,
            fee(330, 0, &[]),
        )
        .completion(0.86),
        // PromptPay: the buyer scans a Thai QR code with a banking app.
        method(
            MethodType::PromptPay,
            countries(&["TH"]),
            currencies(&["THB"]),
            0.97,
            fee(165, 0, &[]),
        )
        .completion(0.84),
        // Konbini takes ¥120 to ¥300,000 per voucher.
        method(
            MethodType::Konbini,
            countries(&["JP"]),
            currencies(&["JPY"]),
            1.0,
            fee(275, 0, &[("JPY", 120)]),
        )
        .limits(vec![limit("JPY", 120, 300_000)])
        .completion(0.75),
        // UPI collect: ₹1 to ₹1,00,000 per payment.
        method(
            MethodType::Upi,
            countries(&["IN"]),
            currencies(&["INR"]),
            0.90,
            fee(150, 0, &[]),
        )
        .limits(vec![limit("INR", 100, 10_000_000)])
        .completion(0.8),
        method(
            MethodType::Card,
            countries(&["JP", "KR", "CN", "HK", "SG", "IN"]),
            currencies(&["JPY", "KRW", "CNY", "HKD", "SGD", "INR", "USD"]),
            0.88,
            fee(320, 100, &[("JPY", 30), ("USD", 30)]),
        )
        .manual_capture()
        .completion(0.88)
        .by_country(&[("JP", 0.92), ("KR", 0.91), ("CN", 0.86), ("IN", 0.84)]),
    ];
    PspProfile {
        name: "lotus".to_string(),
        home_countries: home(&["JP", "KR", "CN", "HK", "SG", "IN"]),
        methods,
        latency: latency(550, 0.5),
        timeout_rate: 0.002,
        server_error_rate: 0.003,
        soft_decline_share: 0.25,
        three_ds: three_ds(0.25, 0.05),
    }
}
