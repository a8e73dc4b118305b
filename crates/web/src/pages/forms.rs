//! What every form of the pages shares: the posted fields, the session's CSRF token (checked
//! against the session's, a 403 page otherwise), an idempotency key per rendered form (a double
//! tap or a resent POST replays the first result), field errors from the use cases shown next to
//! their input in the user's language, and inputs with labels that keep what was typed. Also
//! how money, weights and dates are written in each language.

use super::View;
use crate::html::esc;
use crate::i18n::Lang;
use axum::Form;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;
use uplink_service::auth::{secrets_equal, sha256_hex};
use uplink_service::{IdemKey, ServiceError};

/// The fields of a posted form (or a query string), as typed. Every field is text here; the
/// use cases (or [`Fields::int`]) parse it, so a wrong number is a field error, never a 400.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub HashMap<String, String>);

impl From<Vec<(String, String)>> for Fields {
    fn from(v: Vec<(String, String)>) -> Self {
        Fields(v.into_iter().collect())
    }
}

impl Fields {
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }

    /// The trimmed value, `None` when empty.
    pub fn opt(&self, k: &str) -> Option<String> {
        Some(self.get(k).trim().to_string()).filter(|s| !s.is_empty())
    }

    /// A whole number typed into `k`; an error names the field.
    pub fn int(&self, k: &str, errs: &mut Errs, v: &View) -> Option<i64> {
        match self.get(k).trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) if self.get(k).trim().is_empty() => {
                errs.push(k, v.t("required"));
                None
            }
            Err(_) => {
                errs.push(k, v.t("pg-bad-number"));
                None
            }
        }
    }

    /// A weight as typed, a bare number in `unit` (kg or 斤); the message at the field otherwise.
    pub fn weight(
        &self,
        k: &str,
        unit: uplink_core::weight::WeightUnit,
        errs: &mut Errs,
        v: &View,
    ) -> Option<uplink_core::Grams> {
        let typed = self.get(k).trim();
        if typed.is_empty() {
            errs.push(k, v.t("required"));
            return None;
        }
        match uplink_core::Grams::parse_in(typed, unit) {
            Ok(g) => Some(g),
            Err(e) => {
                errs.push(k, v.field_message(&e));
                None
            }
        }
    }

    /// The form's idempotency key, bound to what was posted (without the token and the key), so
    /// the same key with other content is refused rather than replayed.
    pub fn idem(&self, scope: &str) -> Option<IdemKey> {
        let key = self.opt("idem")?;
        let mut parts: Vec<_> =
            self.0.iter().filter(|(k, _)| !matches!(k.as_str(), "csrf" | "idem" | "password")).collect();
        parts.sort();
        let hash = sha256_hex(&format!("{scope}{parts:?}"));
        IdemKey::parse(&format!("{scope}:{key}"), hash).ok()
    }
}

/// A posted form that may carry a file: multipart as a browser sends it with the file input, or
/// a plain form (a client that sends no file). Unreadable bodies give no fields, so the CSRF
/// check refuses them.
pub async fn posted(req: Request, file: &str) -> (Fields, Option<Vec<u8>>, bool) {
    let kind = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if kind.starts_with("multipart/form-data") {
        match Multipart::from_request(req, &()).await {
            Ok(mp) => multipart(mp, file).await,
            Err(_) => (Fields::default(), None, false),
        }
    } else {
        match Form::<Vec<(String, String)>>::from_request(req, &()).await {
            Ok(Form(f)) => (Fields::from(f), None, false),
            Err(_) => (Fields::default(), None, false),
        }
    }
}

/// A posted multipart form (a form with a photo): its text fields, the bytes of the file field
/// `file` (`None` when no file was chosen), and whether the body was too large to read.
pub async fn multipart(mut mp: Multipart, file: &str) -> (Fields, Option<Vec<u8>>, bool) {
    let mut fields = Vec::new();
    let mut photo = None;
    let mut too_large = false;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == file {
                    let chosen = field.file_name().is_some_and(|n| !n.is_empty());
                    match field.bytes().await {
                        Ok(b) if chosen || !b.is_empty() => photo = Some(b.to_vec()),
                        Ok(_) => {}
                        Err(_) => too_large = true,
                    }
                } else if let Ok(t) = field.text().await {
                    fields.push((name, t));
                }
            }
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    (Fields::from(fields), photo, too_large)
}

/// Checks the posted token against the session's: a form from elsewhere gets a 403 page.
pub fn check_csrf(v: &View, f: &Fields) -> Result<(), Response> {
    if secrets_equal(f.get("csrf"), &v.csrf) {
        Ok(())
    } else {
        let body = format!(
            "<p class=err role=alert>{}</p><p><a class=btn href=/>{}</a></p>",
            esc(&v.t("problem-csrf")),
            esc(&v.t("nav-home"))
        );
        let page = crate::html::layout(&v.st.catalog, v.lang, &v.t("problem-forbidden"), Some(&v.csrf), &body);
        Err((StatusCode::FORBIDDEN, Html(page)).into_response())
    }
}

/// The hidden fields every POST form carries: the session's token and a fresh idempotency key.
pub fn guard(v: &View) -> String {
    format!(
        "<input type=hidden name=csrf value=\"{}\"><input type=hidden name=idem value=\"{}\">",
        esc(&v.csrf),
        uuid::Uuid::now_v7().simple()
    )
}

pub fn hidden(name: &str, value: &str) -> String {
    format!("<input type=hidden name={name} value=\"{}\">", esc(value))
}

/// Post/redirect/get: after a write, the browser asks for the result page.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Messages by form field, in the user's language.
#[derive(Debug, Default)]
pub struct Errs(pub Vec<(String, String)>);

impl Errs {
    pub fn push(&mut self, field: &str, msg: String) {
        self.0.push((field.to_string(), msg));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn at(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// A use case's refusal as field messages, each moved to the form field `rename` gives for
    /// the use case's field name. An error about no field (not found, forbidden) is not a form
    /// error: the caller shows the error page instead.
    pub fn from_service(v: &View, e: ServiceError, rename: &dyn Fn(&str) -> String) -> Result<Errs, Response> {
        let field_error =
            matches!(e, ServiceError::Invalid(_) | ServiceError::Conflict { .. } | ServiceError::Duplicate { .. });
        if !field_error {
            return Err(v.fail(e));
        }
        let a = crate::problem::ApiError::from(e);
        let mut out = Errs::default();
        for f in &a.fields {
            out.push(&rename(&f.field), v.field_message(f));
        }
        Ok(out)
    }

    /// Messages whose field has no input on the form, shown at its top.
    pub fn others(&self, shown: &[&str]) -> String {
        let rest: Vec<_> = self.0.iter().filter(|(f, _)| !shown.contains(&f.as_str())).collect();
        if rest.is_empty() {
            return String::new();
        }
        let mut s = String::from("<div class=warn role=alert id=form-errors>");
        for (_, m) in rest {
            s.push_str(&format!("<p class=err>{}</p>", esc(m)));
        }
        s.push_str("</div>");
        s
    }
}

fn err_html(name: &str, errs: &Errs) -> (String, String) {
    match errs.at(name) {
        Some(m) => (
            format!(" aria-invalid=true aria-describedby=err-{name}"),
            format!("<p class=err id=err-{name} role=alert>{}</p>", esc(m)),
        ),
        None => (String::new(), String::new()),
    }
}

/// A labelled input keeping what was typed, with its error under it. `attrs` are extra HTML
/// attributes (`type=tel inputmode=numeric required`).
pub fn input(v: &View, name: &str, label_key: &str, value: &str, errs: &Errs, attrs: &str) -> String {
    let (aria, msg) = err_html(name, errs);
    format!(
        "<label for={name}>{}</label><input id={name} name={name} value=\"{}\" {attrs}{aria}>{msg}",
        esc(&v.t(label_key)),
        esc(value)
    )
}

/// A labelled choice; `options` are (value, shown text).
pub fn select(
    v: &View,
    name: &str,
    label_key: &str,
    options: &[(String, String)],
    chosen: &str,
    errs: &Errs,
) -> String {
    let (aria, msg) = err_html(name, errs);
    let mut s = format!("<label for={name}>{}</label><select id={name} name={name}{aria}>", esc(&v.t(label_key)));
    for (val, text) in options {
        let sel = if val == chosen { " selected" } else { "" };
        s.push_str(&format!("<option value=\"{}\"{sel}>{}</option>", esc(val), esc(text)));
    }
    s.push_str("</select>");
    s.push_str(&msg);
    s
}

/// A one-button form that posts a move (`pay`, `accept` …) of an order and comes back to `back`.
pub fn move_button(v: &View, order: &str, event: &str, label_key: &str, back: &str) -> String {
    format!(
        "<form method=post class=inline action=\"{}\">{}{}{}<button id=\"{event}-{order}\">{}</button></form>",
        v.href(&format!("orders/{order}/move")),
        guard(v),
        hidden("event", event),
        hidden("back", back),
        esc(&v.t(label_key))
    )
}

/// A flash message carried in the address after a redirect (`?done=…`), shown once.
pub fn flash(v: &View, key: Option<&str>) -> String {
    match key {
        Some(k) if k.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !k.is_empty() => {
            format!("<p class=ok role=status id=flash>{}</p>", esc(&v.t(&format!("done-{k}"))))
        }
        _ => String::new(),
    }
}

/// A date as the locale writes it: 2026年8月3日, 3 Aug 2026.
pub fn date(lang: Lang, us: i64) -> String {
    let d = uplink_core::time::local_date(us, "Asia/Shanghai");
    date_text(lang, &d)
}

/// `YYYY-MM-DD` as the locale writes it.
pub fn date_text(lang: Lang, ymd: &str) -> String {
    let mut it = ymd.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (it.next(), it.next(), it.next()) else {
        return ymd.to_string();
    };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match lang {
        Lang::ZhCn => format!("{y}年{m}月{d}日"),
        Lang::En => format!("{d} {} {y}", MONTHS.get((m as usize).wrapping_sub(1)).copied().unwrap_or("?")),
    }
}

/// Date and local time (UTC+8): 2026年8月3日 14:05, 3 Aug 2026 14:05.
pub fn date_time(lang: Lang, us: i64) -> String {
    let local = us + uplink_core::time::utc_offset_min("Asia/Shanghai") * 60_000_000;
    let mins = local.div_euclid(60_000_000).rem_euclid(24 * 60);
    format!("{} {:02}:{:02}", date(lang, us), mins / 60, mins % 60)
}

/// Weights are shown in kg everywhere (the unit of the scales and of the route sheets); a
/// county-wide 斤 setting can come with the county settings of intake.
pub fn weight(g: i64) -> String {
    uplink_core::Grams(g).to_string()
}

pub fn money(fen: i64) -> String {
    uplink_core::Fen(fen).to_string()
}
