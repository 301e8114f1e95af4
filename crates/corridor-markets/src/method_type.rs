//! Stable ids of payment method types.

/// Every payment method type Corridor knows, as the stable snake_case id
/// used in data files, the HTTP API (`payment_method.type`) and the payment
/// engine. Adding a method to a data file means adding its id here first, so
/// a typo in a file fails loading instead of creating a new type.
const KNOWN: &[&str] = &[
    // Cards and card-backed wallets, everywhere.
    "card",
    "apple_pay",
    "google_pay",
    "paypal",
    // Buy now, pay later.
    "klarna",
    "affirm",
    "afterpay_clearpay",
    "tabby",
    "tamara",
    // North America.
    "ach_debit",
    "cash_app_pay",
    "interac",
    // Latin America.
    "oxxo",
    "spei",
    "mercado_pago",
    "pix",
    "boleto",
    // Europe.
    "sepa_debit",
    "ideal",
    "bancontact",
    "cartes_bancaires",
    "bizum",
    "satispay",
    "blik",
    "przelewy24",
    "swish",
    "trustly",
    "pay_by_bank",
    // East Asia.
    "konbini",
    "paypay",
    "alipay",
    "wechat_pay",
    "unionpay",
    "alipay_hk",
    "fps",
    "kakao_pay",
    "naver_pay",
    "toss",
    // South and South-East Asia.
    "upi",
    "netbanking",
    "paytm",
    "paynow",
    "grabpay",
    "gopay",
    "ovo",
    "dana",
    "qris",
    "bank_transfer",
    "promptpay",
    "truemoney",
    "momo",
    "vnpay",
    "zalopay",
    "gcash",
    "maya",
    "fpx",
    "touch_n_go",
    // Oceania.
    "payto",
    // Middle East and Africa.
    "mada",
    "stc_pay",
    "troy",
    "instant_eft",
    "snapscan",
    "ussd",
    "fawry",
    "instapay",
    "mpesa",
    // Markets under sanctions (listed for completeness, never offered).
    "mir",
    "sbp",
    "erip",
];

/// A payment method type: one of a fixed list of stable snake_case ids
/// (`card`, `konbini`, `pix`, ...). Once you hold one, it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MethodType(&'static str);

/// The text is not a known payment method type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payment method type `{0}`")]
pub struct UnknownMethodType(pub String);

impl MethodType {
    /// Parses a type id in any case (`"Konbini"` is `konbini`).
    pub fn parse(text: &str) -> Result<Self, UnknownMethodType> {
        let lower = text.to_ascii_lowercase();
        KNOWN
            .iter()
            .find(|known| **known == lower)
            .map(|known| MethodType(known))
            .ok_or_else(|| UnknownMethodType(text.to_string()))
    }

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Every known type, in a stable order.
    pub fn all() -> impl Iterator<Item = MethodType> {
        KNOWN.iter().map(|known| MethodType(known))
    }
}

impl std::fmt::Display for MethodType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_ids_in_any_case() {
        assert_eq!(MethodType::parse("konbini").unwrap().as_str(), "konbini");
        assert_eq!(
            MethodType::parse("WeChat_Pay").unwrap().as_str(),
            "wechat_pay"
        );
    }

    #[test]
    fn refuses_unknown_ids() {
        for text in ["", "wechatpay", "sofort", "card ", "giropay"] {
            assert!(MethodType::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn ids_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for t in MethodType::all() {
            let id = t.as_str();
            assert!(seen.insert(id), "{id} listed twice");
            let snake = id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            assert!(snake && !id.starts_with('_') && !id.ends_with('_'), "{id}");
        }
    }
}
