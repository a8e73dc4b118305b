//! The queries behind trust that read other issues' tables: short-weight incidents from the
//! weighed hand-offs (against their custodian) and the agent fraud signals.

use crate::error::Result;
use crate::trust::FraudSignal;
use uplink_core::*;
use uplink_store::Conn;

/// When each short-weight incident against `person` was opened (the custodian of the leg that
/// lost more than the product's tolerance).
pub async fn incidents_against(c: &mut Conn, county: CountyId, person: PersonId) -> Result<Vec<i64>> {
    let found = uplink_store::lots::list_incidents(c, county, Some(person)).await?;
    Ok(found.into_iter().map(|i| i.opened_us).collect())
}

pub async fn signals(c: &mut Conn, county: CountyId, now: i64, days: i64) -> Result<Vec<FraudSignal>> {
    let rows = uplink_store::claims::fraud_rows(c, county, now - days * 86_400_000_000).await?;
    Ok(rows
        .into_iter()
        .map(|(kind, agent_id, station_id, value)| {
            let detail = match kind {
                "ordered_to_self" => "assisted orders to the agent or the agent's phone".to_string(),
                "returns_after_commission" => "assisted orders returned after settlement".to_string(),
                _ => format!("cash in the drawer with no hand-over for {days} days"),
            };
            FraudSignal { kind: kind.to_string(), agent_id, station_id, value, detail }
        })
        .collect())
}
