//! Claims and their decisions. A buyer who received goods claims within the county's window; a
//! claim on goods not yet accepted holds their escrow (the order is disputed). The seller, or the
//! agent for them, answers. An inspector or the operator decides, and the money moves at once:
//! from escrow while it is held, otherwise from the seller's wallet, which may go below zero only
//! down to the county's limit. Either side may appeal until the appeal window closes.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::notices::{self, ClaimStep};
use crate::order_moves::{accept_and_settle_amount, refund_target, step};
use crate::orders::{person_as, standings};
use crate::paging::{ListQuery, Page};
use serde::Deserialize;
use uplink_core::ledger::{AccountKey, TransferCode};
use uplink_core::order::{OrderEvent, OrderState};
use uplink_core::order_access::Standing;
use uplink_core::people::{Action, Role};
use uplink_core::trust::{ClaimKind, Outcome, refund_fen};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::claims::{self as repo, Claim, ClaimLine};
use uplink_store::orders::{self as orders_repo, Stamp};
use uplink_store::{Db, ledger as books, now_us};
use utoipa::ToSchema;

/// Largest photo accepted as evidence (the one rule of `core::photo`).
pub use uplink_core::photo::MAX_BYTES as MAX_EVIDENCE_BYTES;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    /// quality_below_grade, short_weight, wrong_item, damaged or not_received.
    pub kind: String,
    /// The lines concerned and how many units of each.
    pub lines: Vec<ClaimLineInput>,
    /// What the buyer weighed, grams (short weight).
    pub measured_weight_g: Option<i64>,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimLineInput {
    pub line_no: i64,
    pub units: i64,
}

fn text(field: &str, raw: &str) -> Result<String> {
    Ok(uplink_core::text::name(raw, uplink_core::text::NOTE_MAX).map_err(|e| e.under(field))?)
}

/// The buyer opens a claim on an order they received.
pub async fn open(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    order: OrderId,
    input: ClaimInput,
    idem: Option<&IdemKey>,
) -> Result<Claim> {
    open_with_photo(db, actor, county, order, input, None, idem).await
}

/// The buyer opens a claim with a photo of the goods (the shop's claim form): the photo passes
/// the same checks as [`add_evidence`], and the claim and its photo are stored together or not
/// at all.
pub async fn open_with_photo(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    order: OrderId,
    input: ClaimInput,
    photo: Option<&[u8]>,
    idem: Option<&IdemKey>,
) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let mut o = orders_repo::get_order(c, county, order).await?.ok_or(ServiceError::NotFound)?;
    let s = standings(actor, &o);
    if !s.contains(&Standing::Buyer) {
        // Another buyer's order is not even confirmed to exist.
        return Err(ServiceError::NotFound);
    }
    let settings = orders_repo::settings(c, county).await?;
    let now = now_us();
    match (o.state, o.delivered_us) {
        (OrderState::Delivered | OrderState::Settled | OrderState::Disputed, Some(d))
            if now <= d + settings.claim_window_us() => {}
        (OrderState::Delivered | OrderState::Settled | OrderState::Disputed, Some(_)) => {
            return Err(ServiceError::Conflict { kind: "claim-window-closed", field: "order".into() });
        }
        _ => return Err(ServiceError::Conflict { kind: "not-delivered", field: "order".into() }),
    }
    let mut ck = Checker::new();
    let kind = ck.take("kind", ClaimKind::parse(&input.kind));
    let description = match text("description", &input.description) {
        Ok(d) => Some(d),
        Err(ServiceError::Invalid(i)) => {
            i.0.into_iter().for_each(|e| ck.push(e));
            None
        }
        Err(e) => return Err(e),
    };
    if input.lines.is_empty() {
        ck.push(FieldError::new("lines", "required"));
    }
    let mut claimed: i64 = 0;
    let mut lines = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let Some(ol) = o.lines.iter().find(|x| x.line_no == l.line_no) else {
            ck.push(FieldError::new(format!("lines[{i}].line_no"), "unknown-reference"));
            continue;
        };
        if l.units <= 0 || l.units > ol.units {
            ck.push(FieldError::new(format!("lines[{i}].units"), "out-of-range").arg("min", 1).arg("max", ol.units));
            continue;
        }
        claimed += l.units * ol.unit_price_fen;
        lines.push(ClaimLine { line_no: l.line_no, units: l.units });
    }
    if let Some(g) = input.measured_weight_g
        && g < 0
    {
        ck.push(FieldError::new("measured_weight_g", "out-of-range").arg("min", 0).arg("max", o.weight_g));
    }
    let photo_type = match photo {
        Some(bytes) => match uplink_core::photo::check(bytes) {
            Ok(t) => Some((t, bytes)),
            Err(e) => {
                ck.push(e);
                None
            }
        },
        None => None,
    };
    ck.finish()?;
    let (Some(kind), Some(description)) = (kind, description) else { return Err(crate::network::incomplete()) };
    let claim = Claim {
        id: uuid::Uuid::now_v7().to_string(),
        county_id: county,
        order_id: o.id,
        buyer_id: o.buyer_id,
        seller_id: o.seller_id,
        kind,
        state: "open".into(),
        claimed_fen: claimed,
        measured_weight_g: input.measured_weight_g,
        description,
        lines,
        opened_us: now,
        answer: None,
        answered_us: None,
        outcome: None,
        refund_fen: None,
        decision_reason: None,
        decided_us: None,
        final_us: None,
        evidence: vec![],
    };
    repo::insert_claim(c, &claim, actor.user_id).await.map_err(|e| match e {
        // A line already claimed: one claim per line.
        uplink_store::StoreError::Duplicate { .. } => {
            ServiceError::Conflict { kind: "line-already-claimed", field: "lines".into() }
        }
        other => other.into(),
    })?;
    if o.state == OrderState::Delivered {
        // The escrow stays held while the claim is open: no acceptance, automatic or not.
        step(c, Some(actor), &mut o, OrderEvent::Dispute, Some("claim"), &Stamp::default(), now).await?;
    }
    let claim = match photo_type {
        Some((content_type, bytes)) => {
            repo::add_evidence(c, county, &claim.id, "buyer", actor.user_id, content_type, bytes, now).await?;
            repo::get_claim(c, county, &claim.id).await?.ok_or(ServiceError::NotFound)?
        }
        None => claim,
    };
    notices::claim_step(c, &claim, ClaimStep::Opened).await?;
    w.commit(&claim).await?;
    Ok(claim)
}

/// How the actor stands to a claim: the buyer, the seller (or the agent of the seller's
/// village station acting for them), or staff who decide.
async fn side(c: &mut uplink_store::Conn, actor: &Actor, claim: &Claim) -> Result<Option<&'static str>> {
    let me = |roles: &[Role]| person_as(actor, claim.county_id, roles);
    if me(&[Role::Buyer, Role::Farmer, Role::Coop]) == Some(claim.buyer_id) {
        return Ok(Some("buyer"));
    }
    if me(&[Role::Supplier, Role::Farmer, Role::Coop]) == Some(claim.seller_id) {
        return Ok(Some("seller"));
    }
    if let Some(agent) = me(&[Role::Agent]) {
        let a = uplink_store::people::get_person(c, claim.county_id, agent).await?;
        let seller = uplink_store::people::get_person(c, claim.county_id, claim.seller_id).await?;
        if let (Some(a), Some(s)) = (a, seller)
            && let (Some(st), Some(v)) = (a.station_id, s.village_id)
            && uplink_store::network::get_station(c, claim.county_id, st).await?.is_some_and(|x| x.village_id == v)
        {
            return Ok(Some("seller"));
        }
    }
    Ok(None)
}

fn is_decider(actor: &Actor, county: CountyId) -> bool {
    actor.is_admin || actor.roles_in(county).iter().any(|r| matches!(r, Role::Operator | Role::Inspector))
}

fn is_staff(actor: &Actor, county: CountyId) -> bool {
    is_decider(actor, county) || actor.roles_in(county).contains(&Role::Auditor)
}

pub async fn get(db: &Db, actor: &Actor, county: CountyId, id: &str) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    let claim = repo::get_claim(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if !is_staff(actor, county) && side(&mut c, actor, &claim).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    Ok(claim)
}

/// The claims on an order, for its parties and staff (the order's page shows them).
pub async fn of_order(db: &Db, actor: &Actor, county: CountyId, order: OrderId) -> Result<Vec<Claim>> {
    crate::orders::get_order(db, actor, county, order).await?;
    let mut c = db.reader().await?;
    Ok(repo::claims_of_order(&mut c, county, order).await?)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    /// open, answered, decided, appealed or final.
    pub state: Option<String>,
}

/// The queue: staff see every claim of the county; a party sees their own.
pub async fn list(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery, cq: &ClaimQuery) -> Result<Page<Claim>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let p = q.page()?;
    let party = if is_staff(actor, county) {
        None
    } else {
        match person_as(actor, county, &[Role::Buyer, Role::Farmer, Role::Coop, Role::Supplier]) {
            Some(me) => Some(me),
            None => return Ok(Page { items: vec![], total: 0, limit: p.limit, offset: p.offset }),
        }
    };
    let mut c = db.reader().await?;
    let (items, total) = repo::list_claims(&mut c, county, party, cq.state.as_deref(), p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub answer: String,
}

/// The seller (or the agent for them) answers.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: &str,
    input: AnswerInput,
    idem: Option<&IdemKey>,
) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    let text = text("answer", &input.answer)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let claim = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    match side(c, actor, &claim).await? {
        Some("seller") => {}
        Some(_) => return Err(ServiceError::Forbidden),
        None if is_staff(actor, county) => return Err(ServiceError::Forbidden),
        None => return Err(ServiceError::NotFound),
    }
    if !repo::answer(c, county, id, &text, actor.user_id, now_us()).await? {
        return Err(ServiceError::Conflict { kind: "claim-not-open", field: "claim".into() });
    }
    let out = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    notices::claim_step(c, &out, ClaimStep::Answered).await?;
    w.commit(&out).await?;
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// reject, partial_refund, full_refund or replacement.
    pub outcome: String,
    /// For a partial refund: the share of the claimed goods' value, basis points (3000 = 30 %).
    pub refund_bps: Option<i64>,
    /// Why, in the decider's words; both sides see it.
    pub reason: String,
}

/// An inspector or the operator decides; the money moves in the same transaction.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: &str,
    input: DecisionInput,
    idem: Option<&IdemKey>,
) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    if !is_decider(actor, county) {
        return Err(ServiceError::Forbidden);
    }
    let mut ck = Checker::new();
    let outcome = ck.take("outcome", Outcome::parse(&input.outcome));
    let reason = ck.take("reason", uplink_core::text::name(&input.reason, uplink_core::text::NOTE_MAX));
    ck.finish()?;
    let (Some(outcome), Some(reason)) = (outcome, reason) else { return Err(crate::network::incomplete()) };
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let claim = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if !matches!(claim.state.as_str(), "open" | "answered" | "appealed") {
        return Err(ServiceError::Conflict { kind: "claim-already-decided", field: "claim".into() });
    }
    let refund = refund_fen(outcome, claim.claimed_fen, input.refund_bps)?;
    // On appeal only a larger refund moves money: the difference.
    let already = claim.refund_fen.unwrap_or(0);
    if claim.state == "appealed" && refund < already {
        return Err(FieldError::new("outcome", "appeal-cannot-reduce").arg("min", already).into());
    }
    let to_pay = refund - already;
    let mut o = orders_repo::get_order(c, county, claim.order_id).await?.ok_or(ServiceError::NotFound)?;
    let target = refund_target(&o)?;
    let now = now_us();
    let settings = orders_repo::settings(c, county).await?;
    if to_pay > 0 {
        let key = format!("claim:{id}:{}", claim.decided_us.unwrap_or(0));
        if o.state == OrderState::Disputed {
            crate::ledger::refund(c, county, o.id, target, Fen(to_pay), &key).await?;
        } else {
            // After settlement the seller pays it back, down to the county's limit.
            let wallet = AccountKey::Wallet(o.seller_id);
            books::set_floor(c, county, wallet, Fen(-settings.seller_debt_limit_fen)).await?;
            let posting = books::Posting {
                debit: wallet,
                credit: target,
                amount: Fen(to_pay),
                code: TransferCode::Refund,
                order: Some(o.id),
                reference: id,
                idem: &key,
            };
            crate::ledger::post(c, county, &posting).await.map_err(|e| match e {
                ServiceError::Invalid(_) => {
                    ServiceError::Conflict { kind: "seller-debt-limit", field: "outcome".into() }
                }
                other => other,
            })?;
        }
    }
    // With other claims on the order still open, the escrow stays held for them.
    let others_open = repo::open_claims_on(c, county, o.id).await? > 1;
    if o.state == OrderState::Disputed && !others_open {
        let left = o.total_fen - repo::refunded_on(c, county, o.id).await? - to_pay;
        if left > 0 {
            step(c, Some(actor), &mut o, OrderEvent::Resolve, Some(outcome.as_str()), &Stamp::default(), now).await?;
            accept_and_settle_amount(c, Some(actor), &mut o, Some("claim decided"), now, left).await?;
        } else {
            step(c, Some(actor), &mut o, OrderEvent::Return, Some(outcome.as_str()), &Stamp::default(), now).await?;
        }
    }
    if !repo::decide(c, county, id, outcome, refund, &reason, actor.user_id, now, now + settings.appeal_window_us())
        .await?
    {
        return Err(ServiceError::Conflict { kind: "claim-already-decided", field: "claim".into() });
    }
    let out = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    notices::claim_step(c, &out, ClaimStep::Decided).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// Either side appeals a decision before it is final.
pub async fn appeal(db: &Db, actor: &Actor, county: CountyId, id: &str, idem: Option<&IdemKey>) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let claim = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if side(c, actor, &claim).await?.is_none() {
        return Err(if is_staff(actor, county) { ServiceError::Forbidden } else { ServiceError::NotFound });
    }
    if !repo::appeal(c, county, id, now_us()).await? {
        return Err(ServiceError::Conflict { kind: "claim-not-appealable", field: "claim".into() });
    }
    let out = repo::get_claim(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    notices::claim_step(c, &out, ClaimStep::Appealed).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// Makes every decided claim whose appeal window has closed by `now` final, each in its own
/// transaction with its notices; returns how many. The scheduled work calls it.
pub async fn finalize_due(db: &Db, now: i64) -> Result<usize> {
    let mut done = 0;
    loop {
        let due = {
            let mut c = db.reader().await?;
            repo::due_final(&mut c, now, 100).await?
        };
        let n = due.len();
        for (county, id) in due {
            let mut tx = db.begin().await?;
            // Appealed meanwhile, or made final by another worker: nothing to do.
            if repo::make_final(&mut tx, county, &id, now).await?
                && let Some(claim) = repo::get_claim(&mut tx, county, &id).await?
            {
                notices::claim_step(&mut tx, &claim, ClaimStep::Final).await?;
                done += 1;
            }
            tx.commit().await?;
        }
        if n < 100 {
            return Ok(done);
        }
    }
}

/// Stores a photo as evidence for the actor's side. JPEG, PNG or WebP, up to 5 MB, checked by
/// their first bytes rather than trusted from the header.
pub async fn add_evidence(db: &Db, actor: &Actor, county: CountyId, id: &str, bytes: &[u8]) -> Result<Claim> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut tx = db.begin().await?;
    // Who may add to this claim comes first: a stranger learns nothing about the file rules.
    let claim = repo::get_claim(&mut tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let Some(side) = side(&mut tx, actor, &claim).await? else {
        return Err(if is_staff(actor, county) { ServiceError::Forbidden } else { ServiceError::NotFound });
    };
    let content_type = uplink_core::photo::check(bytes)?;
    repo::add_evidence(&mut tx, county, id, side, actor.user_id, content_type, bytes, now_us()).await?;
    let out = repo::get_claim(&mut tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

pub async fn evidence(db: &Db, actor: &Actor, county: CountyId, id: &str, evidence: &str) -> Result<(String, Vec<u8>)> {
    get(db, actor, county, id).await?;
    let mut c = db.reader().await?;
    repo::evidence_bytes(&mut c, county, id, evidence).await?.ok_or(ServiceError::NotFound)
}

/// The deciders' queue: claims waiting for a decision and short-weight incidents from the
/// hand-offs, each against the custodian of its leg, side by side.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, ToSchema)]
pub struct TrustQueue {
    pub claims: Vec<Claim>,
    pub incidents: Vec<uplink_store::lots::Incident>,
}

pub async fn queue(db: &Db, actor: &Actor, county: CountyId) -> Result<TrustQueue> {
    actor.authorize(county, Action::ReadNetwork)?;
    if !is_staff(actor, county) {
        return Err(ServiceError::Forbidden);
    }
    let mut c = db.reader().await?;
    let mut claims = Vec::new();
    for state in ["open", "answered", "appealed"] {
        let (mut x, _) =
            repo::list_claims(&mut c, county, None, Some(state), uplink_store::row::PageReq { limit: 200, offset: 0 })
                .await?;
        claims.append(&mut x);
    }
    claims.sort_by_key(|x| x.opened_us);
    let incidents = uplink_store::lots::list_incidents(&mut c, county, None)
        .await?
        .into_iter()
        .filter(|i| i.state == "open")
        .collect();
    Ok(TrustQueue { claims, incidents })
}
