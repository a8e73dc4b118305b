//! Writing a [`Batch`]: its rows become multi-row INSERTs whose values are SQL literals, sent
//! as one text of many statements (`sqlx::raw_sql`: nothing is bound, so there is no `$N` to
//! look up — sqlx finds each of a SQLite statement's parameters by name, which grows with the
//! square of the values per statement — and PostgreSQL parses the text once, in its simple-query
//! protocol). The values are Uplink's own generated records, but each is still written as a
//! literal both databases read back exactly: text in single quotes with each quote doubled
//! (backslashes are ordinary characters in both, PostgreSQL's `standard_conforming_strings`
//! being set for the transaction), a NUL refused, integers in decimal, `NULL`.

use super::{ACCOUNTS, Batch, TABLES, Table, Value};
use crate::error::StoreError;
use sqlx::{AnyConnection, Executor as _};
use std::fmt::Write as _;
use uplink_core::CountyId;
use uplink_core::ledger::Totals;

/// Rows per INSERT: enough that a statement's own cost is spread thin, few enough that a
/// statement of the widest table stays well under a megabyte.
const MAX_ROWS: usize = 1_000;
/// SQL text sent at once (whole statements), in bytes.
const MAX_TEXT: usize = 4 << 20;

/// Writes the batch on the caller's connection (inside the caller's transaction) and empties it.
pub async fn write(c: &mut AnyConnection, county: CountyId, batch: &mut Batch) -> Result<(), StoreError> {
    let accounts = std::mem::take(&mut batch.accounts);
    let mut values = Vec::with_capacity(accounts.len() * ACCOUNTS.columns.len());
    for (key, (t, first)) in accounts {
        values.extend([
            Value::from(county.to_string()),
            key.to_string().into(),
            key.kind().as_str().into(),
            key.owner().map(|o| o.to_string()).into(),
            key.normal().as_str().into(),
            0.into(),
            t.debits_posted.into(),
            t.credits_posted.into(),
            t.debits_pending.into(),
            t.credits_pending.into(),
            first.into(),
        ]);
    }
    let mut text = Text::new(c);
    text.insert(c, &ACCOUNTS, &values).await?;
    for t in &TABLES {
        if let Some(v) = batch.rows.remove(t.name) {
            text.insert(c, t, &v).await?;
        }
    }
    text.send(c).await
}

/// What [`start`] changed, for [`finish`] to put back.
#[derive(Debug, Default)]
#[must_use = "a bulk load must be finished, or its keys and indexes stay off until the rollback"]
pub struct BulkLoad {
    /// PostgreSQL: the statements that make each index and foreign key taken off again.
    put_back: Vec<String>,
    /// PostgreSQL: the accounts' totals of every batch, written once by [`finish`]. Written with
    /// each batch, an account touched every day (the county's bank, a seller's wallet) would get
    /// a new version of its row per batch in the one transaction, and each upsert would walk all
    /// the versions before it.
    accounts: Option<Batch>,
}

/// Writes `batch` as part of a bulk load (see [`write`]); on PostgreSQL its accounts' totals are
/// added up and left for [`finish`].
pub async fn write_part(
    c: &mut AnyConnection,
    county: CountyId,
    batch: &mut Batch,
    load: &mut BulkLoad,
) -> Result<(), StoreError> {
    if let Some(all) = &mut load.accounts {
        for (key, (t, first)) in std::mem::take(&mut batch.accounts) {
            let (sum, earliest) = all.accounts.entry(key).or_insert((Totals::default(), first));
            sum.debits_posted += t.debits_posted;
            sum.credits_posted += t.credits_posted;
            sum.debits_pending += t.debits_pending;
            sum.credits_pending += t.credits_pending;
            *earliest = (*earliest).min(first);
        }
    }
    write(c, county, batch).await
}

/// Readies the caller's transaction for writing many batches. On PostgreSQL the foreign keys
/// and the non-unique indexes of the bulk-written tables are taken off inside the transaction,
/// and [`finish`] makes them again before the commit — each index sorted in one pass, each key
/// checked over all rows with one join: another transaction never sees the tables without
/// them, and a row without its parent still fails the load. Checked row by row, a foreign key
/// costs about 8 µs per row (a plan run and a row lock), and an index kept up row by row costs
/// several times its sorted build: together most of the time of a year written at two million
/// order lines. Primary keys and unique constraints stay, checked as rows arrive. SQLite checks a
/// key by one lookup of the parent's index, and a week is committed at a time there, so its
/// tables keep everything; only its page cache is made large enough for the indexes written.
pub async fn start(c: &mut AnyConnection) -> Result<BulkLoad, StoreError> {
    if !is_postgres(c) {
        c.execute(sqlx::raw_sql("PRAGMA cache_size = -262144")).await?;
        return Ok(BulkLoad::default());
    }
    let tables: Vec<String> = std::iter::once(ACCOUNTS.name)
        .chain(TABLES.iter().map(|t| t.name))
        .map(|n| format!("'{n}'::regclass"))
        .collect();
    let tables = tables.join(", ");
    let sql = format!(
        "SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid) \
         FROM pg_index i WHERE NOT indisunique AND indrelid IN ({tables}) \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid) \
         UNION ALL \
         SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname), \
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) \
         FROM pg_constraint WHERE contype = 'f' AND conrelid IN ({tables})"
    );
    let rows: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(&mut *c).await?;
    if !rows.is_empty() {
        let drops: Vec<&str> = rows.iter().map(|(d, _)| d.as_str()).collect();
        c.execute(sqlx::raw_sql(&drops.join(";\n"))).await?;
    }
    Ok(BulkLoad { put_back: rows.into_iter().map(|(_, make)| make).collect(), accounts: Some(Batch::default()) })
}

/// Ends a bulk load in the caller's transaction, before its commit: on PostgreSQL, takes the
/// planner's statistics of the written tables (so the checks below and the first reads after
/// the load are planned for their real size) and makes every index and foreign key again,
/// checking all rows; on SQLite, gives the page cache back.
pub async fn finish(c: &mut AnyConnection, county: CountyId, mut load: BulkLoad) -> Result<(), StoreError> {
    if let Some(mut accounts) = load.accounts.take() {
        write(c, county, &mut accounts).await?;
    }
    if !is_postgres(c) {
        c.execute(sqlx::raw_sql("PRAGMA cache_size = -2000")).await?;
        return Ok(());
    }
    let names: Vec<&str> = std::iter::once(ACCOUNTS.name).chain(TABLES.iter().map(|t| t.name)).collect();
    c.execute(sqlx::raw_sql(&format!("ANALYZE {}", names.join(", ")))).await?;
    if !load.put_back.is_empty() {
        // Index builds sort and key checks join whole tables, in `maintenance_work_mem`.
        let sql = format!("SET LOCAL maintenance_work_mem = '512MB';\n{}", load.put_back.join(";\n"));
        c.execute(sqlx::raw_sql(&sql)).await.map_err(StoreError::classify)?;
    }
    Ok(())
}

fn is_postgres(c: &AnyConnection) -> bool {
    c.backend_name().eq_ignore_ascii_case("postgresql")
}

/// SQL text gathered to be sent at once.
struct Text {
    sql: String,
    /// Said at the head of every text on PostgreSQL, so a backslash is never an escape there.
    head: &'static str,
}

impl Text {
    fn new(c: &AnyConnection) -> Text {
        let head = if is_postgres(c) { "SET LOCAL standard_conforming_strings = on;\n" } else { "" };
        Text { sql: String::from(head), head }
    }

    /// Adds INSERTs of `values` (whole rows of `t`), sending the text whenever it is long enough.
    async fn insert(&mut self, c: &mut AnyConnection, t: &Table, values: &[Value]) -> Result<(), StoreError> {
        for chunk in values.chunks(MAX_ROWS * t.columns.len()) {
            statement(&mut self.sql, t, chunk)?;
            if self.sql.len() >= MAX_TEXT {
                self.send(c).await?;
            }
        }
        Ok(())
    }

    async fn send(&mut self, c: &mut AnyConnection) -> Result<(), StoreError> {
        if self.sql.len() > self.head.len() {
            c.execute(sqlx::raw_sql(&self.sql)).await.map_err(StoreError::classify)?;
        }
        self.sql.clear();
        self.sql.push_str(self.head);
        Ok(())
    }
}

/// Appends `INSERT INTO t (…) VALUES (…),(…)…;` for `values`, whole rows of `t`.
fn statement(sql: &mut String, t: &Table, values: &[Value]) -> Result<(), StoreError> {
    let n = t.columns.len();
    sql.push_str("INSERT INTO ");
    sql.push_str(t.name);
    sql.push_str(" (");
    sql.push_str(&t.columns.join(", "));
    sql.push_str(") VALUES ");
    for (r, row) in values.chunks(n).enumerate() {
        sql.push_str(if r == 0 { "(" } else { ",\n(" });
        for (k, v) in row.iter().enumerate() {
            if k > 0 {
                sql.push(',');
            }
            literal(sql, v)?;
        }
        sql.push(')');
    }
    sql.push_str(t.tail);
    sql.push_str(";\n");
    Ok(())
}

/// Appends `v` as a literal that SQLite and PostgreSQL (with standard conforming strings) read
/// back as exactly `v`.
fn literal(sql: &mut String, v: &Value) -> Result<(), StoreError> {
    match v {
        Value::Text(s) => {
            if s.contains('\0') {
                return Err(StoreError::Corrupt(format!("a text value holds a NUL character: {s:?}")));
            }
            sql.reserve(s.len() + 2);
            sql.push('\'');
            for (i, part) in s.split('\'').enumerate() {
                if i > 0 {
                    sql.push_str("''");
                }
                sql.push_str(part);
            }
            sql.push('\'');
        }
        // Writing into a String cannot fail.
        Value::Int(i) => {
            let _ = write!(sql, "{i}");
        }
        Value::NullText | Value::NullInt => sql.push_str("NULL"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{Connection, Row};

    const TRICKY: [&str; 9] = [
        "",
        "plain",
        "it's",
        "''",
        "back\\slash\\",
        "\\'; DROP TABLE t; --",
        "五常大米 · 稻花香 😀",
        "tab\tnew\nline\r",
        "$1 $$ ? :a @b",
    ];

    #[test]
    fn literals_double_quotes_and_refuse_nul() {
        let mut s = String::new();
        for v in [Value::from("it's"), Value::Int(-42), Value::NullText, Value::from("\\")] {
            literal(&mut s, &v).unwrap();
            s.push('|');
        }
        assert_eq!(s, "'it''s'|-42|NULL|'\\'|");
        let e = literal(&mut s, &Value::from("a\0b")).unwrap_err();
        assert!(e.to_string().contains("NUL"), "{e}");
    }

    const T: Table = Table { name: "literal_check", columns: &["k", "t", "i"], tail: "" };

    /// Writes the tricky values and the extreme integers through `Text` and reads them back.
    async fn round_trip(url: &str) {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(url).await.expect(url);
        sqlx::raw_sql("CREATE TEMPORARY TABLE literal_check (k BIGINT NOT NULL, t TEXT, i BIGINT)")
            .execute(&mut c)
            .await
            .unwrap();
        let ints = [0, 1, -1, i64::MAX, i64::MIN];
        let mut values = Vec::new();
        for (k, s) in TRICKY.iter().enumerate() {
            values.extend([Value::Int(k as i64), Value::from(*s), Value::Int(ints[k % ints.len()])]);
        }
        values.extend([Value::Int(TRICKY.len() as i64), Value::NullText, Value::NullInt]);
        let mut tx = c.begin().await.unwrap();
        let mut text = Text::new(&tx);
        text.insert(&mut tx, &T, &values).await.unwrap();
        text.send(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let rows = sqlx::query("SELECT k, t, i FROM literal_check ORDER BY k").fetch_all(&mut c).await.unwrap();
        assert_eq!(rows.len(), TRICKY.len() + 1);
        for (k, r) in rows.iter().enumerate() {
            let t: Option<String> = r.try_get("t").unwrap();
            let i: Option<i64> = r.try_get("i").unwrap();
            if k < TRICKY.len() {
                assert_eq!(t.as_deref(), Some(TRICKY[k]), "{url}");
                assert_eq!(i, Some(ints[k % ints.len()]), "{url}");
            } else {
                assert_eq!((t, i), (None, None), "{url}");
            }
        }
    }

    /// On SQLite, or on the PostgreSQL server `UPLINK_TEST_DB` names.
    #[tokio::test]
    async fn literals_round_trip_through_the_database() {
        match std::env::var("UPLINK_TEST_DB") {
            Ok(url) if url.starts_with("postgres") => round_trip(&url).await,
            _ => round_trip("sqlite::memory:").await,
        }
    }
}
