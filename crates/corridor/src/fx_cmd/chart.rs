//! The backtest chart: effective home rate per month, one line per strategy (SVG).

use std::path::Path;

use corridor_core::fx::StrategyReport;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

const COLORS: [RGBColor; 4] = [
    RGBColor(90, 90, 90),
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
];

/// Draws the chart. Floats are for drawing only: every figure was computed in decimals.
pub fn draw(path: &Path, reports: &[StrategyReport], y_label: &str) -> anyhow::Result<()> {
    let months = reports.first().map_or(0, |r| r.monthly.len());
    let values = reports
        .iter()
        .flat_map(|r| r.monthly.iter().filter_map(|(_, v)| v.to_f64()));
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if months == 0 || lo > hi {
        anyhow::bail!("nothing to draw");
    }
    let pad = (hi - lo).max(1e-9) * 0.05;
    let root = SVGBackend::new(path, (1200, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let labels: Vec<String> = reports[0].monthly.iter().map(|(m, _)| m.clone()).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Effective rate by hedging strategy ({y_label})"),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0..months, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_labels(12)
        .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
        .y_desc(y_label)
        .draw()?;
    for (i, r) in reports.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        chart
            .draw_series(LineSeries::new(
                r.monthly
                    .iter()
                    .enumerate()
                    .filter_map(|(x, (_, v))| v.to_f64().map(|y| (x, y))),
                color.stroke_width(2),
            ))?
            .label(r.strategy.code())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
