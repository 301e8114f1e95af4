//! Quotes and conversions: pricing a quote off the reference rates and the
//! operator's pricing, and executing it on the ledger exactly as quoted.

use corridor_core::fx::{
    all_in_cost_pct, price_quote, FxError, LockDuration, QuoteAmount, QuoteInput,
};
use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency, Timestamp};
use corridor_markets::calendar::calendar_for_currency;
use corridor_store::{
    AccountKey, FxObjectRecord, FxObjectWrite, FxWrite, LedgerOp, LedgerWrite, Owner, Refusal,
    RefusalCode, TransferLeg,
};

use super::dates::{date_of, iso, rate_age_business_days, target_closed, today};
use super::objects::{Conversion, Quote};
use super::service::FxService;
use super::FxServiceError;

/// What a merchant asks a quote for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRequest {
    /// Sold.
    pub sell: Currency,
    /// Bought.
    pub buy: Currency,
    /// The fixed side.
    pub amount: QuoteAmount,
    /// How long the rate is held.
    pub lock: LockDuration,
}

/// A quote ready to write.
#[derive(Debug, Clone)]
pub struct PreparedQuote {
    /// The quote.
    pub quote: Quote,
    /// Its write.
    pub write: FxWrite,
}

/// A conversion ready to write.
#[derive(Debug, Clone)]
pub struct PreparedConversion {
    /// The conversion.
    pub conversion: Conversion,
    /// The quote as it will be after (used).
    pub quote: Quote,
    /// Its write: quote used, conversion created, ledger movement; refused
    /// as a whole when the quote changed or expired meanwhile.
    pub write: FxWrite,
}

fn new_id(prefix: &str) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!(
        "{prefix}_{}",
        Alphanumeric.sample_string(&mut rand::rng(), 24)
    )
}

/// Whether the reference market or either currency's own market is closed.
fn market_closed(day: corridor_core::fx::Day, sell: Currency, buy: Currency) -> bool {
    let closed_for = |c: Currency| match (calendar_for_currency(c.code()), date_of(day)) {
        (Some(cal), Some(date)) => !cal.is_business_day(date),
        _ => false,
    };
    target_closed(day) || closed_for(sell) || closed_for(buy)
}

pub(crate) fn object(
    quote: &Quote,
    due_at: Option<Timestamp>,
) -> Result<FxObjectRecord, FxServiceError> {
    Ok(FxObjectRecord {
        id: quote.id.clone(),
        kind: "quote".into(),
        merchant_id: quote.merchant_id.clone(),
        status: quote.status.clone(),
        version: 0,
        due_at,
        body: serde_json::to_string(quote).map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
        created_at: Timestamp::from_unix_micros(quote.created_at),
        updated_at: Timestamp::from_unix_micros(quote.created_at),
    })
}

fn account(owner: Owner, currency: Currency, kind: AccountKind) -> AccountKey {
    AccountKey {
        owner,
        currency,
        kind,
    }
}

fn leg(account: AccountKey, side: Side, minor: i64) -> Option<TransferLeg> {
    Amount::positive(minor).ok().map(|amount| TransferLeg {
        account,
        side,
        amount,
    })
}

/// The two legs of an exchange through the FX liquidity accounts, with the
/// fee and the spread as separate postings to revenue. Balanced per currency:
/// sell side `S + fee = S + fee`, buy side `buy_at_mid = buy + spread`.
pub(crate) fn exchange_legs(
    merchant: &str,
    sell: Currency,
    buy: Currency,
    sell_amount: i64,
    fee: i64,
    buy_amount: i64,
    buy_at_mid: i64,
) -> Vec<TransferLeg> {
    let m = || Owner::Merchant(merchant.to_string());
    [
        leg(
            account(m(), sell, AccountKind::MerchantAvailable),
            Side::Debit,
            sell_amount + fee,
        ),
        leg(
            account(Owner::Platform, sell, AccountKind::FxLiquidity),
            Side::Credit,
            sell_amount,
        ),
        leg(
            account(
                Owner::PlatformFor(merchant.to_string()),
                sell,
                AccountKind::PlatformRevenue,
            ),
            Side::Credit,
            fee,
        ),
        leg(
            account(Owner::Platform, buy, AccountKind::FxLiquidity),
            Side::Debit,
            buy_at_mid,
        ),
        leg(
            account(m(), buy, AccountKind::MerchantAvailable),
            Side::Credit,
            buy_amount,
        ),
        leg(
            account(
                Owner::PlatformFor(merchant.to_string()),
                buy,
                AccountKind::PlatformRevenue,
            ),
            Side::Credit,
            buy_at_mid - buy_amount,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn amount_param(amount: QuoteAmount) -> &'static str {
    match amount {
        QuoteAmount::Sell(_) => "sell_amount",
        QuoteAmount::Buy(_) => "buy_amount",
    }
}

impl FxService {
    /// Prices a quote for `merchant` now. Refuses the same currency twice,
    /// a currency without a reference rate, a rate older than the pricing
    /// allows, and an amount that rounds to zero.
    pub fn prepare_quote(
        &self,
        merchant: &str,
        request: QuoteRequest,
    ) -> Result<PreparedQuote, FxServiceError> {
        if request.sell == request.buy {
            return Err(FxServiceError::invalid(
                "buy_currency",
                "currency_same",
                "sell and buy currency must differ",
            ));
        }
        let now = self.now();
        let day = today(now);
        let (version, pricing) = self.pricing();
        let (rate_day, mid, source) = self.with_history(|h| {
            let set = h
                .on_or_before(day)
                .ok_or_else(|| FxServiceError::Conflict {
                    code: "rates_unavailable",
                    message: "no reference rates loaded".into(),
                })?;
            for (param, c) in [
                ("sell_currency", request.sell),
                ("buy_currency", request.buy),
            ] {
                if set.per_eur(c).is_err() {
                    return Err(FxServiceError::invalid(
                        param,
                        "currency_unsupported",
                        format!("{c} has no reference rate"),
                    ));
                }
            }
            let mid =
                corridor_core::fx::cross_rate(&set, request.sell, request.buy).map_err(|e| {
                    FxServiceError::invalid("buy_currency", "currency_unsupported", e.to_string())
                })?;
            Ok((set.day, mid, set.source.clone()))
        })?;
        let age = rate_age_business_days(rate_day, day);
        if age > pricing.max_rate_age_business_days {
            return Err(FxServiceError::Conflict {
                code: "rate_stale",
                message: format!(
                    "the latest reference rate is of {} ({age} TARGET business days old; at most {} allowed): the operator loads current rates with PUT /v1/fx/rates or `corridor rates import FILE`",
                    iso(rate_day),
                    pricing.max_rate_age_business_days
                ),
            });
        }
        let markup = if market_closed(day, request.sell, request.buy) {
            pricing.weekend_holiday_markup_bps
        } else {
            0
        };
        let spread_bps =
            pricing.spread_bps(request.sell, request.buy, pricing.tier_of(merchant)) + markup;
        let terms = price_quote(QuoteInput {
            sell: request.sell,
            buy: request.buy,
            amount: request.amount,
            mid,
            spread_bps,
            lock_bps: pricing.lock_price_bps(request.lock),
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
        let cost = all_in_cost_pct(
            request.sell,
            request.buy,
            terms.sell_amount.checked_add(terms.fee).map_err(|_| {
                FxServiceError::invalid(amount_param(request.amount), "amount_invalid", "too large")
            })?,
            terms.buy_amount,
            mid,
        )
        .map_err(|e| {
            FxServiceError::invalid(
                amount_param(request.amount),
                "amount_invalid",
                e.to_string(),
            )
        })?;
        let expires_at = now.plus_seconds(request.lock.seconds());
        let quote = Quote {
            id: new_id("quo"),
            merchant_id: merchant.to_string(),
            sell_currency: request.sell.code().into(),
            buy_currency: request.buy.code().into(),
            sell_amount: terms.sell_amount.minor(),
            buy_amount: terms.buy_amount.minor(),
            rate: terms.rate.value().to_string(),
            mid_rate: terms.mid_rate.value().to_string(),
            spread_bps: terms.spread_bps,
            markup_bps: markup,
            fee: terms.fee.minor(),
            buy_at_mid: terms.buy_at_mid.minor(),
            spread_amount: terms.spread_amount.minor(),
            lock_duration: request.lock.code().into(),
            rate_date: iso(rate_day),
            rate_source: source,
            pricing_version: version,
            all_in_cost_pct: cost.to_string(),
            expires_at: expires_at.unix_micros(),
            created_at: now.unix_micros(),
            status: "open".into(),
            conversion: None,
            payout: None,
        };
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: object(&quote, Some(expires_at))?,
                expected_version: None,
            }],
            ..FxWrite::default()
        };
        Ok(PreparedQuote { quote, write })
    }

    /// A stored quote the merchant may see.
    pub async fn quote(
        &self,
        merchant: Option<&str>,
        id: &str,
    ) -> Result<(Quote, i64), FxServiceError> {
        let record = self
            .store()
            .fx_object(id)
            .await?
            .filter(|r| r.kind == "quote");
        let record = match (record, merchant) {
            (Some(r), Some(m)) if r.merchant_id != m => None,
            (r, _) => r,
        }
        .ok_or_else(|| FxServiceError::NotFound {
            what: "quote",
            id: id.to_string(),
        })?;
        let quote: Quote = serde_json::from_str(&record.body)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        Ok((quote, record.version))
    }

    /// Prepares the conversion of a quote: refused when it is used or expired.
    pub async fn prepare_conversion(
        &self,
        merchant: &str,
        quote_id: &str,
        trigger: &str,
    ) -> Result<PreparedConversion, FxServiceError> {
        let (mut quote, version) =
            self.quote(Some(merchant), quote_id)
                .await
                .map_err(|e| match e {
                    FxServiceError::NotFound { id, .. } => FxServiceError::invalid(
                        "quote",
                        "resource_missing",
                        format!("no such quote: '{id}'"),
                    ),
                    other => other,
                })?;
        if quote.status != "open" {
            return Err(used(&quote.id));
        }
        let now = self.now();
        if now.unix_micros() > quote.expires_at {
            return Err(expired(&quote.id));
        }
        let sell = Currency::parse(&quote.sell_currency)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let buy = Currency::parse(&quote.buy_currency)
            .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
        let id = format!("cnv_{}", quote.id.trim_start_matches("quo_"));
        let conversion = Conversion {
            id: id.clone(),
            merchant_id: merchant.to_string(),
            quote: quote.id.clone(),
            sell_currency: quote.sell_currency.clone(),
            buy_currency: quote.buy_currency.clone(),
            sell_amount: quote.sell_amount,
            buy_amount: quote.buy_amount,
            fee: quote.fee,
            rate: quote.rate.clone(),
            mid_rate: quote.mid_rate.clone(),
            spread_amount: quote.spread_amount,
            all_in_cost_pct: quote.all_in_cost_pct.clone(),
            trigger: trigger.to_string(),
            status: "succeeded".into(),
            created_at: now.unix_micros(),
        };
        quote.status = "used".into();
        quote.conversion = Some(id.clone());
        let ledger = LedgerWrite {
            client_ref: Some(format!("fx_conversion:{}", quote.id)),
            op: LedgerOp::Transfer(exchange_legs(
                merchant,
                sell,
                buy,
                quote.sell_amount,
                quote.fee,
                quote.buy_amount,
                quote.buy_at_mid,
            )),
            meta: TxnMeta {
                kind: "fx_conversion".into(),
                source_id: Some(id.clone()),
                description: Some(format!(
                    "{} {} -> {} {} at {}",
                    quote.sell_amount, sell, quote.buy_amount, buy, quote.rate
                )),
            },
        };
        let conversion_record = FxObjectRecord {
            id: id.clone(),
            kind: "conversion".into(),
            merchant_id: merchant.to_string(),
            status: "succeeded".into(),
            version: 0,
            due_at: None,
            body: serde_json::to_string(&conversion)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
            created_at: now,
            updated_at: now,
        };
        let write = FxWrite {
            objects: vec![
                FxObjectWrite {
                    object: object(&quote, None)?,
                    expected_version: Some(version),
                },
                FxObjectWrite {
                    object: conversion_record,
                    expected_version: None,
                },
            ],
            ledger: Some(ledger),
            rates: Vec::new(),
            not_after: Some(Timestamp::from_unix_micros(quote.expires_at)),
        };
        Ok(PreparedConversion {
            conversion,
            quote,
            write,
        })
    }

    /// What a refused conversion write means.
    pub fn conversion_refusal(quote_id: &str, refusal: &Refusal) -> FxServiceError {
        match refusal.code {
            RefusalCode::VersionConflict => used(quote_id),
            RefusalCode::Expired => expired(quote_id),
            RefusalCode::INSUFFICIENT_FUNDS => FxServiceError::InsufficientFunds(format!(
                "the available balance cannot cover the quote's sell amount and fee ({})",
                refusal.message
            )),
            _ => super::service::refused(refusal.clone()),
        }
    }

    /// Creates and stores a quote (no idempotency key): for other services
    /// (cross-currency payouts and refunds).
    pub async fn create_quote(
        &self,
        merchant: &str,
        request: QuoteRequest,
    ) -> Result<Quote, FxServiceError> {
        let prepared = self.prepare_quote(merchant, request)?;
        self.submit(prepared.write)
            .await?
            .map_err(super::service::refused)?;
        Ok(prepared.quote)
    }

    /// Converts a quote exactly at its amounts (no idempotency key): for
    /// other services. A quote converts once; a second call answers `quote_used`.
    pub async fn convert(
        &self,
        merchant: &str,
        quote_id: &str,
        trigger: &str,
    ) -> Result<Conversion, FxServiceError> {
        let prepared = self.prepare_conversion(merchant, quote_id, trigger).await?;
        match self.submit(prepared.write).await? {
            Ok(_) => Ok(prepared.conversion),
            Err(r) => Err(Self::conversion_refusal(quote_id, &r)),
        }
    }

    /// A stored conversion the merchant may see.
    pub async fn conversion(
        &self,
        merchant: Option<&str>,
        id: &str,
    ) -> Result<Conversion, FxServiceError> {
        let record = self
            .store()
            .fx_object(id)
            .await?
            .filter(|r| r.kind == "conversion");
        let record = match (record, merchant) {
            (Some(r), Some(m)) if r.merchant_id != m => None,
            (r, _) => r,
        }
        .ok_or_else(|| FxServiceError::NotFound {
            what: "conversion",
            id: id.to_string(),
        })?;
        serde_json::from_str(&record.body).map_err(|e| FxServiceError::Corrupt(e.to_string()))
    }
}

fn used(id: &str) -> FxServiceError {
    FxServiceError::Conflict {
        code: "quote_used",
        message: format!("quote {id} was already converted"),
    }
}

fn expired(id: &str) -> FxServiceError {
    FxServiceError::Conflict {
        code: "quote_expired",
        message: format!("quote {id} has expired; ask for a new one"),
    }
}
