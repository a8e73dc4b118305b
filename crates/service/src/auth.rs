//! Log-in, sessions and API tokens. Passwords are argon2id hashes; session and token secrets are
//! 256 random bits the client holds, stored only as SHA-256 hashes; failed log-ins are counted
//! per user name in the database and slow an attacker to five tries per quarter hour.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uplink_store::{Db, now_us, people, sessions};

/// Failed log-ins allowed per user name within [`FAILURE_WINDOW_US`].
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_US: i64 = 15 * 60 * 1_000_000;
/// A page session lasts a working day; an API token a week.
pub const SESSION_LIFETIME_US: i64 = 12 * 3600 * 1_000_000;
pub const TOKEN_LIFETIME_US: i64 = 7 * 24 * 3600 * 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A browser session (cookie), with a CSRF token for its forms.
    Session,
    /// A bearer token for the API.
    ApiToken,
}

impl CredentialKind {
    fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Session => "session",
            CredentialKind::ApiToken => "api",
        }
    }
}

/// What a successful log-in hands the client. `secret` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub secret: String,
    pub csrf_token: String,
    pub expires_us: i64,
    pub actor: Actor,
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ServiceError::Store(uplink_store::StoreError::Corrupt(format!("salt: {e}"))))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Store(uplink_store::StoreError::Corrupt(format!("hash: {e}"))))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// 256 random bits as hex.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

pub fn sha256_hex(s: &str) -> String {
    sha256_hex_bytes(s.as_bytes())
}

/// The SHA-256 of bytes (a photo), in hex.
pub fn sha256_hex_bytes(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Equal-time comparison of two secrets (CSRF tokens), so timing does not reveal a prefix.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A hash of no one's password, verified against when the user name is unknown so that the
/// answer takes as long as for a real user and does not reveal which names exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// Checks the password and issues a new session or token. A new secret every time: a session
/// id that existed before log-in is never promoted (no session fixation).
pub async fn login(db: &Db, username: &str, password: &str, kind: CredentialKind) -> Result<Issued> {
    let name = username.trim().to_ascii_lowercase();
    let mut c = db.reader().await?;
    let failures = sessions::login_failures_since(&mut c, &name, now_us() - FAILURE_WINDOW_US).await?;
    if failures >= MAX_FAILURES {
        return Err(ServiceError::RateLimited { retry_after_s: FAILURE_WINDOW_US / 1_000_000 });
    }
    let user = people::user_by_name(&mut c, &name).await?;
    drop(c);
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            verify_password(password, decoy_hash());
            false
        }
    };
    let mut tx = db.begin().await?;
    let Some(user) = user.filter(|_| ok) else {
        sessions::record_login_failure(&mut tx, &name).await?;
        tx.commit().await?;
        return Err(ServiceError::BadCredentials);
    };
    sessions::clear_login_failures(&mut tx, &name).await?;
    let secret = new_secret();
    let csrf_token = new_secret();
    let lifetime = match kind {
        CredentialKind::Session => SESSION_LIFETIME_US,
        CredentialKind::ApiToken => TOKEN_LIFETIME_US,
    };
    let expires_us = now_us() + lifetime;
    sessions::insert(&mut tx, &sha256_hex(&secret), user.id, kind.as_str(), &csrf_token, expires_us).await?;
    let view = people::user_view(&mut tx, user.id).await?.ok_or(ServiceError::BadCredentials)?;
    tx.commit().await?;
    Ok(Issued { secret, csrf_token, expires_us, actor: actor_of(view) })
}

pub(crate) fn actor_of(v: uplink_core::records::UserView) -> Actor {
    Actor {
        user_id: v.id,
        username: v.username,
        display_name: v.display_name,
        is_admin: v.is_admin,
        locale: v.locale,
        memberships: v.memberships,
    }
}

/// A live session: who, and the CSRF token its forms must carry.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub csrf_token: String,
    pub kind: CredentialKind,
}

/// Resolves a secret from a cookie or a bearer header. Expired, revoked or unknown secrets are
/// all simply "not logged in".
pub async fn authenticate(db: &Db, secret: &str) -> Result<Authenticated> {
    if secret.len() != 64 {
        return Err(ServiceError::Unauthenticated);
    }
    let mut c = db.reader().await?;
    // One query: the session (live only), its user and their roles.
    let s = sessions::live(&mut c, &sha256_hex(secret), now_us()).await?.ok_or(ServiceError::Unauthenticated)?;
    let kind = if s.kind == "api" { CredentialKind::ApiToken } else { CredentialKind::Session };
    Ok(Authenticated { actor: actor_of(s.user), csrf_token: s.csrf_token, kind })
}

/// Ends a session or revokes a token at once.
pub async fn logout(db: &Db, secret: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    sessions::revoke(&mut tx, &sha256_hex(secret)).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the user's language for pages and messages (`zh-CN` or `en`).
pub async fn set_locale(db: &Db, actor: &Actor, locale: &str) -> Result<()> {
    let l = match locale {
        "zh-CN" | "en" => locale,
        _ => {
            return Err(uplink_core::FieldError::new("locale", "unknown-choice").arg("allowed", "zh-CN, en").into());
        }
    };
    let mut tx = db.begin().await?;
    people::set_locale(&mut tx, actor.user_id, Some(l)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_compare_fully() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "ab"));
        assert_eq!(new_secret().len(), 64);
    }
}
