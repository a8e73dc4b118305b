//! The station console: the village agent's whole day on one phone screen. Hand a parcel over
//! by its pickup code, see the parcels waiting, find or register a villager, order for them
//! (product search and a cart carried in the address, so no JavaScript is needed), take cash,
//! print or read out the receipt, and hand the drawer's cash over to the county. Every page here
//! stays under 14 KB on the wire (measured by the browser tests).

use super::forms::{self, Errs, Fields, guard, hidden, input, money, see_other, select};
use super::orders::{lines_table, name_of};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use uplink_core::people::Role;
use uplink_core::records::Station;
use uplink_core::{ListingId, OrderId, PersonId};
use uplink_service::catalog::{CatalogQuery, get_listing, search_listings};
use uplink_service::ledger::cash::{self, AmountInput};
use uplink_service::order_moves::{self as moves, HandoverInput, PayInput, PaymentMethod};
use uplink_service::orders::{self as uc, LineInput, OrderQuery, PlaceOrderInput};
use uplink_service::paging::ListQuery;
use uplink_service::people::{self as people_uc, PeopleQuery, PersonInput};
use uplink_service::{ServiceError, network};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/station", get(console))
        .route("/c/{county}/station/handover", post(handover))
        .route("/c/{county}/station/villagers", post(register))
        .route("/c/{county}/station/cash", post(hand_over_cash))
        .route("/c/{county}/station/order", get(order_form).post(place))
        .route("/c/{county}/station/receipt/{id}", get(receipt))
}

/// The agent's own station; someone who runs none has no console (403 page). The agent's own
/// person record is read directly: the people use cases show agents trading parties only.
pub(super) async fn my_station(v: &View) -> Result<Station, Response> {
    let me = v.person_as(&[Role::Agent]).ok_or_else(|| v.fail(ServiceError::Forbidden))?;
    let p = async {
        let mut c = v.st.db.reader().await?;
        Ok::<_, ServiceError>(uplink_store::people::get_person(&mut c, v.county, me).await?)
    }
    .await
    .map_err(|e| v.fail(e))?;
    let s = p.and_then(|p| p.station_id).ok_or_else(|| v.fail(ServiceError::Forbidden))?;
    network::get_station(&v.st.db, &v.actor, v.county, s).await.map_err(|e| v.fail(e))
}

/// Which of the console's forms came back with errors, with what was typed.
#[derive(Default)]
struct Sticky {
    form: &'static str,
    fields: Fields,
    errs: Errs,
}

impl Sticky {
    fn val(&self, form: &str, k: &str) -> String {
        if self.form == form { self.fields.get(k).to_string() } else { String::new() }
    }

    fn errs(&self, form: &str) -> &Errs {
        static NONE: std::sync::LazyLock<Errs> = std::sync::LazyLock::new(Errs::default);
        if self.form == form { &self.errs } else { &NONE }
    }
}

async fn console(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_console(&v, &Fields::from(q), &Sticky::default()).await
}

async fn render_console(v: &View, q: &Fields, sticky: &Sticky) -> Pg {
    let station = my_station(v).await?;
    let db = &v.st.db;
    let mut b = String::new();
    if let Some(done) = q.opt("done") {
        b.push_str(&forms::flash(v, Some(&done)));
        if let Some(no) = q.opt("no") {
            b.push_str(&format!("<p class=m id=flash-order>{}</p>", esc(&no)));
        }
    }
    b.push_str(&format!(
        "<p class=muted>{} · {}</p><nav class=tabs><a href=#handover>{}</a><a href=#waiting>{}</a>\
         <a href=#villagers>{}</a><a href=#drawer>{}</a><a href=\"{}\" id=to-intake>{}</a>\
         <a href=\"{}\" id=to-harvest>{}</a><a href=\"{}\" id=to-truck>{}</a></nav>",
        esc(&station.name),
        esc(&station.opening_hours),
        esc(&v.t("pg-handover")),
        esc(&v.t("pg-waiting")),
        esc(&v.t("pg-villagers")),
        esc(&v.t("pg-drawer")),
        v.href(super::INTAKE_PAGE),
        esc(&v.t("pg-intake")),
        v.href("station/harvest"),
        esc(&v.t("st-harvest-title")),
        v.href("station/truck"),
        esc(&v.t("st-truck-title"))
    ));

    // Hand-over by pickup code: the commonest task, first.
    let e = sticky.errs("handover");
    b.push_str(&format!(
        "<h2 id=handover>{}</h2><form method=post action=\"{}\">{}{}{}<button id=handover-submit>{}</button></form>",
        esc(&v.t("pg-handover")),
        v.href("station/handover"),
        guard(v),
        input(
            v,
            "pickup_code",
            "pg-pickup-code",
            &sticky.val("handover", "pickup_code"),
            e,
            "inputmode=numeric autocomplete=off maxlength=6 required"
        ),
        e.others(&["pickup_code"]),
        esc(&v.t("pg-handover-submit"))
    ));

    // Parcels delivered to the station and not yet picked up.
    let waiting = uc::list_orders(
        db,
        &v.actor,
        v.county,
        &ListQuery { limit: Some(30), ..Default::default() },
        &OrderQuery { state: Some("delivered".into()), ..Default::default() },
    )
    .await
    .map_err(|e| v.fail(e))?;
    b.push_str(&format!("<h2 id=waiting>{} ({})</h2>", esc(&v.t("pg-waiting")), waiting.total));
    if waiting.items.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    } else {
        b.push_str("<table id=waiting-list>");
        for o in &waiting.items {
            b.push_str(&format!(
                "<tr><td class=m>{}</td><td>{}</td><td class=n>{}</td></tr>",
                esc(&o.order_no),
                esc(&name_of(v, o.buyer_id).await),
                money(o.total_fen)
            ));
        }
        b.push_str("</table>");
    }

    // Find a villager, or register one.
    b.push_str(&format!(
        "<h2 id=villagers>{}</h2><form method=get action=\"{}\"><label for=q>{}</label>\
         <input id=q name=q type=search value=\"{}\"><button id=find-submit>{}</button></form>",
        esc(&v.t("pg-villagers")),
        v.href("station"),
        esc(&v.t("pg-find-villager")),
        esc(q.get("q")),
        esc(&v.t("pg-find"))
    ));
    if let Some(text) = q.opt("q") {
        let lq = ListQuery { q: Some(text), limit: Some(10), offset: None };
        match people_uc::list_people(db, &v.actor, v.county, &lq, &PeopleQuery::default()).await {
            Ok(found) if found.items.is_empty() => {
                b.push_str(&format!("<p class=muted id=found-none>{}</p>", esc(&v.t("pg-none"))))
            }
            Ok(found) => {
                b.push_str("<table id=found>");
                for p in found.items {
                    b.push_str(&format!(
                        "<tr><td>{}</td><td class=m>{}</td><td><a class=btn href=\"{}?buyer={}\">{}</a></td></tr>",
                        esc(&p.name),
                        esc(p.phone.as_deref().unwrap_or("")),
                        v.href("station/order"),
                        p.id,
                        esc(&v.t("pg-order-for"))
                    ));
                }
                b.push_str("</table>");
            }
            Err(ServiceError::Invalid(_)) => b.push_str(&format!("<p class=err>{}</p>", esc(&v.t("problem-invalid")))),
            Err(e) => return Err(v.fail(e)),
        }
    }
    let villages = villages_near(v, &station).await?;
    let e = sticky.errs("register");
    let chosen = match sticky.val("register", "village_id") {
        s if s.is_empty() => station.village_id.to_string(),
        s => s,
    };
    b.push_str(&format!(
        "<details{}><summary class=btn2 id=register-open>{}</summary><form method=post action=\"{}\" id=register>{}{}{}{}{}\
         <button id=register-submit>{}</button></form></details>",
        if sticky.form == "register" { " open" } else { "" },
        esc(&v.t("pg-register-villager")),
        v.href("station/villagers"),
        guard(v),
        input(v, "name", "pg-name", &sticky.val("register", "name"), e, "autocomplete=off required"),
        input(v, "phone", "pg-phone", &sticky.val("register", "phone"), e, "type=tel inputmode=numeric autocomplete=off"),
        select(v, "village_id", "pg-village", &villages, &chosen, e),
        e.others(&["name", "phone", "village_id"]),
        esc(&v.t("pg-register-submit"))
    ));

    // The cash drawer.
    let drawer = cash::station_drawer(db, &v.actor, v.county, station.id).await.map_err(|e| v.fail(e))?;
    let e = sticky.errs("cash");
    b.push_str(&format!(
        "<h2 id=drawer>{}</h2><p>{}: <strong id=drawer-balance>{}</strong></p>\
         <form method=post action=\"{}\">{}{}{}{}<button id=cash-submit>{}</button></form>",
        esc(&v.t("pg-drawer")),
        esc(&v.t("pg-drawer-balance")),
        drawer.balance,
        v.href("station/cash"),
        guard(v),
        input(
            v,
            "amount",
            "pg-amount",
            &sticky.val("cash", "amount"),
            e,
            "inputmode=decimal autocomplete=off required"
        ),
        input(v, "reference", "pg-reference", &sticky.val("cash", "reference"), e, "autocomplete=off"),
        e.others(&["amount", "reference"]),
        esc(&v.t("pg-cash-submit"))
    ));
    Ok(v.page(&v.t("pg-station-title"), &b))
}

/// The villages of the station's township, its own first: where its villagers live.
async fn villages_near(v: &View, station: &Station) -> Result<Vec<(String, String)>, Response> {
    let all =
        network::list_villages(&v.st.db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
            .await
            .map_err(|e| v.fail(e))?;
    let township = all.items.iter().find(|x| x.id == station.village_id).map(|x| x.township_id);
    let mut out: Vec<(String, String)> = all
        .items
        .iter()
        .filter(|x| Some(x.township_id) == township)
        .map(|x| (x.id.to_string(), x.name.clone()))
        .collect();
    out.sort_by_key(|(id, _)| *id != station.village_id.to_string());
    Ok(out)
}

async fn handover(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let station = my_station(&v).await?;
    let input = HandoverInput { pickup_code: f.get("pickup_code").trim().to_string() };
    match moves::handover(&v.st.db, &v.actor, v.county, station.id, input, f.idem("page-handover").as_ref()).await {
        Ok(o) => Ok(see_other(&format!("{}?done=handover&no={}", v.href("station"), o.order_no))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|_| "pickup_code".into())?;
            render_console(&v, &Fields::default(), &Sticky { form: "handover", fields: f, errs }).await
        }
    }
}

async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let village_id = f.opt("village_id").and_then(|s| s.parse().ok());
    let input = PersonInput {
        role: Some("buyer".into()),
        buyer_kind: Some("consumer".into()),
        name: Some(f.get("name").to_string()),
        phone: f.opt("phone"),
        village_id,
        ..Default::default()
    };
    match people_uc::create_person(&v.st.db, &v.actor, v.county, input, f.idem("page-register").as_ref()).await {
        Ok(p) => Ok(see_other(&format!("{}?buyer={}&done=registered", v.href("station/order"), p.id))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|f| f.to_string())?;
            render_console(&v, &Fields::default(), &Sticky { form: "register", fields: f, errs }).await
        }
    }
}

async fn hand_over_cash(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let station = my_station(&v).await?;
    let input = AmountInput { amount: f.get("amount").to_string(), reference: f.opt("reference") };
    match cash::hand_over_cash(&v.st.db, &v.actor, v.county, station.id, input, f.idem("page-cash").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=cash#drawer", v.href("station")))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|f| f.to_string())?;
            render_console(&v, &Fields::default(), &Sticky { form: "cash", fields: f, errs }).await
        }
    }
}

// ------------------------------------------------------------------ assisted order

/// The cart travels in the address: `listing:units,listing:units`. Anything unreadable in it
/// is dropped, never an error: it is the page's own state, not user input.
fn parse_cart(s: &str) -> Vec<(ListingId, i64)> {
    let mut out: Vec<(ListingId, i64)> = Vec::new();
    for part in s.split(',') {
        if let Some((l, n)) = part.split_once(':')
            && let (Ok(l), Ok(n)) = (l.parse::<ListingId>(), n.parse::<i64>())
            && n > 0
        {
            match out.iter_mut().find(|(x, _)| *x == l) {
                Some(line) => line.1 = line.1.saturating_add(n),
                None => out.push((l, n)),
            }
        }
    }
    out
}

fn cart_text(c: &[(ListingId, i64)]) -> String {
    c.iter().map(|(l, n)| format!("{l}:{n}")).collect::<Vec<_>>().join(",")
}

async fn order_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    // Adding or removing a line answers with the new address, so a reload adds nothing twice.
    if q.opt("add").is_some() || q.opt("remove").is_some() {
        let mut cart = parse_cart(q.get("cart"));
        if let Some(add) = q.opt("add") {
            let units = q.get("units").trim().parse::<i64>().unwrap_or(1).clamp(1, uc::MAX_UNITS);
            cart.extend(parse_cart(&format!("{add}:{units}")));
            cart = parse_cart(&cart_text(&cart));
        }
        if let Some(rm) = q.opt("remove") {
            cart.retain(|(l, _)| l.to_string() != rm);
        }
        return Ok(see_other(&format!(
            "{}?buyer={}&cart={}&q={}",
            v.href("station/order"),
            url_part(q.get("buyer")),
            cart_text(&cart),
            url_part(q.get("q"))
        )));
    }
    render_order(&v, &q, &Errs::default()).await
}

/// Percent-encodes a query value (search text may hold Chinese, spaces, `&`).
fn url_part(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => o.push(b as char),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

async fn render_order(v: &View, q: &Fields, errs: &Errs) -> Pg {
    my_station(v).await?;
    let db = &v.st.db;
    let buyer_id: PersonId = v.id(q.get("buyer"))?;
    let buyer = people_uc::get_person(db, &v.actor, v.county, buyer_id).await.map_err(|e| v.fail(e))?;
    let cart = parse_cart(q.get("cart"));
    let cart_s = cart_text(&cart);
    let mut b = forms::flash(v, q.opt("done").as_deref());
    b.push_str(&format!(
        "<p>{}: <strong id=buyer-name>{}</strong> <span class=m>{}</span></p>",
        esc(&v.t("pg-buyer")),
        esc(&buyer.name),
        esc(buyer.phone.as_deref().unwrap_or(""))
    ));

    // Search the hub's goods.
    b.push_str(&format!(
        "<form method=get action=\"{}\">{}{}<label for=q>{}</label><input id=q name=q type=search value=\"{}\">\
         <button id=search-submit>{}</button></form>",
        v.href("station/order"),
        hidden("buyer", q.get("buyer")),
        hidden("cart", &cart_s),
        esc(&v.t("pg-search-products")),
        esc(q.get("q")),
        esc(&v.t("pg-find"))
    ));
    let cq = CatalogQuery { q: q.opt("q"), direction: Some("downlink".into()), limit: Some(8), ..Default::default() };
    let found = search_listings(db, &v.actor, v.county, &cq).await.map_err(|e| v.fail(e))?;
    b.push_str("<table id=products>");
    for l in &found.items {
        b.push_str(&format!(
            "<tr><td>{}<br><span class=muted>{} · {}</span></td><td class=n>{}</td><td>\
             <form method=get action=\"{}\">{}{}{}{}<input name=units value=1 inputmode=numeric aria-label=\"{}\" style=width:4rem>\
             <button class=add>{}</button></form></td></tr>",
            esc(&l.product.name),
            esc(&v.t("pg-stock")),
            l.stock_units.unwrap_or(0),
            money(l.price_fen.0),
            v.href("station/order"),
            hidden("buyer", q.get("buyer")),
            hidden("cart", &cart_s),
            hidden("q", q.get("q")),
            hidden("add", &l.id.to_string()),
            esc(&v.t("pg-units")),
            esc(&v.t("pg-add"))
        ));
    }
    b.push_str("</table>");

    // The cart, and taking the cash.
    b.push_str(&format!("<h2>{}</h2>", esc(&v.t("pg-cart"))));
    if cart.is_empty() {
        b.push_str(&format!("<p class=muted id=cart-empty>{}</p>", esc(&v.t("pg-cart-empty"))));
    } else {
        let mut total: i64 = 0;
        b.push_str("<table id=cart>");
        for (lid, n) in &cart {
            let Ok(l) = get_listing(db, &v.actor, v.county, *lid).await else { continue };
            let line = l.price_fen.0.saturating_mul(*n);
            total = total.saturating_add(line);
            b.push_str(&format!(
                "<tr><td>{}</td><td class=n>{n} × {}</td><td class=n>{}</td><td><a href=\"{}?buyer={}&cart={}&remove={}\">{}</a></td></tr>",
                esc(&l.product.name),
                money(l.price_fen.0),
                money(line),
                v.href("station/order"),
                esc(q.get("buyer")),
                cart_s,
                l.id,
                esc(&v.t("pg-remove"))
            ));
        }
        b.push_str(&format!(
            "<tr><th colspan=2>{}</th><th class=n id=cart-total>{}</th><td></td></tr></table>",
            esc(&v.t("pg-total")),
            money(total)
        ));
        if let Some(m) = errs.at("cart") {
            b.push_str(&format!("<p class=err id=err-cart role=alert>{}</p>", esc(m)));
        }
        b.push_str(&errs.others(&["cart"]));
        b.push_str(&format!(
            "<form method=post action=\"{}\">{}{}{}<button id=checkout>{}</button></form>",
            v.href("station/order"),
            guard(v),
            hidden("buyer", q.get("buyer")),
            hidden("cart", &cart_s),
            esc(&v.ta("pg-take-cash", &[("amount", money(total))]))
        ));
    }
    b.push_str(&format!("<p><a href=\"{}\">{}</a></p>", v.href("station"), esc(&v.t("pg-back-console"))));
    Ok(v.page(&v.t("pg-assisted-order"), &b))
}

/// Places the order for the villager and takes the cash into the drawer. Two steps, each its
/// own transaction as in the API: an order placed but not paid (cash refused) shows on its
/// receipt as unpaid, and gives its stock back when the reservation runs out.
async fn place(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let buyer_id: PersonId = v.id(f.get("buyer"))?;
    let lines = parse_cart(f.get("cart"))
        .into_iter()
        .map(|(listing_id, units)| LineInput { listing_id, units, grade: None })
        .collect();
    let input =
        PlaceOrderInput { buyer_id: Some(buyer_id), lines, station_id: None, drop_point_id: None, address: None };
    let idem = f.idem("page-assisted-order");
    let o = match uc::place_order(&v.st.db, &v.actor, v.county, input, idem.as_ref()).await {
        Ok(o) => o,
        Err(e) => {
            let errs =
                Errs::from_service(&v, e, &|f| if f.starts_with("lines") { "cart".into() } else { f.to_string() })?;
            return render_order(&v, &f, &errs).await;
        }
    };
    if o.payment_method.is_none() {
        let pay_key = idem
            .as_ref()
            .and_then(|k| uplink_service::IdemKey::parse(&format!("{}:pay", k.key), k.request_hash.clone()).ok());
        moves::pay(&v.st.db, &v.actor, v.county, o.id, PayInput { method: PaymentMethod::Cash }, pay_key.as_ref())
            .await
            .map_err(|e| v.fail(e))?;
    }
    Ok(see_other(&v.href(&format!("station/receipt/{}", o.id))))
}

/// The receipt: printable, with the pickup code large and a sentence to read out to someone
/// who cannot read the screen.
async fn receipt(State(st): State<AppState>, ctx: Ctx, Path((county, id)): Path<(String, String)>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let station = my_station(&v).await?;
    let id: OrderId = v.id(&id)?;
    let o = uc::get_order(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let buyer = name_of(&v, o.buyer_id).await;
    let code = o.pickup_code.clone().unwrap_or_default();
    let paid = o.payment_method.is_some();
    let spoken_code = code.chars().map(String::from).collect::<Vec<_>>().join(" ");
    let readout = v.ta(
        if paid { "pg-readout-paid" } else { "pg-readout-unpaid" },
        &[("name", buyer.clone()), ("no", o.order_no.clone()), ("total", money(o.total_fen)), ("code", spoken_code)],
    );
    let mut b = format!(
        "<div class=card id=receipt><p><strong>{}</strong><br>{}</p><p>{}: <strong>{}</strong></p>\
         <p>{}: <span class=m id=order-no>{}</span> · {}</p>{}<p>{}: <strong id=paid>{}</strong></p>\
         <p>{}:<br><span class=code id=pickup-code>{}</span></p></div>\
         <h2>{}</h2><p id=readout>{}</p>",
        esc(&station.name),
        forms::date_time(v.lang, o.placed_us),
        esc(&v.t("pg-buyer")),
        esc(&buyer),
        esc(&v.t("pg-order-no")),
        esc(&o.order_no),
        esc(&super::orders::state_name(&v, &o)),
        lines_table(&v, &o),
        esc(&v.t("pg-payment")),
        esc(&v.t(if paid { "pg-paid-cash" } else { "pg-unpaid" })),
        esc(&v.t("pg-pickup-code")),
        esc(&code),
        esc(&v.t("pg-readout")),
        esc(&readout)
    );
    if !paid && o.allowed.contains(&uplink_core::order::OrderEvent::Pay) {
        b.push_str(&forms::move_button(
            &v,
            &o.id.to_string(),
            "pay-cash",
            "pg-take-cash-now",
            &v.href(&format!("station/receipt/{}", o.id)),
        ));
    }
    b.push_str(&format!(
        "<p class=noprint><button type=button data-print hidden>{}</button> <a class=\"btn btn2\" href=\"{}\">{}</a></p>\
         <script src=\"{}\" defer></script>",
        esc(&v.t("pg-print")),
        v.href("station"),
        esc(&v.t("pg-back-console")),
        super::assets::js_href()
    ));
    Ok(v.page(&v.t("pg-receipt"), &b))
}
