//! After-sales reads on either backend.

use corridor_core::ledger::HoldId;
use corridor_core::Timestamp;
use tokio_postgres::types::ToSql;

use crate::after_sales_sql as q;
use crate::rows::SqlRow;
use crate::store::{Backend, Store};
use crate::{AfterSalesKind, AfterSalesRecord, Page, StoreError};

/// A query argument, owned so it can move to a blocking thread.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

impl Store {
    /// The object `id` of `kind`.
    pub async fn after_sales(
        &self,
        kind: AfterSalesKind,
        id: &str,
    ) -> Result<Option<AfterSalesRecord>, StoreError> {
        let args = vec![Arg::Text(id.into()), Arg::Text(kind.code().into())];
        Ok(self.objects(q::GET, args).await?.into_iter().next())
    }

    /// Objects of `kind`, newest first, after the cursor; of one merchant, or
    /// of all with `None`.
    pub async fn after_sales_page(
        &self,
        kind: AfterSalesKind,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<AfterSalesRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let kind = Arg::Text(kind.code().into());
        let merchant = Arg::Text(merchant.unwrap_or("").into());
        let mut items = match starting_after {
            None => {
                self.objects(q::LIST_FIRST, vec![kind, merchant, Arg::Int(fetch)])
                    .await?
            }
            Some(after) => {
                let args = vec![Arg::Text(after.into()), kind, merchant, Arg::Int(fetch)];
                self.objects(q::LIST_AFTER, args).await?
            }
        };
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// Every object of `kind` about a payment, oldest first.
    pub async fn after_sales_of_payment(
        &self,
        kind: AfterSalesKind,
        payment_id: &str,
    ) -> Result<Vec<AfterSalesRecord>, StoreError> {
        let args = vec![Arg::Text(payment_id.into()), Arg::Text(kind.code().into())];
        self.objects(q::BY_PAYMENT, args).await
    }

    /// Objects of `kind` whose `due_at` has come at `now`, earliest first.
    pub async fn after_sales_due(
        &self,
        kind: AfterSalesKind,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<AfterSalesRecord>, StoreError> {
        let args = vec![
            Arg::Text(kind.code().into()),
            Arg::Int(now.unix_micros()),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ];
        self.objects(q::DUE, args).await
    }

    /// A merchant's objects of `kind` created in `[from, until)`.
    pub async fn after_sales_created_between(
        &self,
        kind: AfterSalesKind,
        merchant: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<AfterSalesRecord>, StoreError> {
        let args = vec![
            Arg::Text(kind.code().into()),
            Arg::Text(merchant.into()),
            Arg::Int(from.unix_micros()),
            Arg::Int(until.unix_micros()),
        ];
        self.objects(q::CREATED_BETWEEN, args).await
    }

    /// The hold made by the successful ledger transaction `client_ref`.
    pub async fn hold_of_client_ref(&self, client_ref: &str) -> Result<Option<HoldId>, StoreError> {
        let args = vec![Arg::Text(client_ref.into())];
        let found = self.scalars(q::HOLD_OF_CLIENT_REF, args).await?;
        Ok(found.into_iter().next().map(HoldId))
    }

    /// How many captured card payments of `brand` a merchant created in
    /// `[from, until)`.
    pub async fn card_payments_between(
        &self,
        merchant: &str,
        brand: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<i64, StoreError> {
        let args = vec![
            Arg::Text(merchant.into()),
            Arg::Text(brand.into()),
            Arg::Int(from.unix_micros()),
            Arg::Int(until.unix_micros()),
        ];
        let found = self.scalars(q::CARD_PAYMENTS_BETWEEN, args).await?;
        Ok(found.into_iter().next().unwrap_or(0))
    }

    async fn objects(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<AfterSalesRecord>, StoreError> {
        self.query(sql, args, |r| decode(r), decode).await
    }

    async fn scalars(&self, sql: &'static str, args: Vec<Arg>) -> Result<Vec<i64>, StoreError> {
        self.query(sql, args, |r| r.int(0), |r| r.int(0)).await
    }

    async fn query<T: Send + 'static>(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
        sqlite: fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
        postgres: fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(sql, move |c, sql| {
                    let values = args.into_iter().map(|a| match a {
                        Arg::Text(t) => rusqlite::types::Value::Text(t),
                        Arg::Int(i) => rusqlite::types::Value::Integer(i),
                    });
                    crate::sqlite::reads::collect(
                        c,
                        sql,
                        rusqlite::params_from_iter(values),
                        sqlite,
                    )
                })
                .await
            }
            Backend::Postgres(s) => {
                let params: Vec<&(dyn ToSql + Sync)> = args
                    .iter()
                    .map(|a| match a {
                        Arg::Text(t) => t as &(dyn ToSql + Sync),
                        Arg::Int(i) => i as &(dyn ToSql + Sync),
                    })
                    .collect();
                s.select(sql, &params, postgres).await
            }
        }
    }
}

/// Decodes the columns of `after_sales_columns!`.
fn decode(r: &impl SqlRow) -> Result<AfterSalesRecord, StoreError> {
    let kind = r.text(0)?;
    let currency = r.text(7)?;
    Ok(AfterSalesRecord {
        kind: AfterSalesKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("after-sales kind `{kind}`")))?,
        id: r.text(1)?,
        merchant_id: r.text(2)?,
        payment_id: r.text(3)?,
        country: r.text(4)?,
        status: r.text(5)?,
        amount: r.int(6)?,
        currency: corridor_core::Currency::parse(&currency)
            .map_err(|_| StoreError::Corrupt(format!("currency `{currency}`")))?,
        due_at: r.opt_int(8)?.map(Timestamp::from_unix_micros),
        data: r.text(9)?,
        version: r.int(10)?,
        created_at: Timestamp::from_unix_micros(r.int(11)?),
        updated_at: Timestamp::from_unix_micros(r.int(12)?),
    })
}
