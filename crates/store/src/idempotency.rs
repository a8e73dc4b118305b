//! Idempotency records: the first response to a retryable write, stored in the same transaction
//! as the write itself, so a retry either finds the whole result or nothing at all.

use crate::error::StoreError;
use crate::row;
use crate::{Db, Tx};
use sqlx::AnyConnection;

/// The all-zero county id, for platform-wide writes such as creating a county.
pub const PLATFORM_SCOPE: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Debug, Clone)]
pub struct Stored {
    pub request_hash: String,
    pub response: String,
}

/// Opens a use case's write transaction and claims `key` in it, as [`claim`] does: true when the
/// key is new. The claim is the transaction's first statement, which on SQLite shares the
/// round trip to the writer that opens the use case.
pub async fn begin_claiming(
    db: &Db,
    scope: &str,
    user: &str,
    key: &str,
    request_hash: &str,
) -> Result<(Tx, bool), StoreError> {
    let (scope, user, key, hash) = (scope.to_string(), user.to_string(), key.to_string(), request_hash.to_string());
    let now = crate::now_us();
    db.begin_with_first(
        "INSERT INTO idempotency (county_id, user_id, idem_key, request_hash, response, created_us) \
         VALUES ($1,$2,$3,$4,'',$5) ON CONFLICT (county_id, user_id, idem_key) DO NOTHING RETURNING idem_key",
        Box::new(move |q| q.bind(scope).bind(user).bind(key).bind(hash).bind(now)),
    )
    .await
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

/// Stores the response of a claimed key as the transaction's last statement and commits; on
/// SQLite both go to the writer in one round trip.
pub async fn complete_and_commit(tx: Tx, scope: &str, user: &str, key: &str, response: &str) -> Result<(), StoreError> {
    let (scope, user, key, response) = (scope.to_string(), user.to_string(), key.to_string(), response.to_string());
    tx.commit_with_last(
        "UPDATE idempotency SET response = $4 WHERE county_id = $1 AND user_id = $2 AND idem_key = $3",
        Box::new(move |q| q.bind(scope).bind(user).bind(key).bind(response)),
    )
    .await
}
