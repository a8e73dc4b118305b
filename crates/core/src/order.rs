//! An order's life, defined once: its states, the events that move it, and which moves are
//! allowed from where. Every use case asks [`OrderState::apply`]; an order's status changes
//! only through it, and a refused move says which moves are allowed instead.
//!
//! ```text
//! placed ─pay→ paid ─confirm→ confirmed ─pack→ packed ─ship→ in_transit ─deliver→ delivered
//!   │            │               │                                          │   │
//!   └─cancel─────┴───cancel──────┘→ cancelled                               │   └─dispute→ disputed
//!                                                      delivered ─accept→ accepted ─settle→ settled
//!                                                      settled ─return→ returned  (within the return window)
//! disputed ─resolve→ delivered (claim decided: settle what is left) · disputed ─return→ returned (all refunded)
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Placed,
    Paid,
    Confirmed,
    Packed,
    InTransit,
    Delivered,
    Accepted,
    Settled,
    Cancelled,
    Returned,
    Disputed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvent {
    Pay,
    Confirm,
    Pack,
    Ship,
    Deliver,
    Accept,
    Settle,
    Cancel,
    Return,
    Dispute,
    /// A claim on a delivered order is decided; the order goes back to delivered to settle.
    Resolve,
}

impl OrderEvent {
    pub const ALL: [OrderEvent; 11] = [
        OrderEvent::Pay,
        OrderEvent::Confirm,
        OrderEvent::Pack,
        OrderEvent::Ship,
        OrderEvent::Deliver,
        OrderEvent::Accept,
        OrderEvent::Settle,
        OrderEvent::Cancel,
        OrderEvent::Return,
        OrderEvent::Dispute,
        OrderEvent::Resolve,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderEvent::Pay => "pay",
            OrderEvent::Confirm => "confirm",
            OrderEvent::Pack => "pack",
            OrderEvent::Ship => "ship",
            OrderEvent::Deliver => "deliver",
            OrderEvent::Accept => "accept",
            OrderEvent::Settle => "settle",
            OrderEvent::Cancel => "cancel",
            OrderEvent::Return => "return",
            OrderEvent::Dispute => "dispute",
            OrderEvent::Resolve => "resolve",
        }
    }
}

/// A move the order's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} an order that is {}", .event.as_str(), .from.as_str())]
pub struct InvalidTransition {
    pub from: OrderState,
    pub event: OrderEvent,
    /// What may be done instead, from this state.
    pub allowed: Vec<OrderEvent>,
}

impl OrderState {
    pub const ALL: [OrderState; 11] = [
        OrderState::Placed,
        OrderState::Paid,
        OrderState::Confirmed,
        OrderState::Packed,
        OrderState::InTransit,
        OrderState::Delivered,
        OrderState::Accepted,
        OrderState::Settled,
        OrderState::Cancelled,
        OrderState::Returned,
        OrderState::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Placed => "placed",
            OrderState::Paid => "paid",
            OrderState::Confirmed => "confirmed",
            OrderState::Packed => "packed",
            OrderState::InTransit => "in_transit",
            OrderState::Delivered => "delivered",
            OrderState::Accepted => "accepted",
            OrderState::Settled => "settled",
            OrderState::Cancelled => "cancelled",
            OrderState::Returned => "returned",
            OrderState::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Result<OrderState, crate::FieldError> {
        OrderState::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::FieldError::new("", "unknown-choice").arg("allowed", "placed, paid, …"))
    }

    /// The one table of allowed moves.
    fn target(self, e: OrderEvent) -> Option<OrderState> {
        use OrderEvent as E;
        use OrderState as S;
        Some(match (self, e) {
            (S::Placed, E::Pay) => S::Paid,
            (S::Paid, E::Confirm) => S::Confirmed,
            (S::Confirmed, E::Pack) => S::Packed,
            (S::Packed, E::Ship) => S::InTransit,
            (S::InTransit, E::Deliver) => S::Delivered,
            (S::Delivered, E::Accept) => S::Accepted,
            (S::Accepted, E::Settle) => S::Settled,
            // Cancelling is possible until the goods are packed.
            (S::Placed | S::Paid | S::Confirmed, E::Cancel) => S::Cancelled,
            // A return comes after settlement, within the county's return window (checked by
            // the use case, which knows the clock).
            (S::Settled, E::Return) => S::Returned,
            // A claim on goods delivered but not yet accepted holds the escrow until decided.
            (S::Delivered, E::Dispute) => S::Disputed,
            (S::Disputed, E::Resolve) => S::Delivered,
            // Everything refunded: nothing left to settle.
            (S::Disputed, E::Return) => S::Returned,
            _ => return None,
        })
    }

    /// The state after `e`, or why not.
    pub fn apply(self, e: OrderEvent) -> Result<OrderState, InvalidTransition> {
        self.target(e).ok_or_else(|| InvalidTransition { from: self, event: e, allowed: self.allowed() })
    }

    pub fn allowed(self) -> Vec<OrderEvent> {
        OrderEvent::ALL.into_iter().filter(|e| self.target(*e).is_some()).collect()
    }

    /// Money has reached escrow (and not left it by settlement or refund).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderState::Paid
                | OrderState::Confirmed
                | OrderState::Packed
                | OrderState::InTransit
                | OrderState::Delivered
        )
    }

    /// Nothing more will happen to the order, apart from the trust issue's claims.
    pub fn is_final(self) -> bool {
        matches!(self, OrderState::Cancelled | OrderState::Returned)
    }
}

/// Which way the goods go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Consumer goods and farm inputs to the villages.
    Downlink,
    /// Farm products to the cities.
    Uplink,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Downlink => "downlink",
            Direction::Uplink => "uplink",
        }
    }

    pub fn parse(s: &str) -> Result<Direction, crate::FieldError> {
        match s {
            "downlink" => Ok(Direction::Downlink),
            "uplink" => Ok(Direction::Uplink),
            _ => Err(crate::FieldError::new("", "unknown-choice").arg("allowed", "downlink, uplink")),
        }
    }
}

/// A six-digit pickup code the villager shows at the station. Leading zeros count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PickupCode(String);

impl PickupCode {
    pub fn parse(raw: &str) -> Result<PickupCode, crate::FieldError> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if t.len() == 6 && t.chars().all(|c| c.is_ascii_digit()) {
            Ok(PickupCode(t))
        } else {
            Err(crate::FieldError::new("", "bad-pickup-code"))
        }
    }

    /// From a random number; the caller supplies the randomness (core does no IO).
    pub fn from_random(n: u32) -> PickupCode {
        PickupCode(format!("{:06}", n % 1_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_reaches_settled() {
        let mut s = OrderState::Placed;
        for e in [
            OrderEvent::Pay,
            OrderEvent::Confirm,
            OrderEvent::Pack,
            OrderEvent::Ship,
            OrderEvent::Deliver,
            OrderEvent::Accept,
            OrderEvent::Settle,
        ] {
            s = s.apply(e).unwrap();
        }
        assert_eq!(s, OrderState::Settled);
        assert_eq!(s.apply(OrderEvent::Return).unwrap(), OrderState::Returned);
    }

    #[test]
    fn a_refused_move_says_what_is_allowed() {
        let e = OrderState::Paid.apply(OrderEvent::Accept).unwrap_err();
        assert_eq!(e.allowed, vec![OrderEvent::Confirm, OrderEvent::Cancel]);
        assert!(OrderState::Packed.apply(OrderEvent::Cancel).is_err(), "no cancelling once packed");
        assert!(OrderState::Paid.apply(OrderEvent::Pay).is_err(), "no paying twice");
    }

    #[test]
    fn pickup_codes_are_six_digits() {
        assert_eq!(PickupCode::parse(" 012 345 ").unwrap().as_str(), "012345");
        assert!(PickupCode::parse("12345").is_err());
        assert!(PickupCode::parse("12345a").is_err());
        assert_eq!(PickupCode::from_random(42).as_str(), "000042");
    }

    proptest! {
        /// Whatever the events, the state only ever changes through the table, a final state
        /// stays final, and money paid is never "paid" again.
        #[test]
        fn random_events_follow_the_table(events in proptest::collection::vec(0usize..11, 0..40)) {
            let mut s = OrderState::Placed;
            let mut paid_times = 0;
            for i in events {
                let e = OrderEvent::ALL[i];
                match s.apply(e) {
                    Ok(n) => {
                        prop_assert!(!s.is_final());
                        if e == OrderEvent::Pay { paid_times += 1; }
                        s = n;
                    }
                    Err(err) => prop_assert!(!err.allowed.contains(&e)),
                }
            }
            prop_assert!(paid_times <= 1);
        }
    }
}

/// An order as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: crate::OrderId,
    pub county_id: crate::CountyId,
    /// Human order number, e.g. `D261128-7KQ2MX`.
    pub order_no: String,
    pub direction: Direction,
    pub state: OrderState,
    pub buyer_id: crate::PersonId,
    pub seller_id: crate::PersonId,
    /// The agent who placed it for the buyer at the station.
    pub agent_id: Option<crate::PersonId>,
    /// Downlink: the station the buyer picks up at.
    pub station_id: Option<crate::StationId>,
    /// Uplink: the city drop point, or an address.
    pub drop_point_id: Option<crate::DropPointId>,
    pub address: Option<String>,
    /// Shown to the buyer only (and the agent who placed it); asked for at hand-over.
    pub pickup_code: Option<String>,
    pub total_fen: i64,
    pub weight_g: i64,
    /// cash, wallet or bank_transfer, once paid.
    pub payment_method: Option<String>,
    /// The reference to quote on a bank transfer.
    pub payment_reference: String,
    pub lines: Vec<OrderLine>,
    pub placed_us: i64,
    pub paid_us: Option<i64>,
    pub delivered_us: Option<i64>,
    pub accepted_us: Option<i64>,
    /// Until when a return is accepted.
    pub return_until_us: Option<i64>,
    /// What may be done next.
    pub allowed: Vec<OrderEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    pub line_no: i64,
    pub listing_id: crate::ListingId,
    pub product_id: crate::ProductId,
    pub product_name: String,
    pub grade: Option<String>,
    pub units: i64,
    pub unit_price_fen: i64,
    pub line_total_fen: i64,
    pub weight_g: i64,
}

/// The total of some lines, or `None` when it would overflow (which no real order does).
pub fn total_of(lines: &[(i64, i64)]) -> Option<i64> {
    lines.iter().try_fold(0i64, |acc, (units, price)| acc.checked_add(units.checked_mul(*price)?))
}
