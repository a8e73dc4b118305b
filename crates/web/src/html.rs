//! The few pieces every page shares: escaping, the layout with the language switch, and the CSS.
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

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafaf7}\
header{background:#2f5d3a;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}\
header a{color:#fff}main{padding:1rem;max-width:60rem;margin:auto}label{display:block;margin:.75rem 0 .25rem}\
input{font-size:1rem;padding:.6rem;width:100%;max-width:24rem;box-sizing:border-box;border:1px solid #777;border-radius:4px}\
button{font-size:1rem;padding:.6rem 1.2rem;margin-top:1rem;background:#2f5d3a;color:#fff;border:0;border-radius:4px;min-height:44px}\
.err{color:#a00000;font-weight:600}table{border-collapse:collapse}td,th{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}\
code{background:#eee;padding:0 .2rem}.m{font-family:monospace}@media print{header{display:none}}";

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
         <style>{CSS}</style></head><body><header><strong>{app}</strong><a href=/>{home}</a>\
         <a href=/api/v1/docs>{docs}</a><a href=\"/lang/{otag}\" hreflang=\"{otag}\">{switch}</a>{logout}</header>\
         <main><h1>{title}</h1>{body}</main></body></html>",
        tag = lang.tag(),
        title = esc(title),
        app = esc(&c.t(lang, "app-name", &[])),
        home = esc(&c.t(lang, "nav-home", &[])),
        docs = esc(&c.t(lang, "nav-api-docs", &[])),
        otag = other.tag(),
        switch = esc(&c.t(lang, "lang-switch", &[])),
    )
}
