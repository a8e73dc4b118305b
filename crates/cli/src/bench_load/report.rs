//! Counting what the load did: an HDR histogram of latencies per operation and per request,
//! errors by kind, and the report as a table or JSON.

use super::LoadArgs;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

struct Series {
    /// Microseconds, 1 µs to 10 min, 3 significant figures.
    hist: Histogram<u64>,
    ok: u64,
    failed: u64,
}

impl Series {
    fn new() -> Series {
        // The bounds are constants that hdrhistogram accepts; failing here is a programming error.
        let hist = Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds");
        Series { hist, ok: 0, failed: 0 }
    }

    fn add(&mut self, d: Duration, ok: bool) {
        // Saturates at the upper bound rather than dropping a sample.
        self.hist.saturating_record((d.as_micros() as u64).max(1));
        if ok {
            self.ok += 1;
        } else {
            self.failed += 1;
        }
    }
}

#[derive(Default)]
struct Inner {
    ops: BTreeMap<&'static str, Series>,
    requests: BTreeMap<&'static str, Series>,
    errors: BTreeMap<String, u64>,
}

/// Shared by every virtual user; a mutex is cheap next to a request.
#[derive(Default)]
pub struct Stats {
    inner: Mutex<Inner>,
}

impl Stats {
    pub fn op(&self, name: &'static str, d: Duration, ok: bool) {
        if let Ok(mut i) = self.inner.lock() {
            i.ops.entry(name).or_insert_with(Series::new).add(d, ok);
        }
    }

    pub fn request(&self, name: &'static str, d: Duration, ok: bool) {
        if let Ok(mut i) = self.inner.lock() {
            i.requests.entry(name).or_insert_with(Series::new).add(d, ok);
        }
    }

    pub fn error(&self, kind: String) {
        if let Ok(mut i) = self.inner.lock() {
            *i.errors.entry(kind).or_insert(0) += 1;
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub name: String,
    pub count: u64,
    pub ok: u64,
    pub failed: u64,
    pub per_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

pub struct Report {
    pub target: String,
    pub settings: Value,
    pub elapsed_s: f64,
    pub ops: Vec<Row>,
    pub requests: Vec<Row>,
    pub errors: BTreeMap<String, u64>,
    /// Orders placed and paid per second: the figure the targets are stated in.
    pub orders_per_s: f64,
    pub order_p99_ms: f64,
}

fn rows(m: &BTreeMap<&'static str, Series>, secs: f64) -> Vec<Row> {
    let ms = |us: u64| us as f64 / 1000.0;
    m.iter()
        .map(|(name, s)| Row {
            name: name.to_string(),
            count: s.ok + s.failed,
            ok: s.ok,
            failed: s.failed,
            per_s: s.ok as f64 / secs,
            p50_ms: ms(s.hist.value_at_quantile(0.50)),
            p95_ms: ms(s.hist.value_at_quantile(0.95)),
            p99_ms: ms(s.hist.value_at_quantile(0.99)),
            max_ms: ms(s.hist.max()),
        })
        .collect()
}

impl Report {
    pub fn new(stats: &Stats, elapsed: Duration, a: &LoadArgs, target: &str) -> Report {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let (ops, requests, errors) = match stats.inner.lock() {
            Ok(i) => (rows(&i.ops, secs), rows(&i.requests, secs), i.errors.clone()),
            Err(_) => (Vec::new(), Vec::new(), BTreeMap::new()),
        };
        let order = ops.iter().find(|r| r.name.starts_with("order"));
        Report {
            target: target.to_string(),
            settings: json!({
                "mix": format!("{:?}", a.mix).to_lowercase(), "concurrency": a.concurrency, "rate_orders_per_s": a.rate,
                "duration_s": a.duration, "requests": a.requests,
            }),
            elapsed_s: secs,
            orders_per_s: order.map(|r| r.per_s).unwrap_or(0.0),
            order_p99_ms: order.map(|r| r.p99_ms).unwrap_or(0.0),
            ops,
            requests,
            errors,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "target": self.target, "settings": self.settings, "elapsed_s": self.elapsed_s,
            "orders_per_s": self.orders_per_s, "order_p99_ms": self.order_p99_ms,
            "operations": self.ops, "requests": self.requests, "errors": self.errors,
        })
    }

    pub fn table(&self) -> String {
        let mut out =
            format!("target: {}\nsettings: {}\nelapsed: {:.1} s\n", self.target, self.settings, self.elapsed_s);
        for (title, rows) in [("operation", &self.ops), ("request", &self.requests)] {
            out.push_str(&format!(
                "\n{title:<30} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}\n",
                "ok", "failed", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"
            ));
            for r in rows {
                out.push_str(&format!(
                    "{:<30} {:>8} {:>7} {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}\n",
                    r.name, r.ok, r.failed, r.per_s, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms
                ));
            }
        }
        out.push_str(&format!(
            "\norders placed and paid: {:.1} per second, p99 {:.1} ms\n",
            self.orders_per_s, self.order_p99_ms
        ));
        if self.errors.is_empty() {
            out.push_str("errors: none\n");
        } else {
            out.push_str("errors by kind:\n");
            for (k, n) in &self.errors {
                out.push_str(&format!("  {n:>8}  {k}\n"));
            }
        }
        out
    }
}
