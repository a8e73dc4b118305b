//! Listings: a seller's offer of a product, made and changed by the seller, by the agent for a
//! farmer or co-op, or by the operator; and the catalog search over them.

use super::{CatalogQuery, Standing, seller_role_fits};
use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::network::{incomplete, required};
use crate::paging::Page;
use serde::Deserialize;
use uplink_core::PersonId;
use uplink_core::catalog::{self as rules, Direction, GradeScheme, Listing};
use uplink_core::people::Action;
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::catalog as repo;
use uplink_store::{Conn, Db, network as places, people};
use utoipa::ToSchema;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingInput {
    /// The product offered; fixed once listed.
    #[schema(value_type = Option<String>, format = "uuid")]
    pub product_id: Option<ProductId>,
    /// Who sells: yourself by default; an agent or the operator names the farmer or co-op.
    #[schema(value_type = Option<String>, format = "uuid")]
    pub seller_id: Option<PersonId>,
    /// Price per sale unit in fen (farm products: of the base grade).
    pub price_fen: Option<i64>,
    /// Downlink: units in stock at the county hub.
    pub stock_units: Option<i64>,
    /// Uplink: units of the harvest on offer.
    pub offered_units: Option<i64>,
    /// Uplink: `YYYY-MM-DD`.
    pub harvest_date: Option<String>,
    /// Uplink: the village of origin; the seller's village by default.
    #[schema(value_type = Option<String>, format = "uuid")]
    pub origin_village_id: Option<VillageId>,
    /// Smallest order in units, default 1.
    pub min_order_units: Option<i64>,
    /// Whether buyers see it; default true.
    pub active: Option<bool>,
}

/// A quantity that belongs to one direction only: required there, refused in the other.
fn quantity(
    ck: &mut Checker,
    field: &str,
    given: Option<i64>,
    base: Option<i64>,
    applies: bool,
) -> Option<Option<i64>> {
    if !applies {
        if given.is_some() {
            ck.push(FieldError::new(field, "not-for-direction"));
        }
        return Some(None);
    }
    let n = required(ck, field, &given, base)?;
    ck.take(field, rules::units(n)).map(Some)
}

async fn build_listing(
    c: &mut Conn,
    county: CountyId,
    s: &Standing,
    i: &ListingInput,
    base: Option<&Listing>,
) -> Result<Listing> {
    let mut ck = Checker::new();
    if let (Some(b), Some(p)) = (base, i.product_id)
        && p != b.product_id
    {
        ck.push(FieldError::new("product_id", "immutable"));
    }
    if let (Some(b), Some(p)) = (base, i.seller_id)
        && p != b.seller_id
    {
        ck.push(FieldError::new("seller_id", "immutable"));
    }
    let product = match base {
        Some(b) => Some(b.product.clone()),
        None => match required(&mut ck, "product_id", &i.product_id, None) {
            Some(p) => {
                let found = repo::get_product(c, county, p).await?;
                if found.is_none() {
                    ck.push(FieldError::new("product_id", "unknown-reference"));
                }
                found
            }
            None => None,
        },
    };
    let direction = product.as_ref().map(|p| p.direction);
    // Who sells: the base's seller, the one named, or the caller's own seller record that fits.
    let seller_id = base.map(|b| b.seller_id).or(i.seller_id).or_else(|| {
        let d = direction?;
        s.own.iter().find(|(_, r)| seller_role_fits(*r, Some(d))).map(|(id, _)| *id)
    });
    let seller = match seller_id {
        Some(id) => people::get_person(c, county, id).await?,
        None => None,
    };
    match (&seller, seller_id, direction) {
        (_, None, Some(_)) => ck.push(FieldError::new("seller_id", "required")),
        (None, Some(_), _) => ck.push(FieldError::new("seller_id", "unknown-reference")),
        (Some(p), _, Some(d)) if !seller_role_fits(p.role, Some(d)) => {
            ck.push(FieldError::new("seller_id", "seller-role-mismatch").arg("role", p.role.as_str()))
        }
        (Some(p), _, _) if base.is_none() && !s.may_act_for(p) => {
            ck.push(FieldError::new("seller_id", "seller-not-allowed"))
        }
        _ => {}
    }
    let price = required(&mut ck, "price_fen", &i.price_fen, base.map(|b| b.price_fen.0))
        .and_then(|n| ck.take("price_fen", rules::price(n)));
    let up = direction == Some(Direction::Uplink);
    let down = direction == Some(Direction::Downlink);
    let stock = quantity(&mut ck, "stock_units", i.stock_units, base.and_then(|b| b.stock_units), down);
    let offered = quantity(&mut ck, "offered_units", i.offered_units, base.and_then(|b| b.offered_units), up);
    let harvest = match (up, i.harvest_date.clone().or(base.and_then(|b| b.harvest_date.clone()))) {
        (true, h) => required(&mut ck, "harvest_date", &h, None)
            .and_then(|h| ck.take("harvest_date", time::parse_date(&h)).map(|_| Some(h.trim().to_string()))),
        (false, Some(_)) if i.harvest_date.is_some() => {
            ck.push(FieldError::new("harvest_date", "not-for-direction"));
            None
        }
        (false, _) => Some(None),
    };
    let village_id = i.origin_village_id.or(base.and_then(|b| b.origin_village_id));
    let village_id = if up { village_id.or(seller.as_ref().and_then(|p| p.village_id)) } else { village_id };
    if !up && i.origin_village_id.is_some() {
        ck.push(FieldError::new("origin_village_id", "not-for-direction"));
    }
    let village = match village_id.filter(|_| up) {
        Some(v) => {
            let found = places::get_village(c, county, v).await?;
            if found.is_none() {
                ck.push(FieldError::new("origin_village_id", "unknown-reference"));
            }
            found
        }
        None => None,
    };
    let min_order = ck.take(
        "min_order_units",
        rules::min_order_units(i.min_order_units.or(base.map(|b| b.min_order_units)).unwrap_or(1)),
    );
    ck.finish()?;
    let (Some(product), Some(seller), Some(price), Some(stock), Some(offered), Some(harvest), Some(min_order)) =
        (product, seller, price, stock, offered, harvest, min_order)
    else {
        return Err(incomplete());
    };
    let grade_prices = GradeScheme::trusted(product.grades.clone()).prices(price);
    Ok(Listing {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county,
        product_id: product.id,
        seller_id: seller.id,
        seller_name: seller.name,
        direction: product.direction,
        price_fen: price,
        stock_units: stock,
        offered_units: offered,
        harvest_date: harvest,
        origin_village_id: village.as_ref().map(|v| v.id),
        origin_village_name: village.map(|v| v.name),
        min_order_units: min_order,
        active: i.active.or(base.map(|b| b.active)).unwrap_or(true),
        grade_prices,
        product,
        seller_trust: None,
    })
}

pub async fn create_listing(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: ListingInput,
    idem: Option<&IdemKey>,
) -> Result<Listing> {
    actor.authorize(county, Action::ListForSale)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let mut x = build_listing(&mut w.tx, county, &Standing::of(actor, county), &input, None).await?;
    if x.active {
        x.active = !held_for_review(&mut w.tx, actor, county, &x).await?;
    }
    repo::insert_listing(&mut w.tx, &x).await?;
    crate::trust::with_seller_trust(&mut w.tx, county, std::slice::from_mut(&mut x)).await?;
    w.commit(&x).await?;
    Ok(x)
}

/// A seller whose trust score is below the county's threshold lists only inactive until the
/// operator reviews and switches the listing on; the operator's own changes are that review.
/// The seller and the operators are told when a listing is held back.
async fn held_for_review(c: &mut uplink_store::Conn, actor: &Actor, county: CountyId, x: &Listing) -> Result<bool> {
    if actor.authorize(county, Action::ManageCatalog).is_ok() {
        return Ok(false);
    }
    let threshold = uplink_store::orders::settings(c, county).await?.trust_threshold;
    let score = crate::trust::score_in(c, county, x.seller_id).await?;
    if score >= threshold {
        return Ok(false);
    }
    crate::notices::listing_held(c, county, x, score, threshold).await?;
    Ok(true)
}

/// A seller changes their own listing (price, stock, harvest, switching it off); the agent
/// those of farmers and co-ops; the operator any. Anyone else of the county: 403.
pub async fn update_listing(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: ListingId,
    input: ListingInput,
) -> Result<Listing> {
    actor.authorize(county, Action::ListForSale)?;
    let s = Standing::of(actor, county);
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_listing(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let seller = people::get_person(&mut w.tx, county, base.seller_id).await?.ok_or(ServiceError::NotFound)?;
    if !s.may_act_for(&seller) {
        return Err(ServiceError::Forbidden);
    }
    let mut x = build_listing(&mut w.tx, county, &s, &input, Some(&base)).await?;
    if x.active && !base.active {
        x.active = !held_for_review(&mut w.tx, actor, county, &x).await?;
    }
    repo::update_listing(&mut w.tx, &x).await?;
    crate::trust::with_seller_trust(&mut w.tx, county, std::slice::from_mut(&mut x)).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_listing(db: &Db, actor: &Actor, county: CountyId, id: ListingId) -> Result<Listing> {
    actor.authorize(county, Action::ReadCatalog)?;
    let mut c = db.reader().await?;
    let mut x = repo::get_listing(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    crate::trust::with_seller_trust(&mut c, county, std::slice::from_mut(&mut x)).await?;
    Ok(x)
}

/// The catalog search: listings with their product, seller, village and grade prices.
pub async fn search_listings(db: &Db, actor: &Actor, county: CountyId, q: &CatalogQuery) -> Result<Page<Listing>> {
    actor.authorize(county, Action::ReadCatalog)?;
    let (f, p) = q.filter()?;
    let mut c = db.reader().await?;
    let (mut items, total) = repo::search_listings(&mut c, county, &f, p).await?;
    // The sellers' trust scores for the whole page in one query.
    crate::trust::with_seller_trust(&mut c, county, &mut items).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}
