//! The catalog's tables: products and listings, the listing search, and the stock and offered
//! quantity reservations that orders make inside their own transaction. Every query filters by
//! `county_id`.

use crate::error::StoreError;
use crate::row::{self, PageReq, like_pattern};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::catalog::{
    Category, Direction, Grade, GradeScheme, Gtin, Listing, Product, SaleUnit, StorageClass, search_key,
};
use uplink_core::*;

const PRODUCT_COLUMNS: &str = "p.county_id, p.product_id, p.direction, p.category, p.name, p.name_en, p.sale_unit, \
                               p.unit_grams, p.unit_cm3, p.gtin, p.storage_class, p.shelf_life_days, p.tolerance_bps, \
                               p.requires_certificate, p.grades";

fn product_from(r: &AnyRow) -> Result<Product, StoreError> {
    let grades = row::text(r, "grades")?;
    let grades: Vec<Grade> =
        serde_json::from_str(&grades).map_err(|e| StoreError::Corrupt(format!("grades of a product: {e}")))?;
    Ok(Product {
        id: row::id(r, "product_id")?,
        county_id: row::id(r, "county_id")?,
        direction: row::choice(r, "direction", Direction::parse)?,
        category: row::choice(r, "category", Category::parse)?,
        name: row::text(r, "name")?,
        name_en: row::opt_text(r, "name_en")?,
        sale_unit: row::choice(r, "sale_unit", SaleUnit::parse)?,
        unit_grams: Grams(row::int(r, "unit_grams")?),
        unit_cm3: row::int(r, "unit_cm3")?,
        gtin: row::opt_choice(r, "gtin", Gtin::parse)?,
        storage_class: row::choice(r, "storage_class", StorageClass::parse)?,
        shelf_life_days: row::int(r, "shelf_life_days")?,
        tolerance_bps: row::int(r, "tolerance_bps")?,
        requires_certificate: row::flag(r, "requires_certificate")?,
        grades,
    })
}

fn grades_json(x: &Product) -> Result<String, StoreError> {
    serde_json::to_string(&x.grades).map_err(|e| StoreError::Corrupt(format!("grades not serialisable: {e}")))
}

pub async fn insert_product(c: &mut AnyConnection, x: &Product) -> Result<(), StoreError> {
    let now = crate::now_us();
    sqlx::query(
        "INSERT INTO products (county_id, product_id, direction, category, name, name_en, sale_unit, unit_grams, \
         unit_cm3, gtin, storage_class, shelf_life_days, tolerance_bps, requires_certificate, grades, search_key, \
         created_us, updated_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.direction.as_str())
    .bind(x.category.as_str())
    .bind(&x.name)
    .bind(x.name_en.as_deref())
    .bind(x.sale_unit.as_str())
    .bind(x.unit_grams.0)
    .bind(x.unit_cm3)
    .bind(x.gtin.as_ref().map(|g| g.as_str().to_string()))
    .bind(x.storage_class.as_str())
    .bind(x.shelf_life_days)
    .bind(x.tolerance_bps)
    .bind(i64::from(x.requires_certificate))
    .bind(grades_json(x)?)
    .bind(search_key(&x.name, x.name_en.as_deref()))
    .bind(now)
    .bind(now)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Rewrites every field but the direction, which listings and orders depend on, and the
/// copies of category and search key that the product's listings carry.
pub async fn update_product(c: &mut AnyConnection, x: &Product) -> Result<(), StoreError> {
    let key = search_key(&x.name, x.name_en.as_deref());
    sqlx::query("UPDATE listings SET category=$3, search_key=$4 WHERE county_id=$1 AND product_id=$2")
        .bind(x.county_id.to_string())
        .bind(x.id.to_string())
        .bind(x.category.as_str())
        .bind(&key)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "UPDATE products SET category=$3, name=$4, name_en=$5, sale_unit=$6, unit_grams=$7, unit_cm3=$8, gtin=$9, \
         storage_class=$10, shelf_life_days=$11, tolerance_bps=$12, requires_certificate=$13, grades=$14, \
         search_key=$15, updated_us=$16 WHERE county_id=$1 AND product_id=$2",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.category.as_str())
    .bind(&x.name)
    .bind(x.name_en.as_deref())
    .bind(x.sale_unit.as_str())
    .bind(x.unit_grams.0)
    .bind(x.unit_cm3)
    .bind(x.gtin.as_ref().map(|g| g.as_str().to_string()))
    .bind(x.storage_class.as_str())
    .bind(x.shelf_life_days)
    .bind(x.tolerance_bps)
    .bind(i64::from(x.requires_certificate))
    .bind(grades_json(x)?)
    .bind(key)
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_product(
    c: &mut AnyConnection,
    county: CountyId,
    id: ProductId,
) -> Result<Option<Product>, StoreError> {
    let r =
        sqlx::query(&format!("SELECT {PRODUCT_COLUMNS} FROM products p WHERE p.county_id = $1 AND p.product_id = $2"))
            .bind(county.to_string())
            .bind(id.to_string())
            .fetch_optional(c)
            .await?;
    r.as_ref().map(product_from).transpose()
}

/// What to search the catalog for; every field narrows the result, `None`/empty means any.
#[derive(Debug, Clone, Default)]
pub struct CatalogFilter {
    /// Part of a product's Chinese or English name, or of its pinyin initials.
    pub q: String,
    pub category: Option<Category>,
    pub direction: Option<Direction>,
    /// Listings only: the village of origin, the seller, the product, and whether to include
    /// listings the seller has switched off.
    pub village: Option<VillageId>,
    pub seller: Option<PersonId>,
    pub product: Option<ProductId>,
    pub include_inactive: bool,
}

/// The `WHERE` conditions of a filter and the text values they bind, numbered from `$2` (`$1`
/// is the county). Only the conditions asked for are in the SQL, so each backend plans the
/// query it is really given instead of one with `($n = '' OR …)` for every filter.
fn conditions(f: &CatalogFilter, listings: bool) -> (String, Vec<String>) {
    // Listings carry copies of their product's direction, category and search key.
    let t = if listings { "l" } else { "p" };
    let mut sql = String::new();
    let mut args = Vec::new();
    let mut add = |cond: &str, v: String, tail: &str| {
        args.push(v);
        sql.push_str(&format!(" AND {cond} ${}{tail}", args.len() + 1));
    };
    if !f.q.trim().is_empty() {
        add(&format!("{t}.search_key LIKE"), like_pattern(&f.q), " ESCAPE '\\'");
    }
    if let Some(x) = f.category {
        add(&format!("{t}.category ="), x.as_str().to_string(), "");
    }
    if let Some(x) = f.direction {
        add(&format!("{t}.direction ="), x.as_str().to_string(), "");
    }
    if listings {
        if let Some(x) = f.village {
            add("l.origin_village_id =", x.to_string(), "");
        }
        if let Some(x) = f.seller {
            add("l.seller_id =", x.to_string(), "");
        }
        if let Some(x) = f.product {
            add("l.product_id =", x.to_string(), "");
        }
        if !f.include_inactive {
            // A literal, not a bound text: PostgreSQL will not compare a BIGINT with TEXT.
            sql.push_str(" AND l.active = 1");
        }
    }
    (sql, args)
}

/// The SQL of a list: what is selected from which join, the table the count needs (the filter
/// names only its columns), the county column and the order.
struct ListSql<'a> {
    columns: &'a str,
    from: &'a str,
    count_from: &'a str,
    county_col: &'a str,
    order: &'a str,
}

/// Runs a filtered list and its count; the filter's values are bound after the county, then
/// the limit and offset.
async fn page<T>(
    c: &mut AnyConnection,
    ListSql { columns, from, count_from, county_col, order }: ListSql<'_>,
    county: CountyId,
    (cond, args): (String, Vec<String>),
    p: PageReq,
    map: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<(Vec<T>, i64), StoreError> {
    let filter = format!("WHERE {county_col} = $1{cond}");
    let count_sql = format!("SELECT COUNT(*) FROM {count_from} {filter}");
    let mut count = sqlx::query_scalar(&count_sql).bind(county.to_string());
    for a in &args {
        count = count.bind(a.clone());
    }
    let total: i64 = count.fetch_one(&mut *c).await?;
    let n = args.len();
    let sql = format!("SELECT {columns} FROM {from} {filter} ORDER BY {order} LIMIT ${} OFFSET ${}", n + 2, n + 3);
    let mut q = sqlx::query(&sql).bind(county.to_string());
    for a in &args {
        q = q.bind(a.clone());
    }
    let rows = q.bind(p.limit).bind(p.offset).fetch_all(&mut *c).await?;
    Ok((rows.iter().map(map).collect::<Result<_, _>>()?, total))
}

pub async fn list_products(
    c: &mut AnyConnection,
    county: CountyId,
    f: &CatalogFilter,
    p: PageReq,
) -> Result<(Vec<Product>, i64), StoreError> {
    page(
        c,
        ListSql {
            columns: PRODUCT_COLUMNS,
            from: "products p",
            count_from: "products p",
            county_col: "p.county_id",
            order: "p.name, p.product_id",
        },
        county,
        conditions(f, false),
        p,
        product_from,
    )
    .await
}

const LISTING_FROM: &str = "listings l \
    JOIN products p ON p.county_id = l.county_id AND p.product_id = l.product_id \
    JOIN people s ON s.county_id = l.county_id AND s.person_id = l.seller_id \
    LEFT JOIN villages v ON v.county_id = l.county_id AND v.village_id = l.origin_village_id";

fn listing_columns() -> String {
    format!(
        "{PRODUCT_COLUMNS}, l.listing_id, l.seller_id, l.price_fen, l.stock_units, l.offered_units, l.harvest_date, \
         l.origin_village_id, l.min_order_units, l.active, s.name AS seller_name, v.name AS village_name"
    )
}

fn listing_from(r: &AnyRow) -> Result<Listing, StoreError> {
    let product = product_from(r)?;
    let price = Fen(row::int(r, "price_fen")?);
    let grade_prices = GradeScheme::trusted(product.grades.clone()).prices(price);
    Ok(Listing {
        id: row::id(r, "listing_id")?,
        county_id: product.county_id,
        product_id: product.id,
        seller_id: row::id(r, "seller_id")?,
        seller_name: row::text(r, "seller_name")?,
        direction: product.direction,
        price_fen: price,
        stock_units: row::opt_int(r, "stock_units")?,
        offered_units: row::opt_int(r, "offered_units")?,
        harvest_date: row::opt_text(r, "harvest_date")?,
        origin_village_id: row::opt_id(r, "origin_village_id")?,
        origin_village_name: row::opt_text(r, "village_name")?,
        min_order_units: row::int(r, "min_order_units")?,
        active: row::flag(r, "active")?,
        grade_prices,
        product,
        seller_trust: None,
    })
}

/// Stores a listing's own fields; the product, names and grade prices it carries are views.
pub async fn insert_listing(c: &mut AnyConnection, x: &Listing) -> Result<(), StoreError> {
    let now = crate::now_us();
    sqlx::query(
        "INSERT INTO listings (county_id, listing_id, product_id, seller_id, price_fen, stock_units, offered_units, \
         harvest_date, origin_village_id, min_order_units, active, created_us, updated_us, direction, category, \
         search_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.product_id.to_string())
    .bind(x.seller_id.to_string())
    .bind(x.price_fen.0)
    .bind(x.stock_units)
    .bind(x.offered_units)
    .bind(x.harvest_date.as_deref())
    .bind(x.origin_village_id.map(|v| v.to_string()))
    .bind(x.min_order_units)
    .bind(i64::from(x.active))
    .bind(now)
    .bind(now)
    .bind(x.product.direction.as_str())
    .bind(x.product.category.as_str())
    .bind(search_key(&x.product.name, x.product.name_en.as_deref()))
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Rewrites what a seller may change; the product and the seller stay.
pub async fn update_listing(c: &mut AnyConnection, x: &Listing) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE listings SET price_fen=$3, stock_units=$4, offered_units=$5, harvest_date=$6, origin_village_id=$7, \
         min_order_units=$8, active=$9, updated_us=$10 WHERE county_id=$1 AND listing_id=$2",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.price_fen.0)
    .bind(x.stock_units)
    .bind(x.offered_units)
    .bind(x.harvest_date.as_deref())
    .bind(x.origin_village_id.map(|v| v.to_string()))
    .bind(x.min_order_units)
    .bind(i64::from(x.active))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_listing(
    c: &mut AnyConnection,
    county: CountyId,
    id: ListingId,
) -> Result<Option<Listing>, StoreError> {
    let r = sqlx::query(&format!(
        "SELECT {} FROM {LISTING_FROM} WHERE l.county_id = $1 AND l.listing_id = $2",
        listing_columns()
    ))
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_optional(c)
    .await?;
    r.as_ref().map(listing_from).transpose()
}

/// Listings matching `f`, newest first (listing ids are time-ordered), with the total.
pub async fn search_listings(
    c: &mut AnyConnection,
    county: CountyId,
    f: &CatalogFilter,
    p: PageReq,
) -> Result<(Vec<Listing>, i64), StoreError> {
    let cols = listing_columns();
    // Every listing has a product and a seller (foreign keys) and the village join is a LEFT
    // one, so the count needs the listings table alone.
    let sql = ListSql {
        columns: &cols,
        from: LISTING_FROM,
        count_from: "listings l",
        county_col: "l.county_id",
        order: "l.listing_id DESC",
    };
    page(c, sql, county, conditions(f, true), p, listing_from).await
}

/// Refreshes the planner's statistics of the catalog tables after a bulk load. Without them
/// PostgreSQL takes fresh tables for near-empty and may join 10,000 listings by nested loops
/// (seconds instead of milliseconds) until autovacuum analyzes them. The same text runs on SQLite.
pub async fn refresh_statistics(c: &mut AnyConnection) -> Result<(), StoreError> {
    for table in ["products", "listings"] {
        sqlx::query(&format!("ANALYZE {table}")).execute(&mut *c).await?;
    }
    Ok(())
}

/// Takes `units` from a downlink listing's stock at the hub, in one conditional UPDATE: true if
/// they were there (and the listing is active) and are now reserved, false if not, so two
/// concurrent orders for the last units cannot both succeed. Call it inside the order's
/// transaction. `units` ≤ 0 reserves nothing and answers false.
pub async fn reserve_stock(
    c: &mut AnyConnection,
    county: CountyId,
    listing: ListingId,
    units: i64,
) -> Result<bool, StoreError> {
    adjust(
        c,
        "UPDATE listings SET stock_units = stock_units - $3 WHERE county_id = $1 AND listing_id = $2 \
               AND stock_units >= $3 AND active = 1",
        county,
        listing,
        units,
    )
    .await
}

/// Gives `units` back to a downlink listing's stock (a cancelled or returned order), active or
/// not. False if the listing is not a downlink listing of this county or `units` ≤ 0.
pub async fn release_stock(
    c: &mut AnyConnection,
    county: CountyId,
    listing: ListingId,
    units: i64,
) -> Result<bool, StoreError> {
    adjust(
        c,
        "UPDATE listings SET stock_units = stock_units + $3 WHERE county_id = $1 AND listing_id = $2 \
               AND stock_units IS NOT NULL",
        county,
        listing,
        units,
    )
    .await
}

/// [`reserve_stock`] for an uplink listing's offered harvest.
pub async fn reserve_offered(
    c: &mut AnyConnection,
    county: CountyId,
    listing: ListingId,
    units: i64,
) -> Result<bool, StoreError> {
    adjust(
        c,
        "UPDATE listings SET offered_units = offered_units - $3 WHERE county_id = $1 AND listing_id = $2 \
               AND offered_units >= $3 AND active = 1",
        county,
        listing,
        units,
    )
    .await
}

/// [`release_stock`] for an uplink listing's offered harvest.
pub async fn release_offered(
    c: &mut AnyConnection,
    county: CountyId,
    listing: ListingId,
    units: i64,
) -> Result<bool, StoreError> {
    adjust(
        c,
        "UPDATE listings SET offered_units = offered_units + $3 WHERE county_id = $1 AND listing_id = $2 \
               AND offered_units IS NOT NULL",
        county,
        listing,
        units,
    )
    .await
}

async fn adjust(
    c: &mut AnyConnection,
    sql: &str,
    county: CountyId,
    listing: ListingId,
    units: i64,
) -> Result<bool, StoreError> {
    if units <= 0 {
        return Ok(false);
    }
    let done = sqlx::query(sql)
        .bind(county.to_string())
        .bind(listing.to_string())
        .bind(units)
        .execute(c)
        .await
        .map_err(StoreError::classify)?;
    Ok(done.rows_affected() == 1)
}
