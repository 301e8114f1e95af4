//! Merchants' auto-conversion rule: keep every currency as received, or
//! convert what settles into the available balance of a foreign currency
//! to the home currency, at a quote priced like any other.

use corridor_core::fx::{LockDuration, QuoteAmount};
use corridor_core::ledger::AccountKind;
use corridor_core::{Amount, Currency};
use corridor_store::{FxObjectRecord, FxObjectWrite, FxWrite, Owner, RefusalCode};

use super::objects::AutoConversionRule;
use super::quotes::QuoteRequest;
use super::service::FxService;
use super::FxServiceError;

/// Rules handled per pass.
const MAX_RULES_PER_PASS: usize = 1_000;

fn rule_id(merchant: &str) -> String {
    format!("fxa_{merchant}")
}

impl FxService {
    /// The merchant's rule (`keep` when never set).
    pub async fn auto_conversion(
        &self,
        merchant: &str,
        home: Currency,
    ) -> Result<AutoConversionRule, FxServiceError> {
        match self.store().fx_object(&rule_id(merchant)).await? {
            Some(r) => {
                serde_json::from_str(&r.body).map_err(|e| FxServiceError::Corrupt(e.to_string()))
            }
            None => Ok(AutoConversionRule {
                merchant_id: merchant.into(),
                mode: "keep".into(),
                home_currency: home.code().into(),
            }),
        }
    }

    /// Sets the merchant's rule: `keep` or `convert_to_home`.
    pub async fn set_auto_conversion(
        &self,
        merchant: &str,
        home: Currency,
        mode: &str,
    ) -> Result<AutoConversionRule, FxServiceError> {
        if !matches!(mode, "keep" | "convert_to_home") {
            return Err(FxServiceError::invalid(
                "mode",
                "parameter_invalid",
                "mode must be keep or convert_to_home",
            ));
        }
        let existing = self.store().fx_object(&rule_id(merchant)).await?;
        let rule = AutoConversionRule {
            merchant_id: merchant.into(),
            mode: mode.into(),
            home_currency: home.code().into(),
        };
        let now = self.now();
        let record = FxObjectRecord {
            id: rule_id(merchant),
            kind: "auto_conversion".into(),
            merchant_id: merchant.into(),
            status: mode.into(),
            version: 0,
            due_at: None,
            body: serde_json::to_string(&rule)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?,
            created_at: existing.as_ref().map_or(now, |r| r.created_at),
            updated_at: now,
        };
        let write = FxWrite {
            objects: vec![FxObjectWrite {
                object: record,
                expected_version: existing.map(|r| r.version),
            }],
            ..FxWrite::default()
        };
        match self.submit(write).await? {
            Ok(_) => Ok(rule),
            Err(r) if r.code == RefusalCode::VersionConflict => Err(FxServiceError::Conflict {
                code: "rule_changed",
                message: "the rule changed meanwhile; retry".into(),
            }),
            Err(r) => Err(super::service::refused(r)),
        }
    }

    /// One pass of the rule: every foreign available balance of merchants
    /// converting to home is converted (the lock fee on top, so the fee and
    /// the amount together fit the balance). Returns the conversions made.
    pub async fn run_auto_conversions(&self) -> Result<usize, FxServiceError> {
        let rules = self
            .store()
            .fx_objects_in_status("auto_conversion", "convert_to_home", MAX_RULES_PER_PASS)
            .await?;
        let (_, pricing) = self.pricing();
        let lock_bps = i128::from(pricing.lock_price_bps(LockDuration::OneMinute));
        let mut made = 0;
        for record in rules {
            let rule: AutoConversionRule = serde_json::from_str(&record.body)
                .map_err(|e| FxServiceError::Corrupt(e.to_string()))?;
            let Ok(home) = Currency::parse(&rule.home_currency) else {
                continue;
            };
            let balances = self
                .store()
                .balances(&Owner::Merchant(rule.merchant_id.clone()))
                .await?;
            for b in balances
                .iter()
                .filter(|b| b.kind == AccountKind::MerchantAvailable && b.currency != home)
            {
                let available = i128::from(b.posted - b.held_out);
                // s + ceil(s × lock / 10000) ≤ available.
                let sell = available * 10_000 / (10_000 + lock_bps);
                let Ok(sell) = Amount::positive(i64::try_from(sell).unwrap_or(0)) else {
                    continue;
                };
                let request = QuoteRequest {
                    sell: b.currency,
                    buy: home,
                    amount: QuoteAmount::Sell(sell),
                    lock: LockDuration::OneMinute,
                };
                let converted = async {
                    let quote = self.create_quote(&rule.merchant_id, request).await?;
                    self.convert(&rule.merchant_id, &quote.id, "auto").await
                };
                match converted.await {
                    Ok(_) => made += 1,
                    Err(e) => {
                        tracing::debug!(merchant = %rule.merchant_id, currency = %b.currency, error = %e, "auto-conversion skipped")
                    }
                }
            }
        }
        Ok(made)
    }
}
