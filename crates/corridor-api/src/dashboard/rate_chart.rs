//! The FX page's rate chart: one currency against the merchant's home
//! currency over the recorded reference rates of the last days, as a
//! server-drawn SVG polyline (no script).

use corridor_core::fx::Day;
use corridor_core::Currency;
use corridor_services::fx::dates::iso;
use corridor_services::fx::RateHistory;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::chart;

/// Days of history charted.
pub const CHART_DAYS: i32 = 90;
/// Rates are charted in millionths (integer arithmetic only).
const SCALE: i64 = 1_000_000;

/// A rate chart ready for the template.
pub struct RateChart {
    /// `USD/CNY`: units of the second per one of the first.
    pub pair: String,
    /// The polyline's points.
    pub points: String,
    /// Width of the drawing.
    pub width: i64,
    /// Height of the drawing.
    pub height: i64,
    /// First and last day charted.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Lowest and highest rate charted, and the latest.
    pub low: String,
    /// Highest.
    pub high: String,
    /// Latest.
    pub last: String,
    /// Days with a rate.
    pub days: usize,
}

/// The chart of `units of home per one foreign` over the `CHART_DAYS`
/// before `today`, or `None` with fewer than two recorded days.
pub fn rate_chart(
    history: &RateHistory,
    foreign: Currency,
    home: Currency,
    today: Day,
) -> Option<RateChart> {
    let series = history.series(foreign, home, Day(today.0 - CHART_DAYS), today);
    if series.len() < 2 {
        return None;
    }
    let scaled: Vec<i64> = series
        .iter()
        .map(|(_, r)| (r * Decimal::from(SCALE)).trunc().to_i64().unwrap_or(0))
        .collect();
    let high = scaled.iter().copied().max().unwrap_or(0);
    let low = scaled.iter().copied().min().unwrap_or(0);
    let text = |d: &Decimal| d.normalize().to_string();
    let rates: Vec<&Decimal> = series.iter().map(|(_, r)| r).collect();
    let max = rates.iter().copied().max().map(text).unwrap_or_default();
    let min = rates.iter().copied().min().map(text).unwrap_or_default();
    Some(RateChart {
        pair: format!("{foreign}/{home}"),
        points: chart::polyline(&scaled, high, low),
        width: chart::WIDTH,
        height: chart::HEIGHT,
        from: iso(series[0].0),
        to: iso(series[series.len() - 1].0),
        low: min,
        high: max,
        last: text(&series[series.len() - 1].1),
        days: series.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_core::fx::EurRates;
    use corridor_core::Rate;
    use corridor_services::fx::dates::day_of;

    fn day(text: &str, usd: &str, cny: &str) -> EurRates {
        let c = |code: &str| Currency::parse(code).unwrap();
        EurRates {
            day: day_of(text).unwrap(),
            source: "ecb".into(),
            per_eur: [
                (c("USD"), Rate::parse(usd).unwrap()),
                (c("CNY"), Rate::parse(cny).unwrap()),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn the_chart_spans_the_lowest_to_the_highest_rate() {
        let h = RateHistory::from_days([
            day("2026-10-28", "1", "7"),
            day("2026-10-29", "1", "7.5"),
            day("2026-10-30", "1", "8"),
        ]);
        let usd = Currency::parse("USD").unwrap();
        let cny = Currency::parse("CNY").unwrap();
        let c = rate_chart(&h, usd, cny, day_of("2026-12-01").unwrap()).unwrap();
        assert_eq!(c.pair, "USD/CNY");
        assert_eq!(c.points, "0,120 300,60 600,0");
        assert_eq!(
            (c.low.as_str(), c.high.as_str(), c.last.as_str()),
            ("7", "8", "8")
        );
        assert_eq!(
            (c.from.as_str(), c.to.as_str(), c.days),
            ("2026-10-28", "2026-10-30", 3)
        );
        // Older than the charted window: nothing to draw.
        assert!(rate_chart(&h, usd, cny, day_of("2027-06-01").unwrap()).is_none());
    }
}
