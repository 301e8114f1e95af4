//! The Latin American PSP.

use super::{countries, currencies, fee, home, latency, limit, method, three_ds};
use crate::sandbox::PspProfile;
use crate::MethodType;

/// Pix, OXXO, Boleto and Latin American cards.
pub(super) fn andes() -> PspProfile {
    let latam = ["BR", "MX", "CO", "CL", "AR", "PE"];
    let methods = vec![
        method(
            MethodType::Pix,
            countries(&["BR"]),
            currencies(&["BRL"]),
            1.0,
            fee(119, 0, &[]),
        )
        .limits(vec![limit("BRL", 1, 10_000_000)])
        .completion(0.8),
        // OXXO takes MXN 10 to MXN 10,000 per voucher.
        method(
            MethodType::Oxxo,
            countries(&["MX"]),
            currencies(&["MXN"]),
            1.0,
            fee(360, 0, &[("MXN", 1_000)]),
        )
        .limits(vec![limit("MXN", 1_000, 1_000_000)])
        .completion(0.7),
        // Boleto: R$5.00 to R$49,999.99.
        method(
            MethodType::Boleto,
            countries(&["BR"]),
            currencies(&["BRL"]),
            1.0,
            fee(0, 0, &[("BRL", 345)]),
        )
        .limits(vec![limit("BRL", 500, 4_999_999)])
        .completion(0.6),
        method(
            MethodType::Card,
            countries(&latam),
            currencies(&["BRL", "MXN", "COP", "CLP", "ARS", "PEN", "USD"]),
            0.86,
            fee(399, 0, &[("BRL", 39), ("MXN", 300), ("USD", 30)]),
        )
        .manual_capture()
        .completion(0.85)
        .by_country(&[("BR", 0.88), ("MX", 0.86), ("AR", 0.78)]),
    ];
    PspProfile {
        name: "andes".to_string(),
        home_countries: home(&latam),
        methods,
        latency: latency(600, 0.55),
        timeout_rate: 0.003,
        server_error_rate: 0.004,
        soft_decline_share: 0.35,
        three_ds: three_ds(0.3, 0.04),
    }
}
