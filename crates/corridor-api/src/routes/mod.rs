//! HTTP handlers, one file per resource.

pub mod adjustments;
pub mod after_sales_helpers;
pub mod after_sales_objects;
pub mod audit_log;
pub mod balances;
pub mod beneficiaries;
pub mod complaints;
pub mod compliance_alerts;
pub mod compliance_errors;
pub mod compliance_rules;
pub mod disputes;
pub mod fraud_reports;
pub mod fx;
pub mod health;
pub mod ledger;
pub mod markets;
pub mod merchant_kyb_fields;
pub mod merchants;
pub mod merchants_kyb;
pub mod merchants_update;
pub mod payments;
pub mod payout_batches;
pub mod payouts;
pub mod provider_charges;
pub mod refunds;
pub mod sanctions_lists;
pub mod screening_thresholds;
pub mod screenings;
pub mod test_helpers;
pub mod users;

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// Largest page.
pub const MAX_PAGE: usize = 100;
/// Default page.
pub const DEFAULT_PAGE: usize = 20;

/// `{"data": [...], "has_more": bool}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// Items, newest first.
    pub data: Vec<T>,
    /// Whether older items exist.
    pub has_more: bool,
}

/// Parsed list query parameters.
#[derive(Debug, Default)]
pub struct ListParams {
    /// Page size.
    pub limit: usize,
    /// Cursor: the id of the last item of the previous page.
    pub starting_after: Option<String>,
    /// For operators: the merchant whose data to list.
    pub merchant: Option<String>,
}

/// Parses `limit`, `starting_after` and `merchant`; any other parameter is refused.
pub fn list_params(query: &HashMap<String, String>) -> Result<ListParams, ApiError> {
    let mut params = ListParams {
        limit: DEFAULT_PAGE,
        ..ListParams::default()
    };
    for (name, value) in query {
        match name.as_str() {
            "limit" => {
                params.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "limit",
                            "parameter_invalid",
                            format!("limit must be an integer from 1 to {MAX_PAGE}"),
                        )
                    })?;
            }
            "starting_after" => params.starting_after = Some(value.clone()),
            "merchant" => params.merchant = Some(value.clone()),
            other => {
                return Err(ApiError::invalid(
                    other,
                    "parameter_unknown",
                    format!("unknown query parameter '{other}'"),
                ))
            }
        }
    }
    Ok(params)
}
