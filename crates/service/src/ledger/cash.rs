//! Money leaving a drawer or a wallet: the agent hands the station's cash over to the county
//! (so the station's cash balance is what is physically in the drawer), and the operator pays a
//! party out of their wallet to their bank account.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::{Deserialize, Serialize};
use uplink_core::ledger::AccountKey;
use uplink_core::people::{Action, Role};
use uplink_core::*;
use uplink_store::{Db, ledger as repo};
use utoipa::ToSchema;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountInput {
    /// In yuan as typed, e.g. "1,250.50".
    pub amount: String,
    /// A bank or receipt reference, for the statement.
    pub reference: Option<String>,
}

/// What a cash hand-over or payout did, and the balance left.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Moved {
    pub transfer_id: String,
    pub amount_fen: i64,
    /// The drawer's or wallet's balance afterwards, fen.
    pub balance_after_fen: i64,
}

fn amount(i: &AmountInput) -> Result<Fen> {
    let a = Fen::parse_yuan(&i.amount).map_err(|e| e.under("amount"))?;
    if a.0 <= 0 {
        return Err(FieldError::new("amount", "must-be-positive").arg("actual", a).into());
    }
    Ok(a)
}

/// The agent of `station` (or an operator) hands cash from its drawer to the county.
pub async fn hand_over_cash(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    station: StationId,
    input: AmountInput,
    idem: Option<&IdemKey>,
) -> Result<Moved> {
    actor.authorize(county, Action::ReadNetwork)?;
    let amt = amount(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let operator = actor.authorize(county, Action::ManagePeople).is_ok();
    let own_station = match crate::orders::person_as(actor, county, &[Role::Agent]) {
        Some(p) => uplink_store::people::get_person(c, county, p).await?.and_then(|p| p.station_id) == Some(station),
        None => false,
    };
    if !operator && !own_station {
        return Err(ServiceError::Forbidden);
    }
    if uplink_store::network::get_station(c, county, station).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let key = format!("handover:{}", uuid_or_key(idem));
    let t = crate::ledger::cash_handover(c, county, station, amt, &key).await?;
    let bal = repo::balance(c, county, AccountKey::StationCash(station)).await?;
    let out = Moved { transfer_id: t.id.to_string(), amount_fen: amt.0, balance_after_fen: bal.balance.0 };
    w.commit(&out).await?;
    Ok(out)
}

/// The operator pays a party from their wallet to their bank account.
pub async fn pay_out(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    person: PersonId,
    input: AmountInput,
    idem: Option<&IdemKey>,
) -> Result<Moved> {
    actor.authorize(county, Action::ReconcileBank)?;
    let amt = amount(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    if uplink_store::people::get_person(c, county, person).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let key = format!("payout:{}", uuid_or_key(idem));
    let t = crate::ledger::payout(c, county, person, amt, &key).await?;
    let bal = repo::balance(c, county, AccountKey::Wallet(person)).await?;
    let out = Moved { transfer_id: t.id.to_string(), amount_fen: amt.0, balance_after_fen: bal.balance.0 };
    w.commit(&out).await?;
    Ok(out)
}

/// The ledger key of a hand-over: the client's idempotency key when given (a retry posts once),
/// else a fresh one (each call is a new hand-over).
fn uuid_or_key(idem: Option<&IdemKey>) -> String {
    idem.map(|k| k.key.clone()).unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// The station's cash drawer as the books see it: its agent (or an operator or auditor) reads
/// what should physically be in the drawer before handing cash over.
pub async fn station_drawer(db: &Db, actor: &Actor, county: CountyId, station: StationId) -> Result<repo::Account> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    let staff = actor.authorize(county, Action::ReadLedger).is_ok();
    let own_station = match crate::orders::person_as(actor, county, &[Role::Agent]) {
        Some(p) => {
            uplink_store::people::get_person(&mut c, county, p).await?.and_then(|p| p.station_id) == Some(station)
        }
        None => false,
    };
    if !staff && !own_station {
        return Err(ServiceError::Forbidden);
    }
    if uplink_store::network::get_station(&mut c, county, station).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    Ok(repo::balance(&mut c, county, AccountKey::StationCash(station)).await?)
}
