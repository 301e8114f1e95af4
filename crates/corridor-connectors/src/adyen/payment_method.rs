//! Which Adyen `paymentMethod.type` each payment method is, and the
//! `paymentMethod` object a `/payments` request carries.
//!
//! Every type here is one of the `type` enums of the `paymentMethod` schemas
//! of Checkout API v71 (a unit test checks it against the document).

use corridor_core::CountryCode;
use serde_json::{json, Value};

use crate::coverage::{CountrySet, CurrencySet};
use crate::{
    BankRedirect, Bnpl, ConnectorError, Coverage, MethodCoverage, MethodType, PaymentMethod,
    Voucher, Wallet,
};

/// The market knowledge base's method codes that Adyen offers, with the
/// Adyen `paymentMethod.type` of each (GrabPay's depends on the country:
/// see [`grabpay_type`]).
pub const KNOWLEDGE_BASE_TYPES: &[(&str, &str)] = &[
    ("card", "scheme"),
    ("apple_pay", "applepay"),
    ("google_pay", "googlepay"),
    ("paypal", "paypal"),
    ("klarna", "klarna"),
    ("affirm", "affirm"),
    ("afterpay_clearpay", "afterpaytouch"),
    ("ach_debit", "ach"),
    ("cash_app_pay", "cashapp"),
    ("oxxo", "oxxo"),
    ("pix", "pix"),
    ("boleto", "boletobancario"),
    ("sepa_debit", "sepadirectdebit"),
    ("ideal", "ideal"),
    ("bancontact", "bcmc_mobile"),
    ("bizum", "bizum"),
    ("blik", "blik"),
    ("swish", "swish"),
    ("trustly", "trustly"),
    ("pay_by_bank", "paybybank"),
    ("konbini", "konbini"),
    ("paypay", "paypay"),
    ("alipay", "alipay"),
    ("wechat_pay", "wechatpayQR"),
    ("unionpay", "unionpay"),
    ("alipay_hk", "alipay_hk"),
    ("kakao_pay", "kakaopay"),
    ("naver_pay", "kcp_naverpay"),
    ("upi", "upi_collect"),
    ("paytm", "paytm"),
    ("paynow", "paynow"),
    ("grabpay", "grabpay_SG"),
    ("gopay", "gopay_wallet"),
    ("dana", "dana"),
    ("promptpay", "promptpay"),
    ("truemoney", "truemoney"),
    ("momo", "momo_wallet"),
    ("gcash", "gcash"),
    ("maya", "paymaya_wallet"),
    ("fpx", "molpay_fpx"),
    ("touch_n_go", "touchngo"),
    ("payto", "payto"),
    ("mada", "mada"),
];

/// Countries where Adyen offers GrabPay, each with its own type.
const GRABPAY_COUNTRIES: [&str; 6] = ["SG", "MY", "TH", "ID", "VN", "PH"];

/// GrabPay's Adyen type in `country` (`grabpay_SG`, ...), if offered there.
pub fn grabpay_type(country: CountryCode) -> Option<&'static str> {
    Some(match country.as_str() {
        "SG" => "grabpay_SG",
        "MY" => "grabpay_MY",
        "TH" => "grabpay_TH",
        "ID" => "grabpay_ID",
        "VN" => "grabpay_VN",
        "PH" => "grabpay_PH",
        _ => return None,
    })
}

/// The Adyen type of a Corridor method for a buyer in `country`, or `None`
/// if this connector does not charge it.
pub fn adyen_type(method: &PaymentMethod, country: CountryCode) -> Option<&'static str> {
    Some(match method {
        PaymentMethod::Card(_) | PaymentMethod::EncryptedCard(_) => "scheme",
        PaymentMethod::Wallet(Wallet::Alipay) => "alipay",
        PaymentMethod::Wallet(Wallet::WechatPay) => "wechatpayQR",
        PaymentMethod::Wallet(Wallet::PayPay) => "paypay",
        PaymentMethod::Wallet(Wallet::KakaoPay) => "kakaopay",
        PaymentMethod::Wallet(Wallet::GrabPay) => return grabpay_type(country),
        PaymentMethod::PromptPay => "promptpay",
        PaymentMethod::BankRedirect(BankRedirect::Ideal) => "ideal",
        PaymentMethod::BankRedirect(BankRedirect::Bancontact) => "bcmc_mobile",
        PaymentMethod::Pix => "pix",
        PaymentMethod::Upi { .. } => "upi_collect",
        PaymentMethod::Voucher(Voucher::Konbini) => "konbini",
        PaymentMethod::Voucher(Voucher::Oxxo) => "oxxo",
        PaymentMethod::Voucher(Voucher::Boleto) => "boletobancario",
        PaymentMethod::Bnpl(Bnpl::Klarna) => "klarna",
        PaymentMethod::SepaDebit { .. } => "sepadirectdebit",
    })
}

/// The `paymentMethod` object of a `/payments` request.
///
/// Raw card fields are refused unless `raw_card_data` is set; encrypted
/// fields pass through unchanged.
pub fn payment_method_json(
    method: &PaymentMethod,
    country: CountryCode,
    raw_card_data: bool,
) -> Result<Value, ConnectorError> {
    let kind = adyen_type(method, country).ok_or_else(|| {
        ConnectorError::Unsupported(crate::CoverageError::Country {
            method: method.method_type(),
            country,
        })
    })?;
    Ok(match method {
        PaymentMethod::Card(card) => {
            if !raw_card_data {
                return Err(ConnectorError::InvalidRequest(
                    "raw card data is disabled on this Adyen connector (raw_card_data: true \
                     needs a PCI DSS certified integration); send the encrypted card fields"
                        .into(),
                ));
            }
            json!({
                "type": kind,
                "number": card.number.expose_digits(),
                "expiryMonth": format!("{:02}", card.expiry.month),
                "expiryYear": card.expiry.year.to_string(),
                "cvc": card.cvc,
            })
        }
        PaymentMethod::EncryptedCard(card) => {
            let mut body = json!({
                "type": kind,
                "encryptedCardNumber": card.number,
                "encryptedExpiryMonth": card.expiry_month,
                "encryptedExpiryYear": card.expiry_year,
            });
            if let Some(code) = &card.security_code {
                body["encryptedSecurityCode"] = code.clone().into();
            }
            body
        }
        PaymentMethod::Upi { vpa } => json!({"type": kind, "virtualPaymentAddress": vpa}),
        // `SepaDirectDebitDetails` requires both: the mandate names the
        // debtor.
        PaymentMethod::SepaDebit { iban, owner_name } => {
            if owner_name.trim().is_empty() {
                return Err(ConnectorError::InvalidRequest(
                    "Adyen needs the account holder's name with the IBAN".into(),
                ));
            }
            json!({"type": kind, "iban": iban, "ownerName": owner_name})
        }
        _ => json!({ "type": kind }),
    })
}

/// What an Adyen merchant account can be asked to charge: the methods above,
/// local ones in their home markets. Which of them a given merchant account
/// has enabled is what `POST /paymentMethods` answers.
pub fn coverage() -> Coverage {
    let local = |method, countries: &[&str], manual_capture| MethodCoverage {
        method,
        countries: if countries.is_empty() {
            CountrySet::Any
        } else {
            CountrySet::Only(
                countries
                    .iter()
                    .filter_map(|c| CountryCode::parse(c).ok())
                    .collect(),
            )
        },
        currencies: CurrencySet::Any,
        limits: Vec::new(),
        manual_capture,
    };
    let euro_only = |mut m: MethodCoverage| {
        m.currencies = CurrencySet::Only(vec![corridor_core::Currency::parse("EUR")
            .unwrap_or_else(|_| unreachable!("EUR is a settling currency"))]);
        m
    };
    Coverage {
        methods: vec![
            local(MethodType::Card, &[], true),
            local(MethodType::Alipay, &[], false),
            local(MethodType::WechatPay, &[], false),
            local(MethodType::PayPay, &["JP"], false),
            local(MethodType::KakaoPay, &["KR"], false),
            local(MethodType::GrabPay, &GRABPAY_COUNTRIES, false),
            local(MethodType::PromptPay, &["TH"], false),
            local(MethodType::Ideal, &["NL"], false),
            local(MethodType::Bancontact, &["BE"], false),
            local(MethodType::Pix, &["BR"], false),
            local(MethodType::Upi, &["IN"], false),
            local(MethodType::Konbini, &["JP"], false),
            local(MethodType::Oxxo, &["MX"], false),
            local(MethodType::Boleto, &["BR"], false),
            local(MethodType::Klarna, &[], true),
            // SEPA debits are in euros; the markets say where they are used.
            euro_only(local(MethodType::SepaDebit, &[], false)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `type` enum value of the schemas `/payments` accepts.
    fn spec_types() -> Vec<String> {
        let text = include_str!("../../data/adyen/CheckoutService-v71.json");
        let spec: Value = serde_json::from_str(text).unwrap();
        let schemas = &spec["components"]["schemas"];
        let one_of = schemas["PaymentRequest"]["properties"]["paymentMethod"]["oneOf"]
            .as_array()
            .unwrap();
        let mut types = Vec::new();
        for reference in one_of {
            let name = reference["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            for value in schemas[name]["properties"]["type"]["enum"]
                .as_array()
                .unwrap()
            {
                types.push(value.as_str().unwrap().to_string());
            }
        }
        types
    }

    #[test]
    fn every_mapped_type_is_one_the_checkout_document_accepts() {
        let types = spec_types();
        for (code, kind) in KNOWLEDGE_BASE_TYPES {
            assert!(types.iter().any(|t| t == kind), "{code} -> {kind}");
        }
        for country in GRABPAY_COUNTRIES {
            let kind = grabpay_type(CountryCode::parse(country).unwrap()).unwrap();
            assert!(types.iter().any(|t| t == kind), "{kind}");
        }
        let nl = CountryCode::parse("NL").unwrap();
        for method in MethodType::ALL {
            if let Some(m) = PaymentMethod::without_details(method) {
                if let Some(kind) = adyen_type(&m, nl) {
                    assert!(types.iter().any(|t| t == kind), "{kind}");
                }
            }
        }
    }

    #[test]
    fn every_mapped_code_is_a_knowledge_base_method_type() {
        for (code, _) in KNOWLEDGE_BASE_TYPES {
            assert!(corridor_markets::MethodType::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn raw_card_fields_need_the_operator_setting() {
        let card = PaymentMethod::Card(crate::CardDetails {
            number: corridor_core::payments::card::CardNumber::parse("4111111111111111").unwrap(),
            expiry: corridor_core::payments::card::Expiry {
                month: 3,
                year: 2030,
            },
            cvc: "737".into(),
        });
        let nl = CountryCode::parse("NL").unwrap();
        assert!(matches!(
            payment_method_json(&card, nl, false),
            Err(ConnectorError::InvalidRequest(_))
        ));
        let body = payment_method_json(&card, nl, true).unwrap();
        assert_eq!(body["expiryMonth"], "03");
        assert_eq!(body["type"], "scheme");
    }
}
