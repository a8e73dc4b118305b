//! Identifiers: UUIDv7 made in Rust (time-ordered, so a station may mint them offline), one
//! newtype per kind of record so an id of one kind can never be passed where another is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    /// A county: the tenant. Every tenant record carries one.
    CountyId,
    /// A township (乡镇) of a county.
    TownshipId,
    /// A village (村).
    VillageId,
    /// A county hub (县级仓) or a township depot.
    HubId,
    /// A village service station (村级服务站).
    StationId,
    /// A person or organisation known to a county: farmer, co-op, supplier, buyer, staff.
    PersonId,
    /// A login identity; it may belong to people in several counties.
    UserId,
    /// A city drop point (城市集配点) where uplink orders are delivered.
    DropPointId,
    /// An order, in either direction.
    OrderId,
    /// A product of the catalog.
    ProductId,
    /// A seller's offer of a product.
    ListingId,
    /// A vehicle of the county's fleet.
    VehicleId,
    /// One version of a day's dispatch plan.
    PlanId,
    /// What a driver recorded at a stop of a route sheet.
    StopRecordId,
    /// A pre-order window (预售期) of the uplink.
    WindowId,
    /// A farmer's declared supply for a window.
    SupplyId,
    /// A lot (批次) of farm produce, from intake onwards.
    LotId,
    /// A weight-loss incident against a lot's custodian.
    IncidentId,
);
