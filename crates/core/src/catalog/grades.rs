//! Grade schemes of farm products (特级/一级/二级 …): each grade has a price factor against the
//! listing's base price and the criteria the inspector grades by at intake. A grade's price is
//! computed here and nowhere else.

use super::Direction;
use crate::money::Fen;
use crate::text::{self, NAME_MAX, NOTE_MAX};
use crate::validation::{Checker, FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One grade of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Grade {
    /// Stable code that orders and intake records refer to, e.g. `special`, `first`.
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// Price factor in basis points of the base price (10000 = 100 %).
    pub factor_bps: i64,
    /// What the grade means, in words the inspector checks (berry size, sugar, defects …).
    pub criteria: String,
}

/// The price of one grade of a listing, per sale unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GradePrice {
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub factor_bps: i64,
    #[schema(value_type = i64)]
    pub price_fen: Fen,
}

/// The factor of the base grade, whose price is the listing's price.
pub const BASE_FACTOR_BPS: i64 = 10_000;
/// A grade may be worth at most twice the base grade.
pub const MAX_FACTOR_BPS: i64 = 20_000;
/// More grades than this is not a scheme an inspector can apply at a village scale.
pub const MAX_GRADES: usize = 8;

/// `price × factor / 10000`, rounded to the nearest fen (halves up; prices are positive).
/// `None` only if the result would not fit, which bounded prices and factors rule out.
pub fn grade_price(price: Fen, factor_bps: i64) -> Option<Fen> {
    let p = i128::from(price.0) * i128::from(factor_bps);
    let d = i128::from(BASE_FACTOR_BPS);
    let rounded = (p + d / 2).div_euclid(d);
    i64::try_from(rounded).ok().map(Fen)
}

/// A checked, ordered list of grades (best first): empty for downlink goods; for farm products
/// at least one grade, unique codes, factors in 1..=20000 and one base grade at 10000.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GradeScheme(Vec<Grade>);

impl GradeScheme {
    /// Checks `grades` for a product of `direction`; errors name `grades` or `grades[i].field`.
    pub fn parse(direction: Direction, grades: Vec<Grade>) -> Result<GradeScheme, Invalid> {
        let mut ck = Checker::new();
        match direction {
            Direction::Downlink if !grades.is_empty() => ck.push(FieldError::new("grades", "grades-not-allowed")),
            Direction::Downlink => {}
            Direction::Uplink if grades.is_empty() => ck.push(FieldError::new("grades", "grades-required")),
            Direction::Uplink if grades.len() > MAX_GRADES => {
                ck.push(FieldError::new("grades", "too-many").arg("max", MAX_GRADES))
            }
            Direction::Uplink => {}
        }
        let mut out = Vec::with_capacity(grades.len());
        for (i, g) in grades.into_iter().enumerate() {
            let at = |f: &str| format!("grades[{i}].{f}");
            let code = ck.take(&at("code"), grade_code(&g.code));
            if let Some(c) = &code
                && out.iter().any(|o: &Grade| &o.code == c)
            {
                ck.push(FieldError::new(at("code"), "duplicate"));
            }
            let name_zh = ck.take(&at("name_zh"), text::name(&g.name_zh, NAME_MAX));
            let name_en = match g.name_en.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(n) => ck.take(&at("name_en"), text::name(n, NAME_MAX)).map(Some),
                None => Some(None),
            };
            let factor = ck.take(&at("factor_bps"), factor_bps(g.factor_bps));
            let criteria = ck.take(&at("criteria"), text::name(&g.criteria, NOTE_MAX));
            if let (Some(code), Some(name_zh), Some(name_en), Some(factor_bps), Some(criteria)) =
                (code, name_zh, name_en, factor, criteria)
            {
                out.push(Grade { code, name_zh, name_en, factor_bps, criteria });
            }
        }
        ck.finish()?;
        if direction == Direction::Uplink && !out.iter().any(|g| g.factor_bps == BASE_FACTOR_BPS) {
            return Err(Invalid::one(FieldError::new("grades", "no-base-grade")));
        }
        Ok(GradeScheme(out))
    }

    /// A scheme read back from storage, where it was checked before it was written.
    pub fn trusted(grades: Vec<Grade>) -> GradeScheme {
        GradeScheme(grades)
    }

    pub fn grades(&self) -> &[Grade] {
        &self.0
    }

    pub fn into_grades(self) -> Vec<Grade> {
        self.0
    }

    /// The price of every grade for a listing at `base` per unit, best first.
    pub fn prices(&self, base: Fen) -> Vec<GradePrice> {
        self.0
            .iter()
            .filter_map(|g| {
                Some(GradePrice {
                    code: g.code.clone(),
                    name_zh: g.name_zh.clone(),
                    name_en: g.name_en.clone(),
                    factor_bps: g.factor_bps,
                    price_fen: grade_price(base, g.factor_bps)?,
                })
            })
            .collect()
    }
}

/// A grade code: 1–24 of a–z, 0–9, `_` and `-`, case-folded; orders and intake records carry it.
pub fn grade_code(raw: &str) -> Result<String, FieldError> {
    let t = raw.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(FieldError::new("", "required"));
    }
    if t.len() > 24 || !t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
        return Err(FieldError::new("", "bad-grade-code"));
    }
    Ok(t)
}

/// A grade's price factor: 1..=20000 basis points (a free grade, or one worth more than twice
/// the base, is a typing error).
pub fn factor_bps(n: i64) -> Result<i64, FieldError> {
    if (1..=MAX_FACTOR_BPS).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new("", "out-of-range").arg("min", 1).arg("max", MAX_FACTOR_BPS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grade(code: &str, factor: i64) -> Grade {
        Grade {
            code: code.into(),
            name_zh: "特级".into(),
            name_en: Some("Special".into()),
            factor_bps: factor,
            criteria: "果粒大于 20 mm，无裂果".into(),
        }
    }

    fn grapes() -> Vec<Grade> {
        vec![grade("special", 12_000), grade("first", 10_000), grade("second", 8_000)]
    }

    #[test]
    fn grade_prices_round_to_the_nearest_fen() {
        assert_eq!(grade_price(Fen(800), 12_000), Some(Fen(960)));
        // 333 × 0.85 = 283.05 → 283; 333 × 1.15 = 382.95 → 383; 1 × 0.5 = 0.5 → 1 (halves up).
        assert_eq!(grade_price(Fen(333), 8_500), Some(Fen(283)));
        assert_eq!(grade_price(Fen(333), 11_500), Some(Fen(383)));
        assert_eq!(grade_price(Fen(1), 5_000), Some(Fen(1)));
        assert_eq!(grade_price(Fen(1), 4_999), Some(Fen(0)));
        let s = GradeScheme::parse(Direction::Uplink, grapes()).unwrap();
        let p: Vec<i64> = s.prices(Fen(799)).iter().map(|g| g.price_fen.0).collect();
        assert_eq!(p, vec![959, 799, 639]);
    }

    #[test]
    fn a_farm_product_needs_a_sound_scheme() {
        assert!(GradeScheme::parse(Direction::Uplink, grapes()).is_ok());
        let e = GradeScheme::parse(Direction::Uplink, vec![]).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("grades", "grades-required"));
        let e = GradeScheme::parse(Direction::Uplink, vec![grade("first", 10_000), grade("First", 9_000)]).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("grades[1].code", "duplicate"));
        let e = GradeScheme::parse(Direction::Uplink, vec![grade("first", 10_000), grade("x", 0)]).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("grades[1].factor_bps", "out-of-range"));
        let e = GradeScheme::parse(Direction::Uplink, vec![grade("first", 9_000)]).unwrap_err();
        assert_eq!(e.0[0].code, "no-base-grade");
        let e = GradeScheme::parse(Direction::Uplink, vec![grade("一级", 10_000)]).unwrap_err();
        assert_eq!(e.0[0].code, "bad-grade-code");
    }

    #[test]
    fn downlink_goods_have_no_grades() {
        assert!(GradeScheme::parse(Direction::Downlink, vec![]).unwrap().grades().is_empty());
        let e = GradeScheme::parse(Direction::Downlink, grapes()).unwrap_err();
        assert_eq!(e.0[0].code, "grades-not-allowed");
    }

    proptest! {
        /// A grade's price is the exact product rounded: never more than half a fen off, and a
        /// better factor never gives a lower price.
        #[test]
        fn grade_price_is_within_half_a_fen(p in 1i64..1_000_000_000, f in 1i64..=MAX_FACTOR_BPS) {
            let got = grade_price(Fen(p), f).unwrap().0;
            let exact = i128::from(p) * i128::from(f);
            prop_assert!((i128::from(got) * 10_000 - exact).abs() <= 5_000);
            prop_assert!(grade_price(Fen(p), (f + 1).min(MAX_FACTOR_BPS)).unwrap().0 >= got);
        }
    }
}
