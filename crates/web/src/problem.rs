//! Errors as RFC 9457 problem details: a stable `type`, a `title` in the caller's language, the
//! status, and for bad input every wrong field with its message. Each error maps to HTTP here,
//! once; storage failures become an opaque 500 with the detail in the log.

use crate::i18n::{Catalog, Lang};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uplink_core::FieldError;
use uplink_service::ServiceError;
use utoipa::ToSchema;

/// The body of every 4xx and 5xx answer of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `/problems/invalid`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a refused order move: the moves the order allows now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The input field that is wrong, as a dotted path (`location.lat`).
    pub field: String,
    /// A stable code (`too-long`) for programs.
    pub code: String,
    /// What is wrong, in the caller's language.
    pub message: String,
}

/// An error on its way out, with the language to say it in.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub title_key: &'static str,
    pub title_args: Vec<(&'static str, String)>,
    pub fields: Vec<FieldError>,
    pub retry_after_s: Option<i64>,
    pub allowed: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, title_key: &'static str) -> Self {
        ApiError { status, kind, title_key, title_args: vec![], fields: vec![], retry_after_s: None, allowed: None }
    }

    pub fn invalid(fields: Vec<FieldError>) -> Self {
        ApiError { fields, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "problem-invalid") }
    }

    pub fn bad_request(field: FieldError) -> Self {
        ApiError { fields: vec![field], ..ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "problem-invalid") }
    }

    pub fn csrf() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "csrf", "problem-csrf")
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", "problem-not-found")
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "problem-unauthenticated")
    }

    /// Renders in `lang`.
    pub fn render(self, catalog: &Catalog, lang: Lang) -> Response {
        let title =
            catalog.t(lang, self.title_key, &self.title_args.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>());
        let errors = self
            .fields
            .iter()
            .map(|f| ProblemField {
                field: f.field.clone(),
                code: f.code.to_string(),
                message: catalog.t(lang, f.code, &f.args.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()),
            })
            .collect();
        let body = Problem {
            kind: format!("/problems/{}", self.kind),
            title,
            status: self.status.as_u16(),
            errors,
            allowed: self.allowed,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        r.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
        if let Some(s) = self.retry_after_s
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(inv) => ApiError::invalid(inv.0),
            ServiceError::NotFound => ApiError::not_found(),
            ServiceError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "problem-forbidden"),
            ServiceError::Unauthenticated => ApiError::unauthenticated(),
            ServiceError::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "bad-credentials", "problem-bad-credentials")
            }
            ServiceError::RateLimited { retry_after_s } => ApiError {
                title_args: vec![("minutes", ((retry_after_s + 59) / 60).to_string())],
                retry_after_s: Some(retry_after_s),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "problem-rate-limited")
            },
            ServiceError::Duplicate { field } => ApiError {
                fields: vec![FieldError::new(field, "duplicate")],
                ..ApiError::new(StatusCode::CONFLICT, "duplicate", "problem-duplicate")
            },
            ServiceError::InvalidTransition(t) => ApiError {
                title_args: vec![("event", t.event.as_str().to_string()), ("state", t.from.as_str().to_string())],
                allowed: Some(t.allowed.iter().map(|e| e.as_str().to_string()).collect()),
                ..ApiError::new(StatusCode::CONFLICT, "invalid-transition", "problem-invalid-transition")
            },
            ServiceError::Conflict { kind, field } => ApiError {
                fields: vec![FieldError::new(field, kind)],
                ..ApiError::new(StatusCode::CONFLICT, kind, "problem-conflict")
            },
            ServiceError::IdempotencyMismatch => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key-reused", "problem-idempotency")
            }
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "storage failure");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "problem-internal")
            }
        }
    }
}

/// Handlers return this; the language is attached by the response layer in `lib.rs`, which
/// knows the request. Until then the error rides in the response extensions.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = Response::new(axum::body::Body::empty());
        *r.status_mut() = self.status;
        r.extensions_mut().insert(std::sync::Arc::new(std::sync::Mutex::new(Some(self))));
        r
    }
}

/// Pending errors are rendered by [`crate::render_problems`] in the request's language.
pub type PendingProblem = std::sync::Arc<std::sync::Mutex<Option<ApiError>>>;

/// Rejections made by axum itself rather than by our extractors — a query string or path that
/// does not deserialize (plain text), a method the route does not take (empty) — turned into
/// problems like every other 4xx of the API, so clients parse one shape. Found by the API fuzz run.
pub async fn from_plain_rejection(resp: Response) -> Result<ApiError, Response> {
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/problem+json"));
    if !status.is_client_error() || is_problem {
        return Err(resp);
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = resp
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .map(|a| a.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect());
        return Ok(ApiError { allowed, ..ApiError::new(status, "method-not-allowed", "problem-method-not-allowed") });
    }
    // Rejection texts are short; anything long is not one of axum's, so leave it alone.
    let (parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 4096).await {
        Ok(b) => b,
        Err(_) => return Err(Response::from_parts(parts, axum::body::Body::empty())),
    };
    let text = String::from_utf8_lossy(&bytes).to_string();
    // "Failed to deserialize query string: offset: number too large to fit in target type"
    let detail = text.split_once(": ").map(|(_, d)| d).unwrap_or(&text);
    let field = match detail.split_once(": ") {
        Some((f, _)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') => f,
        _ => "",
    };
    Ok(ApiError {
        fields: vec![FieldError::new(field, "bad-parameter").arg("detail", detail)],
        ..ApiError::new(status, "bad-request", "problem-invalid")
    })
}
