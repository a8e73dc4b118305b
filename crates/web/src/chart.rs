//! Charts for the county dashboard, drawn on the server as compact SVG so that an operator or an
//! auditor sees them without any script, prints them, and reads them without colour:
//!
//! - [`grouped_bars`]: two series side by side per period (uplink and downlink GMV per week or
//!   month). The two bars of a period stand next to each other and are never stacked or added.
//!   The first series is solid, the second hatched, and the legend shows both.
//! - [`line`]: one series over the periods (the uplink share), a line with a marked point per
//!   period; a period without a value (nothing sold either way) breaks the line.
//!
//! The caller passes plain numbers (fen, basis points …) with the function that writes them
//! (`¥1.2万`, `12.5 %`) and every text already translated. Each bar or point carries a `<title>`
//! (the tooltip: period, series, value). Coordinates are computed in integers (tenths of a
//! unit), so no value can draw as NaN. The drawing scales with its `viewBox`.

use crate::html::esc;
use std::fmt::Write;

/// One named series of values, one per period.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [i64],
}

/// Two series side by side per period.
pub struct GroupedBars<'a> {
    /// The chart's title, read by screen readers and shown as the tooltip of the whole chart.
    pub title: &'a str,
    /// One label per period (`2026-W05`, `2026-03`).
    pub periods: &'a [String],
    pub series: [Series<'a>; 2],
    /// Writes a value for the axis and the tooltips (the caller's money or percent format).
    pub label: &'a dyn Fn(i64) -> String,
    /// Shown instead of the chart when there is no period.
    pub empty: &'a str,
}

/// One series over the periods; `None` where the period has no value.
pub struct Line<'a> {
    pub title: &'a str,
    pub periods: &'a [String],
    pub name: &'a str,
    pub values: &'a [Option<i64>],
    pub label: &'a dyn Fn(i64) -> String,
    pub empty: &'a str,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 300;
const LEFT: i64 = 76;
const RIGHT: i64 = 12;
const TOP: i64 = 34;
const BOTTOM: i64 = 46;
const PLOT_W: i64 = WIDTH - LEFT - RIGHT;
const PLOT_H: i64 = HEIGHT - TOP - BOTTOM;
/// At most this many period labels under the axis; the others are in the tooltips.
const MAX_PERIOD_LABELS: usize = 13;
const STYLE: &str = "<style>text{font:12px sans-serif;fill:#222}.t{font-size:14px;font-weight:bold}\
.ax{stroke:#555;stroke-width:1}.gr{stroke:#ccc;stroke-width:1}.a{fill:#1b6b45}.b{fill:url(#h)}\
.ln{fill:none;stroke:#1b6b45;stroke-width:2}.pt{fill:#1b6b45}</style>";
/// The second series: dark blue diagonal hatching on light blue, distinct from the first in print.
const DEFS: &str = "<defs><pattern id=\"h\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#c9dcf0\"/>\
<rect width=\"3\" height=\"6\" fill=\"#1f4e89\"/></pattern></defs>";

/// Tenths as a decimal (`123` → `12.3`), for SVG coordinates.
fn d(tenths: i64) -> String {
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, (tenths % 10).abs()) }
}

/// The top of the axis and its step: a round number (1, 2 or 5 × 10ⁿ) per step, four to six
/// steps, at or above `max`. A chart of zeros still gets an axis of one step of 1.
pub fn axis(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut magnitude = 1i64;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            let steps = (max + step - 1) / step;
            if steps <= 5 {
                return (steps.max(1) * step, step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Height in tenths of `value` on an axis topped at `top`: proportional, never below zero.
fn height10(value: i64, top: i64) -> i64 {
    (i128::from(value.max(0)) * i128::from(PLOT_H * 10) / i128::from(top.max(1))) as i64
}

fn open(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"{t}\">{STYLE}{DEFS}<title>{t}</title><text class=\"t\" x=\"{LEFT}\" y=\"18\">{t}</text>",
        t = esc(title)
    );
}

fn empty(title: &str, text: &str) -> String {
    let mut out = String::new();
    open(&mut out, title);
    let _ = write!(out, "<text x=\"{LEFT}\" y=\"{}\">{}</text></svg>", TOP + PLOT_H / 2, esc(text));
    out
}

/// Grid lines and value labels of the y axis, and the x axis line.
fn y_axis(out: &mut String, top: i64, step: i64, label: &dyn Fn(i64) -> String) {
    let mut v = 0;
    while v <= top {
        let y = TOP * 10 + PLOT_H * 10 - height10(v, top);
        let _ = write!(
            out,
            "<line class=\"gr\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text x=\"{}\" y=\"{}\" \
             text-anchor=\"end\">{}</text>",
            LEFT + PLOT_W,
            LEFT - 6,
            d(y + 40),
            esc(&label(v)),
            y = d(y),
        );
        v += step;
    }
    let base = TOP + PLOT_H;
    let _ = write!(out, "<line class=\"ax\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\"/>", LEFT + PLOT_W);
}

/// Labels under the axis, thinned so that they do not overlap; `centre10(i)` is the x of period `i`.
fn x_labels(out: &mut String, periods: &[String], centre10: impl Fn(usize) -> i64) {
    let every = periods.len().div_ceil(MAX_PERIOD_LABELS).max(1);
    for (i, p) in periods.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            d(centre10(i)),
            TOP + PLOT_H + 16,
            esc(p)
        );
    }
}

fn legend_item(out: &mut String, x: i64, class: &str, name: &str) {
    let y = HEIGHT - 16;
    let _ = write!(
        out,
        "<rect class=\"{class}\" x=\"{x}\" y=\"{}\" width=\"14\" height=\"10\"/><text x=\"{}\" y=\"{y}\">{}</text>",
        y - 9,
        x + 18,
        esc(name)
    );
}

/// Two series side by side per period, as SVG.
pub fn grouped_bars(c: &GroupedBars) -> String {
    let n = c.periods.len();
    if n == 0 {
        return empty(c.title, c.empty);
    }
    let value = |s: usize, i: usize| c.series[s].values.get(i).copied().unwrap_or(0);
    let max = (0..n).flat_map(|i| [value(0, i), value(1, i)]).max().unwrap_or(0);
    let (top, step) = axis(max);
    let mut out = String::with_capacity(1_500 + n * 180);
    open(&mut out, c.title);
    y_axis(&mut out, top, step, c.label);
    // Each period gets an equal slot; its two bars take 80 % of it, side by side.
    let slot10 = PLOT_W * 10 / n as i64;
    let bar10 = (slot10 * 2 / 5).max(1);
    let gap10 = slot10 / 10;
    let base10 = (TOP + PLOT_H) * 10;
    for (s, class) in [(0usize, "a"), (1, "b")] {
        let _ = write!(out, "<g class=\"{class}\">");
        for (i, period) in c.periods.iter().enumerate() {
            let v = value(s, i);
            let h = height10(v, top);
            let x = LEFT * 10 + i as i64 * slot10 + gap10 + s as i64 * bar10;
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} · {}: {}</title></rect>",
                d(x),
                d(base10 - h),
                d(bar10),
                d(h),
                esc(period),
                esc(c.series[s].name),
                esc(&(c.label)(v))
            );
        }
        out.push_str("</g>");
    }
    x_labels(&mut out, c.periods, |i| LEFT * 10 + i as i64 * slot10 + slot10 / 2);
    legend_item(&mut out, LEFT, "a", c.series[0].name);
    legend_item(&mut out, LEFT + 200, "b", c.series[1].name);
    out.push_str("</svg>");
    out
}

/// One series over the periods, as SVG.
pub fn line(c: &Line) -> String {
    let n = c.periods.len();
    if n == 0 {
        return empty(c.title, c.empty);
    }
    let value = |i: usize| c.values.get(i).copied().flatten();
    let max = (0..n).filter_map(value).max().unwrap_or(0);
    let (top, step) = axis(max);
    let mut out = String::with_capacity(1_500 + n * 120);
    open(&mut out, c.title);
    y_axis(&mut out, top, step, c.label);
    let slot10 = PLOT_W * 10 / n as i64;
    let x10 = |i: usize| LEFT * 10 + i as i64 * slot10 + slot10 / 2;
    let y10 = |v: i64| (TOP + PLOT_H) * 10 - height10(v, top);
    // The line, broken where a period has no value.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            let _ = write!(out, "<polyline class=\"ln\" points=\"{}\"/>", run.join(" "));
        }
        run.clear();
    };
    for i in 0..n {
        match value(i) {
            Some(v) => run.push(format!("{},{}", d(x10(i)), d(y10(v)))),
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out.push_str("<g class=\"pt\">");
    for (i, period) in c.periods.iter().enumerate() {
        if let Some(v) = value(i) {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\"><title>{} · {}: {}</title></circle>",
                d(x10(i)),
                d(y10(v)),
                esc(period),
                esc(c.name),
                esc(&(c.label)(v))
            );
        }
    }
    out.push_str("</g>");
    x_labels(&mut out, c.periods, x10);
    let y = HEIGHT - 16;
    let _ = write!(
        out,
        "<line class=\"ln\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{y}\">{}</text></svg>",
        LEFT + 14,
        y - 4,
        y - 4,
        LEFT + 18,
        esc(c.name)
    );
    out
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;
