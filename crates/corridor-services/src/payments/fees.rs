//! The built-in fee schedule merchants pay per payment, in force until the
//! operator puts a fee table.

use corridor_core::payments::fees::FeeSchedule;
use corridor_core::payments::method::MethodType;
use corridor_core::Currency;

/// Cross-border surcharge when the merchant is not in the buyer's market, in bps.
const CROSS_BORDER_BPS: u32 = 150;

/// The schedule of a method type, with the fixed part scaled to the currency
/// (30 hundredths of a major unit: 0.30 USD, 0 JPY, 0.300 KWD).
pub(crate) fn schedule(method_type: MethodType, currency: Currency) -> FeeSchedule {
    use MethodType as M;
    let (percent_bps, fixed_hundredths) = match method_type {
        M::Card => (290, 30),
        M::Klarna => (329, 30),
        M::Konbini | M::Oxxo | M::Boleto => (350, 0),
        M::SepaDebit => (80, 0),
        M::Pix | M::Upi => (120, 0),
        M::Ideal | M::Bancontact => (150, 0),
        M::Alipay | M::WechatPay | M::PayPay | M::KakaoPay | M::GrabPay | M::PromptPay => (250, 0),
    };
    let scale = 10_i64.pow(currency.exponent());
    FeeSchedule {
        percent_bps,
        fixed_minor: fixed_hundredths * scale / 100,
        cross_border_bps: CROSS_BORDER_BPS,
    }
}
