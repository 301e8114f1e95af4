//! Payment methods: the flat type a connector covers, and the details a
//! charge carries.

use corridor_core::payments::card::{CardNumber, Expiry};

pub use corridor_core::payments::method::MethodType;

/// Wallets the buyer pays from in an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wallet {
    /// Alipay.
    Alipay,
    /// WeChat Pay.
    WechatPay,
    /// PayPay.
    PayPay,
    /// KakaoPay.
    KakaoPay,
    /// GrabPay.
    GrabPay,
}

/// Bank redirects: the buyer approves in their online bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BankRedirect {
    /// iDEAL.
    Ideal,
    /// Bancontact.
    Bancontact,
}

/// Vouchers the buyer pays in cash or at a bank, later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Voucher {
    /// Konbini.
    Konbini,
    /// OXXO.
    Oxxo,
    /// Boleto.
    Boleto,
}

/// Buy now, pay later providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bnpl {
    /// Klarna.
    Klarna,
}

/// Card details for one charge. The number only ever leaves through
/// [`CardNumber::expose_digits`]; `Debug` shows brand and last four only.
#[derive(Clone, PartialEq, Eq)]
pub struct CardDetails {
    /// The card number (Luhn-checked, brand known).
    pub number: CardNumber,
    /// Expiry month and year.
    pub expiry: Expiry,
    /// The card verification code; never logged.
    pub cvc: String,
}

impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardDetails")
            .field("number", &self.number)
            .field("expiry", &self.expiry)
            .field("cvc", &"***")
            .finish()
    }
}

/// Card fields encrypted in the buyer's browser by a provider's client-side
/// encryption (Adyen's `encryptedCardNumber`, ...): Corridor never sees the
/// digits and passes the fields through. `Debug` shows none of them.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptedCard {
    /// The encrypted card number.
    pub number: String,
    /// The encrypted expiry month.
    pub expiry_month: String,
    /// The encrypted expiry year.
    pub expiry_year: String,
    /// The encrypted security code, if the buyer gave one.
    pub security_code: Option<String>,
}

impl std::fmt::Debug for EncryptedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptedCard(***)")
    }
}

/// How the buyer pays, with the details the provider needs.
#[derive(Clone, PartialEq, Eq)]
pub enum PaymentMethod {
    /// A card.
    Card(CardDetails),
    /// A card whose fields were encrypted client-side for one provider.
    EncryptedCard(EncryptedCard),
    /// A wallet app.
    Wallet(Wallet),
    /// A bank redirect.
    BankRedirect(BankRedirect),
    /// SEPA Direct Debit from this IBAN (checked by the payment service).
    SepaDebit {
        /// The debtor's IBAN; `Debug` shows only its country and last four.
        iban: String,
        /// The account holder's name, as the mandate names the debtor
        /// (never shown by `Debug`).
        owner_name: String,
    },
    /// Pix by QR code.
    Pix,
    /// PromptPay by Thai QR code.
    PromptPay,
    /// UPI collect request to this virtual payment address (`name@bank`).
    Upi {
        /// The buyer's VPA.
        vpa: String,
    },
    /// A voucher.
    Voucher(Voucher),
    /// Buy now, pay later.
    Bnpl(Bnpl),
}

impl PaymentMethod {
    /// The method's type, as coverage lists it.
    pub fn method_type(&self) -> MethodType {
        match self {
            PaymentMethod::Card(_) | PaymentMethod::EncryptedCard(_) => MethodType::Card,
            PaymentMethod::Wallet(Wallet::Alipay) => MethodType::Alipay,
            PaymentMethod::Wallet(Wallet::WechatPay) => MethodType::WechatPay,
            PaymentMethod::Wallet(Wallet::PayPay) => MethodType::PayPay,
            PaymentMethod::Wallet(Wallet::KakaoPay) => MethodType::KakaoPay,
            PaymentMethod::Wallet(Wallet::GrabPay) => MethodType::GrabPay,
            PaymentMethod::PromptPay => MethodType::PromptPay,
            PaymentMethod::BankRedirect(BankRedirect::Ideal) => MethodType::Ideal,
            PaymentMethod::BankRedirect(BankRedirect::Bancontact) => MethodType::Bancontact,
            PaymentMethod::SepaDebit { .. } => MethodType::SepaDebit,
            PaymentMethod::Pix => MethodType::Pix,
            PaymentMethod::Upi { .. } => MethodType::Upi,
            PaymentMethod::Voucher(Voucher::Konbini) => MethodType::Konbini,
            PaymentMethod::Voucher(Voucher::Oxxo) => MethodType::Oxxo,
            PaymentMethod::Voucher(Voucher::Boleto) => MethodType::Boleto,
            PaymentMethod::Bnpl(Bnpl::Klarna) => MethodType::Klarna,
        }
    }

    /// The method of a type that needs no details, if `method` is one.
    pub fn without_details(method: MethodType) -> Option<Self> {
        Some(match method {
            MethodType::Alipay => PaymentMethod::Wallet(Wallet::Alipay),
            MethodType::WechatPay => PaymentMethod::Wallet(Wallet::WechatPay),
            MethodType::PayPay => PaymentMethod::Wallet(Wallet::PayPay),
            MethodType::KakaoPay => PaymentMethod::Wallet(Wallet::KakaoPay),
            MethodType::GrabPay => PaymentMethod::Wallet(Wallet::GrabPay),
            MethodType::PromptPay => PaymentMethod::PromptPay,
            MethodType::Ideal => PaymentMethod::BankRedirect(BankRedirect::Ideal),
            MethodType::Bancontact => PaymentMethod::BankRedirect(BankRedirect::Bancontact),
            MethodType::Pix => PaymentMethod::Pix,
            MethodType::Konbini => PaymentMethod::Voucher(Voucher::Konbini),
            MethodType::Oxxo => PaymentMethod::Voucher(Voucher::Oxxo),
            MethodType::Boleto => PaymentMethod::Voucher(Voucher::Boleto),
            MethodType::Klarna => PaymentMethod::Bnpl(Bnpl::Klarna),
            MethodType::Card | MethodType::SepaDebit | MethodType::Upi => return None,
        })
    }
}

impl std::fmt::Debug for PaymentMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentMethod::Card(card) => card.fmt(f),
            PaymentMethod::EncryptedCard(card) => card.fmt(f),
            PaymentMethod::SepaDebit { iban, .. } => {
                let country = iban.get(..2).unwrap_or("");
                let last4 = iban
                    .len()
                    .checked_sub(4)
                    .and_then(|i| iban.get(i..))
                    .unwrap_or("");
                write!(f, "SepaDebit({country}****{last4})")
            }
            PaymentMethod::Upi { vpa } => write!(f, "Upi({vpa})"),
            other => f.write_str(other.method_type().code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for method in MethodType::ALL {
            assert_eq!(MethodType::parse(method.code()), Some(method));
        }
        assert_eq!(MethodType::parse("WeChat_Pay"), Some(MethodType::WechatPay));
        assert_eq!(MethodType::parse("cash"), None);
    }

    #[test]
    fn debug_output_hides_card_number_cvc_and_iban() {
        let card = PaymentMethod::Card(CardDetails {
            number: CardNumber::parse("4242424242424242").unwrap(),
            expiry: Expiry {
                month: 12,
                year: 2030,
            },
            cvc: "987".into(),
        });
        let shown = format!("{card:?}");
        assert!(
            !shown.contains("424242424242") && !shown.contains("987"),
            "{shown}"
        );
        let sepa = PaymentMethod::SepaDebit {
            iban: "DE89370400440532013000".into(),
            owner_name: "A. Schneider".into(),
        };
        assert_eq!(format!("{sepa:?}"), "SepaDebit(DE****3000)");
    }
}
