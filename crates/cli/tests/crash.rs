//! The crash test: the real `uplink serve` binary as a child process, agents placing and paying
//! orders against it with retries under the same Idempotency-Key, and `kill -9` at random
//! moments, then a restart, again and again. At the end every acknowledged order exists exactly
//! once, the stock was never oversold, the trial balance is zero and no escrow hold is orphaned.
//!
//! On SQLite by default, on PostgreSQL when `UPLINK_TEST_DB` names a server (a schema of its own).
//! `UPLINK_CRASH_CYCLES` sets the number of kills (5 by default, 20 in the benchmark mode).

use rand::Rng;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::RwLock;
use uplink_core::ledger::AccountKey;
use uplink_core::{CountyId, OrderId, StationId};
use uplink_store::{Db, DbUrl};

const PASSWORD: &str = "uplink-demo";
/// Units listed per crash cycle: enough that orders flow through most cycles and run out near
/// the end, so the sold-out refusal is crashed into too.
const STOCK_PER_CYCLE: i64 = 250;
const CLIENTS: usize = 4;

/// `uplink demo --no-serve --no-trade`: seeds the county (no demo orders, so every order counted is ours) and returns the demo log-ins by role.
async fn seed(db: &str) -> BTreeMap<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_uplink"))
        .args(["demo", "--no-serve", "--no-trade", "--db", db])
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run uplink demo");
    assert!(out.status.success(), "uplink demo failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.to_string()))
        })
        .filter(|(role, user)| !role.contains(':') && !user.contains(':'))
        .collect()
}

struct Server {
    child: Child,
    base: String,
}

/// Starts `uplink serve` on a free port and waits until it says where it listens.
async fn start(db: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_uplink"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start uplink serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("the server starts within a minute")
        .expect("read stdout")
        .expect("the server prints its address");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, base: format!("http://{addr}") }
}

impl Server {
    /// `kill -9`: no shutdown, no flush, no goodbye.
    async fn kill9(mut self) {
        self.child.start_kill().expect("SIGKILL");
        let _ = self.child.wait().await;
    }
}

async fn call(http: &reqwest::Client, base: &str, token: &str, path: &str, key: Option<&str>, body: Value) -> Value {
    let mut rb = http.post(format!("{base}{path}")).bearer_auth(token).json(&body);
    if let Some(k) = key {
        rb = rb.header("Idempotency-Key", k);
    }
    let r = rb.send().await.expect("request");
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(s.is_success(), "{path}: {s} {v}");
    v
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    let r = http.get(format!("{base}{path}")).bearer_auth(token).send().await.expect("request");
    assert!(r.status().is_success(), "GET {path}: {}", r.status());
    r.json().await.expect("json")
}

async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let v = call(http, base, "", "/api/v1/auth/token", None, json!({"username": user, "password": PASSWORD})).await;
    v["token"].as_str().expect("token").to_string()
}

/// What one client saw acknowledged.
#[derive(Debug, Default)]
struct Seen {
    /// Idempotency key of the placing → (order id, units), for every 201.
    placed: BTreeMap<String, (String, i64)>,
    /// Orders whose payment was acknowledged.
    paid: BTreeSet<String>,
    /// Placings refused because the stock ran out (a 409: nothing written, nothing owed).
    sold_out: usize,
}

/// Sends a write until the server answers it (a dead server, a timeout or a 5xx is retried under
/// the same key); returns the status and body of the answer.
async fn until_answered(
    http: &reqwest::Client,
    base: &RwLock<String>,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    for _ in 0..2000 {
        let b = base.read().await.clone();
        let r = http
            .post(format!("{b}{path}"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .timeout(Duration::from_secs(10))
            .json(body)
            .send()
            .await;
        if let Ok(r) = r {
            let s = r.status();
            if !s.is_server_error()
                && let Ok(v) = r.json::<Value>().await
            {
                return (s, v);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} was never answered");
}

struct Story {
    county: String,
    agent: String,
    villager: String,
    listing: String,
}

async fn client(http: reqwest::Client, base: Arc<RwLock<String>>, s: Arc<Story>, stop: Arc<AtomicBool>) -> Seen {
    let mut seen = Seen::default();
    let orders = format!("/api/v1/counties/{}/orders", s.county);
    while !stop.load(Ordering::Relaxed) {
        let key = uuid::Uuid::now_v7().to_string();
        let units: i64 = rand::rng().random_range(1..=2);
        let body = json!({"buyer_id": s.villager, "lines": [{"listing_id": s.listing, "units": units}]});
        let (st, v) = until_answered(&http, &base, &s.agent, &orders, &key, &body).await;
        if st == StatusCode::CONFLICT {
            seen.sold_out += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        assert_eq!(st, StatusCode::CREATED, "placing: {v}");
        let id = v["id"].as_str().expect("order id").to_string();
        seen.placed.insert(key, (id.clone(), units));
        let pay_key = uuid::Uuid::now_v7().to_string();
        let (st, v) =
            until_answered(&http, &base, &s.agent, &format!("{orders}/{id}/pay"), &pay_key, &json!({"method": "cash"}))
                .await;
        assert_eq!(st, StatusCode::OK, "paying: {v}");
        seen.paid.insert(id);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_acknowledged_before_a_kill_9_survive_it_exactly_once_and_the_books_balance() {
    let cycles: usize = std::env::var("UPLINK_CRASH_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let initial_stock = STOCK_PER_CYCLE * cycles as i64;
    let db = uplink_store::scratch::fresh_db_url("crash").await;
    let logins = seed(&db).await;
    let http = reqwest::Client::new();

    // The supplier lists a rice cooker with a small stock; an agent registers a villager.
    let server = start(&db).await;
    let agent = login(&http, &server.base, &logins["agent"]).await;
    let supplier = login(&http, &server.base, &logins["supplier"]).await;
    let me = get(&http, &server.base, &agent, "/api/v1/me").await;
    let county = me["memberships"][0]["county_id"].as_str().expect("county").to_string();
    let c = format!("/api/v1/counties/{county}");
    let sup_me = get(&http, &server.base, &supplier, "/api/v1/me").await;
    let p = call(&http, &server.base, &supplier, &format!("{c}/products"), Some("crash-product"), json!({
        "direction": "downlink", "category": "appliances", "name": "电饭煲 崩溃测试", "name_en": "Crash-test rice cooker",
        "sale_unit": "piece", "unit_grams": 3500, "unit_cm3": 18000, "storage_class": "ambient",
        "shelf_life_days": 3650, "tolerance_bps": 0})).await;
    let l = call(
        &http,
        &server.base,
        &supplier,
        &format!("{c}/listings"),
        Some("crash-listing"),
        json!({
        "product_id": p["id"], "seller_id": sup_me["memberships"][0]["person_id"], "price_fen": 19900,
        "stock_units": initial_stock, "min_order_units": 1}),
    )
    .await;
    let agent_pid = me["memberships"][0]["person_id"].as_str().expect("person").to_string();
    let operator = login(&http, &server.base, &logins["operator"]).await;
    let agent_rec = get(&http, &server.base, &operator, &format!("{c}/people/{agent_pid}")).await;
    let villager = call(
        &http,
        &server.base,
        &agent,
        &format!("{c}/people"),
        Some("crash-villager"),
        json!({
        "role": "buyer", "buyer_kind": "consumer", "name": "杨奶奶", "phone": "10099990001",
        "village_id": agent_rec["village_id"]}),
    )
    .await;
    let story = Arc::new(Story {
        county: county.clone(),
        agent,
        villager: villager["id"].as_str().expect("villager").to_string(),
        listing: l["id"].as_str().expect("listing").to_string(),
    });

    // Orders flow while the server is killed and restarted.
    let base = Arc::new(RwLock::new(server.base.clone()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> =
        (0..CLIENTS).map(|_| tokio::spawn(client(http.clone(), base.clone(), story.clone(), stop.clone()))).collect();
    let mut server = server;
    for cycle in 0..cycles {
        let up_ms = rand::rng().random_range(300..2000);
        tokio::time::sleep(Duration::from_millis(up_ms)).await;
        server.kill9().await;
        // Clients hammer the dead address for a moment: connection refused, retried.
        tokio::time::sleep(Duration::from_millis(rand::rng().random_range(0..300))).await;
        server = start(&db).await;
        *base.write().await = server.base.clone();
        eprintln!("crash cycle {}: killed after {up_ms} ms, restarted at {}", cycle + 1, server.base);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut seen = Seen::default();
    for c in clients {
        let s = c.await.expect("client");
        seen.placed.extend(s.placed);
        seen.paid.extend(s.paid);
        seen.sold_out += s.sold_out;
    }
    assert!(!seen.placed.is_empty(), "some orders were placed");
    eprintln!("{} orders acknowledged, {} refused as sold out, {cycles} kills", seen.placed.len(), seen.sold_out);

    // A retry of any acknowledged placing, after all the crashes, answers the same order.
    let orders = format!("/api/v1/counties/{county}/orders");
    for (key, (id, units)) in &seen.placed {
        let body = json!({"buyer_id": story.villager, "lines": [{"listing_id": story.listing, "units": units}]});
        let r = http
            .post(format!("{}{orders}", server.base))
            .bearer_auth(&story.agent)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .expect("replay");
        let s = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["id"], id.as_str(), "the replay answers the first order");
    }
    server.kill9().await;

    // Now the books, straight from the database.
    let db = Db::connect(&DbUrl::parse(&db).expect("url")).await.expect("open");
    let county: CountyId = county.parse().expect("county id");
    let mut conn = db.reader().await.expect("reader");
    let rows = sqlx::query("SELECT order_id, state, total_fen FROM orders WHERE county_id = $1 AND buyer_id = $2")
        .bind(county.to_string())
        .bind(&story.villager)
        .fetch_all(&mut *conn)
        .await
        .expect("orders");
    use sqlx::Row;
    let in_db: BTreeMap<String, (String, i64)> = rows
        .iter()
        .map(|r| (r.get::<String, _>("order_id"), (r.get::<String, _>("state"), r.get::<i64, _>("total_fen"))))
        .collect();
    assert_eq!(in_db.len(), rows.len());
    let acked: BTreeSet<&String> = seen.placed.values().map(|(id, _)| id).collect();
    assert_eq!(acked.len(), seen.placed.len(), "one order per key");
    assert_eq!(in_db.keys().collect::<BTreeSet<_>>(), acked, "every acknowledged order exactly once, and no other");
    for (id, (state, _)) in &in_db {
        assert!(seen.paid.contains(id), "every order was paid");
        assert_eq!(state, "paid", "{id}");
    }

    // Stock: what is left and what orders took add up to what was listed, and never below zero.
    let stock: i64 = sqlx::query_scalar("SELECT stock_units FROM listings WHERE county_id = $1 AND listing_id = $2")
        .bind(county.to_string())
        .bind(&story.listing)
        .fetch_one(&mut *conn)
        .await
        .expect("stock");
    let taken: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.units), 0) AS BIGINT) FROM order_lines l JOIN orders o \
         ON o.county_id = l.county_id AND o.order_id = l.order_id \
         WHERE l.county_id = $1 AND l.listing_id = $2 AND o.state <> 'cancelled'",
    )
    .bind(county.to_string())
    .bind(&story.listing)
    .fetch_one(&mut *conn)
    .await
    .expect("taken");
    assert!(stock >= 0);
    assert_eq!(stock + taken, initial_stock, "never oversold, nothing lost");

    // The books: balanced, each paid order's escrow holds its total, no other escrow holds money.
    let tb = uplink_store::ledger::reports::trial_balance(&mut conn, county).await.expect("trial balance");
    assert!(tb.balanced && tb.difference == 0 && tb.pending_difference == 0, "{tb:?}");
    let mut cash = 0;
    for (id, (_, total)) in &in_db {
        let oid: OrderId = id.parse().expect("order id");
        let held = uplink_store::ledger::balance(&mut conn, county, AccountKey::Escrow(oid)).await.expect("escrow");
        assert_eq!(held.balance.0, *total, "escrow of {id}");
        cash += total;
    }
    let escrows: Vec<String> =
        sqlx::query_scalar("SELECT account_id FROM ledger_accounts WHERE county_id = $1 AND kind = 'escrow'")
            .bind(county.to_string())
            .fetch_all(&mut *conn)
            .await
            .expect("escrow accounts");
    for a in escrows {
        let key = AccountKey::parse(&a).expect("account key");
        let held = uplink_store::ledger::balance(&mut conn, county, key).await.expect("balance");
        let known = key.owner().map(|o| in_db.contains_key(&o.hyphenated().to_string())).unwrap_or(false);
        assert!(known || held.balance.0 == 0, "orphaned escrow {a} holds {}", held.balance.0);
    }
    let station: StationId = agent_rec["station_id"].as_str().expect("station").parse().expect("station id");
    let drawer =
        uplink_store::ledger::balance(&mut conn, county, AccountKey::StationCash(station)).await.expect("cash");
    assert_eq!(drawer.balance.0, cash, "the drawer holds exactly the cash of the paid orders");
    drop(conn);
    db.close().await;
}
