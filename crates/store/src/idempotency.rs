//! Idempotency records: the first response to a retryable write, stored in the same transaction
//! as the write itself, so a retry either finds the whole result or nothing at all.

use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;

/// The all-zero county id, for platform-wide writes such as creating a county.
pub const PLATFORM_SCOPE: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Debug, Clone)]
pub struct Stored {
    pub request_hash: String,
    pub response: String,
}

/// Claims a key for this transaction: true when it is new. When another transaction holds the
/// same key uncommitted, PostgreSQL makes this wait for it to finish first.
pub async fn claim(
    c: &mut AnyConnection,
    scope: &str,
    user: &str,
    key: &str,
    request_hash: &str,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "INSERT INTO idempotency (county_id, user_id, idem_key, request_hash, response, created_us) \
         VALUES ($1,$2,$3,$4,'',$5) ON CONFLICT (county_id, user_id, idem_key) DO NOTHING",
    )
    .bind(scope)
    .bind(user)
    .bind(key)
    .bind(request_hash)
    .bind(crate::now_us())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn find(c: &mut AnyConnection, scope: &str, user: &str, key: &str) -> Result<Option<Stored>, StoreError> {
    let r = sqlx::query(
        "SELECT request_hash, response FROM idempotency WHERE county_id = $1 AND user_id = $2 AND idem_key = $3",
    )
    .bind(scope)
    .bind(user)
    .bind(key)
    .fetch_optional(c)
    .await?;
    r.map(|r| Ok(Stored { request_hash: row::text(&r, "request_hash")?, response: row::text(&r, "response")? }))
        .transpose()
}

/// Stores the response of a claimed key, in the claiming transaction.
pub async fn complete(
    c: &mut AnyConnection,
    scope: &str,
    user: &str,
    key: &str,
    response: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE idempotency SET response = $4 WHERE county_id = $1 AND user_id = $2 AND idem_key = $3")
        .bind(scope)
        .bind(user)
        .bind(key)
        .bind(response)
        .execute(c)
        .await?;
    Ok(())
}
