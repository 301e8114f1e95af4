//! Partial drawdown of a forward before maturity: the part drawn is closed
//! at its mark-to-market result (booked like an early close), the notional
//! left shrinks, and the part's share of the collateral is released.
//!
//! The result and the new notional are one write (checked against the
//! forward's version, so a part is drawn once); the collateral is then
//! swapped: the holds in force are released and one hold of what stays
//! held is made, each step found again by its ledger reference, so a crash
//! between them is finished later by [`FxService::finish_collateral_swaps`].

use corridor_core::fx::mark_to_market;
use corridor_core::{Amount, Rate};
use corridor_store::{FxObjectWrite, FxWrite};

use super::dates::{day_of, iso, today};
use super::forwards::{
    collateral_held, collateral_set, collateral_write, currencies, object, result_write,
};
use super::objects::{Drawdown, Forward};
use super::service::{refused, FxService};
use super::FxServiceError;

/// A drawdown ready to write.
#[derive(Debug, Clone)]
pub struct PreparedDrawdown {
    /// The forward as it will be once written (the drawdown last).
    pub forward: Forward,
    /// The write: the forward checked against its version, and the result.
    pub write: FxWrite,
}

/// The share of `total` that `part` of `whole` carries, rounded down.
fn share(total: i64, part: i64, whole: i64) -> i64 {
    let v = i128::from(total) * i128::from(part) / i128::from(whole.max(1));
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl FxService {
    /// Prices drawing down `sell_amount` of an open forward before its
    /// maturity and prepares the write.
    ///
    /// Rounding, each in the platform's favour: the buy notional left is
    /// `floor(buy × sell_left / sell)` (the part drawn carries the rest),
    /// the result of the part is [`mark_to_market`]'s (a loss away from
    /// zero, a gain toward zero), and the collateral released is
    /// `floor(held × part / sell)`.
    pub async fn prepare_drawdown(
        &self,
        merchant: &str,
        id: &str,
        sell_amount: i64,
    ) -> Result<PreparedDrawdown, FxServiceError> {
        let (mut f, version) = self.forward(Some(merchant), id).await?;
        if f.status != "open" {
            return Err(FxServiceError::Conflict {
                code: "forward_not_open",
                message: format!("forward {id} is {}", f.status),
            });
        }
        if sell_amount < 1 {
            return Err(FxServiceError::invalid(
                "sell_amount",
                "amount_invalid",
                "sell_amount must be a positive integer in minor units",
            ));
        }
        if sell_amount >= f.sell_amount {
            return Err(FxServiceError::invalid(
                "sell_amount",
                "amount_too_large",
                format!(
                    "sell_amount must be below the notional left, {} {} (settle the forward to close all of it)",
                    f.sell_amount, f.sell_currency
                ),
            ));
        }
        let day = today(self.now());
        let maturity =
            day_of(&f.maturity_date).ok_or_else(|| FxServiceError::Corrupt("maturity".into()))?;
        if day >= maturity {
            return Err(FxServiceError::Conflict {
                code: "forward_matured",
                message: format!(
                    "forward {id} matured on {}: settle it to deliver at the locked rate",
                    f.maturity_date
                ),
            });
        }
        // A previous drawdown's collateral is settled first, so that the
        // holds in force are known.
        if f.drawdowns.iter().any(|d| !d.collateral_swapped) {
            return Err(FxServiceError::Conflict {
                code: "forward_changed",
                message:
                    "the previous drawdown's collateral is still being released; retry in a moment"
                        .into(),
            });
        }
        let (sell, buy) = currencies(&f)?;
        let (_, now_mid, _) = self.cip(sell, buy, day, day.days_until(maturity).max(1))?;
        let locked =
            Rate::parse(&f.forward_mid_rate).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let part =
            Amount::positive(sell_amount).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let realized = mark_to_market(part, sell, buy, locked, now_mid)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        if realized < 0 && self.available(&f.merchant_id, buy).await? < -realized {
            return Err(FxServiceError::InsufficientFunds(format!(
                "drawing down books a loss of {} {buy} minor units",
                -realized
            )));
        }
        let sell_left = f.sell_amount - sell_amount;
        let buy_left = share(f.buy_amount, sell_left, f.sell_amount);
        let held = collateral_held(&f)?;
        let released = share(held, sell_amount, f.sell_amount);
        let number = u32::try_from(f.drawdowns.len() + 1).unwrap_or(u32::MAX);
        f.drawdowns.push(Drawdown {
            number,
            sell_amount,
            buy_amount: f.buy_amount - buy_left,
            realized,
            collateral_released: released,
            collateral_held_after: held - released,
            calls_before: f.margin_calls.len(),
            collateral_swapped: false,
            drawn_on: iso(day),
            created_at: self.now().unix_micros(),
        });
        f.sell_amount = sell_left;
        f.buy_amount = buy_left;
        let ledger = result_write(
            &f,
            format!("fx_forward_drawdown:{}:{number}", f.id),
            "fx_forward_drawdown",
            format!("drawdown {number}: mark-to-market {realized}"),
            realized,
        )?;
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: object(&f, None)?,
                expected_version: Some(version),
            }],
            ledger,
            ..FxWrite::default()
        };
        Ok(PreparedDrawdown { forward: f, write })
    }

    /// Swaps the collateral of every drawdown of forward `id` whose swap is
    /// not done: releases the holds in force before it and makes one hold of
    /// what stays held. Each step is found again by its reference.
    pub async fn finish_collateral_swaps(&self, id: &str) -> Result<(), FxServiceError> {
        loop {
            let (mut f, version) = self.forward(None, id).await?;
            let Some(i) = f.drawdowns.iter().position(|d| !d.collateral_swapped) else {
                return Ok(());
            };
            let d = f.drawdowns[i].clone();
            let old = collateral_set(&f, &f.drawdowns[..i], d.calls_before)?;
            let holds = self
                .replay_holds(old.into_iter().map(|(w, _)| w).collect())
                .await?;
            self.void_holds(&f, holds).await?;
            if d.collateral_held_after > 0 {
                let hold = collateral_write(
                    &f,
                    0,
                    d.collateral_held_after,
                    &format!("drawdown{}", d.number),
                )?;
                self.submit(FxWrite {
                    ledger: Some(hold),
                    ..FxWrite::default()
                })
                .await?
                .map_err(refused)?;
            }
            f.drawdowns[i].collateral_swapped = true;
            let write = FxWrite {
                objects: vec![FxObjectWrite {
                    object: object(&f, None)?,
                    expected_version: Some(version),
                }],
                ..FxWrite::default()
            };
            // A version conflict: someone else moved it on; read it again.
            let _ = self.submit(write).await?;
        }
    }
}
