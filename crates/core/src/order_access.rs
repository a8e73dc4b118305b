//! Who may move an order, by how they stand to it: the buyer, the seller, the agent who placed
//! it, the agent of the station it goes to, or county staff. Defined once, asked by every move.

use crate::order::{Direction, OrderEvent};
use crate::people::Role;

/// How a caller stands to one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Buyer,
    Seller,
    /// The agent who placed the order for a villager.
    OrderAgent,
    /// The agent of the station the order is picked up at (downlink).
    StationAgent,
    /// A role held in the order's county, whatever the order.
    Staff(Role),
}

/// Whether someone with these standings may apply `event` to an order going `direction`.
pub fn may_move(standings: &[Standing], event: OrderEvent, direction: Direction) -> bool {
    use OrderEvent as E;
    use Standing as S;
    standings.iter().any(|s| match (event, s) {
        // Paying: the buyer from their wallet, or the agent taking cash at the station.
        (E::Pay, S::Buyer | S::OrderAgent | S::StationAgent) => true,
        (E::Confirm, S::Seller | S::Staff(Role::Operator)) => true,
        // Downlink goods are packed at the county hub; farm products by the seller or the
        // agent of their station.
        (E::Pack, S::Staff(Role::Operator)) => true,
        (E::Pack, S::Seller) => direction == Direction::Uplink,
        (E::Ship, S::Staff(Role::Operator | Role::Driver)) => true,
        (E::Deliver, S::Staff(Role::Operator | Role::Driver) | S::StationAgent) => true,
        // Acceptance: the buyer, or the agent handing the parcel over against its pickup code.
        (E::Accept, S::Buyer | S::StationAgent | S::OrderAgent) => true,
        (E::Cancel, S::Buyer | S::Seller | S::OrderAgent | S::Staff(Role::Operator)) => true,
        (E::Return, S::Buyer | S::StationAgent | S::OrderAgent | S::Staff(Role::Operator)) => true,
        (E::Dispute, S::Buyer | S::Staff(Role::Operator)) => true,
        // Settlement follows acceptance inside the same use case; nobody asks for it.
        _ => false,
    })
}

/// Whether these standings let the caller see the order at all.
pub fn may_see(standings: &[Standing]) -> bool {
    standings.iter().any(|s| match s {
        Standing::Staff(r) => matches!(r, Role::Operator | Role::Auditor | Role::Driver | Role::Inspector),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_moves_what() {
        let d = Direction::Downlink;
        assert!(may_move(&[Standing::Buyer], OrderEvent::Pay, d));
        assert!(!may_move(&[Standing::Seller], OrderEvent::Pay, d));
        assert!(may_move(&[Standing::Seller], OrderEvent::Confirm, d));
        assert!(!may_move(&[Standing::Seller], OrderEvent::Pack, d), "the hub packs downlink goods");
        assert!(may_move(&[Standing::Seller], OrderEvent::Pack, Direction::Uplink));
        assert!(may_move(&[Standing::Staff(Role::Driver)], OrderEvent::Deliver, d));
        assert!(!may_move(&[Standing::Staff(Role::Farmer)], OrderEvent::Ship, d));
        assert!(!may_move(&[Standing::Buyer, Standing::Staff(Role::Operator)], OrderEvent::Settle, d));
        assert!(!may_see(&[Standing::Staff(Role::Farmer)]));
        assert!(may_see(&[Standing::Staff(Role::Auditor)]));
    }
}
