//! The pages' stories in a real headless Chromium, driven over the DevTools protocol against a
//! real server on port 0 (the API tests' harness: a fresh database, SQLite or PostgreSQL by
//! `UPLINK_TEST_DB`, with generated counties A and B). Each story runs in Chinese and in
//! English and asserts what the user sees; screenshots go to `target/artifacts/screenshots/`.
//! Without Chromium (and no way to install it, which `.ci/run` tries) the stories are skipped
//! with a loud message; the HTTP-level checks run regardless.

mod cdp;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod isolation;
mod operations;
mod preorders;
mod station_day;
mod stories;
mod weights;

use cdp::{Browser, Page};
use helpers::{PASSWORD, TestApp};
use uplink_web::i18n::{Catalog, Lang};

/// The browser, or a loud skip.
pub fn browser_or_skip(test: &str) -> Option<Browser> {
    let b = Browser::launch();
    if b.is_none() {
        eprintln!(
            "\n!!!!!!!! SKIPPED {test}: no chromium on PATH. Install Debian's `chromium` package \
             (`apt-get install -y chromium`; .ci/run does) to run the browser tests. !!!!!!!!\n"
        );
    }
    b
}

/// A message in `lang`, as the page must show it.
pub fn t(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    Catalog::default().t(lang, key, args)
}

pub fn tag(lang: Lang) -> &'static str {
    lang.tag()
}

/// Chooses the language with the switch, then logs in through the form; the home page sends
/// the user on to their role's page.
pub fn log_in(p: &mut Page, app: &TestApp, user: &str, lang: Lang) {
    p.goto(&format!("{}/lang/{}", app.base, lang.tag()));
    p.goto(&format!("{}/login", app.base));
    p.fill("#username", user);
    p.fill("#password", PASSWORD);
    p.click_and_wait("form[action='/login'] button[type=submit]");
    assert_eq!(p.lang(), lang.tag(), "the page speaks the chosen language");
}
