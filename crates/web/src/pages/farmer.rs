//! The seller's page (farmers and co-ops; suppliers too): for farmers and co-ops first their
//! trust score and why, harvest lists, deliveries and the windows' prices per grade
//! (`pages::farmer_produce`); then my listings with the price of each grade, my sales with the
//! buttons to confirm and pack them, my wallet and its statement (payouts at intake among them).

use super::farmer_produce;
use super::forms::{self, Fields, money, move_button};
use super::shop::{product_name, wallet_html};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use uplink_core::order::OrderEvent;
use uplink_core::people::Role;
use uplink_service::ServiceError;
use uplink_service::catalog::{CatalogQuery, search_listings};
use uplink_service::orders::{self as uc, OrderQuery};
use uplink_service::paging::ListQuery;

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/farmer", get(farmer_page))
}

async fn farmer_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let me = v.person_as(&[Role::Farmer, Role::Coop, Role::Supplier]).ok_or_else(|| v.fail(ServiceError::Forbidden))?;
    let db = &v.st.db;
    let here = v.href("farmer");
    let mut b = forms::flash(&v, q.opt("done").as_deref());
    let grower = farmer_produce::grower(&v);
    let produce_tabs = if grower.is_some() {
        format!(
            "<a href=#trust>{}</a><a href=#harvest>{}</a><a href=#deliveries>{}</a><a href=#prices>{}</a>",
            esc(&v.t("farm-trust")),
            esc(&v.t("farm-harvest-lists")),
            esc(&v.t("farm-deliveries")),
            esc(&v.t("farm-window-prices"))
        )
    } else {
        String::new()
    };
    b.push_str(&format!(
        "<nav class=tabs>{produce_tabs}<a href=#listings>{}</a><a href=#sales>{}</a><a href=#wallet>{}</a></nav>",
        esc(&v.t("pg-my-listings")),
        esc(&v.t("pg-my-sales")),
        esc(&v.t("pg-wallet")),
    ));
    if let Some(me) = grower {
        b.push_str(&farmer_produce::trust_html(&v, me).await?);
        b.push_str(&farmer_produce::harvest_html(&v).await?);
        b.push_str(&farmer_produce::lots_html(&v).await?);
        b.push_str(&farmer_produce::window_prices_html(&v).await?);
    }

    // My listings, with the price of every grade.
    let cq = CatalogQuery {
        seller_id: Some(me.to_string()),
        include_inactive: Some(true),
        limit: Some(50),
        ..Default::default()
    };
    let listings = search_listings(db, &v.actor, v.county, &cq).await.map_err(|e| v.fail(e))?;
    b.push_str(&format!("<h2 id=listings>{}</h2>", esc(&v.t("pg-my-listings"))));
    if listings.items.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }
    for l in &listings.items {
        let grades: Vec<String> = l
            .grade_prices
            .iter()
            .map(|g| {
                let name = match (v.lang, &g.name_en) {
                    (Lang::En, Some(en)) => en.as_str(),
                    _ => g.name_zh.as_str(),
                };
                format!("{} {}", esc(name), money(g.price_fen.0))
            })
            .collect();
        let prices = if grades.is_empty() { money(l.price_fen.0) } else { grades.join(" · ") };
        b.push_str(&format!(
            "<div class=card><strong>{}</strong>{}<br>{}<br><span class=muted>{}: {}</span></div>",
            esc(&product_name(v.lang, &l.product)),
            if l.active { String::new() } else { format!(" <span class=muted>({})</span>", esc(&v.t("pg-inactive"))) },
            prices,
            esc(&v.t("pg-available")),
            l.offered_units.or(l.stock_units).unwrap_or(0)
        ));
    }

    // My sales: orders where I am the seller, with the moves that are mine.
    let lq = ListQuery { limit: Some(50), ..Default::default() };
    let orders = uc::list_orders(db, &v.actor, v.county, &lq, &OrderQuery::default()).await.map_err(|e| v.fail(e))?;
    b.push_str(&format!("<h2 id=sales>{}</h2><table id=sales-list>", esc(&v.t("pg-my-sales"))));
    let mut any = false;
    for o in orders.items.iter().filter(|o| o.seller_id == me) {
        any = true;
        let mut moves = String::new();
        for (e, key) in [(OrderEvent::Confirm, "pg-confirm"), (OrderEvent::Pack, "pg-pack")] {
            if o.allowed.contains(&e) {
                moves.push_str(&move_button(&v, &o.id.to_string(), e.as_str(), key, &here));
            }
        }
        b.push_str(&format!(
            "<tr><td><a class=m href=\"{}\">{}</a><br>{}</td><td>{}</td><td class=n>{}</td><td>{moves}</td></tr>",
            v.href(&format!("orders/{}", o.id)),
            esc(&o.order_no),
            forms::date(v.lang, o.placed_us),
            esc(&super::orders::state_name(&v, o)),
            money(o.total_fen)
        ));
    }
    b.push_str("</table>");
    if !any {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }

    b.push_str(&format!("<h2 id=wallet>{}</h2>", esc(&v.t("pg-wallet"))));
    b.push_str(&wallet_html(&v).await?);
    Ok(v.page(&v.t("pg-farmer-title"), &b))
}
