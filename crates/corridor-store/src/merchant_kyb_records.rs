//! A merchant's KYB information as stored, its write, and its reads on
//! either backend.

use corridor_core::Timestamp;

use crate::merchant_kyb_sql as q;
use crate::payout_rows::SqlValue;
use crate::rows::SqlRow;
use crate::store::Store;
use crate::StoreError;

/// A merchant's KYB information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantKybRecord {
    /// The merchant.
    pub merchant_id: String,
    /// Company registration number (for CN the unified social credit code).
    pub registration_number: Option<String>,
    /// The beneficial owners, a JSON array of `{name, date_of_birth,
    /// country, ownership_bps}`.
    pub beneficial_owners: String,
    /// A declaration standing in for owners above the threshold.
    pub ownership_declaration: Option<String>,
    /// The fields the operator asked for and not yet supplied, a JSON array.
    pub requested: String,
    /// 1 for the first row, then one more per change.
    pub version: i64,
    /// Last change.
    pub updated_at: Timestamp,
}

impl MerchantKybRecord {
    /// The record of a merchant with no information yet (version 0: no row).
    pub fn empty(merchant_id: &str, now: Timestamp) -> MerchantKybRecord {
        MerchantKybRecord {
            merchant_id: merchant_id.to_owned(),
            registration_number: None,
            beneficial_owners: "[]".into(),
            ownership_declaration: None,
            requested: "[]".into(),
            version: 0,
            updated_at: now,
        }
    }
}

/// A merchant's email, website and marketplace store ids, as changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantContact {
    /// Contact email.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Store ids on marketplaces.
    pub marketplace_store_ids: Vec<String>,
}

/// A change of a merchant's KYB information, checked against the version
/// read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantKybWrite {
    /// The information after the change; its `version` is ignored: the
    /// writer stores `expected_version + 1`.
    pub record: MerchantKybRecord,
    /// The version read (0: no row yet).
    pub expected_version: i64,
    /// New contact details for the merchant's row, if they changed.
    pub contact: Option<MerchantContact>,
}

pub(crate) fn kyb_values(r: &MerchantKybRecord) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(r.merchant_id.clone()),
        SqlValue::OptText(r.registration_number.clone()),
        SqlValue::Text(r.beneficial_owners.clone()),
        SqlValue::OptText(r.ownership_declaration.clone()),
        SqlValue::Text(r.requested.clone()),
        SqlValue::Int(r.version),
        SqlValue::Int(r.updated_at.unix_micros()),
    ]
}

pub(crate) fn contact_values(merchant: &str, c: &MerchantContact) -> Vec<SqlValue> {
    vec![
        SqlValue::OptText(c.email.clone()),
        SqlValue::OptText(c.website.clone()),
        SqlValue::Text(c.marketplace_store_ids.join("\n")),
        SqlValue::Text(merchant.to_owned()),
    ]
}

fn kyb(r: &dyn SqlRow) -> Result<MerchantKybRecord, StoreError> {
    Ok(MerchantKybRecord {
        merchant_id: r.text(0)?,
        registration_number: r.opt_text(1)?,
        beneficial_owners: r.text(2)?,
        ownership_declaration: r.opt_text(3)?,
        requested: r.text(4)?,
        version: r.int(5)?,
        updated_at: Timestamp::from_unix_micros(r.int(6)?),
    })
}

impl Store {
    /// A merchant's KYB information, if any was given.
    pub async fn merchant_kyb(&self, id: &str) -> Result<Option<MerchantKybRecord>, StoreError> {
        let rows = self
            .payout_rows(q::get(), vec![SqlValue::Text(id.into())], kyb)
            .await?;
        Ok(rows.into_iter().next())
    }

    /// The KYB information of several merchants (those that have some).
    pub async fn merchant_kyb_of(
        &self,
        ids: &[String],
    ) -> Result<Vec<MerchantKybRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let values = ids.iter().map(|i| SqlValue::Text(i.clone())).collect();
        self.payout_rows(q::get_many(ids.len()), values, kyb).await
    }
}
