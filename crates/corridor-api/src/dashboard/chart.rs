//! Small inline SVG line charts, computed on the server (no script).

/// Width of the drawing, in SVG units.
pub const WIDTH: i64 = 600;
/// Height of the drawing.
pub const HEIGHT: i64 = 120;

/// The `points` attribute of a polyline through `values`, scaled to the
/// drawing with `max` at the top and zero (or the lowest value, if negative)
/// at the bottom. Integer arithmetic only.
pub fn polyline(values: &[i64], max: i64, min: i64) -> String {
    let span = (max.saturating_sub(min)).max(1);
    let steps = i64::try_from(values.len().saturating_sub(1))
        .unwrap_or(1)
        .max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = i64::try_from(i).unwrap_or(0) * WIDTH / steps;
            let y = HEIGHT - (v.saturating_sub(min)).clamp(0, span) * HEIGHT / span;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The range of several series: (largest, smallest, at most zero).
pub fn range<'a>(series: impl IntoIterator<Item = &'a [i64]>) -> (i64, i64) {
    let mut max = 0;
    let mut min = 0;
    for s in series {
        for v in s {
            max = max.max(*v);
            min = min.min(*v);
        }
    }
    (max, min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_span_the_drawing() {
        assert_eq!(polyline(&[0, 50, 100], 100, 0), "0,120 300,60 600,0");
        assert_eq!(polyline(&[7], 7, 0), "0,0");
        assert_eq!(range([&[3, -2][..], &[9][..]]), (9, -2));
    }
}
