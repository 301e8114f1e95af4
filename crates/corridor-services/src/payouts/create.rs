//! Pricing and creating a payout: rail, fee, exchange, value date, limits,
//! purpose code; the amount plus fee is held in the same write that
//! creates the payout.

use corridor_core::payouts::{self, ChargeBearer, PayoutStatus, Rail, Scheme, PURPOSE_CODES};
use corridor_core::{Amount, CountryCode, Currency, Timestamp};
use corridor_store::{BeneficiaryRecord, FxObjectWrite, PayoutChange, PayoutRecord, PayoutWrite};
use rand::distr::{Alphanumeric, SampleString};

use super::fx::{FxAmount, FxQuote};
use super::value_date::{iso_date, start_of_day, value_date};
use super::{ledger, PayoutError, PayoutService};

/// Longest remittance reference (ISO 20022 `Max140Text`).
pub const MAX_REFERENCE_CHARS: usize = 140;

/// A payout as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutInput {
    /// Owner.
    pub merchant_id: String,
    /// Amount debited from the balance (without the fee); or `None` with `target_amount`.
    pub amount: Option<i64>,
    /// The balance paid from.
    pub currency: String,
    /// What the beneficiary must receive, in its currency, instead of `amount`.
    pub target_amount: Option<i64>,
    /// The beneficiary's currency, when the caller states it (checked).
    pub target_currency: Option<String>,
    /// `ben_...`.
    pub beneficiary: String,
    /// A quote id from the FX service.
    pub quote: Option<String>,
    /// ISO 20022 purpose code.
    pub purpose_code: Option<String>,
    /// Reference shown to the beneficiary.
    pub reference: Option<String>,
    /// `sha` (default) or `our`, for SWIFT.
    pub charges: Option<String>,
}

/// Everything a payout will cost and deliver, before it is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutPlan {
    /// The beneficiary.
    pub beneficiary: BeneficiaryRecord,
    /// Debited from the balance, without the fee.
    pub amount: Amount,
    /// The balance's currency.
    pub currency: Currency,
    /// The fee.
    pub fee: Amount,
    /// Received by the beneficiary.
    pub target_amount: Amount,
    /// The beneficiary's currency.
    pub target_currency: Currency,
    /// The exchange, when the currencies differ.
    pub fx: Option<FxQuote>,
    /// The rail.
    pub rail: Rail,
    /// When the beneficiary is credited.
    pub value_date: String,
    /// Purpose code.
    pub purpose_code: Option<String>,
    /// Reference.
    pub reference: Option<String>,
}

/// A payout ready to write.
#[derive(Debug, Clone)]
pub struct PreparedPayout {
    /// The row (its hold id is filled in by the writer).
    pub record: PayoutRecord,
    /// The plan it came from.
    pub plan: PayoutPlan,
    /// The write: the payout and the hold.
    pub write: PayoutWrite,
}

fn positive(param: &str, v: i64) -> Result<Amount, PayoutError> {
    Amount::positive(v).map_err(|_| {
        PayoutError::invalid(
            param,
            "amount_invalid",
            format!("{param} must be a positive integer in minor units"),
        )
    })
}

/// The fx JSON stored with a payout: the quote's amounts, its fee (inside
/// the payout's `fee`) and the spread the platform keeps, as the ledger
/// books them when the payout is sent.
pub fn fx_json(q: &FxQuote) -> String {
    serde_json::json!({
        "quote": q.id,
        "rate": q.rate.value().to_string(),
        "mid_rate": q.mid_rate.value().to_string(),
        "sell_currency": q.sell_currency.code(),
        "sell_amount": q.sell_amount.minor(),
        "buy_currency": q.buy_currency.code(),
        "buy_amount": q.buy_amount.minor(),
        "fee": q.fee.minor(),
        "buy_at_mid": q.buy_at_mid.minor(),
        "spread_amount": q.buy_at_mid.minor().saturating_sub(q.buy_amount.minor()),
        "source": q.source,
    })
    .to_string()
}

/// A given quote fixes both sides: an `amount` or `target_amount` given
/// with it must be the quote's.
fn check_quote_amounts(q: &FxQuote, fixed: Option<FxAmount>) -> Result<(), PayoutError> {
    let (param, asked, quoted) = match fixed {
        None => return Ok(()),
        Some(FxAmount::Sell(a)) => ("amount", a, q.sell_amount),
        Some(FxAmount::Buy(a)) => ("target_amount", a, q.buy_amount),
    };
    if asked == quoted {
        return Ok(());
    }
    Err(PayoutError::invalid(
        param,
        "quote_mismatch",
        format!(
            "{param} is {} but the quote is for {} (omit it to pay the quote's amounts)",
            asked.minor(),
            quoted.minor()
        ),
    ))
}

/// The quote marked used by this payout, checked again by the writer
/// against the version read and the lock's end.
fn quote_use(q: &FxQuote, payout_id: &str) -> Result<Option<FxObjectWrite>, PayoutError> {
    let Some((quote, version)) = &q.stored else {
        return Ok(None);
    };
    let used = crate::fx::Quote {
        status: "used".into(),
        payout: Some(payout_id.to_string()),
        ..quote.clone()
    };
    let object = crate::fx::quote_object(&used, None)
        .map_err(|e| PayoutError::Store(corridor_store::StoreError::Corrupt(e.to_string())))?;
    Ok(Some(FxObjectWrite {
        object,
        expected_version: Some(*version),
    }))
}

/// US cents as dollars (`12345` is `123.45`).
fn usd_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A random UUID v4 in its canonical form (the SWIFT gpi UETR).
fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl PayoutService {
    /// Prices a payout without committing anything: the plan shows the fee,
    /// the exchange and what arrives.
    pub async fn plan(
        &self,
        input: &PayoutInput,
        now: Timestamp,
    ) -> Result<PayoutPlan, PayoutError> {
        let kyb = self
            .store
            .merchant(&input.merchant_id)
            .await?
            .map(|m| m.kyb_status);
        if kyb.as_deref() != Some("approved") {
            return Err(PayoutError::Blocked {
                code: "merchant_not_approved".into(),
                message: format!(
                    "payouts need a merchant whose KYB is approved; this one's is {}",
                    kyb.as_deref().unwrap_or("unknown")
                ),
            });
        }
        let beneficiary = match self.store.beneficiary(&input.beneficiary).await? {
            Some(b) if b.merchant_id == input.merchant_id => b,
            _ => {
                return Err(PayoutError::invalid(
                    "beneficiary",
                    "resource_missing",
                    format!("no such beneficiary: '{}'", input.beneficiary),
                ))
            }
        };
        self.rescreen_if_lists_changed(&beneficiary).await?;
        let currency = Currency::parse(&input.currency)
            .map_err(|e| PayoutError::invalid("currency", "currency_invalid", e.to_string()))?;
        let target_currency = beneficiary.currency;
        if let Some(asked) = &input.target_currency {
            let asked = Currency::parse(asked).map_err(|e| {
                PayoutError::invalid("target_currency", "currency_invalid", e.to_string())
            })?;
            if asked != target_currency {
                return Err(PayoutError::invalid(
                    "target_currency",
                    "currency_not_receivable",
                    format!(
                        "beneficiary {} receives {}, not {}",
                        beneficiary.id,
                        target_currency.code(),
                        asked.code()
                    ),
                ));
            }
        }
        let fixed = match (input.amount, input.target_amount) {
            (Some(a), None) => Some(FxAmount::Sell(positive("amount", a)?)),
            (None, Some(t)) => Some(FxAmount::Buy(positive("target_amount", t)?)),
            (Some(_), Some(_)) => return Err(PayoutError::invalid(
                "target_amount",
                "parameter_conflict",
                "give amount (what leaves the balance) or target_amount (what arrives), not both",
            )),
            // A quote fixes both sides.
            (None, None) if input.quote.is_some() => None,
            (None, None) => {
                return Err(PayoutError::invalid(
                    "amount",
                    "parameter_missing",
                    "amount (or target_amount) is required",
                ))
            }
        };
        let country = CountryCode::parse(&beneficiary.country).map_err(|_| {
            PayoutError::Store(corridor_store::StoreError::Corrupt(
                "beneficiary country".into(),
            ))
        })?;
        let scheme = Scheme::parse(&beneficiary.scheme).ok_or_else(|| {
            PayoutError::Store(corridor_store::StoreError::Corrupt(
                "beneficiary scheme".into(),
            ))
        })?;
        let bearer = match input.charges.as_deref() {
            None | Some("sha") => ChargeBearer::Sha,
            Some("our") => ChargeBearer::Our,
            Some(other) => {
                return Err(PayoutError::invalid(
                    "charges",
                    "parameter_invalid",
                    format!("charges is 'sha' or 'our', not '{other}'"),
                ))
            }
        };
        let rail = payouts::choose_rail(country, target_currency, scheme, bearer);
        if input.charges.is_some() && !matches!(rail, Rail::Swift(_)) {
            return Err(PayoutError::invalid(
                "charges",
                "parameter_unexpected",
                format!(
                    "charges apply to SWIFT transfers; this payout goes by {}",
                    rail.code()
                ),
            ));
        }
        let purpose_code = match (
            &input.purpose_code,
            payouts::purpose_required(target_currency),
        ) {
            (None, true) => {
                return Err(PayoutError::invalid(
                    "purpose_code",
                    "parameter_missing",
                    format!(
                        "payouts in {} need a purpose code (one of {})",
                        target_currency.code(),
                        PURPOSE_CODES
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
            (Some(code), _) => {
                let code = code.trim().to_ascii_uppercase();
                if !PURPOSE_CODES.iter().any(|(c, _)| *c == code) {
                    return Err(PayoutError::invalid(
                        "purpose_code",
                        "parameter_invalid",
                        format!(
                            "'{code}' is not a purpose code accepted here (one of {})",
                            PURPOSE_CODES
                                .iter()
                                .map(|(c, _)| *c)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                Some(code)
            }
            (None, false) => None,
        };
        let reference = match &input.reference {
            Some(r) => {
                let r = r.trim();
                let ok = !r.is_empty()
                    && r.chars().count() <= MAX_REFERENCE_CHARS
                    && r.chars().all(|c| !c.is_control());
                if !ok {
                    return Err(PayoutError::invalid(
                        "reference",
                        "parameter_invalid",
                        format!("reference must be 1-{MAX_REFERENCE_CHARS} printable characters"),
                    ));
                }
                Some(r.to_string())
            }
            None => None,
        };
        // Priced last, so a quote is made only for an otherwise valid payout.
        let fx = if currency == target_currency {
            if input.quote.is_some() {
                return Err(PayoutError::invalid(
                    "quote",
                    "parameter_unexpected",
                    "no exchange is needed: the balance and the beneficiary are in the same currency",
                ));
            }
            None
        } else {
            let quote = match (&input.quote, fixed) {
                (Some(id), _) => {
                    let quote = self
                        .fx
                        .find_quote(&input.merchant_id, id, currency, target_currency)
                        .await?;
                    check_quote_amounts(&quote, fixed)?;
                    quote
                }
                (None, Some(fixed)) => {
                    self.fx
                        .quote(&input.merchant_id, currency, target_currency, fixed)
                        .await?
                }
                (None, None) => {
                    return Err(PayoutError::invalid(
                        "amount",
                        "parameter_missing",
                        "amount (or target_amount) is required",
                    ))
                }
            };
            Some(quote)
        };
        let (amount, target_amount) = match (&fx, fixed) {
            (Some(q), _) => (q.sell_amount, q.buy_amount),
            (None, Some(FxAmount::Sell(a) | FxAmount::Buy(a))) => (a, a),
            (None, None) => {
                return Err(PayoutError::invalid(
                    "amount",
                    "parameter_missing",
                    "amount (or target_amount) is required",
                ))
            }
        };
        let fee = rail
            .fee_terms()
            .fee(amount, currency)
            .and_then(|rail_fee| match &fx {
                // The exchange's own fee (its lock's price) comes on top.
                Some(q) => rail_fee.checked_add(q.fee),
                None => Ok(rail_fee),
            })
            .map_err(|_| {
                PayoutError::invalid("amount", "amount_invalid", "the fee is out of range")
            })?;
        let plan = PayoutPlan {
            beneficiary,
            amount,
            currency,
            fee,
            target_amount,
            target_currency,
            fx,
            rail,
            value_date: iso_date(value_date(rail, target_currency, now)),
            purpose_code,
            reference,
        };
        if let (Some(rules), Some(tx)) = (
            &self.rules,
            self.rule_transaction(&plan, &input.merchant_id),
        ) {
            let blocked = |r: crate::compliance::rules::RuleRefusal| PayoutError::Blocked {
                code: r.code.into(),
                message: r.message,
            };
            rules.check(&tx).map_err(blocked)?;
            // A payout's quota subjects (its merchant, the merchant's
            // beneficiary) are covered by the merchant's lock, which a
            // creation holds from this plan until its write is durable.
            drop(rules.check_quotas(&tx, now).await.map_err(blocked)?);
        }
        Ok(plan)
    }

    /// Checks the limits of a plan against what the merchant already paid
    /// out today. Call under [`PayoutService::lock_merchant`].
    pub async fn check_limits(
        &self,
        plan: &PayoutPlan,
        merchant: &str,
        now: Timestamp,
    ) -> Result<(), PayoutError> {
        let usd = |a: Amount| self.fx.usd_value(a, plan.currency);
        let this = usd(plan.amount)?;
        if this.minor() > self.limits.per_payout_usd_cents {
            return Err(PayoutError::invalid(
                "amount",
                "limit_exceeded",
                format!(
                    "a payout is at most {} USD; this one is worth {} USD",
                    usd_text(self.limits.per_payout_usd_cents),
                    usd_text(this.minor())
                ),
            ));
        }
        let today = self
            .store
            .payout_total_since(merchant, plan.currency, start_of_day(now))
            .await?;
        let total = Amount::non_negative(today)
            .and_then(|t| t.checked_add(plan.amount))
            .map_err(|_| PayoutError::invalid("amount", "amount_invalid", "amount out of range"))?;
        if usd(total)?.minor() > self.limits.per_day_usd_cents {
            return Err(PayoutError::invalid(
                "amount",
                "daily_limit_exceeded",
                format!(
                    "payouts from the {} balance are limited to {} USD per day; {} {} already went out today",
                    plan.currency.code(),
                    usd_text(self.limits.per_day_usd_cents),
                    plan.currency.code(),
                    today
                ),
            ));
        }
        Ok(())
    }

    /// Turns a plan into the payout row and its write (payout + hold).
    pub fn prepare_payout(
        &self,
        plan: PayoutPlan,
        merchant: &str,
        now: Timestamp,
    ) -> Result<PreparedPayout, PayoutError> {
        if let (Some(rules), Some(tx)) = (&self.rules, self.rule_transaction(&plan, merchant)) {
            rules.observe(&tx, now);
        }
        let total = plan.amount.checked_add(plan.fee).map_err(|_| {
            PayoutError::invalid(
                "amount",
                "amount_invalid",
                "amount plus fee is out of range",
            )
        })?;
        let id = format!("po_{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
        let record = PayoutRecord {
            end_to_end_id: id.clone(),
            id,
            merchant_id: merchant.to_string(),
            beneficiary_id: plan.beneficiary.id.clone(),
            status: PayoutStatus::Pending.code().into(),
            amount: plan.amount.minor(),
            currency: plan.currency,
            fee: plan.fee.minor(),
            target_amount: plan.target_amount.minor(),
            target_currency: plan.target_currency,
            fx: plan.fx.as_ref().map(fx_json),
            rail: plan.rail.code().into(),
            purpose_code: plan.purpose_code.clone(),
            reference: plan.reference.clone(),
            uetr: uuid_v4(),
            value_date: plan.value_date.clone(),
            hold_id: None,
            batch_id: None,
            failure_code: None,
            accepted_at: None,
            version: 0,
            created_at: now,
            updated_at: now,
        };
        let fx_quote = match &plan.fx {
            Some(q) => quote_use(q, &record.id)?,
            None => None,
        };
        let write = PayoutWrite {
            changes: vec![PayoutChange {
                ledger: vec![ledger::hold(&record, total, now)],
                payout: record.clone(),
                expected_version: None,
                events: Vec::new(),
            }],
            not_after: plan.fx.as_ref().map(|q| q.expires_at),
            fx_quote,
            ..PayoutWrite::default()
        };
        Ok(PreparedPayout {
            record,
            plan,
            write,
        })
    }

    /// A payout, if the merchant owns it (`None`: any merchant).
    pub async fn payout(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<PayoutRecord, PayoutError> {
        match self.store.payout(id).await? {
            Some(p) if merchant.is_none_or(|m| m == p.merchant_id) => Ok(p),
            _ => Err(PayoutError::NotFound {
                kind: "payout",
                id: id.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uuid_v4;

    #[test]
    fn uetr_is_a_version_4_uuid() {
        let u = uuid_v4();
        let b = u.as_bytes();
        assert_eq!(u.len(), 36);
        assert_eq!(b[14], b'4');
        assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'));
    }
}
