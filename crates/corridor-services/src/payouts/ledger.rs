//! The money movements of a payout. Each carries a client reference, so a
//! replayed bank file or a retried write moves money once.

use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{AccountKey, LedgerOp, LedgerWrite, Owner, PayoutRecord, TransferLeg};

/// A payout hold does not lapse: it is posted, voided or reversed by the
/// bank's news. Ten years stands for never.
const HOLD_LIFETIME_SECONDS: i64 = 10 * 366 * 86_400;

fn merchant_available(merchant: &str, currency: Currency) -> AccountKey {
    AccountKey {
        owner: Owner::Merchant(merchant.to_string()),
        currency,
        kind: AccountKind::MerchantAvailable,
    }
}

fn platform(kind: AccountKind, currency: Currency) -> AccountKey {
    AccountKey {
        owner: Owner::Platform,
        currency,
        kind,
    }
}

fn meta(kind: &str, payout: &PayoutRecord) -> TxnMeta {
    TxnMeta {
        kind: kind.into(),
        source_id: Some(payout.id.clone()),
        description: None,
    }
}

fn transfer(from: AccountKey, to: AccountKey, amount: Amount) -> LedgerOp {
    LedgerOp::Transfer(vec![
        TransferLeg {
            account: from,
            side: Side::Debit,
            amount,
        },
        TransferLeg {
            account: to,
            side: Side::Credit,
            amount,
        },
    ])
}

/// Holds amount plus fee on the merchant's available balance.
pub fn hold(payout: &PayoutRecord, total: Amount, now: Timestamp) -> LedgerWrite {
    LedgerWrite {
        client_ref: Some(format!("payout:{}:hold", payout.id)),
        op: LedgerOp::CreateHold {
            debit: merchant_available(&payout.merchant_id, payout.currency),
            credit: platform(AccountKind::PlatformClearing, payout.currency),
            amount: total,
            expires_at: now.plus_seconds(HOLD_LIFETIME_SECONDS),
        },
        meta: meta("payout_hold", payout),
    }
}

/// The FX service's terms stored with a cross-currency payout (absent on
/// payouts priced before it booked them: those book the exchange at the
/// two amounts alone).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct FxTerms {
    /// The quote's fee, inside the payout's fee, in the sell currency.
    fee: i64,
    /// What the buy currency's liquidity pays out at mid-market.
    buy_at_mid: Option<i64>,
}

fn fx_terms(payout: &PayoutRecord) -> FxTerms {
    let Some(v) = payout
        .fx
        .as_deref()
        .and_then(|f| serde_json::from_str::<serde_json::Value>(f).ok())
    else {
        return FxTerms::default();
    };
    FxTerms {
        fee: v["fee"].as_i64().unwrap_or(0),
        buy_at_mid: v["buy_at_mid"].as_i64(),
    }
}

fn fx_revenue(payout: &PayoutRecord, currency: Currency) -> AccountKey {
    AccountKey {
        owner: Owner::PlatformFor(payout.merchant_id.clone()),
        currency,
        kind: AccountKind::PlatformRevenue,
    }
}

/// When the bank accepts: post the hold to clearing, take the rail's fee to
/// revenue, and for a cross-currency payout exchange the amount through
/// the FX liquidity accounts as the FX service books a conversion: the
/// quote's fee and its spread as separate postings to FX revenue.
pub fn post(payout: &PayoutRecord) -> Vec<LedgerWrite> {
    let mut out = Vec::new();
    if let Some(hold) = payout.hold_id {
        out.push(LedgerWrite {
            client_ref: Some(format!("payout:{}:post", payout.id)),
            op: LedgerOp::PostHold {
                hold: corridor_core::ledger::HoldId(hold),
                amount: None,
            },
            meta: meta("payout", payout),
        });
    }
    let terms = fx_terms(payout);
    if let Ok(fee) = Amount::positive(payout.fee.saturating_sub(terms.fee)) {
        out.push(LedgerWrite {
            client_ref: Some(format!("payout:{}:fee", payout.id)),
            op: transfer(
                platform(AccountKind::PlatformClearing, payout.currency),
                platform(AccountKind::PlatformRevenue, payout.currency),
                fee,
            ),
            meta: meta("payout_fee", payout),
        });
    }
    if payout.currency != payout.target_currency {
        if let Ok(fx_fee) = Amount::positive(terms.fee) {
            out.push(LedgerWrite {
                client_ref: Some(format!("payout:{}:fx_fee", payout.id)),
                op: transfer(
                    platform(AccountKind::PlatformClearing, payout.currency),
                    fx_revenue(payout, payout.currency),
                    fx_fee,
                ),
                meta: meta("payout_fx_fee", payout),
            });
        }
        if let (Ok(sold), Ok(bought)) = (
            Amount::positive(payout.amount),
            Amount::positive(payout.target_amount),
        ) {
            out.push(LedgerWrite {
                client_ref: Some(format!("payout:{}:fx_sell", payout.id)),
                op: transfer(
                    platform(AccountKind::PlatformClearing, payout.currency),
                    platform(AccountKind::FxLiquidity, payout.currency),
                    sold,
                ),
                meta: meta("payout_fx", payout),
            });
            let at_mid = terms
                .buy_at_mid
                .and_then(|m| Amount::positive(m).ok())
                .filter(|m| m.minor() >= bought.minor())
                .unwrap_or(bought);
            let mut legs = vec![
                TransferLeg {
                    account: platform(AccountKind::FxLiquidity, payout.target_currency),
                    side: Side::Debit,
                    amount: at_mid,
                },
                TransferLeg {
                    account: platform(AccountKind::PlatformClearing, payout.target_currency),
                    side: Side::Credit,
                    amount: bought,
                },
            ];
            if let Ok(spread) = Amount::positive(at_mid.minor() - bought.minor()) {
                legs.push(TransferLeg {
                    account: fx_revenue(payout, payout.target_currency),
                    side: Side::Credit,
                    amount: spread,
                });
            }
            out.push(LedgerWrite {
                client_ref: Some(format!("payout:{}:fx_buy", payout.id)),
                op: LedgerOp::Transfer(legs),
                meta: meta("payout_fx", payout),
            });
        }
    }
    out
}

/// When the bank rejects before accepting: release the hold.
pub fn release(payout: &PayoutRecord) -> Vec<LedgerWrite> {
    payout
        .hold_id
        .map(|hold| LedgerWrite {
            client_ref: Some(format!("payout:{}:release", payout.id)),
            op: LedgerOp::VoidHold(corridor_core::ledger::HoldId(hold)),
            meta: meta("payout_release", payout),
        })
        .into_iter()
        .collect()
}

/// When a paid payout comes back: the amount and the fees (the rail's and
/// the exchange's) return to the merchant's available balance (the platform
/// bears the exchange).
pub fn reverse(payout: &PayoutRecord) -> Vec<LedgerWrite> {
    let mut out = Vec::new();
    if let Ok(amount) = Amount::positive(payout.amount) {
        out.push(LedgerWrite {
            client_ref: Some(format!("payout:{}:return", payout.id)),
            op: transfer(
                platform(AccountKind::PlatformClearing, payout.currency),
                merchant_available(&payout.merchant_id, payout.currency),
                amount,
            ),
            meta: meta("payout_return", payout),
        });
    }
    let terms = fx_terms(payout);
    if let Ok(fee) = Amount::positive(payout.fee.saturating_sub(terms.fee)) {
        out.push(LedgerWrite {
            client_ref: Some(format!("payout:{}:fee_return", payout.id)),
            op: transfer(
                platform(AccountKind::PlatformRevenue, payout.currency),
                merchant_available(&payout.merchant_id, payout.currency),
                fee,
            ),
            meta: meta("payout_return", payout),
        });
    }
    if payout.currency != payout.target_currency {
        if let Ok(fx_fee) = Amount::positive(terms.fee) {
            out.push(LedgerWrite {
                client_ref: Some(format!("payout:{}:fx_fee_return", payout.id)),
                op: transfer(
                    fx_revenue(payout, payout.currency),
                    merchant_available(&payout.merchant_id, payout.currency),
                    fx_fee,
                ),
                meta: meta("payout_return", payout),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn payout(fx: Option<&str>) -> PayoutRecord {
        PayoutRecord {
            id: "po_1".into(),
            merchant_id: "mer_1".into(),
            beneficiary_id: "ben_1".into(),
            status: "in_transit".into(),
            amount: 100_000,
            currency: Currency::parse("USD").unwrap(),
            fee: 120,
            target_amount: 696_500,
            target_currency: Currency::parse("CNY").unwrap(),
            fx: fx.map(str::to_string),
            rail: "local".into(),
            purpose_code: Some("GDDS".into()),
            reference: None,
            uetr: "u".into(),
            end_to_end_id: "po_1".into(),
            value_date: "2026-12-02".into(),
            hold_id: Some(7),
            batch_id: None,
            failure_code: None,
            accepted_at: None,
            version: 1,
            created_at: Timestamp::from_unix_micros(0),
            updated_at: Timestamp::from_unix_micros(0),
        }
    }

    /// Net of every account over the transfers (credit positive); the
    /// posted hold counts as merchant → clearing of amount plus fee.
    fn nets(payout: &PayoutRecord, writes: &[LedgerWrite]) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        let mut add = |k: &AccountKey, v: i64| {
            *out.entry(format!(
                "{}|{}|{}",
                k.owner.code(),
                k.currency,
                k.kind.code()
            ))
            .or_insert(0) += v;
        };
        for w in writes {
            match &w.op {
                LedgerOp::Transfer(legs) => {
                    for l in legs {
                        let v = l.amount.minor();
                        add(&l.account, if l.side == Side::Credit { v } else { -v });
                    }
                }
                LedgerOp::PostHold { .. } => {
                    let total = payout.amount + payout.fee;
                    add(
                        &merchant_available(&payout.merchant_id, payout.currency),
                        -total,
                    );
                    add(
                        &platform(AccountKind::PlatformClearing, payout.currency),
                        total,
                    );
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        out
    }

    fn balanced_per_currency(nets: &BTreeMap<String, i64>) {
        let mut per: BTreeMap<&str, i64> = BTreeMap::new();
        for (k, v) in nets {
            *per.entry(k.split('|').nth(1).unwrap()).or_insert(0) += v;
        }
        assert!(per.values().all(|v| *v == 0), "{per:?}");
    }

    #[test]
    fn a_cross_currency_payout_books_fee_and_spread_as_the_fx_service_does() {
        // The quote: 20 cents of FX fee inside the payout's 120; 700,000 CNY
        // at mid of which 3,500 is the spread.
        let p = payout(Some(
            r#"{"quote":"quo_1","fee":20,"buy_at_mid":700000,"buy_amount":696500}"#,
        ));
        let n = nets(&p, &post(&p));
        balanced_per_currency(&n);
        let get = |k: &str| n.get(k).copied().unwrap_or(0);
        assert_eq!(get("mer_1|USD|merchant_available"), -100_120);
        assert_eq!(get("platform|USD|platform_clearing"), 0);
        assert_eq!(get("platform|USD|platform_revenue"), 100, "the rail's fee");
        assert_eq!(get("platform:mer_1|USD|platform_revenue"), 20, "FX fee");
        assert_eq!(get("platform|USD|fx_liquidity"), 100_000);
        assert_eq!(get("platform|CNY|fx_liquidity"), -700_000);
        assert_eq!(get("platform:mer_1|CNY|platform_revenue"), 3_500, "spread");
        assert_eq!(
            get("platform|CNY|platform_clearing"),
            696_500,
            "to the bank"
        );

        // A return gives back the amount and both fees.
        let mut all = post(&p);
        all.extend(reverse(&p));
        let n = nets(&p, &all);
        balanced_per_currency(&n);
        assert_eq!(n["mer_1|USD|merchant_available"], 0);
        assert_eq!(n["platform|USD|platform_revenue"], 0);
        assert_eq!(n["platform:mer_1|USD|platform_revenue"], 0);
    }

    #[test]
    fn a_payout_without_fx_terms_books_the_two_amounts() {
        let p = payout(Some(r#"{"quote":null}"#));
        let n = nets(&p, &post(&p));
        balanced_per_currency(&n);
        assert_eq!(n["platform|USD|platform_revenue"], 120);
        assert_eq!(n["platform|CNY|fx_liquidity"], -696_500);
    }
}
