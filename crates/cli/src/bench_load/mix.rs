//! The operations of the mix, each a short user story of requests: a browser searching and
//! opening a listing, an agent placing and paying (cash) an order for a villager, an agent
//! registering a villager at the station, an agent handing a delivered parcel over by its code.

use super::MixKind;
use super::report::Stats;
use super::world::{self, World};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Browse,
    Order,
    /// Station work. Issue 4's intake has no endpoint yet, so this registers a villager at the
    /// station, the agent's other everyday write.
    Station,
    Accept,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Browse => "browse",
            Op::Order => "order (place+pay)",
            Op::Station => "station (register villager)",
            Op::Accept => "accept (hand-over)",
        }
    }
}

impl MixKind {
    /// The share of operations that are orders: turns an order rate into an operation rate.
    pub fn order_share(self) -> f64 {
        match self {
            MixKind::Full => 0.25,
            MixKind::Orders => 1.0,
        }
    }

    fn pick(self, x: f64) -> Op {
        match self {
            MixKind::Orders => Op::Order,
            MixKind::Full if x < 0.60 => Op::Browse,
            MixKind::Full if x < 0.85 => Op::Order,
            MixKind::Full if x < 0.95 => Op::Station,
            MixKind::Full => Op::Accept,
        }
    }
}

#[derive(Clone)]
pub struct Runner {
    pub http: reqwest::Client,
    pub world: Arc<World>,
    pub stats: Arc<Stats>,
    pub mix: MixKind,
}

static PHONES: AtomicU64 = AtomicU64::new(0);

impl Runner {
    /// Runs one operation of the mix as virtual user `vu`; its latency counts from `planned`.
    pub async fn one(&self, vu: usize, planned: Instant) {
        let op = self.mix.pick(rand::random::<f64>());
        let ok = match op {
            Op::Browse => self.browse().await,
            Op::Order => self.order(vu).await.is_some(),
            Op::Station => self.register(vu).await,
            Op::Accept => self.accept(vu).await,
        };
        self.stats.op(op.name(), planned.elapsed(), ok);
    }

    fn county(&self) -> String {
        format!("{}/api/v1/counties/{}", self.world.base, self.world.county)
    }

    fn write(&self, token: &str, path: String, body: Value) -> RequestBuilder {
        self.http
            .request(Method::POST, format!("{}{path}", self.county()))
            .bearer_auth(token)
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .json(&body)
    }

    /// Sends one request, records its latency under `req`, and returns the body when it succeeded.
    async fn send(&self, req: &'static str, rb: RequestBuilder) -> Option<Value> {
        let t = Instant::now();
        match rb.send().await {
            Ok(r) => {
                let status = r.status();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                self.stats.request(req, t.elapsed(), status.is_success());
                if status.is_success() {
                    return Some(body);
                }
                let kind = body["type"].as_str().unwrap_or("");
                self.stats.error(format!("{req}: {} {kind}", status.as_u16()));
                None
            }
            Err(e) => {
                self.stats.request(req, t.elapsed(), false);
                let why = if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connect"
                } else {
                    "transport"
                };
                self.stats.error(format!("{req}: {why}"));
                None
            }
        }
    }

    async fn browse(&self) -> bool {
        let w = &self.world;
        let token = &w.agents[rand::random_range(0..w.agents.len())].token;
        let q = world::SEARCHES[rand::random_range(0..world::SEARCHES.len())];
        let search = self.http.get(format!("{}/listings", self.county())).query(&[("q", q), ("limit", "20")]);
        let found = self.send("GET listings?q", search.bearer_auth(token)).await;
        if w.browse_listings.is_empty() {
            return found.is_some();
        }
        let id = &w.browse_listings[rand::random_range(0..w.browse_listings.len())];
        let one = self.http.get(format!("{}/listings/{id}", self.county())).bearer_auth(token);
        found.is_some() & self.send("GET listings/{id}", one).await.is_some()
    }

    /// Places an order for the agent's villager and takes the cash; returns (order id, pickup code).
    async fn order(&self, vu: usize) -> Option<(String, String)> {
        let w = &self.world;
        let a = &w.agents[vu % w.agents.len()];
        let listing = &w.order_listings[rand::random_range(0..w.order_listings.len())];
        let units = rand::random_range(1..=3);
        let body = json!({"buyer_id": a.villager_id, "lines": [{"listing_id": listing, "units": units}]});
        let o = self.send("POST orders", self.write(&a.token, "/orders".into(), body)).await?;
        let id = o["id"].as_str()?.to_string();
        let code = o["pickup_code"].as_str()?.to_string();
        let pay = self.write(&a.token, format!("/orders/{id}/pay"), json!({"method": "cash"}));
        self.send("POST orders/{id}/pay", pay).await?;
        Some((id, code))
    }

    async fn register(&self, vu: usize) -> bool {
        let w = &self.world;
        let a = &w.agents[vu % w.agents.len()];
        let n = w.phone_base + PHONES.fetch_add(1, Ordering::Relaxed);
        let body = json!({"role": "buyer", "buyer_kind": "consumer", "name": format!("村民{n}"),
            "phone": format!("100{:08}", n % 100_000_000), "village_id": a.village_id});
        self.send("POST people", self.write(&a.token, "/people".into(), body)).await.is_some()
    }

    /// Hands over a delivered order; when the prepared ones are used up, one more is taken
    /// through the staff's move chain first (those requests count under their own names).
    async fn accept(&self, vu: usize) -> bool {
        let w = &self.world;
        let next = w.delivered.lock().ok().and_then(|mut d| d.pop());
        let d = match next {
            Some(d) => d,
            None => match self.deliver_through_chain(vu).await {
                Some(d) => d,
                None => return false,
            },
        };
        let token = &w.agents[d.agent].token;
        let hand =
            self.write(token, format!("/stations/{}/handover", d.station_id), json!({"pickup_code": d.pickup_code}));
        self.send("POST stations/{id}/handover", hand).await.is_some()
    }

    async fn deliver_through_chain(&self, vu: usize) -> Option<world::Delivered> {
        let w = &self.world;
        let agent = vu % w.agents.len();
        let (id, code) = self.order(agent).await?;
        for (req, token, mv) in [
            ("POST orders/{id}/confirm", &w.supplier, "confirm"),
            ("POST orders/{id}/pack", &w.operator, "pack"),
            ("POST orders/{id}/ship", &w.driver, "ship"),
            ("POST orders/{id}/deliver", &w.driver, "deliver"),
        ] {
            self.send(req, self.write(token, format!("/orders/{id}/{mv}"), json!({}))).await?;
        }
        Some(world::Delivered { agent, station_id: w.agents[agent].station_id.clone(), pickup_code: code })
    }
}
