//! Bar charts: plain horizontal bars (one value per category), diverging
//! bars (negative to the left of zero, positive to the right) and stacked
//! columns (categories along x, series stacked upwards).
//!
//! Categories run down the page for plain and diverging bars, because
//! their names (budget areas, departments) are long; stacked columns are
//! for short categories such as years.

use super::{
    axis_titles, close, colour, legend, line, open, rect, shorten, text, ticks, value_axis, Frame,
    Scale, COMPLEMENT, WIDTH,
};

/// One value per category; `None` is suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// Title, labels and formats.
    pub frame: Frame,
    /// Category names and values, drawn top to bottom.
    pub values: Vec<(String, Option<f64>)>,
    /// Decimals of the value printed at the end of each bar.
    pub decimals: usize,
    /// The categories whose value is hidden to protect another figure (a
    /// complement), not for being small: labelled `..`, as in the tables,
    /// not with the small-count marker.
    pub hidden: Vec<usize>,
}

/// Series stacked in columns; `None` is suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Stacked {
    /// Title, labels and formats.
    pub frame: Frame,
    /// Column names (along x).
    pub categories: Vec<String>,
    /// Series names and their value per category (same length as
    /// `categories`), stacked in this order from the bottom.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// The series whose suppressed parts are hidden to protect another
    /// figure (complements), not for being small: a column says `..` for
    /// those, as the tables do, and the small-count marker for the others.
    pub hidden: Vec<usize>,
}

const ROW: f64 = 22.0;
const TOP: f64 = 34.0;
const LABEL_CHARS: usize = 40;

fn label_width(values: &[(String, Option<f64>)]) -> f64 {
    let longest = values
        .iter()
        .map(|(name, _)| shorten(name, LABEL_CHARS).chars().count())
        .max()
        .unwrap_or(0);
    (longest as f64 * 6.2 + 12.0).clamp(60.0, 270.0)
}

/// Horizontal bars from zero, one row per category, each labelled with its
/// value (or the suppression marker, with no bar).
pub fn bars(chart: &Bars) -> String {
    horizontal(chart, false)
}

/// Horizontal bars either side of zero: negative values (what a category
/// pays) to the left in vermillion, positive ones (what it gains) to the
/// right in blue.
pub fn diverging(chart: &Bars) -> String {
    horizontal(chart, true)
}

fn horizontal(chart: &Bars, split: bool) -> String {
    let (frame, values, decimals) = (&chart.frame, &chart.values, chart.decimals);
    let left = label_width(values);
    let right = WIDTH - 70.0;
    let plot_height = ROW * values.len().max(1) as f64;
    let height = TOP + plot_height + 48.0;
    let shown = values.iter().filter_map(|(_, v)| *v);
    let low = shown.clone().fold(0.0f64, f64::min);
    let high = shown.fold(0.0f64, f64::max);
    let mut svg = open(frame, height);
    let bottom = TOP + plot_height;
    let (scale, zero) = value_axis(&mut svg, frame, (low, high), (left, right), (TOP, bottom));
    for (i, (name, value)) in values.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let middle = y + ROW / 2.0 + 4.0;
        text(
            &mut svg,
            left - 6.0,
            middle,
            "end",
            11,
            &shorten(name, LABEL_CHARS),
        );
        match value {
            Some(v) => {
                let x = scale.at(*v);
                let fill = if split && *v < 0.0 {
                    colour(3)
                } else {
                    colour(0)
                };
                rect(
                    &mut svg,
                    zero.min(x),
                    y + 3.0,
                    (x - zero).abs(),
                    ROW - 6.0,
                    fill,
                );
                let (at, anchor) = if *v < 0.0 {
                    (x - 4.0, "end")
                } else {
                    (x + 4.0, "start")
                };
                text(
                    &mut svg,
                    at,
                    middle,
                    anchor,
                    10,
                    &frame.numbers.format(*v, decimals),
                );
            }
            None => {
                let marker = match chart.hidden.contains(&i) {
                    true => COMPLEMENT,
                    false => &frame.suppressed,
                };
                text(&mut svg, zero + 4.0, middle, "start", 10, marker);
            }
        }
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

/// Stacked columns: one per category, the series stacked from the bottom
/// in order. Negative values stack downwards from zero. A column with a
/// suppressed part has the marker above it; the part itself draws nothing.
pub fn stacked_bars(chart: &Stacked) -> String {
    let frame = &chart.frame;
    let left = 70.0;
    let right = WIDTH - 10.0;
    let plot_top = TOP + 10.0;
    let plot_height = 240.0;
    let bottom = plot_top + plot_height;
    let count = chart.categories.len().max(1);
    let mut ups = vec![0.0f64; count];
    let mut downs = vec![0.0f64; count];
    for (_, values) in &chart.series {
        for (i, v) in values.iter().enumerate().take(count) {
            match v {
                Some(v) if *v >= 0.0 => ups[i] += v,
                Some(v) => downs[i] += v,
                None => {}
            }
        }
    }
    let low = downs.iter().copied().fold(0.0, f64::min);
    let high = ups.iter().copied().fold(0.0, f64::max);
    let (ticks, tick_decimals) = ticks(low, high);
    let scale = Scale {
        from: (ticks[0], ticks[ticks.len() - 1]),
        to: (bottom, plot_top),
    };
    let names: Vec<String> = chart.series.iter().map(|(name, _)| name.clone()).collect();
    // The legend's height is known only once drawn: draw it into its own buffer.
    let mut legend_svg = String::new();
    let legend_height = legend(&mut legend_svg, &names, left, bottom + 56.0);
    let height = bottom + 56.0 + legend_height + 4.0;
    let mut svg = open(frame, height);
    for &tick in &ticks {
        let y = scale.at(tick);
        line(&mut svg, (left, y), (right, y), "#DDDDDD", "");
        text(
            &mut svg,
            left - 6.0,
            y + 4.0,
            "end",
            10,
            &frame.numbers.format(tick, tick_decimals),
        );
    }
    let slot = (right - left) / count as f64;
    let width = (slot * 0.6).min(80.0);
    for (i, category) in chart.categories.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - width) / 2.0;
        let (mut up, mut down) = (0.0f64, 0.0f64);
        let (mut small, mut hidden) = (false, false);
        for (s, (_, values)) in chart.series.iter().enumerate() {
            match values.get(i).copied().flatten() {
                Some(v) if v >= 0.0 => {
                    rect(
                        &mut svg,
                        x,
                        scale.at(up + v),
                        width,
                        scale.at(up) - scale.at(up + v),
                        colour(s),
                    );
                    up += v;
                }
                Some(v) => {
                    rect(
                        &mut svg,
                        x,
                        scale.at(down),
                        width,
                        scale.at(down + v) - scale.at(down),
                        colour(s),
                    );
                    down += v;
                }
                None if chart.hidden.contains(&s) => hidden = true,
                None => small = true,
            }
        }
        let marker = match (small, hidden) {
            (true, true) => Some(format!("{} {COMPLEMENT}", frame.suppressed)),
            (true, false) => Some(frame.suppressed.clone()),
            (false, true) => Some(COMPLEMENT.to_string()),
            (false, false) => None,
        };
        if let Some(marker) = marker {
            text(
                &mut svg,
                x + width / 2.0,
                scale.at(up) - 4.0,
                "middle",
                10,
                &marker,
            );
        }
        text(
            &mut svg,
            x + width / 2.0,
            bottom + 14.0,
            "middle",
            11,
            &shorten(category, 14),
        );
    }
    line(
        &mut svg,
        (left, scale.at(0.0)),
        (right, scale.at(0.0)),
        "#333333",
        "",
    );
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

#[cfg(test)]
mod tests {
    use super::super::Numbers;
    use super::*;

    fn frame() -> Frame {
        Frame {
            id: "c".into(),
            title: "T".into(),
            desc: "D".into(),
            x_label: "Area".into(),
            y_label: "Cost (kr.)".into(),
            numbers: Numbers::ENGLISH,
            suppressed: "<5".into(),
        }
    }

    #[test]
    fn bars_of_known_data_give_this_exact_svg() {
        let chart = Bars {
            frame: frame(),
            values: vec![
                ("A".into(), Some(10.0)),
                ("B & C".into(), None),
                ("D".into(), Some(4.0)),
            ],
            decimals: 0,
            hidden: Vec::new(),
        };
        let expected = "\
<svg class=\"chart\" viewBox=\"0 0 720.0 148.0\" width=\"720.0\" height=\"148.0\" role=\"img\" aria-labelledby=\"c-title c-desc\">
<title id=\"c-title\">T</title>
<desc id=\"c-desc\">D</desc>
<text class=\"chart-title\" x=\"0.0\" y=\"16.0\" font-size=\"14\" font-weight=\"bold\">T</text>
<line x1=\"60.0\" y1=\"34.0\" x2=\"60.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"60.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">0</text>
<line x1=\"178.0\" y1=\"34.0\" x2=\"178.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"178.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">2</text>
<line x1=\"296.0\" y1=\"34.0\" x2=\"296.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"296.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">4</text>
<line x1=\"414.0\" y1=\"34.0\" x2=\"414.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"414.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">6</text>
<line x1=\"532.0\" y1=\"34.0\" x2=\"532.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"532.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">8</text>
<line x1=\"650.0\" y1=\"34.0\" x2=\"650.0\" y2=\"100.0\" stroke=\"#DDDDDD\"/>
<text x=\"650.0\" y=\"114.0\" text-anchor=\"middle\" font-size=\"10\">10</text>
<line x1=\"60.0\" y1=\"34.0\" x2=\"60.0\" y2=\"100.0\" stroke=\"#333333\"/>
<text x=\"54.0\" y=\"49.0\" text-anchor=\"end\" font-size=\"11\">A</text>
<rect x=\"60.0\" y=\"37.0\" width=\"590.0\" height=\"16.0\" fill=\"#0072B2\"/>
<text x=\"654.0\" y=\"49.0\" text-anchor=\"start\" font-size=\"10\">10</text>
<text x=\"54.0\" y=\"71.0\" text-anchor=\"end\" font-size=\"11\">B &amp; C</text>
<text x=\"64.0\" y=\"71.0\" text-anchor=\"start\" font-size=\"10\">&lt;5</text>
<text x=\"54.0\" y=\"93.0\" text-anchor=\"end\" font-size=\"11\">D</text>
<rect x=\"60.0\" y=\"81.0\" width=\"236.0\" height=\"16.0\" fill=\"#0072B2\"/>
<text x=\"300.0\" y=\"93.0\" text-anchor=\"start\" font-size=\"10\">4</text>
<text x=\"355.0\" y=\"132.0\" text-anchor=\"middle\" font-size=\"11\">Cost (kr.)</text>
<text x=\"12.0\" y=\"67.0\" font-size=\"11\" transform=\"rotate(-90 12.0 67.0)\" text-anchor=\"middle\">Area</text>
</svg>
";
        assert_eq!(bars(&chart), expected);
    }

    #[test]
    fn a_suppressed_value_draws_no_mark() {
        let chart = Bars {
            frame: frame(),
            values: vec![("A".into(), None)],
            decimals: 0,
            hidden: Vec::new(),
        };
        let svg = bars(&chart);
        assert!(!svg.contains("<rect"), "{svg}");
        assert!(svg.contains(">&lt;5</text>"), "{svg}");
        let stacked = Stacked {
            frame: frame(),
            categories: vec!["2025".into()],
            series: vec![("A".into(), vec![None]), ("B".into(), vec![Some(3.0)])],
            hidden: Vec::new(),
        };
        let svg = stacked_bars(&stacked);
        // One bar for B, one legend square per series, and the marker.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains(">&lt;5</text>"), "{svg}");
    }

    #[test]
    fn a_value_hidden_to_protect_another_is_labelled_as_in_the_tables() {
        let chart = Bars {
            frame: frame(),
            values: vec![("Small".into(), None), ("Other".into(), None)],
            decimals: 0,
            hidden: vec![1],
        };
        let svg = bars(&chart);
        assert!(!svg.contains("<rect"), "{svg}");
        assert!(
            svg.contains(
                "<text x=\"64.0\" y=\"49.0\" text-anchor=\"start\" font-size=\"10\">&lt;5</text>"
            ),
            "{svg}"
        );
        assert!(
            svg.contains(
                "<text x=\"64.0\" y=\"71.0\" text-anchor=\"start\" font-size=\"10\">..</text>"
            ),
            "{svg}"
        );
    }

    #[test]
    fn diverging_bars_put_losses_left_of_zero_in_vermillion() {
        let chart = Bars {
            frame: frame(),
            values: vec![("Pays".into(), Some(-10.0)), ("Gains".into(), Some(10.0))],
            decimals: 0,
            hidden: Vec::new(),
        };
        let svg = diverging(&chart);
        // Ticks -10 … 10 map onto 60 … 650, so zero is at 355.
        assert!(
            svg.contains(
                "<rect x=\"60.0\" y=\"37.0\" width=\"295.0\" height=\"16.0\" fill=\"#D55E00\"/>"
            ),
            "{svg}"
        );
        assert!(
            svg.contains(
                "<rect x=\"355.0\" y=\"59.0\" width=\"295.0\" height=\"16.0\" fill=\"#0072B2\"/>"
            ),
            "{svg}"
        );
    }

    #[test]
    fn stacked_columns_stack_in_series_order() {
        let chart = Stacked {
            frame: frame(),
            categories: vec!["1".into(), "2".into()],
            series: vec![
                ("A".into(), vec![Some(2.0), Some(4.0)]),
                ("B".into(), vec![Some(2.0), Some(6.0)]),
            ],
            hidden: Vec::new(),
        };
        let svg = stacked_bars(&chart);
        // Ticks 0 … 10 (step 2) over 284 … 44: 24 px per unit.
        // Column 1: A from 0 to 2 (y 236, height 48), B from 2 to 4 (y 188).
        assert!(
            svg.contains(
                "<rect x=\"190.0\" y=\"236.0\" width=\"80.0\" height=\"48.0\" fill=\"#0072B2\"/>"
            ),
            "{svg}"
        );
        assert!(
            svg.contains(
                "<rect x=\"190.0\" y=\"188.0\" width=\"80.0\" height=\"48.0\" fill=\"#E69F00\"/>"
            ),
            "{svg}"
        );
        // Column 2: B from 4 to 10 reaches the top.
        assert!(
            svg.contains(
                "<rect x=\"510.0\" y=\"44.0\" width=\"80.0\" height=\"144.0\" fill=\"#E69F00\"/>"
            ),
            "{svg}"
        );
    }
}
