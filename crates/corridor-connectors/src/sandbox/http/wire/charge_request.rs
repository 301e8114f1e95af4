//! A charge request as JSON.

use corridor_core::payments::card::{CardNumber, Expiry};
use corridor_core::{Amount, CountryCode, Currency};
use serde::{Deserialize, Serialize};

use crate::{
    BankRedirect, Bnpl, CaptureMode, CardDetails, ChargeRequest, IdempotencyKey, PaymentMethod,
    Voucher, Wallet,
};

/// `POST /psp/{name}/charges`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChargeBody {
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub country: String,
    pub capture_method: String,
    pub sca_required: bool,
    pub payment_method: MethodBody,
}

/// `payment_method`: `{type, ...details}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum MethodBody {
    Card {
        number: String,
        exp_month: u32,
        exp_year: i32,
        cvc: String,
    },
    Alipay,
    WechatPay,
    #[serde(rename = "paypay")]
    PayPay,
    KakaoPay,
    #[serde(rename = "grabpay")]
    GrabPay,
    Ideal,
    Bancontact,
    SepaDebit {
        iban: String,
        #[serde(default)]
        owner_name: String,
    },
    Pix,
    #[serde(rename = "promptpay")]
    PromptPay,
    Upi {
        vpa: String,
    },
    Konbini,
    Oxxo,
    Boleto,
    Klarna,
}

impl std::fmt::Debug for MethodBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body holds the card number and CVC in clear: never print them.
        f.write_str("MethodBody(..)")
    }
}

/// `POST /psp/{name}/charges/{reference}/capture`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaptureBody {
    pub amount: i64,
}

impl ChargeBody {
    /// The body of `request`; `None` for encrypted card fields, which only
    /// the provider they were encrypted for can read.
    pub fn from_request(request: &ChargeRequest) -> Option<Self> {
        Some(ChargeBody {
            payment_id: request.payment_id.clone(),
            amount: request.amount.minor(),
            currency: request.currency.code().to_string(),
            country: request.country.as_str().to_string(),
            capture_method: request.capture.code().to_string(),
            sca_required: request.sca_required,
            payment_method: MethodBody::from_method(&request.method)?,
        })
    }

    /// The domain request, or the name of the first invalid field.
    pub fn into_request(self, key: IdempotencyKey) -> Result<ChargeRequest, String> {
        if self.payment_id.is_empty() || self.payment_id.len() > 255 {
            return Err("payment_id: 1-255 characters".to_string());
        }
        Ok(ChargeRequest {
            payment_id: self.payment_id,
            idempotency_key: key,
            amount: Amount::positive(self.amount).map_err(|e| format!("amount: {e}"))?,
            currency: Currency::parse(&self.currency).map_err(|e| format!("currency: {e}"))?,
            country: CountryCode::parse(&self.country).map_err(|e| format!("country: {e}"))?,
            capture: CaptureMode::parse(&self.capture_method)
                .ok_or("capture_method: automatic or manual")?,
            sca_required: self.sca_required,
            method: self.payment_method.into_method()?,
        })
    }
}

impl MethodBody {
    fn from_method(method: &PaymentMethod) -> Option<Self> {
        Some(match method {
            PaymentMethod::EncryptedCard(_) => return None,
            PaymentMethod::Card(card) => MethodBody::Card {
                number: card.number.expose_digits().to_string(),
                exp_month: card.expiry.month,
                exp_year: card.expiry.year,
                cvc: card.cvc.clone(),
            },
            PaymentMethod::Wallet(Wallet::Alipay) => MethodBody::Alipay,
            PaymentMethod::Wallet(Wallet::WechatPay) => MethodBody::WechatPay,
            PaymentMethod::Wallet(Wallet::PayPay) => MethodBody::PayPay,
            PaymentMethod::Wallet(Wallet::KakaoPay) => MethodBody::KakaoPay,
            PaymentMethod::Wallet(Wallet::GrabPay) => MethodBody::GrabPay,
            PaymentMethod::PromptPay => MethodBody::PromptPay,
            PaymentMethod::BankRedirect(BankRedirect::Ideal) => MethodBody::Ideal,
            PaymentMethod::BankRedirect(BankRedirect::Bancontact) => MethodBody::Bancontact,
            PaymentMethod::SepaDebit { iban, owner_name } => MethodBody::SepaDebit {
                iban: iban.clone(),
                owner_name: owner_name.clone(),
            },
            PaymentMethod::Pix => MethodBody::Pix,
            PaymentMethod::Upi { vpa } => MethodBody::Upi { vpa: vpa.clone() },
            PaymentMethod::Voucher(Voucher::Konbini) => MethodBody::Konbini,
            PaymentMethod::Voucher(Voucher::Oxxo) => MethodBody::Oxxo,
            PaymentMethod::Voucher(Voucher::Boleto) => MethodBody::Boleto,
            PaymentMethod::Bnpl(Bnpl::Klarna) => MethodBody::Klarna,
        })
    }

    fn into_method(self) -> Result<PaymentMethod, String> {
        Ok(match self {
            MethodBody::Card {
                number,
                exp_month,
                exp_year,
                cvc,
            } => {
                let number = CardNumber::parse(&number)
                    .map_err(|e| format!("payment_method.number: {e}"))?;
                if !(1..=12).contains(&exp_month) {
                    return Err("payment_method.exp_month: 1-12".to_string());
                }
                let expiry = Expiry {
                    month: exp_month,
                    year: exp_year,
                };
                PaymentMethod::Card(CardDetails {
                    number,
                    expiry,
                    cvc,
                })
            }
            MethodBody::Alipay => PaymentMethod::Wallet(Wallet::Alipay),
            MethodBody::WechatPay => PaymentMethod::Wallet(Wallet::WechatPay),
            MethodBody::PayPay => PaymentMethod::Wallet(Wallet::PayPay),
            MethodBody::KakaoPay => PaymentMethod::Wallet(Wallet::KakaoPay),
            MethodBody::GrabPay => PaymentMethod::Wallet(Wallet::GrabPay),
            MethodBody::PromptPay => PaymentMethod::PromptPay,
            MethodBody::Ideal => PaymentMethod::BankRedirect(BankRedirect::Ideal),
            MethodBody::Bancontact => PaymentMethod::BankRedirect(BankRedirect::Bancontact),
            MethodBody::SepaDebit { iban, owner_name } => {
                PaymentMethod::SepaDebit { iban, owner_name }
            }
            MethodBody::Pix => PaymentMethod::Pix,
            MethodBody::Upi { vpa } => PaymentMethod::Upi { vpa },
            MethodBody::Konbini => PaymentMethod::Voucher(Voucher::Konbini),
            MethodBody::Oxxo => PaymentMethod::Voucher(Voucher::Oxxo),
            MethodBody::Boleto => PaymentMethod::Voucher(Voucher::Boleto),
            MethodBody::Klarna => PaymentMethod::Bnpl(Bnpl::Klarna),
        })
    }
}
