//! The message catalogue (Fluent, `i18n/*.ftl`) and the choice of language: the user's setting,
//! then the `lang` cookie set by the switch on every page, then `Accept-Language`; zh-CN first.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The best of our languages for an `Accept-Language` header, by quality; zh-CN when none fits.
    pub fn from_accept_language(h: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in h.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(l) = Lang::from_tag(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::ZhCn)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }
}

/// Both catalogues, parsed once at start.
#[derive(Clone)]
pub struct Catalog {
    zh: Arc<FluentBundle<FluentResource>>,
    en: Arc<FluentBundle<FluentResource>>,
}

/// The catalogue of one language: the base file `i18n/{lang}.ftl` and one file per area of the
/// product, `i18n/{area}.{lang}.ftl`, so that each area keeps its own messages. A new area is one
/// line here; both languages list the same keys in the same order (tested below).
macro_rules! catalogue_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../i18n/", $lang, ".ftl")),
            include_str!(concat!("../i18n/notices.", $lang, ".ftl")),
            include_str!(concat!("../i18n/station.", $lang, ".ftl")),
            include_str!(concat!("../i18n/roles.", $lang, ".ftl")),
            include_str!(concat!("../i18n/dashboard.", $lang, ".ftl")),
        ]
    };
}

fn bundle(tag: &str, files: &[&'static str]) -> FluentBundle<FluentResource> {
    let lang: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    // No Unicode isolation marks around arguments: they show as boxes on some phones.
    b.set_use_isolating(false);
    for src in files {
        let res = match FluentResource::try_new(src.to_string()) {
            Ok(r) => r,
            // The catalogues are compiled in and tested; a broken one is a build defect.
            Err((r, errs)) => {
                tracing::error!(?errs, tag, "message catalogue has errors");
                r
            }
        };
        if let Err(errs) = b.add_resource(res) {
            tracing::error!(?errs, tag, "message catalogue has duplicate keys");
        }
    }
    b
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            zh: Arc::new(bundle("zh-CN", &catalogue_files!("zh-CN"))),
            en: Arc::new(bundle("en", &catalogue_files!("en"))),
        }
    }
}

impl Catalog {
    /// The message `key` in `lang` with `args`; the key itself when the catalogue lacks it, so a
    /// missing message is visible rather than silent.
    pub fn t(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let b = match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        };
        let Some(msg) = b.get_message(key).and_then(|m| m.value()) else { return key.to_string() };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errs = vec![];
        b.format_pattern(msg, Some(&fa), &mut errs).into_owned()
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        match lang {
            Lang::ZhCn => self.zh.has_message(key),
            Lang::En => self.en.has_message(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, zh-CN;q=0.8"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language("fr"), Lang::ZhCn);
    }

    #[test]
    fn catalogues_have_the_same_keys_and_format_arguments() {
        let c = Catalog::default();
        let keys = |src: &str| -> Vec<String> {
            src.lines()
                .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
                .filter(|k| !k.starts_with('#'))
                .collect()
        };
        for (zh, en) in catalogue_files!("zh-CN").iter().zip(catalogue_files!("en")) {
            assert_eq!(keys(zh), keys(en), "zh-CN and en catalogues list the same keys in the same order");
        }
        let all = |files: &[&str]| files.iter().flat_map(|f| keys(f)).collect::<Vec<_>>();
        let mut every = all(&catalogue_files!("en"));
        let n = every.len();
        every.sort();
        every.dedup();
        assert_eq!(every.len(), n, "no message key is defined in two files");
        assert_eq!(
            c.t(Lang::En, "too-long", &[("max", "64".into()), ("actual", "70".into())]),
            "Too long: at most 64 characters, got 70"
        );
        assert!(c.t(Lang::ZhCn, "required", &[]).contains("必填"));
    }
}
