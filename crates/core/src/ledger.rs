//! The ledger's rules, pure (DESIGN §7): which accounts exist and on which side they are normal,
//! why money moves (transfer codes), how a pending transfer ends, how an accepted order's money
//! is split, and when a posting must be refused because it would take an account below its floor.
//! The store applies the same floor rule inside a conditional UPDATE so that concurrent postings
//! cannot overdraw; [`model`] is an in-memory ledger the property tests drive.

pub mod bank;
pub mod model;

use crate::ids::{OrderId, PersonId, StationId, WindowId};
use crate::money::Fen;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Which side of an account its balance grows on. Liabilities of the platform (what it owes
/// people: wallets, escrow, commissions payable, its own revenue) are credit-normal; assets
/// (cash in a station's drawer, money in the county's bank account) are debit-normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Normal {
    Debit,
    Credit,
}

impl Normal {
    pub fn as_str(self) -> &'static str {
        match self {
            Normal::Debit => "debit",
            Normal::Credit => "credit",
        }
    }

    pub fn parse(s: &str) -> Result<Normal, FieldError> {
        match s {
            "debit" => Ok(Normal::Debit),
            "credit" => Ok(Normal::Credit),
            _ => Err(FieldError::new("", "unknown-choice").arg("allowed", "debit, credit")),
        }
    }
}

macro_rules! choice_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }

            pub fn parse(s: &str) -> Result<$name, FieldError> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s).ok_or_else(|| {
                    FieldError::new("", "unknown-choice")
                        .arg("allowed", Self::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }
    };
}

choice_enum!(
    /// The kinds of account a county's ledger holds.
    AccountKind {
        /// A party's money held by the platform (seller proceeds, buyer top-ups).
        Wallet = "wallet",
        /// One order's paid money, held until the buyer accepts the goods.
        Escrow = "escrow",
        /// The cash in one station's drawer.
        StationCash = "station_cash",
        /// Commissions payable to one agent.
        Commission = "commission",
        /// The platform's fees.
        PlatformRevenue = "platform_revenue",
        /// The county's bank account.
        CountyBank = "county_bank",
        /// Bank receipts not yet attributed to anyone.
        BankClearing = "bank_clearing",
        /// What a pre-order window paid its farmers at intake ahead of its buyers' settlement:
        /// owed back to the county by the window's escrows (a receivable, so debit-normal).
        WindowAdvance = "window_advance",
    }
);

impl AccountKind {
    pub fn normal(self) -> Normal {
        match self {
            AccountKind::StationCash
            | AccountKind::CountyBank
            | AccountKind::BankClearing
            | AccountKind::WindowAdvance => Normal::Debit,
            _ => Normal::Credit,
        }
    }
}

choice_enum!(
    /// Why money moved; every transfer carries one.
    TransferCode {
        PaymentCash = "payment_cash",
        PaymentBank = "payment_bank",
        PaymentWallet = "payment_wallet",
        EscrowReleaseSeller = "escrow_release_seller",
        PlatformFee = "platform_fee",
        Commission = "commission",
        CommissionRelease = "commission_release",
        CommissionClawback = "commission_clawback",
        /// A settlement taken back into escrow because the goods were returned.
        SettlementReversal = "settlement_reversal",
        Refund = "refund",
        CashHandover = "cash_handover",
        Payout = "payout",
        Topup = "topup",
        /// A farmer paid at the station for produce taken in (issue 4).
        IntakePayment = "intake_payment",
        /// A window order's farmer share, from its escrow back to the window's advance.
        WindowRecovery = "window_recovery",
    }
);

impl TransferCode {
    /// The code of an order payment that comes from `source`.
    pub fn payment_from(source: AccountKind) -> TransferCode {
        match source {
            AccountKind::StationCash => TransferCode::PaymentCash,
            AccountKind::Wallet => TransferCode::PaymentWallet,
            _ => TransferCode::PaymentBank,
        }
    }
}

choice_enum!(
    /// A transfer is posted at once, or held pending and later posted or voided exactly once.
    /// The resolution is a second row that names the pending one, so no row is ever edited.
    TransferState {
        Pending = "pending",
        Posted = "posted",
        Voided = "voided",
    }
);

/// Names one account of a county. Accounts are made on first use, so the key is all a caller
/// needs; it is stored and shown as `kind` or `kind:owner` (`wallet:0190…`, `county_bank`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountKey {
    Wallet(PersonId),
    /// The escrow of one order.
    Escrow(OrderId),
    StationCash(StationId),
    Commission(PersonId),
    PlatformRevenue,
    CountyBank,
    BankClearing,
    /// What one pre-order window advanced to its farmers.
    WindowAdvance(WindowId),
}

impl AccountKey {
    pub fn kind(self) -> AccountKind {
        match self {
            AccountKey::Wallet(_) => AccountKind::Wallet,
            AccountKey::Escrow(_) => AccountKind::Escrow,
            AccountKey::StationCash(_) => AccountKind::StationCash,
            AccountKey::Commission(_) => AccountKind::Commission,
            AccountKey::PlatformRevenue => AccountKind::PlatformRevenue,
            AccountKey::CountyBank => AccountKind::CountyBank,
            AccountKey::BankClearing => AccountKind::BankClearing,
            AccountKey::WindowAdvance(_) => AccountKind::WindowAdvance,
        }
    }

    pub fn normal(self) -> Normal {
        self.kind().normal()
    }

    /// The person, order or station the account belongs to; none for the county's own.
    pub fn owner(self) -> Option<Uuid> {
        match self {
            AccountKey::Wallet(p) | AccountKey::Commission(p) => Some(p.0),
            AccountKey::Escrow(o) => Some(o.0),
            AccountKey::StationCash(s) => Some(s.0),
            AccountKey::WindowAdvance(w) => Some(w.0),
            _ => None,
        }
    }

    /// The key of an account of `kind` owned by `owner` (required exactly when the kind has one).
    pub fn of(kind: AccountKind, owner: Option<Uuid>) -> Result<AccountKey, FieldError> {
        let missing = || FieldError::new("", "bad-account");
        Ok(match (kind, owner) {
            (AccountKind::Wallet, Some(o)) => AccountKey::Wallet(PersonId(o)),
            (AccountKind::Escrow, Some(o)) => AccountKey::Escrow(OrderId(o)),
            (AccountKind::StationCash, Some(o)) => AccountKey::StationCash(StationId(o)),
            (AccountKind::Commission, Some(o)) => AccountKey::Commission(PersonId(o)),
            (AccountKind::PlatformRevenue, None) => AccountKey::PlatformRevenue,
            (AccountKind::CountyBank, None) => AccountKey::CountyBank,
            (AccountKind::BankClearing, None) => AccountKey::BankClearing,
            (AccountKind::WindowAdvance, Some(o)) => AccountKey::WindowAdvance(WindowId(o)),
            _ => return Err(missing()),
        })
    }

    pub fn parse(s: &str) -> Result<AccountKey, FieldError> {
        let bad = || FieldError::new("", "bad-account").arg("input", s);
        let (kind, owner) = match s.split_once(':') {
            Some((k, o)) => (k, Some(Uuid::parse_str(o).map_err(|_| bad())?)),
            None => (s, None),
        };
        let kind = AccountKind::parse(kind).map_err(|_| bad())?;
        AccountKey::of(kind, owner).map_err(|_| bad())
    }
}

impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.owner() {
            Some(o) => write!(f, "{}:{}", self.kind().as_str(), o.hyphenated()),
            None => f.write_str(self.kind().as_str()),
        }
    }
}

impl FromStr for AccountKey {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountKey::parse(s)
    }
}

impl Serialize for AccountKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AccountKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AccountKey::parse(&s).map_err(|_| serde::de::Error::custom(format!("not an account: {s}")))
    }
}

/// An account's four running totals, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Totals {
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
}

impl Totals {
    /// The posted balance on the account's normal side.
    pub fn balance(&self, normal: Normal) -> i64 {
        match normal {
            Normal::Credit => self.credits_posted - self.debits_posted,
            Normal::Debit => self.debits_posted - self.credits_posted,
        }
    }

    /// The balance less what pending transfers will take out of it: what may still be spent.
    /// The store's conditional UPDATE spells this same expression in SQL.
    pub fn available(&self, normal: Normal) -> i64 {
        match normal {
            Normal::Credit => self.credits_posted - self.debits_posted - self.debits_pending,
            Normal::Debit => self.debits_posted - self.credits_posted - self.credits_pending,
        }
    }
}

/// Why the ledger refused a posting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("amount must be more than zero")]
    NotPositive,
    #[error("a transfer must move money between two different accounts")]
    SameAccount,
    #[error("{account} has {available} available, {amount} requested (floor {floor})")]
    BelowFloor { account: AccountKey, available: Fen, amount: Fen, floor: Fen },
    #[error("the pending transfer was already posted or voided")]
    AlreadyResolved,
    #[error("no such pending transfer")]
    NoSuchPending,
    #[error("posting key {0} was used before for a different transfer")]
    KeyReused(String),
}

impl Refusal {
    /// The refusal as a field error the user can read (`amount` is what they can change).
    pub fn to_field_error(&self) -> FieldError {
        match self {
            Refusal::NotPositive => FieldError::new("amount", "must-be-positive"),
            Refusal::SameAccount => FieldError::new("account", "same-account"),
            Refusal::BelowFloor { account, available, amount, .. } => FieldError::new("amount", "insufficient-funds")
                .arg("account", account)
                .arg("available", available)
                .arg("amount", amount),
            Refusal::AlreadyResolved => FieldError::new("transfer", "transfer-already-resolved"),
            Refusal::NoSuchPending => FieldError::new("transfer", "unknown-reference"),
            Refusal::KeyReused(_) => FieldError::new("transfer", "transfer-key-reused"),
        }
    }
}

/// Whether `account` (with `totals` and `floor`) may give up `amount` on its normal side,
/// i.e. be debited if credit-normal or credited if debit-normal.
pub fn check_floor(account: AccountKey, totals: &Totals, floor: Fen, amount: Fen) -> Result<(), Refusal> {
    let available = totals.available(account.normal());
    if available - amount.0 >= floor.0 {
        Ok(())
    } else {
        Err(Refusal::BelowFloor { account, available: Fen(available), amount, floor })
    }
}

/// Whether a debit (`debit == true`) or credit of an account of `normal` side reduces it.
pub fn reduces(normal: Normal, debit: bool) -> bool {
    (normal == Normal::Credit) == debit
}

/// How an accepted order's money is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Split {
    #[schema(value_type = i64)]
    pub seller: Fen,
    #[schema(value_type = i64)]
    pub platform_fee: Fen,
    #[schema(value_type = i64)]
    pub commission: Fen,
}

/// Basis points: 1 bp = 0.01 %; 10 000 bp = the whole.
pub const BPS_WHOLE: i64 = 10_000;

/// Splits `total` into seller proceeds, platform fee and agent commission. The fee and the
/// commission are each rounded *down* to the fen (`total × bps ÷ 10 000`), and the seller gets
/// the remainder, so the three always add up to the total exactly and the rounding favours the
/// seller, whose money it is. Rates are 0–10 000 bp and together at most 10 000.
pub fn split_on_acceptance(total: Fen, fee_bps: i64, commission_bps: i64) -> Result<Split, FieldError> {
    for (field, bps) in [("fee_bps", fee_bps), ("commission_bps", commission_bps)] {
        if !(0..=BPS_WHOLE).contains(&bps) {
            return Err(FieldError::new(field, "out-of-range").arg("min", 0).arg("max", BPS_WHOLE));
        }
    }
    if fee_bps + commission_bps > BPS_WHOLE {
        return Err(FieldError::new("commission_bps", "out-of-range").arg("min", 0).arg("max", BPS_WHOLE - fee_bps));
    }
    if total.0 < 0 {
        return Err(FieldError::new("total", "must-be-positive"));
    }
    // i128 so that a large total times 10 000 cannot overflow.
    let part = |bps: i64| Fen((i128::from(total.0) * i128::from(bps) / i128::from(BPS_WHOLE)) as i64);
    let platform_fee = part(fee_bps);
    let commission = part(commission_bps);
    Ok(Split { seller: Fen(total.0 - platform_fee.0 - commission.0), platform_fee, commission })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_read_back_as_written() {
        let p = PersonId::new();
        for k in [AccountKey::Wallet(p), AccountKey::Escrow(OrderId::new()), AccountKey::CountyBank] {
            assert_eq!(AccountKey::parse(&k.to_string()).unwrap(), k);
        }
        assert_eq!(AccountKey::parse("platform_revenue").unwrap(), AccountKey::PlatformRevenue);
        assert!(AccountKey::parse("wallet").is_err(), "a wallet needs its owner");
        assert!(AccountKey::parse("county_bank:0190a0a0-0000-7000-8000-000000000000").is_err());
        assert!(AccountKey::parse("piggy_bank").is_err());
    }

    #[test]
    fn assets_are_debit_normal_and_liabilities_credit_normal() {
        assert_eq!(AccountKind::Wallet.normal(), Normal::Credit);
        assert_eq!(AccountKind::Escrow.normal(), Normal::Credit);
        assert_eq!(AccountKind::StationCash.normal(), Normal::Debit);
        assert_eq!(AccountKind::CountyBank.normal(), Normal::Debit);
        assert!(reduces(Normal::Credit, true) && reduces(Normal::Debit, false));
    }

    #[test]
    fn a_wallet_cannot_spend_what_is_held_for_a_pending_transfer() {
        let w = AccountKey::Wallet(PersonId::new());
        let t = Totals { credits_posted: 10_000, debits_posted: 2_000, debits_pending: 3_000, credits_pending: 0 };
        assert_eq!(t.balance(Normal::Credit), 8_000);
        assert!(check_floor(w, &t, Fen::ZERO, Fen(5_000)).is_ok());
        let e = check_floor(w, &t, Fen::ZERO, Fen(5_001)).unwrap_err();
        assert_eq!(e, Refusal::BelowFloor { account: w, available: Fen(5_000), amount: Fen(5_001), floor: Fen(0) });
        assert!(check_floor(w, &t, Fen(-1), Fen(5_001)).is_ok(), "a negative floor allows an overdraft");
    }

    #[test]
    fn a_rice_cooker_of_299_yuan_splits_with_the_odd_fen_to_the_seller() {
        let s = split_on_acceptance(Fen(29_999), 300, 150).unwrap();
        assert_eq!(s, Split { seller: Fen(28_651), platform_fee: Fen(899), commission: Fen(449) });
        assert!(split_on_acceptance(Fen(100), 10_001, 0).is_err());
        assert!(split_on_acceptance(Fen(100), 6_000, 5_000).is_err());
        assert!(split_on_acceptance(Fen(-1), 0, 0).is_err());
    }

    proptest! {
        #[test]
        fn a_split_conserves_the_total(total in 0i64..1_000_000_000_000, fee in 0i64..=5_000, com in 0i64..=5_000) {
            let s = split_on_acceptance(Fen(total), fee, com).unwrap();
            prop_assert_eq!(s.seller.0 + s.platform_fee.0 + s.commission.0, total);
            prop_assert!(s.seller.0 >= 0 && s.platform_fee.0 >= 0 && s.commission.0 >= 0);
            // Rounded down: never more than the exact share, and less by under one fen.
            prop_assert!(i128::from(s.platform_fee.0) * 10_000 <= i128::from(total) * i128::from(fee));
            prop_assert!((i128::from(s.platform_fee.0) + 1) * 10_000 > i128::from(total) * i128::from(fee));
        }
    }
}
