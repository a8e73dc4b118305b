//! What every handler shares: the database, the message catalogue, the metrics, and settings.

use crate::i18n::Catalog;
use crate::metrics::Metrics;
use std::sync::Arc;
use uplink_service::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub catalog: Catalog,
    pub metrics: Arc<Metrics>,
    /// Mark cookies `Secure`: set when Uplink is served behind TLS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(db: Db, secure_cookies: bool) -> Self {
        AppState { db, catalog: Catalog::default(), metrics: Arc::new(Metrics::default()), secure_cookies }
    }
}
