//! Claims, their lines and evidence, and ratings of orders.

use crate::error::StoreError;
use crate::row::{self, PageReq};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::trust::{ClaimKind, Outcome};
use uplink_core::*;
use utoipa::ToSchema;

/// A claim as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Claim {
    pub id: String,
    pub county_id: CountyId,
    pub order_id: OrderId,
    pub buyer_id: PersonId,
    pub seller_id: PersonId,
    pub kind: ClaimKind,
    /// open, answered, decided, appealed or final.
    pub state: String,
    /// The value of the goods claimed, fen.
    pub claimed_fen: i64,
    pub measured_weight_g: Option<i64>,
    pub description: String,
    pub lines: Vec<ClaimLine>,
    pub opened_us: i64,
    pub answer: Option<String>,
    pub answered_us: Option<i64>,
    pub outcome: Option<Outcome>,
    pub refund_fen: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_us: Option<i64>,
    /// When the decision becomes final (no more appeals).
    pub final_us: Option<i64>,
    pub evidence: Vec<EvidenceInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimLine {
    pub line_no: i64,
    pub units: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceInfo {
    pub id: String,
    /// buyer or seller.
    pub side: String,
    pub content_type: String,
    pub size: i64,
    pub created_us: i64,
}

fn claim_from(r: &AnyRow) -> Result<Claim, StoreError> {
    Ok(Claim {
        id: row::text(r, "claim_id")?,
        county_id: row::id(r, "county_id")?,
        order_id: row::id(r, "order_id")?,
        buyer_id: row::id(r, "buyer_id")?,
        seller_id: row::id(r, "seller_id")?,
        kind: row::choice(r, "kind", ClaimKind::parse)?,
        state: row::text(r, "state")?,
        claimed_fen: row::int(r, "claimed_fen")?,
        measured_weight_g: row::opt_int(r, "measured_weight_g")?,
        description: row::text(r, "description")?,
        lines: vec![],
        opened_us: row::int(r, "opened_us")?,
        answer: row::opt_text(r, "answer")?,
        answered_us: row::opt_int(r, "answered_us")?,
        outcome: row::opt_choice(r, "outcome", Outcome::parse)?,
        refund_fen: row::opt_int(r, "refund_fen")?,
        decision_reason: row::opt_text(r, "decision_reason")?,
        decided_us: row::opt_int(r, "decided_us")?,
        final_us: row::opt_int(r, "final_us")?,
        evidence: vec![],
    })
}

pub async fn insert_claim(c: &mut AnyConnection, x: &Claim, opened_by: UserId) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO claims (county_id, claim_id, order_id, buyer_id, seller_id, kind, state, claimed_fen, \
         measured_weight_g, description, opened_by, opened_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
    )
    .bind(x.county_id.to_string())
    .bind(&x.id)
    .bind(x.order_id.to_string())
    .bind(x.buyer_id.to_string())
    .bind(x.seller_id.to_string())
    .bind(x.kind.as_str())
    .bind(&x.state)
    .bind(x.claimed_fen)
    .bind(x.measured_weight_g)
    .bind(&x.description)
    .bind(opened_by.to_string())
    .bind(x.opened_us)
    .execute(&mut *c)
    .await
    .map_err(StoreError::classify)?;
    for l in &x.lines {
        sqlx::query("INSERT INTO claim_lines (county_id, claim_id, order_id, line_no, units) VALUES ($1,$2,$3,$4,$5)")
            .bind(x.county_id.to_string())
            .bind(&x.id)
            .bind(x.order_id.to_string())
            .bind(l.line_no)
            .bind(l.units)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}

pub async fn get_claim(c: &mut AnyConnection, county: CountyId, id: &str) -> Result<Option<Claim>, StoreError> {
    let r = sqlx::query("SELECT * FROM claims WHERE county_id = $1 AND claim_id = $2")
        .bind(county.to_string())
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    let Some(r) = r else { return Ok(None) };
    let mut x = claim_from(&r)?;
    fill(c, &mut x).await?;
    Ok(Some(x))
}

async fn fill(c: &mut AnyConnection, x: &mut Claim) -> Result<(), StoreError> {
    let rows =
        sqlx::query("SELECT line_no, units FROM claim_lines WHERE county_id = $1 AND claim_id = $2 ORDER BY line_no")
            .bind(x.county_id.to_string())
            .bind(&x.id)
            .fetch_all(&mut *c)
            .await?;
    x.lines = rows
        .iter()
        .map(|r| Ok(ClaimLine { line_no: row::int(r, "line_no")?, units: row::int(r, "units")? }))
        .collect::<Result<_, StoreError>>()?;
    let rows = sqlx::query(
        "SELECT evidence_id, side, content_type, size, created_us FROM claim_evidence \
         WHERE county_id = $1 AND claim_id = $2 ORDER BY created_us",
    )
    .bind(x.county_id.to_string())
    .bind(&x.id)
    .fetch_all(&mut *c)
    .await?;
    x.evidence = rows
        .iter()
        .map(|r| {
            Ok(EvidenceInfo {
                id: row::text(r, "evidence_id")?,
                side: row::text(r, "side")?,
                content_type: row::text(r, "content_type")?,
                size: row::int(r, "size")?,
                created_us: row::int(r, "created_us")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(())
}

/// Claims of a county, optionally only those of one party (as buyer or seller) or in one state.
pub async fn list_claims(
    c: &mut AnyConnection,
    county: CountyId,
    party: Option<PersonId>,
    state: Option<&str>,
    p: PageReq,
) -> Result<(Vec<Claim>, i64), StoreError> {
    let filter =
        "FROM claims WHERE county_id = $1 AND ($2 = '' OR buyer_id = $2 OR seller_id = $2) AND ($3 = '' OR state = $3)";
    let party = party.map(|x| x.to_string()).unwrap_or_default();
    let state = state.unwrap_or("").to_string();
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filter}"))
        .bind(county.to_string())
        .bind(&party)
        .bind(&state)
        .fetch_one(&mut *c)
        .await?;
    let rows = sqlx::query(&format!("SELECT * {filter} ORDER BY opened_us DESC LIMIT $4 OFFSET $5"))
        .bind(county.to_string())
        .bind(&party)
        .bind(&state)
        .bind(p.limit)
        .bind(p.offset)
        .fetch_all(&mut *c)
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let mut x = claim_from(r)?;
        fill(c, &mut x).await?;
        out.push(x);
    }
    Ok((out, total))
}

/// The claims on one order, oldest first (an order's page shows each with its decision).
pub async fn claims_of_order(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
) -> Result<Vec<Claim>, StoreError> {
    let rows = sqlx::query("SELECT * FROM claims WHERE county_id = $1 AND order_id = $2 ORDER BY opened_us, claim_id")
        .bind(county.to_string())
        .bind(order.to_string())
        .fetch_all(&mut *c)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut x = claim_from(r)?;
        fill(c, &mut x).await?;
        out.push(x);
    }
    Ok(out)
}

/// The seller's (or agent's) answer.
pub async fn answer(
    c: &mut AnyConnection,
    county: CountyId,
    id: &str,
    text: &str,
    by: UserId,
    now: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE claims SET answer = $3, answered_by = $4, answered_us = $5, state = 'answered' \
         WHERE county_id = $1 AND claim_id = $2 AND state = 'open'",
    )
    .bind(county.to_string())
    .bind(id)
    .bind(text)
    .bind(by.to_string())
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a decision on a claim that is open, answered or appealed.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    c: &mut AnyConnection,
    county: CountyId,
    id: &str,
    outcome: Outcome,
    refund_fen: i64,
    reason: &str,
    by: UserId,
    now: i64,
    final_us: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE claims SET outcome = $3, refund_fen = $4, decision_reason = $5, decided_by = $6, decided_us = $7, \
         final_us = $8, state = 'decided' WHERE county_id = $1 AND claim_id = $2 AND state IN ('open', 'answered', 'appealed')",
    )
    .bind(county.to_string())
    .bind(id)
    .bind(outcome.as_str())
    .bind(refund_fen)
    .bind(reason)
    .bind(by.to_string())
    .bind(now)
    .bind(final_us)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn appeal(c: &mut AnyConnection, county: CountyId, id: &str, now: i64) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE claims SET state = 'appealed' WHERE county_id = $1 AND claim_id = $2 AND state = 'decided' AND final_us > $3",
    )
    .bind(county.to_string())
    .bind(id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Decided claims whose appeal window closed by `now`, across counties: `(county, claim)`.
pub async fn due_final(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<(CountyId, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT county_id, claim_id FROM claims WHERE state = 'decided' AND final_us <= $1 ORDER BY final_us LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((row::id(r, "county_id")?, row::text(r, "claim_id")?))).collect()
}

/// A decided claim becomes final once its appeal window has closed; false if it was not due
/// (appealed meanwhile, or made final by another worker).
pub async fn make_final(c: &mut AnyConnection, county: CountyId, id: &str, now: i64) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE claims SET state = 'final' WHERE county_id = $1 AND claim_id = $2 AND state = 'decided' AND final_us <= $3",
    )
    .bind(county.to_string())
    .bind(id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_evidence(
    c: &mut AnyConnection,
    county: CountyId,
    claim: &str,
    side: &str,
    by: UserId,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO claim_evidence (county_id, evidence_id, claim_id, side, by_user, content_type, bytes, size, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    )
    .bind(county.to_string())
    .bind(&id)
    .bind(claim)
    .bind(side)
    .bind(by.to_string())
    .bind(content_type)
    .bind(bytes.to_vec())
    .bind(bytes.len() as i64)
    .bind(now)
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn evidence_bytes(
    c: &mut AnyConnection,
    county: CountyId,
    claim: &str,
    evidence: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let r = sqlx::query(
        "SELECT content_type, bytes FROM claim_evidence WHERE county_id = $1 AND claim_id = $2 AND evidence_id = $3",
    )
    .bind(county.to_string())
    .bind(claim)
    .bind(evidence)
    .fetch_optional(c)
    .await?;
    r.map(|r| Ok((row::text(&r, "content_type")?, sqlx::Row::try_get::<Vec<u8>, _>(&r, "bytes")?))).transpose()
}

/// Claims on an order not yet decided.
pub async fn open_claims_on(c: &mut AnyConnection, county: CountyId, order: OrderId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM claims WHERE county_id = $1 AND order_id = $2 AND state IN ('open', 'answered', 'appealed')",
    )
    .bind(county.to_string())
    .bind(order.to_string())
    .fetch_one(c)
    .await?)
}

/// What decided claims on an order have refunded so far, fen.
pub async fn refunded_on(c: &mut AnyConnection, county: CountyId, order: OrderId) -> Result<i64, StoreError> {
    let v: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(refund_fen) AS BIGINT) FROM claims WHERE county_id = $1 AND order_id = $2 AND refund_fen IS NOT NULL",
    )
    .bind(county.to_string())
    .bind(order.to_string())
    .fetch_one(c)
    .await?;
    Ok(v.unwrap_or(0))
}

// ---------------------------------------------------------------- ratings

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rating {
    pub order_id: OrderId,
    pub stars: i64,
    pub comment: String,
    pub reply: Option<String>,
    pub rated_us: i64,
    pub replied_us: Option<i64>,
}

pub async fn insert_rating(c: &mut AnyConnection, county: CountyId, r: &Rating) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ratings (county_id, order_id, stars, comment, rated_us) VALUES ($1,$2,$3,$4,$5)")
        .bind(county.to_string())
        .bind(r.order_id.to_string())
        .bind(r.stars)
        .bind(&r.comment)
        .bind(r.rated_us)
        .execute(c)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn reply_rating(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
    reply: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE ratings SET reply = $3, replied_us = $4 WHERE county_id = $1 AND order_id = $2 AND reply IS NULL",
    )
    .bind(county.to_string())
    .bind(order.to_string())
    .bind(reply)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get_rating(c: &mut AnyConnection, county: CountyId, order: OrderId) -> Result<Option<Rating>, StoreError> {
    let r = sqlx::query("SELECT * FROM ratings WHERE county_id = $1 AND order_id = $2")
        .bind(county.to_string())
        .bind(order.to_string())
        .fetch_optional(c)
        .await?;
    r.map(|r| {
        Ok(Rating {
            order_id: row::id(&r, "order_id")?,
            stars: row::int(&r, "stars")?,
            comment: row::text(&r, "comment")?,
            reply: row::opt_text(&r, "reply")?,
            rated_us: row::int(&r, "rated_us")?,
            replied_us: row::opt_int(&r, "replied_us")?,
        })
    })
    .transpose()
}

// ---------------------------------------------------------------- agent fraud signals

/// `(kind, agent, station, value)` for every signal: orders an agent placed for themselves or
/// someone sharing their phone; assisted orders returned after settlement (three or more); cash
/// in a drawer with no hand-over since `since_us`.
pub async fn fraud_rows(
    c: &mut AnyConnection,
    county: CountyId,
    since_us: i64,
) -> Result<Vec<(&'static str, PersonId, Option<StationId>, i64)>, StoreError> {
    let mut out = Vec::new();
    let rows = sqlx::query(
        "SELECT a.person_id AS agent, a.station_id AS station, COUNT(*) AS n FROM orders o \
         JOIN people a ON a.county_id = o.county_id AND a.person_id = o.agent_id \
         JOIN people b ON b.county_id = o.county_id AND b.person_id = o.buyer_id \
         WHERE o.county_id = $1 AND (b.person_id = a.person_id OR (a.phone IS NOT NULL AND b.phone = a.phone)) \
         GROUP BY a.person_id, a.station_id",
    )
    .bind(county.to_string())
    .fetch_all(&mut *c)
    .await?;
    for r in &rows {
        out.push(("ordered_to_self", row::id(r, "agent")?, row::opt_id(r, "station")?, row::int(r, "n")?));
    }
    let rows = sqlx::query(
        "SELECT agent_id AS agent, COUNT(*) AS n FROM orders WHERE county_id = $1 AND agent_id IS NOT NULL \
         AND state = 'returned' AND accepted_us IS NOT NULL GROUP BY agent_id HAVING COUNT(*) >= 3",
    )
    .bind(county.to_string())
    .fetch_all(&mut *c)
    .await?;
    for r in &rows {
        out.push(("returns_after_commission", row::id(r, "agent")?, None, row::int(r, "n")?));
    }
    let rows = sqlx::query(
        "SELECT a.owner_id AS station, a.debits_posted - a.credits_posted AS cash, p.person_id AS agent \
         FROM ledger_accounts a JOIN people p ON p.county_id = a.county_id AND p.station_id = a.owner_id \
         AND p.role = 'agent' WHERE a.county_id = $1 AND a.kind = 'station_cash' \
         AND a.debits_posted - a.credits_posted > 0 AND NOT EXISTS (SELECT 1 FROM ledger_transfers t \
         WHERE t.county_id = a.county_id AND t.credit_account = a.account_id AND t.code = 'cash_handover' \
         AND t.created_us >= $2)",
    )
    .bind(county.to_string())
    .bind(since_us)
    .fetch_all(&mut *c)
    .await?;
    for r in &rows {
        out.push(("cash_not_handed_over", row::id(r, "agent")?, row::opt_id(r, "station")?, row::int(r, "cash")?));
    }
    Ok(out)
}
