//! A routing run as a benchmark would drive it: 100,000 card payments on
//! virtual time through a two-minute outage, without sleeping.

use super::*;
use crate::sandbox::{Fault, FaultKind};
use crate::ChargeOutcome;

const PAYMENTS: usize = 100_000;

/// Simulated milliseconds between two payments: 100,000 payments span 1,000 s.
const SPACING_MS: i64 = 10;

#[test]
fn a_hundred_thousand_payments_fail_over_through_a_two_minute_outage() {
    let clock = ManualClock::new(START);
    let world = SandboxWorld::standard(SandboxConfig::virtual_time(99), clock.clock());
    let outage_start = START.plus_seconds(300);
    world
        .schedule_fault(Fault::new("atlas", outage_start, 120, FaultKind::Outage))
        .unwrap();
    let route = [connector(&world, "atlas"), connector(&world, "harbor")];

    let started = std::time::Instant::now();
    let (mut approved, mut failed_over, mut unavailable_in_window) = (0, 0, 0);
    for i in 0..PAYMENTS {
        let base = charge_request(&i.to_string(), card("4000056655665556"), 2_000, "USD", "US");
        for (attempt, psp) in route.iter().enumerate() {
            let request = ChargeRequest {
                idempotency_key: key(&format!("{i}_{attempt}")),
                ..base.clone()
            };
            let answer = charge(psp, request);
            let retry_elsewhere = match &answer {
                Err(ConnectorError::Unavailable) => {
                    let now = clock.now();
                    assert!(
                        outage_start <= now && now < outage_start.plus_seconds(120),
                        "unavailable outside the window"
                    );
                    unavailable_in_window += 1;
                    true
                }
                Err(e) => e.is_retryable() && !e.outcome_unknown(),
                Ok(response) => matches!(response.outcome, ChargeOutcome::Declined(d) if d.soft),
            };
            approved +=
                usize::from(matches!(&answer, Ok(r) if r.outcome == ChargeOutcome::Captured));
            if !retry_elsewhere {
                break;
            }
            failed_over += usize::from(attempt == 0);
        }
        clock.advance_ms(SPACING_MS);
    }
    // Two minutes at one payment per 10 ms: 12,000 payments met the outage.
    assert_eq!(unavailable_in_window, 12_000);
    assert!(failed_over >= unavailable_in_window);
    let rate = approved as f64 / PAYMENTS as f64;
    assert!((0.90..0.97).contains(&rate), "approval {rate:.4}");
    assert!(
        started.elapsed().as_secs() < 60,
        "virtual time never sleeps: {:?}",
        started.elapsed()
    );
}
