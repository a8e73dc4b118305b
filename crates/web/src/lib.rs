//! Uplink's HTTP face: the JSON API under `/api/v1` with its OpenAPI description and docs page,
//! the pages, sessions and CSRF, the message catalogue, and the operations endpoints.

// Handlers return `Result<_, ApiError>`; the error carries the problem's fields and is built
// only on the failure path, so its size does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod chart;
pub mod context;
pub mod extract;
pub mod html;
pub mod i18n;
pub mod metrics;
pub mod openapi;
mod ops;
mod pages;
pub mod problem;
mod route_map;
mod route_sheet;
pub mod state;
pub mod trace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use state::AppState;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// The whole application.
pub fn app(st: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(trace::router())
        .merge(pages::router())
        .merge(route_sheet::router())
        .route("/api/v1/openapi.json", get(openapi::spec))
        .route("/api/v1/docs", get(openapi::docs))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(|| async { problem::ApiError::not_found() })
        .layer(axum::middleware::from_fn_with_state(st.clone(), context::middleware))
        .layer(axum::middleware::from_fn_with_state(st.clone(), metrics::middleware))
        .layer(DefaultBodyLimit::max(extract::MAX_JSON_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(st)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    st: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(st)).with_graceful_shutdown(shutdown).await
}
