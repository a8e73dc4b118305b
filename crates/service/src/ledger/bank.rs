//! Money that arrives by bank transfer. A payer quotes a reference the county issued (for an
//! order, or for a wallet top-up); the operator imports the bank's statement CSV, and each line
//! whose reference and amount match an open expected payment is posted (county bank → the
//! target account) and the payment marked matched. Lines are keyed, so importing the same
//! statement again posts nothing twice. An online payment provider would plug in behind
//! [`PaymentProvider`].

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::{Deserialize, Serialize};
use uplink_core::ledger::bank::{self as rules, BankLine};
use uplink_core::ledger::{AccountKey, TransferCode};
use uplink_core::people::Action;
use uplink_core::validation::FieldError;
use uplink_core::{CountyId, Fen, OrderId};
use uplink_store::ledger::bank::{self as repo, ExpectedPayment, PaymentPurpose};
use uplink_store::ledger::{self as ledger, Posting};
use uplink_store::{Conn, Db};
use utoipa::ToSchema;
use uuid::Uuid;

/// Registers a payment the county expects by bank transfer, crediting `target` when it arrives:
/// the order's escrow (for `order`) or a wallet (a top-up). Called by the order code in its
/// transaction; the reference is normalised (upper case, no spaces or dashes) and must be new.
pub async fn expect_payment(
    c: &mut Conn,
    county: CountyId,
    reference: &str,
    amount: Fen,
    target: AccountKey,
    order: Option<OrderId>,
) -> Result<ExpectedPayment> {
    let reference = rules::normalize_reference(reference);
    if reference.is_empty() || reference.chars().count() > rules::REFERENCE_MAX {
        return Err(FieldError::new("reference", "length").arg("min", 1).arg("max", rules::REFERENCE_MAX).into());
    }
    if amount.0 <= 0 {
        return Err(FieldError::new("amount", "must-be-positive").into());
    }
    ledger::get_or_create_account(c, county, target).await?;
    let purpose = if order.is_some() { PaymentPurpose::OrderPayment } else { PaymentPurpose::WalletTopup };
    let x =
        ExpectedPayment { county_id: county, reference, amount, purpose, target, order_id: order, matched_us: None };
    repo::insert_expected(c, &x).await?;
    Ok(x)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopupInput {
    /// Yuan, as typed: "200", "1,250.50".
    pub amount: String,
}

/// What to tell the bank: pay `amount` quoting `reference`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopupRequest {
    pub reference: String,
    pub amount_fen: i64,
    /// The amount as shown, e.g. `¥200.00`.
    pub amount: String,
    #[schema(value_type = String)]
    pub account: AccountKey,
}

/// The largest top-up by one transfer, in fen (50 000 yuan): more is a matter for the county.
pub const TOPUP_MAX: Fen = Fen(5_000_000);

/// A party asks to top up their own wallet by bank transfer and gets the reference to quote.
pub async fn request_topup(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: TopupInput,
    idem: Option<&IdemKey>,
) -> Result<TopupRequest> {
    actor.authorize(county, Action::TopUpWallet)?;
    // An admin passes every check but holds no wallet in the county.
    let person = actor
        .memberships
        .iter()
        .find(|m| m.county_id == county && m.role.is_party())
        .map(|m| m.person_id)
        .ok_or(ServiceError::Forbidden)?;
    let amount = Fen::parse_yuan(&input.amount).map_err(|e| e.under("amount"))?;
    if amount.0 <= 0 || amount > TOPUP_MAX {
        return Err(FieldError::new("amount", "out-of-range").arg("min", Fen(1)).arg("max", TOPUP_MAX).into());
    }
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let target = AccountKey::Wallet(person);
    let x = expect_payment(&mut w.tx, county, &new_reference("TU"), amount, target, None).await?;
    let out =
        TopupRequest { reference: x.reference, amount_fen: amount.0, amount: amount.to_string(), account: target };
    w.commit(&out).await?;
    Ok(out)
}

/// A short reference a person can type into a banking app: a prefix and 8 characters of
/// Crockford's base32 (no I, L, O, U to misread), 40 random bits.
fn new_reference(prefix: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut n: u64 = rand::random();
    let mut s = String::from(prefix);
    for _ in 0..8 {
        s.push(char::from(ALPHABET[(n % 32) as usize]));
        n /= 32;
    }
    s
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementImport {
    /// The statement as exported: `date,amount,reference,payer` per line, an optional header.
    pub csv: String,
}

/// What became of one statement line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineOutcome {
    /// Posted now.
    Matched,
    /// Matched by an earlier import; nothing posted now.
    AlreadyImported,
    /// No payment is expected under this reference.
    UnknownReference,
    /// The expected payment is for another amount.
    AmountDiffers,
    /// The expected payment was already paid by another transfer.
    AlreadyPaid,
    /// Money going out of the account, or zero: nothing to match.
    NotAReceipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineResult {
    pub line: usize,
    pub date: String,
    pub amount_fen: i64,
    pub reference: String,
    pub payer: String,
    pub outcome: LineOutcome,
    /// The amount expected under the reference, when one is.
    pub expected_fen: Option<i64>,
    /// The account credited (matched lines).
    #[schema(value_type = Option<String>)]
    pub account: Option<AccountKey>,
    pub transfer_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    pub matched: Vec<LineResult>,
    /// Lines that need the operator: unknown reference, other amount, paid twice, outgoing.
    pub unmatched: Vec<LineResult>,
    pub already_imported: Vec<LineResult>,
}

/// Imports a bank statement (operators). A file with any bad line is refused whole (422, each
/// bad line named under `csv`), and nothing is written.
pub async fn import_bank_statement(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: StatementImport,
    idem: Option<&IdemKey>,
) -> Result<ImportResult> {
    actor.authorize(county, Action::ReconcileBank)?;
    let lines = rules::parse_statement(&input.csv)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let mut out = ImportResult::default();
    for line in &lines {
        let r = match_line(&mut w.tx, county, line).await?;
        match r.outcome {
            LineOutcome::Matched => out.matched.push(r),
            LineOutcome::AlreadyImported => out.already_imported.push(r),
            _ => out.unmatched.push(r),
        }
    }
    w.commit(&out).await?;
    Ok(out)
}

async fn match_line(c: &mut Conn, county: CountyId, line: &BankLine) -> Result<LineResult> {
    let mut r = LineResult {
        line: line.line,
        date: line.date.clone(),
        amount_fen: line.amount.0,
        reference: line.reference.clone(),
        payer: line.payer.clone(),
        outcome: LineOutcome::UnknownReference,
        expected_fen: None,
        account: None,
        transfer_id: None,
    };
    if line.amount.0 <= 0 {
        r.outcome = LineOutcome::NotAReceipt;
        return Ok(r);
    }
    if repo::line_seen(c, county, line).await? {
        r.outcome = LineOutcome::AlreadyImported;
        return Ok(r);
    }
    let Some(x) = repo::get_expected(c, county, &line.reference).await? else { return Ok(r) };
    r.expected_fen = Some(x.amount.0);
    if x.matched_us.is_some() {
        r.outcome = LineOutcome::AlreadyPaid;
        return Ok(r);
    }
    if x.amount != line.amount {
        r.outcome = LineOutcome::AmountDiffers;
        return Ok(r);
    }
    let code = match x.purpose {
        PaymentPurpose::OrderPayment => TransferCode::PaymentBank,
        PaymentPurpose::WalletTopup => TransferCode::Topup,
    };
    let idem = format!("bank:{}", line.key());
    let p = Posting {
        debit: AccountKey::CountyBank,
        credit: x.target,
        amount: line.amount,
        code,
        order: x.order_id,
        reference: &line.reference,
        idem: &idem,
    };
    let t = ledger::transfer(c, county, &p).await?;
    repo::mark_matched(c, county, &x.reference, t.id).await?;
    repo::record_line(c, county, line, t.id).await?;
    r.outcome = LineOutcome::Matched;
    r.account = Some(x.target);
    r.transfer_id = Some(t.id);
    Ok(r)
}

/// A payment confirmed by an online provider: matched to an expected payment like a bank line.
#[derive(Debug, Clone)]
pub struct ProviderReceipt {
    pub reference: String,
    pub amount: Fen,
    pub payer: String,
    pub at_us: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("payment provider: {0}")]
pub struct ProviderError(pub String);

/// The boundary to an online payment provider (WeChat Pay, Alipay, UnionPay …). None is wired
/// in: the money that exists for real in a county today is cash at the station and bank
/// transfer. An adapter starts a payment for an [`ExpectedPayment`] (returning what the payer's
/// phone opens) and turns the provider's signed notification into a [`ProviderReceipt`], which
/// is then matched by reference and amount exactly as a bank statement line is.
pub trait PaymentProvider: Send + Sync {
    /// Starts collecting an expected payment; returns the URL or QR payload for the payer.
    fn start(&self, payment: &ExpectedPayment) -> impl Future<Output = Result<String, ProviderError>> + Send;

    /// Verifies a notification from the provider (signature, amount) and reads the receipt.
    fn confirm(&self, notification: &[u8]) -> impl Future<Output = Result<ProviderReceipt, ProviderError>> + Send;
}
