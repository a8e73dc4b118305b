//! People of a county and the login identities (users) some of them have.

use crate::error::StoreError;
use crate::row::{self, PageReq, like_pattern};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::people::{BuyerKind, Role};
use uplink_core::records::{Membership, Person, UserView};
use uplink_core::*;

const PERSON_COLUMNS: &str = "p.county_id, p.person_id, p.role, p.name, p.phone, p.village_id, p.station_id, \
                              p.buyer_kind, p.household_size, u.username";

fn person_from(r: &AnyRow) -> Result<Person, StoreError> {
    Ok(Person {
        id: row::id(r, "person_id")?,
        county_id: row::id(r, "county_id")?,
        role: row::choice(r, "role", Role::parse)?,
        name: row::text(r, "name")?,
        phone: row::opt_text(r, "phone")?,
        village_id: row::opt_id(r, "village_id")?,
        station_id: row::opt_id(r, "station_id")?,
        buyer_kind: row::opt_choice(r, "buyer_kind", BuyerKind::parse)?,
        household_size: row::opt_int(r, "household_size")?,
        username: row::opt_text(r, "username")?,
    })
}

pub async fn insert_person(c: &mut AnyConnection, x: &Person, user: Option<UserId>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO people (county_id, person_id, role, name, phone, village_id, station_id, buyer_kind, \
         household_size, user_id, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.role.as_str())
    .bind(&x.name)
    .bind(x.phone.as_deref())
    .bind(x.village_id.map(|v| v.to_string()))
    .bind(x.station_id.map(|v| v.to_string()))
    .bind(x.buyer_kind.map(|k| k.as_str()))
    .bind(x.household_size)
    .bind(user.map(|u| u.to_string()))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_person(c: &mut AnyConnection, x: &Person) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE people SET name=$3, phone=$4, village_id=$5, station_id=$6, buyer_kind=$7, household_size=$8 \
         WHERE county_id=$1 AND person_id=$2",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(&x.name)
    .bind(x.phone.as_deref())
    .bind(x.village_id.map(|v| v.to_string()))
    .bind(x.station_id.map(|v| v.to_string()))
    .bind(x.buyer_kind.map(|k| k.as_str()))
    .bind(x.household_size)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Gives a person a login (or moves it to another user).
pub async fn link_user(
    c: &mut AnyConnection,
    county: CountyId,
    person: PersonId,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE people SET user_id = $3 WHERE county_id = $1 AND person_id = $2")
        .bind(county.to_string())
        .bind(person.to_string())
        .bind(user.to_string())
        .execute(c)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_person(c: &mut AnyConnection, county: CountyId, id: PersonId) -> Result<Option<Person>, StoreError> {
    let r = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM people p LEFT JOIN users u ON u.user_id = p.user_id \
         WHERE p.county_id = $1 AND p.person_id = $2"
    ))
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_optional(c)
    .await?;
    r.as_ref().map(person_from).transpose()
}

/// Filters for the people list. `roles` empty means every role.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub q: String,
    pub roles: Vec<Role>,
}

pub async fn list_people(
    c: &mut AnyConnection,
    county: CountyId,
    f: &PeopleFilter,
    p: PageReq,
) -> Result<(Vec<Person>, i64), StoreError> {
    let pat = if f.q.trim().is_empty() { String::new() } else { like_pattern(&f.q) };
    // Roles are a closed set of identifiers, so inlining them cannot inject SQL.
    let roles = if f.roles.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = f.roles.iter().map(|r| format!("'{}'", r.as_str())).collect();
        format!(" AND p.role IN ({})", list.join(","))
    };
    let from = format!(
        "FROM people p LEFT JOIN users u ON u.user_id = p.user_id WHERE p.county_id = $1 \
         AND ($2 = '' OR LOWER(p.name) LIKE $2 ESCAPE '\\' OR p.phone LIKE $2 ESCAPE '\\'){roles}"
    );
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {from}"))
        .bind(county.to_string())
        .bind(&pat)
        .fetch_one(&mut *c)
        .await?;
    let rows = sqlx::query(&format!("SELECT {PERSON_COLUMNS} {from} ORDER BY p.name, p.person_id LIMIT $3 OFFSET $4"))
        .bind(county.to_string())
        .bind(&pat)
        .bind(p.limit)
        .bind(p.offset)
        .fetch_all(&mut *c)
        .await?;
    Ok((rows.iter().map(person_from).collect::<Result<_, _>>()?, total))
}

/// A user as stored, with the password hash that never leaves the service layer.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub is_admin: bool,
    pub locale: Option<String>,
}

fn user_from(r: &AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: row::id(r, "user_id")?,
        username: row::text(r, "username")?,
        password_hash: row::text(r, "password_hash")?,
        display_name: row::text(r, "display_name")?,
        is_admin: row::flag(r, "is_admin")?,
        locale: row::opt_text(r, "locale")?,
    })
}

pub async fn insert_user(c: &mut AnyConnection, u: &UserRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (user_id, username, password_hash, display_name, is_admin, locale, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(u.id.to_string())
    .bind(&u.username)
    .bind(&u.password_hash)
    .bind(&u.display_name)
    .bind(i64::from(u.is_admin))
    .bind(u.locale.as_deref())
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn user_by_name(c: &mut AnyConnection, username: &str) -> Result<Option<UserRecord>, StoreError> {
    let r = sqlx::query("SELECT * FROM users WHERE username = $1").bind(username).fetch_optional(c).await?;
    r.as_ref().map(user_from).transpose()
}

pub async fn user_by_id(c: &mut AnyConnection, id: UserId) -> Result<Option<UserRecord>, StoreError> {
    let r = sqlx::query("SELECT * FROM users WHERE user_id = $1").bind(id.to_string()).fetch_optional(c).await?;
    r.as_ref().map(user_from).transpose()
}

pub async fn set_locale(c: &mut AnyConnection, id: UserId, locale: Option<&str>) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET locale = $2 WHERE user_id = $1").bind(id.to_string()).bind(locale).execute(c).await?;
    Ok(())
}

pub async fn memberships(c: &mut AnyConnection, user: UserId) -> Result<Vec<Membership>, StoreError> {
    let rows = sqlx::query(
        "SELECT county_id, person_id, role, station_id FROM people WHERE user_id = $1 ORDER BY county_id, role",
    )
    .bind(user.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(membership_from).collect()
}

/// A membership from a row of `people` (columns `county_id`, `person_id`, `role`, `station_id`).
pub(crate) fn membership_from(r: &AnyRow) -> Result<Membership, StoreError> {
    Ok(Membership {
        county_id: row::id(r, "county_id")?,
        person_id: row::id(r, "person_id")?,
        role: row::choice(r, "role", Role::parse)?,
        station_id: row::opt_id(r, "station_id")?,
    })
}

pub async fn user_view(c: &mut AnyConnection, id: UserId) -> Result<Option<UserView>, StoreError> {
    let Some(u) = user_by_id(c, id).await? else { return Ok(None) };
    let memberships = memberships(c, id).await?;
    Ok(Some(UserView {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        is_admin: u.is_admin,
        locale: u.locale,
        memberships,
    }))
}

pub async fn count_users(c: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await?)
}
