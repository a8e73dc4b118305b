//! The map of a dispatch plan, as one SVG drawn on the server from the county's coordinates: no
//! map tiles, no script, prints as it shows. North is up; longitude is shrunk by the cosine of
//! the county's middle latitude so distances look right. The county's hubs are squares, every
//! station a small grey dot (175 villages stay a quiet background), the plan's stops larger
//! points labelled with their code, and each vehicle's route a polyline from its depot through
//! its stops and back, in a colour and dash of its own so it still reads printed in grey. The
//! legend under the map names each vehicle with its colour and number of stops.

use crate::html::esc;
use uplink_core::LatLon;

/// A place on the map: a hub or a station, by its code.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPlace {
    pub code: String,
    pub location: LatLon,
}

/// One vehicle's route: its depot's code and the codes of the places it stops at, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRoute {
    pub vehicle: String,
    pub depot: String,
    pub stops: Vec<String>,
}

/// The words on the map, in the reader's language.
#[derive(Debug, Clone)]
pub struct MapWords {
    /// Read out by screen readers: what the picture shows.
    pub title: String,
    pub hub: String,
    pub station: String,
    /// "{vehicle} · {n} stops", one per route, in route order.
    pub routes: Vec<String>,
}

const LABEL_FONT: f64 = 16.0;
const HUB_FONT: f64 = 16.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// The labels placed so far, as boxes: a new label goes right of its point, else left, above or
/// below, wherever it overlaps none of them; with no room it is left out.
#[derive(Debug, Default)]
struct Labels {
    boxes: Vec<[f64; 4]>,
}

impl Labels {
    /// The box of `text` written at (`x`, `y`) with `anchor`: an estimate of the glyphs' width
    /// (wide for CJK), from the baseline up to the cap height.
    fn bounds(x: f64, y: f64, text: &str, size: f64, anchor: Anchor) -> [f64; 4] {
        let w: f64 = text.chars().map(|c| if c.is_ascii() { 0.62 } else { 1.0 }).sum::<f64>() * size;
        let x0 = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        [x0, y - size * 0.8, x0 + w, y + size * 0.2]
    }

    fn free(&self, b: &[f64; 4]) -> bool {
        self.boxes.iter().all(|o| b[2] <= o[0] || o[2] <= b[0] || b[3] <= o[1] || o[3] <= b[1])
    }

    fn reserve(&mut self, x: f64, y: f64, text: &str, size: f64, anchor: Anchor) {
        self.boxes.push(Self::bounds(x, y, text, size, anchor));
    }

    /// Where the label of the point (`x`, `y`) goes, if anywhere.
    fn place(&mut self, x: f64, y: f64, text: &str) -> Option<(f64, f64, Anchor)> {
        let f = LABEL_FONT;
        let tries = [
            (x + 10.0, y + f * 0.35, Anchor::Start),
            (x - 10.0, y + f * 0.35, Anchor::End),
            (x, y - 11.0, Anchor::Middle),
            (x, y + 11.0 + f * 0.8, Anchor::Middle),
        ];
        let (tx, ty, anchor) = tries.into_iter().find(|(tx, ty, a)| self.free(&Self::bounds(*tx, *ty, text, f, *a)))?;
        let (tx, ty) = ((tx * 10.0f64).round() / 10.0, (ty * 10.0f64).round() / 10.0);
        self.reserve(tx, ty, text, f, anchor);
        Some((tx, ty, anchor))
    }
}

/// Drawing width in user units; the height follows the county's shape.
pub const WIDTH: f64 = 1000.0;
const PAD: f64 = 40.0;
const LEGEND_ROW: f64 = 30.0;

/// Ten colours that tell apart on screen and print, then again with another dash.
const COLOURS: [&str; 10] =
    ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f00", "#393b79"];
const DASHES: [&str; 3] = ["", "12 6", "3 5"];

/// The colour and dash pattern of the `i`-th route.
pub fn style_of(i: usize) -> (&'static str, &'static str) {
    (COLOURS[i % COLOURS.len()], DASHES[(i / COLOURS.len()) % DASHES.len()])
}

/// Turns coordinates into drawing units inside the padding, north up.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    west: f64,
    north: f64,
    /// Drawing units per degree of latitude; longitude is shrunk by `cos_lat`.
    scale: f64,
    cos_lat: f64,
    /// The height of the map part of the drawing (without the legend).
    pub height: f64,
}

impl Projection {
    /// Fits every point in a `WIDTH`-wide drawing; a single point (or none) sits in the middle.
    pub fn fit(points: &[LatLon]) -> Projection {
        let (mut south, mut north, mut west, mut east) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            south = south.min(p.lat);
            north = north.max(p.lat);
            west = west.min(p.lon);
            east = east.max(p.lon);
        }
        if points.is_empty() {
            (south, north, west, east) = (0.0, 0.0, 0.0, 0.0);
        }
        let cos_lat = ((south + north) / 2.0).to_radians().cos().max(0.01);
        let span_x = (east - west) * cos_lat;
        let span_y = north - south;
        let inner = WIDTH - 2.0 * PAD;
        let span = span_x.max(span_y);
        if span <= 0.0 {
            // One point (or none): in the middle of a drawing half as high as wide, a unit per degree.
            let height = WIDTH / 2.0;
            let (west, north) = (west - (WIDTH / 2.0 - PAD), north + (height / 2.0 - PAD));
            return Projection { west, north, scale: 1.0, cos_lat: 1.0, height };
        }
        // The wider side fills the width; a flat county still gets a quarter of it in height.
        let scale = inner / span;
        let height = (span_y * scale).max(inner / 4.0) + 2.0 * PAD;
        // Centre the narrow side.
        let west = west - (inner - span_x * scale) / 2.0 / scale / cos_lat;
        let north = north + ((height - 2.0 * PAD) - span_y * scale) / 2.0 / scale;
        Projection { west, north, scale, cos_lat, height }
    }

    /// The point in drawing units, rounded to a tenth.
    pub fn xy(&self, p: LatLon) -> (f64, f64) {
        let x = PAD + (p.lon - self.west) * self.cos_lat * self.scale;
        let y = PAD + (self.north - p.lat) * self.scale;
        ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
    }
}

/// The whole map. `hubs` and `stations` are every place of the county; a route's stop or depot
/// that is not among them is left out of its line rather than drawn at a made-up point.
pub fn svg(hubs: &[MapPlace], stations: &[MapPlace], routes: &[MapRoute], words: &MapWords) -> String {
    let all: Vec<LatLon> = hubs.iter().chain(stations).map(|p| p.location).collect();
    let proj = Projection::fit(&all);
    let at = |code: &str| hubs.iter().chain(stations).find(|p| p.code == code).map(|p| proj.xy(p.location));
    let legend_rows = routes.len() + 1;
    let height = proj.height + LEGEND_ROW * legend_rows as f64 + PAD / 2.0;
    let mut s = format!(
        "<svg id=route-map xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {h}\" role=img \
         aria-labelledby=route-map-title font-family=\"sans-serif\" font-size=\"16\" style=\"width:100%;height:auto\">\
         <title id=route-map-title>{t}</title><rect width=\"{WIDTH}\" height=\"{h}\" fill=\"#fff\"/>",
        h = height.round(),
        t = esc(&words.title)
    );
    // Every station as a quiet dot.
    s.push_str("<g id=map-stations fill=\"#aaa\">");
    for p in stations {
        let (x, y) = proj.xy(p.location);
        s.push_str(&format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"2.5\"/>"));
    }
    s.push_str("</g><g id=map-routes fill=none stroke-width=\"3\" stroke-linejoin=round stroke-opacity=\".85\">");
    for (i, r) in routes.iter().enumerate() {
        let (colour, dash) = style_of(i);
        let pts: Vec<String> = std::iter::once(&r.depot)
            .chain(&r.stops)
            .chain(std::iter::once(&r.depot))
            .filter_map(|c| at(c))
            .map(|(x, y)| format!("{x},{y}"))
            .collect();
        let dash = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
        s.push_str(&format!(
            "<polyline class=route data-vehicle=\"{}\" stroke=\"{colour}\"{dash} points=\"{}\"/>",
            esc(&r.vehicle),
            pts.join(" ")
        ));
    }
    s.push_str("</g><g id=map-stops stroke=\"#111\" stroke-width=\"1.5\">");
    // Each stop once, in the colour of the first route that reaches it, labelled with its code
    // where the label finds room beside it (the hubs' labels first); every stop keeps its code as
    // a tooltip, and the routes' table below the map names them all.
    let mut labels = Labels::default();
    for h in hubs {
        let (x, y) = proj.xy(h.location);
        labels.reserve(x + 10.0, y - 9.0, &h.code, HUB_FONT, Anchor::Start);
        labels.boxes.push([x - 8.0, y - 8.0, x + 8.0, y + 8.0]);
    }
    // No label covers a stop's point.
    for code in routes.iter().flat_map(|r| &r.stops) {
        if let Some((x, y)) = at(code) {
            labels.boxes.push([x - 8.0, y - 8.0, x + 8.0, y + 8.0]);
        }
    }
    let mut drawn: Vec<&str> = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        for code in &r.stops {
            if drawn.contains(&code.as_str()) {
                continue;
            }
            let Some((x, y)) = at(code) else { continue };
            drawn.push(code);
            let label = match labels.place(x, y, code) {
                Some((tx, ty, anchor)) => format!(
                    "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"{}\" stroke=\"#fff\" stroke-width=\"3\" paint-order=stroke \
                     fill=\"#111\">{}</text>",
                    anchor.svg(),
                    esc(code)
                ),
                None => String::new(),
            };
            s.push_str(&format!(
                "<g class=stop data-code=\"{c}\"><title>{c}</title><circle cx=\"{x}\" cy=\"{y}\" r=\"7\" fill=\"{f}\"/>{label}</g>",
                c = esc(code),
                f = style_of(i).0,
            ));
        }
    }
    s.push_str("</g><g id=map-hubs fill=\"#111\">");
    for h in hubs {
        let (x, y) = proj.xy(h.location);
        s.push_str(&format!(
            "<g class=hub data-code=\"{c}\"><rect x=\"{rx}\" y=\"{ry}\" width=\"14\" height=\"14\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-weight=\"700\" stroke=\"#fff\" stroke-width=\"3\" paint-order=stroke>{c}</text></g>",
            c = esc(&h.code),
            rx = x - 7.0,
            ry = y - 7.0,
            tx = x + 10.0,
            ty = y - 9.0
        ));
    }
    s.push_str("</g>");
    // The legend: the symbols, then one row per route.
    let top = proj.height + PAD / 4.0;
    s.push_str(&format!(
        "<g id=map-legend font-size=\"18\"><rect x=\"{PAD}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"#111\"/>\
         <text x=\"{}\" y=\"{}\">{}</text><circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#aaa\"/><text x=\"{}\" y=\"{}\">{}</text>",
        top,
        PAD + 18.0,
        top + 11.0,
        esc(&words.hub),
        PAD + 206.0,
        top + 6.0,
        PAD + 216.0,
        top + 11.0,
        esc(&words.station)
    ));
    for (i, r) in routes.iter().enumerate() {
        let (colour, dash) = style_of(i);
        let y = top + LEGEND_ROW * (i + 1) as f64;
        let dash = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
        let label = words.routes.get(i).cloned().unwrap_or_else(|| r.vehicle.clone());
        s.push_str(&format!(
            "<g class=legend-route data-vehicle=\"{v}\"><line x1=\"{PAD}\" y1=\"{ly}\" x2=\"{x2}\" y2=\"{ly}\" stroke=\"{colour}\" \
             stroke-width=\"4\"{dash}/><text x=\"{tx}\" y=\"{ty}\">{l}</text></g>",
            v = esc(&r.vehicle),
            ly = y + 6.0,
            x2 = PAD + 48.0,
            tx = PAD + 58.0,
            ty = y + 11.0,
            l = esc(&label)
        ));
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(code: &str, lat: f64, lon: f64) -> MapPlace {
        MapPlace { code: code.into(), location: LatLon { lat, lon } }
    }

    fn words(n: usize) -> MapWords {
        MapWords {
            title: "线路图 <plan>".into(),
            hub: "县仓".into(),
            station: "服务站".into(),
            routes: (0..n).map(|i| format!("车{i}")).collect(),
        }
    }

    #[test]
    fn the_corners_of_the_county_land_on_the_padding_and_north_is_up() {
        let pts = [LatLon { lat: 25.0, lon: 100.0 }, LatLon { lat: 26.0, lon: 101.0 }];
        let p = Projection::fit(&pts);
        let (x0, y0) = p.xy(pts[0]);
        let (x1, y1) = p.xy(pts[1]);
        // One degree of longitude at 25.5° is cos(25.5°) ≈ 0.9 of one of latitude: the county is
        // taller than wide, so latitude fills the inner width and longitude is centred.
        assert!((y0 - (p.height - PAD)).abs() < 0.2, "south at the bottom: {y0} of {}", p.height);
        assert!((y1 - PAD).abs() < 0.2, "north at the top: {y1}");
        assert!((p.height - WIDTH).abs() < 0.2, "square-ish box for a one-degree square: {}", p.height);
        let width = x1 - x0;
        let want = (WIDTH - 2.0 * PAD) * 25.5f64.to_radians().cos();
        assert!((width - want).abs() < 0.5, "longitude shrunk by cos(lat): {width} vs {want}");
        assert!(((x0 + x1) / 2.0 - WIDTH / 2.0).abs() < 0.2, "centred across");
        for (x, y) in [(x0, y0), (x1, y1)] {
            assert!((PAD - 0.1..=WIDTH - PAD + 0.1).contains(&x) && (PAD - 0.1..=p.height - PAD + 0.1).contains(&y));
        }
    }

    #[test]
    fn a_wide_county_fills_the_width_and_one_point_sits_in_the_middle() {
        let pts = [LatLon { lat: 25.0, lon: 100.0 }, LatLon { lat: 25.1, lon: 102.0 }];
        let p = Projection::fit(&pts);
        assert!((p.xy(pts[0]).0 - PAD).abs() < 0.2 && (p.xy(pts[1]).0 - (WIDTH - PAD)).abs() < 0.2);
        assert!(p.height < WIDTH / 2.0, "a flat drawing for a flat county: {}", p.height);
        let one = Projection::fit(&[LatLon { lat: 25.0, lon: 100.0 }]);
        let (x, y) = one.xy(LatLon { lat: 25.0, lon: 100.0 });
        assert_eq!((x, y), (WIDTH / 2.0, one.height / 2.0));
        assert!(Projection::fit(&[]).height > 0.0);
    }

    #[test]
    fn every_stop_is_drawn_once_and_every_route_has_its_line_and_legend() {
        let hubs = [place("HUB", 25.5, 100.5)];
        let stations: Vec<MapPlace> = (0..175)
            .map(|i| place(&format!("S{i:03}"), 25.0 + (i % 13) as f64 * 0.08, 100.0 + (i / 13) as f64 * 0.07))
            .collect();
        let routes = vec![
            MapRoute { vehicle: "V1".into(), depot: "HUB".into(), stops: vec!["S001".into(), "S010".into()] },
            // S010 again on a second route, and a stop with no coordinates.
            MapRoute {
                vehicle: "V2".into(),
                depot: "HUB".into(),
                stops: vec!["S010".into(), "S100".into(), "GONE".into()],
            },
        ];
        let out = svg(&hubs, &stations, &routes, &words(2));
        assert_eq!(out.matches("<g class=stop ").count(), 3, "S001, S010, S100 once each");
        for code in ["S001", "S010", "S100"] {
            assert_eq!(out.matches(&format!("data-code=\"{code}\"")).count(), 1, "{code} once");
        }
        assert!(!out.contains("GONE"), "a place without coordinates is not drawn");
        assert_eq!(out.matches("<circle cx=").count(), 175 + 3 + 1, "every station's dot, the stops, the legend's dot");
        assert_eq!(out.matches("class=route ").count(), 2);
        assert_eq!(out.matches("class=legend-route ").count(), 2);
        assert!(out.contains("车0") && out.contains("车1") && out.contains("县仓") && out.contains("服务站"));
        assert!(out.contains("线路图 &lt;plan&gt;"), "words are escaped");
        // V2's line: depot, S010, S100, depot — four points; the unknown stop is skipped.
        let v2 = out.split("data-vehicle=\"V2\"").nth(1).unwrap();
        let pts = v2.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(pts.split(' ').count(), 4, "{pts}");
        // Every coordinate lies inside the drawing.
        let view: Vec<f64> = out
            .split("viewBox=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        for c in out.split("cx=\"").skip(1) {
            let x: f64 = c.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=view[2]).contains(&x));
        }
    }

    #[test]
    fn a_whole_county_of_175_stops_on_12_trucks_stays_small() {
        let hubs = [place("HUB", 25.5, 100.5)];
        let stations: Vec<MapPlace> = (0..175)
            .map(|i| {
                place(
                    &format!("ST-T{:02}-V{:02}", i / 15, i % 15),
                    25.0 + (i % 13) as f64 * 0.08,
                    100.0 + (i / 13) as f64 * 0.07,
                )
            })
            .collect();
        let routes: Vec<MapRoute> = (0..12)
            .map(|k| MapRoute {
                vehicle: format!("V{k:02}"),
                depot: "HUB".into(),
                stops: stations.iter().skip(k).step_by(12).map(|s| s.code.clone()).collect(),
            })
            .collect();
        let out = svg(&hubs, &stations, &routes, &words(12));
        assert_eq!(out.matches("<g class=stop ").count(), 175);
        assert_eq!(out.matches("<title>").count(), 175, "every stop keeps its code as a tooltip");
        // The labels that were placed do not overlap one another.
        let mut boxes = Vec::new();
        for t in out.split("<text x=\"").skip(1) {
            let num = |k: &str| -> f64 { t.split(k).nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
            let x: f64 = t.split('"').next().unwrap().parse().unwrap();
            let y = num("y=\"");
            let anchor = if t.contains("text-anchor=\"end\"") {
                Anchor::End
            } else if t.contains("text-anchor=\"middle\"") {
                Anchor::Middle
            } else {
                Anchor::Start
            };
            let text = t.split('>').nth(1).unwrap().split('<').next().unwrap();
            if text.starts_with("ST-") {
                boxes.push(Labels::bounds(x, y, text, LABEL_FONT, anchor));
            }
        }
        assert!(boxes.len() > 40, "most stops are labelled even this close together: {}", boxes.len());
        for (i, a) in boxes.iter().enumerate() {
            let others = Labels { boxes: boxes[i + 1..].to_vec() };
            assert!(others.free(a), "label {i} overlaps another");
        }
        // Plain text well under the page budget even before compression (about a fifth after).
        assert!(out.len() < 64 * 1024, "{} bytes", out.len());
    }

    #[test]
    fn the_eleventh_route_keeps_a_colour_but_changes_its_dash() {
        assert_eq!(style_of(0).0, style_of(10).0);
        assert_ne!(style_of(0).1, style_of(10).1);
        assert_ne!(style_of(0).0, style_of(1).0);
    }
}
