//! Who is asking, and whether they may: every use case calls [`Actor::authorize`] with the
//! county and the action, so role *and* county are checked in one place.

use crate::error::{Result, ServiceError};
use uplink_core::people::{Action, Role};
use uplink_core::records::Membership;
use uplink_core::{CountyId, UserId};

/// The logged-in user making a request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub locale: Option<String>,
    pub memberships: Vec<Membership>,
}

impl Actor {
    /// The roles this user holds in `county`.
    pub fn roles_in(&self, county: CountyId) -> Vec<Role> {
        self.memberships.iter().filter(|m| m.county_id == county).map(|m| m.role).collect()
    }

    pub fn is_member(&self, county: CountyId) -> bool {
        self.is_admin || self.memberships.iter().any(|m| m.county_id == county)
    }

    /// Ok when the user may do `action` in `county`. A user with no role in the county gets
    /// `NotFound`, so another county's records are not even confirmed to exist; a member whose
    /// role does not allow it gets `Forbidden`.
    pub fn authorize(&self, county: CountyId, action: Action) -> Result<()> {
        if self.is_admin {
            return Ok(());
        }
        let roles = self.roles_in(county);
        if roles.is_empty() {
            return Err(ServiceError::NotFound);
        }
        if roles.iter().any(|r| r.may(action)) { Ok(()) } else { Err(ServiceError::Forbidden) }
    }

    /// Ok only for platform admins; others learn nothing (`NotFound` for members of no county
    /// would leak less, but admin-only endpoints are not secret, so `Forbidden` is clearer).
    pub fn require_admin(&self) -> Result<()> {
        if self.is_admin { Ok(()) } else { Err(ServiceError::Forbidden) }
    }
}
