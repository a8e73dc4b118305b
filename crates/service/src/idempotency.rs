//! Retry-safe writes. A use case opens its transaction with [`begin`]: with an idempotency key
//! it first claims the key (a row inserted in the same transaction). A retry whose key is
//! already stored gets the first result back and changes nothing; the same key with a
//! different request is refused. The result is saved with [`Write::commit`], atomically with the
//! write itself, so there is never a write without its record or a record without its write.
//!
//! Concurrent first uses of one key: on PostgreSQL the second claim waits on the first's row
//! lock and, once the first commits, finds its result; on SQLite writers are serial anyway, and a
//! retry that finds the first result in the same group-commit batch is answered only once that
//! batch is durable.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uplink_store::{Db, StoreError, Tx, idempotency};

/// The client's key (the `Idempotency-Key` header) and a hash of the request it came with.
#[derive(Debug, Clone)]
pub struct IdemKey {
    pub key: String,
    pub request_hash: String,
}

impl IdemKey {
    /// Keys are 1–128 printable ASCII characters (a UUID is typical).
    pub fn parse(key: &str, request_hash: String) -> Result<IdemKey, uplink_core::FieldError> {
        let ok = !key.is_empty() && key.len() <= 128 && key.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(IdemKey { key: key.to_string(), request_hash })
        } else {
            Err(uplink_core::FieldError::new("Idempotency-Key", "bad-idempotency-key"))
        }
    }
}

/// An open write transaction of one use case, with its claimed key.
pub struct Write {
    pub tx: Tx,
    scope: String,
    user: String,
    key: Option<String>,
}

/// What [`begin`] found: a first attempt to carry out, or the stored result of an earlier one.
pub enum Begun<T> {
    Fresh(Write),
    Replay(T),
}

pub async fn begin<T: DeserializeOwned>(
    db: &Db,
    scope: &str,
    actor: &Actor,
    idem: Option<&IdemKey>,
) -> Result<Begun<T>> {
    let user = actor.user_id.to_string();
    let (mut tx, claimed) = match idem {
        Some(k) => idempotency::begin_claiming(db, scope, &user, &k.key, &k.request_hash).await?,
        None => (db.begin().await?, true),
    };
    if let Some(k) = idem
        && !claimed
    {
        let found = idempotency::find(&mut tx, scope, &user, &k.key)
            .await?
            .ok_or_else(|| ServiceError::Store(StoreError::Corrupt("claimed idempotency key vanished".into())))?;
        if found.request_hash != k.request_hash {
            return Err(ServiceError::IdempotencyMismatch);
        }
        let v = serde_json::from_str(&found.response)
            .map_err(|e| ServiceError::Store(StoreError::Corrupt(format!("stored response unreadable: {e}"))))?;
        // On SQLite the first attempt may still wait in the open batch: answer the retry only
        // once that batch is durable, as the first attempt itself will be answered.
        tx.commit().await?;
        return Ok(Begun::Replay(v));
    }
    Ok(Begun::Fresh(Write { tx, scope: scope.to_string(), user, key: idem.map(|k| k.key.clone()) }))
}

impl Write {
    /// Stores the result under the key (when there is one) and commits everything at once.
    pub async fn commit<T: Serialize>(self, out: &T) -> Result<()> {
        match &self.key {
            Some(key) => {
                let body = serde_json::to_string(out)
                    .map_err(|e| ServiceError::Store(StoreError::Corrupt(format!("response not serialisable: {e}"))))?;
                idempotency::complete_and_commit(self.tx, &self.scope, &self.user, key, &body).await?;
            }
            None => self.tx.commit().await?,
        }
        Ok(())
    }
}

/// Opens a use case's write, or returns the stored result of an earlier attempt from the
/// enclosing function.
#[macro_export]
macro_rules! begin_write {
    ($db:expr, $scope:expr, $actor:expr, $idem:expr) => {
        match $crate::idempotency::begin($db, $scope, $actor, $idem).await? {
            $crate::idempotency::Begun::Fresh(w) => w,
            $crate::idempotency::Begun::Replay(v) => return Ok(v),
        }
    };
}
