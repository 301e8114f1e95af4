//! What the buyer is asked to do: URLs, QR payloads, voucher numbers.

use corridor_core::{Amount, Currency, Timestamp};
use rand::rngs::StdRng;

use super::flow::{self, Flow};
use super::Sim;
use crate::sandbox::draw;
use crate::{MethodType, NextAction, PaymentMethod};

impl Sim<'_> {
    /// The action a new charge of `method` asks for.
    pub(super) fn next_action(
        &self,
        psp: usize,
        reference: &str,
        method: &PaymentMethod,
        amount: Amount,
        currency: Currency,
        rng: &mut StdRng,
    ) -> NextAction {
        let method_type = method.method_type();
        let expires_at = self.now.plus_seconds(flow::action_expiry_seconds(
            &self.config.timings,
            method_type,
        ));
        match (flow::flow(method_type), method) {
            (Flow::Card, _) => NextAction::ThreeDSecure {
                url: self.action_url(psp, reference),
            },
            (Flow::QrCode, _) if method_type == MethodType::Pix => NextAction::QrCode {
                payload: pix_payload(reference, amount, currency),
                expires_at,
            },
            (Flow::QrCode, _) => NextAction::QrCode {
                payload: format!("weixin://wxpay/bizpayurl?pr={}", draw::digits(rng, 10)),
                expires_at,
            },
            (Flow::UpiCollect, PaymentMethod::Upi { vpa }) => NextAction::UpiCollect {
                vpa: vpa.clone(),
                expires_at,
            },
            (Flow::Voucher, _) => voucher(method_type, expires_at, rng),
            _ => NextAction::Redirect {
                url: self.action_url(psp, reference),
            },
        }
    }

    /// The page where the buyer completes the action.
    pub(super) fn action_url(&self, psp: usize, reference: &str) -> String {
        let name = &self.profile(psp).name;
        format!("{}/psp/{name}/charges/{reference}/action", self.base_url)
    }
}

/// A voucher with the number and barcode lengths of the real scheme.
fn voucher(method: MethodType, expires_at: Timestamp, rng: &mut StdRng) -> NextAction {
    let (number_digits, barcode_digits) = match method {
        MethodType::Konbini => (11, 13),
        MethodType::Oxxo => (14, 30),
        _ => (47, 44),
    };
    NextAction::Voucher {
        number: draw::digits(rng, number_digits),
        barcode: draw::digits(rng, barcode_digits),
        expires_at,
    }
}

/// A Pix "copia e cola" payload: EMV merchant-presented QR fields with the
/// amount and a CRC16/CCITT-FALSE checksum, as banks' apps read it.
fn pix_payload(reference: &str, amount: Amount, currency: Currency) -> String {
    let field = |id: &str, value: &str| format!("{id}{:02}{value}", value.len());
    let account = field("00", "br.gov.bcb.pix")
        + &field("01", &format!("sandbox+{reference}@corridor.invalid"));
    let mut payload = String::new();
    payload += &field("00", "01");
    payload += &field("26", &account);
    payload += &field("52", "0000");
    payload += &field("53", "986");
    payload += &field("54", &amount.format_major(currency));
    payload += &field("58", "BR");
    payload += &field("59", "CORRIDOR SANDBOX");
    payload += &field("60", "SAO PAULO");
    payload += &field(
        "62",
        &field("05", &reference.chars().take(25).collect::<String>()),
    );
    payload += "6304";
    let crc = crc16_ccitt(payload.as_bytes());
    format!("{payload}{crc:04X}")
}

fn crc16_ccitt(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xffff;
    for byte in bytes {
        crc ^= u16::from(*byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_ccitt_false_check_value() {
        assert_eq!(crc16_ccitt(b"123456789"), 0x29b1);
    }

    #[test]
    fn pix_payload_carries_amount_and_checksum() {
        let brl = Currency::parse("BRL").unwrap();
        let payload = pix_payload("andes_ch_00000001", Amount::positive(12_345).unwrap(), brl);
        assert!(payload.contains("5406123.45"), "{payload}");
        let (body, crc) = payload.split_at(payload.len() - 4);
        assert_eq!(crc, format!("{:04X}", crc16_ccitt(body.as_bytes())));
    }
}
