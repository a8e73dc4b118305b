//! Sessions and API tokens (stored only as SHA-256 hashes of the secret the client holds), and
//! failed log-ins for rate limiting. Both live in the database so several `uplink serve`
//! processes behind a load balancer agree.

use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;
use uplink_core::UserId;

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub kind: String,
    pub csrf_token: String,
    pub expires_us: i64,
    pub revoked: bool,
}

pub async fn insert(
    c: &mut AnyConnection,
    token_hash: &str,
    user: UserId,
    kind: &str,
    csrf: &str,
    expires_us: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_us, expires_us) VALUES ($1,$2,$3,$4,$5,$6)",
    )
    .bind(token_hash)
    .bind(user.to_string())
    .bind(kind)
    .bind(csrf)
    .bind(crate::now_us())
    .bind(expires_us)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn find(c: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    let r = sqlx::query("SELECT user_id, kind, csrf_token, expires_us, revoked_us FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(c)
        .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(SessionRecord {
        user_id: row::id(&r, "user_id")?,
        kind: row::text(&r, "kind")?,
        csrf_token: row::text(&r, "csrf_token")?,
        expires_us: row::int(&r, "expires_us")?,
        revoked: row::opt_int(&r, "revoked_us")?.is_some(),
    }))
}

pub async fn revoke(c: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET revoked_us = $2 WHERE token_hash = $1 AND revoked_us IS NULL")
        .bind(token_hash)
        .bind(crate::now_us())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn record_login_failure(c: &mut AnyConnection, username: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO login_failures (username, at_us) VALUES ($1, $2)")
        .bind(username)
        .bind(crate::now_us())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn login_failures_since(c: &mut AnyConnection, username: &str, since_us: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at_us >= $2")
        .bind(username)
        .bind(since_us)
        .fetch_one(c)
        .await?)
}

pub async fn clear_login_failures(c: &mut AnyConnection, username: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(c).await?;
    Ok(())
}
