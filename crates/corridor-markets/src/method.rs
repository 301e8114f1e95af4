//! Payment methods of a market.

use corridor_core::Currency;

use crate::{MethodType, Share};

/// How a payment with a method proceeds, which decides the `next_action` a
/// payment shows the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Card details, possibly with a 3-D Secure challenge.
    Card,
    /// The buyer is sent to a bank or wallet page and comes back.
    Redirect,
    /// The buyer scans a QR code with a banking or wallet app.
    Qr,
    /// The buyer pays a voucher in cash at a shop, ATM or bank before it expires.
    Voucher,
    /// The merchant debits the buyer's bank account under a mandate.
    BankDebit,
    /// The buyer approves a collect request in their own app (UPI collect, BLIK code).
    Collect,
    /// Buy now, pay later: a lender pays the merchant, the buyer repays the lender.
    Bnpl,
    /// A wallet authorises the payment in its own sheet or app.
    Wallet,
    /// The buyer pushes a bank transfer to a reference or virtual account.
    BankTransfer,
}

impl Flow {
    const ALL: [Flow; 9] = [
        Flow::Card,
        Flow::Redirect,
        Flow::Qr,
        Flow::Voucher,
        Flow::BankDebit,
        Flow::Collect,
        Flow::Bnpl,
        Flow::Wallet,
        Flow::BankTransfer,
    ];

    /// Parses the snake_case id.
    pub fn parse(text: &str) -> Option<Flow> {
        Flow::ALL.into_iter().find(|flow| flow.as_str() == text)
    }

    /// The snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Card => "card",
            Flow::Redirect => "redirect",
            Flow::Qr => "qr",
            Flow::Voucher => "voucher",
            Flow::BankDebit => "bank_debit",
            Flow::Collect => "collect",
            Flow::Bnpl => "bnpl",
            Flow::Wallet => "wallet",
            Flow::BankTransfer => "bank_transfer",
        }
    }
}

/// Amount bounds a method imposes on one payment in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountLimit {
    pub(crate) currency: Currency,
    pub(crate) min_minor: Option<i64>,
    pub(crate) max_minor: Option<i64>,
}

impl AmountLimit {
    /// The currency the bounds are in.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Smallest amount accepted, in minor units.
    pub fn min_minor(&self) -> Option<i64> {
        self.min_minor
    }

    /// Largest amount accepted, in minor units.
    pub fn max_minor(&self) -> Option<i64> {
        self.max_minor
    }

    /// Whether an amount in this limit's currency is within the bounds.
    pub fn allows(&self, amount_minor: i64) -> bool {
        self.min_minor.is_none_or(|min| amount_minor >= min)
            && self.max_minor.is_none_or(|max| amount_minor <= max)
    }
}

/// How long a voucher (or other pay-later reference) stays payable, in
/// calendar days. Each bound is present only where a source gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherExpiry {
    pub(crate) default_days: Option<u16>,
    pub(crate) min_days: Option<u16>,
    pub(crate) max_days: Option<u16>,
}

impl VoucherExpiry {
    /// Days when the merchant sets nothing.
    pub fn default_days(&self) -> Option<u16> {
        self.default_days
    }

    /// Shortest expiry a merchant may set.
    pub fn min_days(&self) -> Option<u16> {
        self.min_days
    }

    /// Longest expiry a merchant may set.
    pub fn max_days(&self) -> Option<u16> {
        self.max_days
    }
}

/// A way buyers in a market pay online.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod {
    pub(crate) method_type: MethodType,
    pub(crate) name: String,
    pub(crate) is_async: bool,
    pub(crate) flow: Flow,
    pub(crate) currencies: Vec<Currency>,
    pub(crate) share: Option<Share>,
    pub(crate) share_basis: Option<String>,
    pub(crate) limits: Vec<AmountLimit>,
    pub(crate) expiry: Option<VoucherExpiry>,
    pub(crate) settlement_days: Option<u16>,
    pub(crate) notes: Option<String>,
    pub(crate) source: String,
}

impl PaymentMethod {
    /// The stable type id.
    pub fn method_type(&self) -> MethodType {
        self.method_type
    }

    /// Display name (`Konbini (convenience store cash payment)`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a payment completes asynchronously (vouchers, QR codes, bank
    /// transfers): the buyer finishes it outside the checkout, later.
    pub fn is_async(&self) -> bool {
        self.is_async
    }

    /// How a payment proceeds.
    pub fn flow(&self) -> Flow {
        self.flow
    }

    /// Currencies the method can be charged in.
    pub fn currencies(&self) -> &[Currency] {
        &self.currencies
    }

    /// Whether the method can be charged in this currency.
    pub fn supports(&self, currency: Currency) -> bool {
        self.currencies.contains(&currency)
    }

    /// Approximate share of the market's e-commerce payments, where a source gives one.
    pub fn share(&self) -> Option<Share> {
        self.share
    }

    /// What the share measures when it is a category rather than this brand
    /// alone (`A2A payments, of which BLIK is most`).
    pub fn share_basis(&self) -> Option<&str> {
        self.share_basis.as_deref()
    }

    /// Amount bounds per currency, where real ones exist.
    pub fn limits(&self) -> &[AmountLimit] {
        &self.limits
    }

    /// The bounds for one currency, if the method has any.
    pub fn limit(&self, currency: Currency) -> Option<&AmountLimit> {
        self.limits.iter().find(|l| l.currency == currency)
    }

    /// Voucher expiry, for methods the buyer pays later.
    pub fn expiry(&self) -> Option<&VoucherExpiry> {
        self.expiry.as_ref()
    }

    /// Typical business days from payment to funds available, where a source gives it.
    pub fn settlement_days(&self) -> Option<u16> {
        self.settlement_days
    }

    /// Anything else worth knowing, in a sentence or two.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// Where the facts about this method come from (URL or document name).
    pub fn source(&self) -> &str {
        &self.source
    }
}
