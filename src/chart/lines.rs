//! Line charts over evenly spaced x positions (years, months, percentiles),
//! each series optionally with an interval band drawn behind it, and an
//! optional marked position (the payback year).
//!
//! A suppressed point breaks its line: the line is not drawn through it,
//! its band is not drawn there, and the marker is written at that x
//! position just above the axis.

use std::fmt::Write;

use super::{
    axis_titles, close, colour, legend, line, n, open, shorten, text, ticks, Frame, Scale,
    COMPLEMENT, WIDTH,
};

/// One line and, optionally, its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name, in the legend.
    pub name: String,
    /// One value per x position; `None` is suppressed.
    pub values: Vec<Option<f64>>,
    /// Low and high bound per x position, drawn as a shaded band; `None`
    /// where suppressed. An empty vector draws no band.
    pub band: Band,
    /// The positions whose value is hidden to protect another figure (a
    /// complement), not for being small: labelled `..`, as in the tables.
    pub hidden: Vec<usize>,
}

/// Interval bounds per x position.
pub type Band = Vec<Option<(f64, f64)>>;

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    /// Title, labels and formats.
    pub frame: Frame,
    /// The label of each x position, left to right.
    pub x_labels: Vec<String>,
    /// The lines, drawn in order (the first in blue).
    pub series: Vec<Series>,
    /// A position to mark with a dashed vertical line and its label.
    pub marker: Option<(usize, String)>,
    /// Print a label at most every this many x positions (1 = all).
    pub label_every: usize,
}

/// Draws the lines, bands behind them, the zero line and the marker.
pub fn lines(chart: &Lines) -> String {
    let frame = &chart.frame;
    let left = 80.0;
    let right = WIDTH - 20.0;
    let plot_top = 44.0;
    let bottom = plot_top + 240.0;
    let count = chart.x_labels.len().max(1);
    let mut low = 0.0f64;
    let mut high = 0.0f64;
    for series in &chart.series {
        for v in series.values.iter().flatten() {
            low = low.min(*v);
            high = high.max(*v);
        }
        for (lo, hi) in series.band.iter().flatten() {
            low = low.min(*lo);
            high = high.max(*hi);
        }
    }
    let (ticks, tick_decimals) = ticks(low, high);
    let y = Scale {
        from: (ticks[0], ticks[ticks.len() - 1]),
        to: (bottom, plot_top),
    };
    let x = Scale {
        from: (0.0, (count - 1).max(1) as f64),
        to: (left + 10.0, right - 10.0),
    };
    let names: Vec<String> = chart.series.iter().map(|s| s.name.clone()).collect();
    let mut legend_svg = String::new();
    let legend_height = legend(&mut legend_svg, &names, left, bottom + 56.0);
    let mut svg = open(frame, bottom + 56.0 + legend_height + 4.0);
    for &tick in &ticks {
        let at = y.at(tick);
        line(&mut svg, (left, at), (right, at), "#DDDDDD", "");
        text(
            &mut svg,
            left - 6.0,
            at + 4.0,
            "end",
            10,
            &frame.numbers.format(tick, tick_decimals),
        );
    }
    line(
        &mut svg,
        (left, y.at(0.0)),
        (right, y.at(0.0)),
        "#333333",
        "",
    );
    let every = chart.label_every.max(1);
    for (i, label) in chart.x_labels.iter().enumerate() {
        if (i + 1) % every == 0 || i == 0 || i + 1 == chart.x_labels.len() {
            text(
                &mut svg,
                x.at(i as f64),
                bottom + 14.0,
                "middle",
                10,
                &shorten(label, 10),
            );
        }
    }
    for (s, series) in chart.series.iter().enumerate() {
        for run in runs(&series.band) {
            let mut points = String::new();
            for &i in &run {
                if let Some(Some((_, hi))) = series.band.get(i) {
                    let _ = write!(points, "{},{} ", n(x.at(i as f64)), n(y.at(*hi)));
                }
            }
            for &i in run.iter().rev() {
                if let Some(Some((lo, _))) = series.band.get(i) {
                    let _ = write!(points, "{},{} ", n(x.at(i as f64)), n(y.at(*lo)));
                }
            }
            let _ = writeln!(
                svg,
                "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.2\"/>",
                points.trim_end(),
                colour(s)
            );
        }
    }
    for (s, series) in chart.series.iter().enumerate() {
        for run in runs(&series.values) {
            let path: Vec<String> = run
                .iter()
                .filter_map(|&i| {
                    series.values[i].map(|v| format!("{},{}", n(x.at(i as f64)), n(y.at(v))))
                })
                .collect();
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                path.join(" "),
                colour(s)
            );
        }
        for (i, value) in series.values.iter().enumerate() {
            if value.is_none() {
                let marker = match series.hidden.contains(&i) {
                    true => COMPLEMENT,
                    false => &frame.suppressed,
                };
                text(
                    &mut svg,
                    x.at(i as f64),
                    y.at(0.0) - 4.0,
                    "middle",
                    10,
                    marker,
                );
            }
        }
    }
    if let Some((i, label)) = &chart.marker {
        let at = x.at(*i as f64);
        line(
            &mut svg,
            (at, plot_top),
            (at, bottom),
            "#000000",
            " stroke-dasharray=\"4 3\"",
        );
        text(&mut svg, at + 4.0, plot_top + 10.0, "start", 10, label);
    }
    axis_titles(
        &mut svg,
        (left, right, bottom),
        (plot_top + bottom) / 2.0,
        &frame.x_label,
        &frame.y_label,
    );
    svg.push_str(&legend_svg);
    close(svg)
}

/// The runs of consecutive positions holding a value.
fn runs<T>(values: &[Option<T>]) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (i, value) in values.iter().enumerate() {
        if value.is_some() {
            current.push(i);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::super::Numbers;
    use super::*;

    fn chart(values: Vec<Option<f64>>, band: Band) -> Lines {
        Lines {
            frame: Frame {
                id: "l".into(),
                title: "Net".into(),
                desc: "D".into(),
                x_label: "Year".into(),
                y_label: "kr.".into(),
                numbers: Numbers::DANISH,
                suppressed: "<5".into(),
            },
            x_labels: vec!["0".into(), "1".into(), "2".into()],
            series: vec![Series {
                name: "Net".into(),
                values,
                band,
                hidden: vec![],
            }],
            marker: Some((2, "Payback".into())),
            label_every: 1,
        }
    }

    #[test]
    fn a_line_with_its_band_and_marker_at_known_positions() {
        let svg = lines(&chart(
            vec![Some(-4.0), Some(0.0), Some(4.0)],
            vec![Some((-5.0, -3.0)), Some((-1.0, 1.0)), Some((3.0, 5.0))],
        ));
        // Ticks -6 … 6 (step 2) over 284 … 44: 20 px per unit; x 90, 390, 690.
        assert!(svg.contains("<polyline points=\"90.0,244.0 390.0,164.0 690.0,84.0\" fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\"/>"), "{svg}");
        assert!(svg.contains("<polygon points=\"90.0,224.0 390.0,144.0 690.0,64.0 690.0,104.0 390.0,184.0 90.0,264.0\" fill=\"#0072B2\" fill-opacity=\"0.2\"/>"), "{svg}");
        assert!(svg.contains("<line x1=\"690.0\" y1=\"44.0\" x2=\"690.0\" y2=\"284.0\" stroke=\"#000000\" stroke-dasharray=\"4 3\"/>"), "{svg}");
        assert!(svg.contains(">-6</text>"), "{svg}");
    }

    #[test]
    fn a_suppressed_point_breaks_the_line_and_is_labelled() {
        let svg = lines(&chart(vec![Some(1.0), None, Some(3.0)], vec![]));
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(!svg.contains("<polygon"), "{svg}");
        assert!(svg.contains(">&lt;5</text>"), "{svg}");
    }
}
