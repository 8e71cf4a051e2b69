//! The public results chart: for each published round, the share of
//! answers that said they met (top panel, 0–100 %) and the mean challenge
//! score (bottom panel, 1–5). Two panels rather than two axes on one plot,
//! so that neither scale can be read against the other. Server-rendered
//! SVG, so it works without JavaScript; its `<desc>` says the same in words,
//! and the page's table holds the same figures.

use std::fmt::Write;

/// One round on the chart.
pub struct Point {
    pub label: String,
    pub met_pct: Option<f64>,
    pub challenge: Option<f64>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const PANEL_H: f64 = 110.0;
/// Room above each panel for its title.
const TITLE_H: f64 = 28.0;
const LABELS_H: f64 = 36.0;
const HEIGHT: f64 = 2.0 * (TITLE_H + PANEL_H) + LABELS_H;
const INK: &str = "#0b0c0c";

/// One panel: where it sits and what it plots.
struct Panel<'a> {
    top: f64,
    title: &'a str,
    min: f64,
    max: f64,
    unit: &'a str,
    colour: &'a str,
    value: fn(&Point) -> Option<f64>,
}

/// The chart as SVG markup. Every text in it is escaped.
pub fn render(points: &[Point]) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="results-chart-title" aria-describedby="results-chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="results-chart-title">Share who met, and mean challenge score, in each round</title><desc id="results-chart-desc">{}</desc>"##,
        escape(&description(points))
    );
    let panels = [
        Panel {
            top: TITLE_H,
            title: "Share of answers that said they met",
            min: 0.0,
            max: 100.0,
            unit: "%",
            colour: "#1d70b8",
            value: |p| p.met_pct,
        },
        Panel {
            top: 2.0 * TITLE_H + PANEL_H,
            title: "Mean challenge score (1 to 5)",
            min: 1.0,
            max: 5.0,
            unit: "",
            colour: "#d4351c",
            value: |p| p.challenge,
        },
    ];
    for panel in &panels {
        draw_panel(&mut svg, panel, points);
    }
    let step = step(points);
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="{INK}">{}</text>"##,
            x_of(i, step),
            HEIGHT - LABELS_H + 20.0,
            escape(&p.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn step(points: &[Point]) -> f64 {
    (WIDTH - LEFT - RIGHT) / points.len().max(1) as f64
}

fn x_of(i: usize, step: f64) -> f64 {
    LEFT + step * (i as f64 + 0.5)
}

/// A panel's title, axis, scale labels, and a line through its points
/// (a dot alone where a round has no neighbour with a value).
fn draw_panel(svg: &mut String, panel: &Panel, points: &[Point]) {
    let bottom = panel.top + PANEL_H;
    let y = |v: f64| bottom - PANEL_H * (v - panel.min) / (panel.max - panel.min);
    let _ = write!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" font-size="14" font-weight="bold" fill="{INK}">{}</text><line x1="{LEFT}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/><line x1="{LEFT}" y1="{:.1}" x2="{LEFT}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="{INK}">{}{}</text><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="{INK}">{}{}</text>"##,
        panel.top - 10.0,
        escape(panel.title),
        WIDTH - RIGHT,
        panel.top,
        LEFT - 6.0,
        panel.top + 4.0,
        panel.max,
        panel.unit,
        LEFT - 6.0,
        bottom,
        panel.min,
        panel.unit,
    );
    let step = step(points);
    let marks: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| (panel.value)(p).map(|v| (x_of(i, step), y(v))))
        .collect();
    if marks.len() > 1 {
        let line: Vec<String> = marks
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>"##,
            line.join(" "),
            panel.colour
        );
    }
    for (x, y) in marks {
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{}" stroke="#ffffff" stroke-width="2"/>"##,
            panel.colour
        );
    }
}

/// The same data in words, for screen readers.
pub fn description(points: &[Point]) -> String {
    if points.is_empty() {
        return "No rounds published yet.".to_owned();
    }
    points
        .iter()
        .map(|p| {
            let met = p.met_pct.map_or_else(
                || "no answers about meeting".to_owned(),
                |m| format!("{m:.1}% met"),
            );
            let challenge = p.challenge.map_or_else(
                || "no challenge scores".to_owned(),
                |c| format!("mean challenge score {c:.1}"),
            );
            format!("{}: {met}, {challenge}", p.label)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Text made safe inside SVG markup (also used by the console's chart).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_both_panels_and_describes_them_in_words() {
        let points = vec![
            Point {
                label: "1 October 2026".into(),
                met_pct: Some(50.0),
                challenge: Some(3.5),
            },
            Point {
                label: "<b>x</b>".into(),
                met_pct: Some(75.0),
                challenge: None,
            },
        ];
        let svg = render(&points);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        // A line for the met panel, which has two values; a dot alone for
        // the challenge panel, which has one.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("1 October 2026: 50.0% met, mean challenge score 3.5"));
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;: 75.0% met, no challenge scores"));
        assert!(!svg.contains("<b>"));
        assert_eq!(description(&[]), "No rounds published yet.");
    }
}
