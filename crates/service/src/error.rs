//! The one error of the use cases; the web layer maps each variant to an HTTP status and a
//! problem-details body in one place.

use uplink_core::validation::{FieldError, Invalid};
use uplink_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is wrong; every wrong field is named.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// No such record in this county, or the caller may not know it exists.
    #[error("not found")]
    NotFound,
    /// The caller is known in this county but their role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// No valid session or token.
    #[error("not logged in")]
    Unauthenticated,
    /// Wrong user name or password.
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failed log-ins; try again after this many seconds.
    #[error("too many attempts")]
    RateLimited { retry_after_s: i64 },
    /// A record with this unique value exists already.
    #[error("duplicate {field}")]
    Duplicate { field: String },
    /// The order's state does not allow this move; says what is allowed instead.
    #[error(transparent)]
    InvalidTransition(#[from] uplink_core::order::InvalidTransition),
    /// The request is valid but the world says no: out of stock, not enough money, a window
    /// closed. `kind` is the stable problem type, `field` the input it concerns.
    #[error("{kind} ({field})")]
    Conflict { kind: &'static str, field: String },
    /// The idempotency key was used before with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// Storage failed; the detail goes to the log, never to the user.
    #[error("storage: {0}")]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { field } => ServiceError::Duplicate { field },
            other => ServiceError::Store(other),
        }
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(Invalid::one(e))
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
