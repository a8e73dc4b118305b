//! The OpenAPI description of `/api/v1`, served as JSON, and the docs page rendered from it on
//! the server: nothing is fetched at build time or at run time.

use crate::api;
use crate::context::Ctx;
use crate::html::{esc, layout};
use crate::problem::{Problem, ProblemField};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Html;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "Uplink API", description = "Two-way county e-commerce: the county network, people, orders, intake, dispatch."),
    paths(
        api::auth::token, api::auth::logout, api::auth::me, api::auth::set_locale,
        api::network::list_counties, api::network::create_county, api::network::get_county,
        api::network::list_townships, api::network::create_township, api::network::get_township, api::network::update_township,
        api::network::list_villages, api::network::create_village, api::network::get_village, api::network::update_village,
        api::network::list_hubs, api::network::create_hub, api::network::get_hub, api::network::update_hub,
        api::network::list_stations, api::network::create_station, api::network::get_station, api::network::update_station,
        api::people::list_people, api::people::create_person, api::people::get_person, api::people::update_person,
        api::catalog::list_products, api::catalog::create_product, api::catalog::get_product, api::catalog::update_product,
        api::catalog::search_listings, api::catalog::create_listing, api::catalog::get_listing, api::catalog::update_listing,
        api::ledger::my_accounts, api::ledger::my_statement, api::ledger::list_accounts, api::ledger::account_statement,
        api::ledger::trial_balance, api::ledger::request_topup, api::ledger::import_bank_statement,
        api::orders::place_order, api::orders::list_orders, api::orders::get_order, api::orders::history,
        api::orders::pay, api::orders::confirm, api::orders::pack, api::orders::ship, api::orders::deliver,
        api::orders::accept, api::orders::cancel, api::orders::return_order, api::orders::handover,
        api::orders::get_settings, api::orders::put_settings, api::orders::drop_points,
        api::orders::cash_handover, api::orders::payout,
        api::windows::create_window, api::windows::list_windows, api::windows::get_window, api::windows::preorder,
        api::windows::declare_supply, api::windows::list_supply, api::windows::harvest_lists, api::windows::fill_order,
        api::lots::record_intake, api::lots::list_lots, api::lots::get_lot, api::lots::handoff, api::lots::merge,
        api::lots::split, api::lots::incidents, api::lots::receipt, api::lots::label, crate::trace::epcis,
        api::lot_photos::add_photo, api::lot_photos::get_photo, crate::trace::photo,
        api::claims::open_claim, api::claims::list_claims, api::claims::get_claim, api::claims::answer,
        api::claims::decide, api::claims::appeal, api::claims::add_evidence, api::claims::evidence,
        api::claims::trust_score, api::claims::rate, api::claims::get_rating, api::claims::reply,
        api::claims::fraud_signals, api::claims::trust_queue,
        api::notices::list_notices, api::notices::mark_read,
        api::dispatch::list_vehicles, api::dispatch::create_vehicle, api::dispatch::get_vehicle,
        api::dispatch::update_vehicle, api::dispatch::import_road_matrix, api::dispatch::delete_road_matrix,
        api::dispatch::plan_day, api::dispatch::list_plans, api::dispatch::get_plan, api::dispatch::route_sheet,
        api::dispatch::record_stop,
        api::dashboard::dashboard, api::dashboard::export,
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, o: &mut utoipa::openapi::OpenApi) {
        let c = o.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Every operation, grouped by tag, with its summary and the statuses it answers.
pub async fn docs(State(st): State<AppState>, ctx: Ctx) -> Html<String> {
    let c = &st.catalog;
    let l = ctx.lang;
    let doc = ApiDoc::openapi();
    let mut rows = String::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (m, op) in ops {
            let Some(op) = op else { continue };
            let statuses: Vec<&str> = op.responses.responses.keys().map(String::as_str).collect();
            rows.push_str(&format!(
                "<tr><td class=m>{m}</td><td class=m>{}</td><td>{}</td><td>{}</td><td class=m>{}</td></tr>",
                esc(path),
                esc(&op.tags.clone().unwrap_or_default().join(", ")),
                esc(op.summary.as_deref().or(op.description.as_deref()).unwrap_or("")),
                esc(&statuses.join(" ")),
            ));
        }
    }
    let body = format!(
        "<p>{} <a href=/api/v1/openapi.json>/api/v1/openapi.json</a>.</p><p>{}</p>\
         <table id=operations><thead><tr><th>method</th><th>path</th><th>tag</th><th></th><th>status</th></tr></thead>\
         <tbody>{rows}</tbody></table>",
        esc(&c.t(l, "docs-intro", &[])),
        esc(&c.t(l, "docs-auth", &[])),
    );
    let csrf = ctx.auth.as_ref().map(|a| a.csrf_token.clone());
    Html(layout(c, l, &c.t(l, "docs-title", &[]), csrf.as_deref(), &body))
}
