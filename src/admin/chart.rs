//! A small server-rendered SVG chart: people in each round (bars) and the
//! meet rate (a line), with a text alternative.

use std::fmt::Write;

use crate::pages::results_chart::escape;

/// One round on the chart.
pub struct Point {
    pub label: String,
    pub people: u64,
    /// Percentage of answers that said "we met", if anyone answered.
    pub meet_rate: Option<f64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 48.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// The chart as SVG markup. Every text in it is escaped.
pub fn render(points: &[Point]) -> String {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max_people = points.iter().map(|p| p.people).max().unwrap_or(0).max(1) as f64;
    let step = plot_w / points.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">People in each round, and the meet rate</title><desc id="chart-desc">{}</desc>"##,
        escape(&description(points))
    );
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{y}" x2="{x2}" y2="{y}" stroke="#0b0c0c" stroke-width="1"/>"##,
        y = TOP + plot_h,
        x2 = LEFT + plot_w
    );
    let mut line = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let x = LEFT + step * i as f64;
        let bar_h = plot_h * p.people as f64 / max_people;
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#1d70b8"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#0b0c0c">{}</text>"##,
            x + step * 0.15,
            TOP + plot_h - bar_h,
            step * 0.7,
            bar_h,
            x + step / 2.0,
            HEIGHT - BOTTOM + 16.0,
            escape(&p.label)
        );
        if let Some(rate) = p.meet_rate {
            line.push(format!(
                "{:.1},{:.1}",
                x + step / 2.0,
                TOP + plot_h * (1.0 - rate / 100.0)
            ));
        }
    }
    // The line and its points have a white edge, so that they stand out
    // from the blue bars they cross (WCAG 1.4.11), not only from the white.
    if line.len() > 1 {
        let _ = write!(
            svg,
            r##"<polyline points="{points}" fill="none" stroke="#ffffff" stroke-width="7"/><polyline points="{points}" fill="none" stroke="#d4351c" stroke-width="3"/>"##,
            points = line.join(" ")
        );
    }
    for point in &line {
        let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
        let _ = write!(
            svg,
            r##"<circle cx="{x}" cy="{y}" r="5" fill="#d4351c" stroke="#ffffff" stroke-width="2"/>"##
        );
    }
    let _ = write!(
        svg,
        r##"<text x="4" y="{:.1}" font-size="12" fill="#0b0c0c">{}</text><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#0b0c0c">100%</text></svg>"##,
        TOP + 12.0,
        max_people as u64,
        WIDTH - 4.0,
        TOP + 12.0
    );
    svg
}

/// What the chart's marks are, for its caption: with one round with answers
/// there is a dot but no line.
pub fn legend(points: &[Point]) -> &'static str {
    match points.iter().filter(|p| p.meet_rate.is_some()).count() {
        0 => "People in each round (blue bars); no answers about meeting yet",
        1 => "People in each round (blue bars) and the share of answers that said they met (red dot)",
        _ => "People in each round (blue bars) and the share of answers that said they met (red line)",
    }
}

/// The same data in words, for screen readers.
pub fn description(points: &[Point]) -> String {
    if points.is_empty() {
        return "No rounds yet.".to_owned();
    }
    points
        .iter()
        .map(|p| match p.meet_rate {
            Some(rate) => format!("{}: {} people, {:.0}% met", p.label, p.people, rate),
            None => format!("{}: {} people, no answers yet", p.label, p.people),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_bars_a_line_and_a_description() {
        let points = vec![
            Point {
                label: "Round 1".into(),
                people: 10,
                meet_rate: Some(50.0),
            },
            Point {
                label: "<b>2</b>".into(),
                people: 20,
                meet_rate: Some(75.0),
            },
        ];
        let svg = render(&points);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("Round 1: 10 people, 50% met"));
        assert!(svg.contains("&lt;b&gt;2&lt;/b&gt;") && !svg.contains("<b>"));
        assert_eq!(description(&[]), "No rounds yet.");
    }

    #[test]
    fn the_legend_speaks_of_a_dot_for_one_answered_round_and_a_line_for_more() {
        let point = |meet_rate| Point {
            label: "Round".into(),
            people: 4,
            meet_rate,
        };
        assert!(legend(&[point(None)]).contains("no answers about meeting yet"));
        assert!(legend(&[point(Some(50.0)), point(None)]).ends_with("(red dot)"));
        assert!(legend(&[point(Some(50.0)), point(Some(75.0))]).ends_with("(red line)"));
    }
}
