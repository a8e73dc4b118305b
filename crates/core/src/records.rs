//! The county network and its people as stored and as shown: plain records whose fields have
//! already passed the checks in `network`, `people` and `text`.

use crate::geo::{Area, LatLon, RoadClass};
use crate::ids::*;
use crate::network::HubKind;
use crate::people::{BuyerKind, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct County {
    pub id: CountyId,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    pub centre: LatLon,
    pub area: Area,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Township {
    pub id: TownshipId,
    pub county_id: CountyId,
    pub code: String,
    pub name: String,
    /// Where the township government sits.
    pub seat: LatLon,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Village {
    pub id: VillageId,
    pub county_id: CountyId,
    pub township_id: TownshipId,
    pub code: String,
    pub name: String,
    pub location: LatLon,
    pub population: i64,
    pub households: i64,
    pub road_class: RoadClass,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Hub {
    pub id: HubId,
    pub county_id: CountyId,
    pub code: String,
    pub name: String,
    pub kind: HubKind,
    pub location: LatLon,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Station {
    pub id: StationId,
    pub county_id: CountyId,
    pub village_id: VillageId,
    pub code: String,
    pub name: String,
    /// `"08:00-18:00"`, local time.
    pub opening_hours: String,
    pub cold_storage_kg: i64,
    pub certified_scale: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub id: PersonId,
    pub county_id: CountyId,
    pub role: Role,
    pub name: String,
    pub phone: Option<String>,
    pub village_id: Option<VillageId>,
    pub station_id: Option<StationId>,
    pub buyer_kind: Option<BuyerKind>,
    pub household_size: Option<i64>,
    /// The login name, when the person has an account.
    pub username: Option<String>,
}

/// A login identity and where it holds which role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub locale: Option<String>,
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    pub county_id: CountyId,
    pub person_id: PersonId,
    pub role: Role,
    /// The station the person works at (an agent's station), read with the role.
    #[serde(default)]
    pub station_id: Option<StationId>,
}
