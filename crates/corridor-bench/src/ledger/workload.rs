//! The accounts and transfers the bench moves money between.
//!
//! Everything is deterministic: transfer `i` always names the same accounts
//! and amount, so runs are comparable and need no random numbers.

use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency};
use corridor_store::{AccountKey, LedgerOp, LedgerWrite, Owner, TransferLeg};

/// Balance, in minor units, given to every spread merchant account.
pub(super) const SPREAD_FUNDING_MINOR: i64 = 1_000_000_000_000;

/// Balance, in minor units, given to the one hot account.
pub(super) const HOT_FUNDING_MINOR: i64 = 1_000_000_000_000_000;

/// Most credit legs in one funding transfer (one debit leg is added).
const FUNDING_CREDITS_PER_TXN: usize = 63;

/// Which accounts the transfers touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Each transfer debits one merchant account and credits another.
    Spread,
    /// Every transfer debits the same merchant account.
    Hot,
}

impl Scenario {
    /// Short label for the tables.
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Spread => "spread",
            Scenario::Hot => "hot",
        }
    }
}

/// The accounts of a scenario and how transfer `i` moves money.
#[derive(Debug, Clone)]
pub struct Workload {
    scenario: Scenario,
    currency: Currency,
    /// The merchant accounts, built once: the load generator shares the
    /// machine with the writer and should cost it as little as it can.
    merchants: Vec<AccountKey>,
    hot: AccountKey,
}

impl Workload {
    /// A workload over `accounts` merchant accounts (at least 2).
    pub fn new(scenario: Scenario, accounts: usize) -> anyhow::Result<Self> {
        let currency = Currency::parse("USD")?;
        let key = |owner: String| AccountKey {
            owner: Owner::Merchant(owner),
            currency,
            kind: AccountKind::MerchantAvailable,
        };
        Ok(Workload {
            scenario,
            currency,
            merchants: (0..accounts.max(2))
                .map(|i| key(format!("mer_bench_{i}")))
                .collect(),
            hot: key("mer_bench_hot".into()),
        })
    }

    /// Which accounts the transfers touch.
    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    /// Number of spread (credit-side) merchant accounts.
    pub fn accounts(&self) -> usize {
        self.merchants.len()
    }

    fn key(&self, owner: Owner, kind: AccountKind) -> AccountKey {
        AccountKey {
            owner,
            currency: self.currency,
            kind,
        }
    }

    /// Merchant `i`'s available account.
    pub fn merchant(&self, i: usize) -> AccountKey {
        self.merchants[i].clone()
    }

    /// The hot merchant's available account.
    pub fn hot(&self) -> AccountKey {
        self.hot.clone()
    }

    /// The platform account funding comes from.
    pub fn platform(&self) -> AccountKey {
        self.key(Owner::Platform, AccountKind::PlatformAdjustments)
    }

    /// (debit account index, credit account index, amount in minor units) of
    /// transfer `i`; the debit index is `None` for the hot account.
    pub fn pick(&self, i: u64) -> (Option<usize>, usize, i64) {
        let n = self.merchants.len() as u64;
        let amount_minor = 1 + (i % 100) as i64;
        match self.scenario {
            Scenario::Hot => (None, (i % n) as usize, amount_minor),
            Scenario::Spread => {
                let debit = i % n;
                let credit = (debit + 1 + (i / n) % (n - 1)) % n;
                (Some(debit as usize), credit as usize, amount_minor)
            }
        }
    }

    /// The legs of transfer `i`.
    pub fn legs(&self, i: u64) -> anyhow::Result<Vec<TransferLeg>> {
        let (debit, credit, amount_minor) = self.pick(i);
        let amount = Amount::positive(amount_minor)?;
        let debit = debit.map_or_else(|| self.hot(), |d| self.merchant(d));
        Ok(vec![
            leg(debit, Side::Debit, amount),
            leg(self.merchant(credit), Side::Credit, amount),
        ])
    }

    /// Transfer `i` as a writer request, with a unique client reference.
    pub fn write(&self, i: u64, client_ref: Option<String>) -> anyhow::Result<LedgerWrite> {
        Ok(LedgerWrite {
            client_ref,
            op: LedgerOp::Transfer(self.legs(i)?),
            meta: meta("bench_transfer"),
        })
    }

    /// Transfers from the platform that fund every account this scenario debits.
    pub fn funding(&self) -> anyhow::Result<Vec<LedgerWrite>> {
        let credits: Vec<(AccountKey, i64)> = match self.scenario {
            Scenario::Hot => vec![(self.hot(), HOT_FUNDING_MINOR)],
            Scenario::Spread => (0..self.merchants.len())
                .map(|i| (self.merchant(i), SPREAD_FUNDING_MINOR))
                .collect(),
        };
        credits
            .chunks(FUNDING_CREDITS_PER_TXN)
            .map(|chunk| self.funding_write(chunk))
            .collect()
    }

    fn funding_write(&self, chunk: &[(AccountKey, i64)]) -> anyhow::Result<LedgerWrite> {
        let total_minor = chunk.iter().try_fold(0i64, |sum, (_, minor)| {
            sum.checked_add(*minor)
                .ok_or_else(|| anyhow::anyhow!("funding overflows"))
        })?;
        let mut legs = vec![leg(
            self.platform(),
            Side::Debit,
            Amount::positive(total_minor)?,
        )];
        for (key, minor) in chunk {
            legs.push(leg(key.clone(), Side::Credit, Amount::positive(*minor)?));
        }
        Ok(LedgerWrite {
            client_ref: None,
            op: LedgerOp::Transfer(legs),
            meta: meta("bench_funding"),
        })
    }
}

fn leg(account: AccountKey, side: Side, amount: Amount) -> TransferLeg {
    TransferLeg {
        account,
        side,
        amount,
    }
}

fn meta(kind: &str) -> TxnMeta {
    TxnMeta {
        kind: kind.into(),
        ..TxnMeta::default()
    }
}
