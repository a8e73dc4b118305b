//! The ledger: my balances and statements, any account's statement and the trial balance for
//! operators and auditors, wallet top-ups by bank transfer, and bank statement import.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uplink_service::ledger::bank::{ImportResult, StatementImport, TopupInput, TopupRequest};
use uplink_service::ledger::{self as uc, AccountsQuery, MyAccounts, MyStatementQuery, Statement};
use uplink_service::paging::{ListQuery, Page};
use uplink_store::ledger::Account;
use uplink_store::ledger::reports::TrialBalance;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/ledger/me", get(my_accounts))
        .route("/api/v1/counties/{county_id}/ledger/me/statement", get(my_statement))
        .route("/api/v1/counties/{county_id}/ledger/accounts", get(list_accounts))
        .route("/api/v1/counties/{county_id}/ledger/accounts/{account}/statement", get(account_statement))
        .route("/api/v1/counties/{county_id}/ledger/trial-balance", get(trial_balance))
        .route("/api/v1/counties/{county_id}/wallet-topups", post(request_topup))
        .route("/api/v1/counties/{county_id}/bank-statements", post(import_bank_statement))
}

/// My accounts in the county with their balances (fen).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/ledger/me", tag = "ledger",
    params(("county_id" = String, Path)),
    responses((status = 200, body = MyAccounts), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn my_accounts(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
) -> Result<Json<MyAccounts>, ApiError> {
    Ok(Json(uc::my_accounts(&st.db, &a, path_id(&c)?).await?))
}

/// The statement of one of my accounts, newest first, with the balance after each line.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/ledger/me/statement", tag = "ledger",
    params(("county_id" = String, Path), MyStatementQuery, ListQuery),
    responses((status = 200, body = Statement), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn my_statement(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(which): Query<MyStatementQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Statement>, ApiError> {
    Ok(Json(uc::my_statement(&st.db, &a, path_id(&c)?, &which, &q).await?))
}

/// The county's accounts, by kind or owner (operators, auditors).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/ledger/accounts", tag = "ledger",
    params(("county_id" = String, Path), AccountsQuery, ListQuery),
    responses((status = 200, body = Page<Account>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_accounts(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(f): Query<AccountsQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page<Account>>, ApiError> {
    Ok(Json(uc::list_accounts(&st.db, &a, path_id(&c)?, &f, &q).await?))
}

/// Any account's statement (operators, auditors); `account` is e.g. `county_bank` or
/// `wallet:<person id>`. An account never used reads as empty.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/ledger/accounts/{account}/statement", tag = "ledger",
    params(("county_id" = String, Path), ("account" = String, Path), ListQuery),
    responses((status = 200, body = Statement), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn account_statement(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, account)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Statement>, ApiError> {
    Ok(Json(uc::account_statement(&st.db, &a, path_id(&c)?, &account, &q).await?))
}

/// Totals per kind of account; credits equal debits (operators, auditors).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/ledger/trial-balance", tag = "ledger",
    params(("county_id" = String, Path)),
    responses((status = 200, body = TrialBalance), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn trial_balance(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
) -> Result<Json<TrialBalance>, ApiError> {
    Ok(Json(uc::trial_balance(&st.db, &a, path_id(&c)?).await?))
}

/// Top up my wallet by bank transfer: answers the reference to quote and the amount to send.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/wallet-topups", tag = "ledger", request_body = TopupInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = TopupRequest), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn request_topup(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<TopupInput>,
) -> Result<(StatusCode, Json<TopupRequest>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    let out = uc::bank::request_topup(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Import a bank statement (`date,amount,reference,payer` CSV) and match its receipts to
/// expected payments (operators). A file with a bad line is refused whole; importing the same
/// statement again posts nothing twice.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/bank-statements", tag = "ledger",
    request_body = StatementImport,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = ImportResult), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import_bank_statement(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<StatementImport>,
) -> Result<Json<ImportResult>, ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(uc::bank::import_bank_statement(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?))
}
