//! Paging of lists: a bounded limit, an offset, and the total, the same for every list.

use serde::{Deserialize, Serialize};
use uplink_core::validation::FieldError;
use uplink_store::row::PageReq;
use utoipa::{IntoParams, ToSchema};

/// `?q=…&limit=…&offset=…` on every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Search text: part of a name, code or phone number.
    pub q: Option<String>,
    /// Rows per page, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

pub const MAX_LIMIT: i64 = 200;

impl ListQuery {
    pub fn page(&self) -> Result<PageReq, FieldError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(FieldError::new("limit", "out-of-range").arg("min", 1).arg("max", MAX_LIMIT));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(FieldError::new("offset", "out-of-range").arg("min", 0).arg("max", i64::MAX));
        }
        Ok(PageReq { limit, offset })
    }

    pub fn search(&self) -> Result<String, FieldError> {
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > 64 {
            return Err(FieldError::new("q", "too-long").arg("max", 64).arg("actual", q.chars().count()));
        }
        Ok(q)
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}
