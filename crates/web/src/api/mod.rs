//! The JSON API under `/api/v1`: one module per group of endpoints, each handler a thin
//! translation from HTTP to one use case.

pub mod auth;
pub mod catalog;
pub mod claims;
pub mod dashboard;
pub mod dispatch;
pub mod ledger;
pub mod lot_photos;
pub mod lots;
pub mod network;
pub mod notices;
pub mod orders;
pub mod people;
pub mod windows;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(network::router())
        .merge(people::router())
        .merge(ledger::router())
        .merge(orders::router())
        .merge(claims::router())
        .merge(notices::router())
        .merge(catalog::router())
        .merge(windows::router())
        .merge(lots::router())
        .merge(lot_photos::router())
        .merge(dispatch::router())
        .merge(dashboard::router())
}
