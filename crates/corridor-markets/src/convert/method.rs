//! `[[payment_methods]]` into a [`PaymentMethod`].

use super::Ctx;
use crate::raw::{RawExpiry, RawLimit, RawMethod, RawShare};
use crate::{AmountLimit, Flow, LoadError, MethodType, PaymentMethod, Share, VoucherExpiry};

/// Longest voucher expiry accepted, in days.
const MAX_EXPIRY_DAYS: u16 = 366;
/// Longest settlement delay accepted, in days.
const MAX_SETTLEMENT_DAYS: u16 = 60;

pub(super) fn convert(ctx: Ctx<'_>, at: &str, raw: &RawMethod) -> Result<PaymentMethod, LoadError> {
    let method_type = MethodType::parse(&raw.method_type)
        .map_err(|e| ctx.err(format!("{at}.type"), e.to_string()))?;
    let flow = Flow::parse(&raw.flow).ok_or_else(|| {
        ctx.err(
            format!("{at}.flow"),
            "must be card, redirect, qr, voucher, bank_debit, collect, bnpl, wallet or bank_transfer",
        )
    })?;
    if raw.currencies.is_empty() {
        return Err(ctx.err(format!("{at}.currencies"), "lists at least one currency"));
    }
    let currencies = raw
        .currencies
        .iter()
        .enumerate()
        .map(|(i, c)| ctx.currency(&format!("{at}.currencies[{i}]"), c))
        .collect::<Result<Vec<_>, _>>()?;
    let limits = raw
        .limits
        .iter()
        .enumerate()
        .map(|(i, l)| limit(ctx, &format!("{at}.limits[{i}]"), l, &currencies))
        .collect::<Result<Vec<_>, _>>()?;
    let share = raw
        .share_pct
        .as_ref()
        .map(|s| share(ctx, at, s))
        .transpose()?;
    if raw.share_basis.is_some() && share.is_none() {
        return Err(ctx.err(format!("{at}.share_basis"), "given without share_pct"));
    }
    if raw.settlement_days.is_some_and(|d| d > MAX_SETTLEMENT_DAYS) {
        return Err(ctx.err(
            format!("{at}.settlement_days"),
            format!("at most {MAX_SETTLEMENT_DAYS}"),
        ));
    }
    Ok(PaymentMethod {
        method_type,
        name: ctx.text(&format!("{at}.name"), &raw.name)?,
        is_async: raw.is_async,
        flow,
        currencies,
        share,
        share_basis: ctx.optional_text(&format!("{at}.share_basis"), raw.share_basis.as_deref())?,
        limits,
        expiry: raw
            .expiry
            .as_ref()
            .map(|e| expiry(ctx, &format!("{at}.expiry"), e))
            .transpose()?,
        settlement_days: raw.settlement_days,
        notes: ctx.optional_text(&format!("{at}.notes"), raw.notes.as_deref())?,
        source: ctx.text(&format!("{at}.source"), &raw.source)?,
    })
}

fn share(ctx: Ctx<'_>, at: &str, raw: &RawShare) -> Result<Share, LoadError> {
    let parsed = match raw {
        RawShare::Whole(pct) => pct.checked_mul(10).and_then(Share::from_tenths),
        RawShare::Decimal(text) => Share::parse_pct(text),
    };
    parsed.ok_or_else(|| {
        ctx.err(
            format!("{at}.share_pct"),
            "must be a percent from 0 to 100: an integer or a string with one decimal (\"12.5\")",
        )
    })
}

fn limit(
    ctx: Ctx<'_>,
    at: &str,
    raw: &RawLimit,
    currencies: &[corridor_core::Currency],
) -> Result<AmountLimit, LoadError> {
    let currency = ctx.currency(&format!("{at}.currency"), &raw.currency)?;
    if !currencies.contains(&currency) {
        return Err(ctx.err(
            format!("{at}.currency"),
            "is not one of the method's currencies",
        ));
    }
    let min_minor = raw
        .min_minor
        .map(|m| ctx.positive(&format!("{at}.min_minor"), m))
        .transpose()?;
    let max_minor = raw
        .max_minor
        .map(|m| ctx.positive(&format!("{at}.max_minor"), m))
        .transpose()?;
    match (min_minor, max_minor) {
        (None, None) => Err(ctx.err(at, "gives min_minor, max_minor or both")),
        (Some(min), Some(max)) if min > max => Err(ctx.err(at, "min_minor exceeds max_minor")),
        _ => Ok(AmountLimit {
            currency,
            min_minor,
            max_minor,
        }),
    }
}

fn expiry(ctx: Ctx<'_>, at: &str, raw: &RawExpiry) -> Result<VoucherExpiry, LoadError> {
    let days = [raw.min_days, raw.default_days, raw.max_days];
    if days.iter().all(Option::is_none) {
        return Err(ctx.err(at, "gives default_days, min_days or max_days"));
    }
    if days
        .iter()
        .flatten()
        .any(|d| *d == 0 || *d > MAX_EXPIRY_DAYS)
    {
        return Err(ctx.err(at, format!("days must be 1-{MAX_EXPIRY_DAYS}")));
    }
    // Present bounds must be ordered: min <= default <= max.
    let present: Vec<u16> = days.iter().flatten().copied().collect();
    if present.windows(2).any(|w| w[0] > w[1]) {
        return Err(ctx.err(at, "needs min_days <= default_days <= max_days"));
    }
    Ok(VoucherExpiry {
        default_days: raw.default_days,
        min_days: raw.min_days,
        max_days: raw.max_days,
    })
}
