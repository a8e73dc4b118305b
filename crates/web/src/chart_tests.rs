use super::*;

fn yuan(fen: i64) -> String {
    format!("¥{}", fen / 100)
}

fn permille(bps: i64) -> String {
    format!("{}.{} %", bps / 100, (bps % 100) / 10)
}

fn weeks(n: usize) -> Vec<String> {
    (1..=n).map(|w| format!("2026-W{w:02}")).collect()
}

/// The value of `name="…"` in `tag`.
fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 3;
    let end = tag[start..].find('"').unwrap() + start;
    tag[start..end].parse().unwrap()
}

/// The bars of the group of `class`, as (height, tooltip).
fn bars(svg: &str, class: &str) -> Vec<(f64, String)> {
    let g = &svg[svg.find(&format!("<g class=\"{class}\">")).unwrap()..];
    let g = &g[..g.find("</g>").unwrap()];
    g.split("<rect")
        .skip(1)
        .map(|r| (attr(r, "height"), r[r.find("<title>").unwrap() + 7..r.find("</title>").unwrap()].to_string()))
        .collect()
}

fn gmv_chart(periods: &[String], up: &[i64], down: &[i64]) -> String {
    grouped_bars(&GroupedBars {
        title: "上行与下行成交额",
        periods,
        series: [Series { name: "上行", values: up }, Series { name: "下行", values: down }],
        label: &yuan,
        empty: "没有数据",
    })
}

#[test]
fn every_value_is_drawn_once_with_its_tooltip_and_heights_are_proportional() {
    let periods = weeks(4);
    let up = [12_000, 0, 30_000, 6_000];
    let down = [240_000, 180_000, 90_000, 300_000];
    let svg = gmv_chart(&periods, &up, &down);
    let a = bars(&svg, "a");
    let b = bars(&svg, "b");
    assert_eq!((a.len(), b.len()), (4, 4), "one bar per value and series, never stacked into one");
    assert_eq!(a[2].1, "2026-W03 · 上行: ¥300");
    assert_eq!(b[3].1, "2026-W04 · 下行: ¥3000");
    // The axis tops at a round number above the largest value, and every bar is value / top.
    let (top, _) = axis(300_000);
    assert_eq!(top, 300_000);
    let full = PLOT_H as f64;
    for (bar, v) in a.iter().chain(&b).zip(up.iter().chain(&down)) {
        let expected = *v as f64 * full / top as f64;
        assert!((bar.0 - expected).abs() <= 0.1, "bar of {v}: {} vs {expected}", bar.0);
    }
    assert_eq!(a[1].0, 0.0, "a zero is drawn as a bar of no height, with its tooltip");
    // The two bars of a period stand side by side: the second starts where the first ends.
    let first = &svg[svg.find("<g class=\"a\"><rect").unwrap()..];
    let second = &svg[svg.find("<g class=\"b\"><rect").unwrap()..];
    assert!((attr(first, "x") + attr(first, "width") - attr(second, "x")).abs() < 0.11);
    assert!(svg.contains("viewBox=\"0 0 720 300\"") && svg.contains("<title>上行与下行成交额</title>"));
    assert!(svg.contains(">上行</text>") && svg.contains(">下行</text>"), "a legend names both series");
    assert!(svg.contains("url(#h)"), "the second series is hatched so that it reads without colour");
}

#[test]
fn y_ticks_are_round_numbers() {
    assert_eq!(axis(0), (1, 1));
    assert_eq!(axis(1), (1, 1));
    assert_eq!(axis(7), (8, 2));
    assert_eq!(axis(123_456), (150_000, 50_000));
    assert_eq!(axis(1_000_000), (1_000_000, 200_000));
    assert_eq!(axis(3_140), (4_000, 1_000));
    let svg = gmv_chart(&weeks(2), &[0, 12_345], &[99_000, 0]);
    for tick in ["¥0<", "¥200<", "¥400<", "¥600<", "¥800<", "¥1000<"] {
        assert!(svg.contains(&format!(">{tick}")), "tick {tick} in {svg}");
    }
}

#[test]
fn zero_and_empty_series_draw_without_nan() {
    let svg = gmv_chart(&weeks(3), &[0, 0, 0], &[0, 0, 0]);
    assert_eq!(bars(&svg, "a").len(), 3);
    assert!(bars(&svg, "b").iter().all(|(h, _)| *h == 0.0));
    let none = gmv_chart(&[], &[], &[]);
    assert!(none.contains("没有数据") && none.starts_with("<svg") && none.ends_with("</svg>"));
    let short = gmv_chart(&weeks(2), &[5], &[]);
    assert_eq!(bars(&short, "a")[1].1, "2026-W02 · 上行: ¥0", "a missing value counts as zero");
    for s in [&svg, &none, &short] {
        assert!(!s.to_lowercase().contains("nan") && !s.contains("inf"));
    }
}

#[test]
fn a_year_of_weeks_is_a_few_kilobytes_with_thinned_labels() {
    let periods = weeks(53);
    let up: Vec<i64> = (0..53).map(|i| 1_000_000 + i * 91_234).collect();
    let down: Vec<i64> = (0..53).map(|i| 40_000_000 - i * 123_457).collect();
    let svg = gmv_chart(&periods, &up, &down);
    assert_eq!(bars(&svg, "a").len() + bars(&svg, "b").len(), 106);
    assert!(svg.len() < 16_000, "{} bytes", svg.len());
    let labels = svg.matches("text-anchor=\"middle\"").count();
    assert!((5..=MAX_PERIOD_LABELS).contains(&labels), "{labels} period labels");
}

#[test]
fn text_is_escaped() {
    let svg = grouped_bars(&GroupedBars {
        title: "A <b> & \"c\"",
        periods: &["<x>".to_string()],
        series: [Series { name: "u&d", values: &[1] }, Series { name: "d", values: &[2] }],
        label: &yuan,
        empty: "",
    });
    assert!(svg.contains("A &lt;b&gt; &amp; &quot;c&quot;") && svg.contains("&lt;x&gt; · u&amp;d"));
    assert!(!svg.contains("<b>") && !svg.contains("<x>"));
}

#[test]
fn the_share_line_marks_every_value_and_breaks_where_there_is_none() {
    let periods = weeks(5);
    let values = [Some(250), Some(410), None, Some(0), Some(1_280)];
    let svg = line(&Line {
        title: "上行占比",
        periods: &periods,
        name: "上行占比",
        values: &values,
        label: &permille,
        empty: "没有数据",
    });
    let points: Vec<&str> = svg.split("<circle").skip(1).collect();
    assert_eq!(points.len(), 4, "one point per value");
    assert!(points[3].contains("2026-W05 · 上行占比: 12.8 %"));
    assert_eq!(svg.matches("<polyline").count(), 2, "the period without a value breaks the line");
    let (top, _) = axis(1_280);
    assert_eq!(top, 1_500);
    let base = (TOP + PLOT_H) as f64;
    for (p, v) in points.iter().zip([250, 410, 0, 1_280]) {
        let expected = base - v as f64 * PLOT_H as f64 / top as f64;
        assert!((attr(p, "cy") - expected).abs() <= 0.1);
    }
    let empty = line(&Line { title: "t", periods: &[], name: "n", values: &[], label: &permille, empty: "—" });
    assert!(empty.contains("—") && !empty.contains("NaN"));
}
