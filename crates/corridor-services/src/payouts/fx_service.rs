//! The FX service as the payouts' exchange: quotes made and stored through
//! it (its pricing, lock prices and staleness rule), quotes from
//! `POST /v1/fx/quotes` accepted by id, and USD values at its mid-market.

use corridor_core::fx::{cross_rate, LockDuration, QuoteAmount};
use corridor_core::{Amount, Currency, Rate, Rounding, Timestamp};
use corridor_store::StoreError;

use super::fx::{FxAmount, FxFuture, FxQuote, PayoutFx};
use super::PayoutError;
use crate::fx::{FxService, FxServiceError, Quote, QuoteRequest};

/// The lock of a quote made on the fly for a payout: it is used by the
/// same request, so the shortest (and cheapest) lock is enough.
pub const PAYOUT_QUOTE_LOCK: LockDuration = LockDuration::OneMinute;

/// An FX service refusal in the payout's own terms: fields renamed to the
/// payout's, state refusals (`rate_stale`, `quote_used`, ...) as 409.
fn payout_error(e: FxServiceError) -> PayoutError {
    match e {
        FxServiceError::Invalid {
            param,
            code,
            message,
        } => {
            let param = match param.as_str() {
                "sell_amount" => "amount",
                "buy_amount" => "target_amount",
                "sell_currency" => "currency",
                "buy_currency" => "beneficiary",
                other => other,
            };
            PayoutError::invalid(param, code, message)
        }
        FxServiceError::NotFound { id, .. } => PayoutError::invalid(
            "quote",
            "resource_missing",
            format!("no such quote: '{id}'"),
        ),
        FxServiceError::Conflict { code, message } => PayoutError::conflict(code, message),
        FxServiceError::InsufficientFunds(message) => {
            PayoutError::conflict("insufficient_funds", message)
        }
        FxServiceError::Store(e) => PayoutError::Store(e),
        FxServiceError::Corrupt(what) => PayoutError::Store(StoreError::Corrupt(what)),
    }
}

fn corrupt(what: &str) -> PayoutError {
    PayoutError::Store(StoreError::Corrupt(format!("FX quote: {what}")))
}

/// A stored quote as the payout's exchange.
pub fn payout_quote(quote: Quote, version: i64) -> Result<FxQuote, PayoutError> {
    let currency = |c: &str| Currency::parse(c).map_err(|_| corrupt("currency"));
    let amount = |v: i64| Amount::non_negative(v).map_err(|_| corrupt("amount"));
    let rate = |r: &str| Rate::parse(r).map_err(|_| corrupt("rate"));
    Ok(FxQuote {
        id: Some(quote.id.clone()),
        sell_currency: currency(&quote.sell_currency)?,
        buy_currency: currency(&quote.buy_currency)?,
        sell_amount: amount(quote.sell_amount)?,
        buy_amount: amount(quote.buy_amount)?,
        fee: amount(quote.fee)?,
        buy_at_mid: amount(quote.buy_at_mid)?,
        rate: rate(&quote.rate)?,
        mid_rate: rate(&quote.mid_rate)?,
        expires_at: Timestamp::from_unix_micros(quote.expires_at),
        source: quote.rate_source.clone(),
        stored: Some((quote, version)),
    })
}

/// Refuses a quote that cannot pay this payout: another pair, used, expired.
pub fn check_usable(
    quote: &Quote,
    sell: Currency,
    buy: Currency,
    now: Timestamp,
) -> Result<(), PayoutError> {
    if quote.sell_currency != sell.code() || quote.buy_currency != buy.code() {
        return Err(PayoutError::invalid(
            "quote",
            "quote_mismatch",
            format!(
                "quote {} sells {} for {}; this payout sells {sell} for {buy}",
                quote.id, quote.sell_currency, quote.buy_currency
            ),
        ));
    }
    if quote.status != "open" {
        return Err(PayoutError::conflict(
            "quote_used",
            format!("quote {} was already used", quote.id),
        ));
    }
    if now.unix_micros() > quote.expires_at {
        return Err(PayoutError::conflict(
            "quote_expired",
            format!("quote {} has expired; ask for a new one", quote.id),
        ));
    }
    Ok(())
}

impl PayoutFx for FxService {
    fn quote<'a>(
        &'a self,
        merchant: &'a str,
        sell: Currency,
        buy: Currency,
        amount: FxAmount,
    ) -> FxFuture<'a, Result<FxQuote, PayoutError>> {
        Box::pin(async move {
            let amount = match amount {
                FxAmount::Sell(a) => QuoteAmount::Sell(a),
                FxAmount::Buy(a) => QuoteAmount::Buy(a),
            };
            let quote = self
                .create_quote(
                    merchant,
                    QuoteRequest {
                        sell,
                        buy,
                        amount,
                        lock: PAYOUT_QUOTE_LOCK,
                    },
                )
                .await
                .map_err(payout_error)?;
            // A new object is stored at version 1.
            payout_quote(quote, 1)
        })
    }

    fn find_quote<'a>(
        &'a self,
        merchant: &'a str,
        id: &'a str,
        sell: Currency,
        buy: Currency,
    ) -> FxFuture<'a, Result<FxQuote, PayoutError>> {
        Box::pin(async move {
            let (quote, version) = self.quote(Some(merchant), id).await.map_err(payout_error)?;
            check_usable(&quote, sell, buy, self.now())?;
            payout_quote(quote, version)
        })
    }

    fn usd_value(&self, amount: Amount, currency: Currency) -> Result<Amount, PayoutError> {
        let usd = Currency::parse("USD").map_err(|_| corrupt("USD"))?;
        if currency == usd {
            return Ok(amount);
        }
        let unavailable = |what: String| {
            PayoutError::invalid(
                "currency",
                "fx_unavailable",
                format!("limits are in USD: {what}"),
            )
        };
        let today = crate::fx::dates::today(self.now());
        let mid = self.with_history(|h| {
            let set = h
                .on_or_before(today)
                .ok_or_else(|| unavailable("no reference rates loaded".into()))?;
            cross_rate(&set, currency, usd).map_err(|e| unavailable(e.to_string()))
        })?;
        mid.convert(amount, currency, usd, Rounding::Up)
            .map_err(|e| unavailable(e.to_string()))
    }
}

impl crate::compliance::rules::UsdValuation for FxService {
    fn usd_value(&self, amount: Amount, currency: Currency) -> Option<Amount> {
        PayoutFx::usd_value(self, amount, currency).ok()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use corridor_store::{Store, StoreConfig, TestClock};

    use super::*;
    use crate::after_sales::RateSource;
    use crate::fx::provider::operator_rates;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    async fn service(rates: &[(&str, &str)]) -> (FxService, TestClock, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::default();
        let store = Store::open(
            &StoreConfig::Sqlite(dir.path().join("t.db")),
            Arc::new(clock.clone()),
            Default::default(),
        )
        .await
        .unwrap();
        let fx = FxService::start(store, crate::fx::RateFeed::Recorded)
            .await
            .unwrap();
        let day = crate::fx::dates::today(fx.now());
        let table: BTreeMap<String, String> = rates
            .iter()
            .map(|(c, r)| ((*c).to_string(), (*r).to_string()))
            .collect();
        fx.import(vec![operator_rates(day, "EUR", &table, "operator").unwrap()])
            .await
            .unwrap();
        (fx, clock, dir)
    }

    #[tokio::test]
    async fn quotes_come_from_the_fx_service_and_are_checked_before_use() {
        let (fx, clock, _dir) = service(&[("USD", "1.1"), ("CNY", "7.7")]).await;
        let payout_fx: &dyn PayoutFx = &fx;
        let sell = Amount::positive(100_000).unwrap();
        let q = payout_fx
            .quote("mer_a", cur("USD"), cur("CNY"), FxAmount::Sell(sell))
            .await
            .unwrap();
        // Mid 7 exactly; the buy side books floor(sell × mid) = 700,000.
        assert_eq!(q.mid_rate.value().normalize().to_string(), "7");
        assert_eq!(q.buy_at_mid.minor(), 700_000);
        assert!(q.buy_amount.minor() < 700_000, "the spread is kept");
        assert_eq!(q.fee.minor(), 0, "the one-minute lock is free");
        let id = q.id.clone().unwrap();
        let found = payout_fx
            .find_quote("mer_a", &id, cur("USD"), cur("CNY"))
            .await
            .unwrap();
        assert_eq!(found.buy_amount, q.buy_amount);
        assert_eq!(found.stored.as_ref().map(|s| s.1), Some(1));
        // Another merchant's, another pair, expired: refused.
        assert!(matches!(
            payout_fx.find_quote("mer_b", &id, cur("USD"), cur("CNY")).await,
            Err(PayoutError::Invalid { code, .. }) if code == "resource_missing"
        ));
        assert!(matches!(
            payout_fx.find_quote("mer_a", &id, cur("USD"), cur("EUR")).await,
            Err(PayoutError::Invalid { code, .. }) if code == "quote_mismatch"
        ));
        clock.advance(61);
        assert!(matches!(
            payout_fx.find_quote("mer_a", &id, cur("USD"), cur("CNY")).await,
            Err(PayoutError::Conflict { code, .. }) if code == "quote_expired"
        ));
        // A used quote is refused.
        let (mut used, _) = fx.quote(Some("mer_a"), &id).await.unwrap();
        used.status = "used".into();
        assert!(matches!(
            check_usable(&used, cur("USD"), cur("CNY"), Timestamp::from_unix_micros(0)),
            Err(PayoutError::Conflict { code, .. }) if code == "quote_used"
        ));
        // USD values at mid, rounded up: 100.00 CNY = 14.2857... USD.
        let v = payout_fx
            .usd_value(Amount::positive(10_000).unwrap(), cur("CNY"))
            .unwrap();
        assert_eq!(v.minor(), 1_429);
        // Stale rates: no quote.
        clock.advance(8 * 86_400);
        assert!(matches!(
            payout_fx.quote("mer_a", cur("USD"), cur("CNY"), FxAmount::Sell(sell)).await,
            Err(PayoutError::Conflict { code, .. }) if code == "rate_stale"
        ));
    }

    #[tokio::test]
    async fn refund_rates_are_the_fx_service_mid_while_fresh() {
        let (fx, clock, _dir) = service(&[("USD", "1.1"), ("JPY", "165")]).await;
        let now = fx.now();
        assert_eq!(
            fx.rate(cur("JPY"), cur("USD"), now)
                .map(|r| r.value().to_string()),
            Some("0.006666666667".into())
        );
        assert_eq!(fx.rate(cur("JPY"), cur("KWD"), now), None);
        clock.advance(8 * 86_400);
        assert_eq!(
            fx.rate(cur("JPY"), cur("USD"), fx.now()),
            None,
            "stale: no rate"
        );
        assert!(
            fx.rate(cur("JPY"), cur("USD"), now).is_some(),
            "the rate in force then"
        );
    }
}
