//! Settings: defaults in code, then a TOML file, then `UPLINK_*` environment variables, then
//! command-line flags, each overriding the one before.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// `sqlite://FILE` (embedded) or `postgres://USER@HOST/DB`.
    pub db: String,
    /// Address to listen on.
    pub listen: String,
    /// Mark cookies Secure (set when served behind TLS).
    pub secure_cookies: bool,
    /// `text` or `json` log lines.
    pub log_format: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            db: "sqlite://uplink.db".into(),
            listen: "127.0.0.1:8080".into(),
            secure_cookies: false,
            log_format: "text".into(),
        }
    }
}

/// Flags that, when given, win over everything else.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

pub fn load(file: Option<&PathBuf>, flags: &Overrides) -> anyhow::Result<Settings> {
    let mut f = Figment::from(Serialized::defaults(Settings::default()));
    match file {
        Some(p) => {
            anyhow::ensure!(p.is_file(), "config file {} does not exist", p.display());
            f = f.merge(Toml::file(p));
        }
        None => f = f.merge(Toml::file("uplink.toml")),
    }
    f = f.merge(Env::prefixed("UPLINK_")).merge(Serialized::defaults(flags));
    Ok(f.extract()?)
}

pub const EXAMPLE: &str = r#"# Uplink configuration. Every setting can also come from an UPLINK_<NAME> environment
# variable (UPLINK_DB, UPLINK_LISTEN …); command-line flags win over both.
# Read from ./uplink.toml, or the file given with --config.

# Where the data lives: an embedded SQLite file (one county on a laptop) or PostgreSQL.
db = "sqlite://uplink.db"
# db = "postgres://uplink:PASSWORD@127.0.0.1:5432/uplink"

# Address and port to serve on. Use 0.0.0.0:8080 to serve the local network.
listen = "127.0.0.1:8080"

# Mark session cookies Secure. Turn on when Uplink is served behind TLS (a reverse proxy).
secure_cookies = false

# Log line format: "text" for people, "json" for a log collector.
log_format = "text"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_is_the_defaults() {
        let s: Settings = Figment::from(Toml::string(EXAMPLE)).extract().unwrap();
        let d = Settings::default();
        assert_eq!((s.db, s.listen, s.secure_cookies, s.log_format), (d.db, d.listen, d.secure_cookies, d.log_format));
    }
}
