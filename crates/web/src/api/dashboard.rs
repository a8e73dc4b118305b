//! The county dashboard as JSON, and its tables as CSV and XLSX downloads (operators, auditors,
//! admins). Each figure comes with its name and one-line definition in the caller's language.

use crate::context::{Auth, Ctx};
use crate::extract::path_id;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use uplink_core::FieldError;
use uplink_service::dashboard::{self as uc, Dashboard, DashboardQuery, TableId};

/// A failure that is ours, not the caller's: a 500 with the detail in the log.
fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(uplink_service::ServiceError::Store(uplink_store::StoreError::Corrupt(e.to_string())))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/dashboard", get(dashboard))
        .route("/api/v1/counties/{county_id}/dashboard/export/{file}", get(export))
}

/// The dashboard of the county for a period (`from`, `to` as `YYYY-MM-DD`, default the last twelve
/// months; `by` week or month) and an area (`township`, `village` or `station` id). Uplink and
/// downlink GMV are reported side by side and never added.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/dashboard", tag = "dashboard",
    params(("county_id" = String, Path), DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn dashboard(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    Path(c): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let mut d = uc::dashboard(&st.db, &a, path_id(&c)?, &q).await?;
    for f in &mut d.figures {
        f.label = st.catalog.t(ctx.lang, &f.label_key, &[]);
        f.definition = st.catalog.t(ctx.lang, &f.definition_key, &[]);
    }
    Ok(Json(d))
}

/// A file name `figures.csv` as its table and whether it is XLSX.
pub fn parse_file(file: &str) -> Result<(TableId, bool), FieldError> {
    let allowed = || {
        TableId::ALL
            .iter()
            .flat_map(|t| [format!("{}.csv", t.as_str()), format!("{}.xlsx", t.as_str())])
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unknown = || FieldError::new("file", "dashboard-unknown-table").arg("allowed", allowed());
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    let table = TableId::parse(name).ok_or_else(unknown)?;
    match ext {
        "csv" => Ok((table, false)),
        "xlsx" => Ok((table, true)),
        _ => Err(unknown()),
    }
}

/// The dashboard's response as a download: the table in the caller's language.
pub fn download(d: &Dashboard, table: TableId, xlsx: bool, t: &dyn Fn(&str) -> String) -> Result<Response, ApiError> {
    let tb = uc::table(d, table, t);
    let name = format!("{}-{}-{}", table.as_str(), d.from, d.to);
    let (bytes, kind, ext) = if xlsx {
        let b = tb.to_xlsx().map_err(internal)?;
        (b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else {
        (tb.to_csv(), "text/csv; charset=utf-8", "csv")
    };
    let mut r = bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// One table of the dashboard as a file: `figures`, `periods` or `stations`, `.csv` or `.xlsx`;
/// the same query as the dashboard.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/dashboard/export/{file}", tag = "dashboard",
    params(("county_id" = String, Path), ("file" = String, Path, description = "figures.csv, stations.xlsx …"),
        DashboardQuery),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    Path((c, file)): Path<(String, String)>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    let county = path_id(&c)?;
    // Who may read comes before what is asked: another county's user learns nothing.
    a.authorize(county, uplink_core::people::Action::ReadDashboard)?;
    let (table, xlsx) = parse_file(&file).map_err(|e| ApiError::invalid(vec![e]))?;
    let d = uc::dashboard(&st.db, &a, county, &q).await?;
    download(&d, table, xlsx, &|k: &str| st.catalog.t(ctx.lang, k, &[]))
}
