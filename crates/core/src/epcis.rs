//! A lot's trace as a GS1 EPCIS 2.0 JSON-LD document, so a buyer's or a regulator's system can
//! read it without knowing Uplink. Intake is an `ObjectEvent` (bizStep `commissioning`), each
//! custody hand-off a pair of `ObjectEvent`s (`shipping` by the giver, `receiving` by the
//! taker), a merge into a pallet an `AggregationEvent` (`packing`) plus a `TransformationEvent`
//! (`repackaging`), and a split a `TransformationEvent`. Quantities are in kilograms (`KGM`).
//!
//! Identifiers: Uplink's lots have no GS1 company prefix of their own, so a lot is named
//! `urn:uplink:lot:<lot code>` (used as the `epcClass` of quantities and as the `parentID` of a
//! pallet), and a place `urn:uplink:place:<county code>:<kind>:<code>`. Both are URIs, which is
//! all EPCIS 2.0 requires of them.

use crate::weight::Grams;
use serde::{Serialize, Serializer};

pub const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The URI of a lot in EPCIS documents.
pub fn lot_uri(code: &str) -> String {
    format!("urn:uplink:lot:{code}")
}

/// The URI of a place (`station`, `hub`, `drop_point`, `vehicle`).
pub fn place_uri(county_code: &str, kind: &str, code: &str) -> String {
    format!("urn:uplink:place:{county_code}:{kind}:{code}")
}

/// What happened to the lot, in EPCIS terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Taken in at a station: the lot comes into being.
    Commissioning,
    /// Handed on by its custodian.
    Shipping,
    /// Taken over by the next custodian, weighed.
    Receiving,
    /// Lots packed onto a pallet (`parent` = the pallet).
    Packing { parent: String },
    /// Lots turned into other lots (merge or split): `inputs` → `outputs`.
    Transformation { inputs: Vec<(String, Grams)> },
}

/// One event of a lot's trace, as the service reads it from the lot's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEvent {
    pub step: Step,
    pub at_us: i64,
    /// The county's time zone, for `eventTimeZoneOffset`.
    pub zone: String,
    pub read_point: String,
    /// The lots and weights observed (for a transformation: its outputs).
    pub quantities: Vec<(String, Grams)>,
}

/// A weight in kilograms, written as a JSON number with at most three decimals (whole grams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kg(pub Grams);

impl Serialize for Kg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Grams below 2^53 are exact in an f64 and print back as at most three decimals.
        s.serialize_f64(self.0.0 as f64 / 1000.0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Quantity {
    #[serde(rename = "epcClass")]
    pub epc_class: String,
    pub quantity: Kg,
    pub uom: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadPoint {
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "eventTime")]
    pub event_time: String,
    #[serde(rename = "eventTimeZoneOffset")]
    pub event_time_zone_offset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
    #[serde(rename = "bizStep")]
    pub biz_step: &'static str,
    #[serde(rename = "readPoint")]
    pub read_point: ReadPoint,
    #[serde(rename = "parentID", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(rename = "quantityList", skip_serializing_if = "Option::is_none")]
    pub quantity_list: Option<Vec<Quantity>>,
    #[serde(rename = "childQuantityList", skip_serializing_if = "Option::is_none")]
    pub child_quantity_list: Option<Vec<Quantity>>,
    #[serde(rename = "inputQuantityList", skip_serializing_if = "Option::is_none")]
    pub input_quantity_list: Option<Vec<Quantity>>,
    #[serde(rename = "outputQuantityList", skip_serializing_if = "Option::is_none")]
    pub output_quantity_list: Option<Vec<Quantity>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    #[serde(rename = "eventList")]
    pub event_list: Vec<Event>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "schemaVersion")]
    pub schema_version: &'static str,
    #[serde(rename = "creationDate")]
    pub creation_date: String,
    #[serde(rename = "epcisBody")]
    pub epcis_body: Body,
}

fn quantities(q: &[(String, Grams)]) -> Vec<Quantity> {
    q.iter().map(|(c, g)| Quantity { epc_class: c.clone(), quantity: Kg(*g), uom: "KGM" }).collect()
}

/// `+08:00` for a zone.
pub fn zone_offset(zone: &str) -> String {
    let m = crate::time::utc_offset_min(zone);
    let sign = if m < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
}

/// An instant as an RFC 3339 local time with its offset: `2026-08-03T09:15:00.000+08:00`.
pub fn local_time(us: i64, zone: &str) -> String {
    let local = us + crate::time::utc_offset_min(zone) * 60_000_000;
    let day = local.div_euclid(crate::time::US_PER_DAY);
    let (y, mo, d) = crate::time::civil_from_days(day);
    let in_day = local.rem_euclid(crate::time::US_PER_DAY);
    let (h, mi, s, ms) =
        (in_day / 3_600_000_000, in_day / 60_000_000 % 60, in_day / 1_000_000 % 60, in_day / 1_000 % 1_000);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}{}", zone_offset(zone))
}

/// The EPCIS document of a trace, its events in the order given (oldest first).
pub fn document(events: &[TraceEvent], created_us: i64, zone: &str) -> Document {
    let event_list = events
        .iter()
        .map(|e| {
            let mut ev = Event {
                kind: "ObjectEvent",
                event_time: local_time(e.at_us, &e.zone),
                event_time_zone_offset: zone_offset(&e.zone),
                action: Some("OBSERVE"),
                biz_step: "commissioning",
                read_point: ReadPoint { id: e.read_point.clone() },
                parent_id: None,
                quantity_list: None,
                child_quantity_list: None,
                input_quantity_list: None,
                output_quantity_list: None,
            };
            match &e.step {
                Step::Commissioning => {
                    ev.action = Some("ADD");
                    ev.quantity_list = Some(quantities(&e.quantities));
                }
                Step::Shipping | Step::Receiving => {
                    ev.biz_step = if e.step == Step::Shipping { "shipping" } else { "receiving" };
                    ev.quantity_list = Some(quantities(&e.quantities));
                }
                Step::Packing { parent } => {
                    ev.kind = "AggregationEvent";
                    ev.action = Some("ADD");
                    ev.biz_step = "packing";
                    ev.parent_id = Some(parent.clone());
                    ev.child_quantity_list = Some(quantities(&e.quantities));
                }
                Step::Transformation { inputs } => {
                    ev.kind = "TransformationEvent";
                    ev.action = None;
                    ev.biz_step = "repackaging";
                    ev.input_quantity_list = Some(quantities(inputs));
                    ev.output_quantity_list = Some(quantities(&e.quantities));
                }
            }
            ev
        })
        .collect();
    Document {
        context: CONTEXT,
        kind: "EPCISDocument",
        schema_version: "2.0",
        creation_date: local_time(created_us, zone),
        epcis_body: Body { event_list },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_the_county_offset() {
        let us = (crate::time::days_from_civil(2026, 8, 3) * 86_400 + 3600) * 1_000_000 + 1_500;
        assert_eq!(local_time(us, "Asia/Shanghai"), "2026-08-03T09:00:00.001+08:00");
        assert_eq!(zone_offset("UTC"), "+00:00");
        assert_eq!(zone_offset("Asia/Kathmandu"), "+05:45");
    }

    #[test]
    fn a_merge_is_an_aggregation_and_a_transformation() {
        let lot = |c: &str| lot_uri(c);
        let ev = |step, q| TraceEvent {
            step,
            at_us: 0,
            zone: "Asia/Shanghai".into(),
            read_point: "urn:x".into(),
            quantities: q,
        };
        let d = document(
            &[
                ev(Step::Commissioning, vec![(lot("A"), Grams(20_450))]),
                ev(Step::Packing { parent: lot("P") }, vec![(lot("A"), Grams(20_450))]),
                ev(Step::Transformation { inputs: vec![(lot("A"), Grams(20_450))] }, vec![(lot("P"), Grams(20_450))]),
            ],
            0,
            "Asia/Shanghai",
        );
        let kinds: Vec<_> = d.epcis_body.event_list.iter().map(|e| (e.kind, e.biz_step)).collect();
        assert_eq!(
            kinds,
            vec![
                ("ObjectEvent", "commissioning"),
                ("AggregationEvent", "packing"),
                ("TransformationEvent", "repackaging")
            ]
        );
        assert!(d.epcis_body.event_list[2].action.is_none(), "a transformation has no action");
    }
}
