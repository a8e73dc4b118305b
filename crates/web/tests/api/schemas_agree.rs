//! The two schemas agree: the same records created through the API on SQLite and on
//! PostgreSQL read back identically (ids aside). Runs in the PostgreSQL pass of the suite,
//! where it also starts a SQLite server to compare with.

use crate::helpers::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use uplink_service::{Db, DbUrl};

/// Creates a county with its network and people on a fresh server, and reads it all back
/// without ids (they are fresh UUIDs per backend).
async fn build_and_read(url: String) -> Value {
    let db = Db::open(&DbUrl::parse(&url).unwrap()).await.unwrap();
    uplink_service::people::create_user_cli(&db, "root", PASSWORD, "Root", true).await.unwrap();
    let base = serve(db).await;
    let http = Client::new();
    let call = |m: Method, path: String, tok: Option<String>, body: Option<Value>| {
        let mut rb = http.request(m, format!("{base}{path}"));
        if let Some(t) = tok {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send()
    };
    let tok: Value =
        call(Method::POST, "/api/v1/auth/token".into(), None, Some(json!({"username": "root", "password": PASSWORD})))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let t = Some(tok["token"].as_str().unwrap().to_string());
    let post = |path: String, body: Value| {
        let t = t.clone();
        let call = &call;
        async move {
            let r = call(Method::POST, path, t, Some(body)).await.unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            r.json::<Value>().await.unwrap()
        }
    };
    let county = post(
        "/api/v1/counties".into(),
        json!({"code": "BCX", "name": "宾川县", "centre": {"lat": 25.8312347, "lon": 100.5712349}}),
    )
    .await;
    let c = county["id"].as_str().unwrap().to_string();
    let tw = post(
        format!("/api/v1/counties/{c}/townships"),
        json!({"code": "JN", "name": "金牛镇", "seat": {"lat": 25.83, "lon": 100.57}}),
    )
    .await;
    let v = post(format!("/api/v1/counties/{c}/villages"), json!({"township_id": tw["id"], "code": "JN-01", "name": "萂村",
        "location": {"lat": 25.8412345, "lon": 100.5898765}, "population": 2310, "households": 701, "road_class": "gravel"})).await;
    post(
        format!("/api/v1/counties/{c}/hubs"),
        json!({"code": "HUB", "name": "县物流中心", "kind": "county_hub", "location": {"lat": 25.82, "lon": 100.56}}),
    )
    .await;
    let s = post(
        format!("/api/v1/counties/{c}/stations"),
        json!({"village_id": v["id"], "code": "ST-JN-01", "name": "萂村服务站",
        "opening_hours": "08:00-20:00", "cold_storage_kg": 1500, "certified_scale": true}),
    )
    .await;
    post(
        format!("/api/v1/counties/{c}/people"),
        json!({"role": "agent", "name": "段丽", "phone": "10011112222", "station_id": s["id"],
        "account": {"username": "duan.li", "password": PASSWORD}}),
    )
    .await;
    post(
        format!("/api/v1/counties/{c}/people"),
        json!({"role": "farmer", "name": "杨大爹", "phone": "10033334444", "village_id": v["id"], "household_size": 5}),
    )
    .await;
    post(
        format!("/api/v1/counties/{c}/people"),
        json!({"role": "buyer", "name": "昆明某餐厅", "buyer_kind": "business"}),
    )
    .await;

    let mut out = json!({});
    for coll in ["townships", "villages", "hubs", "stations", "people"] {
        let r: Value = call(Method::GET, format!("/api/v1/counties/{c}/{coll}?limit=200"), t.clone(), None)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out[coll] = r;
    }
    out["county"] = county;
    strip_ids(&mut out);
    out
}

fn strip_ids(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| k != "id" && !k.ends_with("_id"));
            m.values_mut().for_each(strip_ids);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

#[tokio::test]
async fn the_same_records_read_back_identically_on_sqlite_and_postgresql() {
    if !on_postgres() {
        eprintln!("skipped in the SQLite pass: this comparison runs in the PostgreSQL pass of .ci/run");
        return;
    }
    let pg = build_and_read(fresh_db_url().await).await;
    let dir = std::env::temp_dir().join("uplink-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite_url = format!("sqlite://{}", dir.join(format!("agree-{}.db", uuid::Uuid::now_v7().simple())).display());
    let lite = build_and_read(sqlite_url).await;
    assert_eq!(pg["people"]["total"], 3);
    assert_eq!(pg, lite);
}
