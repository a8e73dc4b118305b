//! What can go wrong in storage, in terms the use cases can act on: a duplicate of a unique
//! field (the caller's fault, a 409/422), a missing referenced record, or the database itself.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `field` is the input field it concerns.
    #[error("duplicate value for {field}")]
    Duplicate { field: String },
    /// A foreign key refused the write: the referenced record does not exist in this county.
    #[error("a referenced record does not exist")]
    MissingReference,
    /// The database URL or file is unusable; the message says what to do.
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: sqlx::Error },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Turns constraint violations into the errors callers act on. Constraint names follow
    /// `uq_<table>_<field>` so PostgreSQL names the field; SQLite's message names the columns.
    pub fn classify(e: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                let field = match db.constraint() {
                    Some(c) => c.strip_prefix("uq_").and_then(|r| r.split_once('_')).map(|(_, f)| f.to_string()),
                    None => db.message().rsplit(['.', ' ']).next().map(str::to_string),
                };
                return StoreError::Duplicate { field: field.unwrap_or_else(|| "code".into()) };
            }
            if db.is_foreign_key_violation() {
                return StoreError::MissingReference;
            }
        }
        StoreError::Database(e)
    }
}
