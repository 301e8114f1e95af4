//! Reads shared by refunds, disputes and complaints: one object the caller
//! may see, or a page of them, decoded from their stored records.

use corridor_store::{AfterSalesKind, AfterSalesRecord};

use super::{AfterSalesError, AfterSalesService};

/// Decodes a stored record into its service type.
pub(super) type Decode<T> = fn(AfterSalesRecord) -> Result<T, AfterSalesError>;

impl AfterSalesService {
    /// The object `id` of `kind` if `merchant` owns it (`None`: any
    /// merchant's); otherwise not found, naming it `noun`.
    pub(super) async fn owned<T>(
        &self,
        kind: AfterSalesKind,
        noun: &'static str,
        id: &str,
        merchant: Option<&str>,
        decode: Decode<T>,
    ) -> Result<T, AfterSalesError> {
        let record = self
            .store
            .after_sales(kind, id)
            .await?
            .filter(|r| merchant.is_none_or(|m| m == r.merchant_id))
            .ok_or_else(|| AfterSalesError::NotFound(noun, id.to_string()))?;
        decode(record)
    }

    /// A page of objects of `kind`, newest first, and whether more follow.
    pub(super) async fn page<T>(
        &self,
        kind: AfterSalesKind,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
        decode: Decode<T>,
    ) -> Result<(Vec<T>, bool), AfterSalesError> {
        let page = self
            .store
            .after_sales_page(kind, merchant, limit, starting_after)
            .await?;
        let items = page
            .items
            .into_iter()
            .map(decode)
            .collect::<Result<_, _>>()?;
        Ok((items, page.has_more))
    }
}
