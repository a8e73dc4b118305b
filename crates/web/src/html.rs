//! The few pieces every page shares: escaping, and the layout with the language switch and the
//! link to the stylesheet (served from `web/assets` by `pages::assets`).
//! Pages are plain server-rendered HTML that works without JavaScript.

use crate::i18n::{Catalog, Lang};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// A whole page: title, navigation with the language switch, and the body.
pub fn layout(c: &Catalog, lang: Lang, title: &str, logged_in: Option<&str>, body: &str) -> String {
    let other = lang.other();
    let logout = match logged_in {
        Some(csrf) => format!(
            "<form method=post action=/logout style=margin:0><input type=hidden name=csrf value=\"{}\">\
             <button style=margin:0>{}</button></form>",
            esc(csrf),
            esc(&c.t(lang, "nav-logout", &[]))
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{title} · {app}</title>\
         <link rel=stylesheet href=\"{css}\"></head><body><header><strong>{app}</strong><a href=/>{home}</a>\
         <a href=/api/v1/docs>{docs}</a><a href=\"/lang/{otag}\" hreflang=\"{otag}\">{switch}</a>{logout}</header>\
         <main><h1>{title}</h1>{body}</main></body></html>",
        tag = lang.tag(),
        css = crate::pages::assets::css_href(),
        title = esc(title),
        app = esc(&c.t(lang, "app-name", &[])),
        home = esc(&c.t(lang, "nav-home", &[])),
        docs = esc(&c.t(lang, "nav-api-docs", &[])),
        otag = other.tag(),
        switch = esc(&c.t(lang, "lang-switch", &[])),
    )
}
