//! The catalog's stories: a supplier lists a rice cooker with its barcode and stock at the hub;
//! the station agent lists a farmer's grapes with their grades; buyers find both by Chinese,
//! pinyin initials, category, direction and village; bad input is refused naming the field and
//! writes nothing; sellers change only their own listings; other counties see nothing.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Ids the access matrix needs: products of both directions, a farmer without a login (the
/// agent acts for them) and one of their listings.
pub struct CatalogIds {
    pub uplink_product: String,
    pub downlink_product: String,
    pub farmer: String,
    pub listing: String,
}

pub async fn catalog_ids(app: &TestApp, admin: &str) -> CatalogIds {
    let c = app.a.county_id;
    let first = |v: Value| v["items"][0]["id"].as_str().unwrap().to_string();
    let farmers = app.get_json(admin, &format!("/api/v1/counties/{c}/people?role=farmer&limit=200")).await;
    let no_login: Vec<&str> = farmers["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["username"].is_null())
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let listings = app.get_json(admin, &format!("/api/v1/counties/{c}/listings?direction=uplink&limit=200")).await;
    let listing = listings["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| no_login.contains(&l["seller_id"].as_str().unwrap()))
        .expect("the demo catalog has a farm product offered by a farmer without a login");
    CatalogIds {
        uplink_product: first(app.get_json(admin, &format!("/api/v1/counties/{c}/products?direction=uplink")).await),
        downlink_product: first(
            app.get_json(admin, &format!("/api/v1/counties/{c}/products?direction=downlink")).await,
        ),
        farmer: no_login[0].to_string(),
        listing: listing["id"].as_str().unwrap().to_string(),
    }
}

/// A valid body, for `role`, of a write the access matrix makes.
pub fn matrix_body(path: &str, role: &str, ids: &CatalogIds, n: u32) -> Value {
    match (path.ends_with("products"), role) {
        (true, "supplier") => rice_cooker(&format!("电饭煲{n}"), None),
        (true, _) => grapes(&format!("葡萄{n}")),
        (false, "supplier") => json!({"product_id": ids.downlink_product, "price_fen": 19_900, "stock_units": 5}),
        (false, "farmer" | "coop") => {
            json!({"product_id": ids.uplink_product, "price_fen": 800, "offered_units": 50, "harvest_date": "2026-08-03"})
        }
        (false, _) => json!({"product_id": ids.uplink_product, "seller_id": ids.farmer, "price_fen": 800,
            "offered_units": 50, "harvest_date": "2026-08-03"}),
    }
}

fn rice_cooker(name: &str, gtin: Option<&str>) -> Value {
    json!({"direction": "downlink", "category": "appliances", "name": name, "name_en": "Rice cooker 3 L",
        "sale_unit": "piece", "unit_grams": 3200, "unit_cm3": 30000, "gtin": gtin, "shelf_life_days": 3650})
}

fn grapes(name: &str) -> Value {
    json!({"direction": "uplink", "category": "fruit", "name": name, "name_en": "Grapes", "sale_unit": "kg",
    "unit_cm3": 2200, "storage_class": "chilled", "shelf_life_days": 10, "tolerance_bps": 200,
    "grades": [
        {"code": "special", "name_zh": "特级", "name_en": "Special", "factor_bps": 12000, "criteria": "果粒 ≥ 22 mm"},
        {"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果粒 18–22 mm"},
        {"code": "second", "name_zh": "二级", "name_en": "Second", "factor_bps": 8000, "criteria": "果粒 < 18 mm"},
    ]})
}

async fn post(app: &TestApp, token: &str, what: &str, body: &Value) -> reqwest::Response {
    app.call(Some(token), Method::POST, &format!("/api/v1/counties/{}/{what}", app.a.county_id), Some(body)).await
}

async fn created(app: &TestApp, token: &str, what: &str, body: &Value) -> Value {
    let r = post(app, token, what, body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// The ids of the listings a search finds.
async fn found(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let v = app.get_json(token, &format!("/api/v1/counties/{}/listings?limit=200&{query}", app.a.county_id)).await;
    v["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect()
}

/// The person id the logged-in user holds in county A.
async fn me_in_a(app: &TestApp, token: &str) -> String {
    let me = app.get_json(token, "/api/v1/me").await;
    let a = app.a.county_id.to_string();
    let m = me["memberships"].as_array().unwrap().iter().find(|m| m["county_id"] == a.as_str()).unwrap();
    m["person_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_supplier_lists_a_rice_cooker_with_its_barcode_and_stock_and_buyers_find_it() {
    let app = spawn_app().await;
    let supplier = app.token(&app.user_a("supplier")).await;
    let p = created(&app, &supplier, "products", &rice_cooker("美的电饭煲", Some("6901234567892"))).await;
    assert_eq!((p["gtin"].as_str(), p["unit_grams"].as_i64()), (Some("6901234567892"), Some(3200)));
    assert_eq!(p["grades"], json!([]));
    assert_eq!(p["requires_certificate"], false);
    let l =
        created(&app, &supplier, "listings", &json!({"product_id": p["id"], "price_fen": 19900, "stock_units": 30}))
            .await;
    assert_eq!((l["stock_units"].as_i64(), l["offered_units"].as_i64()), (Some(30), None));
    assert_eq!((l["direction"].as_str(), l["active"].as_bool()), (Some("downlink"), Some(true)));
    assert_eq!(l["seller_id"].as_str().unwrap(), me_in_a(&app, &supplier).await);
    let id = l["id"].as_str().unwrap().to_string();

    // A villager's agent at the station searches in Chinese, in pinyin initials and in English.
    let agent = app.token(&app.user_a("agent")).await;
    for q in ["q=电饭", "q=美的", "q=mddfb", "q=DFB", "q=rice%20cooker", "category=appliances", "direction=downlink"]
    {
        assert!(found(&app, &agent, q).await.contains(&id), "{q} finds the rice cooker");
    }
    for q in ["q=葡萄", "direction=uplink", "category=fruit", "q=dfb&category=grain"] {
        assert!(!found(&app, &agent, q).await.contains(&id), "{q} does not find the rice cooker");
    }
    let same = app.get_json(&agent, &format!("/api/v1/counties/{}/listings/{id}", app.a.county_id)).await;
    assert_eq!(same, l);
    // The operator renames the product; its listings are found by the new name at once.
    let op = app.token(&app.user_a("operator")).await;
    let purl = format!("/api/v1/counties/{}/products/{}", app.a.county_id, p["id"].as_str().unwrap());
    let r = app.call(Some(&op), Method::PATCH, &purl, Some(&json!({"name": "美的智能电饭煲"}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(found(&app, &agent, "q=zndfb").await.contains(&id));
    let r = app.call(Some(&supplier), Method::PATCH, &purl, Some(&json!({"name": "电饭锅"}))).await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
    // A GTIN is unique in the county: the same barcode again is a 409 naming the field.
    let r = post(&app, &supplier, "products", &rice_cooker("电饭煲", Some("6901234567892"))).await;
    assert_problem(r, StatusCode::CONFLICT, Some("gtin")).await;
}

#[tokio::test]
async fn the_agent_lists_a_farmers_grapes_with_grades_and_buyers_find_them_by_village() {
    let app = spawn_app().await;
    let (c, agent) = (app.a.county_id, app.token(&app.user_a("agent")).await);
    let admin = app.token("admin").await;
    let ids = catalog_ids(&app, &admin).await;
    let farmer = app.get_json(&agent, &format!("/api/v1/counties/{c}/people/{}", ids.farmer)).await;
    let p = created(&app, &agent, "products", &grapes("宾川夏黑葡萄")).await;
    assert_eq!((p["unit_grams"].as_i64(), p["requires_certificate"].as_bool()), (Some(1000), Some(true)));
    let l = created(
        &app,
        &agent,
        "listings",
        &json!({"product_id": p["id"], "seller_id": ids.farmer,
        "price_fen": 799, "offered_units": 1200, "harvest_date": "2026-08-03", "min_order_units": 20}),
    )
    .await;
    // Grade prices: 7.99 × 1.2 = 9.588 → 9.59; × 0.8 = 6.392 → 6.39.
    let prices: Vec<(&str, i64)> = l["grade_prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["code"].as_str().unwrap(), g["price_fen"].as_i64().unwrap()))
        .collect();
    assert_eq!(prices, vec![("special", 959), ("first", 799), ("second", 639)]);
    assert_eq!(l["origin_village_id"], farmer["village_id"], "the farmer's village by default");
    assert_eq!((l["seller_name"].clone(), l["offered_units"].as_i64()), (farmer["name"].clone(), Some(1200)));
    let id = l["id"].as_str().unwrap().to_string();

    let buyer = app.token(&app.user_a("buyer")).await;
    let village = farmer["village_id"].as_str().unwrap();
    for q in
        ["q=夏黑", "q=bcxhpt", "q=grapes", "direction=uplink&category=fruit", format!("village_id={village}").as_str()]
    {
        assert!(found(&app, &buyer, q).await.contains(&id), "{q} finds the grapes");
    }
    let v = app.get_json(&buyer, &format!("/api/v1/counties/{c}/listings?village_id={village}&limit=200")).await;
    assert!(v["items"].as_array().unwrap().iter().all(|x| x["origin_village_id"] == village));
    assert!(!found(&app, &buyer, "direction=downlink").await.contains(&id));

    // The agent changes the farmer's price; a switched-off listing leaves the default search.
    let url = format!("/api/v1/counties/{c}/listings/{id}");
    let r = app.call(Some(&agent), Method::PATCH, &url, Some(&json!({"price_fen": 850, "active": false}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let l2: Value = r.json().await.unwrap();
    assert_eq!(l2["grade_prices"][0]["price_fen"], 1020);
    assert!(!found(&app, &buyer, "q=夏黑").await.contains(&id));
    assert!(found(&app, &buyer, "q=夏黑&include_inactive=true").await.contains(&id));
}

#[tokio::test]
async fn bad_catalog_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let (c, op) = (app.a.county_id, app.token(&app.user_a("operator")).await);
    let farmer = app.token(&app.user_a("farmer")).await;
    let admin = app.token("admin").await;
    let ids = catalog_ids(&app, &admin).await;
    let count = |what: &'static str| {
        let (app, op) = (&app, &op);
        async move {
            let v = app.get_json(op, &format!("/api/v1/counties/{c}/{what}?include_inactive=true&limit=1")).await;
            v["total"].as_i64().unwrap()
        }
    };
    let (products, listings) = (count("products").await, count("listings").await);
    let with = |mut b: Value, k: &str, v: Value| {
        b[k] = v;
        b
    };
    let without = |mut b: Value, k: &str| {
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let grade = |code: &str, f: i64| json!({"code": code, "name_zh": "一级", "factor_bps": f, "criteria": "好"});
    let cooker = rice_cooker("电饭煲", Some("6901234567892"));
    let product_cases: Vec<(Value, &str, &str)> = vec![
        (with(cooker.clone(), "gtin", json!("6901234567893")), "gtin", "gtin-check-digit"),
        (with(cooker.clone(), "gtin", json!("12345")), "gtin", "bad-gtin"),
        (without(cooker.clone(), "unit_grams"), "unit_grams", "required"),
        (with(cooker.clone(), "unit_grams", json!(0)), "unit_grams", "must-be-positive"),
        (with(cooker.clone(), "shelf_life_days", json!(4000)), "shelf_life_days", "out-of-range"),
        (with(cooker.clone(), "grades", json!([grade("first", 10000)])), "grades", "grades-not-allowed"),
        (with(cooker.clone(), "category", json!("toys")), "category", "unknown-choice"),
        (with(grapes("葡萄"), "grades", json!([])), "grades", "grades-required"),
        (
            with(grapes("葡萄"), "grades", json!([grade("first", 10000), grade("x", 0)])),
            "grades[1].factor_bps",
            "out-of-range",
        ),
        (
            with(grapes("葡萄"), "grades", json!([grade("first", 10000), grade("first", 9000)])),
            "grades[1].code",
            "duplicate",
        ),
        (with(grapes("葡萄"), "grades", json!([grade("first", 9000)])), "grades", "no-base-grade"),
        (with(grapes("葡萄"), "unit_grams", json!(900)), "unit_grams", "unit-weight-mismatch"),
    ];
    for (body, field, code) in product_cases {
        let v = assert_problem(post(&app, &op, "products", &body).await, StatusCode::UNPROCESSABLE_ENTITY, Some(field))
            .await;
        assert!(v["errors"].as_array().unwrap().iter().any(|e| e["code"] == code), "{field} {code}: {v}");
    }
    let supplier = app.token(&app.user_a("supplier")).await;
    let r = post(&app, &supplier, "products", &grapes("葡萄")).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("direction")).await;

    let offer =
        json!({"product_id": ids.uplink_product, "price_fen": 800, "offered_units": 50, "harvest_date": "2026-08-03"});
    let listing_cases: Vec<(&str, Value, &str, &str)> = vec![
        (&farmer, with(offer.clone(), "price_fen", json!(0)), "price_fen", "must-be-positive"),
        (&farmer, with(offer.clone(), "price_fen", json!(-800)), "price_fen", "must-be-positive"),
        (&farmer, with(offer.clone(), "harvest_date", json!("2026-02-30")), "harvest_date", "bad-date"),
        (&farmer, without(offer.clone(), "offered_units"), "offered_units", "required"),
        (&farmer, with(offer.clone(), "stock_units", json!(5)), "stock_units", "not-for-direction"),
        (&farmer, with(offer.clone(), "product_id", json!(ids.listing)), "product_id", "unknown-reference"),
        (&farmer, with(offer.clone(), "seller_id", json!(ids.farmer)), "seller_id", "seller-not-allowed"),
        (&op, offer.clone(), "seller_id", "required"),
        (&supplier, with(offer.clone(), "product_id", json!(ids.downlink_product)), "stock_units", "required"),
    ];
    for (token, body, field, code) in listing_cases {
        let r = post(&app, token, "listings", &body).await;
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some(field)).await;
        assert!(v["errors"].as_array().unwrap().iter().any(|e| e["code"] == code), "{field} {code}: {v}");
    }
    // A price is whole fen: a fraction is not even a number of fen.
    let r = post(&app, &farmer, "listings", &with(offer.clone(), "price_fen", json!(7.5))).await;
    assert_problem(r, StatusCode::BAD_REQUEST, Some("price_fen")).await;
    assert_eq!((count("products").await, count("listings").await), (products, listings), "nothing written");
}

#[tokio::test]
async fn sellers_change_only_their_own_listings_and_other_counties_see_nothing() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier = app.token(&app.user_a("supplier")).await;
    let me = me_in_a(&app, &supplier).await;
    let all = app.get_json(&supplier, &format!("/api/v1/counties/{c}/listings?direction=downlink&limit=200")).await;
    let items = all["items"].as_array().unwrap();
    let mine = items.iter().find(|l| l["seller_id"] == me.as_str()).expect("a listing of mine");
    let theirs = items.iter().find(|l| l["seller_id"] != me.as_str()).expect("another supplier's listing");
    let url = |l: &Value| format!("/api/v1/counties/{c}/listings/{}", l["id"].as_str().unwrap());
    let change = json!({"stock_units": 7});
    let r = app.call(Some(&supplier), Method::PATCH, &url(theirs), Some(&change)).await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
    let unchanged = app.get_json(&supplier, &url(theirs)).await;
    assert_eq!(unchanged["stock_units"], theirs["stock_units"]);
    let r = app.call(Some(&supplier), Method::PATCH, &url(mine), Some(&change)).await;
    assert_eq!(r.status(), StatusCode::OK);
    // The product and seller of a listing are fixed.
    let r =
        app.call(Some(&supplier), Method::PATCH, &url(mine), Some(&json!({"seller_id": theirs["seller_id"]}))).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("seller_id")).await;
    // A farmer may not change a supplier's listing; the agent acts for farmers, not suppliers.
    for role in ["farmer", "agent", "buyer"] {
        let t = app.token(&app.user_a(role)).await;
        let r = app.call(Some(&t), Method::PATCH, &url(mine), Some(&change)).await;
        assert_problem(r, StatusCode::FORBIDDEN, None).await;
    }
    // County B's people learn nothing of county A's catalog.
    let b = app.token(&app.user_b("operator")).await;
    for path in [url(mine), format!("/api/v1/counties/{c}/listings"), format!("/api/v1/counties/{c}/products")] {
        let r = app.call(Some(&b), Method::GET, &path, None).await;
        assert_problem(r, StatusCode::NOT_FOUND, None).await;
    }
    let r = app.call(Some(&b), Method::PATCH, &url(mine), Some(&change)).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
}

#[tokio::test]
async fn a_generated_county_has_a_believable_catalog_in_both_directions() {
    let app = spawn_app().await;
    let (c, t) = (app.a.county_id, app.token(&app.user_a("buyer")).await);
    let down = app.get_json(&t, &format!("/api/v1/counties/{c}/listings?direction=downlink&limit=200")).await;
    let up = app.get_json(&t, &format!("/api/v1/counties/{c}/listings?direction=uplink&limit=200")).await;
    assert!(down["total"].as_i64().unwrap() >= 10 && up["total"].as_i64().unwrap() >= 14, "{down} {up}");
    assert!(down["items"].as_array().unwrap().iter().all(|l| l["stock_units"].as_i64().unwrap() > 0));
    for l in up["items"].as_array().unwrap() {
        assert!(l["origin_village_name"].is_string() && l["harvest_date"].is_string(), "{l}");
        assert!(!l["grade_prices"].as_array().unwrap().is_empty());
    }
    let grapes = app.get_json(&t, &format!("/api/v1/counties/{c}/listings?q=pt&category=fruit")).await;
    let codes: Vec<&str> =
        grapes["items"][0]["grade_prices"].as_array().unwrap().iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["special", "first", "second"]);
    let mushrooms = app.get_json(&t, &format!("/api/v1/counties/{c}/products?category=mushrooms")).await;
    assert_eq!(mushrooms["items"][0]["storage_class"], "chilled");
    let bad = app.call(Some(&t), Method::GET, &format!("/api/v1/counties/{c}/listings?direction=sideways"), None).await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, Some("direction")).await;
}

/// The order code reserves stock inside its own transaction; 50 buyers racing for the last 10
/// rice cookers get exactly 10, and the stock ends at 0, never below.
#[tokio::test]
async fn fifty_concurrent_reservations_of_the_last_ten_units_take_exactly_ten() {
    use uplink_store::catalog::{release_offered, release_stock, reserve_offered, reserve_stock};
    let app = spawn_app().await;
    let (c, op) = (app.a.county_id, app.token(&app.user_a("operator")).await);
    let v = app.get_json(&op, &format!("/api/v1/counties/{c}/listings?direction=downlink&limit=1")).await;
    let id: uplink_core::ListingId = v["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let url = format!("/api/v1/counties/{c}/listings/{id}");
    let r = app.call(Some(&op), Method::PATCH, &url, Some(&json!({"stock_units": 10}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let got = reserve_stock(&mut tx, c, id, 1).await.unwrap();
                tx.commit().await.unwrap();
                got
            })
        })
        .collect();
    let mut reserved = 0;
    for t in tasks {
        reserved += i32::from(t.await.unwrap());
    }
    assert_eq!(reserved, 10);
    assert_eq!(app.get_json(&op, &url).await["stock_units"], 0);

    let mut tx = app.db.begin().await.unwrap();
    assert!(!reserve_stock(&mut tx, c, id, 1).await.unwrap(), "sold out");
    assert!(!reserve_offered(&mut tx, c, id, 1).await.unwrap(), "a downlink listing has no offered harvest");
    assert!(!release_offered(&mut tx, c, id, 1).await.unwrap());
    assert!(!release_stock(&mut tx, c, id, 0).await.unwrap(), "nothing to release");
    assert!(release_stock(&mut tx, c, id, 3).await.unwrap());
    assert!(!reserve_stock(&mut tx, app.b.county_id, id, 1).await.unwrap(), "another county's listing");
    tx.commit().await.unwrap();
    assert_eq!(app.get_json(&op, &url).await["stock_units"], 3);
    // A listing switched off sells nothing, though its stock is there.
    let r = app.call(Some(&op), Method::PATCH, &url, Some(&json!({"active": false}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut tx = app.db.begin().await.unwrap();
    assert!(!reserve_stock(&mut tx, c, id, 1).await.unwrap());
    tx.commit().await.unwrap();
}

/// Search on a big catalog: 10,000 more products with a listing each, then the median of a few
/// searches through HTTP. Prints timings and asserts only what was found (no timed assertions).
/// It runs in every suite (about 5 s on SQLite, 12 s on PostgreSQL); see the timings with
/// `cargo test -p uplink-web --test api catalog::search_on_ten_thousand -- --nocapture`.
#[tokio::test]
async fn search_on_ten_thousand_products() {
    let app = spawn_app().await;
    let (c, t) = (app.a.county_id, app.token(&app.user_a("buyer")).await);
    let started = std::time::Instant::now();
    uplink_service::catalog::seed_bulk_catalog(&app.db, c, 10_000).await.unwrap();
    println!("inserted 10,000 products and listings in {:?}", started.elapsed());
    let median = |mut times: Vec<std::time::Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let fruit = uplink_core::catalog::Category::Fruit;
    for q in ["q=葡萄", "q=pt", "q=walnut", "category=fruit&direction=uplink", "q=zzz-nothing", ""] {
        let (mut http, mut store, mut total) = (vec![], vec![], 0);
        // The store's query alone (count and one page of 50), then the whole HTTP round trip.
        let f = uplink_store::catalog::CatalogFilter {
            q: q.strip_prefix("q=").unwrap_or("").to_string(),
            category: q.contains("category").then_some(fruit),
            direction: q.contains("direction").then_some(uplink_core::catalog::Direction::Uplink),
            ..Default::default()
        };
        for _ in 0..7 {
            let mut conn = app.db.reader().await.unwrap();
            let s = std::time::Instant::now();
            let page = uplink_store::row::PageReq { limit: 50, offset: 0 };
            let (_, n) = uplink_store::catalog::search_listings(&mut conn, c, &f, page).await.unwrap();
            store.push(s.elapsed());
            let s = std::time::Instant::now();
            let v = app.get_json(&t, &format!("/api/v1/counties/{c}/listings?{q}")).await;
            http.push(s.elapsed());
            total = v["total"].as_i64().unwrap();
            assert_eq!(n, total);
        }
        println!("search `{q}`: {total} found, median store {:?}, http {:?}", median(store), median(http));
        assert!(q != "q=葡萄" || total >= 700, "a seventh of the farm products are grapes");
    }
}
