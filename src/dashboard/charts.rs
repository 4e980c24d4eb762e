//! The dashboard's charts: bar charts drawn on the server as SVG with plotters (its SVG backend
//! only: text is left as `<text>` for the browser to set, so no font is needed here). Each
//! chart is a picture of the table beside it, which carries the numbers for screen readers;
//! a weekly chart's bars link to the view of that week.

use crate::i18n;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// One bar: its label, its value (`None` when hidden as a small cell), and where it leads.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: Option<i64>,
    pub href: Option<String>,
}

const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0x99);
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const WIDTH: u32 = 520;
/// Text size in the chart's own units (it scales with the chart).
const TEXT: u32 = 14;

/// Text shown for a hidden value.
pub const HIDDEN: &str = "<10";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A label no longer than `max` characters (an ellipsis ends a cut one).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The largest value, rounded up so that the axis has room (at least 1).
fn axis_max(bars: &[Bar]) -> i64 {
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(0)
        .max(1);
    max + (max / 10).max(1)
}

/// Names the chart for assistive technology, makes it scale to its box, and adds `extra`
/// (the bars' links) before its end. A chart with links is hidden from assistive technology
/// (an image may hold no links; its table beside it has the same ones, and the numbers).
fn finish(svg: String, title: &str, extra: &str) -> String {
    let role = if extra.is_empty() {
        "role=\"img\""
    } else {
        "aria-hidden=\"true\" focusable=\"false\""
    };
    let Some(open_end) = svg.find('>') else {
        return svg;
    };
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen(
        "<svg ",
        &format!("<svg class=\"chart\" {role} preserveAspectRatio=\"xMinYMin meet\" "),
        1,
    );
    let body = rest.trim_start_matches('>');
    let body = match body.rfind("</svg>") {
        Some(end) => format!("{}{extra}</svg>", &body[..end]),
        None => body.to_string(),
    };
    format!("{open}><title>{}</title>{body}", escape(title))
}

/// The end of the segmented range that has one segment per bar of `n`: plotters counts both
/// ends of `0..end` as segments. One bar keeps a second, empty segment (a range of one value
/// maps every value to the middle).
fn last_segment(n: u32) -> u32 {
    if n > 1 {
        n - 1
    } else {
        n
    }
}

/// A column chart of the weeks of the range, headed `caption`: one bar per week, each linking
/// to its view.
pub fn weekly(locale: &str, title: &str, caption: &str, bars: &[Bar]) -> String {
    let height = 260;
    let mut svg = String::new();
    let mut links = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let n = bars.len().max(1) as u32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(caption, ("sans-serif", TEXT + 2).into_font().color(&INK))
            .x_label_area_size(34)
            .y_label_area_size(44)
            .build_cartesian_2d(
                (0u32..last_segment(n)).into_segmented(),
                0i64..axis_max(bars),
            )?;
        // At most five labels, so that none runs into the next.
        let label_every = bars.len().div_ceil(5).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID)
            .bold_line_style(GRID)
            .axis_style(INK)
            .y_labels(5)
            .x_labels(bars.len().max(1))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => bars
                    .get(*i as usize)
                    .filter(|_| (*i as usize).is_multiple_of(label_every))
                    .map(|b| b.label.clone())
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .y_label_formatter(&|v| i18n::grouped(locale, *v))
            .label_style(("sans-serif", TEXT).into_font().color(&INK))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().filter_map(|(i, bar)| {
            let value = bar.value?;
            let i = i as u32;
            let mut rect = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), value),
                ],
                BAR.filled(),
            );
            rect.set_margin(0, 0, 4, 4);
            Some(rect)
        }))?;
        chart.draw_series(
            bars.iter()
                .enumerate()
                .filter(|(_, b)| b.value.is_none())
                .map(|(i, _)| {
                    Text::new(
                        HIDDEN,
                        (SegmentValue::CenterOf(i as u32), 0),
                        ("sans-serif", TEXT).into_font().color(&INK),
                    )
                }),
        )?;
        let top = axis_max(bars);
        for (i, bar) in bars.iter().enumerate() {
            let Some(href) = &bar.href else { continue };
            let i = i as u32;
            let (x0, y0) = chart.backend_coord(&(SegmentValue::Exact(i), top));
            let (x1, y1) = chart.backend_coord(&(SegmentValue::Exact(i + 1), 0));
            let value = bar.value.map_or(HIDDEN.to_string(), |v| v.to_string());
            links.push_str(&format!(
                "<a href=\"{}\" tabindex=\"-1\"><rect class=\"pick\" x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" fill=\"transparent\"><title>{}: {}</title></rect></a>",
                escape(href),
                (x1 - x0).max(1),
                (y1 - y0).max(1),
                escape(&bar.label),
                escape(&value),
            ));
        }
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => finish(svg, title, &links),
        Err(e) => {
            tracing::warn!(error = %e, "dashboard chart not drawn");
            String::new()
        }
    }
}

/// A bar chart of a breakdown: one horizontal bar per row, labelled on the left.
pub fn breakdown(locale: &str, title: &str, bars: &[Bar]) -> String {
    let rows = bars.len().max(1) as u32;
    let height = 44 + 30 * rows;
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(185)
            .build_cartesian_2d(
                0i64..axis_max(bars),
                (0u32..last_segment(rows)).into_segmented(),
            )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(GRID)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(5)
            .y_labels(bars.len().max(1))
            .y_label_formatter(&|v| match v {
                // Top to bottom in the table's order.
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => bars
                    .len()
                    .checked_sub(*i as usize + 1)
                    .and_then(|row| bars.get(row))
                    .map(|b| short(&b.label, 24))
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|v| i18n::grouped(locale, *v))
            .label_style(("sans-serif", TEXT).into_font().color(&INK))
            .draw()?;
        let place = |row: usize| rows - 1 - row as u32;
        chart.draw_series(bars.iter().enumerate().filter_map(|(row, bar)| {
            let value = bar.value?;
            let y = place(row);
            let mut rect = Rectangle::new(
                [
                    (0, SegmentValue::Exact(y)),
                    (value, SegmentValue::Exact(y + 1)),
                ],
                BAR.filled(),
            );
            rect.set_margin(4, 4, 0, 0);
            Some(rect)
        }))?;
        chart.draw_series(bars.iter().enumerate().map(|(row, bar)| {
            let text = bar
                .value
                .map_or(HIDDEN.to_string(), |v| i18n::grouped(locale, v));
            Text::new(
                text,
                (bar.value.unwrap_or(0), SegmentValue::CenterOf(place(row))),
                ("sans-serif", TEXT).into_font().color(&INK),
            )
        }))?;
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => finish(svg, title, ""),
        Err(e) => {
            tracing::warn!(error = %e, "dashboard chart not drawn");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "Jun 22".into(),
                value: Some(12),
                href: Some("/c/x/dashboard?from=2026-06-22&to=2026-06-28".into()),
            },
            Bar {
                label: "Jun 29 <b>".into(),
                value: None,
                href: None,
            },
        ]
    }

    #[test]
    fn a_weekly_chart_is_a_named_svg_whose_bars_link_to_their_week() {
        let svg = weekly("en", "Active youth & weeks", "Active youth", &bars());
        assert!(
            svg.starts_with("<svg class=\"chart\" aria-hidden=\"true\""),
            "{svg}"
        );
        assert!(svg.contains("<title>Active youth &amp; weeks</title>"));
        assert!(svg.contains("href=\"/c/x/dashboard?from=2026-06-22&amp;to=2026-06-28\""));
        assert!(svg.contains("&lt;10"));
        assert!(!svg.contains("<b>"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn a_breakdown_chart_names_its_rows() {
        let svg = breakdown("en", "By neighborhood", &bars());
        assert!(
            svg.starts_with("<svg class=\"chart\" role=\"img\""),
            "{svg}"
        );
        assert!(svg.contains("Jun 22"));
        assert!(svg.contains("&lt;10"));
        assert!(!svg.contains("font-face"));
    }
}
