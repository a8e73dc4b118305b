//! My notices: what I have been told about claims, incidents and listings, each in my language.

use crate::context::{Auth, Ctx};
use crate::extract::path_id;
use crate::i18n::{Catalog, Lang};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uplink_service::notices as uc;
use uplink_service::paging::{ListQuery, Page};
use uplink_store::notices::Notice;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/notices", get(list_notices))
        .route("/api/v1/counties/{county_id}/notices/{id}/read", post(mark_read))
}

/// A notice with its text in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeView {
    #[serde(flatten)]
    pub notice: Notice,
    /// The message, rendered in the caller's language.
    pub text: String,
}

/// The text of a notice in `lang`.
pub fn text_of(cat: &Catalog, lang: Lang, n: &Notice) -> String {
    let args: Vec<(&str, String)> = n.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    cat.t(lang, &n.key, &args)
}

fn view(st: &AppState, lang: Lang, notice: Notice) -> NoticeView {
    NoticeView { text: text_of(&st.catalog, lang, &notice), notice }
}

/// My notices, newest first (any member of the county, their own only).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/notices", tag = "trust",
    params(("county_id" = String, Path), ListQuery),
    responses((status = 200, body = Page<NoticeView>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_notices(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    Path(c): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page<NoticeView>>, ApiError> {
    let p = uc::list(&st.db, &a, path_id(&c)?, &q).await?;
    let items = p.items.into_iter().map(|n| view(&st, ctx.lang, n)).collect();
    Ok(Json(Page { items, total: p.total, limit: p.limit, offset: p.offset }))
}

/// Marks one of my notices read; again, it stays read (someone else's notice: 404).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/notices/{id}/read", tag = "trust",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn mark_read(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<NoticeView>, ApiError> {
    let n = uc::mark_read(&st.db, &a, path_id(&c)?, &id).await?;
    Ok(Json(view(&st, ctx.lang, n)))
}
