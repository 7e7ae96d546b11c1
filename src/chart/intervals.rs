//! Estimates with their intervals, one row per category: a point at the
//! estimate and a line from the low to the high bound, either side of a
//! zero line (a forest plot). An estimate is not a measured total, and a
//! bar from zero would read as one; the interval shows how little or how
//! much the data can tell.
//!
//! A suppressed estimate draws neither point nor line: the row has its name
//! and the suppression marker only.

use std::fmt::Write;

use super::{
    axis_titles, close, colour, line, n, open, shorten, text, value_axis, Frame, COMPLEMENT, WIDTH,
};

/// One category's estimate and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The category, drawn at the left of its row.
    pub name: String,
    /// The estimate; `None` is suppressed (and then no interval is drawn).
    pub value: Option<f64>,
    /// Low and high bound; `None` draws the point alone.
    pub interval: Option<(f64, f64)>,
    /// A suppressed estimate hidden to protect another figure (a
    /// complement), not for being small: labelled `..`, as in the tables.
    pub hidden: bool,
}

/// Estimates with intervals, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// Title, labels and formats.
    pub frame: Frame,
    /// The rows, drawn top to bottom.
    pub rows: Vec<Estimate>,
    /// Decimals of the estimate printed beside each row.
    pub decimals: usize,
}

const ROW: f64 = 22.0;
const TOP: f64 = 34.0;
const LABEL_CHARS: usize = 40;

/// Draws each estimate as a point on its interval, with its value printed
/// right of the interval (or the marker, with no mark, where suppressed).
pub fn intervals(chart: &Intervals) -> String {
    let frame = &chart.frame;
    let longest = chart
        .rows
        .iter()
        .map(|r| shorten(&r.name, LABEL_CHARS).chars().count())
        .max()
        .unwrap_or(0);
    let left = (longest as f64 * 6.2 + 12.0).clamp(60.0, 270.0);
    let right = WIDTH - 80.0;
    let plot_height = ROW * chart.rows.len().max(1) as f64;
    let bottom = TOP + plot_height;
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for row in &chart.rows {
        let Some(value) = row.value else { continue };
        let (lo, hi) = row.interval.unwrap_or((value, value));
        low = low.min(value).min(lo);
        high = high.max(value).max(hi);
    }
    let mut svg = open(frame, bottom + 48.0);
    let (scale, zero) = value_axis(&mut svg, frame, (low, high), (left, right), (TOP, bottom));
    for (i, row) in chart.rows.iter().enumerate() {
        let middle = TOP + ROW * i as f64 + ROW / 2.0;
        text(
            &mut svg,
            left - 6.0,
            middle + 4.0,
            "end",
            11,
            &shorten(&row.name, LABEL_CHARS),
        );
        let Some(value) = row.value else {
            let marker = match row.hidden {
                true => COMPLEMENT,
                false => &frame.suppressed,
            };
            text(&mut svg, zero + 4.0, middle + 4.0, "start", 10, marker);
            continue;
        };
        let mut label_at = scale.at(value);
        if let Some((lo, hi)) = row.interval {
            let (from, to) = (scale.at(lo), scale.at(hi));
            line(
                &mut svg,
                (from, middle),
                (to, middle),
                colour(0),
                " stroke-width=\"2\"",
            );
            for end in [from, to] {
                line(
                    &mut svg,
                    (end, middle - 5.0),
                    (end, middle + 5.0),
                    colour(0),
                    "",
                );
            }
            label_at = label_at.max(to);
        }
        let _ = writeln!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.0\" fill=\"{}\"/>",
            n(scale.at(value)),
            n(middle),
            colour(0)
        );
        text(
            &mut svg,
            label_at + 6.0,
            middle + 4.0,
            "start",
            10,
            &frame.numbers.format(value, chart.decimals),
        );
    }
    axis_titles(
        &mut svg,
        (left, right, bottom),
        TOP + plot_height / 2.0,
        &frame.y_label,
        &frame.x_label,
    );
    close(svg)
}

#[cfg(test)]
mod tests {
    use super::super::Numbers;
    use super::*;

    fn chart(rows: Vec<Estimate>) -> Intervals {
        Intervals {
            frame: Frame {
                id: "i".into(),
                title: "Saving".into(),
                desc: "D".into(),
                x_label: "Area".into(),
                y_label: "kr.".into(),
                numbers: Numbers::DANISH,
                suppressed: "<5".into(),
            },
            rows,
            decimals: 1,
        }
    }

    #[test]
    fn points_on_their_intervals_at_known_positions() {
        let svg = intervals(&chart(vec![
            Estimate {
                name: "A".into(),
                value: Some(3.0),
                interval: Some((-2.0, 6.0)),
                hidden: false,
            },
            Estimate {
                name: "B".into(),
                value: Some(-1.0),
                interval: None,
                hidden: false,
            },
        ]));
        // Ticks -2 … 6 (step 2) over 60 … 640: 72.5 px per unit, zero at 205.
        let expected = "\
<svg class=\"chart\" viewBox=\"0 0 720.0 126.0\" width=\"720.0\" height=\"126.0\" role=\"img\" aria-labelledby=\"i-title i-desc\">
<title id=\"i-title\">Saving</title>
<desc id=\"i-desc\">D</desc>
<text class=\"chart-title\" x=\"0.0\" y=\"16.0\" font-size=\"14\" font-weight=\"bold\">Saving</text>
<line x1=\"60.0\" y1=\"34.0\" x2=\"60.0\" y2=\"78.0\" stroke=\"#DDDDDD\"/>
<text x=\"60.0\" y=\"92.0\" text-anchor=\"middle\" font-size=\"10\">-2</text>
<line x1=\"205.0\" y1=\"34.0\" x2=\"205.0\" y2=\"78.0\" stroke=\"#DDDDDD\"/>
<text x=\"205.0\" y=\"92.0\" text-anchor=\"middle\" font-size=\"10\">0</text>
<line x1=\"350.0\" y1=\"34.0\" x2=\"350.0\" y2=\"78.0\" stroke=\"#DDDDDD\"/>
<text x=\"350.0\" y=\"92.0\" text-anchor=\"middle\" font-size=\"10\">2</text>
<line x1=\"495.0\" y1=\"34.0\" x2=\"495.0\" y2=\"78.0\" stroke=\"#DDDDDD\"/>
<text x=\"495.0\" y=\"92.0\" text-anchor=\"middle\" font-size=\"10\">4</text>
<line x1=\"640.0\" y1=\"34.0\" x2=\"640.0\" y2=\"78.0\" stroke=\"#DDDDDD\"/>
<text x=\"640.0\" y=\"92.0\" text-anchor=\"middle\" font-size=\"10\">6</text>
<line x1=\"205.0\" y1=\"34.0\" x2=\"205.0\" y2=\"78.0\" stroke=\"#333333\"/>
<text x=\"54.0\" y=\"49.0\" text-anchor=\"end\" font-size=\"11\">A</text>
<line x1=\"60.0\" y1=\"45.0\" x2=\"640.0\" y2=\"45.0\" stroke=\"#0072B2\" stroke-width=\"2\"/>
<line x1=\"60.0\" y1=\"40.0\" x2=\"60.0\" y2=\"50.0\" stroke=\"#0072B2\"/>
<line x1=\"640.0\" y1=\"40.0\" x2=\"640.0\" y2=\"50.0\" stroke=\"#0072B2\"/>
<circle cx=\"422.5\" cy=\"45.0\" r=\"4.0\" fill=\"#0072B2\"/>
<text x=\"646.0\" y=\"49.0\" text-anchor=\"start\" font-size=\"10\">3,0</text>
<text x=\"54.0\" y=\"71.0\" text-anchor=\"end\" font-size=\"11\">B</text>
<circle cx=\"132.5\" cy=\"67.0\" r=\"4.0\" fill=\"#0072B2\"/>
<text x=\"138.5\" y=\"71.0\" text-anchor=\"start\" font-size=\"10\">-1,0</text>
<text x=\"350.0\" y=\"110.0\" text-anchor=\"middle\" font-size=\"11\">kr.</text>
<text x=\"12.0\" y=\"56.0\" font-size=\"11\" transform=\"rotate(-90 12.0 56.0)\" text-anchor=\"middle\">Area</text>
</svg>
";
        assert_eq!(svg, expected);
    }

    #[test]
    fn a_suppressed_estimate_draws_no_point_and_no_interval() {
        let svg = intervals(&chart(vec![Estimate {
            name: "A".into(),
            value: None,
            interval: Some((1.0, 2.0)),
            hidden: false,
        }]));
        assert!(!svg.contains("<circle"), "{svg}");
        // Only the grid and the zero line: no interval or its ends.
        assert!(!svg.contains("stroke=\"#0072B2\""), "{svg}");
        assert!(svg.contains(">&lt;5</text>"), "{svg}");
    }
}
