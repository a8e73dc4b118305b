//! Use cases for people: the operator onboards anyone (staff with a login); the station agent
//! registers villagers, farmers and co-ops in seconds (name, phone, village; no account needed);
//! and the first admin of a real database is created from the command line.

use crate::access::Actor;
use crate::auth::hash_password;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::network::{incomplete, name_field, required};
use crate::paging::{ListQuery, Page};
use serde::Deserialize;
use uplink_core::people::{self as rules, Action, BuyerKind, PhoneNumber, Role};
use uplink_core::records::{Person, UserView};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::{Db, StoreError, network as places, people as repo};
use utoipa::ToSchema;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// operator, agent, farmer, coop, supplier, buyer, driver, inspector or auditor.
    pub role: Option<String>,
    pub name: Option<String>,
    /// Mobile number, 11 digits.
    pub phone: Option<String>,
    /// Home village (farmers, co-ops, villagers); required for farmers and co-ops.
    #[schema(value_type = Option<String>, format = "uuid")]
    pub village_id: Option<VillageId>,
    /// The station an agent runs; required for agents.
    #[schema(value_type = Option<String>, format = "uuid")]
    pub station_id: Option<StationId>,
    /// consumer or business; required for buyers.
    pub buyer_kind: Option<String>,
    /// People in the farmer's household, 1–30.
    pub household_size: Option<i64>,
    /// A login for the person (operators only).
    pub account: Option<AccountInput>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    /// 10–128 characters.
    pub password: String,
}

async fn build_person(
    c: &mut uplink_store::Conn,
    county: CountyId,
    i: &PersonInput,
    base: Option<&Person>,
) -> Result<Person> {
    let mut ck = Checker::new();
    let role = match base {
        Some(b) => Some(b.role),
        None => required(&mut ck, "role", &i.role, None).and_then(|r| ck.take("role", Role::parse(&r))),
    };
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let phone = i.phone.clone().or(base.and_then(|b| b.phone.clone()));
    let phone = match phone.filter(|p| !p.trim().is_empty()) {
        Some(p) => ck.take("phone", PhoneNumber::parse(&p)).map(|p| Some(p.as_str().to_string())),
        None => Some(None),
    };
    let village_id = i.village_id.or(base.and_then(|b| b.village_id));
    let station_id = i.station_id.or(base.and_then(|b| b.station_id));
    let buyer_kind = match i.buyer_kind.clone().or(base.and_then(|b| b.buyer_kind.map(|k| k.as_str().to_string()))) {
        Some(k) => ck.take("buyer_kind", BuyerKind::parse(&k)).map(Some),
        None => Some(None),
    };
    let household_size = i.household_size.or(base.and_then(|b| b.household_size));
    if let Some(h) = household_size
        && !(1..=30).contains(&h)
    {
        ck.push(FieldError::new("household_size", "out-of-range").arg("min", 1).arg("max", 30));
    }
    match role {
        Some(Role::Farmer | Role::Coop) if village_id.is_none() => ck.push(FieldError::new("village_id", "required")),
        Some(Role::Agent) if station_id.is_none() => ck.push(FieldError::new("station_id", "required")),
        Some(Role::Buyer) if matches!(buyer_kind, Some(None)) => ck.push(FieldError::new("buyer_kind", "required")),
        _ => {}
    }
    if let Some(v) = village_id
        && places::get_village(c, county, v).await?.is_none()
    {
        ck.push(FieldError::new("village_id", "unknown-reference"));
    }
    if let Some(s) = station_id
        && places::get_station(c, county, s).await?.is_none()
    {
        ck.push(FieldError::new("station_id", "unknown-reference"));
    }
    ck.finish()?;
    let (Some(role), Some(name), Some(phone), Some(buyer_kind)) = (role, name, phone, buyer_kind) else {
        return Err(incomplete());
    };
    Ok(Person {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county,
        role,
        name,
        phone,
        village_id,
        station_id,
        buyer_kind,
        household_size,
        username: base.and_then(|b| b.username.clone()),
    })
}

/// A validated new login.
pub struct NewAccount {
    pub username: String,
    pub password_hash: String,
}

pub fn check_account(a: &AccountInput) -> Result<NewAccount> {
    let mut ck = Checker::new();
    let username = ck.take("account.username", rules::username(&a.username));
    let password = ck.take("account.password", rules::new_password(&a.password));
    ck.finish()?;
    let (Some(username), Some(password)) = (username, password) else { return Err(incomplete()) };
    Ok(NewAccount { username, password_hash: hash_password(password)? })
}

pub async fn create_person(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: PersonInput,
    idem: Option<&IdemKey>,
) -> Result<Person> {
    actor.authorize(county, Action::RegisterParty)?;
    let may_manage = actor.authorize(county, Action::ManagePeople).is_ok();
    if !may_manage {
        // Agents register trading parties only, and give no logins.
        if let Some(r) = input.role.as_deref().and_then(|r| Role::parse(r).ok())
            && !r.is_party()
        {
            return Err(ServiceError::Forbidden);
        }
        if input.account.is_some() {
            return Err(ServiceError::Forbidden);
        }
    }
    // Hash outside the transaction: it is the slow part and needs no database.
    let account = input.account.as_ref().map(check_account).transpose()?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let mut p = build_person(&mut w.tx, county, &input, None).await?;
    let user = match &account {
        None => None,
        Some(a) => {
            let u = repo::UserRecord {
                id: UserId::new(),
                username: a.username.clone(),
                password_hash: a.password_hash.clone(),
                display_name: p.name.clone(),
                is_admin: false,
                locale: None,
            };
            repo::insert_user(&mut w.tx, &u).await.map_err(|e| account_field(e, "account.username"))?;
            p.username = Some(u.username);
            Some(u.id)
        }
    };
    repo::insert_person(&mut w.tx, &p, user).await?;
    w.commit(&p).await?;
    Ok(p)
}

/// A duplicate user name is reported at the input field that carries it.
fn account_field(e: StoreError, field: &str) -> ServiceError {
    match e {
        StoreError::Duplicate { .. } => ServiceError::Duplicate { field: field.to_string() },
        other => other.into(),
    }
}

pub async fn update_person(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: PersonId,
    input: PersonInput,
) -> Result<Person> {
    actor.authorize(county, Action::ManagePeople)?;
    if input.role.is_some() {
        return Err(FieldError::new("role", "immutable").into());
    }
    if input.account.is_some() {
        return Err(FieldError::new("account", "immutable").into());
    }
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_person(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let p = build_person(&mut w.tx, county, &input, Some(&base)).await?;
    repo::update_person(&mut w.tx, &p).await?;
    w.commit(&p).await?;
    Ok(p)
}

/// Agents see trading parties only; operators and auditors see everyone.
fn visible_roles(actor: &Actor, county: CountyId) -> Vec<Role> {
    if actor.authorize(county, Action::ManagePeople).is_ok() || actor.roles_in(county).contains(&Role::Auditor) {
        Vec::new()
    } else {
        Role::ALL.into_iter().filter(|r| r.is_party()).collect()
    }
}

pub async fn get_person(db: &Db, actor: &Actor, county: CountyId, id: PersonId) -> Result<Person> {
    actor.authorize(county, Action::ReadPeople)?;
    let mut c = db.reader().await?;
    let p = repo::get_person(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let roles = visible_roles(actor, county);
    if !roles.is_empty() && !roles.contains(&p.role) {
        return Err(ServiceError::NotFound);
    }
    Ok(p)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Only this role.
    pub role: Option<String>,
}

pub async fn list_people(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    q: &ListQuery,
    pq: &PeopleQuery,
) -> Result<Page<Person>> {
    actor.authorize(county, Action::ReadPeople)?;
    let (p, s) = (q.page()?, q.search()?);
    let mut roles = visible_roles(actor, county);
    if let Some(r) = &pq.role {
        let r = Role::parse(r).map_err(|e| e.under("role"))?;
        if !roles.is_empty() && !roles.contains(&r) {
            return Ok(Page { items: vec![], total: 0, limit: p.limit, offset: p.offset });
        }
        roles = vec![r];
    }
    let mut c = db.reader().await?;
    let (items, total) = repo::list_people(&mut c, county, &repo::PeopleFilter { q: s, roles }, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

/// The signed-in user with their roles per county.
pub async fn me(db: &Db, actor: &Actor) -> Result<UserView> {
    let mut c = db.reader().await?;
    repo::user_view(&mut c, actor.user_id).await?.ok_or(ServiceError::Unauthenticated)
}

/// Creates a user from the command line (the way to the first admin of a real database). With
/// `member`, the user also becomes that person in that county.
pub async fn create_user_cli(
    db: &Db,
    username: &str,
    password: &str,
    display_name: &str,
    is_admin: bool,
) -> Result<UserId> {
    let a = check_account(&AccountInput { username: username.into(), password: password.into() })?;
    let mut tx = db.begin().await?;
    let u = repo::UserRecord {
        id: UserId::new(),
        username: a.username,
        password_hash: a.password_hash,
        display_name: text::name(display_name, text::NAME_MAX).map_err(|e| e.under("display_name"))?,
        is_admin,
        locale: None,
    };
    repo::insert_user(&mut tx, &u).await.map_err(|e| account_field(e, "username"))?;
    tx.commit().await?;
    Ok(u.id)
}
