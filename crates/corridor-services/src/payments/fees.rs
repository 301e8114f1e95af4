//! The built-in fee schedule merchants pay per payment, in force until the
//! operator puts a fee table.

use corridor_core::payments::fees::FeeSchedule;
use corridor_core::Currency;

/// Cross-border surcharge when the merchant is not in the buyer's market, in bps.
const CROSS_BORDER_BPS: u32 = 150;

/// The schedule of a method type, with the fixed part scaled to the currency
/// (30 hundredths of a major unit: 0.30 USD, 0 JPY, 0.300 KWD).
pub(crate) fn schedule(method_type: &str, currency: Currency) -> FeeSchedule {
    let (percent_bps, fixed_hundredths) = match method_type {
        "card" => (290, 30),
        "klarna" => (329, 30),
        "konbini" | "oxxo" | "boleto" => (350, 0),
        "sepa_debit" => (80, 0),
        "pix" | "upi" => (120, 0),
        "ideal" | "bancontact" => (150, 0),
        _ => (250, 0),
    };
    let scale = 10_i64.pow(currency.exponent());
    FeeSchedule {
        percent_bps,
        fixed_minor: fixed_hundredths * scale / 100,
        cross_border_bps: CROSS_BORDER_BPS,
    }
}
