//! After a run: ask the providers about every charge the run made, to prove
//! no payment was charged twice.

use corridor_connectors::{ChargeOutcome, IdempotencyKey};

use super::attempt::ready;
use super::scenario::World;
use super::tally::Tally;

/// Most lookups of one key before giving up on it.
const AUDIT_LOOKUPS_MAX: u32 = 10;

/// Counts payments charged more than once, and charges the run did not
/// count as approved. `keys` are each payment's `(provider, key)` pairs;
/// `succeeded` says whether the run counted the payment as approved.
pub fn audit(world: &World, tally: &mut Tally, payments: &[(Vec<(usize, IdempotencyKey)>, bool)]) {
    // After every fault window, so lookups are answered.
    world.clock.set(world.timeline.end.plus_seconds(86_400));
    for (keys, succeeded) in payments {
        let mut charges = 0u32;
        for (position, key) in keys {
            match charged(world, *position, key) {
                Some(true) => charges += 1,
                Some(false) => {}
                None => tally.audit_unanswered += 1,
            }
        }
        tally.double_charged += u64::from(charges > 1);
        tally.charged_unrecorded += u64::from(charges > 0 && !succeeded);
    }
}

/// Whether the charge with `key` was approved; `None` if never answered.
fn charged(world: &World, position: usize, key: &IdempotencyKey) -> Option<bool> {
    let connector = world.connectors[position].as_ref();
    for _ in 0..AUDIT_LOOKUPS_MAX {
        if let Ok(found) = ready(connector.lookup(key)) {
            return Some(found.is_some_and(|r| {
                matches!(
                    r.outcome,
                    ChargeOutcome::Captured | ChargeOutcome::Authorized
                )
            }));
        }
    }
    None
}
