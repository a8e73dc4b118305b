//! Use cases of the ledger (DESIGN §7, issue 3): every party sees their own balances and
//! statements; operators and auditors read any account and the trial balance; parties ask to top
//! up their wallet by bank transfer. The postings the order code makes inside its own
//! transaction are in [`postings`]; bank reconciliation is in [`bank`].

pub mod bank;
pub mod cash;
pub mod postings;

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::paging::ListQuery;
use serde::{Deserialize, Serialize};
use uplink_core::ledger::{AccountKey, AccountKind};
use uplink_core::people::{Action, Role};
use uplink_core::validation::FieldError;
use uplink_core::{CountyId, PersonId};
use uplink_store::ledger::reports::{self, StatementLine, TrialBalance};
use uplink_store::ledger::{self as repo, Account, LedgerError};
use uplink_store::{Conn, Db};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use postings::*;

impl From<LedgerError> for ServiceError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Refused(r) => r.to_field_error().into(),
            LedgerError::Store(s) => s.into(),
        }
    }
}

/// The caller's accounts in a county.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAccounts {
    pub accounts: Vec<Account>,
}

/// A page of one account's statement, newest first, with the account's current totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statement {
    pub account: Account,
    pub lines: Vec<StatementLine>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyStatementQuery {
    /// One of my accounts (`wallet:<person id>`, `commission:<person id>`); default: my
    /// commission account if I am an agent, else my wallet.
    pub account: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    /// wallet, escrow, station_cash, commission, platform_revenue, county_bank or bank_clearing.
    pub kind: Option<String>,
    /// The person, order or station id that owns the accounts.
    pub owner: Option<String>,
}

/// The caller's person records in `county`, with their roles.
fn my_people(actor: &Actor, county: CountyId) -> Vec<(PersonId, Role)> {
    actor.memberships.iter().filter(|m| m.county_id == county).map(|m| (m.person_id, m.role)).collect()
}

/// The account a person's statement shows by default: an agent earns commissions; everyone
/// else has a wallet.
fn default_account(person: PersonId, role: Role) -> AccountKey {
    if role == Role::Agent { AccountKey::Commission(person) } else { AccountKey::Wallet(person) }
}

async fn statement_of(c: &mut Conn, county: CountyId, key: AccountKey, q: &ListQuery) -> Result<Statement> {
    let p = q.page()?;
    let account = repo::balance(c, county, key).await?;
    let (lines, total) = reports::statement(c, county, key, p).await?;
    Ok(Statement { account, lines, total, limit: p.limit, offset: p.offset })
}

/// My balances: every account I own in the county, and my wallet (or commission account)
/// even before its first use, at zero.
pub async fn my_accounts(db: &Db, actor: &Actor, county: CountyId) -> Result<MyAccounts> {
    actor.authorize(county, Action::ReadOwnLedger)?;
    let mut c = db.reader().await?;
    let mut accounts = Vec::new();
    for (person, role) in my_people(actor, county) {
        let owned = repo::accounts_of(&mut c, county, person.0).await?;
        let main = default_account(person, role);
        if !owned.iter().any(|a| a.account == main) {
            accounts.push(repo::balance(&mut c, county, main).await?);
        }
        accounts.extend(owned);
    }
    accounts.sort_by_key(|a| a.account);
    accounts.dedup_by_key(|a| a.account);
    Ok(MyAccounts { accounts })
}

/// A statement of one of my accounts. Someone else's account is not found, whatever my role.
pub async fn my_statement(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    which: &MyStatementQuery,
    q: &ListQuery,
) -> Result<Statement> {
    actor.authorize(county, Action::ReadOwnLedger)?;
    let mine = my_people(actor, county);
    let key = match which.account.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(a) => {
            let key = AccountKey::parse(a.trim()).map_err(|e| e.under("account"))?;
            let owner = key.owner();
            if !mine.iter().any(|(p, _)| Some(p.0) == owner) {
                return Err(ServiceError::NotFound);
            }
            key
        }
        None => mine.first().map(|(p, r)| default_account(*p, *r)).ok_or(ServiceError::NotFound)?,
    };
    let mut c = db.reader().await?;
    statement_of(&mut c, county, key, q).await
}

/// Any account's statement (operators, auditors). An account never used reads as empty.
pub async fn account_statement(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    account: &str,
    q: &ListQuery,
) -> Result<Statement> {
    actor.authorize(county, Action::ReadLedger)?;
    let key = AccountKey::parse(account).map_err(|_| ServiceError::NotFound)?;
    let mut c = db.reader().await?;
    statement_of(&mut c, county, key, q).await
}

/// The county's accounts (operators, auditors), by kind or owner.
pub async fn list_accounts(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    filter: &AccountsQuery,
    q: &ListQuery,
) -> Result<crate::paging::Page<Account>> {
    actor.authorize(county, Action::ReadLedger)?;
    let p = q.page()?;
    let kind = match filter.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(AccountKind::parse(k).map_err(|e| e.under("kind"))?),
        None => None,
    };
    let owner = match filter.owner.as_deref().filter(|o| !o.is_empty()) {
        Some(o) => Some(Uuid::parse_str(o).map_err(|_| FieldError::new("owner", "bad-id"))?),
        None => None,
    };
    let mut c = db.reader().await?;
    let (items, total) = repo::list_accounts(&mut c, county, kind, owner, p).await?;
    Ok(crate::paging::Page { items, total, limit: p.limit, offset: p.offset })
}

/// The trial balance (operators, auditors). It must sum to zero; if it ever does not, that is
/// logged as an error and still shown, because hiding it would help no one.
pub async fn trial_balance(db: &Db, actor: &Actor, county: CountyId) -> Result<TrialBalance> {
    actor.authorize(county, Action::ReadLedger)?;
    let mut c = db.reader().await?;
    let tb = reports::trial_balance(&mut c, county).await?;
    if !tb.balanced {
        tracing::error!(%county, difference = tb.difference, pending = tb.pending_difference, "trial balance is off");
    }
    Ok(tb)
}
