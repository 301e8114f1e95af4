//! Rows of beneficiaries, payouts, payout batches and applied bank files.

use corridor_core::{Currency, Timestamp};

use crate::payment_records::NewEvent;
use crate::records::LedgerWrite;

/// A beneficiary as stored. `bank_account` is the validated account as
/// JSON (the full details: bank files need them); the API shows it masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeneficiaryRecord {
    /// `ben_...`.
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// Account holder's name.
    pub name: String,
    /// ISO 3166-1 alpha-2 of the account.
    pub country: String,
    /// Currency the account receives.
    pub currency: Currency,
    /// Account scheme (`iban`, `us_aba`, ...).
    pub scheme: String,
    /// The validated account fields, as JSON.
    pub bank_account: String,
    /// Postal address, as JSON.
    pub address: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
}

/// A payout as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRecord {
    /// `po_...`.
    pub id: String,
    /// Owner.
    pub merchant_id: String,
    /// Beneficiary.
    pub beneficiary_id: String,
    /// `pending`, `in_transit`, `paid`, `failed`, `returned`.
    pub status: String,
    /// Debited from the balance of `currency`, in its minor units (without the fee).
    pub amount: i64,
    /// The balance paid from.
    pub currency: Currency,
    /// Fee, in `currency`.
    pub fee: i64,
    /// What the beneficiary receives, in `target_currency` minor units.
    pub target_amount: i64,
    /// The beneficiary's currency.
    pub target_currency: Currency,
    /// The exchange, as JSON, when the currencies differ.
    pub fx: Option<String>,
    /// Rail code (`sepa`, `local`, `swift_sha`, `swift_our`).
    pub rail: String,
    /// ISO 20022 purpose code.
    pub purpose_code: Option<String>,
    /// Remittance reference shown to the beneficiary.
    pub reference: Option<String>,
    /// SWIFT gpi UETR (UUID v4).
    pub uetr: String,
    /// ISO 20022 end-to-end id.
    pub end_to_end_id: String,
    /// Requested execution date (`YYYY-MM-DD`).
    pub value_date: String,
    /// The ledger hold of amount plus fee.
    pub hold_id: Option<i64>,
    /// The batch it was put in.
    pub batch_id: Option<String>,
    /// The bank's reason code on a reject or return.
    pub failure_code: Option<String>,
    /// Set once the bank accepted the transfer (and the hold was posted).
    pub accepted_at: Option<Timestamp>,
    /// Optimistic version, bumped by every write.
    pub version: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A payout batch: one bank file's worth of payouts of one rail and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutBatchRecord {
    /// `pob_...` (also the file's message id).
    pub id: String,
    /// Rail code, when the batch holds one rail only.
    pub rail: Option<String>,
    /// Instructed currency, when the batch holds one currency only.
    pub currency: Option<Currency>,
    /// `created` (payouts reserved), `file_generated` (the file exists and
    /// its payouts are in transit).
    pub status: String,
    /// Number of payouts.
    pub payout_count: i64,
    /// Sum of the instructed amounts, minor units.
    pub control_sum: i64,
    /// Requested execution date of the file.
    pub execution_date: String,
    /// Optimistic version.
    pub version: i64,
    /// Creation time (the file's creation time).
    pub created_at: Timestamp,
}

/// A bank file that was applied: its digest makes a second delivery a no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankFileRecord {
    /// SHA-256 of the file, hex.
    pub id: String,
    /// `pain.002.001.03`, `pain.002.001.12`, `camt.054.001.08`, ...
    pub kind: String,
    /// The file's own message id.
    pub message_id: String,
    /// What it did, as JSON (the API's answer).
    pub summary: String,
    /// When it was applied.
    pub created_at: Timestamp,
}

/// A change of one payout with its money movement.
#[derive(Debug, Clone)]
pub struct PayoutChange {
    /// The payout after the change (its `hold_id` is filled from the first
    /// ledger receipt when it creates a hold).
    pub payout: PayoutRecord,
    /// The version read before; `None` for a new payout.
    pub expected_version: Option<i64>,
    /// Money moved, in order. Only the first may be refused (a merchant
    /// balance that cannot cover a hold); the rest move platform accounts,
    /// which never refuse.
    pub ledger: Vec<LedgerWrite>,
    /// Events to publish.
    pub events: Vec<NewEvent>,
}

/// A payout batch created or changed.
#[derive(Debug, Clone)]
pub struct BatchChange {
    /// The batch after the change.
    pub batch: PayoutBatchRecord,
    /// The version read before; `None` for a new batch.
    pub expected_version: Option<i64>,
}

/// Everything of the payout side that changes together.
///
/// Version conflicts (a payout or batch changed since it was read) and a
/// bank file already applied refuse the whole write. A change whose first
/// ledger movement is refused is skipped alone, with its refusal reported.
/// An FX quote the write uses is checked like a payout (its version, and
/// its deadline: `expired`) and marked used only when every change applied.
#[derive(Debug, Clone, Default)]
pub struct PayoutWrite {
    /// A new beneficiary.
    pub beneficiary: Option<BeneficiaryRecord>,
    /// Payout changes.
    pub changes: Vec<PayoutChange>,
    /// A batch created or moved on.
    pub batch: Option<BatchChange>,
    /// The bank file this write applies.
    pub bank_file: Option<BankFileRecord>,
    /// An FX quote used by the write (as it is after: used), with the
    /// version it was read at.
    pub fx_quote: Option<crate::FxObjectWrite>,
    /// Refuse the whole write (`expired`) when the batch's time is past this
    /// (the quote's lock).
    pub not_after: Option<Timestamp>,
}
