//! The county's commercial settings and its city drop points.

use crate::access::Actor;
use crate::error::Result;
use uplink_core::CountyId;
use uplink_core::people::Action;
use uplink_core::settings::CountySettings;
use uplink_store::Db;
use uplink_store::orders::{self as repo, DropPoint};

pub async fn get(db: &Db, actor: &Actor, county: CountyId) -> Result<CountySettings> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    Ok(repo::settings(&mut c, county).await?)
}

pub async fn put(db: &Db, actor: &Actor, county: CountyId, s: CountySettings) -> Result<CountySettings> {
    actor.authorize(county, Action::ManageNetwork)?;
    let s = s.check()?;
    let mut tx = db.begin().await?;
    repo::save_settings(&mut tx, county, &s).await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn drop_points(db: &Db, actor: &Actor, county: CountyId) -> Result<Vec<DropPoint>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    Ok(repo::list_drop_points(&mut c, county).await?)
}
