//! The postings of an order's life, called by the order code inside its own transaction (they
//! take the connection and neither begin nor commit). Each is keyed by the business event
//! (`settle:<order>:seller` …), so running one twice, after a retry or a restart, posts once.
//!
//! Escrow is an account per order: a payment moves money into it at once, and settlement moves
//! it out. The agent's commission is the one pending transfer: held at settlement, posted when
//! the return window closes, voided when the goods come back.

use crate::error::Result;
use uplink_core::ledger::{AccountKey, Split, TransferCode};
use uplink_core::{CountyId, Fen, OrderId, PersonId, StationId};
use uplink_store::ledger::{self as repo, Posting, Transfer};
use uplink_store::{Conn, StoreError};

/// Any posting, for the rare movement the named functions below do not cover.
pub async fn post(c: &mut Conn, county: CountyId, p: &Posting<'_>) -> Result<Transfer> {
    Ok(repo::transfer(c, county, p).await?)
}

/// Payment for an order from `source` (the station's cash drawer, the buyer's wallet, the
/// county's bank) into the order's escrow. `idem` names the payment, e.g. `pay:<order>`.
pub async fn hold_escrow_from(
    c: &mut Conn,
    county: CountyId,
    source: AccountKey,
    order: OrderId,
    amount: Fen,
    idem: &str,
) -> Result<Transfer> {
    let code = TransferCode::payment_from(source.kind());
    let reference = order.to_string();
    let p = Posting {
        debit: source,
        credit: AccountKey::Escrow(order),
        amount,
        code,
        order: Some(order),
        reference: &reference,
        idem,
    };
    post(c, county, &p).await
}

/// What settling an order posted; a part of zero is not posted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settlement {
    pub seller: Option<Transfer>,
    pub platform_fee: Option<Transfer>,
    /// Pending until the return window closes.
    pub commission: Option<Transfer>,
}

fn idem(step: &str, order: OrderId, part: &str) -> String {
    format!("{step}:{order}:{part}")
}

/// On acceptance: escrow → the seller's wallet, the platform's revenue, and (pending) the
/// agent's commission. Without an agent (the buyer ordered by phone) the commission part is the
/// platform's. The split comes from `core::ledger::split_on_acceptance`.
pub async fn settle_order(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    seller: PersonId,
    agent: Option<PersonId>,
    split: &Split,
) -> Result<Settlement> {
    let escrow = AccountKey::Escrow(order);
    let reference = order.to_string();
    let fee = match agent {
        Some(_) => split.platform_fee,
        None => Fen(split.platform_fee.0 + split.commission.0),
    };
    let mut parts = Vec::new();
    for (to, amount, code, part) in [
        (AccountKey::Wallet(seller), split.seller, TransferCode::EscrowReleaseSeller, "seller"),
        (AccountKey::PlatformRevenue, fee, TransferCode::PlatformFee, "fee"),
    ] {
        let key = idem("settle", order, part);
        let p =
            Posting { debit: escrow, credit: to, amount, code, order: Some(order), reference: &reference, idem: &key };
        parts.push(if amount.0 > 0 { Some(repo::transfer(c, county, &p).await?) } else { None });
    }
    let commission = match agent {
        Some(a) if split.commission.0 > 0 => {
            let key = idem("settle", order, "commission");
            let p = Posting {
                debit: escrow,
                credit: AccountKey::Commission(a),
                amount: split.commission,
                code: TransferCode::Commission,
                order: Some(order),
                reference: &reference,
                idem: &key,
            };
            Some(repo::hold(c, county, &p).await?)
        }
        _ => None,
    };
    let platform_fee = parts.pop().flatten();
    let seller = parts.pop().flatten();
    Ok(Settlement { seller, platform_fee, commission })
}

/// The return window closed: the agent's pending commission is paid into their account.
/// `None` when the order carried no commission.
pub async fn release_commission(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    agent: PersonId,
) -> Result<Option<Transfer>> {
    resolve_commission(c, county, order, agent, true).await
}

/// The goods came back: the agent's pending commission is voided (it stays in escrow).
pub async fn clawback_commission(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    agent: PersonId,
) -> Result<Option<Transfer>> {
    resolve_commission(c, county, order, agent, false).await
}

async fn resolve_commission(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    agent: PersonId,
    post: bool,
) -> Result<Option<Transfer>> {
    let Some(pending) = repo::find_by_idem(c, county, &idem("settle", order, "commission")).await? else {
        return Ok(None);
    };
    if pending.credit != AccountKey::Commission(agent) {
        // The order names another agent than the one the commission was held for.
        return Err(StoreError::Corrupt(format!("commission of order {order} was held for {}", pending.credit)).into());
    }
    let t = if post {
        repo::post_pending(
            c,
            county,
            pending.id,
            TransferCode::CommissionRelease,
            &idem("release", order, "commission"),
        )
        .await?
    } else {
        repo::void_pending(
            c,
            county,
            pending.id,
            TransferCode::CommissionClawback,
            &idem("clawback", order, "commission"),
        )
        .await?
    };
    Ok(Some(t))
}

/// A return after settlement: the seller's proceeds and the platform's fee go back into the
/// order's escrow and the pending commission is voided, so the escrow holds the whole payment
/// again, ready for [`refund`]. The seller's wallet must hold the proceeds (or have a floor
/// below zero that allows the debt); otherwise this is refused and nothing changes.
pub async fn reverse_settlement(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    seller: PersonId,
    agent: Option<PersonId>,
) -> Result<Vec<Transfer>> {
    let escrow = AccountKey::Escrow(order);
    let reference = order.to_string();
    let mut out = Vec::new();
    for part in ["seller", "fee"] {
        let Some(t) = repo::find_by_idem(c, county, &idem("settle", order, part)).await? else { continue };
        if part == "seller" && t.credit != AccountKey::Wallet(seller) {
            return Err(StoreError::Corrupt(format!("order {order} was settled to {}", t.credit)).into());
        }
        let key = idem("unsettle", order, part);
        let p = Posting {
            debit: t.credit,
            credit: escrow,
            amount: t.amount,
            code: TransferCode::SettlementReversal,
            order: Some(order),
            reference: &reference,
            idem: &key,
        };
        out.push(repo::transfer(c, county, &p).await?);
    }
    if let Some(agent) = agent
        && let Some(t) = clawback_commission(c, county, order, agent).await?
    {
        out.push(t);
    }
    Ok(out)
}

/// Money back from the order's escrow to `to` (the buyer's wallet, or the station's cash drawer
/// when the agent hands cash back). `idem` names the refund, e.g. `refund:<order>`.
pub async fn refund(
    c: &mut Conn,
    county: CountyId,
    order: OrderId,
    to: AccountKey,
    amount: Fen,
    idem: &str,
) -> Result<Transfer> {
    let reference = order.to_string();
    let p = Posting {
        debit: AccountKey::Escrow(order),
        credit: to,
        amount,
        code: TransferCode::Refund,
        order: Some(order),
        reference: &reference,
        idem,
    };
    post(c, county, &p).await
}

/// The agent takes the station's cash to the county: the drawer holds less, the bank more.
pub async fn cash_handover(
    c: &mut Conn,
    county: CountyId,
    station: StationId,
    amount: Fen,
    idem: &str,
) -> Result<Transfer> {
    let reference = station.to_string();
    let p = Posting {
        debit: AccountKey::CountyBank,
        credit: AccountKey::StationCash(station),
        amount,
        code: TransferCode::CashHandover,
        order: None,
        reference: &reference,
        idem,
    };
    post(c, county, &p).await
}

/// A person's wallet paid out to their bank account.
pub async fn payout(c: &mut Conn, county: CountyId, person: PersonId, amount: Fen, idem: &str) -> Result<Transfer> {
    let reference = person.to_string();
    let p = Posting {
        debit: AccountKey::Wallet(person),
        credit: AccountKey::CountyBank,
        amount,
        code: TransferCode::Payout,
        order: None,
        reference: &reference,
        idem,
    };
    post(c, county, &p).await
}

/// Money into a person's wallet from `source`: cash at the station (`StationCash`) or a bank
/// transfer (`CountyBank`; bank top-ups normally arrive through statement import).
pub async fn topup_wallet(
    c: &mut Conn,
    county: CountyId,
    person: PersonId,
    source: AccountKey,
    amount: Fen,
    reference: &str,
    idem: &str,
) -> Result<Transfer> {
    let p = Posting {
        debit: source,
        credit: AccountKey::Wallet(person),
        amount,
        code: TransferCode::Topup,
        order: None,
        reference,
        idem,
    };
    post(c, county, &p).await
}
