//! The agent fraud signals, read from other issues' tables: orders to oneself, returns after
//! the commission, cash kept in the drawer, and intakes a hub grades lower than the station did.

use crate::error::Result;
use crate::trust::FraudSignal;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use uplink_core::trust;
use uplink_core::*;
use uplink_store::Conn;

pub async fn signals(c: &mut Conn, county: CountyId, now: i64, days: i64) -> Result<Vec<FraudSignal>> {
    let since = now - days * 86_400_000_000;
    let rows = uplink_store::claims::fraud_rows(c, county, since).await?;
    let mut out: Vec<FraudSignal> = rows
        .into_iter()
        .map(|(kind, agent_id, station_id, value)| {
            let detail = match kind {
                "ordered_to_self" => "assisted orders to the agent or the agent's phone".to_string(),
                "returns_after_commission" => "assisted orders returned after settlement".to_string(),
                _ => format!("cash in the drawer with no hand-over for {days} days"),
            };
            FraudSignal { kind: kind.to_string(), agent_id, station_id, value, detail }
        })
        .collect();
    out.extend(graded_above_hub(c, county, since).await?);
    Ok(out)
}

/// Agents whose intakes the hub grades lower too often (`core::trust::graded_above_hub`): the
/// value is how many of their lots the hub graded lower.
async fn graded_above_hub(c: &mut Conn, county: CountyId, since: i64) -> Result<Vec<FraudSignal>> {
    let mut schemes: HashMap<ProductId, Vec<String>> = HashMap::new();
    // Per agent, in the order first seen: (station, lots graded at the hub, lots graded lower).
    let mut per_agent: Vec<(PersonId, Option<StationId>, i64, i64)> = Vec::new();
    for g in uplink_store::trust::hub_gradings(c, county, since).await? {
        if let Entry::Vacant(e) = schemes.entry(g.product_id) {
            let p = uplink_store::catalog::get_product(c, county, g.product_id).await?;
            e.insert(p.map(|p| p.grades.into_iter().map(|x| x.code).collect()).unwrap_or_default());
        }
        let scheme: Vec<&str> = schemes[&g.product_id].iter().map(String::as_str).collect();
        let lower = i64::from(trust::graded_lower(&scheme, &g.intake_grade, &g.hub_grade));
        match per_agent.iter_mut().find(|x| x.0 == g.agent_id) {
            Some(x) => {
                x.2 += 1;
                x.3 += lower;
            }
            None => per_agent.push((g.agent_id, g.station_id, 1, lower)),
        }
    }
    Ok(per_agent
        .into_iter()
        .filter(|(_, _, graded, lower)| trust::graded_above_hub(*graded, *lower))
        .map(|(agent_id, station_id, graded, lower)| FraudSignal {
            kind: "graded_above_hub".into(),
            agent_id,
            station_id,
            value: lower,
            detail: format!("the hub graded {lower} of {graded} intakes lower than the station"),
        })
        .collect())
}
