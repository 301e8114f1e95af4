//! Approval rates, soft-decline shares and latency converge to the
//! configured values over many seeded draws; the same seed replays the
//! same world.

use super::*;
use crate::sandbox::{FeeTerms, LatencyProfile, MethodProfile, PspProfile, ThreeDsProfile};
use crate::{ChargeOutcome, CountrySet, CurrencySet, MethodCoverage, MethodType};

const DRAWS: usize = 20_000;

/// Within this of the configured rate: over 6 standard deviations at 20,000 draws.
const TOLERANCE: f64 = 0.015;

fn profile(card_rate: f64, germany_rate: f64, sepa_rate: f64) -> PspProfile {
    let entry = |method, rate, by_country: Vec<(CountryCode, f64)>| MethodProfile {
        coverage: MethodCoverage {
            method,
            countries: CountrySet::Any,
            currencies: CurrencySet::Any,
            limits: Vec::new(),
            manual_capture: true,
        },
        approval_rate: rate,
        approval_by_country: by_country,
        fee: FeeTerms {
            percent_bps: 100,
            cross_border_bps: 0,
            fixed_minor: Vec::new(),
        },
        buyer_completion_rate: 0.5,
    };
    PspProfile {
        name: "test".to_string(),
        home_countries: Vec::new(),
        methods: vec![
            entry(
                MethodType::Card,
                card_rate,
                vec![(country("DE"), germany_rate)],
            ),
            entry(MethodType::SepaDebit, sepa_rate, Vec::new()),
        ],
        latency: LatencyProfile {
            median_ms: 400,
            sigma: 0.4,
            max_ms: 60_000,
        },
        timeout_rate: 0.0,
        server_error_rate: 0.0,
        soft_decline_share: 0.3,
        three_ds: ThreeDsProfile {
            challenge_rate_sca: 0.5,
            challenge_rate_other: 0.0,
            authentication_rate: 0.9,
        },
    }
}

fn test_world(seed: u64) -> (Arc<SandboxWorld>, ManualClock) {
    let clock = ManualClock::new(START);
    let config = SandboxConfig {
        background_faults: false,
        ..SandboxConfig::virtual_time(seed)
    };
    let world = SandboxWorld::new(config, vec![profile(0.8, 0.6, 0.9)], clock.clock()).unwrap();
    (world, clock)
}

/// Outcomes of `DRAWS` card charges of distinct payments in `country`.
fn card_outcomes(
    world: &Arc<SandboxWorld>,
    country_code: &str,
    sca_required: bool,
) -> Vec<ChargeOutcome> {
    let psp = connector(world, "test");
    (0..DRAWS)
        .map(|i| {
            let id = format!("{country_code}{sca_required}{i}");
            let request = ChargeRequest {
                sca_required,
                ..charge_request(&id, card("4000056655665556"), 1_000, "EUR", country_code)
            };
            charge(&psp, request).unwrap().outcome
        })
        .collect()
}

fn share(outcomes: &[ChargeOutcome], pick: impl Fn(&ChargeOutcome) -> bool) -> f64 {
    outcomes.iter().filter(|o| pick(o)).count() as f64 / outcomes.len() as f64
}

fn assert_near(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= TOLERANCE,
        "{what}: {actual:.4} vs {expected}"
    );
}

#[test]
fn card_approval_converges_to_the_default_and_country_rates() {
    let (world, _) = test_world(11);
    let us = card_outcomes(&world, "US", false);
    assert_near(
        share(&us, |o| *o == ChargeOutcome::Captured),
        0.8,
        "US approval",
    );
    let de = card_outcomes(&world, "DE", false);
    assert_near(
        share(&de, |o| *o == ChargeOutcome::Captured),
        0.6,
        "DE approval",
    );
}

#[test]
fn soft_declines_are_the_configured_share_of_declines() {
    let (world, _) = test_world(12);
    let outcomes = card_outcomes(&world, "DE", false);
    let declines: Vec<ChargeOutcome> = outcomes
        .into_iter()
        .filter(|o| matches!(o, ChargeOutcome::Declined(_)))
        .collect();
    let soft = share(
        &declines,
        |o| matches!(o, ChargeOutcome::Declined(d) if d.soft),
    );
    assert_near(soft, 0.3, "soft share");
}

#[test]
fn sca_markets_challenge_at_the_configured_rate() {
    let (world, _) = test_world(13);
    let outcomes = card_outcomes(&world, "US", true);
    assert_near(
        share(&outcomes, |o| matches!(o, ChargeOutcome::RequiresAction(_))),
        0.5,
        "challenges",
    );
    let decided: Vec<ChargeOutcome> = outcomes
        .into_iter()
        .filter(|o| !matches!(o, ChargeOutcome::RequiresAction(_)))
        .collect();
    assert_near(
        share(&decided, |o| *o == ChargeOutcome::Captured),
        0.8,
        "frictionless approval",
    );
}

#[test]
fn sepa_debits_settle_at_the_configured_rate() {
    let (world, clock) = test_world(14);
    let psp = connector(&world, "test");
    let mut events = world.subscribe();
    for i in 0..DRAWS {
        let method = PaymentMethod::SepaDebit {
            iban: "DE89370400440532013000".into(),
            owner_name: "A. Schneider".into(),
        };
        let response = charge(
            &psp,
            charge_request(&format!("sepa{i}"), method, 5_000, "EUR", "DE"),
        )
        .unwrap();
        assert_eq!(response.outcome, ChargeOutcome::Pending);
    }
    clock.advance_seconds(world.config().timings.sepa_settle_seconds);
    assert_eq!(world.tick().len(), DRAWS);
    let settled: Vec<ChargeOutcome> = std::iter::from_fn(|| events.try_recv().ok())
        .map(|n| n.charge.outcome)
        .collect();
    assert_eq!(settled.len(), DRAWS);
    assert_near(
        share(&settled, |o| *o == ChargeOutcome::Captured),
        0.9,
        "SEPA settlement",
    );
}

#[test]
fn latency_median_follows_the_profile() {
    let (world, _) = test_world(15);
    let psp = connector(&world, "test");
    let mut latencies: Vec<u32> = (0..5_001)
        .map(|i| {
            charge(
                &psp,
                charge_request(
                    &format!("lat{i}"),
                    card("4242424242424242"),
                    100,
                    "EUR",
                    "FR",
                ),
            )
            .unwrap()
            .latency_ms
        })
        .collect();
    latencies.sort_unstable();
    assert!(
        (370..=430).contains(&latencies[2_500]),
        "median {}",
        latencies[2_500]
    );
}

#[test]
fn the_same_seed_replays_the_same_world() {
    let run = |seed| {
        let (world, _) = world(seed);
        let atlas = connector(&world, "atlas");
        (0..300)
            .map(|i| {
                let response = charge(
                    &atlas,
                    charge_request(
                        &format!("d{i}"),
                        card("5555555555554444"),
                        2_500,
                        "USD",
                        "BR",
                    ),
                )
                .unwrap();
                (response.outcome, response.latency_ms)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
