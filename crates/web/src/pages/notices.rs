//! `/c/{county}/notices`: what I have been told about claims, incidents and listings, newest
//! first, each in my language with a link to what it is about, and a button to mark it read.

use super::forms::{self, Fields, date_time, guard};
use super::{Pg, View};
use crate::api::notices::text_of;
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use uplink_service::notices as uc;
use uplink_service::paging::ListQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/notices", get(notices_page))
        .route("/c/{county}/notices/{id}/read", post(mark_read))
}

/// Notices per page.
const PAGE: i64 = 20;

async fn notices_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let offset = q.get("offset").parse::<i64>().unwrap_or(0).max(0);
    let lq = ListQuery { q: None, limit: Some(PAGE), offset: Some(offset) };
    let page = uc::list(&v.st.db, &v.actor, v.county, &lq).await.map_err(|e| v.fail(e))?;
    let unread = uc::unread_count(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut b = forms::flash(&v, q.opt("done").as_deref());
    b.push_str(&format!(
        "<p class=muted id=notice-count>{}</p>",
        esc(&v.ta("notices-count", &[("total", page.total.to_string()), ("unread", unread.to_string())]))
    ));
    if page.items.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("notices-empty"))));
    }
    b.push_str("<ul class=notices>");
    for n in &page.items {
        let state = if n.read_us.is_some() { "notices-read" } else { "notices-unread" };
        let button = if n.read_us.is_none() {
            format!(
                "<form method=post class=inline action=\"{}\">{}<button id=\"read-{id}\">{}</button></form>",
                v.href(&format!("notices/{}/read", n.id)),
                guard(&v),
                esc(&v.t("notices-mark-read")),
                id = esc(&n.id),
            )
        } else {
            String::new()
        };
        let text = text_of(&v.st.catalog, v.lang, n);
        let text = if n.read_us.is_none() { format!("<strong>{}</strong>", esc(&text)) } else { esc(&text) };
        b.push_str(&format!(
            "<li class=card id=\"notice-{id}\"><p>{text}</p><p class=muted>{} · {} · <a href=\"{}\">{}</a> {button}</p></li>",
            date_time(v.lang, n.created_us),
            esc(&v.t(state)),
            esc(&n.path),
            esc(&v.t("notices-open")),
            id = esc(&n.id),
        ));
    }
    b.push_str("</ul><p>");
    if offset > 0 {
        b.push_str(&format!(
            "<a class=btn href=\"{}?offset={}\">{}</a> ",
            v.href("notices"),
            (offset - PAGE).max(0),
            esc(&v.t("notices-newer"))
        ));
    }
    if offset + PAGE < page.total {
        b.push_str(&format!(
            "<a class=btn href=\"{}?offset={}\">{}</a>",
            v.href("notices"),
            offset + PAGE,
            esc(&v.t("notices-older"))
        ));
    }
    b.push_str("</p>");
    Ok(v.page(&v.t("notices-title"), &b))
}

async fn mark_read(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, _f) = View::posted(&st, &ctx, &county, f)?;
    uc::mark_read(&v.st.db, &v.actor, v.county, &id).await.map_err(|e| v.fail(e))?;
    Ok(forms::see_other(&format!("{}?done=notice-read", v.href("notices"))))
}
