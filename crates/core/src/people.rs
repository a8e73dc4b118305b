//! People and what they may do: roles per county, phone numbers, log-in names and passwords.
//! The access rules are here, once; every endpoint asks `Role::may`.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// What a person is to a county. A user may hold different roles in different counties;
/// `Admin` is platform-wide and not held per county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Agent,
    Farmer,
    Coop,
    Supplier,
    Buyer,
    Driver,
    Inspector,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Operator,
        Role::Agent,
        Role::Farmer,
        Role::Coop,
        Role::Supplier,
        Role::Buyer,
        Role::Driver,
        Role::Inspector,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Agent => "agent",
            Role::Farmer => "farmer",
            Role::Coop => "coop",
            Role::Supplier => "supplier",
            Role::Buyer => "buyer",
            Role::Driver => "driver",
            Role::Inspector => "inspector",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Result<Role, FieldError> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            FieldError::new("", "unknown-choice")
                .arg("allowed", Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))
        })
    }

    /// Trading parties, as opposed to staff: the people an agent may register at the station.
    pub fn is_party(self) -> bool {
        matches!(self, Role::Farmer | Role::Coop | Role::Supplier | Role::Buyer)
    }

    /// Whether this role, in its own county, may do `action`. Admins may do everything
    /// everywhere and are checked before this is asked.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match action {
            // The network is public within the county: every member sees places and stations.
            ReadNetwork => true,
            ManageNetwork => self == Operator,
            ReadPeople => matches!(self, Operator | Auditor | Agent),
            // The agent registers villagers and farmers at the station (issue: assisted ordering).
            RegisterParty => matches!(self, Operator | Agent),
            ManagePeople => self == Operator,
            // Every party sees their own balance and statement (issue 3); whose, is checked per account.
            ReadOwnLedger => true,
            // The books as a whole: the operator runs them, the auditor checks them.
            ReadLedger => matches!(self, Operator | Auditor),
            ReconcileBank => self == Operator,
            // Only trading parties hold a wallet they pay into.
            TopUpWallet => self.is_party(),
            // The catalog is public within the county, like the network: buyers browse it.
            ReadCatalog => true,
            // Sellers offer their own goods; the agent offers farm products for farmers and
            // co-ops; the operator any (which seller, and which direction, is checked per listing).
            ListForSale => matches!(self, Operator | Agent | Farmer | Coop | Supplier),
            // Products are shared by every seller of them, so only the operator changes one.
            ManageCatalog => self == Operator,
            // Dispatch (issue 5): staff see the fleet; the operator keeps it and plans the day;
            // the auditor reads plans; a driver reads and records on their own route sheet only
            // (whose vehicle, is checked per sheet).
            ReadFleet => !self.is_party(),
            ManageDispatch => self == Operator,
            ReadDispatch => matches!(self, Operator | Auditor),
            ReadRouteSheet => matches!(self, Operator | Auditor | Driver),
            RecordStop => matches!(self, Operator | Driver),
            // The dashboard and its exports (issue 8): the operator runs the county by it, the
            // auditor checks it; nobody else sees the county's totals.
            ReadDashboard => matches!(self, Operator | Auditor),
        }
    }
}

/// Things a role may or may not do in its county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ReadNetwork,
    ManageNetwork,
    /// List and read people records. Agents see trading parties only.
    ReadPeople,
    /// Create a farmer, co-op or buyer record (no staff).
    RegisterParty,
    /// Create and change any person record, staff included, and give them a login.
    ManagePeople,
    /// See one's own ledger accounts and statements.
    ReadOwnLedger,
    /// See any account, statement and the trial balance of the county.
    ReadLedger,
    /// Import bank statements and match them to expected payments.
    ReconcileBank,
    /// Ask to top up one's own wallet by bank transfer.
    TopUpWallet,
    /// Browse products and listings.
    ReadCatalog,
    /// Create products and listings, and change listings (whose, is checked per listing).
    ListForSale,
    /// Change any product, and any listing of the county.
    ManageCatalog,
    /// See the county's vehicles.
    ReadFleet,
    /// Keep the fleet and the road matrix, and plan the day's dispatch.
    ManageDispatch,
    /// Read dispatch plans, their costs and savings.
    ReadDispatch,
    /// Read a route sheet (drivers: their own vehicle's).
    ReadRouteSheet,
    /// Record what was handed over at a stop (drivers: on their own vehicle's sheet).
    RecordStop,
    /// Read the county dashboard and download its exports.
    ReadDashboard,
}

/// A city buyer is a household or a business (restaurant, canteen, shop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuyerKind {
    Consumer,
    Business,
}

impl BuyerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BuyerKind::Consumer => "consumer",
            BuyerKind::Business => "business",
        }
    }

    pub fn parse(s: &str) -> Result<BuyerKind, FieldError> {
        match s {
            "consumer" => Ok(BuyerKind::Consumer),
            "business" => Ok(BuyerKind::Business),
            _ => Err(FieldError::new("", "unknown-choice").arg("allowed", "consumer, business")),
        }
    }
}

/// A mainland-China mobile number: 11 digits, `1` then 3–9. Numbers that start with
/// [`DEMO_PHONE_PREFIX`] are also accepted: no real number starts so, which is why generated demo
/// people use them and can never text a real person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

/// The prefix of every generated, fictitious phone number ("100…": not a Chinese mobile range).
pub const DEMO_PHONE_PREFIX: &str = "100";

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, FieldError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits.strip_prefix("+86").unwrap_or(&digits).to_string();
        let ok = digits.len() == 11
            && digits.chars().all(|c| c.is_ascii_digit())
            && (digits.starts_with(DEMO_PHONE_PREFIX) || (digits.starts_with('1') && digits.as_bytes()[1] >= b'3'));
        if ok { Ok(PhoneNumber(digits)) } else { Err(FieldError::new("", "bad-phone").arg("input", raw.trim())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_fictitious(&self) -> bool {
        self.0.starts_with(DEMO_PHONE_PREFIX)
    }
}

/// A log-in name: 3–32 of a–z, 0–9, `.`, `_`, `-`, case-folded.
pub fn username(raw: &str) -> Result<String, FieldError> {
    let t = raw.trim().to_ascii_lowercase();
    if t.len() < 3 || t.len() > 32 {
        return Err(FieldError::new("", "length").arg("min", 3).arg("max", 32));
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(FieldError::new("", "bad-username"));
    }
    Ok(t)
}

/// A new password: 10–128 characters. Long beats clever (NIST SP 800-63B); no composition rules.
pub fn new_password(raw: &str) -> Result<&str, FieldError> {
    let n = raw.chars().count();
    if !(10..=128).contains(&n) {
        return Err(FieldError::new("", "length").arg("min", 10).arg("max", 128));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_real_and_fictitious() {
        assert_eq!(PhoneNumber::parse("+86 138-0000-1234").unwrap().as_str(), "13800001234");
        assert!(PhoneNumber::parse("10012345678").unwrap().is_fictitious());
        assert!(PhoneNumber::parse("12012345678").is_err());
        assert!(PhoneNumber::parse("1380000123").is_err());
    }

    #[test]
    fn who_may_do_what() {
        assert!(Role::Operator.may(Action::ManageNetwork));
        assert!(!Role::Auditor.may(Action::ManageNetwork));
        assert!(Role::Auditor.may(Action::ReadPeople));
        assert!(Role::Agent.may(Action::RegisterParty));
        assert!(!Role::Agent.may(Action::ManagePeople));
        assert!(!Role::Farmer.may(Action::ReadPeople));
        assert!(Role::Buyer.may(Action::ReadNetwork));
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(username(" Li.Wei ").unwrap(), "li.wei");
        assert!(username("李伟").is_err());
        assert!(new_password("short").is_err());
        assert!(new_password("correct horse battery").is_ok());
    }
}
