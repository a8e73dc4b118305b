//! Sessions and API tokens (stored only as SHA-256 hashes of the secret the client holds), and
//! failed log-ins for rate limiting. Both live in the database so several `uplink serve`
//! processes behind a load balancer agree.

use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;
use uplink_core::UserId;
use uplink_core::records::UserView;

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

/// A live session or token, with its user and every role the user holds.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub kind: String,
    pub csrf_token: String,
    pub user: UserView,
}

/// The session of `token_hash` when it is neither revoked nor expired at `now_us`, with its user
/// and their memberships, in one query (a row per membership, one with no membership columns
/// for a user without a role). Nothing is cached: a revocation or a changed role counts from the
/// next request on.
pub async fn live(c: &mut AnyConnection, token_hash: &str, now_us: i64) -> Result<Option<LiveSession>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.kind, s.csrf_token, u.user_id, u.username, u.display_name, u.is_admin, u.locale, \
         p.county_id, p.person_id, p.role, p.station_id \
         FROM sessions s JOIN users u ON u.user_id = s.user_id LEFT JOIN people p ON p.user_id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked_us IS NULL AND s.expires_us > $2 \
         ORDER BY p.county_id, p.role",
    )
    .bind(token_hash)
    .bind(now_us)
    .fetch_all(c)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let mut memberships = Vec::with_capacity(rows.len());
    for r in &rows {
        if row::opt_text(r, "county_id")?.is_some() {
            memberships.push(crate::people::membership_from(r)?);
        }
    }
    Ok(Some(LiveSession {
        kind: row::text(first, "kind")?,
        csrf_token: row::text(first, "csrf_token")?,
        user: UserView {
            id: row::id(first, "user_id")?,
            username: row::text(first, "username")?,
            display_name: row::text(first, "display_name")?,
            is_admin: row::flag(first, "is_admin")?,
            locale: row::opt_text(first, "locale")?,
            memberships,
        },
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
