//! Accounts and their balances.

use crate::Currency;

/// Internal numeric id of a ledger account (public form: `acc_<n>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub i64);

/// What an account is for. Stored by its [`AccountKind::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// Money a merchant may use now.
    MerchantAvailable,
    /// Money captured for a merchant that has not settled yet.
    MerchantPending,
    /// The platform's counterpart of manual adjustments.
    PlatformAdjustments,
    /// Fees and spreads the platform earns.
    PlatformRevenue,
    /// Money in transit with payment providers and banks.
    PlatformClearing,
    /// The platform's liquidity in one currency, for exchange legs.
    FxLiquidity,
    /// What a merchant owes the platform (a loss its balance could not
    /// cover), one per merchant and currency: debited, so negative while owed.
    PlatformReceivable,
}

impl AccountKind {
    /// Every kind, for parsing and listing.
    pub const ALL: [AccountKind; 7] = [
        AccountKind::MerchantAvailable,
        AccountKind::MerchantPending,
        AccountKind::PlatformAdjustments,
        AccountKind::PlatformRevenue,
        AccountKind::PlatformClearing,
        AccountKind::FxLiquidity,
        AccountKind::PlatformReceivable,
    ];

    /// The stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::MerchantAvailable => "merchant_available",
            AccountKind::MerchantPending => "merchant_pending",
            AccountKind::PlatformAdjustments => "platform_adjustments",
            AccountKind::PlatformRevenue => "platform_revenue",
            AccountKind::PlatformClearing => "platform_clearing",
            AccountKind::FxLiquidity => "fx_liquidity",
            AccountKind::PlatformReceivable => "platform_receivable",
        }
    }

    /// Parses a storage code.
    pub fn parse(code: &str) -> Option<Self> {
        AccountKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether accounts of this kind may never go below zero by default.
    /// Merchant money can't be overdrawn; platform accounts are the
    /// counterparts that absorb the other side and may go negative.
    pub fn forbids_negative(self) -> bool {
        matches!(
            self,
            AccountKind::MerchantAvailable | AccountKind::MerchantPending
        )
    }
}

/// The balances of one account, as the ledger writer holds them.
///
/// Balances are credit-normal: a credit raises `posted`, a debit lowers it.
/// Holds reserve money without posting it: `held_out` is what pending holds
/// will debit, `held_in` what they will credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    /// The account's currency; every posting to it is in this currency.
    pub currency: Currency,
    /// When set, `available()` may never be negative.
    pub forbids_negative: bool,
    /// Sum of posted credits minus posted debits, in minor units.
    pub posted: i64,
    /// Sum of pending hold amounts that debit this account.
    pub held_out: i64,
    /// Sum of pending hold amounts that credit this account.
    pub held_in: i64,
}

impl AccountState {
    /// A new, empty account.
    pub fn open(currency: Currency, forbids_negative: bool) -> Self {
        AccountState {
            currency,
            forbids_negative,
            posted: 0,
            held_out: 0,
            held_in: 0,
        }
    }

    /// What can be spent now: posted minus what holds have reserved.
    /// `None` only if the difference leaves 64 bits, which the writer prevents.
    pub fn available(&self) -> Option<i64> {
        self.posted.checked_sub(self.held_out)
    }

    /// Whether the account's balances satisfy its own rules.
    pub fn is_consistent(&self) -> bool {
        let available_ok = match self.available() {
            Some(a) => !self.forbids_negative || a >= 0,
            None => false,
        };
        available_ok && self.held_out >= 0 && self.held_in >= 0
    }
}
