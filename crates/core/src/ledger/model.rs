//! An in-memory ledger with the same rules as the stored one: the reference the property tests
//! drive with random sequences of payments, holds, posts, voids and refunds, to show that the
//! trial balance stays zero, no account goes below its floor, and nothing is posted twice.

use super::{AccountKey, Refusal, Totals, TransferCode, TransferState, check_floor, reduces};
use crate::money::Fen;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub debit: AccountKey,
    pub credit: AccountKey,
    pub amount: Fen,
    pub state: TransferState,
    pub code: TransferCode,
    /// For a posting or voiding row, the index of the pending transfer it resolves.
    pub pending: Option<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct Ledger {
    totals: BTreeMap<AccountKey, Totals>,
    floors: HashMap<AccountKey, Fen>,
    transfers: Vec<Transfer>,
    by_idem: HashMap<String, usize>,
    resolution: HashMap<usize, usize>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_floor(&mut self, account: AccountKey, floor: Fen) {
        self.floors.insert(account, floor);
    }

    pub fn floor(&self, account: AccountKey) -> Fen {
        self.floors.get(&account).copied().unwrap_or(Fen::ZERO)
    }

    pub fn totals(&self, account: AccountKey) -> Totals {
        self.totals.get(&account).copied().unwrap_or_default()
    }

    pub fn balance(&self, account: AccountKey) -> Fen {
        Fen(self.totals(account).balance(account.normal()))
    }

    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    pub fn accounts(&self) -> impl Iterator<Item = (&AccountKey, &Totals)> {
        self.totals.iter()
    }

    /// Σ (credits − debits) over every account, posted and pending: zero, always.
    pub fn trial_balance(&self) -> (i64, i64) {
        self.totals.values().fold((0, 0), |(p, q), t| {
            (p + t.credits_posted - t.debits_posted, q + t.credits_pending - t.debits_pending)
        })
    }

    /// Moves `amount` at once. A repeated `idem` returns the first transfer and changes nothing.
    pub fn transfer(
        &mut self,
        idem: &str,
        debit: AccountKey,
        credit: AccountKey,
        amount: Fen,
        code: TransferCode,
    ) -> Result<usize, Refusal> {
        let t = Transfer { debit, credit, amount, state: TransferState::Posted, code, pending: None };
        self.record(idem, t)
    }

    /// Reserves `amount`: it leaves the debited side's available balance now, and moves when posted.
    pub fn hold(
        &mut self,
        idem: &str,
        debit: AccountKey,
        credit: AccountKey,
        amount: Fen,
        code: TransferCode,
    ) -> Result<usize, Refusal> {
        let t = Transfer { debit, credit, amount, state: TransferState::Pending, code, pending: None };
        self.record(idem, t)
    }

    /// Posts (`post == true`) or voids a pending transfer, once.
    pub fn resolve(&mut self, idem: &str, pending: usize, post: bool, code: TransferCode) -> Result<usize, Refusal> {
        let p =
            self.transfers.get(pending).filter(|p| p.state == TransferState::Pending).ok_or(Refusal::NoSuchPending)?;
        let state = if post { TransferState::Posted } else { TransferState::Voided };
        let t = Transfer { debit: p.debit, credit: p.credit, amount: p.amount, state, code, pending: Some(pending) };
        self.record(idem, t)
    }

    fn record(&mut self, idem: &str, t: Transfer) -> Result<usize, Refusal> {
        if let Some(&i) = self.by_idem.get(idem) {
            let first = &self.transfers[i];
            let same = first.debit == t.debit && first.credit == t.credit && first.amount == t.amount;
            return if same && first.state == t.state { Ok(i) } else { Err(Refusal::KeyReused(idem.to_string())) };
        }
        if t.amount.0 <= 0 {
            return Err(Refusal::NotPositive);
        }
        if t.debit == t.credit {
            return Err(Refusal::SameAccount);
        }
        if let Some(p) = t.pending
            && self.resolution.contains_key(&p)
        {
            return Err(Refusal::AlreadyResolved);
        }
        // Resolving a pending transfer frees what it reserved; only new money is floor-checked.
        if t.pending.is_none() {
            for (acct, debit) in [(t.debit, true), (t.credit, false)] {
                if reduces(acct.normal(), debit) {
                    check_floor(acct, &self.totals(acct), self.floor(acct), t.amount)?;
                }
            }
        }
        bump(self.totals.entry(t.debit).or_default(), Side::Debit, &t);
        bump(self.totals.entry(t.credit).or_default(), Side::Credit, &t);
        let i = self.transfers.len();
        if let Some(p) = t.pending {
            self.resolution.insert(p, i);
        }
        self.transfers.push(t);
        self.by_idem.insert(idem.to_string(), i);
        Ok(i)
    }
}

#[derive(Clone, Copy)]
enum Side {
    Debit,
    Credit,
}

/// Moves one side of an account's totals as the transfer `t` says: a pending amount is
/// reserved, posted, or released; a direct posting goes straight to the posted total.
fn bump(totals: &mut Totals, side: Side, t: &Transfer) {
    let (posted, pending) = match side {
        Side::Debit => (&mut totals.debits_posted, &mut totals.debits_pending),
        Side::Credit => (&mut totals.credits_posted, &mut totals.credits_pending),
    };
    let a = t.amount.0;
    match (t.state, t.pending) {
        (TransferState::Pending, _) => *pending += a,
        (TransferState::Posted, None) => *posted += a,
        (TransferState::Posted, Some(_)) => {
            *pending -= a;
            *posted += a;
        }
        (TransferState::Voided, _) => *pending -= a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrderId, PersonId};
    use crate::ledger::split_on_acceptance;
    use proptest::prelude::*;

    /// What happens to orders and wallets in a county, in the words of the order code.
    #[derive(Debug, Clone)]
    enum Op {
        TopUp { buyer: usize, fen: i64 },
        Pay { buyer: usize, order: usize, fen: i64 },
        Settle { order: usize, seller: usize },
        Release { order: usize },
        Clawback { order: usize },
        Refund { order: usize, buyer: usize, fen: i64 },
        Payout { person: usize, fen: i64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 1..50_000i64).prop_map(|(buyer, fen)| Op::TopUp { buyer, fen }),
            (0..3usize, 0..4usize, 1..30_000i64).prop_map(|(buyer, order, fen)| Op::Pay { buyer, order, fen }),
            (0..4usize, 0..3usize).prop_map(|(order, seller)| Op::Settle { order, seller }),
            (0..4usize).prop_map(|order| Op::Release { order }),
            (0..4usize).prop_map(|order| Op::Clawback { order }),
            (0..4usize, 0..3usize, 1..30_000i64).prop_map(|(order, buyer, fen)| Op::Refund { order, buyer, fen }),
            (0..3usize, 1..60_000i64).prop_map(|(person, fen)| Op::Payout { person, fen }),
        ]
    }

    struct County {
        people: Vec<PersonId>,
        orders: Vec<OrderId>,
        agent: PersonId,
        commission_of: HashMap<usize, usize>,
        splits: HashMap<usize, Result<crate::ledger::Split, crate::FieldError>>,
    }

    /// Applies one operation; refusals are expected outcomes (not enough money), not failures.
    fn apply(l: &mut Ledger, c: &mut County, step: usize, op: &Op) -> Result<(), Refusal> {
        use AccountKey::*;
        use TransferCode as C;
        match *op {
            Op::TopUp { buyer, fen } => {
                l.transfer(&format!("topup:{step}"), CountyBank, Wallet(c.people[buyer]), Fen(fen), C::Topup)?;
            }
            Op::Pay { buyer, order, fen } => {
                let (w, e) = (Wallet(c.people[buyer]), Escrow(c.orders[order]));
                l.transfer(&format!("pay:{step}"), w, e, Fen(fen), C::PaymentWallet)?;
            }
            Op::Settle { order, seller } => {
                let e = Escrow(c.orders[order]);
                // The split is fixed when the order is accepted; a retry settles the same split.
                let available = Fen(l.totals(e).available(e.normal()));
                let s = c.splits.entry(step).or_insert_with(|| split_on_acceptance(available, 300, 200)).clone();
                let s = s.map_err(|_| Refusal::NotPositive)?;
                let seller = Wallet(c.people[seller]);
                // Zero parts are not posted: the ledger refuses empty transfers.
                if s.seller.0 > 0 {
                    l.transfer(&format!("settle:{step}:s"), e, seller, s.seller, C::EscrowReleaseSeller)?;
                }
                if s.platform_fee.0 > 0 {
                    l.transfer(&format!("settle:{step}:f"), e, PlatformRevenue, s.platform_fee, C::PlatformFee)?;
                }
                if s.commission.0 > 0 {
                    let p = l.hold(&format!("settle:{step}:c"), e, Commission(c.agent), s.commission, C::Commission)?;
                    c.commission_of.insert(order, p);
                }
            }
            Op::Release { order } => {
                let p = *c.commission_of.get(&order).ok_or(Refusal::NoSuchPending)?;
                l.resolve(&format!("release:{order}:{p}"), p, true, C::CommissionRelease)?;
            }
            Op::Clawback { order } => {
                let p = *c.commission_of.get(&order).ok_or(Refusal::NoSuchPending)?;
                l.resolve(&format!("clawback:{order}:{p}"), p, false, C::CommissionClawback)?;
            }
            Op::Refund { order, buyer, fen } => {
                let (e, w) = (Escrow(c.orders[order]), Wallet(c.people[buyer]));
                l.transfer(&format!("refund:{step}"), e, w, Fen(fen), C::Refund)?;
            }
            Op::Payout { person, fen } => {
                l.transfer(&format!("payout:{step}"), Wallet(c.people[person]), CountyBank, Fen(fen), C::Payout)?;
            }
        }
        Ok(())
    }

    fn assert_sound(l: &Ledger) -> Result<(), TestCaseError> {
        prop_assert_eq!(l.trial_balance(), (0, 0));
        for (k, t) in l.accounts() {
            prop_assert!(t.available(k.normal()) >= l.floor(*k).0, "{} below its floor: {:?}", k, t);
            prop_assert!(t.debits_pending >= 0 && t.credits_pending >= 0);
        }
        // The totals are exactly what the transfer log says.
        let mut replay: BTreeMap<AccountKey, Totals> = BTreeMap::new();
        for t in l.transfers() {
            if t.state == TransferState::Posted {
                replay.entry(t.debit).or_default().debits_posted += t.amount.0;
                replay.entry(t.credit).or_default().credits_posted += t.amount.0;
            }
        }
        for (k, t) in l.accounts() {
            let r = replay.get(k).copied().unwrap_or_default();
            prop_assert_eq!((t.debits_posted, t.credits_posted), (r.debits_posted, r.credits_posted));
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn random_order_histories_keep_the_books_balanced(ops in proptest::collection::vec(op(), 1..60)) {
            let mut l = Ledger::new();
            let seller = PersonId::new();
            // A seller may be allowed to owe the platform a little (returns after payout).
            l.set_floor(AccountKey::Wallet(seller), Fen(-5_000));
            let mut c = County {
                people: vec![PersonId::new(), PersonId::new(), seller],
                orders: (0..4).map(|_| OrderId::new()).collect(),
                agent: PersonId::new(),
                commission_of: HashMap::new(),
                splits: HashMap::new(),
            };
            for (step, o) in ops.iter().enumerate() {
                let before = l.transfers().len();
                let first = apply(&mut l, &mut c, step, o);
                assert_sound(&l)?;
                // The same step again (a retry) changes nothing.
                let snapshot: Vec<_> = l.accounts().map(|(k, t)| (*k, *t)).collect();
                let again = apply(&mut l, &mut c, step, o);
                if first.is_ok() {
                    prop_assert!(again.is_ok(), "a retry of a success succeeds: {:?}", again);
                    prop_assert_eq!(snapshot, l.accounts().map(|(k, t)| (*k, *t)).collect::<Vec<_>>());
                }
                if first.is_err() && l.transfers().len() == before {
                    // A refused step left no trace.
                    assert_sound(&l)?;
                }
            }
            // A pending transfer is resolved at most once.
            let mut seen = std::collections::HashSet::new();
            for t in l.transfers() {
                if let Some(p) = t.pending {
                    prop_assert!(seen.insert(p), "pending {} resolved twice", p);
                }
            }
        }
    }

    #[test]
    fn a_commission_is_released_or_clawed_back_but_not_both() {
        let mut l = Ledger::new();
        let (buyer, agent, order) = (PersonId::new(), PersonId::new(), OrderId::new());
        use AccountKey::*;
        l.transfer("t", CountyBank, Wallet(buyer), Fen(10_000), TransferCode::Topup).unwrap();
        l.transfer("p", Wallet(buyer), Escrow(order), Fen(10_000), TransferCode::PaymentWallet).unwrap();
        let p = l.hold("c", Escrow(order), Commission(agent), Fen(500), TransferCode::Commission).unwrap();
        assert_eq!(l.balance(Escrow(order)), Fen(10_000));
        let e = l.transfer("x", Escrow(order), Wallet(buyer), Fen(9_600), TransferCode::Refund).unwrap_err();
        assert!(matches!(e, Refusal::BelowFloor { available: Fen(9_500), .. }), "{e:?}");
        l.resolve("r", p, true, TransferCode::CommissionRelease).unwrap();
        assert_eq!(l.balance(Commission(agent)), Fen(500));
        assert_eq!(l.resolve("v", p, false, TransferCode::CommissionClawback), Err(Refusal::AlreadyResolved));
        assert_eq!(l.resolve("r", p, true, TransferCode::CommissionRelease), Ok(p + 1), "a retry is the same post");
        assert_eq!(l.trial_balance(), (0, 0));
    }
}
