//! FX reads on either backend.

use corridor_core::{Currency, Timestamp};
use rusqlite::params;

use crate::fx_sql as q;
use crate::rows::SqlRow;
use crate::store::{Backend, Store};
use crate::{FxObjectRecord, FxRateRow, Page, StoreError};

fn rate_row(r: &impl SqlRow) -> Result<FxRateRow, StoreError> {
    let code = r.text(1)?;
    Ok(FxRateRow {
        day: i32::try_from(r.int(0)?)
            .map_err(|_| StoreError::Corrupt("fx rate day out of range".into()))?,
        currency: Currency::parse(&code)
            .map_err(|_| StoreError::Corrupt(format!("fx rate currency {code}")))?,
        rate: r.text(2)?,
        source: r.text(3)?,
    })
}

fn object_row(r: &impl SqlRow) -> Result<FxObjectRecord, StoreError> {
    Ok(FxObjectRecord {
        id: r.text(0)?,
        kind: r.text(1)?,
        merchant_id: r.text(2)?,
        status: r.text(3)?,
        version: r.int(4)?,
        due_at: r.opt_int(5)?.map(Timestamp::from_unix_micros),
        body: r.text(6)?,
        created_at: Timestamp::from_unix_micros(r.int(7)?),
        updated_at: Timestamp::from_unix_micros(r.int(8)?),
    })
}

fn pg_rate_row(r: &tokio_postgres::Row) -> Result<FxRateRow, StoreError> {
    let code: String = r.try_get(1)?;
    Ok(FxRateRow {
        day: r.try_get(0)?,
        currency: Currency::parse(&code)
            .map_err(|_| StoreError::Corrupt(format!("fx rate currency {code}")))?,
        rate: r.try_get(2)?,
        source: r.try_get(3)?,
    })
}

impl Store {
    /// Every stored reference rate, by day and currency.
    pub async fn fx_rates(&self) -> Result<Vec<FxRateRow>, StoreError> {
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::ALL_FX_RATES, move |c, sql| {
                    crate::sqlite::reads::collect(c, sql, [], |r| rate_row(r))
                })
                .await
            }
            Backend::Postgres(s) => s.select(q::ALL_FX_RATES, &[], pg_rate_row).await,
        }
    }

    /// An FX object by id.
    pub async fn fx_object(&self, id: &str) -> Result<Option<FxObjectRecord>, StoreError> {
        let id = id.to_string();
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::GET_FX_OBJECT, move |c, sql| {
                    crate::sqlite::reads::collect(c, sql, params![id], |r| object_row(r))
                })
                .await?
            }
            Backend::Postgres(s) => s.select(q::GET_FX_OBJECT, &[&id], object_row).await?,
        };
        Ok(found.into_iter().next())
    }

    /// The newest object of a kind (the pricing in force).
    pub async fn latest_fx_object(&self, kind: &str) -> Result<Option<FxObjectRecord>, StoreError> {
        let kind = kind.to_string();
        let found = match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::LATEST_FX_OBJECT_OF_KIND, move |c, sql| {
                    crate::sqlite::reads::collect(c, sql, params![kind], |r| object_row(r))
                })
                .await?
            }
            Backend::Postgres(s) => {
                s.select(q::LATEST_FX_OBJECT_OF_KIND, &[&kind], object_row)
                    .await?
            }
        };
        Ok(found.into_iter().next())
    }

    /// Objects of a kind in a status, oldest first (for sweeps).
    pub async fn fx_objects_in_status(
        &self,
        kind: &str,
        status: &str,
        limit: usize,
    ) -> Result<Vec<FxObjectRecord>, StoreError> {
        let (kind, status) = (kind.to_string(), status.to_string());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        match self.backend() {
            Backend::Sqlite(s) => {
                s.rows(q::FX_OBJECTS_OF_KIND, move |c, sql| {
                    crate::sqlite::reads::collect(c, sql, params![kind, status, limit], |r| {
                        object_row(r)
                    })
                })
                .await
            }
            Backend::Postgres(s) => {
                s.select(q::FX_OBJECTS_OF_KIND, &[&kind, &status, &limit], |r| {
                    object_row(r)
                })
                .await
            }
        }
    }

    /// A merchant's objects of a kind, newest first, after the cursor.
    pub async fn fx_objects(
        &self,
        kind: &str,
        merchant: &str,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<FxObjectRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let (kind, merchant) = (kind.to_string(), merchant.to_string());
        let mut items = match (self.backend(), starting_after.map(str::to_string)) {
            (Backend::Sqlite(s), None) => {
                s.rows(q::LIST_FX_OBJECTS_FIRST, move |c, sql| {
                    crate::sqlite::reads::collect(c, sql, params![kind, merchant, fetch], |r| {
                        object_row(r)
                    })
                })
                .await?
            }
            (Backend::Sqlite(s), Some(after)) => {
                s.rows(q::LIST_FX_OBJECTS_AFTER, move |c, sql| {
                    crate::sqlite::reads::collect(
                        c,
                        sql,
                        params![after, kind, merchant, fetch],
                        |r| object_row(r),
                    )
                })
                .await?
            }
            (Backend::Postgres(s), None) => {
                s.select(q::LIST_FX_OBJECTS_FIRST, &[&kind, &merchant, &fetch], |r| {
                    object_row(r)
                })
                .await?
            }
            (Backend::Postgres(s), Some(after)) => {
                s.select(
                    q::LIST_FX_OBJECTS_AFTER,
                    &[&after, &kind, &merchant, &fetch],
                    object_row,
                )
                .await?
            }
        };
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }
}
