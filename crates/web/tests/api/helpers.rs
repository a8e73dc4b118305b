//! The test harness: `spawn_app` starts the real server on 127.0.0.1:0 over a fresh database
//! (chosen by `UPLINK_TEST_DB`) holding two generated counties, and gives clients per role.

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;
use uplink_service::demo::{SeedOptions, Seeded, seed};
use uplink_service::{Db, DbUrl};
use uplink_web::state::AppState;

pub const PASSWORD: &str = "test-password-1";

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// County A: the one most tests act in.
    pub a: Seeded,
    /// County B: another county, whose users must never see A's records.
    pub b: Seeded,
    pub http: Client,
}

/// A fresh database URL: a temporary SQLite file, or a new schema on the PostgreSQL server.
pub async fn fresh_db_url() -> String {
    uplink_store::scratch::fresh_db_url("t").await
}

pub fn on_postgres() -> bool {
    std::env::var("UPLINK_TEST_DB").map(|u| u.starts_with("postgres")).unwrap_or(false)
}

/// Starts a server over `url` and returns its base address.
pub async fn serve(db: Db) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let st = AppState::new(db, false);
    tokio::spawn(async move {
        uplink_web::serve(st, listener, std::future::pending()).await.expect("serve");
    });
    format!("http://{addr}")
}

pub async fn spawn_app() -> TestApp {
    let url = fresh_db_url().await;
    let db = Db::open(&DbUrl::parse(&url).expect("url")).await.expect("open test database");
    let small = uplink_sim::CountySize::small();
    let a = seed(
        &db,
        &uplink_sim::generate(11, &small),
        PASSWORD,
        &SeedOptions { username_prefix: "a-".into(), with_admin: true },
        &|_, _| {},
    )
    .await
    .expect("seed county A");
    let b = seed(
        &db,
        &uplink_sim::generate(22, &small),
        PASSWORD,
        &SeedOptions { username_prefix: "b-".into(), with_admin: false },
        &|_, _| {},
    )
    .await
    .expect("seed county B");
    let base = serve(db.clone()).await;
    TestApp { base, db, a, b, http: Client::new() }
}

impl TestApp {
    /// The demo user name of `role` in county A (`admin` for the platform admin).
    pub fn user_a(&self, role: &str) -> String {
        account(&self.a, role)
    }

    pub fn user_b(&self, role: &str) -> String {
        account(&self.b, role)
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("token request");
        assert_eq!(r.status(), StatusCode::OK, "log-in of {username}");
        r.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_string()
    }

    pub async fn call(&self, token: Option<&str>, method: Method, path: &str, body: Option<&Value>) -> Response {
        self.call_with(token, method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        rb.send().await.expect("request")
    }

    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let r = self.call(Some(token), Method::GET, path, None).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("json")
    }

    /// The first id in a list endpoint of county A.
    pub async fn first_id(&self, token: &str, collection: &str) -> String {
        let v = self.get_json(token, &format!("/api/v1/counties/{}/{collection}?limit=1", self.a.county_id)).await;
        v["items"][0]["id"].as_str().expect("an item").to_string()
    }
}

pub fn account(s: &Seeded, role: &str) -> String {
    s.accounts.iter().find(|(r, _)| r == role).map(|(_, u)| u.clone()).unwrap_or_else(|| panic!("no {role} account"))
}

/// Asserts a problem-details answer with `status` that names `field` (when given), and returns it.
pub async fn assert_problem(r: Response, status: StatusCode, field: Option<&str>) -> Value {
    assert_eq!(r.status(), status);
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(ct, "application/problem+json");
    let v: Value = r.json().await.expect("problem body");
    assert!(v["type"].as_str().is_some_and(|t| t.starts_with("/problems/")), "{v}");
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{v}");
    assert_eq!(v["status"], status.as_u16());
    if let Some(f) = field {
        let fields: Vec<&str> =
            v["errors"].as_array().map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect()).unwrap_or_default();
        assert!(fields.contains(&f), "expected field {f} in {v}");
        for e in v["errors"].as_array().into_iter().flatten() {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "each error has a message: {v}");
        }
    }
    v
}
