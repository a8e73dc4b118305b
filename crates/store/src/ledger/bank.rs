//! Bank transfers: the payments the county expects (by the reference the payer quotes), and the
//! statement lines already matched, so importing a statement again matches nothing twice.

use crate::error::StoreError;
use crate::row;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::ledger::AccountKey;
use uplink_core::ledger::bank::BankLine;
use uplink_core::validation::FieldError;
use uplink_core::{CountyId, Fen, OrderId};
use utoipa::ToSchema;
use uuid::Uuid;

/// What an expected payment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentPurpose {
    OrderPayment,
    WalletTopup,
}

impl PaymentPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentPurpose::OrderPayment => "order_payment",
            PaymentPurpose::WalletTopup => "wallet_topup",
        }
    }

    pub fn parse(s: &str) -> Result<PaymentPurpose, FieldError> {
        match s {
            "order_payment" => Ok(PaymentPurpose::OrderPayment),
            "wallet_topup" => Ok(PaymentPurpose::WalletTopup),
            _ => Err(FieldError::new("", "unknown-choice").arg("allowed", "order_payment, wallet_topup")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExpectedPayment {
    #[schema(value_type = String)]
    pub county_id: CountyId,
    /// As issued, normalised (upper case, no spaces or dashes).
    pub reference: String,
    #[schema(value_type = i64)]
    pub amount: Fen,
    pub purpose: PaymentPurpose,
    /// The account a matching receipt is credited to.
    #[schema(value_type = String)]
    pub target: AccountKey,
    #[schema(value_type = Option<String>)]
    pub order_id: Option<OrderId>,
    /// When it was matched to a bank receipt; `None` while open.
    pub matched_us: Option<i64>,
}

fn expected_from(r: &AnyRow) -> Result<ExpectedPayment, StoreError> {
    Ok(ExpectedPayment {
        county_id: row::id(r, "county_id")?,
        reference: row::text(r, "reference")?,
        amount: Fen(row::int(r, "amount_fen")?),
        purpose: row::choice(r, "purpose", PaymentPurpose::parse)?,
        target: row::choice(r, "target_account", AccountKey::parse)?,
        order_id: row::opt_id(r, "order_id")?,
        matched_us: row::opt_int(r, "matched_us")?,
    })
}

/// Records an expected payment; its target account must exist (see `get_or_create_account`).
/// A reference already issued in the county is a `Duplicate { field: "reference" }`.
pub async fn insert_expected(c: &mut AnyConnection, x: &ExpectedPayment) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO expected_payments (county_id, reference, amount_fen, purpose, target_account, order_id, \
         status, created_us) VALUES ($1,$2,$3,$4,$5,$6,'open',$7)",
    )
    .bind(x.county_id.to_string())
    .bind(&x.reference)
    .bind(x.amount.0)
    .bind(x.purpose.as_str())
    .bind(x.target.to_string())
    .bind(x.order_id.map(|o| o.to_string()))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(|e| match StoreError::classify(e) {
        StoreError::Duplicate { .. } => StoreError::Duplicate { field: "reference".into() },
        other => other,
    })?;
    Ok(())
}

pub async fn get_expected(
    c: &mut AnyConnection,
    county: CountyId,
    reference: &str,
) -> Result<Option<ExpectedPayment>, StoreError> {
    let r = sqlx::query("SELECT * FROM expected_payments WHERE county_id = $1 AND reference = $2")
        .bind(county.to_string())
        .bind(reference)
        .fetch_optional(c)
        .await?;
    r.as_ref().map(expected_from).transpose()
}

/// Marks an open expected payment matched; false when it was not open (matched meanwhile).
pub async fn mark_matched(
    c: &mut AnyConnection,
    county: CountyId,
    reference: &str,
    transfer: Uuid,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE expected_payments SET status = 'matched', matched_us = $3, transfer_id = $4 \
         WHERE county_id = $1 AND reference = $2 AND status = 'open'",
    )
    .bind(county.to_string())
    .bind(reference)
    .bind(crate::now_us())
    .bind(transfer.to_string())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Whether this statement line was matched and posted by an earlier import.
pub async fn line_seen(c: &mut AnyConnection, county: CountyId, line: &BankLine) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_statement_lines WHERE county_id = $1 AND line_key = $2")
        .bind(county.to_string())
        .bind(line.key())
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

pub async fn record_line(
    c: &mut AnyConnection,
    county: CountyId,
    line: &BankLine,
    transfer: Uuid,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bank_statement_lines (county_id, line_key, line_date, amount_fen, reference, payer, \
         transfer_id, imported_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(county.to_string())
    .bind(line.key())
    .bind(&line.date)
    .bind(line.amount.0)
    .bind(&line.reference)
    .bind(&line.payer)
    .bind(transfer.to_string())
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}
