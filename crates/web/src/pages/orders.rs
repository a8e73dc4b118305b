//! One order as its parties see it (lines, total, where it goes, its history, the buttons for
//! the moves the caller may make now), and the one POST that makes a move. Shared by the shop,
//! the farmer's sales, the driver's list and the operator's queue.

use super::forms::{self, Errs, Fields, date_time, money, move_button, weight};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use uplink_core::catalog::Grade;
use uplink_core::order::{Order, OrderEvent, OrderLine};
use uplink_core::people::Role;
use uplink_core::{OrderId, PersonId, ProductId};
use uplink_service::order_moves::{self as moves, MoveInput, PayInput, PaymentMethod};
use uplink_service::{ServiceError, orders as uc};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/orders/{id}", get(order_page))
        .route("/c/{county}/orders/{id}/move", post(make_move))
}

/// The name of a party, for people who may read it (agents: trading parties only).
pub async fn name_of(v: &View, p: PersonId) -> String {
    match uplink_service::people::get_person(&v.st.db, &v.actor, v.county, p).await {
        Ok(x) => x.name,
        Err(_) => String::from("—"),
    }
}

/// `state-paid` → 已付款 / Paid.
pub fn state_name(v: &View, o: &Order) -> String {
    v.t(&format!("state-{}", o.state.as_str()))
}

/// The lines of an order as a table, with the total.
pub fn lines_table(v: &View, o: &Order) -> String {
    lines_table_graded(v, o, &[])
}

/// The grades of the products on an order's lines, to name them.
pub async fn line_grades(v: &View, o: &Order) -> Vec<(ProductId, Vec<Grade>)> {
    let mut out: Vec<(ProductId, Vec<Grade>)> = Vec::new();
    for l in o.lines.iter().filter(|l| l.grade.is_some()) {
        if !out.iter().any(|(p, _)| *p == l.product_id) {
            out.push((l.product_id, super::shop_windows::grades_of(v, l.product_id).await));
        }
    }
    out
}

/// A line's grade by name (`grades` from [`line_grades`]; the code when not given).
pub fn line_grade(v: &View, l: &OrderLine, grades: &[(ProductId, Vec<Grade>)]) -> String {
    let Some(code) = l.grade.as_deref() else { return String::new() };
    let g = grades.iter().find(|(p, _)| *p == l.product_id).map(|(_, g)| g.as_slice()).unwrap_or(&[]);
    format!(" · {}", esc(&super::shop_windows::grade_name(v.lang, g, code)))
}

/// The lines with each grade by name.
pub fn lines_table_graded(v: &View, o: &Order, grades: &[(ProductId, Vec<Grade>)]) -> String {
    let mut s = format!(
        "<table><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("pg-product")),
        esc(&v.t("pg-units")),
        esc(&v.t("pg-price")),
        esc(&v.t("pg-line-total"))
    );
    for l in &o.lines {
        let grade = line_grade(v, l, grades);
        s.push_str(&format!(
            "<tr><td>{}{grade}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&l.product_name),
            l.units,
            money(l.unit_price_fen),
            money(l.line_total_fen)
        ));
    }
    s.push_str(&format!(
        "<tr><th colspan=3>{} · {}</th><th class=n id=order-total>{}</th></tr></table>",
        esc(&v.t("pg-total")),
        weight(o.weight_g),
        money(o.total_fen)
    ));
    s
}

/// A note of the history in the reader's language: the notes the use cases write ("pre-order",
/// a claim's outcome …) by their message; a person's own note as they typed it. The hub's fill
/// note is left out: the fill is shown with its lot above the history.
fn note_text(v: &View, note: &str) -> String {
    if note.starts_with("filled ") {
        return String::new();
    }
    let key = format!("shop-note-{}", note.replace(' ', "-"));
    if v.st.catalog.has(v.lang, &key) { v.t(&key) } else { note.to_string() }
}

/// The moves the caller may offer on this order now, by how they stand to it.
fn buttons(v: &View, o: &Order, back: &str) -> String {
    let me = |roles: &[Role]| v.person_as(roles);
    let buyer = me(&[Role::Buyer, Role::Farmer, Role::Coop]) == Some(o.buyer_id);
    let seller = me(&[Role::Supplier, Role::Farmer, Role::Coop]) == Some(o.seller_id);
    let operator = v.has_role(&[Role::Operator]);
    let carrier = v.has_role(&[Role::Operator, Role::Driver]);
    let id = o.id.to_string();
    let mut s = String::new();
    for e in &o.allowed {
        let (ok, label) = match e {
            OrderEvent::Pay => (buyer, "pg-pay-wallet"),
            OrderEvent::Confirm => (seller || operator, "pg-confirm"),
            OrderEvent::Pack => (seller || operator, "pg-pack"),
            OrderEvent::Ship => (carrier, "pg-ship"),
            OrderEvent::Deliver => (carrier, "pg-deliver"),
            OrderEvent::Accept => (buyer, "pg-accept"),
            OrderEvent::Cancel => (buyer || seller || operator, "pg-cancel"),
            _ => (false, ""),
        };
        if ok {
            s.push_str(&move_button(v, &id, e.as_str(), label, back));
        }
    }
    s
}

async fn order_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render(&v, &id, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

/// The order's page; `f` and `errs` are what was typed into its rating form and what was wrong.
pub async fn render(v: &View, id: &str, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let id: OrderId = v.id(id)?;
    let o = uc::get_order(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let hist = uc::history(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let here = v.href(&format!("orders/{id}"));
    let mut b = forms::flash(v, q.opt("done").as_deref());
    b.push_str(&format!(
        "<div class=card><p><span class=m id=order-no>{}</span> · {} · <strong id=order-state>{}</strong></p>\
         <p>{}: {}</p>",
        esc(&o.order_no),
        esc(&v.t(&format!("dir-{}", o.direction.as_str()))),
        esc(&state_name(v, &o)),
        esc(&v.t("pg-placed")),
        date_time(v.lang, o.placed_us)
    ));
    if let Some(code) = &o.pickup_code
        && o.station_id.is_some()
    {
        b.push_str(&format!("<p>{}: <span class=code>{}</span></p>", esc(&v.t("pg-pickup-code")), esc(code)));
    }
    if let Some(a) = &o.address {
        b.push_str(&format!("<p>{}: {}</p>", esc(&v.t("pg-address")), esc(a)));
    }
    if o.payment_method.is_none() && v.person_as(&[Role::Buyer, Role::Farmer, Role::Coop]) == Some(o.buyer_id) {
        b.push_str(&format!(
            "<p>{}: <span class=m id=pay-ref>{}</span></p>",
            esc(&v.t("pg-bank-reference")),
            esc(&o.payment_reference)
        ));
    }
    b.push_str("</div>");
    b.push_str(&lines_table_graded(v, &o, &line_grades(v, &o).await));
    b.push_str(&format!("<p>{}</p>", buttons(v, &o, &here)));
    b.push_str(&super::order_claims::fill_html(v, &o).await?);
    b.push_str(&format!("<h2>{}</h2><table id=history>", esc(&v.t("pg-history"))));
    for h in &hist {
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            date_time(v.lang, h.at_us),
            esc(&v.t(&format!("state-{}", h.to_state))),
            esc(&note_text(v, h.note.as_deref().unwrap_or("")))
        ));
    }
    b.push_str("</table>");
    b.push_str(&super::order_claims::claims_html(v, &o).await?);
    b.push_str(&super::order_claims::rating_html(v, &o, f, errs).await?);
    Ok(v.page(&v.ta("pg-order-title", &[("no", o.order_no.clone())]), &b))
}

async fn make_move(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let id: OrderId = v.id(&id)?;
    let idem = f.idem("page-move");
    let (db, a, c, k) = (&v.st.db, &v.actor, v.county, idem.as_ref());
    let event = f.get("event");
    let r = match event {
        "pay" => moves::pay(db, a, c, id, PayInput { method: PaymentMethod::Wallet }, k).await,
        "pay-cash" => moves::pay(db, a, c, id, PayInput { method: PaymentMethod::Cash }, k).await,
        "accept" => moves::accept(db, a, c, id, MoveInput::default(), k).await,
        "cancel" => moves::cancel(db, a, c, id, MoveInput::default(), k).await,
        "confirm" => moves::advance(db, a, c, id, OrderEvent::Confirm, MoveInput::default(), k).await,
        "pack" => moves::advance(db, a, c, id, OrderEvent::Pack, MoveInput::default(), k).await,
        "ship" => moves::advance(db, a, c, id, OrderEvent::Ship, MoveInput::default(), k).await,
        "deliver" => moves::advance(db, a, c, id, OrderEvent::Deliver, MoveInput::default(), k).await,
        _ => Err(ServiceError::NotFound),
    };
    r.map_err(|e| v.fail(e))?;
    let back = f.get("back");
    let back = if back.starts_with('/') && !back.starts_with("//") { back.to_string() } else { v.href("") };
    let sep = if back.contains('?') { '&' } else { '?' };
    let done = if event == "pay-cash" { "pay" } else { event };
    Ok(forms::see_other(&format!("{back}{sep}done={done}")))
}
