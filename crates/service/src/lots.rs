//! Lots after intake (issue 4, DESIGN §4 integrity): every custody hand-off is weighed, and a
//! loss beyond the product's tolerance opens an incident against whoever held the lot over that
//! leg; lots are merged onto pallets and split between buyers with their weight conserved
//! exactly (`core::lot`); and anyone with the label's code reads the lot's public trace, or its
//! EPCIS 2.0 export. Only the lot's current custodian may hand it on, merge or split it.

mod trace;

pub use trace::*;

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::{Deserialize, Serialize};
use uplink_core::lot::{self, LotCode};
use uplink_core::people::{Action, Role};
use uplink_core::validation::FieldError;
use uplink_core::*;
use uplink_store::lots::{self as repo, Incident, Lot, LotEvent, LotFilter};
use uplink_store::{Conn, Db, now_us};
use utoipa::{IntoParams, ToSchema};

/// Staff who handle lots: they see them all in their county.
const HANDLERS: &[Role] = &[Role::Operator, Role::Agent, Role::Driver, Role::Inspector];

/// The person the actor acts as when holding lots: their staff person in the county, or for a
/// platform admin the county's operator.
pub(crate) async fn holder(c: &mut Conn, actor: &Actor, county: CountyId) -> Result<PersonId> {
    if let Some(p) = crate::orders::person_as(actor, county, HANDLERS) {
        return Ok(p);
    }
    if actor.is_admin {
        return uplink_store::windows::county_operator(c, county).await?.ok_or(ServiceError::Forbidden);
    }
    Err(ServiceError::Forbidden)
}

/// Staff who may read lots and incidents: handlers and the auditor.
pub(crate) fn may_read(actor: &Actor, county: CountyId) -> Result<()> {
    actor.authorize(county, Action::ReadNetwork)?;
    let ok = actor.is_admin || actor.roles_in(county).iter().any(|r| HANDLERS.contains(r) || *r == Role::Auditor);
    if ok { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// Handlers only (writes).
pub(crate) fn may_handle(actor: &Actor, county: CountyId) -> Result<()> {
    actor.authorize(county, Action::ReadNetwork)?;
    if actor.is_admin || actor.roles_in(county).iter().any(|r| HANDLERS.contains(r)) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LotQuery {
    pub window_id: Option<WindowId>,
    /// Only the lots this person holds.
    pub custodian_id: Option<PersonId>,
}

pub async fn list_lots(db: &Db, actor: &Actor, county: CountyId, q: &LotQuery) -> Result<Vec<Lot>> {
    may_read(actor, county)?;
    let mut c = db.reader().await?;
    Ok(repo::list_lots(&mut c, county, &LotFilter { window: q.window_id, custodian: q.custodian_id }).await?)
}

/// A lot with its history and the photos of its produce.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LotDetail {
    pub lot: Lot,
    pub events: Vec<LotEvent>,
    #[serde(default)]
    pub photos: Vec<uplink_store::lot_photos::LotPhoto>,
}

pub async fn get_lot(db: &Db, actor: &Actor, county: CountyId, id: LotId) -> Result<LotDetail> {
    may_read(actor, county)?;
    let mut c = db.reader().await?;
    let lot = repo::get_lot(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let events = repo::events_of(&mut c, county, id).await?;
    let photos = uplink_store::lot_photos::photos_of(&mut c, county, id).await?;
    Ok(LotDetail { lot, events, photos })
}

pub async fn list_incidents(db: &Db, actor: &Actor, county: CountyId) -> Result<Vec<Incident>> {
    may_read(actor, county)?;
    let mut c = db.reader().await?;
    Ok(repo::list_incidents(&mut c, county, None).await?)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoffInput {
    /// Who takes the lot: a driver, the hub's operator, a station agent.
    pub to_person_id: PersonId,
    /// The weight measured as the lot changes hands, grams.
    pub weight_g: i64,
    /// Where, when the taker works at a hub (default: the county hub).
    pub hub_id: Option<HubId>,
    /// The grade the hub finds when it takes the lot (a code of the product's grade scheme);
    /// only at the hub.
    pub grade: Option<String>,
}

/// What a hand-off did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HandoffResult {
    pub lot: Lot,
    pub loss: lot::Loss,
    /// Opened when the leg lost more than the product tolerates.
    pub incident: Option<Incident>,
    /// The grade the hub found, when it graded the lot.
    pub hub_grade: Option<String>,
}

/// Where a person holds lots: a station agent at their station, a driver on their vehicle, the
/// operator at the hub.
async fn place_of(
    c: &mut Conn,
    county: CountyId,
    p: &uplink_core::records::Person,
    hub: Option<HubId>,
) -> Result<(String, String)> {
    match p.role {
        Role::Agent => {
            let st = match p.station_id {
                Some(s) => uplink_store::network::get_station(c, county, s).await?,
                None => None,
            };
            Ok(("station".into(), st.map(|s| s.code).unwrap_or_default()))
        }
        Role::Driver => Ok(("vehicle".into(), p.id.0.simple().to_string()[24..].to_uppercase())),
        _ => {
            let code = match hub {
                Some(h) => uplink_store::network::get_hub(c, county, h)
                    .await?
                    .map(|h| h.code)
                    .ok_or_else(|| FieldError::new("hub_id", "unknown-reference"))?,
                None => {
                    let page = uplink_store::row::PageReq { limit: 1, offset: 0 };
                    let (hubs, _) = uplink_store::network::list_hubs(c, county, "", page).await?;
                    hubs.first().map(|h| h.code.clone()).unwrap_or_default()
                }
            };
            Ok(("hub".into(), code))
        }
    }
}

/// The custodian hands the lot to the next one, who weighs it.
pub async fn handoff(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: LotId,
    input: HandoffInput,
    idem: Option<&IdemKey>,
) -> Result<HandoffResult> {
    may_handle(actor, county)?;
    let taken = lot::handoff_weight(input.weight_g).map_err(|e| e.under("weight_g"))?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let giver = holder(c, actor, county).await?;
    let l = repo::get_lot(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let to = uplink_store::people::get_person(c, county, input.to_person_id)
        .await?
        .filter(|p| HANDLERS.contains(&p.role))
        .ok_or_else(|| FieldError::new("to_person_id", "unknown-reference"))?;
    if l.custodian_id != giver || l.state != "active" {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot".into() });
    }
    if to.id == giver {
        return Err(FieldError::new("to_person_id", "same-custodian").into());
    }
    let from = uplink_store::people::get_person(c, county, giver).await?.ok_or(ServiceError::NotFound)?;
    let product = uplink_store::catalog::get_product(c, county, l.product_id).await?.ok_or(ServiceError::NotFound)?;
    let loss = lot::leg_loss(Grams(l.weight_g), taken, product.tolerance_bps);
    let (kind, code) = place_of(c, county, &to, input.hub_id).await?;
    let hub_grade = match input.grade.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => None,
        Some(_) if kind != "hub" => return Err(FieldError::new("grade", "grade-only-at-hub").into()),
        Some(g) if product.grades.iter().any(|x| x.code == g) => Some(g.to_string()),
        Some(_) => return Err(FieldError::new("grade", "unknown-grade").into()),
    };
    if !repo::move_lot(c, county, id, giver, l.weight_g, to.id, (&kind, &code), taken.0, "active").await? {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot".into() });
    }
    let now = now_us();
    let ev = LotEvent {
        seq: 0,
        kind: "handoff".into(),
        from_person: Some(giver),
        to_person: Some(to.id),
        from_role: Some(from.role.as_str().into()),
        to_role: Some(to.role.as_str().into()),
        place_kind: kind,
        place_code: code,
        weight_g: taken.0,
        loss_g: loss.loss_g,
        other_lot_id: None,
        order_id: None,
        at_us: now,
    };
    let seq = repo::add_event(c, county, id, &ev, Some(actor.user_id)).await?;
    if let Some(g) = &hub_grade {
        uplink_store::trust::set_hub_grade(c, county, id, seq, g).await?;
    }
    let incident = if loss.beyond_tolerance {
        let i = Incident {
            id: IncidentId::new(),
            lot_id: id,
            lot_code: l.code.clone(),
            event_seq: seq,
            // The giver held the lot over the leg that ends with this weighing.
            custodian_id: giver,
            kind: "weight_loss".into(),
            given_g: l.weight_g,
            taken_g: taken.0,
            loss_g: loss.loss_g,
            allowed_g: loss.allowed_g,
            state: "open".into(),
            opened_us: now,
        };
        repo::insert_incident(c, county, &i).await?;
        crate::notices::short_weight(c, county, &i).await?;
        Some(i)
    } else {
        None
    };
    let lot = repo::get_lot(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let out = HandoffResult { lot, loss, incident, hub_grade };
    w.commit(&out).await?;
    Ok(out)
}

/// A new lot code at the custodian's place, for a pallet or a split part.
async fn next_code(c: &mut Conn, county: CountyId, site: &str, now: i64) -> Result<LotCode> {
    let cty = uplink_store::network::get_county(c, county).await?.ok_or(ServiceError::NotFound)?;
    let date = time::local_date(now, &cty.time_zone);
    let site = if site.is_empty() { "HUB" } else { site };
    let prefix = format!("{}-{}-{}-", cty.code, site, date.replace('-', ""));
    let n = repo::count_with_prefix(c, county, &prefix).await?;
    Ok(LotCode::new(&cty.code, site, &date, n + 1)?)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// Two or more lots of one product and grade, all held by the caller.
    pub lot_ids: Vec<LotId>,
}

/// Several lots onto one pallet: the pallet weighs exactly their sum, and they are closed.
pub async fn merge(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: MergeInput,
    idem: Option<&IdemKey>,
) -> Result<LotDetail> {
    may_handle(actor, county)?;
    let mut ids = input.lot_ids.clone();
    ids.sort();
    ids.dedup();
    if ids.len() < 2 {
        return Err(FieldError::new("lot_ids", "too-few").arg("min", 2).into());
    }
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let me = holder(c, actor, county).await?;
    let mut lots = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let l = repo::get_lot(c, county, *id)
            .await?
            .ok_or_else(|| FieldError::new(format!("lot_ids[{i}]"), "unknown-reference"))?;
        lots.push(l);
    }
    if lots.iter().any(|l| l.custodian_id != me || l.state != "active") {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot_ids".into() });
    }
    let first = &lots[0];
    if lots.iter().any(|l| l.product_id != first.product_id || l.grade != first.grade || l.window_id != first.window_id)
    {
        return Err(FieldError::new("lot_ids", "mixed-lots").into());
    }
    let total = lot::merged_weight(&lots.iter().map(|l| Grams(l.weight_g)).collect::<Vec<_>>())?;
    let now = now_us();
    let code = next_code(c, county, &first.place_code, now).await?;
    let pallet = Lot {
        id: LotId::new(),
        code: code.to_string(),
        farmer_id: None,
        origin_village_id: None,
        origin_village_name: None,
        station_id: None,
        gross_g: None,
        tare_g: None,
        grade_reason: None,
        certificate_no: None,
        harvest_date: first.harvest_date.clone(),
        farmer_price_fen: None,
        payout_fen: None,
        made_g: total.0,
        weight_g: total.0,
        state: "active".into(),
        made_us: now,
        ..first.clone()
    };
    repo::insert_lot(c, &pallet).await?;
    for l in &lots {
        if !repo::move_lot(c, county, l.id, me, l.weight_g, me, (&l.place_kind, &l.place_code), l.weight_g, "merged")
            .await?
        {
            return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot_ids".into() });
        }
        for (on, kind, other) in [(l.id, "merged_into", pallet.id), (pallet.id, "merged_from", l.id)] {
            let ev = LotEvent {
                seq: 0,
                kind: kind.into(),
                from_person: Some(me),
                to_person: Some(me),
                from_role: None,
                to_role: None,
                place_kind: l.place_kind.clone(),
                place_code: l.place_code.clone(),
                weight_g: l.weight_g,
                loss_g: 0,
                other_lot_id: Some(other),
                order_id: None,
                at_us: now,
            };
            repo::add_event(c, county, on, &ev, Some(actor.user_id)).await?;
        }
    }
    let events = repo::events_of(c, county, pallet.id).await?;
    let lot = repo::get_lot(c, county, pallet.id).await?.ok_or(ServiceError::NotFound)?;
    // A pallet is new: its photos are its lots' own.
    let out = LotDetail { lot, events, photos: vec![] };
    w.commit(&out).await?;
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitInput {
    /// The weight of each new lot, grams; together at most what the lot holds.
    pub parts: Vec<i64>,
}

/// What a split made: the lot (holding what stayed) and its new parts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SplitResult {
    pub lot: Lot,
    pub parts: Vec<Lot>,
}

/// One lot into several (for several buyers): the parts and what stays add up to what it held.
pub async fn split(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: LotId,
    input: SplitInput,
    idem: Option<&IdemKey>,
) -> Result<SplitResult> {
    may_handle(actor, county)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let me = holder(c, actor, county).await?;
    let l = repo::get_lot(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if l.custodian_id != me || l.state != "active" {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot".into() });
    }
    let stays = lot::split_off(Grams(l.weight_g), &input.parts)?;
    let now = now_us();
    let state = if stays.0 == 0 { "used" } else { "active" };
    if !repo::move_lot(c, county, id, me, l.weight_g, me, (&l.place_kind, &l.place_code), stays.0, state).await? {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot".into() });
    }
    let mut parts = Vec::new();
    for g in &input.parts {
        let code = next_code(c, county, &l.place_code, now).await?;
        let part = Lot {
            id: LotId::new(),
            code: code.to_string(),
            made_g: *g,
            weight_g: *g,
            state: "active".into(),
            made_us: now,
            payout_fen: None,
            ..l.clone()
        };
        repo::insert_lot(c, &part).await?;
        for (on, kind, other) in [(id, "split_into", part.id), (part.id, "split_from", id)] {
            let ev = LotEvent {
                seq: 0,
                kind: kind.into(),
                from_person: Some(me),
                to_person: Some(me),
                from_role: None,
                to_role: None,
                place_kind: l.place_kind.clone(),
                place_code: l.place_code.clone(),
                weight_g: *g,
                loss_g: 0,
                other_lot_id: Some(other),
                order_id: None,
                at_us: now,
            };
            repo::add_event(c, county, on, &ev, Some(actor.user_id)).await?;
        }
        parts.push(repo::get_lot(c, county, part.id).await?.ok_or(ServiceError::NotFound)?);
    }
    let lot = repo::get_lot(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let out = SplitResult { lot, parts };
    w.commit(&out).await?;
    Ok(out)
}
