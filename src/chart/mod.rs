//! Small SVG charts for the printed report, drawn by hand.
//!
//! A director reads the report on paper or offline, so the charts are plain
//! inline SVG: no script, no font or image from anywhere, a few kilobytes
//! each, and the same data always gives the same bytes (coordinates are
//! written with one decimal, numbers through one formatter). Each chart has
//! a title, axis labels that name their unit, and an accessible `<title>`
//! and `<desc>`; the page puts the chart's data in a table beside it.
//!
//! Privacy holds in the picture as in the tables: a suppressed value
//! (`None`) draws no mark at all, not even a zero-length one, and is
//! labelled where its mark would be with the suppression marker (`<5`), or
//! with `..` where a bar or cell is hidden to protect another figure.
//!
//! Colours are the Okabe–Ito palette, which readers with the common forms
//! of colour blindness tell apart; the heatmap uses one hue from light to
//! dark, and every cell also prints its number.

mod bars;
mod heatmap;
mod intervals;
mod lines;

pub use bars::{bars, diverging, stacked_bars, Bars, Stacked};
pub use heatmap::{heatmap, HeatCell, Heatmap};
pub use intervals::{intervals, Estimate, Intervals};
pub use lines::{lines, Band, Lines, Series};

use std::fmt::Write;

/// The Okabe–Ito palette, in the order series take it: blue, orange,
/// bluish green, vermillion, sky blue, reddish purple, yellow, black.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
];

/// Colour of the `index`th series (the palette repeats past eight; the
/// legend and the data table name every series).
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Width of every chart, in SVG user units (pixels at 100 %).
pub const WIDTH: f64 = 720.0;

/// The label of a value hidden to protect another figure, as the tables
/// write it.
const COMPLEMENT: &str = "..";

/// What every chart has: an id unique on its page, a title, a description
/// for screen readers, axis labels with their units, and how numbers and
/// suppressed values are written.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Unique on the page; prefixes the ids of `<title>` and `<desc>`.
    pub id: String,
    /// Shown above the chart and as its `<title>`.
    pub title: String,
    /// A sentence for screen readers (`<desc>`).
    pub desc: String,
    /// The category or x axis, with its unit, e.g. `Year`.
    pub x_label: String,
    /// The value axis, with its unit, e.g. `Savings (mio. kr.)`.
    pub y_label: String,
    /// How numbers are written.
    pub numbers: Numbers,
    /// The label of a suppressed value, e.g. `<5`.
    pub suppressed: String,
}

/// Decimal mark and thousands separator of axis and value labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    /// `.` in English, `,` in Danish.
    pub decimal: char,
    /// `,` in English, `.` in Danish.
    pub group: char,
}

impl Numbers {
    /// `1,234.5`.
    pub const ENGLISH: Numbers = Numbers {
        decimal: '.',
        group: ',',
    };
    /// `1.234,5`.
    pub const DANISH: Numbers = Numbers {
        decimal: ',',
        group: '.',
    };

    /// `x` with `decimals` decimals (rounded half away from zero) and
    /// grouped thousands; never `-0`.
    pub fn format(self, x: f64, decimals: usize) -> String {
        let scale = 10f64.powi(decimals as i32);
        let rounded = (x * scale).round() / scale;
        let text = format!("{:.*}", decimals, rounded.abs());
        let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::with_capacity(text.len() + 4);
        if rounded < 0.0 {
            out.push('-');
        }
        for (i, c) in integer.chars().enumerate() {
            if i > 0 && (integer.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(c);
        }
        if !fraction.is_empty() {
            out.push(self.decimal);
            out.push_str(fraction);
        }
        out
    }
}

/// Text made safe for XML character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal: enough for a screen or paper, and the
/// same digits every run.
fn n(x: f64) -> String {
    let text = format!("{:.1}", x);
    if text == "-0.0" {
        "0.0".to_string()
    } else {
        text
    }
}

/// A label cut to `max` characters, with `…` when cut (the table beside
/// the chart has it in full).
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut cut: String = label.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Evenly spaced round ticks (1, 2 or 5 × 10^k apart) covering `[low,
/// high]`, always including 0, and the decimals they need.
fn ticks(low: f64, high: f64) -> (Vec<f64>, usize) {
    let (low, high) = (low.min(0.0), high.max(0.0));
    let span = if high > low { high - low } else { 1.0 };
    let rough = span / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    let ticks = (first..=last).map(|i| i as f64 * step).collect();
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    (ticks, decimals)
}

/// A linear map from a value range onto a pixel range.
#[derive(Debug, Clone, Copy)]
struct Scale {
    from: (f64, f64),
    to: (f64, f64),
}

impl Scale {
    fn at(self, x: f64) -> f64 {
        let (d0, d1) = self.from;
        let (r0, r1) = self.to;
        if d1 == d0 {
            return r0;
        }
        r0 + (x - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// The value axis of a chart whose rows run down the page: round ticks
/// over `[low, high]` (and zero) mapped onto `[left, right]`, a light
/// gridline from `top` to `bottom` and a label under it at each, and a dark line at zero.
/// Returns the scale and zero's x.
fn value_axis(
    svg: &mut String,
    frame: &Frame,
    (low, high): (f64, f64),
    (left, right): (f64, f64),
    (top, bottom): (f64, f64),
) -> (Scale, f64) {
    let (ticks, tick_decimals) = ticks(low, high);
    let scale = Scale {
        from: (ticks[0], ticks[ticks.len() - 1]),
        to: (left, right),
    };
    for &tick in &ticks {
        let x = scale.at(tick);
        line(svg, (x, top), (x, bottom), "#DDDDDD", "");
        text(
            svg,
            x,
            bottom + 14.0,
            "middle",
            10,
            &frame.numbers.format(tick, tick_decimals),
        );
    }
    let zero = scale.at(0.0);
    line(svg, (zero, top), (zero, bottom), "#333333", "");
    (scale, zero)
}

/// Opens an `<svg>` with its accessible title and description, and writes
/// the visible title.
fn open(frame: &Frame, height: f64) -> String {
    let mut svg = String::with_capacity(4096);
    let id = escape(&frame.id);
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\">\n\
         <title id=\"{id}-title\">{title}</title>\n\
         <desc id=\"{id}-desc\">{desc}</desc>\n\
         <text class=\"chart-title\" x=\"0.0\" y=\"16.0\" font-size=\"14\" font-weight=\"bold\">{title}</text>\n",
        w = n(WIDTH),
        h = n(height),
        title = escape(&frame.title),
        desc = escape(&frame.desc),
    );
    svg
}

fn close(mut svg: String) -> String {
    svg.push_str("</svg>\n");
    svg
}

/// The axis titles: `across` centred under the plot (from `left` to `right`,
/// its bottom at `bottom`), `up` turned a quarter along the left edge,
/// centred at height `middle`.
fn axis_titles(
    svg: &mut String,
    (left, right, bottom): (f64, f64, f64),
    middle: f64,
    across: &str,
    up: &str,
) {
    text(
        svg,
        (left + right) / 2.0,
        bottom + 32.0,
        "middle",
        11,
        across,
    );
    let _ = writeln!(
        svg,
        "<text x=\"12.0\" y=\"{m}\" font-size=\"11\" transform=\"rotate(-90 12.0 {m})\" text-anchor=\"middle\">{}</text>",
        escape(up),
        m = n(middle),
    );
}

/// A text element.
fn text(svg: &mut String, x: f64, y: f64, anchor: &str, size: u32, content: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{size}\">{}</text>",
        n(x),
        n(y),
        escape(content)
    );
}

/// A line element.
fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
    let _ = writeln!(
        svg,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{extra}/>",
        n(x1),
        n(y1),
        n(x2),
        n(y2)
    );
}

/// A rectangle element with a tooltip-free fill.
fn rect(svg: &mut String, x: f64, y: f64, width: f64, height: f64, fill: &str) {
    let _ = writeln!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
        n(x),
        n(y),
        n(width.max(0.0)),
        n(height.max(0.0))
    );
}

/// A legend of coloured squares and names, in rows from `(x, y)`; returns
/// the height it took.
fn legend(svg: &mut String, names: &[String], x: f64, y: f64) -> f64 {
    let mut cx = x;
    let mut cy = y;
    for (i, name) in names.iter().enumerate() {
        let label = shorten(name, 40);
        let width = 18.0 + 6.5 * label.chars().count() as f64 + 16.0;
        if cx + width > WIDTH && cx > x {
            cx = x;
            cy += 18.0;
        }
        rect(svg, cx, cy - 10.0, 12.0, 12.0, colour(i));
        text(svg, cx + 16.0, cy, "start", 11, &label);
        cx += width;
    }
    if names.is_empty() {
        0.0
    } else {
        cy - y + 18.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_in_both_languages() {
        assert_eq!(Numbers::ENGLISH.format(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(Numbers::DANISH.format(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(Numbers::DANISH.format(-1500.0, 0), "-1.500");
        assert_eq!(Numbers::ENGLISH.format(-0.004, 2), "0.00");
        assert_eq!(Numbers::ENGLISH.format(999.0, 0), "999");
    }

    #[test]
    fn ticks_are_round_and_include_zero() {
        assert_eq!(ticks(0.0, 9.5), (vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0], 0));
        assert_eq!(ticks(-3.0, 4.0), (vec![-4.0, -2.0, 0.0, 2.0, 4.0], 0));
        assert_eq!(ticks(0.0, 0.45).1, 1);
        assert_eq!(ticks(5.0, 5.0), (vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 0));
    }

    #[test]
    fn escape_and_shorten() {
        assert_eq!(escape("<5 & \"x\""), "&lt;5 &amp; &quot;x&quot;");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
        assert_eq!(n(-0.04), "0.0");
    }
}
