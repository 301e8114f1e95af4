//! After-sales rules: refunds, disputes and chargebacks, card-network
//! monitoring ratios and customer complaints. State machines, reason-code
//! tables, deadlines and ratios, all pure: time, amounts and counts are
//! passed in.

pub mod complaint;
pub mod dispute;
pub mod evidence;
pub mod fraud_report;
pub mod fx_remainder;
pub mod monitoring;
pub mod refund;
pub mod three_ds;
