//! Dispatch use cases (issue 5): keep the fleet and the road matrix, plan a day from the orders
//! waiting for the truck (`day` says which ride and how), store each plan as a new version, show
//! route sheets, and record what drivers hand over at each stop. The routing itself is
//! `uplink-logistics`; it runs off the async runtime so a long plan never stalls other requests.

mod day;
mod fleet;
mod plans;
mod stops;
mod visits;

pub use day::{DayInputs, PlanInputs};
pub(crate) use day::{day_inputs, day_start_us};
pub use fleet::{VehicleInput, create_vehicle, get_vehicle, list_vehicles, seed_fleet, update_vehicle};
pub use plans::{
    MatrixImported, PlanInput, PlanOut, PlanSummary, PlanVersions, SheetOut, delete_road_matrix, get_plan,
    import_road_matrix, list_plans, plan_day, plan_day_as_system, recheck, route_sheet, sheets_for,
};
pub(crate) use plans::{report_json, report_plan};
pub use stops::{StopInput, record_stop};
pub use visits::{StationVisit, VisitItem, station_visits};
