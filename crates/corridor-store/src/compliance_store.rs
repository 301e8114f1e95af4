//! Compliance reads on either backend.

use corridor_core::Timestamp;

use crate::compliance_sql as q;
use crate::payout_rows::SqlValue;
use crate::rows::SqlRow;
use crate::store::Store;
use crate::{AlertRecord, AuditRecord, Page, SanctionsListRecord, ScreeningRecord, StoreError};

fn list(r: &dyn SqlRow) -> Result<SanctionsListRecord, StoreError> {
    Ok(SanctionsListRecord {
        id: r.text(0)?,
        name: r.text(1)?,
        format: r.text(2)?,
        version: r.text(3)?,
        content: r.text(4)?,
        entries: r.int(5)?,
        names: r.int(6)?,
        created_at: Timestamp::from_unix_micros(r.int(7)?),
    })
}

fn screening(r: &dyn SqlRow) -> Result<ScreeningRecord, StoreError> {
    Ok(ScreeningRecord {
        id: r.text(0)?,
        merchant_id: r.opt_text(1)?,
        subject: r.text(2)?,
        name: r.text(3)?,
        decision: r.text(4)?,
        lists_version: r.text(5)?,
        body: r.text(6)?,
        created_at: Timestamp::from_unix_micros(r.int(7)?),
        object_id: r.opt_text(8)?,
    })
}

fn alert(r: &dyn SqlRow) -> Result<AlertRecord, StoreError> {
    Ok(AlertRecord {
        id: r.text(0)?,
        kind: r.text(1)?,
        severity: r.text(2)?,
        status: r.text(3)?,
        screening_id: r.opt_text(4)?,
        merchant_id: r.opt_text(5)?,
        body: r.text(6)?,
        resolution: r.opt_text(7)?,
        version: r.int(8)?,
        created_at: Timestamp::from_unix_micros(r.int(9)?),
        resolved_at: r.opt_int(10)?.map(Timestamp::from_unix_micros),
    })
}

fn audit(r: &dyn SqlRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: r.int(0)?,
        at: Timestamp::from_unix_micros(r.int(1)?),
        actor: r.text(2)?,
        action: r.text(3)?,
        object_id: r.text(4)?,
        detail: r.text(5)?,
        prev_hash: r.text(6)?,
        hash: r.text(7)?,
    })
}

impl Store {
    /// Every stored sanctions list version, oldest first.
    pub async fn sanctions_lists(&self) -> Result<Vec<SanctionsListRecord>, StoreError> {
        self.payout_rows(q::LISTS.to_owned(), Vec::new(), list)
            .await
    }

    /// A screening by id.
    pub async fn screening(&self, id: &str) -> Result<Option<ScreeningRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::GET_SCREENING.to_owned(),
                vec![SqlValue::Text(id.into())],
                screening,
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// The newest screening of an object (`subject` `beneficiary` and its
    /// id), if it was ever screened.
    pub async fn last_screening(
        &self,
        subject: &str,
        object_id: &str,
    ) -> Result<Option<ScreeningRecord>, StoreError> {
        let rows = self
            .payout_rows(
                crate::merchant_kyb_sql::LAST_SCREENING.to_owned(),
                vec![
                    SqlValue::Text(subject.into()),
                    SqlValue::Text(object_id.into()),
                ],
                screening,
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// An alert by id.
    pub async fn compliance_alert(&self, id: &str) -> Result<Option<AlertRecord>, StoreError> {
        let rows = self
            .payout_rows(q::get_alert(), vec![SqlValue::Text(id.into())], alert)
            .await?;
        Ok(rows.into_iter().next())
    }

    /// Alerts, newest first, optionally of one status.
    pub async fn compliance_alerts(
        &self,
        status: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<AlertRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let status = SqlValue::Text(status.unwrap_or_default().to_owned());
        let (sql, values) = match starting_after {
            None => (q::list_alerts_first(), vec![status, SqlValue::Int(fetch)]),
            Some(after) => (
                q::list_alerts_after(),
                vec![status, SqlValue::Text(after.into()), SqlValue::Int(fetch)],
            ),
        };
        let mut items = self.payout_rows(sql, values, alert).await?;
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// The whole audit log, in order.
    pub async fn audit_log(&self) -> Result<Vec<AuditRecord>, StoreError> {
        self.payout_rows(q::AUDIT_LOG.to_owned(), Vec::new(), audit)
            .await
    }

    /// Audit records newest first, numbered below `before` (all when
    /// `None`), at most `limit`.
    pub async fn audit_page(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Page<AuditRecord>, StoreError> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let values = vec![
            SqlValue::Int(before.unwrap_or(i64::MAX)),
            SqlValue::Int(fetch),
        ];
        let mut items = self
            .payout_rows(q::AUDIT_PAGE.to_owned(), values, audit)
            .await?;
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// The audit chain's recorded head: last hash and sequence number.
    pub async fn audit_head(&self) -> Result<Option<(String, i64)>, StoreError> {
        let rows = self
            .payout_rows(
                q::AUDIT_HEAD.to_owned(),
                vec![SqlValue::Text(q::AUDIT_HEAD_ID.into())],
                |r| Ok((r.text(0)?, r.int(1)?)),
            )
            .await?;
        Ok(rows.into_iter().next())
    }
}
