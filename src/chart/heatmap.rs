//! A matrix heatmap (department × department overlaps): one square per
//! cell, shaded from white to blue by its value, with the value printed in
//! it so that no reader depends on telling shades apart.

use std::fmt::Write;

use super::{close, escape, n, open, rect, shorten, text, Frame, COMPLEMENT};

/// One cell of a heatmap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatCell {
    /// A shown value.
    Value(f64),
    /// Suppressed: no fill, the marker as text.
    Suppressed,
    /// Hidden to protect another figure (a complement): no fill, `..` as
    /// in the tables.
    Hidden,
    /// Not applicable (a department with itself): left blank.
    Empty,
}

/// A square matrix of labelled rows and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Title, labels and formats.
    pub frame: Frame,
    /// Row and column labels (the same list for a symmetric matrix).
    pub labels: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<HeatCell>>,
}

const CELL: f64 = 56.0;

/// The darkest shade (Okabe–Ito blue) as RGB.
const DARK: (f64, f64, f64) = (0.0, 114.0, 178.0);

/// The fill of a value at `t` between 0 (white) and 1 (blue).
fn shade(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let mix = |dark: f64| (255.0 + (dark - 255.0) * t).round() as u8;
    format!("#{:02X}{:02X}{:02X}", mix(DARK.0), mix(DARK.1), mix(DARK.2))
}

/// Draws the matrix with row labels at the left and column labels rotated
/// above it.
pub fn heatmap(chart: &Heatmap) -> String {
    let frame = &chart.frame;
    let size = chart.labels.len();
    let left = 190.0;
    let top = 150.0;
    let height = top + CELL * size as f64 + 40.0;
    let max = chart
        .cells
        .iter()
        .flatten()
        .filter_map(|c| match c {
            HeatCell::Value(v) => Some(*v),
            _ => None,
        })
        .fold(0.0f64, f64::max);
    let mut svg = open(frame, height);
    for (i, label) in chart.labels.iter().enumerate() {
        let y = top + CELL * i as f64 + CELL / 2.0 + 4.0;
        text(&mut svg, left - 6.0, y, "end", 11, &shorten(label, 28));
        let x = left + CELL * i as f64 + CELL / 2.0;
        let _ = writeln!(
            svg,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"11\" transform=\"rotate(-45 {x} {y})\">{}</text>",
            escape(&shorten(label, 22)),
            x = n(x),
            y = n(top - 6.0),
        );
    }
    for (r, row) in chart.cells.iter().enumerate().take(size) {
        for (c, cell) in row.iter().enumerate().take(size) {
            let x = left + CELL * c as f64;
            let y = top + CELL * r as f64;
            let middle = (x + CELL / 2.0, y + CELL / 2.0 + 4.0);
            match cell {
                HeatCell::Value(v) => {
                    let t = if max > 0.0 { v / max } else { 0.0 };
                    rect(&mut svg, x, y, CELL - 2.0, CELL - 2.0, &shade(t));
                    let ink = if t > 0.55 { "#FFFFFF" } else { "#000000" };
                    let _ = writeln!(
                        svg,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{ink}\">{}</text>",
                        n(middle.0),
                        n(middle.1),
                        escape(&frame.numbers.format(*v, 0))
                    );
                }
                HeatCell::Suppressed | HeatCell::Hidden => {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#BBBBBB\"/>",
                        n(x),
                        n(y),
                        n(CELL - 2.0),
                        n(CELL - 2.0)
                    );
                    text(
                        &mut svg,
                        middle.0,
                        middle.1,
                        "middle",
                        11,
                        match cell {
                            HeatCell::Hidden => COMPLEMENT,
                            _ => &frame.suppressed,
                        },
                    );
                }
                HeatCell::Empty => {}
            }
        }
    }
    text(
        &mut svg,
        left + CELL * size as f64 / 2.0,
        top + CELL * size as f64 + 24.0,
        "middle",
        11,
        &frame.x_label,
    );
    close(svg)
}

#[cfg(test)]
mod tests {
    use super::super::Numbers;
    use super::*;

    #[test]
    fn cells_are_shaded_by_value_and_suppressed_ones_are_not_filled() {
        let chart = Heatmap {
            frame: Frame {
                id: "h".into(),
                title: "Overlaps".into(),
                desc: "D".into(),
                x_label: "Units in both departments".into(),
                y_label: String::new(),
                numbers: Numbers::ENGLISH,
                suppressed: "<5".into(),
            },
            labels: vec!["A".into(), "B".into()],
            cells: vec![
                vec![HeatCell::Empty, HeatCell::Value(1200.0)],
                vec![HeatCell::Suppressed, HeatCell::Value(600.0)],
            ],
        };
        let svg = heatmap(&chart);
        assert!(
            svg.contains(
                "<rect x=\"246.0\" y=\"150.0\" width=\"54.0\" height=\"54.0\" fill=\"#0072B2\"/>"
            ),
            "{svg}"
        );
        assert!(svg.contains(">1,200</text>"), "{svg}");
        // 600 of 1200: halfway from white, (255 + (0 − 255) / 2, 255 + (114 − 255) / 2, 255 + (178 − 255) / 2).
        assert!(svg.contains("fill=\"#80B9D9\"/>"), "{svg}");
        assert!(svg.contains("<rect x=\"190.0\" y=\"206.0\" width=\"54.0\" height=\"54.0\" fill=\"none\" stroke=\"#BBBBBB\"/>"), "{svg}");
        assert!(svg.contains(">&lt;5</text>"), "{svg}");
        // Exactly the two shown values are filled.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        // A cell hidden to protect another says so, as the tables do.
        let mut hidden = chart.clone();
        hidden.cells[1][0] = HeatCell::Hidden;
        let svg = heatmap(&hidden);
        assert!(svg.contains("<rect x=\"190.0\" y=\"206.0\" width=\"54.0\" height=\"54.0\" fill=\"none\" stroke=\"#BBBBBB\"/>"), "{svg}");
        assert!(
            svg.contains(">..</text>") && !svg.contains("&lt;5"),
            "{svg}"
        );
    }
}
