//! Forward contracts: a merchant sells a future receivable at a rate fixed
//! today by covered interest parity, with collateral held from its balance,
//! daily mark-to-market and margin calls, delivery at maturity through the
//! ledger, and early close at the mark-to-market result.

use corridor_core::fx::{
    cip_forward_rate, initial_margin_bps, mark_to_market, price_quote, Day, DayCount, FxError,
    MarginPolicy, QuoteAmount, QuoteInput, MAX_FORWARD_DAYS,
};
use corridor_core::ledger::{AccountKind, HoldId, LedgerErrorKind, Side, TxnMeta};
use corridor_core::{Amount, Currency, Rate, Timestamp};
use corridor_markets::calendar::calendar;
use corridor_store::{
    AccountKey, FxObjectRecord, FxObjectWrite, FxWrite, LedgerOp, LedgerWrite, Owner, Refusal,
    RefusalCode, TransferLeg,
};

use super::dates::{add_months, date_of, day_from_date, iso, rate_age_business_days, today};
use super::objects::{Forward, MarginCall};
use super::quotes::exchange_legs;
use super::service::{refused, FxService};
use super::FxServiceError;

/// Collateral holds outlive maturity by this many days, so the hold sweeper
/// never releases collateral of a forward that is still open.
const HOLD_GRACE_DAYS: i64 = 60;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A policy rate used: percent, series, source.
type RateUsed = (String, String, String);

/// What a merchant asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardRequest {
    /// Sold at maturity.
    pub sell: Currency,
    /// Bought at maturity.
    pub buy: Currency,
    /// The fixed side.
    pub amount: QuoteAmount,
    /// Delivery date.
    pub maturity: Day,
}

/// A forward ready to write.
#[derive(Debug, Clone)]
pub struct PreparedForward {
    /// The forward.
    pub forward: Forward,
    /// Its write (object and the collateral hold).
    pub write: FxWrite,
}

pub(super) fn currencies(f: &Forward) -> Result<(Currency, Currency), FxServiceError> {
    let c = |code: &str| Currency::parse(code).map_err(|e| FxServiceError::Corrupt(e.to_string()));
    Ok((c(&f.sell_currency)?, c(&f.buy_currency)?))
}

pub(super) fn key(merchant: &str, currency: Currency, kind: AccountKind) -> AccountKey {
    let owner = match kind {
        AccountKind::MerchantAvailable | AccountKind::MerchantPending => {
            Owner::Merchant(merchant.to_string())
        }
        // One FX liquidity account per currency for the whole platform.
        AccountKind::FxLiquidity => Owner::Platform,
        _ => Owner::PlatformFor(merchant.to_string()),
    };
    AccountKey {
        owner,
        currency,
        kind,
    }
}

/// The collateral holds in force after the drawdowns in `drawdowns`, with
/// the met margin calls before call index `calls_end`: the initial margin
/// (or the single hold of the latest drawdown whose swap completed) and each
/// met call after it. Each with its amount.
pub(super) fn collateral_set(
    f: &Forward,
    drawdowns: &[super::objects::Drawdown],
    calls_end: usize,
) -> Result<Vec<(LedgerWrite, i64)>, FxServiceError> {
    let mut writes = Vec::new();
    let first_call = match drawdowns.iter().rev().find(|d| d.collateral_swapped) {
        Some(d) => {
            if d.collateral_held_after > 0 {
                writes.push((
                    collateral_write(
                        f,
                        0,
                        d.collateral_held_after,
                        &format!("drawdown{}", d.number),
                    )?,
                    d.collateral_held_after,
                ));
            }
            d.calls_before
        }
        None => {
            writes.push((collateral_write(f, 0, f.collateral, "")?, f.collateral));
            0
        }
    };
    for (i, call) in f.margin_calls.iter().enumerate().take(calls_end) {
        if let (true, true, Some(day)) = (i >= first_call, call.status == "met", &call.held_on) {
            writes.push((collateral_write(f, i + 1, call.amount, day)?, call.amount));
        }
    }
    Ok(writes)
}

/// The collateral held for the forward, sell minor units: after a
/// drawdown what it left held (even while its holds are being swapped),
/// with the calls met since.
pub fn collateral_held(f: &Forward) -> Result<i64, FxServiceError> {
    let (base, first_call) = match f.drawdowns.last() {
        Some(d) => (d.collateral_held_after, d.calls_before),
        None => (f.collateral, 0),
    };
    Ok(base
        + f.margin_calls
            .iter()
            .skip(first_call)
            .filter(|c| c.status == "met")
            .map(|c| c.amount)
            .sum::<i64>())
}

/// A forward's mark-to-market `result` (buy minor units, the merchant's
/// gain positive) between the merchant's available balance and the FX
/// book; none for a zero result.
pub(super) fn result_write(
    f: &Forward,
    client_ref: String,
    kind: &str,
    description: String,
    result: i64,
) -> Result<Option<LedgerWrite>, FxServiceError> {
    let (_, buy) = currencies(f)?;
    let merchant = key(&f.merchant_id, buy, AccountKind::MerchantAvailable);
    let book = key(&f.merchant_id, buy, AccountKind::FxLiquidity);
    let (from, to) = if result < 0 {
        (merchant, book)
    } else {
        (book, merchant)
    };
    let Ok(amount) = Amount::positive(result.saturating_abs()) else {
        return Ok(None);
    };
    Ok(Some(LedgerWrite {
        client_ref: Some(client_ref),
        op: LedgerOp::Transfer(vec![
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
        ]),
        meta: TxnMeta {
            kind: kind.into(),
            source_id: Some(f.id.clone()),
            description: Some(description),
        },
    }))
}

/// The hold reserving collateral number `n` (0: initial margin, then one
/// per met margin call). Rebuilt identically to find its hold by replay.
pub(super) fn collateral_write(
    f: &Forward,
    n: usize,
    amount: i64,
    tag: &str,
) -> Result<LedgerWrite, FxServiceError> {
    let (sell, _) = currencies(f)?;
    Ok(LedgerWrite {
        // A call's hold is tried once a day until met: the day is in its reference.
        client_ref: Some(format!("fx_forward_collateral:{}:{n}:{tag}", f.id)),
        op: LedgerOp::CreateHold {
            debit: key(&f.merchant_id, sell, AccountKind::MerchantAvailable),
            credit: key(&f.merchant_id, sell, AccountKind::PlatformClearing),
            amount: Amount::positive(amount).map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
            expires_at: Timestamp::from_unix_micros(f.collateral_expires_at),
        },
        meta: TxnMeta {
            kind: "fx_forward_collateral".into(),
            source_id: Some(f.id.clone()),
            description: None,
        },
    })
}

pub(super) fn object(
    f: &Forward,
    due_at: Option<Timestamp>,
) -> Result<FxObjectRecord, FxServiceError> {
    Ok(FxObjectRecord {
        id: f.id.clone(),
        kind: "forward".into(),
        merchant_id: f.merchant_id.clone(),
        status: f.status.clone(),
        version: 0,
        due_at,
        body: serde_json::to_string(f).map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
        created_at: Timestamp::from_unix_micros(f.created_at),
        updated_at: Timestamp::from_unix_micros(f.created_at),
    })
}

fn amount_param(a: QuoteAmount) -> &'static str {
    match a {
        QuoteAmount::Sell(_) => "sell_amount",
        QuoteAmount::Buy(_) => "buy_amount",
    }
}

impl FxService {
    /// The forward rate (mid, before spread) for `days` from `day`, with the
    /// policy rates used. `None` where the table has no rate: none is invented.
    pub(super) fn cip(
        &self,
        sell: Currency,
        buy: Currency,
        day: Day,
        days: i64,
    ) -> Result<(Rate, Rate, [RateUsed; 2]), FxServiceError> {
        let (rate_day, spot) = self
            .with_history(|h| h.rate_on(sell, buy, day))
            .map_err(|e| {
                FxServiceError::invalid("buy_currency", "currency_unsupported", e.to_string())
            })?;
        let (_, pricing) = self.pricing();
        let age = rate_age_business_days(rate_day, day);
        if age > pricing.max_rate_age_business_days {
            return Err(FxServiceError::Conflict {
                code: "rate_stale",
                message: format!(
                    "the latest reference rate is of {} ({age} TARGET business days old): the operator loads current rates with PUT /v1/fx/rates or `corridor rates import FILE`",
                    iso(rate_day)
                ),
            });
        }
        let policy = self.policy_rates();
        let lookup = |c: Currency, param: &str| {
            policy.rate_on(c, day).cloned().ok_or_else(|| {
                FxServiceError::invalid(
                    param,
                    "interest_rate_unavailable",
                    format!(
                        "no policy rate for {c} on {}: forwards in {c} cannot be priced",
                        iso(day)
                    ),
                )
            })
        };
        let r_sell = lookup(sell, "sell_currency")?;
        let r_buy = lookup(buy, "buy_currency")?;
        let forward = cip_forward_rate(
            spot,
            days,
            (sell, r_sell.rate_pct),
            (buy, r_buy.rate_pct),
            rust_decimal::Decimal::ZERO,
        )
        .map_err(|e| {
            FxServiceError::invalid("maturity_date", "parameter_invalid", e.to_string())
        })?;
        let info = |r: &corridor_core::fx::PolicyRate| {
            (r.rate_pct.to_string(), r.series.clone(), r.source.clone())
        };
        Ok((spot, forward, [info(&r_sell), info(&r_buy)]))
    }

    /// Prices a forward and prepares its write: the object and the hold of
    /// the initial margin (3% up to one month, 5% up to six, 10% beyond).
    pub fn prepare_forward(
        &self,
        merchant: &str,
        request: ForwardRequest,
    ) -> Result<PreparedForward, FxServiceError> {
        if request.sell == request.buy {
            return Err(FxServiceError::invalid(
                "buy_currency",
                "currency_same",
                "sell and buy currency must differ",
            ));
        }
        let now = self.now();
        let day = today(now);
        let days = day.days_until(request.maturity);
        if days < 1 {
            return Err(FxServiceError::invalid(
                "maturity_date",
                "maturity_in_past",
                "the maturity date must be after today",
            ));
        }
        let limit = add_months(day, 24).unwrap_or(day.plus(730));
        if request.maturity > limit || days > MAX_FORWARD_DAYS {
            return Err(FxServiceError::invalid(
                "maturity_date",
                "maturity_too_far",
                format!("forwards run at most 24 months (until {})", iso(limit)),
            ));
        }
        let (spot, forward_mid, [sell_info, buy_info]) =
            self.cip(request.sell, request.buy, day, days)?;
        let (_, pricing) = self.pricing();
        let spread = pricing.spread_bps(request.sell, request.buy, pricing.tier_of(merchant));
        let terms = price_quote(QuoteInput {
            sell: request.sell,
            buy: request.buy,
            amount: request.amount,
            mid: forward_mid,
            spread_bps: spread,
            lock_bps: 0,
        })
        .map_err(|e| match e {
            FxError::RoundsToZero => FxServiceError::invalid(
                amount_param(request.amount),
                "amount_too_small",
                "the amount converts to zero in the other currency",
            ),
            other => FxServiceError::invalid(
                amount_param(request.amount),
                "amount_invalid",
                other.to_string(),
            ),
        })?;
        let im_bps = initial_margin_bps(days);
        let collateral =
            (i128::from(terms.sell_amount.minor()) * i128::from(im_bps) + 9_999) / 10_000;
        let collateral = i64::try_from(collateral).map_err(|_| {
            FxServiceError::invalid(amount_param(request.amount), "amount_invalid", "too large")
        })?;
        let maturity_start = i64::from(request.maturity.0) * MICROS_PER_DAY;
        let forward = Forward {
            id: {
                use rand::distr::{Alphanumeric, SampleString};
                format!("fwd_{}", Alphanumeric.sample_string(&mut rand::rng(), 24))
            },
            merchant_id: merchant.to_string(),
            sell_currency: request.sell.code().into(),
            buy_currency: request.buy.code().into(),
            sell_amount: terms.sell_amount.minor(),
            buy_amount: terms.buy_amount.minor(),
            forward_rate: terms.rate.value().to_string(),
            forward_mid_rate: forward_mid.value().to_string(),
            spot_rate: spot.value().to_string(),
            sell_interest: sell_info,
            buy_interest: buy_info,
            day_counts: (
                DayCount::for_currency(request.sell).code().into(),
                DayCount::for_currency(request.buy).code().into(),
            ),
            days,
            trade_date: iso(day),
            maturity_date: iso(request.maturity),
            collateral,
            initial_margin_bps: im_bps,
            collateral_holds: Vec::new(),
            collateral_expires_at: maturity_start + HOLD_GRACE_DAYS * MICROS_PER_DAY,
            margin_calls: Vec::new(),
            mark_to_market: 0,
            marked_on: iso(day),
            status: "open".into(),
            realized: None,
            created_at: now.unix_micros(),
            drawdowns: Vec::new(),
        };
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: object(&forward, Some(Timestamp::from_unix_micros(maturity_start)))?,
                expected_version: None,
            }],
            ledger: Some(collateral_write(&forward, 0, collateral, "")?),
            ..FxWrite::default()
        };
        Ok(PreparedForward { forward, write })
    }

    /// A stored forward the merchant may see, with its version.
    pub async fn forward(
        &self,
        merchant: Option<&str>,
        id: &str,
    ) -> Result<(Forward, i64), FxServiceError> {
        let record = self
            .store()
            .fx_object(id)
            .await?
            .filter(|r| r.kind == "forward");
        let record = match (record, merchant) {
            (Some(r), Some(m)) if r.merchant_id != m => None,
            (r, _) => r,
        }
        .ok_or_else(|| FxServiceError::NotFound {
            what: "forward",
            id: id.to_string(),
        })?;
        let f = serde_json::from_str(&record.body)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        Ok((f, record.version))
    }

    /// The ids of the holds reserving a forward's collateral now, found by
    /// replaying the writes that created them (same reference, same content).
    async fn collateral_holds(&self, f: &Forward) -> Result<Vec<HoldId>, FxServiceError> {
        let writes = collateral_set(f, &f.drawdowns, f.margin_calls.len())?;
        self.replay_holds(writes.into_iter().map(|(w, _)| w).collect())
            .await
    }

    /// Replays hold writes; returns the holds.
    pub(super) async fn replay_holds(
        &self,
        writes: Vec<LedgerWrite>,
    ) -> Result<Vec<HoldId>, FxServiceError> {
        let mut holds = Vec::new();
        for w in writes {
            let receipt = self
                .submit(FxWrite {
                    ledger: Some(w),
                    ..FxWrite::default()
                })
                .await?
                .map_err(refused)?;
            if let Some(h) = receipt.and_then(|r| r.hold) {
                holds.push(h);
            }
        }
        Ok(holds)
    }

    async fn release_collateral(&self, f: &Forward) -> Result<(), FxServiceError> {
        let holds = self.collateral_holds(f).await?;
        self.void_holds(f, holds).await
    }

    /// Releases holds of a forward's collateral (each once).
    pub(super) async fn void_holds(
        &self,
        f: &Forward,
        holds: Vec<HoldId>,
    ) -> Result<(), FxServiceError> {
        for hold in holds {
            let write = LedgerWrite {
                client_ref: Some(format!("fx_forward_release:{}:{}", f.id, hold.0)),
                op: LedgerOp::VoidHold(hold),
                meta: TxnMeta {
                    kind: "fx_forward_release".into(),
                    source_id: Some(f.id.clone()),
                    description: None,
                },
            };
            match self
                .submit(FxWrite {
                    ledger: Some(write),
                    ..FxWrite::default()
                })
                .await?
            {
                Ok(_) => {}
                // Already released or expired: nothing left to release.
                Err(Refusal {
                    code:
                        RefusalCode::Ledger(
                            LedgerErrorKind::HoldNotFound
                            | LedgerErrorKind::HoldAlreadyPosted
                            | LedgerErrorKind::HoldAlreadyVoided
                            | LedgerErrorKind::HoldExpired
                            | LedgerErrorKind::HoldNotExpired,
                        ),
                    ..
                }) => {}
                Err(r) => return Err(refused(r)),
            }
        }
        Ok(())
    }

    pub(super) async fn available(
        &self,
        merchant: &str,
        currency: Currency,
    ) -> Result<i64, FxServiceError> {
        let balances = self
            .store()
            .balances(&Owner::Merchant(merchant.to_string()))
            .await?;
        Ok(balances
            .iter()
            .filter(|b| b.currency == currency && b.kind == AccountKind::MerchantAvailable)
            .map(|b| b.posted - b.held_out)
            .sum())
    }

    /// Settles a forward: at or after maturity it delivers at the locked
    /// rate; before, it closes early and books the mark-to-market result.
    pub async fn settle_forward(
        &self,
        merchant: &str,
        id: &str,
    ) -> Result<Forward, FxServiceError> {
        self.forward(Some(merchant), id).await?;
        // A drawdown's collateral is settled first: the holds are then known.
        self.finish_collateral_swaps(id).await?;
        let (f, version) = self.forward(Some(merchant), id).await?;
        if f.status != "open" {
            return Err(FxServiceError::Conflict {
                code: "forward_not_open",
                message: format!("forward {id} is {}", f.status),
            });
        }
        let day = today(self.now());
        let maturity = super::dates::day_of(&f.maturity_date)
            .ok_or_else(|| FxServiceError::Corrupt("maturity".into()))?;
        if day >= maturity {
            self.deliver(f, version).await
        } else {
            self.close_early(f, version, day, "closed").await
        }
    }

    async fn deliver(&self, mut f: Forward, version: i64) -> Result<Forward, FxServiceError> {
        let (sell, buy) = currencies(&f)?;
        let held = collateral_held(&f)?;
        if self.available(&f.merchant_id, sell).await? + held < f.sell_amount {
            return Err(FxServiceError::InsufficientFunds(format!(
                "delivering {} {sell} needs that much available (collateral included)",
                f.sell_amount
            )));
        }
        self.release_collateral(&f).await?;
        let mid =
            Rate::parse(&f.forward_mid_rate).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let sold =
            Amount::positive(f.sell_amount).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let at_mid = mid
            .convert(sold, sell, buy, corridor_core::Rounding::Down)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        f.status = "settled".into();
        let ledger = LedgerWrite {
            client_ref: Some(format!("fx_forward_settle:{}", f.id)),
            op: LedgerOp::Transfer(exchange_legs(
                &f.merchant_id,
                sell,
                buy,
                f.sell_amount,
                0,
                f.buy_amount,
                at_mid.minor().max(f.buy_amount),
            )),
            meta: TxnMeta {
                kind: "fx_forward_settlement".into(),
                source_id: Some(f.id.clone()),
                description: Some(format!("delivery at {}", f.forward_rate)),
            },
        };
        self.finish(&f, version, Some(ledger)).await?;
        Ok(f)
    }

    pub(super) async fn close_early(
        &self,
        mut f: Forward,
        version: i64,
        day: Day,
        status: &str,
    ) -> Result<Forward, FxServiceError> {
        let (sell, buy) = currencies(&f)?;
        let maturity = super::dates::day_of(&f.maturity_date)
            .ok_or_else(|| FxServiceError::Corrupt("maturity".into()))?;
        let (_, now_mid, _) = self.cip(sell, buy, day, day.days_until(maturity).max(1))?;
        let locked =
            Rate::parse(&f.forward_mid_rate).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let sold =
            Amount::positive(f.sell_amount).map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let result = mark_to_market(sold, sell, buy, locked, now_mid)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        if result < 0 && self.available(&f.merchant_id, buy).await? < -result {
            return Err(FxServiceError::InsufficientFunds(format!(
                "closing books a loss of {} {buy} minor units",
                -result
            )));
        }
        self.release_collateral(&f).await?;
        let ledger = result_write(
            &f,
            format!("fx_forward_close:{}", f.id),
            "fx_forward_close",
            format!("mark-to-market {result}"),
            result,
        )?;
        f.status = status.to_string();
        f.realized = Some(result);
        f.mark_to_market = result;
        f.marked_on = iso(day);
        self.finish(&f, version, ledger).await?;
        Ok(f)
    }

    pub(super) async fn finish(
        &self,
        f: &Forward,
        version: i64,
        ledger: Option<LedgerWrite>,
    ) -> Result<(), FxServiceError> {
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: object(f, None)?,
                expected_version: Some(version),
            }],
            ledger,
            ..FxWrite::default()
        };
        match self.submit(write).await? {
            Ok(_) => Ok(()),
            Err(r) if r.code == RefusalCode::VersionConflict => Err(FxServiceError::Conflict {
                code: "forward_changed",
                message: "the forward changed meanwhile; read it again".into(),
            }),
            Err(r) => Err(refused(r)),
        }
    }

    /// The daily job: delivers forwards at maturity, marks the others to
    /// market, makes margin calls (held at once when the balance allows),
    /// and closes positions whose calls are past due. Returns how many
    /// forwards changed.
    pub async fn mark_forwards(&self, limit: usize) -> Result<usize, FxServiceError> {
        let day = today(self.now());
        let records = self
            .store()
            .fx_objects_in_status("forward", "open", limit)
            .await?;
        let policy = MarginPolicy::default();
        let mut changed = 0;
        for record in records {
            let mut f: Forward = serde_json::from_str(&record.body)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
            if f.drawdowns.iter().any(|d| !d.collateral_swapped) {
                // A drawdown interrupted between its steps: finished first.
                if self.finish_collateral_swaps(&f.id).await.is_ok() {
                    changed += 1;
                }
                continue;
            }
            let maturity = super::dates::day_of(&f.maturity_date)
                .ok_or_else(|| FxServiceError::Corrupt("maturity".into()))?;
            if day >= maturity {
                if self.deliver(f, record.version).await.is_ok() {
                    changed += 1;
                }
                continue;
            }
            if f.marked_on == iso(day) && !f.margin_calls.iter().any(|c| c.status == "due") {
                continue;
            }
            let overdue = f.margin_calls.iter().any(|c| {
                c.status == "due" && super::dates::day_of(&c.due_by).is_some_and(|d| day > d)
            });
            if overdue {
                if self
                    .close_early(f, record.version, day, "closed_margin")
                    .await
                    .is_ok()
                {
                    changed += 1;
                }
                continue;
            }
            let (sell, buy) = currencies(&f)?;
            let Ok((_, now_mid, _)) = self.cip(sell, buy, day, day.days_until(maturity).max(1))
            else {
                continue;
            };
            let locked = Rate::parse(&f.forward_mid_rate)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
            let sold = Amount::positive(f.sell_amount)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
            f.mark_to_market = mark_to_market(sold, sell, buy, locked, now_mid)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
            f.marked_on = iso(day);
            let calls = usize::try_from(policy.calls_for_loss(-f.mark_to_market, f.buy_amount))
                .unwrap_or(usize::MAX);
            while f.margin_calls.len() < calls {
                let number = f.margin_calls.len() + 1;
                let amount = policy.call_amount(f.sell_amount);
                let due_by = date_of(day)
                    .and_then(|d| {
                        calendar("target2")?.add_business_days(d, policy.due_business_days)
                    })
                    .map(day_from_date)
                    .unwrap_or(day.plus(2));
                f.margin_calls.push(MarginCall {
                    number: u32::try_from(number).unwrap_or(u32::MAX),
                    amount,
                    due_by: iso(due_by),
                    status: "due".into(),
                    held_on: None,
                });
            }
            // A due call is met as soon as the balance allows: one try a day.
            let tag = iso(day);
            for i in 0..f.margin_calls.len() {
                if f.margin_calls[i].status == "due" {
                    let hold = collateral_write(&f, i + 1, f.margin_calls[i].amount, &tag)?;
                    if let Ok(Ok(_)) = self
                        .submit(FxWrite {
                            ledger: Some(hold),
                            ..FxWrite::default()
                        })
                        .await
                    {
                        f.margin_calls[i].status = "met".into();
                        f.margin_calls[i].held_on = Some(tag.clone());
                    }
                }
            }
            if self.finish(&f, record.version, None).await.is_ok() {
                changed += 1;
            }
        }
        Ok(changed)
    }
}
