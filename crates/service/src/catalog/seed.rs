//! A believable, deterministic catalog for a generated county: downlink goods from its
//! suppliers with stock at the hub, and farm products with grade schemes offered by its farmers
//! and co-ops from their villages. Also a bulk catalog of any size, for measuring search.

use crate::error::{Result, ServiceError};
use uplink_core::catalog::{
    Category, Direction, Grade, GradeScheme, Gtin, Listing, Product, SaleUnit, StorageClass, grade_price,
};
use uplink_core::people::Role;
use uplink_core::records::Person;
use uplink_core::*;
use uplink_store::catalog as repo;
use uplink_store::people::{PeopleFilter, list_people};
use uplink_store::row::PageReq;
use uplink_store::{Conn, Db, StoreError, network as places};

/// What [`seed_catalog`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogSeeded {
    pub products: usize,
    pub listings: usize,
}

/// A downlink good: name, English name, category, unit, grams and cm³ per unit, shelf life
/// (days), price (fen) and units in stock.
type Good = (&'static str, &'static str, Category, SaleUnit, i64, i64, i64, i64, i64);

const GOODS: &[Good] = &[
    ("电饭煲", "Rice cooker", Category::Appliances, SaleUnit::Piece, 3_200, 30_000, 3650, 19_900, 40),
    ("电风扇", "Electric fan", Category::Appliances, SaleUnit::Piece, 4_500, 60_000, 3650, 12_900, 25),
    ("复合肥 50kg", "Compound fertiliser 50 kg", Category::Fertiliser, SaleUnit::Bag, 50_000, 60_000, 720, 16_500, 300),
    ("尿素 40kg", "Urea 40 kg", Category::Fertiliser, SaleUnit::Bag, 40_000, 45_000, 720, 11_800, 200),
    ("玉米种子", "Maize seed", Category::Seed, SaleUnit::Bag, 2_000, 2_800, 365, 5_000, 500),
    ("杀虫剂", "Insecticide", Category::Pesticide, SaleUnit::Bottle, 500, 600, 730, 2_800, 60),
    ("洗衣粉", "Washing powder", Category::Groceries, SaleUnit::Bag, 1_500, 2_500, 1095, 1_990, 120),
    ("卫生纸 10卷", "Toilet paper, 10 rolls", Category::Groceries, SaleUnit::Bag, 1_200, 12_000, 1095, 2_590, 100),
    ("菜籽油 5L", "Rapeseed oil 5 L", Category::Grain, SaleUnit::Bottle, 4_600, 5_500, 540, 7_990, 80),
    ("大米 10kg", "Rice 10 kg", Category::Grain, SaleUnit::Bag, 10_000, 13_000, 365, 5_990, 150),
];

/// A farm product: name, English name, category, unit, grams and cm³ per unit, storage, shelf
/// life, loss tolerance (bps), grades (code, 中文, English, factor, criteria), base price (fen),
/// units offered and harvest date.
struct Crop {
    name: &'static str,
    name_en: &'static str,
    category: Category,
    unit: SaleUnit,
    grams_cm3: (i64, i64),
    storage: StorageClass,
    shelf_days: i64,
    tolerance_bps: i64,
    grades: &'static [(&'static str, &'static str, &'static str, i64, &'static str)],
    price_fen: i64,
    offered: i64,
    harvest: &'static str,
}

const CROPS: &[Crop] = &[
    Crop {
        name: "葡萄（夏黑）",
        name_en: "Grapes (Summer Black)",
        category: Category::Fruit,
        unit: SaleUnit::Kg,
        grams_cm3: (1_000, 2_200),
        storage: StorageClass::Chilled,
        shelf_days: 10,
        tolerance_bps: 200,
        grades: &[
            ("special", "特级", "Special", 12_000, "果粒直径 ≥ 22 mm，穗形完整，无裂果、无病斑"),
            ("first", "一级", "First", 10_000, "果粒直径 18–22 mm，穗形较完整，裂果 ≤ 2 %"),
            ("second", "二级", "Second", 8_000, "果粒直径 < 18 mm 或穗形不整，无腐烂"),
        ],
        price_fen: 800,
        offered: 1_500,
        harvest: "2026-08-03",
    },
    Crop {
        name: "核桃",
        name_en: "Walnuts",
        category: Category::Nuts,
        unit: SaleUnit::Kg,
        grams_cm3: (1_000, 3_500),
        storage: StorageClass::Ambient,
        shelf_days: 365,
        tolerance_bps: 50,
        grades: &[
            ("special", "特级", "Special", 11_500, "横径 ≥ 32 mm，出仁率 ≥ 50 %，壳薄易取仁"),
            ("first", "一级", "First", 10_000, "横径 28–32 mm，出仁率 ≥ 45 %"),
            ("second", "二级", "Second", 8_500, "横径 < 28 mm，无霉变虫蛀"),
        ],
        price_fen: 2_400,
        offered: 3_000,
        harvest: "2026-09-15",
    },
    Crop {
        name: "大蒜（紫皮）",
        name_en: "Garlic (purple skin)",
        category: Category::Vegetables,
        unit: SaleUnit::Kg,
        grams_cm3: (1_000, 2_500),
        storage: StorageClass::Ambient,
        shelf_days: 120,
        tolerance_bps: 100,
        grades: &[
            ("first", "一级", "First", 10_000, "蒜头直径 ≥ 5 cm，外皮完整，无发芽"),
            ("second", "二级", "Second", 8_000, "蒜头直径 4–5 cm，无霉烂"),
        ],
        price_fen: 600,
        offered: 5_000,
        harvest: "2026-05-10",
    },
    Crop {
        name: "石榴",
        name_en: "Pomegranate",
        category: Category::Fruit,
        unit: SaleUnit::Kg,
        grams_cm3: (1_000, 3_000),
        storage: StorageClass::Ambient,
        shelf_days: 45,
        tolerance_bps: 150,
        grades: &[
            ("special", "特级", "Special", 13_000, "单果 ≥ 400 g，果皮红亮，无裂口"),
            ("first", "一级", "First", 10_000, "单果 300–400 g，果皮轻微斑点"),
            ("second", "二级", "Second", 7_500, "单果 < 300 g 或有小裂口"),
        ],
        price_fen: 900,
        offered: 2_000,
        harvest: "2026-09-01",
    },
    Crop {
        name: "野生菌（鸡枞）",
        name_en: "Wild mushrooms (termite mushroom)",
        category: Category::Mushrooms,
        unit: SaleUnit::Kg,
        grams_cm3: (1_000, 4_000),
        storage: StorageClass::Chilled,
        shelf_days: 3,
        tolerance_bps: 300,
        grades: &[
            ("special", "特级", "Special", 12_500, "菌盖未开，长 ≥ 10 cm，无虫眼、无泥沙"),
            ("first", "一级", "First", 10_000, "菌盖微开，无虫眼"),
        ],
        price_fen: 9_000,
        offered: 200,
        harvest: "2026-07-20",
    },
    Crop {
        name: "普洱茶",
        name_en: "Pu'er tea, 357 g cake",
        category: Category::Tea,
        unit: SaleUnit::Piece,
        grams_cm3: (357, 600),
        storage: StorageClass::Ambient,
        shelf_days: 3650,
        tolerance_bps: 20,
        grades: &[
            ("first", "一级", "First", 10_000, "春茶，条索紧结，无杂质"),
            ("second", "二级", "Second", 8_000, "夏秋茶，条索较松"),
        ],
        price_fen: 16_800,
        offered: 400,
        harvest: "2026-04-10",
    },
    Crop {
        name: "花椒",
        name_en: "Sichuan pepper",
        category: Category::Spices,
        unit: SaleUnit::Jin,
        grams_cm3: (500, 1_500),
        storage: StorageClass::Ambient,
        shelf_days: 365,
        tolerance_bps: 50,
        grades: &[
            ("special", "特级", "Special", 12_000, "色泽红亮，开口率 ≥ 95 %，无椒籽"),
            ("first", "一级", "First", 10_000, "开口率 ≥ 90 %，椒籽 ≤ 3 %"),
        ],
        price_fen: 4_500,
        offered: 600,
        harvest: "2026-07-05",
    },
];

fn corrupt(what: &str) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!("demo catalog: {what}")))
}

/// The sellers of a role, in a stable order (by phone: generated names may repeat).
async fn sellers(c: &mut Conn, county: CountyId, role: Role) -> Result<Vec<Person>> {
    let f = PeopleFilter { q: String::new(), roles: vec![role] };
    let (mut found, _) = list_people(c, county, &f, PageReq { limit: 100_000, offset: 0 }).await?;
    found.sort_by(|a, b| a.phone.cmp(&b.phone));
    Ok(found)
}

fn downlink_product(county: CountyId, n: usize, g: &Good) -> Result<Product> {
    let &(name, name_en, category, sale_unit, grams, cm3, shelf, _, _) = g;
    // GS1 prefix 200–299 is for restricted circulation: these demo barcodes belong to no real good.
    let gtin = Gtin::with_check_digit(&format!("200{:09}", n + 1)).map_err(|_| corrupt("gtin"))?;
    Ok(Product {
        id: ProductId::new(),
        county_id: county,
        direction: Direction::Downlink,
        category,
        name: name.into(),
        name_en: Some(name_en.into()),
        sale_unit,
        unit_grams: Grams(grams),
        unit_cm3: cm3,
        gtin: Some(gtin),
        storage_class: StorageClass::Ambient,
        shelf_life_days: shelf,
        tolerance_bps: 0,
        requires_certificate: false,
        grades: vec![],
    })
}

fn uplink_product(county: CountyId, k: &Crop) -> Result<Product> {
    let grades = k
        .grades
        .iter()
        .map(|&(code, zh, en, factor_bps, criteria)| Grade {
            code: code.into(),
            name_zh: zh.into(),
            name_en: Some(en.into()),
            factor_bps,
            criteria: criteria.into(),
        })
        .collect();
    let scheme = GradeScheme::parse(Direction::Uplink, grades).map_err(|e| corrupt(&e.to_string()))?;
    Ok(Product {
        id: ProductId::new(),
        county_id: county,
        direction: Direction::Uplink,
        category: k.category,
        name: k.name.into(),
        name_en: Some(k.name_en.into()),
        sale_unit: k.unit,
        unit_grams: Grams(k.grams_cm3.0),
        unit_cm3: k.grams_cm3.1,
        gtin: None,
        storage_class: k.storage,
        shelf_life_days: k.shelf_days,
        tolerance_bps: k.tolerance_bps,
        requires_certificate: true,
        grades: scheme.into_grades(),
    })
}

/// A listing of `p` by `seller`: stock for downlink goods, an offered harvest from the seller's
/// village for farm products.
async fn list(c: &mut Conn, p: &Product, seller: &Person, price: i64, units: i64, harvest: &str) -> Result<()> {
    let up = p.direction == Direction::Uplink;
    let village = match seller.village_id.filter(|_| up) {
        Some(v) => places::get_village(c, p.county_id, v).await?,
        None => None,
    };
    let x = Listing {
        id: ListingId::new(),
        county_id: p.county_id,
        product_id: p.id,
        seller_id: seller.id,
        seller_name: seller.name.clone(),
        direction: p.direction,
        price_fen: Fen(price),
        stock_units: (!up).then_some(units),
        offered_units: up.then_some(units),
        harvest_date: up.then(|| harvest.to_string()),
        origin_village_id: village.as_ref().map(|v| v.id),
        origin_village_name: village.map(|v| v.name),
        min_order_units: 1,
        active: true,
        grade_prices: GradeScheme::trusted(p.grades.clone()).prices(Fen(price)),
        product: p.clone(),
        seller_trust: None,
    };
    repo::insert_listing(c, &x).await?;
    Ok(())
}

/// Gives the county on `c` its demo catalog. Run it inside the seeding transaction, after the
/// people: each good is listed by a supplier in turn; each farm product by two farmers who have
/// no login (the agent acts for them) and by a co-op, at slightly different prices.
pub async fn seed_catalog(c: &mut Conn, county: CountyId) -> Result<CatalogSeeded> {
    let suppliers = sellers(c, county, Role::Supplier).await?;
    let farmers: Vec<Person> =
        sellers(c, county, Role::Farmer).await?.into_iter().filter(|p| p.username.is_none()).collect();
    let coops = sellers(c, county, Role::Coop).await?;
    let mut out = CatalogSeeded::default();
    for (n, g) in GOODS.iter().enumerate() {
        let p = downlink_product(county, n, g)?;
        repo::insert_product(c, &p).await?;
        out.products += 1;
        if let Some(s) = suppliers.get(n % suppliers.len().max(1)) {
            list(c, &p, s, g.7, g.8, "").await?;
            out.listings += 1;
        }
    }
    for (n, k) in CROPS.iter().enumerate() {
        let p = uplink_product(county, k)?;
        repo::insert_product(c, &p).await?;
        out.products += 1;
        let mut offers: Vec<&Person> = Vec::new();
        if !farmers.is_empty() {
            offers.push(&farmers[(2 * n) % farmers.len()]);
            offers.push(&farmers[(2 * n + 1) % farmers.len()]);
        }
        offers.extend(coops.get(n % coops.len().max(1)));
        for (j, s) in offers.into_iter().enumerate() {
            // Prices differ by a few per cent between sellers, as at a real market.
            let price = grade_price(Fen(k.price_fen), 10_000 - 300 * j as i64).map_or(k.price_fen, |f| f.0);
            list(c, &p, s, price, k.offered / (j as i64 + 1), k.harvest).await?;
            out.listings += 1;
        }
    }
    Ok(out)
}

/// Adds `n` more products, each with one listing, to a seeded county: names combine a place or
/// quality with a product of the demo catalog and a number, so searches match realistic
/// fractions of them. For measuring search on a big catalog; returns how many were written.
pub async fn seed_bulk_catalog(db: &Db, county: CountyId, n: usize) -> Result<usize> {
    const QUALIFIERS: &[&str] = &["宾川", "有机", "精选", "高山", "农家", "新鲜", "云南", "老树", "生态", "特产"];
    let mut tx = db.begin().await?;
    let suppliers = sellers(&mut tx, county, Role::Supplier).await?;
    let farmers = sellers(&mut tx, county, Role::Farmer).await?;
    if suppliers.is_empty() || farmers.is_empty() {
        return Err(corrupt("the county has no suppliers or farmers"));
    }
    for i in 0..n {
        let q = QUALIFIERS[i % QUALIFIERS.len()];
        let (mut p, seller, price, units, harvest) = if i % 2 == 0 {
            let g = &GOODS[(i / 2) % GOODS.len()];
            let p = downlink_product(county, 1_000 + i, g)?;
            (p, &suppliers[i % suppliers.len()], g.7, g.8, "")
        } else {
            let k = &CROPS[(i / 2) % CROPS.len()];
            (uplink_product(county, k)?, &farmers[i % farmers.len()], k.price_fen, k.offered, k.harvest)
        };
        p.name = format!("{q}{} {i}", p.name);
        repo::insert_product(&mut tx, &p).await?;
        list(&mut tx, &p, seller, price, units, harvest).await?;
    }
    tx.commit().await?;
    let mut tx = db.begin().await?;
    repo::refresh_statistics(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}
