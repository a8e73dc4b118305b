//! What the load needs before it starts, made through the API like any client would: the staff
//! and one agent per virtual user logged in once (argon2 is deliberately slow, so logging in per
//! request would measure the password hash, not the trade), a villager registered by each agent,
//! bench listings with deep stock, and delivered orders waiting for their hand-over.

use anyhow::{Context, anyhow};
use serde_json::{Value, json};
use std::sync::Mutex;

/// An agent at their station, with the villager they order for.
#[derive(Debug, Clone)]
pub struct Agent {
    pub token: String,
    pub station_id: String,
    pub village_id: String,
    pub villager_id: String,
}

/// An order delivered to a station, waiting for the villager's pickup code.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub agent: usize,
    pub station_id: String,
    pub pickup_code: String,
}

pub struct World {
    pub base: String,
    pub county: String,
    pub operator: String,
    pub supplier: String,
    pub driver: String,
    pub agents: Vec<Agent>,
    /// Listings the orders buy from: the supplier's, with stock enough for any run.
    pub order_listings: Vec<String>,
    /// Every listing a browser may open.
    pub browse_listings: Vec<String>,
    pub delivered: Mutex<Vec<Delivered>>,
    /// Phones of villagers registered during the run: a per-run base, so runs do not collide.
    pub phone_base: u64,
}

/// What people type into the search box: Chinese, English and pinyin initials.
pub const SEARCHES: &[&str] = &["米", "rice", "肥", "dm", "油", "seed", "pt", "茶", "fan", "核桃"];

/// Bench goods: deep stock so a long run never sells out (selling out is a 409, not load).
const BENCH_STOCK: i64 = 50_000_000;
const BENCH_GOODS: usize = 8;

pub async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let r = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?;
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(s.is_success(), "log-in of {username}: {s} {v}");
    v["token"].as_str().map(str::to_string).ok_or_else(|| anyhow!("log-in of {username}: no token"))
}

pub async fn call(
    http: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let mut rb = http.request(method.clone(), &url).bearer_auth(token);
    if let Some(b) = body {
        rb = rb.header("Idempotency-Key", uuid::Uuid::now_v7().to_string()).json(&b);
    }
    let r = rb.send().await?;
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(s.is_success(), "{method} {url}: {s} {v}");
    Ok(v)
}

fn text(v: &Value, key: &str) -> anyhow::Result<String> {
    v[key].as_str().map(str::to_string).ok_or_else(|| anyhow!("no {key} in {v}"))
}

pub async fn prepare(
    http: &reqwest::Client,
    base: &str,
    password: &str,
    users: usize,
    delivered_wanted: usize,
) -> anyhow::Result<World> {
    let get = reqwest::Method::GET;
    let operator = login(http, base, "operator-1", password).await.context("the demo operator operator-1")?;
    let supplier = login(http, base, "supplier-01", password).await?;
    let driver = login(http, base, "driver-01", password).await?;
    let me = call(http, &supplier, get.clone(), format!("{base}/api/v1/me"), None).await?;
    let county = text(&me["memberships"][0], "county_id")?;
    let supplier_id = text(&me["memberships"][0], "person_id")?;
    let c = format!("{base}/api/v1/counties/{county}");

    let people = call(http, &operator, get.clone(), format!("{c}/people?role=agent&limit=200"), None).await?;
    let staff: Vec<(String, String, String)> = people["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p["username"].as_str()?.to_string(),
                p["station_id"].as_str()?.to_string(),
                p["village_id"].as_str()?.to_string(),
            ))
        })
        .collect();
    anyhow::ensure!(!staff.is_empty(), "the county has no agents with a log-in");
    let phone_base = 10_000_000 + (uuid::Uuid::now_v7().as_u128() % 80_000_000) as u64;

    // One agent per virtual user (agents are reused when there are more users than stations).
    let mut agents = Vec::new();
    for (i, (username, station_id, village_id)) in staff.iter().cycle().take(users).enumerate() {
        let token = login(http, base, username, password).await?;
        let villager = call(
            http,
            &token,
            reqwest::Method::POST,
            format!("{c}/people"),
            Some(json!({"role": "buyer", "buyer_kind": "consumer", "name": format!("压测村民{i}"),
                "phone": format!("100{:08}", phone_base + i as u64), "village_id": village_id})),
        )
        .await?;
        agents.push(Agent {
            token,
            station_id: station_id.clone(),
            village_id: village_id.clone(),
            villager_id: text(&villager, "id")?,
        });
    }

    let mut order_listings = Vec::new();
    for i in 0..BENCH_GOODS {
        let p = call(
            http,
            &supplier,
            reqwest::Method::POST,
            format!("{c}/products"),
            Some(json!({"direction": "downlink", "category": "groceries", "name": format!("压测商品 {i}"),
                "name_en": format!("Bench good {i}"), "sale_unit": "piece", "unit_grams": 500, "unit_cm3": 800,
                "storage_class": "ambient", "shelf_life_days": 365, "tolerance_bps": 0})),
        )
        .await?;
        let l = call(
            http,
            &supplier,
            reqwest::Method::POST,
            format!("{c}/listings"),
            Some(json!({"product_id": p["id"], "seller_id": supplier_id, "price_fen": 990 + 100 * i as i64,
                "stock_units": BENCH_STOCK, "min_order_units": 1})),
        )
        .await?;
        order_listings.push(text(&l, "id")?);
    }
    let all = call(http, &operator, get, format!("{c}/listings?limit=200"), None).await?;
    let browse_listings: Vec<String> =
        all["items"].as_array().into_iter().flatten().filter_map(|l| l["id"].as_str().map(str::to_string)).collect();

    let world = World {
        base: base.to_string(),
        county,
        operator,
        supplier,
        driver,
        agents,
        order_listings,
        browse_listings,
        delivered: Mutex::new(Vec::new()),
        phone_base: phone_base + users as u64,
    };
    prepare_deliveries(http, &world, delivered_wanted).await?;
    Ok(world)
}

/// Runs `n` orders through place, pay, confirm, pack, ship and deliver, one after another
/// (setup time is not measured, and a few hundred take seconds).
async fn prepare_deliveries(http: &reqwest::Client, w: &World, n: usize) -> anyhow::Result<()> {
    for k in 0..n {
        let d = deliver_one(http, w, k % w.agents.len(), k % w.order_listings.len()).await?;
        w.delivered.lock().map_err(|_| anyhow!("poisoned"))?.push(d);
    }
    Ok(())
}

/// One order from placing to its delivery at the agent's station, through the staff's moves.
pub async fn deliver_one(http: &reqwest::Client, w: &World, agent: usize, listing: usize) -> anyhow::Result<Delivered> {
    let a = &w.agents[agent];
    let c = format!("{}/api/v1/counties/{}", w.base, w.county);
    let post = reqwest::Method::POST;
    let o = call(
        http,
        &a.token,
        post.clone(),
        format!("{c}/orders"),
        Some(json!({"buyer_id": a.villager_id, "lines": [{"listing_id": w.order_listings[listing], "units": 1}]})),
    )
    .await?;
    let id = text(&o, "id")?;
    let code = text(&o, "pickup_code")?;
    call(http, &a.token, post.clone(), format!("{c}/orders/{id}/pay"), Some(json!({"method": "cash"}))).await?;
    call(http, &w.supplier, post.clone(), format!("{c}/orders/{id}/confirm"), Some(json!({}))).await?;
    call(http, &w.operator, post.clone(), format!("{c}/orders/{id}/pack"), Some(json!({}))).await?;
    call(http, &w.driver, post.clone(), format!("{c}/orders/{id}/ship"), Some(json!({}))).await?;
    call(http, &w.driver, post, format!("{c}/orders/{id}/deliver"), Some(json!({}))).await?;
    Ok(Delivered { agent, station_id: a.station_id.clone(), pickup_code: code })
}
