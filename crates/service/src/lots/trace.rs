//! A lot's public trace (what its label's QR code opens, without a login) and its GS1 EPCIS 2.0
//! export: roles and places instead of names, a split part's or pallet's sources first.

use crate::error::{Result, ServiceError};
use serde::{Deserialize, Serialize};
use uplink_core::epcis::{self, Step, TraceEvent};
use uplink_core::lot::LotCode;
use uplink_core::*;
use uplink_store::lots::{self as repo, LotEvent};
use uplink_store::{Conn, Db};
use utoipa::ToSchema;

/// One step of the public trace: roles and places, never names or phones.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TraceStep {
    pub kind: String,
    pub from_role: Option<String>,
    pub to_role: Option<String>,
    pub place_kind: String,
    pub place_code: String,
    pub weight_g: i64,
    pub loss_g: i64,
    /// The other lot of a merge or split.
    pub other_lot_code: Option<String>,
    pub at_us: i64,
    /// The lot this step happened to (an ancestor's steps are part of the trace).
    pub lot_code: String,
}

/// What anyone with the label's code may read.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicTrace {
    pub code: String,
    pub county_name: String,
    pub county_code: String,
    pub time_zone: String,
    pub product_name: String,
    pub product_name_en: Option<String>,
    pub grade: String,
    pub origin_village: Option<String>,
    pub harvest_date: Option<String>,
    pub intake_date: String,
    pub certificate_no: Option<String>,
    pub weight_g: i64,
    pub steps: Vec<TraceStep>,
    /// Photos of the produce: the lot's own, and its sources' (a split part shows the photo
    /// taken at intake of the lot it came from).
    #[serde(default)]
    pub photos: Vec<TracePhoto>,
}

/// A photo on the public trace, named by the lot it was taken of.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TracePhoto {
    pub lot_code: String,
    pub photo_id: String,
}

async fn trace_photos(c: &mut Conn, county: CountyId, lot: LotId, code: &str) -> Result<Vec<TracePhoto>> {
    let all = uplink_store::lot_photos::photos_of(c, county, lot).await?;
    Ok(all.into_iter().map(|p| TracePhoto { lot_code: code.to_string(), photo_id: p.id }).collect())
}

/// The public trace of a lot by its printed code; no login. Unknown or malformed codes are
/// `NotFound` alike. A lot split from another, or a pallet, shows its sources' steps first.
pub async fn public_trace(db: &Db, raw_code: &str) -> Result<PublicTrace> {
    let code = LotCode::parse(raw_code).map_err(|_| ServiceError::NotFound)?;
    let mut c = db.reader().await?;
    let l = repo::find_by_code(&mut c, code.as_str()).await?.ok_or(ServiceError::NotFound)?;
    let county = uplink_store::network::get_county(&mut c, l.county_id).await?.ok_or(ServiceError::NotFound)?;
    let product =
        uplink_store::catalog::get_product(&mut c, l.county_id, l.product_id).await?.ok_or(ServiceError::NotFound)?;
    let mut steps = Vec::new();
    let mut photos = Vec::new();
    // Sources first: a split part's parent, a pallet's lots (one level; their own sources are
    // on their own trace pages).
    let own = repo::events_of(&mut c, l.county_id, l.id).await?;
    let mut origin = l.clone();
    for e in &own {
        if matches!(e.kind.as_str(), "split_from" | "merged_from")
            && let Some(src) = e.other_lot_id
            && let Some(sl) = repo::get_lot(&mut c, l.county_id, src).await?
        {
            if origin.farmer_id.is_none() {
                origin = sl.clone();
            }
            photos.extend(trace_photos(&mut c, l.county_id, sl.id, &sl.code).await?);
            for se in repo::events_of(&mut c, l.county_id, src).await? {
                if se.at_us > e.at_us || (se.kind != "intake" && se.kind != "handoff") {
                    continue;
                }
                steps.push(trace_step(&mut c, l.county_id, &sl.code, &se).await?);
            }
        }
    }
    for e in &own {
        steps.push(trace_step(&mut c, l.county_id, &l.code, e).await?);
    }
    steps.sort_by_key(|s| s.at_us);
    photos.extend(trace_photos(&mut c, l.county_id, l.id, &l.code).await?);
    let intake_date = time::local_date(origin.made_us, &county.time_zone);
    Ok(PublicTrace {
        code: l.code.clone(),
        county_name: county.name,
        county_code: county.code,
        time_zone: county.time_zone,
        product_name: product.name,
        product_name_en: product.name_en,
        grade: l.grade.clone(),
        origin_village: origin.origin_village_name.clone(),
        harvest_date: origin.harvest_date.clone(),
        intake_date,
        certificate_no: origin.certificate_no.clone(),
        weight_g: l.weight_g,
        steps,
        photos,
    })
}

async fn trace_step(c: &mut Conn, county: CountyId, code: &str, e: &LotEvent) -> Result<TraceStep> {
    let other = match e.other_lot_id {
        Some(o) => repo::get_lot(c, county, o).await?.map(|l| l.code),
        None => None,
    };
    Ok(TraceStep {
        kind: e.kind.clone(),
        from_role: e.from_role.clone(),
        to_role: e.to_role.clone(),
        place_kind: e.place_kind.clone(),
        place_code: e.place_code.clone(),
        weight_g: e.weight_g,
        loss_g: e.loss_g,
        other_lot_code: other,
        at_us: e.at_us,
        lot_code: code.to_string(),
    })
}

/// The trace as EPCIS 2.0 events (`core::epcis`): commissioning at intake, shipping and
/// receiving at each hand-off (and shipping to the buyer at a fill), packing plus a
/// transformation at a merge, a transformation at a split.
pub fn epcis_document(t: &PublicTrace, now: i64) -> epcis::Document {
    let place = |kind: &str, code: &str| epcis::place_uri(&t.county_code, kind, code);
    let mut events = Vec::new();
    let mut last: std::collections::HashMap<String, (String, String, i64)> = Default::default();
    for s in &t.steps {
        let lot = epcis::lot_uri(&s.lot_code);
        let ev = |step: Step, rp: String, q: Vec<(String, Grams)>| TraceEvent {
            step,
            at_us: s.at_us,
            zone: t.time_zone.clone(),
            read_point: rp,
            quantities: q,
        };
        match s.kind.as_str() {
            "intake" => events.push(ev(
                Step::Commissioning,
                place(&s.place_kind, &s.place_code),
                vec![(lot.clone(), Grams(s.weight_g))],
            )),
            "handoff" | "fill" => {
                let (pk, pc, given) =
                    last.get(&s.lot_code).cloned().unwrap_or((s.place_kind.clone(), s.place_code.clone(), s.weight_g));
                events.push(ev(
                    Step::Shipping,
                    place(&pk, &pc),
                    vec![(lot.clone(), Grams(if s.kind == "fill" { s.weight_g } else { given }))],
                ));
                if s.kind == "handoff" {
                    events.push(ev(
                        Step::Receiving,
                        place(&s.place_kind, &s.place_code),
                        vec![(lot.clone(), Grams(s.weight_g))],
                    ));
                }
            }
            "merged_into" | "merged_from" => {
                let other = epcis::lot_uri(s.other_lot_code.as_deref().unwrap_or(""));
                let (child, pallet) = if s.kind == "merged_into" { (lot.clone(), other) } else { (other, lot.clone()) };
                let q = vec![(child.clone(), Grams(s.weight_g))];
                events.push(ev(
                    Step::Packing { parent: pallet.clone() },
                    place(&s.place_kind, &s.place_code),
                    q.clone(),
                ));
                events.push(ev(
                    Step::Transformation { inputs: q },
                    place(&s.place_kind, &s.place_code),
                    vec![(pallet, Grams(s.weight_g))],
                ));
            }
            "split_into" | "split_from" => {
                let other = epcis::lot_uri(s.other_lot_code.as_deref().unwrap_or(""));
                let (parent, part) = if s.kind == "split_into" { (lot.clone(), other) } else { (other, lot.clone()) };
                events.push(ev(
                    Step::Transformation { inputs: vec![(parent, Grams(s.weight_g))] },
                    place(&s.place_kind, &s.place_code),
                    vec![(part, Grams(s.weight_g))],
                ));
            }
            _ => {}
        }
        last.insert(s.lot_code.clone(), (s.place_kind.clone(), s.place_code.clone(), s.weight_g));
    }
    epcis::document(&events, now, &t.time_zone)
}
