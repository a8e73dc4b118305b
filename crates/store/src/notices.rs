//! Notices: what each person has been told about the claims, incidents and listings that
//! concern them, as message keys with arguments, newest first, read or not.

use crate::error::StoreError;
use crate::row::{self, PageReq};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use uplink_core::*;
use utoipa::ToSchema;

/// One notice as stored: the message is a catalogue key and its arguments, rendered in the
/// reader's language when shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notice {
    pub id: String,
    pub county_id: CountyId,
    /// Who is told.
    pub person_id: PersonId,
    /// A message key of the catalogue (`notice-claim-opened` …).
    pub key: String,
    /// The message's arguments.
    pub args: BTreeMap<String, String>,
    /// What it is about: claim, lot or listing.
    pub target_kind: String,
    pub target_id: String,
    /// The page that shows it, on this site.
    pub path: String,
    pub created_us: i64,
    /// When the person marked it read.
    pub read_us: Option<i64>,
}

fn notice_from(r: &AnyRow) -> Result<Notice, StoreError> {
    let args = row::text(r, "args")?;
    Ok(Notice {
        id: row::text(r, "notice_id")?,
        county_id: row::id(r, "county_id")?,
        person_id: row::id(r, "person_id")?,
        key: row::text(r, "message_key")?,
        args: serde_json::from_str(&args).map_err(|e| StoreError::Corrupt(format!("args of a notice: {e}")))?,
        target_kind: row::text(r, "target_kind")?,
        target_id: row::text(r, "target_id")?,
        path: row::text(r, "path")?,
        created_us: row::int(r, "created_us")?,
        read_us: row::opt_int(r, "read_us")?,
    })
}

pub async fn insert(c: &mut AnyConnection, n: &Notice) -> Result<(), StoreError> {
    let args = serde_json::to_string(&n.args).map_err(|e| StoreError::Corrupt(format!("notice args: {e}")))?;
    sqlx::query(
        "INSERT INTO notices (county_id, notice_id, person_id, message_key, args, target_kind, target_id, path, \
         created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    )
    .bind(n.county_id.to_string())
    .bind(&n.id)
    .bind(n.person_id.to_string())
    .bind(&n.key)
    .bind(args)
    .bind(&n.target_kind)
    .bind(&n.target_id)
    .bind(&n.path)
    .bind(n.created_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// `$from, $from+1 …` for an IN list of `n` values.
fn marks(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(",")
}

/// The notices of these people (one user's persons in the county), newest first.
pub async fn list(
    c: &mut AnyConnection,
    county: CountyId,
    people: &[PersonId],
    p: PageReq,
) -> Result<(Vec<Notice>, i64), StoreError> {
    if people.is_empty() {
        return Ok((vec![], 0));
    }
    let filter = format!("FROM notices WHERE county_id = $1 AND person_id IN ({})", marks(2, people.len()));
    let count_sql = format!("SELECT COUNT(*) {filter}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql).bind(county.to_string());
    for x in people {
        q = q.bind(x.to_string());
    }
    let total = q.fetch_one(&mut *c).await?;
    let n = people.len();
    let sql = format!("SELECT * {filter} ORDER BY created_us DESC, notice_id DESC LIMIT ${} OFFSET ${}", n + 2, n + 3);
    let mut q = sqlx::query(&sql).bind(county.to_string());
    for x in people {
        q = q.bind(x.to_string());
    }
    let rows = q.bind(p.limit).bind(p.offset).fetch_all(&mut *c).await?;
    Ok((rows.iter().map(notice_from).collect::<Result<_, _>>()?, total))
}

/// How many of these people's notices are not read yet.
pub async fn unread(c: &mut AnyConnection, county: CountyId, people: &[PersonId]) -> Result<i64, StoreError> {
    if people.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM notices WHERE county_id = $1 AND read_us IS NULL AND person_id IN ({})",
        marks(2, people.len())
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(county.to_string());
    for x in people {
        q = q.bind(x.to_string());
    }
    Ok(q.fetch_one(c).await?)
}

pub async fn get(c: &mut AnyConnection, county: CountyId, id: &str) -> Result<Option<Notice>, StoreError> {
    let r = sqlx::query("SELECT * FROM notices WHERE county_id = $1 AND notice_id = $2")
        .bind(county.to_string())
        .bind(id)
        .fetch_optional(c)
        .await?;
    r.as_ref().map(notice_from).transpose()
}

/// Marks a notice read; a notice read before keeps its first time.
pub async fn mark_read(c: &mut AnyConnection, county: CountyId, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE notices SET read_us = $3 WHERE county_id = $1 AND notice_id = $2 AND read_us IS NULL")
        .bind(county.to_string())
        .bind(id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// Whether a person can log in to read notices themselves.
pub async fn has_login(c: &mut AnyConnection, county: CountyId, person: PersonId) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people WHERE county_id = $1 AND person_id = $2 AND user_id IS NOT NULL",
    )
    .bind(county.to_string())
    .bind(person.to_string())
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// The agents of the stations in a person's village: who tells a villager without a log-in.
pub async fn village_agents(
    c: &mut AnyConnection,
    county: CountyId,
    person: PersonId,
) -> Result<Vec<PersonId>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.person_id FROM people p JOIN stations s ON s.county_id = p.county_id AND s.village_id = p.village_id \
         JOIN people a ON a.county_id = s.county_id AND a.station_id = s.station_id AND a.role = 'agent' \
         WHERE p.county_id = $1 AND p.person_id = $2 ORDER BY a.person_id",
    )
    .bind(county.to_string())
    .bind(person.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| row::id(r, "person_id")).collect()
}

/// The county's operators.
pub async fn operators(c: &mut AnyConnection, county: CountyId) -> Result<Vec<PersonId>, StoreError> {
    let rows =
        sqlx::query("SELECT person_id FROM people WHERE county_id = $1 AND role = 'operator' ORDER BY person_id")
            .bind(county.to_string())
            .fetch_all(c)
            .await?;
    rows.iter().map(|r| row::id(r, "person_id")).collect()
}
