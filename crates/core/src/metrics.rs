//! The county dashboard's figures, defined once: each figure's id, its unit, the message key of
//! its one-line definition, and the pure function that computes it from counted inputs. The
//! service counts (orders, lots, claims, plans), these functions turn the counts into figures,
//! and the page, the API, the exports and `uplink report` all show what comes out of here.
//!
//! What counts, precisely (the definitions the catalogue states in words):
//! - An **order** counts on the local day (county time zone) it was placed, unless it was
//!   cancelled; a returned or disputed order still counts (it was sold; returns are reported by
//!   the claims figures). Its value is the sum of its line totals, its weight the sum of its lines.
//! - An order's **station** is the station it goes to (downlink); for an uplink order, the
//!   seller's station, else the first station of the seller's village; none otherwise (it then
//!   counts for the county only).
//! - **Uplink GMV** and **downlink GMV** are never added together: their sum exists only as the
//!   denominator inside [`share_bp`], and no figure is defined as it.
//! - **Farmer income** counts intake lots made in the period: their payouts, the farmers paid,
//!   and the farmer's price against the buyer's price of the same window offer, weighted by the
//!   net weight taken in.
//! - **Logistics** reads the latest version of each day's dispatch plan in the period.
//! - **Loss** sums the weight lost at each custody hand-off in the period, by the place where
//!   the taker weighed it (station, vehicle, hub).
//! - **Trust** counts claims opened in the period against orders placed in it, the decisions made
//!   in it, and weight-loss incidents plus short-weight claims opened in it.
//! - **Stations** opened is every station of the area; a station is active when it has at least
//!   one counted order in each of the last three complete calendar months up to the period's end.

mod period;

pub use period::{Bucket, By, MAX_PERIOD_DAYS, Period, date};

use serde::{Deserialize, Serialize};

/// How a figure's integer value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Money in fen, shown as ¥12.50.
    Fen,
    /// Weight in grams, shown in kg.
    Grams,
    Count,
    /// Hundredths of a percent (10 000 = 100 %).
    BasisPoints,
    /// Per mille (1 000 = 100 %).
    PerMille,
    /// Hundredths of a day.
    CentiDays,
    /// Distance in metres, shown in km.
    Metres,
    /// Fen per kilogram.
    FenPerKg,
}

/// Every figure of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureId {
    UplinkGmv,
    DownlinkGmv,
    UplinkShare,
    UplinkOrders,
    DownlinkOrders,
    FarmerPayouts,
    FarmersPaid,
    PayoutPerHousehold,
    FarmerPriceShare,
    CostPerKgDown,
    CostPerKgUp,
    VehicleKm,
    LoadFactorDown,
    LoadFactorUp,
    BackhaulSaving,
    LossAtStation,
    LossOnVehicle,
    LossAtHub,
    #[serde(rename = "claims_per_100_orders")]
    ClaimsPer100Orders,
    UpheldShare,
    ShortWeightIncidents,
    DaysToFarmerPayment,
    StationsOpened,
    StationsActive,
}

/// The area a figure belongs to, for grouping on the page and in the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Trade,
    FarmerIncome,
    Logistics,
    Loss,
    Trust,
    Stations,
}

impl FigureId {
    pub const ALL: [FigureId; 24] = [
        FigureId::UplinkGmv,
        FigureId::DownlinkGmv,
        FigureId::UplinkShare,
        FigureId::UplinkOrders,
        FigureId::DownlinkOrders,
        FigureId::FarmerPayouts,
        FigureId::FarmersPaid,
        FigureId::PayoutPerHousehold,
        FigureId::FarmerPriceShare,
        FigureId::CostPerKgDown,
        FigureId::CostPerKgUp,
        FigureId::VehicleKm,
        FigureId::LoadFactorDown,
        FigureId::LoadFactorUp,
        FigureId::BackhaulSaving,
        FigureId::LossAtStation,
        FigureId::LossOnVehicle,
        FigureId::LossAtHub,
        FigureId::ClaimsPer100Orders,
        FigureId::UpheldShare,
        FigureId::ShortWeightIncidents,
        FigureId::DaysToFarmerPayment,
        FigureId::StationsOpened,
        FigureId::StationsActive,
    ];

    /// The stable id, as in JSON and the exports (`uplink_gmv`).
    pub fn as_str(self) -> &'static str {
        use FigureId::*;
        match self {
            UplinkGmv => "uplink_gmv",
            DownlinkGmv => "downlink_gmv",
            UplinkShare => "uplink_share",
            UplinkOrders => "uplink_orders",
            DownlinkOrders => "downlink_orders",
            FarmerPayouts => "farmer_payouts",
            FarmersPaid => "farmers_paid",
            PayoutPerHousehold => "payout_per_household",
            FarmerPriceShare => "farmer_price_share",
            CostPerKgDown => "cost_per_kg_down",
            CostPerKgUp => "cost_per_kg_up",
            VehicleKm => "vehicle_km",
            LoadFactorDown => "load_factor_down",
            LoadFactorUp => "load_factor_up",
            BackhaulSaving => "backhaul_saving",
            LossAtStation => "loss_at_station",
            LossOnVehicle => "loss_on_vehicle",
            LossAtHub => "loss_at_hub",
            ClaimsPer100Orders => "claims_per_100_orders",
            UpheldShare => "upheld_share",
            ShortWeightIncidents => "short_weight_incidents",
            DaysToFarmerPayment => "days_to_farmer_payment",
            StationsOpened => "stations_opened",
            StationsActive => "stations_active",
        }
    }

    pub fn unit(self) -> Unit {
        use FigureId::*;
        match self {
            UplinkGmv | DownlinkGmv | FarmerPayouts | PayoutPerHousehold | BackhaulSaving => Unit::Fen,
            UplinkShare | FarmerPriceShare | UpheldShare | ClaimsPer100Orders => Unit::BasisPoints,
            UplinkOrders | DownlinkOrders | FarmersPaid | ShortWeightIncidents | StationsOpened | StationsActive => {
                Unit::Count
            }
            CostPerKgDown | CostPerKgUp => Unit::FenPerKg,
            VehicleKm => Unit::Metres,
            LoadFactorDown | LoadFactorUp => Unit::PerMille,
            LossAtStation | LossOnVehicle | LossAtHub => Unit::Grams,
            DaysToFarmerPayment => Unit::CentiDays,
        }
    }

    pub fn group(self) -> Group {
        use FigureId::*;
        match self {
            UplinkGmv | DownlinkGmv | UplinkShare | UplinkOrders | DownlinkOrders => Group::Trade,
            FarmerPayouts | FarmersPaid | PayoutPerHousehold | FarmerPriceShare => Group::FarmerIncome,
            CostPerKgDown | CostPerKgUp | VehicleKm | LoadFactorDown | LoadFactorUp | BackhaulSaving => {
                Group::Logistics
            }
            LossAtStation | LossOnVehicle | LossAtHub => Group::Loss,
            ClaimsPer100Orders | UpheldShare | ShortWeightIncidents | DaysToFarmerPayment => Group::Trust,
            StationsOpened | StationsActive => Group::Stations,
        }
    }

    /// The message key of the figure's name (`metric-uplink_gmv`).
    pub fn label_key(self) -> String {
        format!("metric-{}", self.as_str())
    }

    /// The message key of its one-line definition (`metric-uplink_gmv-def`).
    pub fn definition_key(self) -> String {
        format!("metric-{}-def", self.as_str())
    }
}

impl Group {
    pub const ALL: [Group; 6] =
        [Group::Trade, Group::FarmerIncome, Group::Logistics, Group::Loss, Group::Trust, Group::Stations];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Trade => "trade",
            Group::FarmerIncome => "farmer_income",
            Group::Logistics => "logistics",
            Group::Loss => "loss",
            Group::Trust => "trust",
            Group::Stations => "stations",
        }
    }
}

/// What one direction of trade counted in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Trade {
    pub orders: i64,
    pub gmv_fen: i64,
    pub weight_g: i64,
}

/// Everything the service counts for a period and an area; [`compute`] turns it into figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Counts {
    pub uplink: Trade,
    pub downlink: Trade,
    pub payouts_fen: i64,
    pub farmers_paid: i64,
    /// Σ farmer's price × net grams, and Σ buyer's price × net grams, over the same intake lots.
    pub farmer_price_value: i64,
    pub buyer_price_value: i64,
    /// Dispatch cost allocated to deliveries (down) and pickups (up), and the weight carried.
    pub cost_down_fen: i64,
    pub carried_down_g: i64,
    pub cost_up_fen: i64,
    pub carried_up_g: i64,
    pub distance_m: i64,
    /// Σ of each route's load factor, and how many routes (vehicle-days) were driven.
    pub load_down_permille_sum: i64,
    pub load_up_permille_sum: i64,
    pub routes: i64,
    /// Separate down and up trips' cost less the combined plan's cost.
    pub backhaul_saving_fen: i64,
    pub loss_station_g: i64,
    pub loss_vehicle_g: i64,
    pub loss_hub_g: i64,
    pub claims_opened: i64,
    pub claims_decided: i64,
    pub claims_upheld: i64,
    pub weight_incidents: i64,
    pub short_weight_claims: i64,
    /// Σ time from intake to the farmer's payment, and how many intakes were paid.
    pub payment_delay_us: i64,
    pub payments: i64,
    pub stations_opened: i64,
    pub stations_active: i64,
}

/// Every figure from the counts, in [`FigureId::ALL`] order; `None` where it has no value (a
/// ratio over nothing).
pub fn compute(c: &Counts) -> Vec<(FigureId, Option<i64>)> {
    FigureId::ALL.iter().map(|&f| (f, value(f, c))).collect()
}

fn value(f: FigureId, c: &Counts) -> Option<i64> {
    use FigureId::*;
    match f {
        UplinkGmv => Some(c.uplink.gmv_fen),
        DownlinkGmv => Some(c.downlink.gmv_fen),
        UplinkShare => share_bp(c.uplink.gmv_fen, c.downlink.gmv_fen),
        UplinkOrders => Some(c.uplink.orders),
        DownlinkOrders => Some(c.downlink.orders),
        FarmerPayouts => Some(c.payouts_fen),
        FarmersPaid => Some(c.farmers_paid),
        PayoutPerHousehold => per_each(c.payouts_fen, c.farmers_paid),
        FarmerPriceShare => ratio_bp(c.farmer_price_value, c.buyer_price_value),
        CostPerKgDown => fen_per_kg(c.cost_down_fen, c.carried_down_g),
        CostPerKgUp => fen_per_kg(c.cost_up_fen, c.carried_up_g),
        VehicleKm => Some(c.distance_m),
        LoadFactorDown => per_each(c.load_down_permille_sum, c.routes),
        LoadFactorUp => per_each(c.load_up_permille_sum, c.routes),
        BackhaulSaving => Some(c.backhaul_saving_fen),
        LossAtStation => Some(c.loss_station_g),
        LossOnVehicle => Some(c.loss_vehicle_g),
        LossAtHub => Some(c.loss_hub_g),
        ClaimsPer100Orders => per_100(c.claims_opened, c.uplink.orders.checked_add(c.downlink.orders)?),
        UpheldShare => ratio_bp(c.claims_upheld, c.claims_decided),
        ShortWeightIncidents => c.weight_incidents.checked_add(c.short_weight_claims),
        DaysToFarmerPayment => mean_centi_days(c.payment_delay_us, c.payments),
        StationsOpened => Some(c.stations_opened),
        StationsActive => Some(c.stations_active),
    }
}

/// `num / den` in basis points, rounded half up; none when there is nothing to divide by.
pub fn ratio_bp(num: i64, den: i64) -> Option<i64> {
    scaled(num, den, 10_000)
}

/// `num × scale / den`, rounded half up, for non-negative counts; none when `den` is 0.
fn scaled(num: i64, den: i64, scale: i64) -> Option<i64> {
    if den <= 0 || num < 0 {
        return None;
    }
    let v = (num as i128 * scale as i128 * 2 + den as i128) / (2 * den as i128);
    i64::try_from(v).ok()
}

/// The uplink share: uplink GMV over uplink and downlink GMV, in basis points. The sum of the two
/// is formed here, as the denominator of the share, and nowhere else.
pub fn share_bp(uplink_fen: i64, downlink_fen: i64) -> Option<i64> {
    ratio_bp(uplink_fen, uplink_fen.checked_add(downlink_fen)?)
}

/// Claims per 100 orders, in hundredths (125 = 1.25 claims per 100 orders).
pub fn per_100(count: i64, orders: i64) -> Option<i64> {
    scaled(count, orders, 10_000)
}

/// An amount per household (or per anything counted), rounded half up to the fen.
pub fn per_each(total: i64, n: i64) -> Option<i64> {
    scaled(total, n, 1)
}

/// Fen per kilogram of `grams` carried, rounded half up.
pub fn fen_per_kg(cost_fen: i64, grams: i64) -> Option<i64> {
    scaled(cost_fen, grams, 1_000)
}

/// The mean of a sum of durations in microseconds over `n`, in hundredths of a day.
pub fn mean_centi_days(total_us: i64, n: i64) -> Option<i64> {
    scaled(total_us, n.checked_mul(crate::time::US_PER_DAY / 100)?, 1)
}

/// A station is active when it had at least one counted order in each of the months given (the
/// last three complete calendar months): `orders_by_month` holds its count for each.
pub fn is_active(orders_by_month: &[i64]) -> bool {
    !orders_by_month.is_empty() && orders_by_month.iter().all(|&n| n > 0)
}

/// A figure's value as text without its currency or unit name: ¥ with two decimals for fen,
/// kg with three decimals for grams, a percent with two decimals for basis points.
pub fn format_value(unit: Unit, v: Option<i64>) -> String {
    let Some(v) = v else { return "—".into() };
    let two = |v: i64| format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.abs() / 100, v.abs() % 100);
    match unit {
        Unit::Fen => crate::Fen(v).to_string(),
        Unit::FenPerKg => format!("{}/kg", crate::Fen(v)),
        Unit::Grams => format!("{} kg", three(v)),
        Unit::Metres => format!("{} km", three(v)),
        Unit::Count => v.to_string(),
        Unit::BasisPoints => format!("{}%", two(v)),
        Unit::PerMille => format!("{}.{}%", v / 10, v.abs() % 10),
        Unit::CentiDays => two(v),
    }
}

fn three(v: i64) -> String {
    format!("{}{}.{:03}", if v < 0 { "-" } else { "" }, v.abs() / 1000, v.abs() % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_ratios_round_half_up_and_refuse_nothing() {
        assert_eq!(share_bp(1, 2), Some(3_333));
        assert_eq!(share_bp(2, 1), Some(6_667));
        assert_eq!(share_bp(0, 0), None);
        assert_eq!(share_bp(5, 0), Some(10_000));
        assert_eq!(per_100(3, 200), Some(150));
        assert_eq!(per_each(1_001, 2), Some(501));
        assert_eq!(fen_per_kg(250, 2_000), Some(125));
        assert_eq!(fen_per_kg(250, 0), None);
        assert_eq!(mean_centi_days(crate::time::US_PER_DAY * 3, 2), Some(150));
        assert!(is_active(&[1, 4, 2]) && !is_active(&[1, 0, 2]) && !is_active(&[]));
    }

    #[test]
    fn no_figure_is_the_sum_of_uplink_and_downlink() {
        // Uplink and downlink GMV of every size: no figure ever equals their sum, while the
        // share moves with both (so the sum is used, as its denominator only).
        for (up, down) in [(1, 1_000_000), (777_777, 3), (123_457, 654_321), (5_000_003, 5_000_011)] {
            let mut c = Counts {
                uplink: Trade { orders: 7, gmv_fen: up, weight_g: 11 },
                downlink: Trade { orders: 13, gmv_fen: down, weight_g: 17 },
                ..Counts::default()
            };
            c.payouts_fen = 19;
            c.farmers_paid = 2;
            c.claims_opened = 3;
            for (f, v) in compute(&c) {
                assert_ne!(v, Some(up + down), "{} is uplink + downlink", f.as_str());
            }
            assert_eq!(value(FigureId::UplinkShare, &c), ratio_bp(up, up + down));
        }
        let ids: std::collections::HashSet<_> = FigureId::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(ids.len(), FigureId::ALL.len());
        // The JSON name of every figure is its id.
        for f in FigureId::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(format_value(Unit::Fen, Some(1_250)), "¥12.50");
        assert_eq!(format_value(Unit::Grams, Some(1_500)), "1.500 kg");
        assert_eq!(format_value(Unit::BasisPoints, Some(3_333)), "33.33%");
        assert_eq!(format_value(Unit::PerMille, Some(875)), "87.5%");
        assert_eq!(format_value(Unit::Metres, Some(12_345)), "12.345 km");
        assert_eq!(format_value(Unit::Count, None), "—");
    }
}
