//! Scheduled faults apply to their provider inside their window only.

use super::*;
use crate::sandbox::{Fault, FaultKind};
use crate::ChargeOutcome;

fn visa(id: &str) -> ChargeRequest {
    charge_request(id, card("4242424242424242"), 1_000, "USD", "US")
}

#[test]
fn an_outage_applies_only_inside_its_window() {
    let (world, clock) = world(3);
    let atlas = connector(&world, "atlas");
    let harbor = connector(&world, "harbor");
    world
        .schedule_fault(Fault::new(
            "atlas",
            START.plus_seconds(60),
            120,
            FaultKind::Outage,
        ))
        .unwrap();

    assert!(charge(&atlas, visa("before")).is_ok());
    clock.advance_seconds(60);
    assert_eq!(
        charge(&atlas, visa("start")),
        Err(ConnectorError::Unavailable)
    );
    assert_eq!(
        ready(atlas.lookup(&key("key_before"))),
        Err(ConnectorError::Unavailable)
    );
    assert!(
        charge(&harbor, visa("elsewhere")).is_ok(),
        "other providers are up"
    );
    clock.advance_seconds(119);
    assert_eq!(
        charge(&atlas, visa("last_second")),
        Err(ConnectorError::Unavailable)
    );
    clock.advance_seconds(1);
    assert!(
        charge(&atlas, visa("after")).is_ok(),
        "the window's end is exclusive"
    );
}

#[test]
fn a_server_error_burst_fails_calls_and_charges_nothing() {
    let (world, clock) = world(3);
    let atlas = connector(&world, "atlas");
    world
        .schedule_fault(Fault::new(
            "atlas",
            START,
            30,
            FaultKind::ServerErrors { rate: 1.0 },
        ))
        .unwrap();
    let failed = charge(&atlas, visa("burst"));
    assert!(
        matches!(failed, Err(ConnectorError::ServerError { status }) if (500..600).contains(&status)),
        "{failed:?}"
    );
    assert!(failed.unwrap_err().is_retryable());
    clock.advance_seconds(30);
    assert_eq!(
        ready(atlas.lookup(&key("key_burst"))),
        Ok(None),
        "nothing was charged"
    );
    let retried = charge(&atlas, visa("burst")).unwrap();
    assert_eq!(retried.outcome, ChargeOutcome::Captured);
}

#[test]
fn a_timeout_may_have_charged_and_lookup_tells() {
    let (world, clock) = world(3);
    let atlas = connector(&world, "atlas");
    let processed = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 1.0,
    };
    world
        .schedule_fault(Fault::new("atlas", START, 10, processed))
        .unwrap();
    let timed_out = charge(&atlas, visa("slow")).unwrap_err();
    assert!(
        timed_out.outcome_unknown() && timed_out.is_retryable(),
        "{timed_out:?}"
    );
    let found = ready(atlas.lookup(&key("key_slow")))
        .unwrap()
        .expect("the charge happened");
    assert_eq!(found.outcome, ChargeOutcome::Captured);

    clock.advance_seconds(10);
    let lost = FaultKind::Timeouts {
        rate: 1.0,
        processed_rate: 0.0,
    };
    world
        .schedule_fault(Fault::new("atlas", clock.now(), 10, lost))
        .unwrap();
    assert!(matches!(
        charge(&atlas, visa("lost")),
        Err(ConnectorError::Timeout { .. })
    ));
    assert_eq!(
        ready(atlas.lookup(&key("key_lost"))),
        Ok(None),
        "the charge never happened"
    );
}

#[test]
fn a_slowdown_past_the_timeout_times_out_after_charging() {
    let (world, _) = world(3);
    let atlas = connector(&world, "atlas");
    world
        .schedule_fault(Fault::new(
            "atlas",
            START,
            60,
            FaultKind::Slow { factor: 1_000.0 },
        ))
        .unwrap();
    assert_eq!(
        charge(&atlas, visa("crawl")),
        Err(ConnectorError::Timeout { timeout_ms: 10_000 })
    );
    assert!(ready(atlas.lookup(&key("key_crawl"))).unwrap().is_some());
}

#[test]
fn unknown_providers_and_too_many_faults_are_refused() {
    let (world, _) = world(3);
    let nowhere = Fault::new("nowhere", START, 1, FaultKind::Outage);
    assert!(world.schedule_fault(nowhere).is_err());
    for _ in 0..crate::sandbox::FAULTS_SCHEDULED_MAX {
        world
            .schedule_fault(Fault::new("atlas", START, 1, FaultKind::Outage))
            .unwrap();
    }
    assert!(world
        .schedule_fault(Fault::new("atlas", START, 1, FaultKind::Outage))
        .is_err());
}

#[test]
fn background_faults_hit_random_cards_but_never_test_cards() {
    let clock = ManualClock::new(START);
    let world = SandboxWorld::standard(SandboxConfig::virtual_time(5), clock.clock());
    let andes = connector(&world, "andes");
    let (mut failures, mut later_failures) = (0, 0);
    for i in 0..5_000 {
        let test_card = charge(
            &andes,
            charge_request(
                &format!("t{i}"),
                card("4242424242424242"),
                1_000,
                "BRL",
                "BR",
            ),
        )
        .unwrap();
        assert_eq!(test_card.outcome, ChargeOutcome::Captured);
        // The calls about a test card's charge are spared as well.
        assert!(ready(andes.retrieve(&test_card.reference)).is_ok());
        assert!(ready(andes.lookup(&key(&format!("key_t{i}")))).is_ok());
        let other = charge(
            &andes,
            charge_request(
                &format!("o{i}"),
                card("5555555555554444"),
                1_000,
                "BRL",
                "BR",
            ),
        );
        failures += usize::from(other.is_err());
        if let Ok(other) = other {
            later_failures += usize::from(ready(andes.retrieve(&other.reference)).is_err());
        }
    }
    // andes: 0.4% server errors + 0.3% timeouts, half of them lost.
    assert!(
        (10..=60).contains(&failures),
        "{failures} background failures"
    );
    // And 0.4% server errors on the calls about other cards' charges.
    assert!(
        (5..=45).contains(&later_failures),
        "{later_failures} background failures of retrieves"
    );
}
