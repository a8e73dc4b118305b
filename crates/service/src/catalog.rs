//! Use cases of the catalog. Everyone in the county browses it. Suppliers list their own
//! downlink goods; farmers and co-ops their own farm products; the station agent lists farm
//! products on behalf of a farmer or co-op of the county; the operator changes any product and
//! any listing. A product is shared by every seller of it, so only the operator changes one
//! after it is made.
//!
//! As in the network use cases, one input shape serves create and update: on update only the
//! fields given change, and the result is checked as a whole by the same rules in `core`.

mod listings;
mod seed;

pub use listings::{ListingInput, create_listing, get_listing, search_listings, update_listing};
pub use seed::{CatalogSeeded, seed_bulk_catalog, seed_catalog};

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::network::{incomplete, name_field, required};
use crate::paging::{ListQuery, Page};
use serde::Deserialize;
use uplink_core::catalog::{self as rules, Category, Direction, Grade, GradeScheme, Gtin, Product};
use uplink_core::catalog::{SaleUnit, StorageClass};
use uplink_core::people::{Action, Role};
use uplink_core::records::Person;
use uplink_core::text::{self, NAME_MAX};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::Db;
use uplink_store::catalog::{self as repo, CatalogFilter};
use utoipa::{IntoParams, ToSchema};

/// What the caller is to the catalog of one county.
struct Standing {
    /// Operators and platform admins: any product, any listing.
    manager: bool,
    /// Station agents: listings of farmers and co-ops.
    agent: bool,
    /// The caller's own seller records in the county (supplier, farmer, co-op).
    own: Vec<(PersonId, Role)>,
}

impl Standing {
    fn of(actor: &Actor, county: CountyId) -> Standing {
        let ms = actor.memberships.iter().filter(|m| m.county_id == county);
        Standing {
            manager: actor.is_admin || ms.clone().any(|m| m.role == Role::Operator),
            agent: ms.clone().any(|m| m.role == Role::Agent),
            own: ms.filter(|m| seller_role_fits(m.role, None)).map(|m| (m.person_id, m.role)).collect(),
        }
    }

    /// Whether the caller may offer goods in `direction` at all.
    fn may_offer(&self, direction: Direction) -> bool {
        self.manager
            || (direction == Direction::Uplink && self.agent)
            || self.own.iter().any(|(_, r)| seller_role_fits(*r, Some(direction)))
    }

    /// Whether the caller may sell as, or change the listings of, `seller`.
    fn may_act_for(&self, seller: &Person) -> bool {
        self.manager
            || self.own.iter().any(|(id, _)| *id == seller.id)
            || (self.agent && matches!(seller.role, Role::Farmer | Role::Coop))
    }
}

/// Suppliers sell downlink goods; farmers and co-ops farm products (`None`: either).
fn seller_role_fits(role: Role, direction: Option<Direction>) -> bool {
    match direction {
        Some(Direction::Downlink) => role == Role::Supplier,
        Some(Direction::Uplink) => matches!(role, Role::Farmer | Role::Coop),
        None => matches!(role, Role::Supplier | Role::Farmer | Role::Coop),
    }
}

/// An optional text field: given (blank clears it) or kept from `base`.
fn optional_text(given: &Option<String>, base: Option<String>) -> Option<String> {
    given.clone().or(base).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn choice<T>(
    ck: &mut Checker,
    field: &str,
    given: &Option<String>,
    base: Option<&'static str>,
    parse: fn(&str) -> std::result::Result<T, FieldError>,
) -> Option<T> {
    let v = required(ck, field, given, base.map(str::to_string))?;
    ck.take(field, parse(v.trim()))
}

// ---------------------------------------------------------------- products

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// `downlink` or `uplink`; fixed once the product exists.
    pub direction: Option<String>,
    /// One of the categories, e.g. `fruit`, `fertiliser`, `appliances`.
    pub category: Option<String>,
    /// The Chinese name.
    pub name: Option<String>,
    /// The English name; blank clears it.
    pub name_en: Option<String>,
    /// `kg`, `jin`, `piece`, `box`, `carton`, `bag`, `bottle` or `crate`.
    pub sale_unit: Option<String>,
    /// Net weight of one unit in grams; implied for `kg` and `jin`.
    pub unit_grams: Option<i64>,
    /// Volume of one unit in cm³.
    pub unit_cm3: Option<i64>,
    /// The barcode number (GTIN-8/12/13/14); blank clears it.
    pub gtin: Option<String>,
    /// `ambient` (default), `chilled` or `frozen`.
    pub storage_class: Option<String>,
    /// 1–3650.
    pub shelf_life_days: Option<i64>,
    /// Weight loss tolerated per hand-off, basis points (0–3000, default 0).
    pub tolerance_bps: Option<i64>,
    /// Whether intake needs the compliance certificate; default yes for farm products.
    pub requires_certificate: Option<bool>,
    /// Farm products: the grades, best first; replaces the whole scheme when given.
    pub grades: Option<Vec<GradeInput>>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeInput {
    /// e.g. `special`, `first`, `second`.
    pub code: Option<String>,
    /// e.g. 特级.
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    /// Price factor in basis points of the listing price, 1–20000; one grade is the base, 10000.
    pub factor_bps: Option<i64>,
    /// What the grade means, in words.
    pub criteria: Option<String>,
}

/// The grade scheme of an input, every wrong part named as `grades[i].field`.
fn grades_field(ck: &mut Checker, direction: Direction, given: Option<&[GradeInput]>, base: Vec<Grade>) -> Vec<Grade> {
    let grades: Vec<Grade> = match given {
        None => base,
        Some(gs) => gs
            .iter()
            .enumerate()
            .map(|(i, g)| {
                if g.factor_bps.is_none() {
                    ck.push(FieldError::new(format!("grades[{i}].factor_bps"), "required"));
                }
                Grade {
                    code: g.code.clone().unwrap_or_default(),
                    name_zh: g.name_zh.clone().unwrap_or_default(),
                    name_en: g.name_en.clone(),
                    // A missing factor is reported above as missing, not as out of range.
                    factor_bps: g.factor_bps.unwrap_or(rules::BASE_FACTOR_BPS),
                    criteria: g.criteria.clone().unwrap_or_default(),
                }
            })
            .collect(),
    };
    match GradeScheme::parse(direction, grades) {
        Ok(s) => s.into_grades(),
        Err(inv) => {
            inv.0.into_iter().for_each(|e| ck.push(e));
            Vec::new()
        }
    }
}

fn build_product(county: CountyId, s: &Standing, i: &ProductInput, base: Option<&Product>) -> Result<Product> {
    let mut ck = Checker::new();
    let direction = match (base, &i.direction) {
        (Some(b), Some(d)) if d.trim() != b.direction.as_str() => {
            ck.push(FieldError::new("direction", "immutable"));
            None
        }
        (Some(b), _) => Some(b.direction),
        (None, d) => choice(&mut ck, "direction", d, None, Direction::parse),
    };
    if let Some(d) = direction
        && base.is_none()
        && !s.may_offer(d)
    {
        ck.push(FieldError::new("direction", "direction-not-allowed"));
    }
    let category = choice(&mut ck, "category", &i.category, base.map(|b| b.category.as_str()), Category::parse);
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let name_en = optional_text(&i.name_en, base.and_then(|b| b.name_en.clone()));
    let name_en = match name_en {
        Some(n) => ck.take("name_en", text::name(&n, NAME_MAX)).map(Some),
        None => Some(None),
    };
    let unit = choice(&mut ck, "sale_unit", &i.sale_unit, base.map(|b| b.sale_unit.as_str()), SaleUnit::parse);
    // A changed unit brings its own weight: a kg product turned into a bag needs a new one.
    let same_unit = base.is_some_and(|b| Some(b.sale_unit) == unit);
    let grams = i.unit_grams.or(base.filter(|_| same_unit).map(|b| b.unit_grams.0));
    let grams = unit.and_then(|u| ck.take("unit_grams", rules::unit_grams(u, grams)));
    let cm3 = required(&mut ck, "unit_cm3", &i.unit_cm3, base.map(|b| b.unit_cm3))
        .and_then(|n| ck.take("unit_cm3", rules::unit_cm3(n)));
    let gtin = match optional_text(&i.gtin, base.and_then(|b| b.gtin.as_ref().map(|g| g.as_str().to_string()))) {
        Some(g) => ck.take("gtin", Gtin::parse(&g)).map(Some),
        None => Some(None),
    };
    let storage = i.storage_class.clone().or(Some(base.map_or("ambient", |b| b.storage_class.as_str()).into()));
    let storage = choice(&mut ck, "storage_class", &storage, None, StorageClass::parse);
    let shelf = required(&mut ck, "shelf_life_days", &i.shelf_life_days, base.map(|b| b.shelf_life_days))
        .and_then(|n| ck.take("shelf_life_days", rules::shelf_life_days(n)));
    let tolerance =
        ck.take("tolerance_bps", rules::tolerance_bps(i.tolerance_bps.or(base.map(|b| b.tolerance_bps)).unwrap_or(0)));
    let certificate =
        i.requires_certificate.or(base.map(|b| b.requires_certificate)).unwrap_or(direction == Some(Direction::Uplink));
    let grades = match direction {
        Some(d) => grades_field(&mut ck, d, i.grades.as_deref(), base.map(|b| b.grades.clone()).unwrap_or_default()),
        None => Vec::new(),
    };
    ck.finish()?;
    let (Some(direction), Some(category), Some(name), Some(name_en), Some(sale_unit), Some(unit_grams)) =
        (direction, category, name, name_en, unit, grams)
    else {
        return Err(incomplete());
    };
    let (Some(unit_cm3), Some(gtin), Some(storage_class), Some(shelf_life_days), Some(tolerance_bps)) =
        (cm3, gtin, storage, shelf, tolerance)
    else {
        return Err(incomplete());
    };
    Ok(Product {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county,
        direction,
        category,
        name,
        name_en,
        sale_unit,
        unit_grams,
        unit_cm3,
        gtin,
        storage_class,
        shelf_life_days,
        tolerance_bps,
        requires_certificate: certificate,
        grades,
    })
}

pub async fn create_product(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: ProductInput,
    idem: Option<&IdemKey>,
) -> Result<Product> {
    actor.authorize(county, Action::ListForSale)?;
    let x = build_product(county, &Standing::of(actor, county), &input, None)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    repo::insert_product(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn update_product(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: ProductId,
    input: ProductInput,
) -> Result<Product> {
    actor.authorize(county, Action::ManageCatalog)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_product(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let x = build_product(county, &Standing::of(actor, county), &input, Some(&base))?;
    repo::update_product(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_product(db: &Db, actor: &Actor, county: CountyId, id: ProductId) -> Result<Product> {
    actor.authorize(county, Action::ReadCatalog)?;
    let mut c = db.reader().await?;
    repo::get_product(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

/// `GET …/products` and `GET …/listings`: search text and filters, then the page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// Part of the product's Chinese or English name, or its pinyin initials (`pt` finds 葡萄).
    pub q: Option<String>,
    /// A category code, e.g. `fruit`.
    pub category: Option<String>,
    /// `downlink` or `uplink`.
    pub direction: Option<String>,
    /// Listings only: the village the farm product comes from.
    pub village_id: Option<String>,
    /// Listings only: the seller.
    pub seller_id: Option<String>,
    /// Listings only: the product.
    pub product_id: Option<String>,
    /// Listings only: also the listings their sellers switched off (default false).
    pub include_inactive: Option<bool>,
    /// Rows per page, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

impl CatalogQuery {
    fn filter(&self) -> Result<(CatalogFilter, uplink_store::row::PageReq)> {
        let paging = ListQuery { q: self.q.clone(), limit: self.limit, offset: self.offset };
        let mut ck = Checker::new();
        let page = named(&mut ck, paging.page());
        let q = named(&mut ck, paging.search().map(|q| q.trim().to_string()));
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let category = given(&self.category).and_then(|c| ck.take("category", Category::parse(&c)));
        let direction = given(&self.direction).and_then(|d| ck.take("direction", Direction::parse(&d)));
        let village = given(&self.village_id).and_then(|v| ck.take("village_id", v.parse().map_err(|_| bad_id())));
        let seller = given(&self.seller_id).and_then(|v| ck.take("seller_id", v.parse().map_err(|_| bad_id())));
        let product = given(&self.product_id).and_then(|v| ck.take("product_id", v.parse().map_err(|_| bad_id())));
        ck.finish()?;
        let (Some(page), Some(q)) = (page, q) else { return Err(incomplete()) };
        let include_inactive = self.include_inactive.unwrap_or(false);
        Ok((CatalogFilter { q, category, direction, village, seller, product, include_inactive }, page))
    }
}

/// Keeps a value whose error already names its field (`limit`, `offset`, `q`).
fn named<T>(ck: &mut Checker, r: std::result::Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| ck.push(e)).ok()
}

fn bad_id() -> FieldError {
    FieldError::new("", "bad-id")
}

pub async fn list_products(db: &Db, actor: &Actor, county: CountyId, q: &CatalogQuery) -> Result<Page<Product>> {
    actor.authorize(county, Action::ReadCatalog)?;
    let (f, p) = q.filter()?;
    let mut c = db.reader().await?;
    let (items, total) = repo::list_products(&mut c, county, &f, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}
