//! A driver's stop: what was dropped or collected, for which order or lot, and what it weighed
//! on the driver's scale. Recorded against the plan's route sheet, so the expected weight is the
//! sheet's. Issue 4's custody hand-offs read these rows (station → driver, driver → hub) and open
//! an incident when the weight falls short beyond the product's tolerance.

use super::plans::driver_only;
use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::Deserialize;
use uplink_core::people::Action;
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::Db;
use uplink_store::dispatch::{self as repo, StopRecord};
use utoipa::ToSchema;

/// What the driver weighed at a stop.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopInput {
    /// The vehicle's code, as on the sheet.
    pub vehicle: Option<String>,
    /// The stop's number on the sheet, from 1.
    pub stop: Option<i64>,
    /// The order number (or lot code) handed over, as on the sheet.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Weight handed over, in grams.
    pub weight_g: Option<i64>,
}

/// Heavier than any truck carries in one hand-over: a typo, not a sack.
const MAX_WEIGHT_G: i64 = 100_000_000;

pub async fn record_stop(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    plan: PlanId,
    input: StopInput,
    idem: Option<&IdemKey>,
) -> Result<StopRecord> {
    actor.authorize(county, Action::RecordStop)?;
    let mut ck = Checker::new();
    let need = |ck: &mut Checker, f: &str, present: bool| {
        if !present {
            ck.push(FieldError::new(f, "required"));
        }
    };
    need(&mut ck, "vehicle", input.vehicle.is_some());
    need(&mut ck, "stop", input.stop.is_some());
    need(&mut ck, "ref", input.reference.is_some());
    need(&mut ck, "weight_g", input.weight_g.is_some());
    if let Some(w) = input.weight_g
        && !(0..=MAX_WEIGHT_G).contains(&w)
    {
        ck.push(FieldError::new("weight_g", "out-of-range").arg("min", 0).arg("max", MAX_WEIGHT_G));
    }
    ck.finish()?;
    let (vehicle, stop_no, reference, weight_g) = match (&input.vehicle, input.stop, &input.reference, input.weight_g) {
        (Some(v), Some(s), Some(r), Some(w)) => (v.trim().to_string(), s, r.trim().to_string(), w),
        _ => return Err(FieldError::new("", "required").into()),
    };
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let row = repo::get_plan(&mut w.tx, county, plan).await?.ok_or(ServiceError::NotFound)?;
    let report: serde_json::Value = serde_json::from_str(&row.report)
        .map_err(|e| ServiceError::Store(uplink_store::StoreError::Corrupt(format!("plan report unreadable: {e}"))))?;
    let sheets: Vec<uplink_logistics::RouteSheet> = serde_json::from_value(report["plan"]["sheets"].clone())
        .map_err(|e| ServiceError::Store(uplink_store::StoreError::Corrupt(format!("plan sheets unreadable: {e}"))))?;
    let sheet =
        sheets.iter().find(|s| s.vehicle == vehicle).ok_or_else(|| FieldError::new("vehicle", "unknown-reference"))?;
    if let Some(me) = driver_only(actor, county) {
        let fleet = repo::list_vehicles(&mut w.tx, county).await?;
        let driver = fleet.iter().find(|v| v.code == vehicle).and_then(|v| v.driver_id);
        if me.is_none() || driver != me {
            return Err(ServiceError::Forbidden);
        }
    }
    let at = usize::try_from(stop_no - 1)
        .ok()
        .and_then(|i| sheet.stops.get(i))
        .ok_or_else(|| FieldError::new("stop", "out-of-range").arg("min", 1).arg("max", sheet.stops.len()))?;
    let found = [("drop", &at.drop), ("collect", &at.collect)].into_iter().find_map(|(kind, hs)| {
        hs.iter().flat_map(|h| h.orders.iter()).find(|o| o.id == reference).map(|o| (kind, o.weight_g))
    });
    let (handoff, expected) = found.ok_or_else(|| FieldError::new("ref", "not-at-this-stop"))?;
    let rec = StopRecord {
        id: StopRecordId::new(),
        plan_id: plan,
        vehicle,
        stop: stop_no,
        place: at.place.clone(),
        handoff: handoff.to_string(),
        reference,
        expected_weight_g: expected,
        weight_g,
        recorded_by: actor.user_id,
        recorded_us: uplink_store::now_us(),
    };
    repo::insert_stop_record(&mut w.tx, county, &rec).await?;
    w.commit(&rec).await?;
    Ok(rec)
}
