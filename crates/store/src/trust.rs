//! What trust is computed from, read from the other tables: the dated facts about many parties
//! at once (a page of listings needs its sellers' scores in one query), and the grades the hub
//! found against those given at intake.

use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;
use uplink_core::*;

/// One dated fact about a party, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactRow {
    /// A sale settled (or settled and later returned): paid → delivered took `lead_us`.
    Fulfilled { lead_us: i64, weight_g: i64 },
    /// A claim against the seller decided other than rejected.
    UpheldClaim,
    /// An order the seller cancelled after it was paid.
    SellerCancellation,
    /// A short-weight incident against the custodian of a leg.
    ShortWeightIncident,
}

/// Every fact about each of `people`: `(person, when, fact)`, in one query.
pub async fn facts(
    c: &mut AnyConnection,
    county: CountyId,
    people: &[PersonId],
) -> Result<Vec<(PersonId, i64, FactRow)>, StoreError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let ids = (2..people.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT seller_id AS person, 'fulfilled' AS kind, accepted_us AS at_us, \
         COALESCE(delivered_us, paid_us, 0) - COALESCE(paid_us, 0) AS lead_us, weight_g FROM orders \
         WHERE county_id = $1 AND seller_id IN ({ids}) AND state IN ('settled', 'returned') AND accepted_us IS NOT NULL \
         UNION ALL SELECT seller_id, 'upheld_claim', decided_us, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM claims \
         WHERE county_id = $1 AND seller_id IN ({ids}) AND outcome IS NOT NULL AND outcome <> 'reject' \
         AND decided_us IS NOT NULL \
         UNION ALL SELECT o.seller_id, 'seller_cancellation', e.at_us, CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
         FROM order_events e JOIN orders o ON o.county_id = e.county_id AND o.order_id = e.order_id \
         JOIN people p ON p.county_id = o.county_id AND p.person_id = o.seller_id \
         WHERE e.county_id = $1 AND o.seller_id IN ({ids}) AND e.event = 'cancel' AND e.from_state <> 'placed' \
         AND p.user_id IS NOT NULL AND e.actor_user = p.user_id \
         UNION ALL SELECT custodian_id, 'short_weight', opened_us, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM incidents \
         WHERE county_id = $1 AND custodian_id IN ({ids})"
    );
    let mut q = sqlx::query(&sql).bind(county.to_string());
    for p in people {
        q = q.bind(p.to_string());
    }
    let rows = q.fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            let fact = match row::text(r, "kind")?.as_str() {
                "fulfilled" => {
                    FactRow::Fulfilled { lead_us: row::int(r, "lead_us")?, weight_g: row::int(r, "weight_g")? }
                }
                "upheld_claim" => FactRow::UpheldClaim,
                "seller_cancellation" => FactRow::SellerCancellation,
                _ => FactRow::ShortWeightIncident,
            };
            Ok((row::id(r, "person")?, row::int(r, "at_us")?, fact))
        })
        .collect()
}

/// A lot taken in at a station and graded again at the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubGrading {
    /// The agent who took the lot in.
    pub agent_id: PersonId,
    pub station_id: Option<StationId>,
    pub product_id: ProductId,
    pub intake_grade: String,
    /// The grade the hub found last.
    pub hub_grade: String,
}

/// The lots taken in since `since_us` that a hub has graded, with both grades.
pub async fn hub_gradings(
    c: &mut AnyConnection,
    county: CountyId,
    since_us: i64,
) -> Result<Vec<HubGrading>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.to_person AS agent, l.station_id, l.product_id, l.grade AS intake_grade, h.grade AS hub_grade \
         FROM lots l JOIN lot_events i ON i.county_id = l.county_id AND i.lot_id = l.lot_id AND i.kind = 'intake' \
         JOIN lot_events h ON h.county_id = l.county_id AND h.lot_id = l.lot_id AND h.grade IS NOT NULL \
         AND h.seq = (SELECT MAX(x.seq) FROM lot_events x WHERE x.county_id = l.county_id AND x.lot_id = l.lot_id \
         AND x.grade IS NOT NULL) \
         WHERE l.county_id = $1 AND l.made_us >= $2 AND i.to_person IS NOT NULL ORDER BY l.made_us",
    )
    .bind(county.to_string())
    .bind(since_us)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HubGrading {
                agent_id: row::id(r, "agent")?,
                station_id: row::opt_id(r, "station_id")?,
                product_id: row::id(r, "product_id")?,
                intake_grade: row::text(r, "intake_grade")?,
                hub_grade: row::text(r, "hub_grade")?,
            })
        })
        .collect()
}

/// Records the grade the hub found on the hand-off that brought the lot there.
pub async fn set_hub_grade(
    c: &mut AnyConnection,
    county: CountyId,
    lot: LotId,
    seq: i64,
    grade: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE lot_events SET grade = $4 WHERE county_id = $1 AND lot_id = $2 AND seq = $3")
        .bind(county.to_string())
        .bind(lot.to_string())
        .bind(seq)
        .bind(grade)
        .execute(c)
        .await?;
    Ok(())
}
