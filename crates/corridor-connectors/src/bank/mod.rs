//! Banks, through ISO 20022 files: `pain.001.001.09` credit transfer
//! initiations out, `pain.002` status reports and `camt.054` notifications
//! in, and a simulated bank that plays the other side.

pub mod pain001;
pub mod reports;
pub mod sandbox;
pub mod xml;

pub use reports::{read as read_bank_file, BankReport, ReportError, TxNews};
pub use sandbox::{BankAnswers, SandboxBank};
