//! Reading typed values out of rows of either backend: ids from text, coordinates from integer
//! micro-degrees, flags from 0/1, choices from their stored names. A stored value that does not
//! parse is reported as corruption, never unwrapped.

use crate::error::StoreError;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use uplink_core::LatLon;
use uplink_core::validation::FieldError;

pub fn text(r: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(r.try_get::<String, _>(col)?)
}

pub fn opt_text(r: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(r.try_get::<Option<String>, _>(col)?)
}

pub fn int(r: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(r.try_get::<i64, _>(col)?)
}

pub fn opt_int(r: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(r.try_get::<Option<i64>, _>(col)?)
}

pub fn flag(r: &AnyRow, col: &str) -> Result<bool, StoreError> {
    Ok(int(r, col)? != 0)
}

pub fn id<T: FromStr>(r: &AnyRow, col: &str) -> Result<T, StoreError> {
    let s = text(r, col)?;
    s.parse().map_err(|_| StoreError::Corrupt(format!("{col} is not an id: {s}")))
}

pub fn opt_id<T: FromStr>(r: &AnyRow, col: &str) -> Result<Option<T>, StoreError> {
    match opt_text(r, col)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| StoreError::Corrupt(format!("{col} is not an id: {s}"))),
    }
}

/// A stored choice (`road_class`, `role` …) parsed by its domain parser.
pub fn choice<T>(r: &AnyRow, col: &str, parse: fn(&str) -> Result<T, FieldError>) -> Result<T, StoreError> {
    let s = text(r, col)?;
    parse(&s).map_err(|_| StoreError::Corrupt(format!("{col} has unknown value {s}")))
}

pub fn opt_choice<T>(r: &AnyRow, col: &str, parse: fn(&str) -> Result<T, FieldError>) -> Result<Option<T>, StoreError> {
    match opt_text(r, col)? {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).map_err(|_| StoreError::Corrupt(format!("{col} has unknown value {s}"))),
    }
}

/// Degrees are stored as integer micro-degrees (about 0.1 m): exact and equal on both backends.
pub fn e6(deg: f64) -> i64 {
    (deg * 1e6).round() as i64
}

pub fn deg(e6: i64) -> f64 {
    e6 as f64 / 1e6
}

pub fn latlon(r: &AnyRow, lat: &str, lon: &str) -> Result<LatLon, StoreError> {
    Ok(LatLon { lat: deg(int(r, lat)?), lon: deg(int(r, lon)?) })
}

/// A page of a list: `limit` rows from `offset`, and how many there are in all.
#[derive(Debug, Clone, Copy)]
pub struct PageReq {
    pub limit: i64,
    pub offset: i64,
}

/// `%term%` for a LIKE search, with the LIKE wildcards in the term escaped (`ESCAPE '\'`).
pub fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
