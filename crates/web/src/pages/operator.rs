//! The county operator's pages for the network and its people: townships, villages and stations
//! with a form to add each, and people with the onboarding form. Auditors see the same lists
//! without the forms (the use cases refuse their writes anyway). The trade side (catalog,
//! orders queue, ledger, settings) is in `operator_trade.rs`.

use super::forms::{self, Errs, Fields, guard, input, see_other, select};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use uplink_core::LatLon;
use uplink_core::people::Role;
use uplink_service::ServiceError;
use uplink_service::network::{self as net, StationInput, TownshipInput, VillageInput};
use uplink_service::paging::ListQuery;
use uplink_service::people::{self as people_uc, AccountInput, PeopleQuery, PersonInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/operator", get(index))
        .route("/c/{county}/operator/townships", get(townships).post(create_township))
        .route("/c/{county}/operator/villages", get(villages).post(create_village))
        .route("/c/{county}/operator/stations", get(stations).post(create_station))
        .route("/c/{county}/operator/people", get(people).post(create_person))
        .merge(super::operator_trade::router())
        .merge(super::operator_dispatch::router())
        .merge(super::operator_claims::router())
        .merge(super::operator_windows::router())
}

type FormIn = Form<Vec<(String, String)>>;
type Q = Query<Vec<(String, String)>>;

/// The operator's sections; every operator page starts with them.
pub fn tabs(v: &View) -> String {
    let mut s = String::from("<nav class=tabs>");
    for (p, k) in [
        ("dashboard", "dashboard-link"),
        ("operator/townships", "pg-townships"),
        ("operator/villages", "pg-villages"),
        ("operator/stations", "pg-stations"),
        ("operator/people", "pg-people"),
        ("operator/products", "pg-products"),
        ("operator/windows", "win-title"),
        ("operator/orders", "pg-orders-queue"),
        ("operator/ledger", "pg-trial-balance"),
        ("operator/dispatch", "plan-title"),
        ("operator/claims", "queue-title"),
        ("operator/settings", "pg-settings"),
        (super::ROUTE_SHEETS_PAGE, "pg-route-sheets"),
    ] {
        s.push_str(&format!("<a href=\"{}\">{}</a>", v.href(p), esc(&v.t(k))));
    }
    s.push_str("</nav>");
    s
}

/// Whether the forms are shown: operators (and admins) change the county; auditors only read.
pub fn manages(v: &View) -> bool {
    v.has_role(&[Role::Operator])
}

async fn index(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let c = net::get_county(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let role = if manages(&v) { "role-operator" } else { "role-auditor" };
    let b = format!("{}<p>{} · {}</p>", tabs(&v), esc(&c.name), esc(&v.t(role)));
    Ok(v.page(&v.t("pg-operator-title"), &b))
}

/// A coordinate pair typed as two numbers; a wrong one is an error at its own input.
fn point(f: &Fields, errs: &mut Errs, v: &View) -> Option<LatLon> {
    let num = |k: &str, errs: &mut Errs| match f.get(k).trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errs.push(k, v.t(if f.get(k).trim().is_empty() { "required" } else { "pg-bad-number" }));
            None
        }
    };
    let (lat, lon) = (num("lat", errs), num("lon", errs));
    Some(LatLon { lat: lat?, lon: lon? })
}

/// `location.lat` → `lat`: the use case's field names as the form's inputs.
fn form_field(f: &str) -> String {
    match f {
        "seat" | "location" => "lat".into(),
        _ => f.rsplit('.').next().unwrap_or(f).to_string(),
    }
}

fn list_query(q: &Fields) -> ListQuery {
    ListQuery { q: q.opt("q"), limit: Some(200), offset: None }
}

fn search_form(v: &View, page: &str, q: &Fields) -> String {
    format!(
        "<form method=get action=\"{}\"><label for=q>{}</label><input id=q name=q type=search value=\"{}\">\
         <button>{}</button></form>",
        v.href(page),
        esc(&v.t("pg-search")),
        esc(q.get("q")),
        esc(&v.t("pg-find"))
    )
}

fn page_of(v: &View, title: &str, parts: &[String]) -> Response {
    v.page(&v.t(title), &format!("{}{}", tabs(v), parts.concat()))
}

// ------------------------------------------------------------------ townships

async fn townships(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_townships(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render_townships(v: &View, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let list = net::list_townships(&v.st.db, &v.actor, v.county, &list_query(q)).await.map_err(|e| v.fail(e))?;
    let mut t = format!("<table id=list><caption>{}</caption>", list.total);
    for x in &list.items {
        t.push_str(&format!("<tr><td class=m>{}</td><td>{}</td></tr>", esc(&x.code), esc(&x.name)));
    }
    t.push_str("</table>");
    let form = if manages(v) {
        format!(
            "<h2>{}</h2><form method=post action=\"{}\">{}{}{}{}{}{}<button id=create-submit>{}</button></form>",
            esc(&v.t("pg-add-township")),
            v.href("operator/townships"),
            guard(v),
            input(v, "code", "pg-code", f.get("code"), errs, "required"),
            input(v, "name", "pg-name", f.get("name"), errs, "required"),
            input(v, "lat", "pg-lat", f.get("lat"), errs, "inputmode=decimal required"),
            input(v, "lon", "pg-lon", f.get("lon"), errs, "inputmode=decimal required"),
            errs.others(&["code", "name", "lat", "lon"]),
            esc(&v.t("pg-create"))
        )
    } else {
        String::new()
    };
    Ok(page_of(
        v,
        "pg-townships",
        &[forms::flash(v, q.opt("done").as_deref()), form, search_form(v, "operator/townships", q), t],
    ))
}

async fn create_township(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut errs = Errs::default();
    let seat = point(&f, &mut errs, &v);
    let input = TownshipInput { code: f.opt("code"), name: f.opt("name"), seat };
    let r = net::create_township(&v.st.db, &v.actor, v.county, input, f.idem("page-township").as_ref()).await;
    match r {
        Ok(_) if errs.is_empty() => Ok(see_other(&format!("{}?done=created", v.href("operator/townships")))),
        Ok(_) => render_townships(&v, &Fields::default(), &f, &errs).await,
        Err(e) => render_townships(&v, &Fields::default(), &f, &merge(&v, errs, e)?).await,
    }
}

/// The use case's field errors added to those of the numbers that did not parse (which stay,
/// being more precise than the use case's "required").
pub fn merge(v: &View, mut errs: Errs, e: ServiceError) -> Result<Errs, Response> {
    for (k, m) in Errs::from_service(v, e, &|x| form_field(x))?.0 {
        if errs.at(&k).is_none() {
            errs.push(&k, m);
        }
    }
    Ok(errs)
}

// ------------------------------------------------------------------ villages

async fn villages(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_villages(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render_villages(v: &View, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let db = &v.st.db;
    let list = net::list_villages(db, &v.actor, v.county, &list_query(q)).await.map_err(|e| v.fail(e))?;
    let ts = net::list_townships(db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
        .await
        .map_err(|e| v.fail(e))?;
    let tname = |id| ts.items.iter().find(|t| t.id == id).map(|t| t.name.as_str()).unwrap_or("");
    let mut t = format!("<table id=list><caption>{}</caption>", list.total);
    for x in &list.items {
        t.push_str(&format!(
            "<tr><td class=m>{}</td><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
            esc(&x.code),
            esc(&x.name),
            esc(tname(x.township_id)),
            x.population
        ));
    }
    t.push_str("</table>");
    let form = if manages(v) {
        let topts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
            .chain(ts.items.iter().map(|t| (t.id.to_string(), t.name.clone())))
            .collect();
        let roads: Vec<(String, String)> = uplink_core::RoadClass::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), v.t(&format!("road-{}", r.as_str()))))
            .collect();
        format!(
            "<h2>{}</h2><form method=post action=\"{}\" id=create>{}{}{}{}{}{}{}{}{}{}<button id=create-submit>{}</button></form>",
            esc(&v.t("pg-add-village")),
            v.href("operator/villages"),
            guard(v),
            select(v, "township_id", "pg-township", &topts, f.get("township_id"), errs),
            input(v, "code", "pg-code", f.get("code"), errs, "required"),
            input(v, "name", "pg-name", f.get("name"), errs, "required"),
            input(v, "lat", "pg-lat", f.get("lat"), errs, "inputmode=decimal required"),
            input(v, "lon", "pg-lon", f.get("lon"), errs, "inputmode=decimal required"),
            input(v, "population", "pg-population", f.get("population"), errs, "inputmode=numeric required"),
            input(v, "households", "pg-households", f.get("households"), errs, "inputmode=numeric required"),
            select(v, "road_class", "pg-road-class", &roads, f.get("road_class"), errs),
            errs.others(&["township_id", "code", "name", "lat", "lon", "population", "households", "road_class"]),
            esc(&v.t("pg-create"))
        )
    } else {
        String::new()
    };
    Ok(page_of(
        v,
        "pg-villages",
        &[forms::flash(v, q.opt("done").as_deref()), form, search_form(v, "operator/villages", q), t],
    ))
}

async fn create_village(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut errs = Errs::default();
    let location = point(&f, &mut errs, &v);
    let population = f.int("population", &mut errs, &v);
    let households = f.int("households", &mut errs, &v);
    let township_id = f.opt("township_id").and_then(|t| t.parse().ok());
    let input = VillageInput {
        township_id,
        code: f.opt("code"),
        name: f.opt("name"),
        location,
        population,
        households,
        road_class: f.opt("road_class"),
    };
    match net::create_village(&v.st.db, &v.actor, v.county, input, f.idem("page-village").as_ref()).await {
        Ok(_) if errs.is_empty() => Ok(see_other(&format!("{}?done=created", v.href("operator/villages")))),
        Ok(_) => render_villages(&v, &Fields::default(), &f, &errs).await,
        Err(e) => render_villages(&v, &Fields::default(), &f, &merge(&v, errs, e)?).await,
    }
}

// ------------------------------------------------------------------ stations

async fn stations(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_stations(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render_stations(v: &View, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let db = &v.st.db;
    let list = net::list_stations(db, &v.actor, v.county, &list_query(q)).await.map_err(|e| v.fail(e))?;
    let vs = net::list_villages(db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
        .await
        .map_err(|e| v.fail(e))?;
    let mut t = format!("<table id=list><caption>{}</caption>", list.total);
    for x in &list.items {
        t.push_str(&format!(
            "<tr><td class=m>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.code),
            esc(&x.name),
            esc(&x.opening_hours)
        ));
    }
    t.push_str("</table>");
    let form = if manages(v) {
        let vopts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
            .chain(vs.items.iter().map(|x| (x.id.to_string(), x.name.clone())))
            .collect();
        let hours = if f.get("opening_hours").is_empty() { "08:00-18:00" } else { f.get("opening_hours") };
        format!(
            "<h2>{}</h2><form method=post action=\"{}\" id=create>{}{}{}{}{}{}{}<button id=create-submit>{}</button></form>",
            esc(&v.t("pg-add-station")),
            v.href("operator/stations"),
            guard(v),
            select(v, "village_id", "pg-village", &vopts, f.get("village_id"), errs),
            input(v, "code", "pg-code", f.get("code"), errs, "required"),
            input(v, "name", "pg-name", f.get("name"), errs, "required"),
            input(v, "opening_hours", "pg-opening-hours", hours, errs, "required"),
            input(v, "cold_storage_kg", "pg-cold-storage", f.get("cold_storage_kg"), errs, "inputmode=numeric"),
            errs.others(&["village_id", "code", "name", "opening_hours", "cold_storage_kg"]),
            esc(&v.t("pg-create"))
        )
    } else {
        String::new()
    };
    Ok(page_of(
        v,
        "pg-stations",
        &[forms::flash(v, q.opt("done").as_deref()), form, search_form(v, "operator/stations", q), t],
    ))
}

async fn create_station(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut errs = Errs::default();
    let cold = if f.opt("cold_storage_kg").is_some() { f.int("cold_storage_kg", &mut errs, &v) } else { None };
    if !errs.is_empty() {
        // An optional number that did not parse: nothing is sent, so nothing is written.
        return render_stations(&v, &Fields::default(), &f, &errs).await;
    }
    let input = StationInput {
        village_id: f.opt("village_id").and_then(|x| x.parse().ok()),
        code: f.opt("code"),
        name: f.opt("name"),
        opening_hours: f.opt("opening_hours"),
        cold_storage_kg: cold,
        certified_scale: None,
    };
    match net::create_station(&v.st.db, &v.actor, v.county, input, f.idem("page-station").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=created", v.href("operator/stations")))),
        Err(e) => render_stations(&v, &Fields::default(), &f, &merge(&v, errs, e)?).await,
    }
}

// ------------------------------------------------------------------ people

async fn people(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_people(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render_people(v: &View, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let db = &v.st.db;
    let lq = ListQuery { q: q.opt("q"), limit: Some(100), offset: None };
    let list =
        people_uc::list_people(db, &v.actor, v.county, &lq, &PeopleQuery::default()).await.map_err(|e| v.fail(e))?;
    let mut t = format!("<table id=list><caption>{}</caption>", list.total);
    for p in &list.items {
        t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=m>{}</td><td class=m>{}</td></tr>",
            esc(&p.name),
            esc(&v.t(&format!("role-{}", p.role.as_str()))),
            esc(p.phone.as_deref().unwrap_or("")),
            esc(p.username.as_deref().unwrap_or(""))
        ));
    }
    t.push_str("</table>");
    let form = if manages(v) {
        let roles: Vec<(String, String)> =
            Role::ALL.iter().map(|r| (r.as_str().to_string(), v.t(&format!("role-{}", r.as_str())))).collect();
        let kinds = vec![
            (String::new(), "—".to_string()),
            ("consumer".to_string(), v.t("pg-consumer")),
            ("business".to_string(), v.t("pg-business")),
        ];
        let vs = net::list_villages(db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
            .await
            .map_err(|e| v.fail(e))?;
        let ss = net::list_stations(db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
            .await
            .map_err(|e| v.fail(e))?;
        let none = || std::iter::once((String::new(), "—".to_string()));
        let vopts: Vec<_> = none().chain(vs.items.iter().map(|x| (x.id.to_string(), x.name.clone()))).collect();
        let sopts: Vec<_> = none().chain(ss.items.iter().map(|x| (x.id.to_string(), x.name.clone()))).collect();
        format!(
            "<h2>{}</h2><form method=post action=\"{}\" id=create>{}{}{}{}{}{}{}{}{}{}<button id=create-submit>{}</button></form>",
            esc(&v.t("pg-onboard")),
            v.href("operator/people"),
            guard(v),
            select(v, "role", "pg-role", &roles, f.get("role"), errs),
            input(v, "name", "pg-name", f.get("name"), errs, "required"),
            input(v, "phone", "pg-phone", f.get("phone"), errs, "type=tel inputmode=numeric"),
            select(v, "village_id", "pg-village", &vopts, f.get("village_id"), errs),
            select(v, "station_id", "pg-station", &sopts, f.get("station_id"), errs),
            select(v, "buyer_kind", "pg-buyer-kind", &kinds, f.get("buyer_kind"), errs),
            input(v, "username", "pg-username", f.get("username"), errs, "autocomplete=off"),
            input(v, "password", "pg-password", "", errs, "type=password autocomplete=new-password"),
            errs.others(&["role", "name", "phone", "village_id", "station_id", "buyer_kind", "username", "password"]),
            esc(&v.t("pg-create"))
        )
    } else {
        String::new()
    };
    Ok(page_of(
        v,
        "pg-people",
        &[forms::flash(v, q.opt("done").as_deref()), form, search_form(v, "operator/people", q), t],
    ))
}

async fn create_person(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let account = f.opt("username").map(|u| AccountInput { username: u, password: f.get("password").to_string() });
    let input = PersonInput {
        role: f.opt("role"),
        name: f.opt("name"),
        phone: f.opt("phone"),
        village_id: f.opt("village_id").and_then(|x| x.parse().ok()),
        station_id: f.opt("station_id").and_then(|x| x.parse().ok()),
        buyer_kind: f.opt("buyer_kind"),
        household_size: None,
        account,
    };
    match people_uc::create_person(&v.st.db, &v.actor, v.county, input, f.idem("page-person").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=created", v.href("operator/people")))),
        Err(e) => render_people(&v, &Fields::default(), &f, &merge(&v, Errs::default(), e)?).await,
    }
}
