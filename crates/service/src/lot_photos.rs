//! Photos of a lot's produce (issue 7): taken at intake with the lot itself, or added later by
//! the agent of the lot's station, an inspector or the operator. Each photo passes the one
//! photo rule (`core::photo`: JPEG, PNG or WebP by its first bytes, at most 5 MB) and is kept
//! by Uplink with its type, size, who and when. Whoever may read the lot sees its photos, and
//! the lot's public trace shows them to anyone with the label's code.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::lots::may_read;
use uplink_core::lot::LotCode;
use uplink_core::people::{Action, Role};
use uplink_core::*;
use uplink_store::lot_photos::{self as repo, LotPhoto};
use uplink_store::lots::{self as lots_repo, Lot};
use uplink_store::{Conn, Db, now_us};

/// Who photographs lots: the station's agent (of their own station's lots), inspectors and the
/// operator.
const TAKERS: &[Role] = &[Role::Operator, Role::Inspector, Role::Agent];

/// The role check, before any lot is read: another county's member gets 404, a member of the
/// county without one of the roles 403.
fn may_take(actor: &Actor, county: CountyId) -> Result<()> {
    actor.authorize(county, Action::ReadNetwork)?;
    if actor.is_admin || actor.roles_in(county).iter().any(|r| TAKERS.contains(r)) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// With the lot read: an agent photographs only the lots of their own station.
async fn may_take_this(c: &mut Conn, actor: &Actor, county: CountyId, lot: &Lot) -> Result<()> {
    if actor.is_admin || actor.roles_in(county).iter().any(|r| matches!(r, Role::Operator | Role::Inspector)) {
        return Ok(());
    }
    let agent = crate::orders::person_as(actor, county, &[Role::Agent]).ok_or(ServiceError::Forbidden)?;
    let me = uplink_store::people::get_person(c, county, agent).await?.ok_or(ServiceError::Forbidden)?;
    if me.station_id.is_some() && me.station_id == lot.station_id { Ok(()) } else { Err(ServiceError::Forbidden) }
}

/// Adds a photo to a lot, in one transaction, retry-safe with the idempotency key. Who may add
/// to the lot is checked before the photo: a stranger learns nothing about the file rules.
pub async fn add_photo(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    lot: LotId,
    bytes: &[u8],
    idem: Option<&IdemKey>,
) -> Result<LotPhoto> {
    may_take(actor, county)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let l = lots_repo::get_lot(c, county, lot).await?.ok_or(ServiceError::NotFound)?;
    may_take_this(c, actor, county, &l).await?;
    let content_type = uplink_core::photo::check(bytes)?;
    let p = repo::insert_photo(c, county, l.id, actor.user_id, content_type, bytes, now_us()).await?;
    w.commit(&p).await?;
    Ok(p)
}

/// The photos of a lot (without their bytes), for whoever may read the lot.
pub async fn photos(db: &Db, actor: &Actor, county: CountyId, lot: LotId) -> Result<Vec<LotPhoto>> {
    may_read(actor, county)?;
    let mut c = db.reader().await?;
    Ok(repo::photos_of(&mut c, county, lot).await?)
}

/// A photo's content type and bytes, for whoever may read the lot.
pub async fn photo(db: &Db, actor: &Actor, county: CountyId, lot: LotId, photo: &str) -> Result<(String, Vec<u8>)> {
    may_read(actor, county)?;
    let mut c = db.reader().await?;
    repo::photo_bytes(&mut c, county, lot, photo).await?.ok_or(ServiceError::NotFound)
}

/// A photo of a lot by the lot's printed code, for its public trace; no login. Unknown codes
/// and photos of other lots are `NotFound` alike.
pub async fn public_photo(db: &Db, raw_code: &str, photo: &str) -> Result<(String, Vec<u8>)> {
    let code = LotCode::parse(raw_code).map_err(|_| ServiceError::NotFound)?;
    let mut c = db.reader().await?;
    let l = lots_repo::find_by_code(&mut c, code.as_str()).await?.ok_or(ServiceError::NotFound)?;
    repo::photo_bytes(&mut c, l.county_id, l.id, photo).await?.ok_or(ServiceError::NotFound)
}
