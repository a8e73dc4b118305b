//! What an order's parties read about its way besides the state history: for a pre-order, the
//! lot it was filled from at the hub (by its printed code, whose public trace anyone with the
//! label may read), the weight handed over and what was refunded for the difference.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use serde::{Deserialize, Serialize};
use uplink_core::*;
use uplink_store::Db;
use uplink_store::lots::{self as repo, Fill};
use utoipa::ToSchema;

/// A window order's fill with the lot's code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderFill {
    pub fill: Fill,
    pub lot_code: String,
}

/// The fill of an order the caller may see; `None` before the hub fills it (or for an order
/// that is not a pre-order).
pub async fn order_fill(db: &Db, actor: &Actor, county: CountyId, order: OrderId) -> Result<Option<OrderFill>> {
    crate::orders::get_order(db, actor, county, order).await?;
    let mut c = db.reader().await?;
    let Some(fill) = repo::fill_of(&mut c, county, order).await? else { return Ok(None) };
    let lot = repo::get_lot(&mut c, county, fill.lot_id).await?.ok_or(ServiceError::NotFound)?;
    Ok(Some(OrderFill { fill, lot_code: lot.code }))
}
