//! Notices: both sides are told. Each step of a claim (opened, answered, decided, appealed,
//! final), each short-weight incident and each listing held back for low trust leaves a notice
//! for every person concerned, written in the same transaction as the step, so a step never
//! happens untold and nobody is told of a step that did not happen. A notice keeps a message
//! key and its arguments; each reader sees it in their own language. A villager without a
//! log-in is told through the agents of their village's station, who pass it on in person.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::paging::{ListQuery, Page};
use std::collections::BTreeMap;
use uplink_core::catalog::Listing;
use uplink_core::*;
use uplink_store::claims::Claim;
use uplink_store::lots::Incident;
use uplink_store::notices::{self as repo, Notice};
use uplink_store::{Conn, Db, now_us};

/// What to tell: a message of the catalogue with its arguments, and what it is about.
#[derive(Debug, Clone)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// claim, lot or listing.
    pub target_kind: &'static str,
    pub target_id: String,
    /// The page that shows it.
    pub path: String,
}

/// Leaves `m` for each of `to` (once each), inside the caller's transaction. Someone who cannot
/// log in is told through their village station's agents instead.
pub async fn notify(c: &mut Conn, county: CountyId, to: &[PersonId], m: &Message) -> Result<()> {
    let mut told: Vec<PersonId> = Vec::new();
    for p in to {
        let through = if repo::has_login(c, county, *p).await? {
            vec![*p]
        } else {
            let agents = repo::village_agents(c, county, *p).await?;
            // No station in the village: the notice waits for the person's own log-in.
            if agents.is_empty() { vec![*p] } else { agents }
        };
        for x in through {
            if !told.contains(&x) {
                told.push(x);
            }
        }
    }
    let args: BTreeMap<String, String> = m.args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let now = now_us();
    for person in told {
        let n = Notice {
            id: uuid::Uuid::now_v7().to_string(),
            county_id: county,
            person_id: person,
            key: m.key.to_string(),
            args: args.clone(),
            target_kind: m.target_kind.to_string(),
            target_id: m.target_id.clone(),
            path: m.path.clone(),
            created_us: now,
            read_us: None,
        };
        repo::insert(c, &n).await?;
    }
    Ok(())
}

/// A step in the life of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStep {
    Opened,
    Answered,
    Decided,
    Appealed,
    Final,
}

impl ClaimStep {
    fn key(self) -> &'static str {
        match self {
            ClaimStep::Opened => "notice-claim-opened",
            ClaimStep::Answered => "notice-claim-answered",
            ClaimStep::Decided => "notice-claim-decided",
            ClaimStep::Appealed => "notice-claim-appealed",
            ClaimStep::Final => "notice-claim-final",
        }
    }
}

/// Tells the buyer, the seller and the agent who placed the order (if any) of a claim's step.
pub async fn claim_step(c: &mut Conn, claim: &Claim, step: ClaimStep) -> Result<()> {
    let county = claim.county_id;
    let o = uplink_store::orders::get_order(c, county, claim.order_id).await?.ok_or(ServiceError::NotFound)?;
    let mut args = vec![("order_no", o.order_no.clone()), ("kind", claim.kind.as_str().to_string())];
    if matches!(step, ClaimStep::Decided | ClaimStep::Final)
        && let Some(outcome) = claim.outcome
    {
        args.push(("outcome", outcome.as_str().to_string()));
        args.push(("refund", Fen(claim.refund_fen.unwrap_or(0)).to_string()));
    }
    let m = Message {
        key: step.key(),
        args,
        target_kind: "claim",
        target_id: claim.id.clone(),
        path: format!("/c/{county}/orders/{}", claim.order_id),
    };
    let mut to = vec![claim.buyer_id, claim.seller_id];
    to.extend(o.agent_id);
    notify(c, county, &to, &m).await
}

/// Tells the custodian of the leg that lost the weight.
pub async fn short_weight(c: &mut Conn, county: CountyId, i: &Incident) -> Result<()> {
    let m = Message {
        key: "notice-short-weight",
        args: vec![
            ("lot_code", i.lot_code.clone()),
            ("loss", Grams(i.loss_g).to_string()),
            ("allowed", Grams(i.allowed_g).to_string()),
        ],
        target_kind: "lot",
        target_id: i.lot_id.to_string(),
        path: format!("/t/{}", i.lot_code),
    };
    notify(c, county, &[i.custodian_id], &m).await
}

/// Tells the seller and the county's operators that a listing waits for review because the
/// seller's trust score is below the county's threshold.
pub async fn listing_held(c: &mut Conn, county: CountyId, l: &Listing, score: i64, threshold: i64) -> Result<()> {
    let m = Message {
        key: "notice-listing-held",
        args: vec![
            ("product", l.product.name.clone()),
            ("seller", l.seller_name.clone()),
            ("score", score.to_string()),
            ("threshold", threshold.to_string()),
        ],
        target_kind: "listing",
        target_id: l.id.to_string(),
        path: format!("/c/{county}/shop/listing/{}", l.id),
    };
    let mut to = vec![l.seller_id];
    to.extend(repo::operators(c, county).await?);
    notify(c, county, &to, &m).await
}

/// The caller's people in the county, whose notices are theirs. Not a member: 404.
fn mine(actor: &Actor, county: CountyId) -> Result<Vec<PersonId>> {
    if !actor.is_member(county) {
        return Err(ServiceError::NotFound);
    }
    Ok(actor.memberships.iter().filter(|m| m.county_id == county).map(|m| m.person_id).collect())
}

/// My notices, newest first.
pub async fn list(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery) -> Result<Page<Notice>> {
    let people = mine(actor, county)?;
    let p = q.page()?;
    let mut c = db.reader().await?;
    let (items, total) = repo::list(&mut c, county, &people, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

/// How many of my notices are unread (for the badge next to the link to them).
pub async fn unread_count(db: &Db, actor: &Actor, county: CountyId) -> Result<i64> {
    let people = mine(actor, county)?;
    let mut c = db.reader().await?;
    Ok(repo::unread(&mut c, county, &people).await?)
}

/// Marks one of my notices read; marking it again changes nothing. Someone else's: 404.
pub async fn mark_read(db: &Db, actor: &Actor, county: CountyId, id: &str) -> Result<Notice> {
    let people = mine(actor, county)?;
    let mut tx = db.begin().await?;
    let n = repo::get(&mut tx, county, id)
        .await?
        .filter(|n| people.contains(&n.person_id))
        .ok_or(ServiceError::NotFound)?;
    if n.read_us.is_none() {
        repo::mark_read(&mut tx, county, id, now_us()).await?;
    }
    let out = repo::get(&mut tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}
