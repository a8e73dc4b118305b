//! Every role against every endpoint, in its own county and in another one, with the status
//! expected each time. The matrix must list every operation of the OpenAPI description: a new
//! endpoint without an entry here fails `every_endpoint_has_an_entry`.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// No login needed.
    Public,
    /// Any logged-in user, about themselves.
    LoggedIn,
    AdminOnly,
    /// Every member of the county (and admins).
    CountyMember,
    /// Operators (and admins) of the county.
    Operator,
    /// Operators, auditors and agents.
    PeopleReaders,
    /// Operators and agents.
    PeopleRegistrars,
    /// Members, about their own ledger accounts; the platform admin holds none in a county.
    OwnAccounts,
    /// Operators and auditors (and admins): the county's books.
    LedgerReaders,
    /// Trading parties (farmers, co-ops, suppliers, buyers), about their own wallet.
    Parties,
    /// Sellers and those who list for them: suppliers, farmers, co-ops, agents, operators.
    Sellers,
    /// Who may change a farmer's listing: the agent for the farmer, the operator.
    ListingKeepers,
    /// Who may place an order: for themselves (farmers, co-ops, buyers) or for a villager
    /// (agents, operators).
    Orderers,
    /// Those who see the matrix's order: staff of the county, its seller and its agent.
    OrderViewers,
    /// County members of these roles (admins count as operators); other members get 403.
    Only(&'static [&'static str]),
    /// A move on the matrix's order (which is cancelled, so every allowed move is refused as a
    /// conflict): these roles pass the permission check; other viewers get 403, the rest 404.
    Move(&'static [&'static str]),
    /// About the buyer's own order (or a record that does not exist): the buyer gets the
    /// success status, everyone else 404.
    BuyerOnly,
    /// Decisions on a claim: inspectors and operators pass (and then find no such claim: 404);
    /// other members get 403.
    Deciders,
}

/// Who sees the matrix's order: it was placed by county A's agent for a villager, from the
/// supplier's listing.
const ORDER_VIEWERS: &[&str] = &["admin", "operator", "agent", "supplier", "driver", "inspector", "auditor"];

/// Method, path, who may call it, and the status of success.
const MATRIX: &[(&str, &str, Rule, u16)] = &[
    ("POST", "/api/v1/auth/token", Rule::Public, 200),
    ("POST", "/api/v1/auth/logout", Rule::LoggedIn, 204),
    ("GET", "/api/v1/me", Rule::LoggedIn, 200),
    ("PUT", "/api/v1/me/locale", Rule::LoggedIn, 204),
    ("GET", "/api/v1/counties", Rule::LoggedIn, 200),
    ("POST", "/api/v1/counties", Rule::AdminOnly, 201),
    ("GET", "/api/v1/counties/{county_id}", Rule::CountyMember, 200),
    ("GET", "/api/v1/counties/{county_id}/townships", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/townships", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/townships/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/townships/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/villages", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/villages", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/villages/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/villages/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/hubs", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/hubs", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/hubs/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/hubs/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/stations", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/stations", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/stations/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/stations/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/people", Rule::PeopleReaders, 200),
    ("POST", "/api/v1/counties/{county_id}/people", Rule::PeopleRegistrars, 201),
    ("GET", "/api/v1/counties/{county_id}/people/{id}", Rule::PeopleReaders, 200),
    ("PATCH", "/api/v1/counties/{county_id}/people/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/ledger/me", Rule::CountyMember, 200),
    ("GET", "/api/v1/counties/{county_id}/ledger/me/statement", Rule::OwnAccounts, 200),
    ("GET", "/api/v1/counties/{county_id}/ledger/accounts", Rule::LedgerReaders, 200),
    ("GET", "/api/v1/counties/{county_id}/ledger/accounts/{account}/statement", Rule::LedgerReaders, 200),
    ("GET", "/api/v1/counties/{county_id}/ledger/trial-balance", Rule::LedgerReaders, 200),
    ("POST", "/api/v1/counties/{county_id}/wallet-topups", Rule::Parties, 201),
    ("POST", "/api/v1/counties/{county_id}/bank-statements", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/products", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/products", Rule::Sellers, 201),
    ("GET", "/api/v1/counties/{county_id}/products/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/products/{id}", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/listings", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/listings", Rule::Sellers, 201),
    ("GET", "/api/v1/counties/{county_id}/listings/{id}", Rule::CountyMember, 200),
    ("PATCH", "/api/v1/counties/{county_id}/listings/{id}", Rule::ListingKeepers, 200),
    ("GET", "/api/v1/counties/{county_id}/orders", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/orders", Rule::Orderers, 201),
    ("GET", "/api/v1/counties/{county_id}/orders/{id}", Rule::OrderViewers, 200),
    ("GET", "/api/v1/counties/{county_id}/orders/{id}/history", Rule::OrderViewers, 200),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/pay", Rule::Move(&["agent"]), 409),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/confirm", Rule::Move(&["admin", "operator", "supplier"]), 409),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/pack", Rule::Move(&["admin", "operator"]), 409),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/ship", Rule::Move(&["admin", "operator", "driver"]), 409),
    (
        "POST",
        "/api/v1/counties/{county_id}/orders/{id}/deliver",
        Rule::Move(&["admin", "operator", "driver", "agent"]),
        409,
    ),
    // Only the buyer accepts here (agents hand over against the code); the villager has no login.
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/accept", Rule::Move(&[]), 409),
    (
        "POST",
        "/api/v1/counties/{county_id}/orders/{id}/cancel",
        Rule::Move(&["admin", "operator", "supplier", "agent"]),
        409,
    ),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/return", Rule::Move(&["admin", "operator", "agent"]), 409),
    // No parcel waits under the code, so the station's agent gets a conflict.
    ("POST", "/api/v1/counties/{county_id}/stations/{id}/handover", Rule::Only(&["agent"]), 409),
    // More than the drawer holds, so those allowed reach the funds check.
    (
        "POST",
        "/api/v1/counties/{county_id}/stations/{id}/cash-handovers",
        Rule::Only(&["admin", "operator", "agent"]),
        422,
    ),
    ("GET", "/api/v1/counties/{county_id}/settings", Rule::CountyMember, 200),
    ("PUT", "/api/v1/counties/{county_id}/settings", Rule::Operator, 200),
    ("GET", "/api/v1/counties/{county_id}/drop-points", Rule::CountyMember, 200),
    // The farmer's wallet is empty, so those allowed reach the funds check.
    ("POST", "/api/v1/counties/{county_id}/people/{id}/payouts", Rule::Operator, 422),
    // Pre-order windows and lots (issue 4). Bodies that pass the role check but name no window
    // or lot, so those allowed get 404 (or 422 for a bad weight) and nothing is written.
    ("GET", "/api/v1/counties/{county_id}/windows", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/windows", Rule::Operator, 422),
    ("GET", "/api/v1/counties/{county_id}/windows/{id}", Rule::CountyMember, 404),
    ("POST", "/api/v1/counties/{county_id}/windows/{id}/orders", Rule::Only(&["buyer"]), 404),
    ("GET", "/api/v1/counties/{county_id}/windows/{id}/supply", Rule::PeopleReaders, 404),
    (
        "POST",
        "/api/v1/counties/{county_id}/windows/{id}/supply",
        Rule::Only(&["admin", "operator", "agent", "farmer", "coop"]),
        404,
    ),
    ("GET", "/api/v1/counties/{county_id}/windows/{id}/harvest-lists", Rule::PeopleReaders, 404),
    ("POST", "/api/v1/counties/{county_id}/windows/{id}/orders/{order_id}/fill", Rule::Operator, 404),
    ("POST", "/api/v1/counties/{county_id}/intakes", Rule::Only(&["admin", "operator", "agent", "inspector"]), 422),
    ("GET", "/api/v1/counties/{county_id}/lots", Rule::Only(LOT_READERS), 200),
    ("POST", "/api/v1/counties/{county_id}/lots/merge", Rule::Only(LOT_HANDLERS), 422),
    ("GET", "/api/v1/counties/{county_id}/lots/{id}", Rule::Only(LOT_READERS), 404),
    ("POST", "/api/v1/counties/{county_id}/lots/{id}/handoffs", Rule::Only(LOT_HANDLERS), 404),
    ("POST", "/api/v1/counties/{county_id}/lots/{id}/split", Rule::Only(LOT_HANDLERS), 404),
    ("GET", "/api/v1/counties/{county_id}/lots/{id}/receipt", Rule::Only(LOT_READERS), 404),
    ("GET", "/api/v1/counties/{county_id}/lots/{id}/label", Rule::Only(LOT_READERS), 404),
    // Photos of a lot's produce (issue 7): the matrix's lot does not exist.
    ("POST", "/api/v1/counties/{county_id}/lots/{id}/photos", Rule::Only(PHOTO_TAKERS), 404),
    ("GET", "/api/v1/counties/{county_id}/lots/{id}/photos/{photo_id}", Rule::Only(LOT_READERS), 404),
    ("GET", "/t/{code}/photos/{photo_id}", Rule::Public, 404),
    ("GET", "/api/v1/counties/{county_id}/incidents", Rule::Only(LOT_READERS), 200),
    // The label's QR code opens the trace without a login; no such lot code here.
    ("GET", "/t/{code}/epcis.json", Rule::Public, 404),
    // Dispatch: staff see the fleet; the operator keeps it and plans; the driver's own sheet.
    ("GET", "/api/v1/counties/{county_id}/vehicles", Rule::Only(STAFF), 200),
    ("POST", "/api/v1/counties/{county_id}/vehicles", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/vehicles/{id}", Rule::Only(STAFF), 200),
    ("PATCH", "/api/v1/counties/{county_id}/vehicles/{id}", Rule::Operator, 200),
    // An empty CSV, so those allowed reach validation; no matrix to delete.
    ("POST", "/api/v1/counties/{county_id}/road-matrix", Rule::Operator, 422),
    ("DELETE", "/api/v1/counties/{county_id}/road-matrix", Rule::Operator, 404),
    ("POST", "/api/v1/counties/{county_id}/dispatch/plans", Rule::Operator, 201),
    ("GET", "/api/v1/counties/{county_id}/dispatch/plans", Rule::Only(&["admin", "operator", "auditor"]), 200),
    ("GET", "/api/v1/counties/{county_id}/dispatch/plans/{id}", Rule::Only(&["admin", "operator", "auditor"]), 200),
    // The dashboard and its downloads: operators run the county by it, auditors check it.
    ("GET", "/api/v1/counties/{county_id}/dashboard", Rule::Only(&["admin", "operator", "auditor"]), 200),
    ("GET", "/api/v1/counties/{county_id}/dashboard/export/{file}", Rule::Only(&["admin", "operator", "auditor"]), 200),
    (
        "GET",
        "/api/v1/counties/{county_id}/dispatch/plans/{id}/sheets/{vehicle}",
        Rule::Only(&["admin", "operator", "auditor", "driver"]),
        200,
    ),
    (
        "POST",
        "/api/v1/counties/{county_id}/dispatch/plans/{id}/stops",
        Rule::Only(&["admin", "operator", "driver"]),
        201,
    ),
    // The buyer's own (cancelled) order: nothing to claim yet, nothing to rate yet.
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/claims", Rule::BuyerOnly, 409),
    ("GET", "/api/v1/counties/{county_id}/claims", Rule::CountyMember, 200),
    // A claim id that does not exist: nobody finds it, and only deciders get that far.
    ("GET", "/api/v1/counties/{county_id}/claims/{claim_id}", Rule::BuyerOnly, 404),
    ("POST", "/api/v1/counties/{county_id}/claims/{claim_id}/answer", Rule::BuyerOnly, 404),
    ("POST", "/api/v1/counties/{county_id}/claims/{claim_id}/decision", Rule::Deciders, 404),
    ("POST", "/api/v1/counties/{county_id}/claims/{claim_id}/appeal", Rule::BuyerOnly, 404),
    ("POST", "/api/v1/counties/{county_id}/claims/{claim_id}/evidence", Rule::BuyerOnly, 404),
    ("GET", "/api/v1/counties/{county_id}/claims/{claim_id}/evidence/{evidence_id}", Rule::BuyerOnly, 404),
    ("GET", "/api/v1/counties/{county_id}/people/{id}/trust", Rule::CountyMember, 200),
    ("GET", "/api/v1/counties/{county_id}/orders/{id}/rating", Rule::BuyerOnly, 404),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/rating", Rule::BuyerOnly, 409),
    ("POST", "/api/v1/counties/{county_id}/orders/{id}/rating/reply", Rule::BuyerOnly, 404),
    ("GET", "/api/v1/counties/{county_id}/fraud-signals", Rule::LedgerReaders, 200),
    // Everyone of the county reads their own notices; the matrix's id is nobody's notice.
    ("GET", "/api/v1/counties/{county_id}/notices", Rule::CountyMember, 200),
    ("POST", "/api/v1/counties/{county_id}/notices/{id}/read", Rule::BuyerOnly, 404),
    (
        "GET",
        "/api/v1/counties/{county_id}/trust-queue",
        Rule::Only(&["admin", "operator", "inspector", "auditor"]),
        200,
    ),
];

/// Staff, as opposed to trading parties.
const STAFF: &[&str] = &["admin", "operator", "agent", "driver", "inspector", "auditor"];

/// Staff who handle lots, and with the auditor those who read them.
const LOT_HANDLERS: &[&str] = &["admin", "operator", "agent", "driver", "inspector"];
const LOT_READERS: &[&str] = &["admin", "operator", "agent", "driver", "inspector", "auditor"];
/// Who photographs a lot's produce (an agent only at their own station).
const PHOTO_TAKERS: &[&str] = &["admin", "operator", "agent", "inspector"];

const ROLES: [&str; 10] =
    ["admin", "operator", "agent", "farmer", "coop", "supplier", "buyer", "driver", "inspector", "auditor"];

/// The status a caller of `role` should get; `foreign` when the caller belongs to another county.
fn expected(success: u16, rule: Rule, role: Option<&str>, foreign: bool) -> StatusCode {
    let ok = StatusCode::from_u16(success).unwrap();
    let Some(role) = role else {
        return if matches!(rule, Rule::Public) { ok } else { StatusCode::UNAUTHORIZED };
    };
    let county_scoped = matches!(
        rule,
        Rule::CountyMember
            | Rule::Operator
            | Rule::PeopleReaders
            | Rule::PeopleRegistrars
            | Rule::OwnAccounts
            | Rule::LedgerReaders
            | Rule::Parties
            | Rule::Sellers
            | Rule::ListingKeepers
            | Rule::Orderers
            | Rule::OrderViewers
            | Rule::Only(_)
            | Rule::Move(_)
            | Rule::BuyerOnly
            | Rule::Deciders
    );
    if county_scoped && foreign && role != "admin" {
        return StatusCode::NOT_FOUND;
    }
    if matches!(rule, Rule::OwnAccounts) && role == "admin" {
        return StatusCode::NOT_FOUND;
    }
    let allowed = match rule {
        Rule::Public | Rule::LoggedIn | Rule::CountyMember => true,
        Rule::AdminOnly => role == "admin",
        Rule::Operator => matches!(role, "admin" | "operator"),
        Rule::PeopleReaders => matches!(role, "admin" | "operator" | "auditor" | "agent"),
        Rule::PeopleRegistrars => matches!(role, "admin" | "operator" | "agent"),
        Rule::OwnAccounts => true,
        Rule::LedgerReaders => matches!(role, "admin" | "operator" | "auditor"),
        Rule::Parties => matches!(role, "farmer" | "coop" | "supplier" | "buyer"),
        Rule::Sellers => matches!(role, "admin" | "operator" | "agent" | "farmer" | "coop" | "supplier"),
        Rule::ListingKeepers => matches!(role, "admin" | "operator" | "agent"),
        Rule::Orderers => matches!(role, "admin" | "operator" | "agent" | "farmer" | "coop" | "buyer"),
        Rule::OrderViewers => {
            if !ORDER_VIEWERS.contains(&role) {
                return StatusCode::NOT_FOUND;
            }
            true
        }
        Rule::Only(roles) => roles.contains(&role),
        Rule::BuyerOnly => {
            if role != "buyer" {
                return StatusCode::NOT_FOUND;
            }
            true
        }
        Rule::Deciders => matches!(role, "admin" | "operator" | "inspector"),
        Rule::Move(roles) => {
            if !ORDER_VIEWERS.contains(&role) {
                return StatusCode::NOT_FOUND;
            }
            roles.contains(&role)
        }
    };
    if allowed { ok } else { StatusCode::FORBIDDEN }
}

static SEQ: AtomicU32 = AtomicU32::new(1);

/// A valid body for each write, unique where codes must be.
fn body(method: &str, path: &str, county: &Value, ids: &Ids, role: &str) -> Option<Value> {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let (lat, lon) = (county["centre"]["lat"].as_f64().unwrap(), county["centre"]["lon"].as_f64().unwrap());
    let here = json!({"lat": lat, "lon": lon});
    if let Some(b) = crate::dispatch::matrix_body(method, path, &ids.hub, &ids.dispatch, n) {
        return b;
    }
    let b = match (method, path.rsplit('/').next().unwrap_or("")) {
        ("POST", "token") => json!({"username": "admin", "password": PASSWORD}),
        ("POST", "logout") => return None,
        ("PUT", "locale") => json!({"locale": "en"}),
        ("POST", "counties") => {
            json!({"code": format!("M{n}"), "name": format!("矩阵县{n}"), "centre": {"lat": 30.0, "lon": 110.0}})
        }
        ("POST", "townships") => json!({"code": format!("MT{n}"), "name": format!("矩阵镇{n}"), "seat": here}),
        ("POST", "villages") => {
            json!({"township_id": ids.township, "code": format!("MV{n}"), "name": format!("矩阵村{n}"),
            "location": here, "population": 800, "households": 250, "road_class": "gravel"})
        }
        ("POST", "hubs") => {
            json!({"code": format!("MH{n}"), "name": format!("矩阵仓{n}"), "kind": "township_depot", "location": here})
        }
        ("POST", "stations") => {
            json!({"village_id": ids.village, "code": format!("MS{n}"), "name": format!("矩阵站{n}"), "opening_hours": "08:00-18:00"})
        }
        ("POST", "people") => json!({"role": "buyer", "buyer_kind": "consumer", "name": format!("矩阵买家{n}")}),
        ("POST", "products" | "listings") => crate::catalog::matrix_body(path, role, &ids.catalog, n),
        ("PATCH", "{id}") if path.contains("/listings/") => json!({"price_fen": 1000 + n}),
        ("PATCH", _) => json!({"name": format!("改名{n}")}),
        ("POST", "wallet-topups") => json!({"amount": "200.00"}),
        ("POST", "orders") if path.contains("/windows/") => {
            json!({"grade": "first", "kg": 5, "drop_point_id": ids.person})
        }
        ("POST", "windows") => {
            json!({"title": "矩阵预售", "product_id": ids.catalog.uplink_product, "offers": [], "opens_us": 0,
            "closes_us": 1, "harvest_date": "2026-08-03", "delivery_date": "2026-08-05", "minimum_kg": 10,
            "drop_point_ids": []})
        }
        ("POST", "supply") if matches!(role, "farmer" | "coop") => {
            json!({"station_id": ids.station, "grade": "first", "kg": 10, "ready_date": "2026-08-03"})
        }
        ("POST", "supply") => {
            json!({"farmer_id": ids.person, "station_id": ids.station, "grade": "first", "kg": 10, "ready_date": "2026-08-03"})
        }
        ("POST", "fill") => json!({"lot_id": ids.person, "weight_g": 1000}),
        ("POST", "intakes") => {
            json!({"window_id": ids.person, "farmer_id": ids.person, "grade": "first", "gross_g": 0, "tare_g": 0})
        }
        ("POST", "merge") => json!({"lot_ids": [ids.person]}),
        ("POST", "handoffs") => json!({"to_person_id": ids.person, "weight_g": 1000}),
        ("POST", "split") => json!({"parts": [1000]}),
        ("POST", "orders") => {
            let line = json!([{"listing_id": ids.order.listing, "units": 1}]);
            if matches!(role, "farmer" | "coop" | "buyer") {
                json!({"lines": line, "station_id": ids.order.station})
            } else {
                json!({"buyer_id": ids.order.villager, "lines": line, "station_id": ids.order.station})
            }
        }
        ("POST", "pay") => json!({"method": "cash"}),
        ("POST", "confirm" | "pack" | "ship" | "deliver" | "accept" | "cancel" | "return") => json!({}),
        ("POST", "handover") => json!({"pickup_code": "000000"}),
        ("POST", "claims") => json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 1}], "description": "矩阵"}),
        ("POST", "answer") => json!({"answer": "矩阵"}),
        ("POST", "decision") => json!({"outcome": "reject", "reason": "矩阵"}),
        ("POST", "appeal") => return None,
        ("POST", "rating") => json!({"stars": 4}),
        ("POST", "reply") => json!({"reply": "矩阵"}),
        ("POST", "cash-handovers" | "payouts") => json!({"amount": "999999"}),
        ("PUT", "settings") => {
            json!({"platform_fee_bps": 300, "agent_commission_bps": 200, "acceptance_window_hours": 72,
            "return_window_days": 7, "reservation_ttl_minutes": 30})
        }
        ("POST", "bank-statements") => json!({"csv": "date,amount,reference,payer\n"}),
        _ => return None,
    };
    Some(b)
}

struct Ids {
    township: String,
    village: String,
    hub: String,
    station: String,
    person: String,
    catalog: crate::catalog::CatalogIds,
    order: OrderIds,
    dispatch: crate::dispatch::MatrixIds,
}

/// A cancelled order placed by county A's agent for a villager from the supplier's listing, and
/// what a new order needs.
struct OrderIds {
    order: String,
    /// An order the buyer placed for themselves, then cancelled.
    own: String,
    listing: String,
    station: String,
    villager: String,
}

async fn order_ids(app: &TestApp) -> OrderIds {
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = crate::orders::person(app, &app.user_a("supplier")).await;
    let listing = crate::orders::rice_cooker(app, &supplier_t, supplier["id"].as_str().unwrap(), 1000).await;
    let agent_t = app.token(&app.user_a("agent")).await;
    let agent = crate::orders::person(app, &app.user_a("agent")).await;
    let station = agent["station_id"].as_str().unwrap().to_string();
    let villager = crate::orders::first_villager(app, &agent_t, c).await.as_str().unwrap().to_string();
    let orders = format!("/api/v1/counties/{c}/orders");
    let o = crate::orders::post(
        app,
        &agent_t,
        &orders,
        json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": 1}]}),
    )
    .await;
    let o = crate::orders::ok(o, StatusCode::CREATED).await;
    let order = o["id"].as_str().unwrap().to_string();
    crate::orders::ok(
        crate::orders::post(app, &agent_t, &format!("{orders}/{order}/cancel"), json!({})).await,
        StatusCode::OK,
    )
    .await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let own = crate::orders::post(
        app,
        &buyer_t,
        &orders,
        json!({"lines": [{"listing_id": listing, "units": 1}], "station_id": station}),
    )
    .await;
    let own = crate::orders::ok(own, StatusCode::CREATED).await["id"].as_str().unwrap().to_string();
    crate::orders::ok(
        crate::orders::post(app, &buyer_t, &format!("{orders}/{own}/cancel"), json!({})).await,
        StatusCode::OK,
    )
    .await;
    OrderIds { order, own, listing, station, villager }
}

async fn ids_of(app: &TestApp, admin: &str) -> Ids {
    // A farmer is a trading party, so agents may read it too.
    let c = app.a.county_id;
    let farmers = app.get_json(admin, &format!("/api/v1/counties/{c}/people?role=farmer&limit=1")).await;
    Ids {
        township: app.first_id(admin, "townships").await,
        village: app.first_id(admin, "villages").await,
        hub: app.first_id(admin, "hubs").await,
        station: app.first_id(admin, "stations").await,
        person: farmers["items"][0]["id"].as_str().unwrap().to_string(),
        catalog: crate::catalog::catalog_ids(app, admin).await,
        order: order_ids(app).await,
        dispatch: crate::dispatch::matrix_ids(app).await,
    }
}

fn concrete(path: &str, county: &str, ids: &Ids) -> String {
    if let Some(p) = crate::dispatch::matrix_path(path, county, &ids.dispatch) {
        return p;
    }
    let id = if path.contains("/orders/") && (path.ends_with("/claims") || path.contains("/rating")) {
        &ids.order.own
    } else if path.contains("/orders/") {
        &ids.order.order
    } else if path.ends_with("/handover") || path.ends_with("/cash-handovers") {
        &ids.order.station
    } else if path.contains("/townships/") {
        &ids.township
    } else if path.contains("/villages/") {
        &ids.village
    } else if path.contains("/hubs/") {
        &ids.hub
    } else if path.contains("/stations/") {
        &ids.station
    } else if path.contains("/products/") {
        &ids.catalog.uplink_product
    } else if path.contains("/listings/") {
        &ids.catalog.listing
    } else {
        &ids.person
    };
    path.replace("{county_id}", county)
        .replace("{id}", id)
        .replace("{account}", "county_bank")
        .replace("{order_id}", &ids.order.order)
        .replace("{claim_id}", "0190c3a2-0000-7000-8000-000000000000")
        .replace("{evidence_id}", "0190c3a2-0000-7000-8000-000000000001")
        .replace("{photo_id}", "0190c3a2-0000-7000-8000-000000000002")
        .replace("{file}", "stations.xlsx")
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap()
}

#[tokio::test]
async fn every_role_gets_the_expected_status_from_every_endpoint_in_its_county_and_in_another() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let ids = ids_of(&app, &admin).await;
    let county_a = app.get_json(&admin, &format!("/api/v1/counties/{}", app.a.county_id)).await;
    let a = app.a.county_id.to_string();
    let mut callers: Vec<(String, Option<String>, bool)> = vec![("anonymous".into(), None, false)];
    for r in ROLES {
        let user = if r == "admin" { "admin".to_string() } else { app.user_a(r) };
        callers.push((r.to_string(), Some(user), false));
    }
    for r in ["operator", "agent", "auditor", "farmer"] {
        callers.push((r.to_string(), Some(app.user_b(r)), true));
    }
    let mut failures = vec![];
    for (role, user, foreign) in &callers {
        // One log-in per caller (argon2 is slow on purpose); log-out gets a token of its own so
        // it does not end the shared one.
        let shared = match user {
            Some(u) => Some(app.token(u).await),
            None => None,
        };
        for (m, path, rule, success) in MATRIX {
            let token = match user {
                Some(u) if path.ends_with("/logout") => Some(app.token(u).await),
                _ => shared.clone(),
            };
            let url = concrete(path, &a, &ids);
            let b = body(m, path, &county_a, &ids, role);
            let r = app.call(token.as_deref(), method(m), &url, b.as_ref()).await;
            let want = expected(*success, *rule, user.as_ref().map(|_| role.as_str()), *foreign);
            let got = r.status();
            if got != want {
                let text = r.text().await.unwrap_or_default();
                failures.push(format!(
                    "{role}{} {m} {path}: expected {want}, got {got} {text}",
                    if *foreign { " (other county)" } else { "" }
                ));
            } else if !got.is_success() {
                assert_eq!(r.headers()["content-type"], "application/problem+json", "{m} {path}");
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn every_endpoint_has_an_entry() {
    let app = spawn_app().await;
    let spec: Value = app.call(None, Method::GET, "/api/v1/openapi.json", None).await.json().await.unwrap();
    let mut missing = vec![];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            let m = m.to_uppercase();
            if !MATRIX.iter().any(|(mm, p, _, _)| *mm == m && p == path) {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "endpoints without an access-matrix entry: {missing:?}");
    assert!(MATRIX.len() >= 27);
}
