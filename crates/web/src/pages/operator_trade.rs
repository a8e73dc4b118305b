//! The operator's pages for the trade: the catalog's products, the orders queue by state, the
//! trial balance of the county's books, and the county's settings (commercial, and the unit
//! people's pages show weights in). Auditors read them all; only operators get the settings form.

use super::forms::{self, Errs, Fields, guard, input, money, see_other, select, weight};
use super::operator::{manages, tabs};
use super::shop::{orders_table, product_name};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Form, Router};
use uplink_core::weight::WeightUnit;
use uplink_service::catalog::{CatalogQuery, list_products};
use uplink_service::ledger::trial_balance;
use uplink_service::orders::{self as uc, OrderQuery};
use uplink_service::paging::ListQuery;
use uplink_service::settings;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/operator/products", get(products))
        .route("/c/{county}/operator/orders", get(orders))
        .route("/c/{county}/operator/ledger", get(ledger))
        .route("/c/{county}/operator/settings", get(settings_page).post(save_settings))
}

type Q = Query<Vec<(String, String)>>;

async fn products(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let cq = CatalogQuery { q: q.opt("q"), limit: Some(100), ..Default::default() };
    let list = list_products(&v.st.db, &v.actor, v.county, &cq).await.map_err(|e| v.fail(e))?;
    let mut b = format!(
        "{}<form method=get action=\"{}\"><label for=q>{}</label><input id=q name=q type=search value=\"{}\">\
         <button>{}</button></form><table id=list><caption>{}</caption>",
        tabs(&v),
        v.href("operator/products"),
        esc(&v.t("pg-search-products")),
        esc(q.get("q")),
        esc(&v.t("pg-find")),
        list.total
    );
    for p in &list.items {
        let cat = match v.lang {
            crate::i18n::Lang::ZhCn => p.category.name_zh(),
            crate::i18n::Lang::En => p.category.name_en(),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
            esc(&product_name(v.lang, p)),
            esc(&v.t(&format!("dir-{}", p.direction.as_str()))),
            esc(cat),
            weight(p.unit_grams.0)
        ));
    }
    b.push_str("</table>");
    Ok(v.page(&v.t("pg-products"), &b))
}

/// The orders queue: one state at a time (paid first: what the hub must pack next).
async fn orders(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let state = q.opt("state").unwrap_or_else(|| "paid".into());
    let mut b = tabs(&v);
    b.push_str("<nav class=tabs>");
    for s in ["placed", "paid", "confirmed", "packed", "in_transit", "delivered", "settled", "cancelled", "returned"] {
        let cur = if s == state { " aria-current=page" } else { "" };
        b.push_str(&format!(
            "<a href=\"{}?state={s}\"{cur}>{}</a>",
            v.href("operator/orders"),
            esc(&v.t(&format!("state-{s}")))
        ));
    }
    b.push_str("</nav>");
    let lq = ListQuery { limit: Some(100), ..Default::default() };
    let oq = OrderQuery { state: Some(state), ..Default::default() };
    let page = uc::list_orders(&v.st.db, &v.actor, v.county, &lq, &oq).await.map_err(|e| v.fail(e))?;
    b.push_str(&format!("<p>{}: {}</p>", esc(&v.t("pg-count")), page.total));
    b.push_str(&orders_table(&v, &page.items));
    Ok(v.page(&v.t("pg-orders-queue"), &b))
}

async fn ledger(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let tb = trial_balance(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut b = format!(
        "{}<p class={} id=balanced>{}</p><table id=trial><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th>\
         <th class=n>{}</th><th class=n>{}</th></tr>",
        tabs(&v),
        if tb.balanced { "ok" } else { "warn" },
        esc(&v.t(if tb.balanced { "pg-balanced" } else { "pg-unbalanced" })),
        esc(&v.t("pg-account-kind")),
        esc(&v.t("pg-accounts")),
        esc(&v.t("pg-debits")),
        esc(&v.t("pg-credits")),
        esc(&v.t("pg-balance"))
    );
    for r in &tb.rows {
        b.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&v.t(&format!("acct-{}", r.kind.as_str()))),
            r.accounts,
            money(r.debits_posted),
            money(r.credits_posted),
            money(r.balance)
        ));
    }
    b.push_str(&format!(
        "<tr><th>{}</th><td></td><th class=n>{}</th><th class=n>{}</th><td></td></tr></table>",
        esc(&v.t("pg-total")),
        money(tb.total_debits),
        money(tb.total_credits)
    ));
    Ok(v.page(&v.t("pg-trial-balance"), &b))
}

/// The five numbers an operator tunes; the other settings keep their values.
const SETTINGS: [(&str, &str); 5] = [
    ("platform_fee_bps", "pg-platform-fee-bps"),
    ("agent_commission_bps", "pg-agent-commission-bps"),
    ("acceptance_window_hours", "pg-acceptance-window-hours"),
    ("return_window_days", "pg-return-window-days"),
    ("reservation_ttl_minutes", "pg-reservation-ttl-minutes"),
];

async fn settings_page(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_settings(&v, &Fields::from(q), None, &Errs::default()).await
}

async fn render_settings(v: &View, q: &Fields, typed: Option<&Fields>, errs: &Errs) -> Pg {
    let s = settings::get(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let current = [
        s.platform_fee_bps,
        s.agent_commission_bps,
        s.acceptance_window_hours,
        s.return_window_days,
        s.reservation_ttl_minutes,
    ];
    let mut b = format!("{}{}", tabs(v), forms::flash(v, q.opt("done").as_deref()));
    let attrs = if manages(v) { "inputmode=numeric required" } else { "readonly" };
    let mut fields = String::new();
    for ((name, label), now) in SETTINGS.iter().zip(current) {
        let val = typed.map(|f| f.get(name).to_string()).unwrap_or_else(|| now.to_string());
        fields.push_str(&input(v, name, label, &val, errs, attrs));
    }
    // The unit people's pages show weights in.
    let units: Vec<(String, String)> =
        WeightUnit::ALL.iter().map(|u| (u.as_str().to_string(), v.t(&format!("set-unit-{}", u.as_str())))).collect();
    let unit_now = typed.map(|f| f.get("weight_unit").to_string()).unwrap_or_else(|| s.weight_unit.as_str().into());
    if manages(v) {
        fields.push_str(&select(v, "weight_unit", "set-weight-unit", &units, &unit_now, errs));
    } else {
        fields.push_str(&format!(
            "<p>{}: <strong id=weight_unit>{}</strong></p>",
            esc(&v.t("set-weight-unit")),
            esc(&v.t(&format!("set-unit-{}", s.weight_unit.as_str())))
        ));
    }
    if manages(v) {
        b.push_str(&format!(
            "<form method=post action=\"{}\" id=settings>{}{fields}{}<button id=save-settings>{}</button></form>",
            v.href("operator/settings"),
            guard(v),
            errs.others(&[&SETTINGS.map(|(n, _)| n)[..], &["weight_unit"]].concat()),
            esc(&v.t("pg-save"))
        ));
    } else {
        b.push_str(&fields);
    }
    Ok(v.page(&v.t("pg-settings"), &b))
}

async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut s = settings::get(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut errs = Errs::default();
    let n: Vec<Option<i64>> = SETTINGS.iter().map(|(name, _)| f.int(name, &mut errs, &v)).collect();
    let unit = match WeightUnit::parse(f.get("weight_unit")) {
        Ok(u) => Some(u),
        Err(e) => {
            errs.push(
                "weight_unit",
                v.ta(e.code, &[("allowed", format!("{}, {}", v.t("set-unit-kg"), v.t("set-unit-jin")))]),
            );
            None
        }
    };
    let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(unit)) = (n[0], n[1], n[2], n[3], n[4], unit) else {
        return render_settings(&v, &Fields::default(), Some(&f), &errs).await;
    };
    s.platform_fee_bps = a;
    s.agent_commission_bps = b;
    s.acceptance_window_hours = c;
    s.return_window_days = d;
    s.reservation_ttl_minutes = e;
    s.weight_unit = unit;
    match settings::put(&v.st.db, &v.actor, v.county, s).await {
        Ok(_) => Ok(see_other(&format!("{}?done=saved", v.href("operator/settings")))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|x| x.to_string())?;
            render_settings(&v, &Fields::default(), Some(&f), &errs).await
        }
    }
}
