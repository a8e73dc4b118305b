//! Reading requests: JSON bodies whose errors name the field (`serde_path_to_error`), the
//! `Idempotency-Key` header with a hash of the request it guards, and ids in paths.

use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use std::str::FromStr;
use uplink_core::FieldError;
use uplink_service::IdemKey;
use uplink_service::auth::sha256_hex;

/// A JSON body, and the hash of method, path and body for idempotency.
pub struct JsonBody<T> {
    pub value: T,
    pub request_hash: String,
}

/// Largest JSON body accepted; bigger is a 413.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "problem-unsupported-media",
            ));
        }
        let head = format!("{} {}\n", req.method(), req.uri().path());
        let body = Bytes::from_request(req, s)
            .await
            .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "problem-too-large"))?;
        if body.len() > MAX_JSON_BYTES {
            return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "problem-too-large"));
        }
        let de = &mut serde_json::Deserializer::from_slice(&body);
        let value = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            let msg = inner.to_string();
            // The path already ends at an unknown field; for a missing one it ends at its parent.
            let fe = if msg.starts_with("unknown field") {
                FieldError::new(field, "unknown-field")
            } else if msg.starts_with("missing field") {
                let name = msg.split('`').nth(1).unwrap_or("").to_string();
                let full = if field.is_empty() { name } else { format!("{field}.{name}") };
                FieldError::new(full, "required")
            } else if inner.is_data() {
                FieldError::new(field, "wrong-type").arg("detail", msg)
            } else {
                FieldError::new(field, "bad-json").arg("detail", msg)
            };
            ApiError::bad_request(fe)
        })?;
        let mut hashed = head.into_bytes();
        hashed.extend_from_slice(&body);
        Ok(JsonBody { value, request_hash: sha256_hex(&String::from_utf8_lossy(&hashed)) })
    }
}

/// The optional `Idempotency-Key` header.
pub struct IdemHeader(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdemHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdemHeader(None)),
            Some(v) => v
                .to_str()
                .map(|s| IdemHeader(Some(s.to_string())))
                .map_err(|_| ApiError::bad_request(FieldError::new("Idempotency-Key", "bad-idempotency-key"))),
        }
    }
}

impl IdemHeader {
    /// The key joined with the request's hash, ready for the use case.
    pub fn key(&self, request_hash: &str) -> Result<Option<IdemKey>, ApiError> {
        self.0
            .as_deref()
            .map(|k| IdemKey::parse(k, request_hash.to_string()).map_err(ApiError::bad_request))
            .transpose()
    }
}

/// Parses an id from a path segment. A malformed id names nothing that can exist: 404.
pub fn path_id<T: FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| ApiError::not_found())
}
