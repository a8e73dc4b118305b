//! Photos of a lot's produce: the bytes, their content type and size, who took them and when.

use crate::error::StoreError;
use crate::row;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use uplink_core::*;
use utoipa::ToSchema;

/// A photo of a lot, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LotPhoto {
    pub id: String,
    pub lot_id: LotId,
    /// image/jpeg, image/png or image/webp, as read from the photo's first bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub by_user: UserId,
    pub created_us: i64,
}

/// Stores a photo of a lot and returns it.
pub async fn insert_photo(
    c: &mut AnyConnection,
    county: CountyId,
    lot: LotId,
    by: UserId,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> Result<LotPhoto, StoreError> {
    let p = LotPhoto {
        id: uuid::Uuid::now_v7().to_string(),
        lot_id: lot,
        content_type: content_type.to_string(),
        size: bytes.len() as i64,
        by_user: by,
        created_us: now,
    };
    sqlx::query(
        "INSERT INTO lot_photos (county_id, photo_id, lot_id, by_user, content_type, bytes, size, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(county.to_string())
    .bind(&p.id)
    .bind(lot.to_string())
    .bind(by.to_string())
    .bind(content_type)
    .bind(bytes.to_vec())
    .bind(p.size)
    .bind(now)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(p)
}

/// The photos of a lot, oldest first.
pub async fn photos_of(c: &mut AnyConnection, county: CountyId, lot: LotId) -> Result<Vec<LotPhoto>, StoreError> {
    let rows = sqlx::query(
        "SELECT photo_id, lot_id, content_type, size, by_user, created_us FROM lot_photos \
         WHERE county_id = $1 AND lot_id = $2 ORDER BY created_us, photo_id",
    )
    .bind(county.to_string())
    .bind(lot.to_string())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LotPhoto {
                id: row::text(r, "photo_id")?,
                lot_id: row::id(r, "lot_id")?,
                content_type: row::text(r, "content_type")?,
                size: row::int(r, "size")?,
                by_user: row::id(r, "by_user")?,
                created_us: row::int(r, "created_us")?,
            })
        })
        .collect()
}

/// A photo's content type and bytes, when it is a photo of that lot.
pub async fn photo_bytes(
    c: &mut AnyConnection,
    county: CountyId,
    lot: LotId,
    photo: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let r = sqlx::query(
        "SELECT content_type, bytes FROM lot_photos WHERE county_id = $1 AND lot_id = $2 AND photo_id = $3",
    )
    .bind(county.to_string())
    .bind(lot.to_string())
    .bind(photo)
    .fetch_optional(c)
    .await?;
    r.map(|r| Ok((row::text(&r, "content_type")?, sqlx::Row::try_get::<Vec<u8>, _>(&r, "bytes")?))).transpose()
}
