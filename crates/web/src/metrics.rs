//! Prometheus metrics: request counts and latency histograms by route and status, in the text
//! exposition format at `/metrics`. A few dozen lines serve us better than a metrics framework.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum_s: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    by_route: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut m) = self.by_route.lock() else { return };
        let s = m.entry((method.to_string(), route.to_string(), status)).or_default();
        s.count += 1;
        s.sum_s += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP uplink_http_requests_total HTTP requests by route and status.");
        let _ = writeln!(out, "# TYPE uplink_http_requests_total counter");
        let Ok(m) = self.by_route.lock() else { return out };
        for ((method, route, status), s) in m.iter() {
            let _ = writeln!(
                out,
                "uplink_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        let _ = writeln!(out, "# HELP uplink_http_request_duration_seconds HTTP request latency by route.");
        let _ = writeln!(out, "# TYPE uplink_http_request_duration_seconds histogram");
        for ((method, route, status), s) in m.iter() {
            let l = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "uplink_http_request_duration_seconds_bucket{{{l},le=\"{b}\"}} {}", s.buckets[i]);
            }
            let _ = writeln!(out, "uplink_http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "uplink_http_request_duration_seconds_sum{{{l}}} {}", s.sum_s);
            let _ = writeln!(out, "uplink_http_request_duration_seconds_count{{{l}}} {}", s.count);
        }
        out
    }
}

pub async fn middleware(State(st): State<crate::state::AppState>, req: Request, next: Next) -> Response {
    // The route template, not the raw path, so ids do not explode the series count.
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let t = Instant::now();
    let resp = next.run(req).await;
    st.metrics.observe(&method, &route, resp.status().as_u16(), t.elapsed().as_secs_f64());
    resp
}
