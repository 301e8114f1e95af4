//! `[[rules]]` into a [`Rule`].

use super::Ctx;
use crate::raw::{RawImportLimit, RawPaCb, RawRule, RawSanctions, RawSca};
use crate::{ImportLimit, LoadError, PaCbLimit, Rule, RuleKind, SanctionsRule, ScaRule, TraBand};

/// Highest reference fraud rate a TRA band may name: 100 %.
const MAX_FRAUD_RATE_BPS: u16 = 10_000;

pub(super) fn convert(ctx: Ctx<'_>, at: &str, raw: &RawRule) -> Result<Rule, LoadError> {
    let code_ok = !raw.code.is_empty()
        && raw.code.len() <= 64
        && raw
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        return Err(ctx.err(format!("{at}.code"), "must be snake_case, 1-64 characters"));
    }
    let structured = [
        raw.sca.is_some(),
        raw.import_limit.is_some(),
        raw.pa_cb.is_some(),
        raw.sanctions.is_some(),
    ];
    if structured.iter().filter(|present| **present).count() > 1 {
        return Err(ctx.err(at, "has at most one of sca, import_limit, pa_cb, sanctions"));
    }
    let kind = if let Some(sca) = &raw.sca {
        RuleKind::Sca(convert_sca(ctx, &format!("{at}.sca"), sca)?)
    } else if let Some(limit) = &raw.import_limit {
        RuleKind::ImportLimit(import_limit(ctx, &format!("{at}.import_limit"), limit)?)
    } else if let Some(pa_cb) = &raw.pa_cb {
        RuleKind::PaCb(convert_pa_cb(ctx, &format!("{at}.pa_cb"), pa_cb)?)
    } else if let Some(sanctions) = &raw.sanctions {
        RuleKind::Sanctions(convert_sanctions(
            ctx,
            &format!("{at}.sanctions"),
            sanctions,
        )?)
    } else {
        RuleKind::Info
    };
    Ok(Rule {
        code: raw.code.clone(),
        summary: ctx.text(&format!("{at}.summary"), &raw.summary)?,
        source: ctx.text(&format!("{at}.source"), &raw.source)?,
        kind,
    })
}

fn convert_sca(ctx: Ctx<'_>, at: &str, raw: &RawSca) -> Result<ScaRule, LoadError> {
    let positive = |field: &str, value: Option<i64>| {
        value
            .map(|v| ctx.positive(&format!("{at}.{field}"), v))
            .transpose()
    };
    let mut tra_bands = raw
        .tra
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let field = format!("{at}.tra[{i}]");
            if band.fraud_rate_bps_max == 0 || band.fraud_rate_bps_max > MAX_FRAUD_RATE_BPS {
                return Err(ctx.err(
                    &field,
                    format!("fraud_rate_bps_max must be 1-{MAX_FRAUD_RATE_BPS}"),
                ));
            }
            Ok(TraBand {
                amount_minor_max: ctx.positive(&field, band.amount_minor_max)?,
                fraud_rate_bps_max: band.fraud_rate_bps_max,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    tra_bands.sort_by_key(|band| band.amount_minor_max);
    Ok(ScaRule {
        currency: ctx.currency(&format!("{at}.currency"), &raw.currency)?,
        low_value_exemption_minor: positive(
            "low_value_exemption_minor",
            raw.low_value_exemption_minor,
        )?,
        low_value_cumulative_minor_max: positive(
            "low_value_cumulative_minor_max",
            raw.low_value_cumulative_minor_max,
        )?,
        low_value_count_max: raw.low_value_count_max,
        tra_bands,
        merchant_initiated_exempt: raw.merchant_initiated_exempt,
        recurring_fixed_amount_exempt: raw.recurring_fixed_amount_exempt,
    })
}

fn import_limit(ctx: Ctx<'_>, at: &str, raw: &RawImportLimit) -> Result<ImportLimit, LoadError> {
    let per_transaction_minor_max = ctx.positive(
        &format!("{at}.per_transaction_minor_max"),
        raw.per_transaction_minor_max,
    )?;
    let per_year_minor_max =
        ctx.positive(&format!("{at}.per_year_minor_max"), raw.per_year_minor_max)?;
    if per_transaction_minor_max > per_year_minor_max {
        return Err(ctx.err(at, "per_transaction_minor_max exceeds per_year_minor_max"));
    }
    Ok(ImportLimit {
        currency: ctx.currency(&format!("{at}.currency"), &raw.currency)?,
        per_transaction_minor_max,
        per_year_minor_max,
    })
}

fn convert_pa_cb(ctx: Ctx<'_>, at: &str, raw: &RawPaCb) -> Result<PaCbLimit, LoadError> {
    Ok(PaCbLimit {
        currency: ctx.currency(&format!("{at}.currency"), &raw.currency)?,
        per_unit_minor_max: ctx
            .positive(&format!("{at}.per_unit_minor_max"), raw.per_unit_minor_max)?,
        buyer_due_diligence_above_minor: raw
            .buyer_due_diligence_above_minor
            .map(|v| ctx.positive(&format!("{at}.buyer_due_diligence_above_minor"), v))
            .transpose()?,
    })
}

fn convert_sanctions(
    ctx: Ctx<'_>,
    at: &str,
    raw: &RawSanctions,
) -> Result<SanctionsRule, LoadError> {
    Ok(SanctionsRule {
        authority: ctx.text(&format!("{at}.authority"), &raw.authority)?,
        program: ctx.text(&format!("{at}.program"), &raw.program)?,
        comprehensive: raw.comprehensive,
    })
}
