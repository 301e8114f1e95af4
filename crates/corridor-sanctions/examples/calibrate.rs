//! Recall and precision of the matcher on the labelled variant set, per
//! variant kind, with the failures listed: `cargo run --release -p
//! corridor-sanctions --example calibrate`.

use corridor_sanctions::evaluation::{evaluate, variant_set};
use corridor_sanctions::{snapshot, Screener, Thresholds};

fn main() {
    let lists = snapshot::all().expect("the snapshot parses");
    let screener = Screener::build(&lists);
    let set = variant_set(&lists, 3000, 1000, 7);
    let t = Thresholds::DEFAULT;
    let started = std::time::Instant::now();
    let m = evaluate(&screener, &set, &t);
    println!(
        "{:.0} screens/s",
        set.len() as f64 / started.elapsed().as_secs_f64()
    );
    println!(
        "{m:?} recall {:.4} precision {:.4}",
        m.recall(),
        m.precision()
    );
    for variant in [
        "swapped",
        "dropped_middle",
        "typo",
        "diacritics",
        "transliteration",
        "cyrillic",
        "common_name",
    ] {
        let subset: Vec<_> = set
            .iter()
            .filter(|l| l.variant == variant)
            .cloned()
            .collect();
        let m = evaluate(&screener, &subset, &t);
        println!("{variant:16} {m:?}");
    }
    let verbose = std::env::args().any(|a| a == "-v");
    if verbose {
        for item in &set {
            let one = evaluate(&screener, std::slice::from_ref(item), &t);
            if one.false_negatives + one.false_positives > 0 {
                let s = screener
                    .screen(
                        &corridor_sanctions::Query {
                            name: &item.query,
                            kind: None,
                            country: None,
                            date_of_birth: None,
                        },
                        &Thresholds::new(0.5, 0.97).unwrap(),
                    )
                    .unwrap();
                let top: Vec<_> = s
                    .matches
                    .iter()
                    .take(2)
                    .map(|m| format!("{}:{} {:.3}", m.entry_id, m.name, m.score))
                    .collect();
                println!(
                    "{:16} {:40} {:?} -> {:?}",
                    item.variant, item.query, item.expected, top
                );
            }
        }
    }
}
