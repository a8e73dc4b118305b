//! The JSON API under `/api/v1`: one module per group of endpoints, each handler a thin
//! translation from HTTP to one use case.

pub mod auth;
pub mod catalog;
pub mod ledger;
pub mod network;
pub mod orders;
pub mod people;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(network::router())
        .merge(people::router())
        .merge(ledger::router())
        .merge(orders::router())
        .merge(catalog::router())
}
