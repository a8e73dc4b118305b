//! The stylesheet and the one script, compiled into the binary and served at addresses that
//! carry a hash of their content, so a browser may keep them for a year: a new release changes
//! the address, never the content behind an old one.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

pub const CSS: &str = include_str!("../../assets/app.css");
pub const JS: &str = include_str!("../../assets/app.js");

/// FNV-1a: enough to tell two versions of a small file apart; not a security measure.
fn fnv(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}

static CSS_HREF: LazyLock<String> = LazyLock::new(|| format!("/assets/app-{}.css", fnv(CSS)));
static JS_HREF: LazyLock<String> = LazyLock::new(|| format!("/assets/app-{}.js", fnv(JS)));

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn js_href() -> &'static str {
    &JS_HREF
}

/// `GET /assets/{file}`: only the current addresses answer; an old hash is a 404, so a stale
/// page never gets new content cached under an old name.
pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/assets/{file}");
    let (body, kind) = if path == *CSS_HREF {
        (CSS, "text/css; charset=utf-8")
    } else if path == *JS_HREF {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return crate::problem::ApiError::not_found().into_response();
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    r
}
