//! Trust scores from facts (the formula is `uplink_core::trust::score`), ratings of orders, and
//! the signals that point an operator at an agent worth a look — for review, never automatic
//! punishment.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::orders::{person_as, standings};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uplink_core::catalog::Listing;
use uplink_core::order::OrderState;
use uplink_core::order_access::Standing;
use uplink_core::people::{Action, Role};
use uplink_core::trust::{Fact, ON_TIME_DAYS, Score, score};
use uplink_core::*;
use uplink_store::claims::{self as repo, Rating};
use uplink_store::trust::FactRow;
use uplink_store::{Conn, Db, now_us};
use utoipa::ToSchema;

const US_PER_DAY: f64 = 86_400_000_000.0;

/// The facts about each of `people`, dated in days before `now`, read in one query.
pub(crate) async fn facts_of_many(
    c: &mut Conn,
    county: CountyId,
    people: &[PersonId],
    now: i64,
) -> Result<HashMap<PersonId, Vec<(f64, Fact)>>> {
    let age = |t: i64| (now - t) as f64 / US_PER_DAY;
    let mut out: HashMap<PersonId, Vec<(f64, Fact)>> = people.iter().map(|p| (*p, Vec::new())).collect();
    for (person, at, row) in uplink_store::trust::facts(c, county, people).await? {
        let facts = out.entry(person).or_default();
        match row {
            FactRow::Fulfilled { lead_us, weight_g } => {
                facts.push((age(at), Fact::Fulfilled { on_time: lead_us <= ON_TIME_DAYS * 86_400_000_000 }));
                facts.push((age(at), Fact::Handled { grams: weight_g }));
            }
            FactRow::UpheldClaim => facts.push((age(at), Fact::UpheldClaim)),
            FactRow::SellerCancellation => facts.push((age(at), Fact::SellerCancellation)),
            FactRow::ShortWeightIncident => facts.push((age(at), Fact::ShortWeightIncident)),
        }
    }
    Ok(out)
}

/// The facts about a party, dated in days before `now`.
pub(crate) async fn facts_of(c: &mut Conn, county: CountyId, person: PersonId, now: i64) -> Result<Vec<(f64, Fact)>> {
    Ok(facts_of_many(c, county, &[person], now).await?.remove(&person).unwrap_or_default())
}

/// The scores of several parties at once (the sellers of a page of listings).
pub async fn scores_in(c: &mut Conn, county: CountyId, people: &[PersonId]) -> Result<HashMap<PersonId, i64>> {
    let facts = facts_of_many(c, county, people, now_us()).await?;
    Ok(facts.into_iter().map(|(p, f)| (p, score(&f).score)).collect())
}

/// Puts each seller's trust score on their listings, with one query for the whole page.
pub async fn with_seller_trust(c: &mut Conn, county: CountyId, listings: &mut [Listing]) -> Result<()> {
    let mut sellers: Vec<PersonId> = listings.iter().map(|l| l.seller_id).collect();
    sellers.sort();
    sellers.dedup();
    let scores = scores_in(c, county, &sellers).await?;
    for l in listings {
        l.seller_trust = scores.get(&l.seller_id).copied();
    }
    Ok(())
}

/// A party's trust score with its reasons. Everyone in the county may see it (buyers see it on
/// listings); the facts behind it stay with staff and the party.
pub async fn trust_score(db: &Db, actor: &Actor, county: CountyId, person: PersonId) -> Result<Score> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    uplink_store::people::get_person(&mut c, county, person).await?.ok_or(ServiceError::NotFound)?;
    Ok(score(&facts_of(&mut c, county, person, now_us()).await?))
}

/// The score used to decide whether a seller's new listings go live or wait for review.
pub async fn score_in(c: &mut Conn, county: CountyId, person: PersonId) -> Result<i64> {
    Ok(score(&facts_of(c, county, person, now_us()).await?).score)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1–5.
    pub stars: i64,
    /// A few words, at most 500 characters.
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    pub reply: String,
}

/// The buyer rates an accepted order, once.
pub async fn rate(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    order: OrderId,
    input: RatingInput,
    idem: Option<&IdemKey>,
) -> Result<Rating> {
    actor.authorize(county, Action::ReadNetwork)?;
    if !(1..=5).contains(&input.stars) {
        return Err(FieldError::new("stars", "out-of-range").arg("min", 1).arg("max", 5).into());
    }
    let comment = input.comment.trim();
    if comment.chars().count() > uplink_core::text::NOTE_MAX {
        return Err(FieldError::new("comment", "too-long")
            .arg("max", uplink_core::text::NOTE_MAX)
            .arg("actual", comment.chars().count())
            .into());
    }
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let o = uplink_store::orders::get_order(c, county, order).await?.ok_or(ServiceError::NotFound)?;
    if !standings(actor, &o).contains(&Standing::Buyer) {
        return Err(ServiceError::NotFound);
    }
    if !matches!(o.state, OrderState::Settled | OrderState::Accepted) {
        return Err(ServiceError::Conflict { kind: "not-accepted", field: "order".into() });
    }
    let r = Rating {
        order_id: order,
        stars: input.stars,
        comment: comment.to_string(),
        reply: None,
        rated_us: now_us(),
        replied_us: None,
    };
    repo::insert_rating(c, county, &r).await.map_err(|e| match e {
        uplink_store::StoreError::Duplicate { .. } => {
            ServiceError::Conflict { kind: "already-rated", field: "order".into() }
        }
        other => other.into(),
    })?;
    w.commit(&r).await?;
    Ok(r)
}

/// The seller replies to a rating, once.
pub async fn reply(db: &Db, actor: &Actor, county: CountyId, order: OrderId, input: ReplyInput) -> Result<Rating> {
    actor.authorize(county, Action::ReadNetwork)?;
    let text = uplink_core::text::name(&input.reply, uplink_core::text::NOTE_MAX).map_err(|e| e.under("reply"))?;
    let mut tx = db.begin().await?;
    let o = uplink_store::orders::get_order(&mut tx, county, order).await?.ok_or(ServiceError::NotFound)?;
    if !standings(actor, &o).contains(&Standing::Seller) {
        return Err(ServiceError::NotFound);
    }
    repo::get_rating(&mut tx, county, order).await?.ok_or(ServiceError::NotFound)?;
    if !repo::reply_rating(&mut tx, county, order, &text, now_us()).await? {
        return Err(ServiceError::Conflict { kind: "already-replied", field: "reply".into() });
    }
    let r = repo::get_rating(&mut tx, county, order).await?.ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(r)
}

pub async fn get_rating(db: &Db, actor: &Actor, county: CountyId, order: OrderId) -> Result<Rating> {
    crate::orders::get_order(db, actor, county, order).await?;
    let mut c = db.reader().await?;
    repo::get_rating(&mut c, county, order).await?.ok_or(ServiceError::NotFound)
}

/// One thing about an agent an operator may want to look at.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FraudSignal {
    /// ordered_to_self, returns_after_commission, cash_not_handed_over, graded_above_hub.
    pub kind: String,
    pub agent_id: PersonId,
    pub station_id: Option<StationId>,
    /// How many cases, or how many fen, depending on the kind.
    pub value: i64,
    pub detail: String,
}

/// Signals for review: an agent ordering for themselves or someone sharing their phone; assisted
/// orders returned after settlement; cash kept in the drawer for more than `days` days; intakes
/// of the last `days` days that the hub graded lower too often.
pub async fn fraud_signals(db: &Db, actor: &Actor, county: CountyId, days: i64) -> Result<Vec<FraudSignal>> {
    actor.authorize(county, Action::ReadLedger)?;
    let mut c = db.reader().await?;
    let now = now_us();
    crate::trust_incidents::signals(&mut c, county, now, days).await
}

/// Whether the actor is the party or staff, for showing the facts behind a score.
pub fn may_see_reasons(actor: &Actor, county: CountyId, person: PersonId) -> bool {
    actor.is_admin
        || actor.roles_in(county).iter().any(|r| matches!(r, Role::Operator | Role::Inspector | Role::Auditor))
        || person_as(actor, county, &Role::ALL).is_some_and(|p| p == person)
        || actor.memberships.iter().any(|m| m.county_id == county && m.person_id == person)
}
