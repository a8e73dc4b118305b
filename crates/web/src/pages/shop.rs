//! The buyer's shop: the county's farm products with their village of origin, search, a product
//! page with the price of every grade, ordering to a city drop point or an address, my orders,
//! and my wallet with the bank reference to quote when topping it up. Paying and accepting are
//! buttons on the order's page (`pages::orders`).

use super::forms::{self, Errs, Fields, date_text, guard, input, money, see_other, select, weight};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use uplink_core::catalog::{Listing, Product};
use uplink_core::{DropPointId, ListingId};
use uplink_service::catalog::{CatalogQuery, get_listing, search_listings};
use uplink_service::ledger::bank::{TopupInput, request_topup};
use uplink_service::ledger::{MyStatementQuery, my_accounts, my_statement};
use uplink_service::orders::{self as uc, LineInput, OrderQuery, PlaceOrderInput};
use uplink_service::paging::ListQuery;
use uplink_service::{ServiceError, settings};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/shop", get(products))
        .route("/c/{county}/shop/listing/{id}", get(product_page).post(order))
        .route("/c/{county}/shop/orders", get(my_orders))
        .route("/c/{county}/shop/wallet", get(wallet))
        .route("/c/{county}/shop/wallet/topup", post(topup))
}

/// The product's name in the reader's language (the Chinese name when there is no English one).
pub fn product_name(lang: Lang, p: &Product) -> String {
    match (lang, &p.name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => p.name.clone(),
    }
}

fn unit_name(lang: Lang, l: &Listing) -> &'static str {
    match lang {
        Lang::ZhCn => l.product.sale_unit.name_zh(),
        Lang::En => l.product.sale_unit.name_en(),
    }
}

pub fn tabs(v: &View) -> String {
    format!(
        "<nav class=tabs><a href=\"{}\">{}</a><a href=\"{}\">{}</a><a href=\"{}\">{}</a></nav>",
        v.href("shop"),
        esc(&v.t("pg-products")),
        v.href("shop/orders"),
        esc(&v.t("pg-my-orders")),
        v.href("shop/wallet"),
        esc(&v.t("pg-wallet"))
    )
}

async fn products(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let mut b = tabs(&v);
    b.push_str(&format!(
        "<form method=get action=\"{}\"><label for=q>{}</label><input id=q name=q type=search value=\"{}\">\
         <button id=search-submit>{}</button></form>",
        v.href("shop"),
        esc(&v.t("pg-search-products")),
        esc(q.get("q")),
        esc(&v.t("pg-find"))
    ));
    let cq = CatalogQuery { q: q.opt("q"), direction: Some("uplink".into()), limit: Some(30), ..Default::default() };
    let found = match search_listings(&v.st.db, &v.actor, v.county, &cq).await {
        Ok(f) => f,
        Err(ServiceError::Invalid(_)) => {
            b.push_str(&format!("<p class=err id=err-q>{}</p>", esc(&v.t("problem-invalid"))));
            return Ok(v.page(&v.t("pg-shop-title"), &b));
        }
        Err(e) => return Err(v.fail(e)),
    };
    if q.opt("q").is_none() {
        b.push_str(&super::shop_windows::open_windows_html(&v).await?);
    }
    b.push_str(&format!("<h2>{}</h2>", esc(&v.t("pg-products"))));
    if found.items.is_empty() {
        b.push_str(&format!("<p class=muted id=none>{}</p>", esc(&v.t("pg-none"))));
    }
    b.push_str("<div id=listings>");
    for l in &found.items {
        b.push_str(&format!(
            "<div class=card><a href=\"{}\"><strong>{}</strong></a> <span class=n>{} / {}</span><br>\
             <span class=muted>{}: {} · {} · {}{}</span></div>",
            v.href(&format!("shop/listing/{}", l.id)),
            esc(&product_name(v.lang, &l.product)),
            money(l.price_fen.0),
            esc(unit_name(v.lang, l)),
            esc(&v.t("pg-origin")),
            esc(l.origin_village_name.as_deref().unwrap_or("—")),
            esc(&l.seller_name),
            trust_badge(&v, l.seller_trust),
            l.harvest_date
                .as_deref()
                .map(|d| format!(" · {} {}", esc(&v.t("pg-harvest")), date_text(v.lang, d)))
                .unwrap_or_default()
        ));
    }
    b.push_str("</div>");
    Ok(v.page(&v.t("pg-shop-title"), &b))
}

/// The seller's trust score as a listing shows it: "trust 78/100".
pub fn trust_badge(v: &View, score: Option<i64>) -> String {
    match score {
        Some(s) => format!("<span class=trust>{}</span>", esc(&v.ta("shop-seller-trust", &[("score", s.to_string())]))),
        None => String::new(),
    }
}

async fn product_page(State(st): State<AppState>, ctx: Ctx, Path((county, id)): Path<(String, String)>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_product(&v, &id, &Fields::default(), &Errs::default()).await
}

async fn render_product(v: &View, id: &str, f: &Fields, errs: &Errs) -> Pg {
    let id: ListingId = v.id(id)?;
    let l = get_listing(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let unit = unit_name(v.lang, &l);
    let mut b = tabs(v);
    b.push_str(&format!(
        "<div class=card><p>{}: <strong id=origin>{}</strong> · {} · {}</p><p>{}: {} · {} {}</p>",
        esc(&v.t("pg-origin")),
        esc(l.origin_village_name.as_deref().unwrap_or("—")),
        esc(&l.seller_name),
        trust_badge(v, l.seller_trust),
        esc(&v.t("pg-unit")),
        esc(unit),
        weight(l.product.unit_grams.0),
        l.harvest_date
            .as_deref()
            .map(|d| format!("· {} {}", esc(&v.t("pg-harvest")), date_text(v.lang, d)))
            .unwrap_or_default()
    ));
    b.push_str(&format!(
        "<p>{}: {}</p></div><h2>{}</h2><table id=grade-prices>",
        esc(&v.t("pg-available")),
        l.offered_units.or(l.stock_units).unwrap_or(0),
        esc(&v.t("pg-prices-by-grade"))
    ));
    let mut grades = vec![(String::new(), v.t("pg-base-grade"))];
    for g in &l.grade_prices {
        let name = match (v.lang, &g.name_en) {
            (Lang::En, Some(en)) => en.clone(),
            _ => g.name_zh.clone(),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td class=n>{} / {}</td></tr>",
            esc(&name),
            money(g.price_fen.0),
            esc(unit)
        ));
        grades.push((g.code.clone(), name));
    }
    if l.grade_prices.is_empty() {
        b.push_str(&format!("<tr><td>—</td><td class=n>{} / {}</td></tr>", money(l.price_fen.0), esc(unit)));
    }
    b.push_str("</table>");
    let drops = settings::drop_points(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut opts = vec![(String::new(), v.t("pg-to-address"))];
    opts.extend(drops.iter().map(|d| (d.id.to_string(), format!("{} · {}", d.city, d.name))));
    let units = if f.get("units").is_empty() { l.min_order_units.to_string() } else { f.get("units").to_string() };
    b.push_str(&format!(
        "<h2>{}</h2><form method=post action=\"{}\" id=order-form>{}{}{}{}{}{}{}<button id=order-submit>{}</button></form>",
        esc(&v.t("pg-order")),
        v.href(&format!("shop/listing/{}", l.id)),
        guard(v),
        input(v, "units", "pg-units", &units, errs, "inputmode=numeric required"),
        if l.grade_prices.is_empty() { String::new() } else { select(v, "grade", "pg-grade", &grades, f.get("grade"), errs) },
        select(v, "drop_point_id", "pg-drop-point", &opts, f.get("drop_point_id"), errs),
        input(v, "address", "pg-address", f.get("address"), errs, "autocomplete=street-address"),
        errs.others(&["units", "grade", "drop_point_id", "address"]),
        String::new(),
        esc(&v.t("pg-place-order"))
    ));
    Ok(v.page(&product_name(v.lang, &l.product), &b))
}

async fn order(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let listing_id: ListingId = v.id(&id)?;
    let mut errs = Errs::default();
    let units = f.int("units", &mut errs, &v);
    let drop_point_id = match f.opt("drop_point_id") {
        Some(d) => match d.parse::<DropPointId>() {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push("drop_point_id", v.t("unknown-reference"));
                None
            }
        },
        None => None,
    };
    let (Some(units), true) = (units, errs.is_empty()) else {
        return render_product(&v, &id, &f, &errs).await;
    };
    let input = PlaceOrderInput {
        buyer_id: None,
        lines: vec![LineInput { listing_id, units, grade: f.opt("grade") }],
        station_id: None,
        drop_point_id,
        address: f.opt("address"),
    };
    match uc::place_order(&v.st.db, &v.actor, v.county, input, f.idem("page-shop-order").as_ref()).await {
        Ok(o) => Ok(see_other(&format!("{}?done=placed", v.href(&format!("orders/{}", o.id))))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|field| {
                field.strip_prefix("lines[0].").unwrap_or(field).replace("listing_id", "units").to_string()
            })?;
            render_product(&v, &id, &f, &errs).await
        }
    }
}

/// An order list: number, state, total, date, a link to the order. Shared with the farmer's sales.
pub fn orders_table(v: &View, items: &[uplink_core::order::Order]) -> String {
    if items.is_empty() {
        return format!("<p class=muted>{}</p>", esc(&v.t("pg-none")));
    }
    let mut b = String::from("<table class=orders>");
    for o in items {
        b.push_str(&format!(
            "<tr><td><a class=m href=\"{}\">{}</a></td><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
            v.href(&format!("orders/{}", o.id)),
            esc(&o.order_no),
            esc(&super::orders::state_name(v, o)),
            money(o.total_fen),
            forms::date(v.lang, o.placed_us)
        ));
    }
    b.push_str("</table>");
    b
}

async fn my_orders(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let lq = ListQuery { limit: Some(50), ..Default::default() };
    let page =
        uc::list_orders(&v.st.db, &v.actor, v.county, &lq, &OrderQuery::default()).await.map_err(|e| v.fail(e))?;
    let me = v.person_as(&[uplink_core::people::Role::Buyer]);
    let mine: Vec<_> = page.items.into_iter().filter(|o| Some(o.buyer_id) == me || me.is_none()).collect();
    let b = format!("{}{}", tabs(&v), orders_table(&v, &mine));
    Ok(v.page(&v.t("pg-my-orders"), &b))
}

/// The wallet and its statement; shared with the farmer's page.
pub async fn wallet_html(v: &View) -> Result<String, axum::response::Response> {
    let db = &v.st.db;
    let accts = my_accounts(db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut b = String::from("<table id=accounts>");
    for a in &accts.accounts {
        b.push_str(&format!(
            "<tr><td>{}</td><td class=n><strong>{}</strong></td></tr>",
            esc(&v.t(&format!("acct-{}", a.kind.as_str()))),
            a.balance
        ));
    }
    b.push_str("</table>");
    let lq = ListQuery { limit: Some(20), ..Default::default() };
    let stmt = my_statement(db, &v.actor, v.county, &MyStatementQuery::default(), &lq).await.map_err(|e| v.fail(e))?;
    b.push_str(&format!("<h2>{}</h2><table id=statement>", esc(&v.t("pg-statement"))));
    for l in &stmt.lines {
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            forms::date_time(v.lang, l.at_us),
            esc(&v.t(&format!("xfer-{}", l.code.as_str()))),
            l.amount,
            l.balance_after
        ));
    }
    if stmt.lines.is_empty() {
        b.push_str(&format!("<tr><td class=muted>{}</td></tr>", esc(&v.t("pg-none"))));
    }
    b.push_str("</table>");
    Ok(b)
}

async fn wallet(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_wallet(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render_wallet(v: &View, q: &Fields, f: &Fields, errs: &Errs) -> Pg {
    let mut b = tabs(v);
    if let (Some(r), Some(a)) = (q.opt("ref"), q.opt("amount")) {
        b.push_str(&format!(
            "<div class=ok role=status id=topup-ref><p>{}</p><p class=code>{}</p></div>",
            esc(&v.ta("pg-topup-instructions", &[("amount", a)])),
            esc(&r)
        ));
    }
    b.push_str(&wallet_html(v).await?);
    b.push_str(&format!(
        "<h2>{}</h2><form method=post action=\"{}\">{}{}{}<button id=topup-submit>{}</button></form>",
        esc(&v.t("pg-topup")),
        v.href("shop/wallet/topup"),
        guard(v),
        input(v, "amount", "pg-amount", f.get("amount"), errs, "inputmode=decimal required"),
        errs.others(&["amount"]),
        esc(&v.t("pg-topup-submit"))
    ));
    Ok(v.page(&v.t("pg-wallet"), &b))
}

async fn topup(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let input = TopupInput { amount: f.get("amount").to_string() };
    match request_topup(&v.st.db, &v.actor, v.county, input, f.idem("page-topup").as_ref()).await {
        Ok(t) => Ok(see_other(&format!(
            "{}?ref={}&amount={}",
            v.href("shop/wallet"),
            t.reference,
            t.amount.replace('¥', "%C2%A5")
        ))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|f| f.to_string())?;
            render_wallet(&v, &Fields::default(), &f, &errs).await
        }
    }
}
