//! The catalog: what a county trades, in both directions. A product says what a thing is (its
//! category, sale unit, weight and volume per unit, GTIN, storage, shelf life, the weight loss
//! tolerated between hand-offs and, for farm products, its grade scheme); a listing is one
//! seller's offer of it (price per unit, stock at the hub or an offered harvest). The rules every
//! product and listing must pass live here, once.

mod grades;
mod initials;

pub use crate::order::Direction;
pub use grades::{BASE_FACTOR_BPS, Grade, GradePrice, GradeScheme, MAX_FACTOR_BPS, grade_price};
pub use initials::{initials, search_key};

use crate::ids::*;
use crate::money::Fen;
use crate::validation::FieldError;
use crate::weight::Grams;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares a closed list of choices stored and sent by a snake_case name, each with its
/// Chinese and English names, so the list, its parser and its labels cannot drift apart.
macro_rules! choices {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $v,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $code,)* }
            }

            pub fn name_zh(self) -> &'static str {
                match self { $($name::$v => $zh,)* }
            }

            pub fn name_en(self) -> &'static str {
                match self { $($name::$v => $en,)* }
            }

            pub fn parse(s: &str) -> Result<$name, FieldError> {
                Self::ALL.iter().copied().find(|c| c.as_str() == s).ok_or_else(|| {
                    FieldError::new("", "unknown-choice")
                        .arg("allowed", Self::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }
    };
}

choices!(
    /// The county's product categories: a small global reference list, the same everywhere.
    Category {
        Appliances = "appliances", "家电", "Household appliances";
        Fertiliser = "fertiliser", "化肥", "Fertiliser";
        Seed = "seed", "种子", "Seed";
        Pesticide = "pesticide", "农药", "Pesticide";
        Groceries = "groceries", "日用品", "Groceries";
        Grain = "grain", "粮油", "Grain and oil";
        Fruit = "fruit", "水果", "Fruit";
        Nuts = "nuts", "坚果", "Nuts";
        Vegetables = "vegetables", "蔬菜", "Vegetables";
        Mushrooms = "mushrooms", "菌类", "Mushrooms";
        Tea = "tea", "茶叶", "Tea";
        Spices = "spices", "香料", "Spices";
        BeeProducts = "bee_products", "蜂产品", "Honey and bee products";
        Poultry = "poultry", "禽蛋", "Poultry and eggs";
    }
);

choices!(
    /// What one unit of a listing is: the buyer orders whole units.
    SaleUnit {
        Kg = "kg", "千克", "kg";
        Jin = "jin", "斤", "jin (500 g)";
        Piece = "piece", "件", "piece";
        Box = "box", "盒", "box";
        Carton = "carton", "箱", "carton";
        Bag = "bag", "袋", "bag";
        Bottle = "bottle", "瓶", "bottle";
        Crate = "crate", "筐", "crate";
    }
);

choices!(
    /// How a product must be kept: the dispatch plan puts chilled and frozen goods on
    /// refrigerated vehicles only.
    StorageClass {
        Ambient = "ambient", "常温", "ambient";
        Chilled = "chilled", "冷藏", "chilled";
        Frozen = "frozen", "冷冻", "frozen";
    }
);

impl SaleUnit {
    /// Units that are themselves a weight: their net weight is fixed, not declared.
    pub fn fixed_grams(self) -> Option<i64> {
        match self {
            SaleUnit::Kg => Some(1000),
            SaleUnit::Jin => Some(Grams::JIN),
            _ => None,
        }
    }
}

/// The net weight of one sale unit: more than nothing, and for kg and 斤 exactly that weight
/// (a "kg" of 900 g is short weight by definition). At most one tonne per unit.
pub fn unit_grams(unit: SaleUnit, grams: Option<i64>) -> Result<Grams, FieldError> {
    match (unit.fixed_grams(), grams) {
        (Some(f), None) => Ok(Grams(f)),
        (Some(f), Some(g)) if g != f => Err(FieldError::new("", "unit-weight-mismatch").arg("expected", f)),
        (_, None) => Err(FieldError::new("", "required")),
        (_, Some(g)) => {
            let g = Grams::positive(g)?;
            if g.0 > 1_000_000 {
                return Err(FieldError::new("", "out-of-range").arg("min", 1).arg("max", 1_000_000));
            }
            Ok(g)
        }
    }
}

/// Volume of one unit in cm³, what the vehicles' volume capacity is checked against. At most
/// 10 m³: bigger is not a parcel for a village station.
pub fn unit_cm3(n: i64) -> Result<i64, FieldError> {
    if n <= 0 {
        return Err(FieldError::new("", "must-be-positive").arg("actual", n));
    }
    bounded(n, 1, 10_000_000)
}

/// Shelf life in days, 1–3650: it bounds how long the goods may wait for a truck.
pub fn shelf_life_days(n: i64) -> Result<i64, FieldError> {
    bounded(n, 1, 3650)
}

/// Weight loss tolerated between two hand-offs, in basis points of the net weight (grapes lose
/// about 2 % = 200 on the road, walnuts 0.5 % = 50). A loss beyond it opens an incident, so more
/// than 30 % would hide any theft.
pub fn tolerance_bps(n: i64) -> Result<i64, FieldError> {
    bounded(n, 0, 3000)
}

/// A price per sale unit in fen: more than nothing, at most ¥10,000,000, so a line total of any
/// sane quantity stays far inside `i64`.
pub fn price(fen: i64) -> Result<Fen, FieldError> {
    if fen <= 0 {
        return Err(FieldError::new("", "must-be-positive").arg("actual", fen));
    }
    bounded(fen, 1, 1_000_000_000).map(Fen)
}

/// A count of units held or offered (stock at the hub, a harvest on offer): 0 means sold out.
pub fn units(n: i64) -> Result<i64, FieldError> {
    bounded(n, 0, 100_000_000)
}

/// The smallest order a seller accepts, in units.
pub fn min_order_units(n: i64) -> Result<i64, FieldError> {
    bounded(n, 1, 1_000_000)
}

fn bounded(n: i64, min: i64, max: i64) -> Result<i64, FieldError> {
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new("", "out-of-range").arg("min", min).arg("max", max))
    }
}

/// A GS1 trade item number (GTIN-8, -12, -13 or -14: EAN/UPC barcodes) with a valid check
/// digit, so a mistyped barcode is caught at the keyboard and not at the hub's scanner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Gtin(String);

impl Gtin {
    /// Parses digits as printed under a barcode; spaces and hyphens are ignored.
    pub fn parse(raw: &str) -> Result<Gtin, FieldError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !matches!(digits.len(), 8 | 12 | 13 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new("", "bad-gtin").arg("input", raw.trim()));
        }
        let (body, check) = digits.split_at(digits.len() - 1);
        let expected = Self::check_digit(body);
        if check.as_bytes()[0] - b'0' != expected {
            return Err(FieldError::new("", "gtin-check-digit").arg("expected", expected));
        }
        Ok(Gtin(digits))
    }

    /// The GS1 check digit of `body` (all digits but the last): weights 3 and 1 alternate from
    /// the right, and the digit tops the sum up to a multiple of ten. Non-digits count as 0.
    pub fn check_digit(body: &str) -> u8 {
        let sum: u32 = body
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| u32::from(b.saturating_sub(b'0')) * if i % 2 == 0 { 3 } else { 1 })
            .sum();
        ((10 - sum % 10) % 10) as u8
    }

    /// `body` completed with its check digit; for generating demo barcodes.
    pub fn with_check_digit(body: &str) -> Result<Gtin, FieldError> {
        Gtin::parse(&format!("{body}{}", Self::check_digit(body)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A product as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: ProductId,
    pub county_id: CountyId,
    pub direction: Direction,
    pub category: Category,
    /// The name in Chinese, as villagers and buyers know it.
    pub name: String,
    pub name_en: Option<String>,
    pub sale_unit: SaleUnit,
    /// Net weight of one sale unit, grams.
    #[schema(value_type = i64)]
    pub unit_grams: Grams,
    /// Volume of one sale unit, cm³.
    pub unit_cm3: i64,
    /// The barcode number, when the product has one.
    #[schema(value_type = Option<String>)]
    pub gtin: Option<Gtin>,
    pub storage_class: StorageClass,
    pub shelf_life_days: i64,
    /// Weight loss tolerated per hand-off, basis points (200 = 2 %).
    pub tolerance_bps: i64,
    /// Whether intake needs the farmer's compliance certificate (承诺达标合格证).
    pub requires_certificate: bool,
    /// Grades, best first; empty for downlink goods.
    pub grades: Vec<Grade>,
}

/// A seller's offer of a product, as shown: with the product, the seller's and the village's
/// names, and for farm products the price of every grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Listing {
    pub id: ListingId,
    pub county_id: CountyId,
    pub product_id: ProductId,
    pub seller_id: PersonId,
    pub seller_name: String,
    pub direction: Direction,
    /// Price per sale unit in fen; for farm products, the price of the base grade.
    #[schema(value_type = i64)]
    pub price_fen: Fen,
    /// Units in stock at the county hub (downlink only).
    pub stock_units: Option<i64>,
    /// Units of the harvest on offer (uplink only).
    pub offered_units: Option<i64>,
    /// `YYYY-MM-DD` (uplink only).
    pub harvest_date: Option<String>,
    /// The village the farm product comes from (uplink only).
    pub origin_village_id: Option<VillageId>,
    pub origin_village_name: Option<String>,
    pub min_order_units: i64,
    pub active: bool,
    /// Price per sale unit of every grade, best first (uplink only).
    pub grade_prices: Vec<GradePrice>,
    pub product: Product,
    /// The seller's trust score, 0–100 (50 for a newcomer), as of the request; every listing the
    /// service hands out carries it (`None` only inside storage, before it is computed).
    pub seller_trust: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtins_need_a_valid_check_digit() {
        // Real EAN-13, UPC-A (GTIN-12), EAN-8 and GTIN-14 numbers.
        assert_eq!(Gtin::parse("6901234567892").unwrap().as_str(), "6901234567892");
        assert!(Gtin::parse("036000291452").is_ok());
        assert!(Gtin::parse("96385074").is_ok());
        assert!(Gtin::parse("1 0614141 000415").is_ok());
        let e = Gtin::parse("6901234567893").unwrap_err();
        assert_eq!((e.code, e.args[0].1.as_str()), ("gtin-check-digit", "2"));
        assert_eq!(Gtin::parse("69012345678").unwrap_err().code, "bad-gtin");
        assert_eq!(Gtin::parse("69012345678AB").unwrap_err().code, "bad-gtin");
        assert_eq!(Gtin::with_check_digit("200000000001").unwrap().as_str().len(), 13);
    }

    #[test]
    fn weights_and_bounds_of_a_product() {
        assert_eq!(unit_grams(SaleUnit::Kg, None).unwrap(), Grams(1000));
        assert_eq!(unit_grams(SaleUnit::Jin, Some(500)).unwrap(), Grams(500));
        assert_eq!(unit_grams(SaleUnit::Kg, Some(900)).unwrap_err().code, "unit-weight-mismatch");
        assert_eq!(unit_grams(SaleUnit::Bag, None).unwrap_err().code, "required");
        assert_eq!(unit_grams(SaleUnit::Bag, Some(0)).unwrap_err().code, "must-be-positive");
        assert_eq!(unit_grams(SaleUnit::Bag, Some(50_000)).unwrap(), Grams(50_000));
        assert!(shelf_life_days(0).is_err() && shelf_life_days(3651).is_err() && shelf_life_days(7).is_ok());
        assert!(tolerance_bps(-1).is_err() && tolerance_bps(200).is_ok());
        assert_eq!(price(0).unwrap_err().code, "must-be-positive");
        assert_eq!(price(-100).unwrap_err().code, "must-be-positive");
        assert_eq!(price(1299).unwrap(), Fen(1299));
        assert!(min_order_units(0).is_err() && units(-1).is_err() && units(0).is_ok());
        assert_eq!(unit_cm3(0).unwrap_err().code, "must-be-positive");
    }

    #[test]
    fn choices_parse_their_own_names() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()).unwrap(), *c);
        }
        assert_eq!(Category::Nuts.name_zh(), "坚果");
        assert_eq!(SaleUnit::parse("crate").unwrap(), SaleUnit::Crate);
        assert_eq!(StorageClass::parse("warm").unwrap_err().code, "unknown-choice");
    }
}
