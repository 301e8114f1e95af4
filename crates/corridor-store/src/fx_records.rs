//! Rows of the FX area: reference rates, and FX objects (pricing versions,
//! quotes, conversions, forwards) with optimistic versions.

use corridor_core::{Currency, Timestamp};

use crate::records::LedgerWrite;

/// One reference rate of one day: units of `currency` per one EUR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxRateRow {
    /// Days since 1970-01-01.
    pub day: i32,
    /// The currency quoted against EUR.
    pub currency: Currency,
    /// The rate as given by the source (decimal text, unchanged).
    pub rate: String,
    /// `ecb`, `operator`, or a provider's name.
    pub source: String,
}

/// An FX object as stored. The body is the service's own serialized form
/// (opaque to the store); the indexed columns are what reads filter on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxObjectRecord {
    /// `quo_...`, `cnv_...`, `fwd_...`, `fxp_<version>`.
    pub id: String,
    /// `quote`, `conversion`, `forward`, `pricing`.
    pub kind: String,
    /// Owning merchant (`platform` for pricing).
    pub merchant_id: String,
    /// Lifecycle status (`open`, `used`, `succeeded`, `settled`, ...).
    pub status: String,
    /// Bumped by every write; set by the writer.
    pub version: i64,
    /// When something must happen next (quote expiry, forward maturity), if anything.
    pub due_at: Option<Timestamp>,
    /// The object's fields, serialized by the service.
    pub body: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change; set by the writer.
    pub updated_at: Timestamp,
}

/// An FX object to write, with the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxObjectWrite {
    /// The object as it is after the change.
    pub object: FxObjectRecord,
    /// The version read before the change; `None` for a new object.
    pub expected_version: Option<i64>,
}

/// An FX change: objects, at most one ledger movement, rates; all or nothing.
#[derive(Debug, Clone, Default)]
pub struct FxWrite {
    /// Objects inserted or updated, each checked against its version.
    pub objects: Vec<FxObjectWrite>,
    /// Money moved by the change.
    pub ledger: Option<LedgerWrite>,
    /// Reference rates to insert or replace.
    pub rates: Vec<FxRateRow>,
    /// Refuse the change (`expired`) when the batch's time is past this.
    pub not_after: Option<Timestamp>,
}
