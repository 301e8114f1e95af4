//! Reads of dashboard users and sessions on either backend, and the
//! statements the writer runs for a [`UsersWrite`].

use corridor_core::Timestamp;

use crate::payout_rows::SqlValue;
use crate::rows::SqlRow;
use crate::store::Store;
use crate::user_sql as q;
use crate::{Page, SessionRecord, StoreError, UserChange, UserRecord, UsersWrite};

impl Store {
    /// A user by id.
    pub async fn user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let rows = self
            .payout_rows(q::get_user(), vec![SqlValue::Text(id.into())], |r| user(r))
            .await?;
        Ok(rows.into_iter().next())
    }

    /// A user by lower-case email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::user_by_email(),
                vec![SqlValue::Text(email.into())],
                |r| user(r),
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// Users, newest first: a merchant's team, or every user when `merchant` is `None`.
    pub async fn users(
        &self,
        merchant: Option<&str>,
        limit: usize,
        starting_after: Option<&str>,
    ) -> Result<Page<UserRecord>, StoreError> {
        let fetch = SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1));
        let text = |s: &str| SqlValue::Text(s.to_string());
        let (sql, values) = match (merchant, starting_after) {
            (None, None) => (q::list_users_first(), vec![fetch]),
            (None, Some(after)) => (q::list_users_after(), vec![text(after), fetch]),
            (Some(m), None) => (q::list_merchant_users_first(), vec![text(m), fetch]),
            (Some(m), Some(after)) => (
                q::list_merchant_users_after(),
                vec![text(after), text(m), fetch],
            ),
        };
        let mut items = self.payout_rows(sql, values, |r| user(r)).await?;
        let has_more = items.len() > limit;
        items.truncate(limit);
        Ok(Page { items, has_more })
    }

    /// A session by the hash of its id.
    pub async fn dashboard_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let rows = self
            .payout_rows(
                q::GET_SESSION.to_string(),
                vec![SqlValue::Text(id_hash.into())],
                |r| session(r),
            )
            .await?;
        Ok(rows.into_iter().next())
    }
}

fn user(r: &dyn SqlRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: r.text(0)?,
        email: r.text(1)?,
        password_hash: r.text(2)?,
        merchant_id: r.opt_text(3)?,
        role: r.text(4)?,
        failed_sign_ins: r.int(5)?,
        locked_until: r.opt_int(6)?.map(Timestamp::from_unix_micros),
        created_at: Timestamp::from_unix_micros(r.int(7)?),
    })
}

fn session(r: &dyn SqlRow) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id_hash: r.text(0)?,
        user_id: r.text(1)?,
        csrf_token: r.text(2)?,
        created_at: Timestamp::from_unix_micros(r.int(3)?),
        expires_at: Timestamp::from_unix_micros(r.int(4)?),
    })
}

/// The statements of a users write, in order. `now` is the batch's time,
/// before which sessions have expired.
pub(crate) fn statements(write: UsersWrite, now: Timestamp) -> Vec<crate::writer::PayoutStatement> {
    let mut out = Vec::with_capacity(write.changes.len());
    for change in write.changes {
        match change {
            UserChange::Insert(u) => out.push((
                q::INSERT_USER,
                vec![
                    SqlValue::Text(u.id),
                    SqlValue::Text(u.email),
                    SqlValue::Text(u.password_hash),
                    SqlValue::OptText(u.merchant_id),
                    SqlValue::Text(u.role),
                    SqlValue::Int(u.failed_sign_ins),
                    SqlValue::OptInt(u.locked_until.map(|t| t.unix_micros())),
                    SqlValue::Int(u.created_at.unix_micros()),
                ],
            )),
            UserChange::Delete { id } => {
                out.push((q::DELETE_USER_SESSIONS, vec![SqlValue::Text(id.clone())]));
                out.push((q::DELETE_USER, vec![SqlValue::Text(id)]));
            }
            UserChange::SignInFailures {
                id,
                failed,
                locked_until,
            } => out.push((
                q::SET_SIGN_IN_FAILURES,
                vec![
                    SqlValue::Int(failed),
                    SqlValue::OptInt(locked_until.map(|t| t.unix_micros())),
                    SqlValue::Text(id),
                ],
            )),
            UserChange::OpenSession(s) => {
                out.push((
                    q::DELETE_EXPIRED_SESSIONS,
                    vec![SqlValue::Int(now.unix_micros())],
                ));
                out.push((
                    q::INSERT_SESSION,
                    vec![
                        SqlValue::Text(s.id_hash),
                        SqlValue::Text(s.user_id),
                        SqlValue::Text(s.csrf_token),
                        SqlValue::Int(s.created_at.unix_micros()),
                        SqlValue::Int(s.expires_at.unix_micros()),
                    ],
                ));
            }
            UserChange::CloseSession { id_hash } => {
                out.push((q::DELETE_SESSION, vec![SqlValue::Text(id_hash)]))
            }
        }
    }
    out
}
