//! The JSON API under `/api/v1`: one module per group of endpoints, each handler a thin
//! translation from HTTP to one use case.

pub mod auth;
pub mod network;
pub mod people;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().merge(auth::router()).merge(network::router()).merge(people::router())
}
