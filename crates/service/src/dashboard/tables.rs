//! The dashboard as tables for the exports and `uplink report`: the figures, the weeks or months
//! (uplink and downlink side by side), and the stations. Headers come in the reader's language
//! through `t` (a message key to its text).

use super::Dashboard;
use crate::export::{Cell, Table};
use uplink_core::metrics::Unit;
use uplink_core::{Fen, Grams};

/// The tables a dashboard exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    Figures,
    Periods,
    Stations,
}

impl TableId {
    pub const ALL: [TableId; 3] = [TableId::Figures, TableId::Periods, TableId::Stations];

    /// The name in the export's URL and file name.
    pub fn as_str(self) -> &'static str {
        match self {
            TableId::Figures => "figures",
            TableId::Periods => "periods",
            TableId::Stations => "stations",
        }
    }

    pub fn parse(s: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A figure's value as a typed cell, and the name of the unit it is in when the cell does not
/// say it (distance in metres, days in hundredths).
pub fn cell(unit: Unit, v: Option<i64>) -> (Cell, &'static str) {
    let Some(v) = v else { return (Cell::Empty, "") };
    match unit {
        Unit::Fen => (Cell::Fen(Fen(v)), "¥"),
        Unit::FenPerKg => (Cell::Fen(Fen(v)), "¥/kg"),
        Unit::Grams => (Cell::Grams(Grams(v)), "kg"),
        Unit::Count => (Cell::Int(v), ""),
        Unit::BasisPoints => (Cell::Bps(v), "%"),
        Unit::PerMille => (Cell::Bps(v * 10), "%"),
        Unit::Metres => (Cell::Int(v), "m"),
        Unit::CentiDays => (Cell::Int(v), "1/100 d"),
    }
}

/// One table of the dashboard.
pub fn table(d: &Dashboard, id: TableId, t: &dyn Fn(&str) -> String) -> Table {
    let cols = |keys: &[&str]| keys.iter().map(|k| t(k)).collect::<Vec<_>>();
    let title = format!("{} {} {}–{}", t(&format!("dashboard-table-{}", id.as_str())), d.area.name, d.from, d.to);
    match id {
        TableId::Figures => Table {
            title,
            columns: cols(&["dashboard-col-id", "dashboard-col-figure", "dashboard-col-value", "dashboard-col-unit"]),
            rows: d
                .figures
                .iter()
                .map(|f| {
                    let (value, unit) = cell(f.unit, f.value);
                    vec![Cell::from(f.id.as_str()), Cell::from(t(&f.label_key)), value, Cell::from(unit)]
                })
                .collect(),
        },
        TableId::Periods => Table {
            title,
            columns: cols(&[
                "dashboard-col-period",
                "dashboard-col-from",
                "dashboard-col-to",
                "metric-uplink_gmv",
                "metric-downlink_gmv",
                "metric-uplink_share",
                "metric-uplink_orders",
                "metric-downlink_orders",
            ]),
            rows: d
                .periods
                .iter()
                .map(|p| {
                    vec![
                        Cell::from(p.bucket.label.as_str()),
                        Cell::from(p.bucket.from.as_str()),
                        Cell::from(p.bucket.to.as_str()),
                        Cell::Fen(Fen(p.uplink.gmv_fen)),
                        Cell::Fen(Fen(p.downlink.gmv_fen)),
                        p.uplink_share_bp.map(Cell::Bps).unwrap_or(Cell::Empty),
                        Cell::Int(p.uplink.orders),
                        Cell::Int(p.downlink.orders),
                    ]
                })
                .collect(),
        },
        TableId::Stations => Table {
            title,
            columns: cols(&[
                "dashboard-col-station-code",
                "dashboard-col-station",
                "dashboard-col-village",
                "dashboard-col-township",
                "metric-uplink_gmv",
                "metric-downlink_gmv",
                "metric-uplink_orders",
                "metric-downlink_orders",
                "dashboard-col-active",
            ]),
            rows: d
                .stations
                .iter()
                .map(|s| {
                    vec![
                        Cell::from(s.code.as_str()),
                        Cell::from(s.name.as_str()),
                        Cell::from(s.village.as_str()),
                        Cell::from(s.township.as_str()),
                        Cell::Fen(Fen(s.uplink.gmv_fen)),
                        Cell::Fen(Fen(s.downlink.gmv_fen)),
                        Cell::Int(s.uplink.orders),
                        Cell::Int(s.downlink.orders),
                        Cell::from(t(if s.active { "dashboard-yes" } else { "dashboard-no" })),
                    ]
                })
                .collect(),
        },
    }
}
