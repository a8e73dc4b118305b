//! What a farmer (or co-op) reads about their own side of the uplink: the lots they delivered
//! at their station, with net weight, grade and what they were paid, and their harvest lists —
//! the supply they declared in windows not yet filled, with what the allocation asks them to
//! bring, where and by when. Only their own: staff read lots and lists through `lots` and
//! `windows`.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::orders::person_as;
use serde::{Deserialize, Serialize};
use uplink_core::people::{Action, Role};
use uplink_core::*;
use uplink_store::Db;
use uplink_store::lots::Lot;
use uplink_store::windows::{Supply, Window};
use utoipa::ToSchema;

/// The most lots a farmer's page lists (the newest).
pub const MY_LOTS_LIMIT: i64 = 50;

/// The caller's own farmer or co-op person in the county.
fn me(actor: &Actor, county: CountyId) -> Result<PersonId> {
    actor.authorize(county, Action::ListForSale)?;
    person_as(actor, county, &[Role::Farmer, Role::Coop]).ok_or(ServiceError::Forbidden)
}

/// The lots the caller delivered, newest first.
pub async fn my_lots(db: &Db, actor: &Actor, county: CountyId) -> Result<Vec<Lot>> {
    let farmer = me(actor, county)?;
    let mut c = db.reader().await?;
    Ok(uplink_store::lots::intake_lots_of_farmer(&mut c, county, farmer, MY_LOTS_LIMIT).await?)
}

/// One declaration of the caller with its window.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyHarvest {
    pub window: Window,
    pub supply: Supply,
}

/// The caller's harvest lists: each declaration in a window that is open, closed or allocated,
/// by harvest date.
pub async fn my_harvest_lists(db: &Db, actor: &Actor, county: CountyId) -> Result<Vec<MyHarvest>> {
    let farmer = me(actor, county)?;
    let mut c = db.reader().await?;
    let rows = uplink_store::windows::supply_of_farmer(&mut c, county, farmer).await?;
    let mut windows: Vec<Window> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for supply in rows {
        let window = match windows.iter().find(|w| w.id == supply.window_id) {
            Some(w) => w.clone(),
            None => {
                let w = uplink_store::windows::get_window(&mut c, county, supply.window_id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                windows.push(w.clone());
                w
            }
        };
        out.push(MyHarvest { window, supply });
    }
    Ok(out)
}
