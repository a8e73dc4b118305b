//! The history's pre-order windows: each week of a farm product's harvest season the county
//! opens a window with the catalog's grades (the buyer's price per kg from the grade price, the
//! farmer's price a plausible share of it, the named fees adding up to the difference exactly,
//! as `core::window::check_offers` requires). City buyers pre-order from their wallets while it
//! is open; growers near a station declare supply, and at the close the demand is allocated to
//! them by `core::window::allocation`. On the harvest day each grower brings their allocation to
//! their station, where the agent weighs it into a lot made against the window and the grower is
//! paid from the window's advance (`service::intake`: `intake:<lot>`); the lots ride to the hub,
//! where each order is filled by actual weight (`windows::fill_order`), and on acceptance the
//! escrow splits into the farmers' share, back to the advance, and the fees
//! (`windows::settle_window_order`). What has not happened by the history's end is left out.

use super::order::uuid;
use super::order_lot::Lot;
use super::window_order::{Offered, OrderRecord};
use super::{Item, World, id_at};
use crate::error::Result;
use uplink_core::ledger::{AccountKey, TransferCode, TransferState};
use uplink_core::lot::LotCode;
use uplink_core::people::Role;
use uplink_core::window::{self, Fees, GradeOffer, WindowState, allocation};
use uplink_core::*;
use uplink_sim::Rng;
use uplink_sim::history::{History, Offer};
use uplink_store::history::{Batch, Value};

const HOUR: i64 = 3_600_000_000;
/// Below this many kg pre-ordered a window would not run; the history's windows all reach it.
const MINIMUM_KG: i64 = 20;
const MIN_LOT_KG: i64 = 5;
/// A week's window runs in a product's season only where the season is at least this strong.
const IN_SEASON: f64 = 0.35;
const TARE_PER_10KG_G: i64 = 450;

/// A farm product the county opens windows for.
struct Product {
    id: String,
    name: String,
    /// Its first grade's offer: the history's season of the product reads its harvest day.
    offer: usize,
    /// Item indices of its grades, best first.
    grades: Vec<usize>,
    tolerance_bps: i64,
    requires_certificate: bool,
    /// Growers (person index) and the station (index) they bring their harvest to.
    growers: Vec<(usize, usize)>,
}

/// The farm products with a harvest season, and who grows them.
pub(super) struct Produce {
    products: Vec<Product>,
}

impl Produce {
    pub(super) fn new(
        g: &uplink_sim::County,
        items: &[Item],
        offers: &[Offer],
        stations: &[(String, String)],
    ) -> Produce {
        // A village's farmers bring their harvest to its first station with an agent.
        let staffed = |s: usize| g.people.iter().any(|p| p.role == Role::Agent && p.station == Some(s));
        let station_of = |v: usize| (0..g.stations.len()).find(|&s| g.stations[s].village == v && staffed(s));
        let farmers: Vec<(usize, usize)> = g
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == Role::Farmer)
            .filter_map(|(i, p)| Some((i, station_of(p.village?)?)))
            .filter(|(_, s)| *s < stations.len())
            .collect();
        let mut products: Vec<Product> = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let o = &offers[i];
            if it.grade.is_none() || o.harvest_day.is_none() || o.keeps {
                continue;
            }
            match products.iter_mut().find(|p| p.id == it.product) {
                // The first listing of a product names its grades.
                Some(p) => {
                    if items[p.grades[0]].listing == it.listing {
                        p.grades.push(i);
                    }
                }
                None => products.push(Product {
                    id: it.product.clone(),
                    name: it.product_name.clone(),
                    offer: i,
                    grades: vec![i],
                    tolerance_bps: it.tolerance_bps,
                    requires_certificate: it.requires_certificate,
                    growers: Vec::new(),
                }),
            }
        }
        for (k, p) in products.iter_mut().enumerate() {
            let mut rng = Rng::for_part(g.seed ^ k as u64, "history/growers");
            let share = (8.0 / farmers.len().max(1) as f64).max(0.12);
            p.growers = farmers.iter().copied().filter(|_| rng.chance(share)).collect();
            if p.growers.is_empty() && !farmers.is_empty() {
                p.growers.push(*rng.pick(&farmers));
            }
        }
        Produce { products }
    }
}

/// One pre-order of a window: who, where to, which grade (index into the offers), how much, when.
struct Preorder {
    buyer: usize,
    drop_point: usize,
    grade: usize,
    kg: i64,
    placed: i64,
}

/// Opens the windows of the week starting on local day `day`, and writes each one's life.
pub(super) fn week(
    w: &mut World,
    batch: &mut Batch,
    history: &History,
    g: &uplink_sim::County,
    day: i64,
) -> Result<()> {
    let first = history.days().start;
    let progress = (day - first) as f64 / (history.days().end - first).max(1) as f64;
    for k in 0..w.windows.products.len() {
        let season = history.season(w.windows.products[k].offer, day + 3);
        if season < IN_SEASON || w.windows.products[k].growers.is_empty() {
            continue;
        }
        let mut rng = Rng::for_part(w.seed ^ ((day as u64) << 8) ^ k as u64, "history/window");
        one(w, batch, g, k, day, season.min(1.2) * (0.5 + progress), &mut rng)?;
    }
    Ok(())
}

fn offers_of(w: &World, p: &Product, rng: &mut Rng) -> Vec<GradeOffer> {
    p.grades
        .iter()
        .map(|&i| {
            let it = &w.items[i];
            let buyer = (it.price_fen * 1000 + it.unit_grams / 2) / it.unit_grams.max(1);
            let farmer = buyer * rng.range(5_800, 7_200) / 10_000;
            let diff = buyer - farmer;
            let (transport, packing, station) = (diff * 45 / 100, diff * 20 / 100, diff * 15 / 100);
            let fees = Fees {
                transport_fen: transport,
                packing_fen: packing,
                station_commission_fen: station,
                platform_fen: diff - transport - packing - station,
            };
            GradeOffer {
                grade: it.grade.clone().unwrap_or_default(),
                buyer_price_fen: buyer,
                farmer_price_fen: farmer,
                fees,
            }
        })
        .collect()
}

/// One window of product `k` opening on `day`, `scale` its demand.
fn one(
    w: &mut World,
    batch: &mut Batch,
    g: &uplink_sim::County,
    k: usize,
    day: i64,
    scale: f64,
    rng: &mut Rng,
) -> Result<()> {
    let p = &w.windows.products[k];
    let offers = offers_of(w, p, rng);
    let codes: Vec<&str> = offers.iter().map(|o| o.grade.as_str()).collect();
    if offers.iter().any(|o| o.farmer_price_fen <= 0) || window::check_offers(&offers, &codes).is_err() {
        return Ok(());
    }
    let (product_id, product_name, tolerance_bps, certificate) =
        (p.id.clone(), p.name.clone(), p.tolerance_bps, p.requires_certificate);
    let growers = p.growers.clone();
    let offset = uplink_core::time::utc_offset_min(&w.zone) * 60 * 1_000_000;
    let at = |d: i64, hour: f64| d * time::US_PER_DAY - offset + (hour * HOUR as f64) as i64;
    let (opens, closes) = (at(day, 8.0), at(day + 3, 20.0));
    if opens >= w.end_us {
        return Ok(());
    }
    let date = |d: i64| {
        let (y, m, dd) = time::civil_from_days(d);
        format!("{y:04}-{m:02}-{dd:02}")
    };
    let (harvest, delivery) = (date(day + 5), date(day + 6));
    let id = id_at(opens);
    let county = w.county.to_string();
    let operator = w.operator.clone();
    w.written.windows += 1;

    // Pre-orders while the window is open, paid from the buyers' wallets into escrow.
    let buyers: Vec<usize> = (0..g.people.len()).filter(|&i| g.people[i].role == Role::Buyer).collect();
    if buyers.is_empty() || w.drop_points.is_empty() {
        return Ok(());
    }
    let n = (4.0 + rng.uniform(3.0, 12.0) * scale).round() as usize;
    let weights: Vec<(usize, u32)> = (0..offers.len()).map(|i| (i, [50, 35, 15, 10][i.min(3)])).collect();
    let mut pre: Vec<Preorder> = (0..n)
        .map(|_| {
            let buyer = *rng.pick(&buyers);
            let placed = opens + rng.range(HOUR / 2, closes - opens - HOUR / 2);
            Preorder {
                buyer,
                drop_point: g.people[buyer]
                    .drop_point
                    .unwrap_or_else(|| rng.below(w.drop_points.len() as u64) as usize),
                grade: *rng.weighted(&weights),
                kg: *rng.pick(&[5, 10, 10, 15, 20, 30]),
                placed,
            }
        })
        .filter(|o| o.placed < w.end_us)
        .collect();
    pre.sort_by_key(|o| o.placed);
    let mut drops: Vec<String> = pre.iter().map(|o| w.drop_points[o.drop_point].0.clone()).collect();
    drops.sort();
    drops.dedup();
    for d in &drops {
        batch.window_drop_point(vec![county.clone().into(), id.clone().into(), d.clone().into()]);
    }
    for (i, o) in offers.iter().enumerate() {
        batch.window_offer(vec![
            county.clone().into(),
            id.clone().into(),
            o.grade.clone().into(),
            (i as i64).into(),
            o.buyer_price_fen.into(),
            o.farmer_price_fen.into(),
            o.fees.transport_fen.into(),
            o.fees.packing_fen.into(),
            o.fees.station_commission_fen.into(),
            o.fees.platform_fen.into(),
        ]);
    }
    let mut orders: Vec<OrderRecord> = pre
        .iter()
        .map(|o| {
            let of =
                Offered { window: &id, product: &product_id, product_name: &product_name, offer: &offers[o.grade] };
            OrderRecord::preorder(w, batch, (o.buyer, o.drop_point, o.kg), &of, o.placed)
        })
        .collect();

    // The close: a window below its minimum would fail; the history's windows reach it.
    let ordered: i64 = pre.iter().map(|o| o.kg).sum();
    let closed = closes < w.end_us;
    let mut state = if closed && ordered >= MINIMUM_KG { WindowState::Allocated } else { WindowState::Open };
    let close_done = closed.then_some(closes);
    batch.task(vec![
        county.clone().into(),
        id_at(closes).into(),
        crate::windows::WINDOW_CLOSE.into(),
        id.clone().into(),
        closes.into(),
        close_done.into(),
        close_done.map(|_| "done".to_string()).into(),
    ]);
    let mut lots: Vec<(usize, Lot, i64)> = Vec::new();
    let mut updated = pre.last().map(|o| o.placed).unwrap_or(opens);
    // Supply: growers declare while the window is open, enough to cover each grade's demand.
    for (gi, offer) in offers.iter().enumerate() {
        let demand: i64 = pre.iter().filter(|o| o.grade == gi).map(|o| o.kg).sum();
        if demand == 0 {
            continue;
        }
        // (supply id, grower, station, kg, declared at)
        let mut declared: Vec<(String, usize, usize, i64, i64)> = Vec::new();
        let mut left = demand + demand * rng.range(10, 80) / 100;
        let first = rng.below(growers.len() as u64) as usize;
        while left > 0 {
            // Different growers of the product, from a random one on.
            let (farmer, station) = growers[(first + declared.len()) % growers.len()];
            let kg = if declared.len() >= 3 { left } else { left.min(rng.range(MIN_LOT_KG, 120)) }.max(MIN_LOT_KG);
            let created = opens + rng.range(HOUR, closes - opens - HOUR);
            declared.push((id_at(created), farmer, station, kg, created));
            left -= kg;
        }
        let keyed: Vec<(&str, i64)> = declared.iter().map(|d| (d.0.as_str(), d.3)).collect();
        let allocated = if state == WindowState::Allocated {
            allocation::allocate(demand, &keyed, MIN_LOT_KG).into_iter().map(Some).collect()
        } else {
            vec![None; declared.len()]
        };
        for (&(ref supply, farmer, station, kg, created), alloc) in declared.iter().zip(allocated) {
            batch.window_supply(vec![
                county.clone().into(),
                supply.clone().into(),
                id.clone().into(),
                w.people[farmer].person.clone().into(),
                w.stations[station].0.clone().into(),
                offer.grade.clone().into(),
                kg.into(),
                harvest.clone().into(),
                alloc.into(),
                created.into(),
            ]);
            let Some(kg) = alloc.filter(|k| *k > 0) else { continue };
            // The harvest day: weighed in at the station in the morning, to the hub by evening.
            let made = at(day + 5, rng.uniform(7.0, 11.0));
            if made >= w.end_us {
                continue;
            }
            let of = Offered { window: &id, product: &product_id, product_name: &product_name, offer };
            let mut lot = intake(w, batch, (&of, gi == 0), (farmer, station), kg, made, certificate, rng)?;
            lot.tolerance_bps = tolerance_bps;
            lot.loss_bps = [rng.range(0, 20), rng.range(0, 80), 0];
            updated = updated.max(made);
            let to_driver = at(day + 5, rng.uniform(13.0, 16.0));
            if to_driver < w.end_us {
                lot.hand_to_driver(w, batch, to_driver);
                let to_hub = at(day + 5, rng.uniform(17.0, 20.0));
                if to_hub < w.end_us {
                    lot.hand_to_hub(w, batch, to_hub);
                }
            }
            lots.push((gi, lot, made));
        }
    }

    // The delivery day: each order filled at the hub from a lot of its grade by actual weight,
    // and accepted by its buyer a little later.
    for (o, rec) in pre.iter().zip(orders.iter_mut()) {
        let filled = at(day + 6, rng.uniform(8.0, 12.0)) + rng.range(0, 60_000_000);
        let at_hub = |l: &Lot| l.place.0 == "hub";
        let pick = lots
            .iter()
            .enumerate()
            .filter(|(_, (gi, l, _))| *gi == o.grade && at_hub(l) && l.weight_g > 0)
            // The smallest lot that holds the whole order, else the fullest.
            .max_by_key(|(_, (_, l, _))| {
                let whole = l.weight_g >= o.kg * 1000;
                (whole, if whole { -l.weight_g } else { l.weight_g })
            });
        let Some((li, _)) = pick.filter(|_| state == WindowState::Allocated && filled < w.end_us) else { continue };
        let lot = &mut lots[li].1;
        let short = o.kg * 1000 * rng.range(0, 40) / 10_000;
        let weight = (o.kg * 1000 - short).min(lot.weight_g);
        let price = offers[o.grade].buyer_price_fen;
        let charge =
            window::charge_for_delivery(price, Grams(o.kg * 1000), Fen(rec.total()), Grams(weight), tolerance_bps)
                .map_err(|e| crate::error::ServiceError::from(e.under("weight_g")))?;
        rec.fill(w, batch, lot, (weight, charge), filled, &operator);
        updated = updated.max(filled);
        let accepted = filled + rng.range(HOUR / 2, 30 * HOUR);
        if accepted < w.end_us {
            rec.settle(w, batch, &offers[o.grade], &charge, accepted);
            updated = updated.max(accepted);
        }
    }
    for (_, mut lot, _) in lots {
        if lot.weight_g == 0 {
            lot.row[16] = "used".into();
        }
        lot.finish(batch);
    }
    if state == WindowState::Allocated && orders.iter().all(OrderRecord::settled) {
        state = WindowState::Settled;
    } else if state == WindowState::Allocated && orders.iter().all(OrderRecord::delivered) {
        state = WindowState::Filled;
    }
    for rec in orders {
        rec.finish(w, batch);
    }
    batch.window(vec![
        county.clone().into(),
        id.clone().into(),
        format!("{product_name} · {harvest}").into(),
        product_id.into(),
        operator.person.clone().into(),
        state.as_str().into(),
        opens.into(),
        closes.into(),
        harvest.into(),
        delivery.into(),
        MINIMUM_KG.into(),
        MIN_LOT_KG.into(),
        operator.user.clone().unwrap_or_default().into(),
        opens.into(),
        updated.min(w.end_us - 1).into(),
    ]);
    Ok(())
}

/// The grower's harvest weighed into a lot at their station against the window, and the grower
/// paid from the window's advance, as `service::intake` records it.
#[allow(clippy::too_many_arguments)]
fn intake(
    w: &mut World,
    batch: &mut Batch,
    (of, best): (&Offered, bool),
    (farmer, station): (usize, usize),
    kg: i64,
    at: i64,
    certificate: bool,
    rng: &mut Rng,
) -> Result<Lot> {
    let (window_id, offer) = (of.window, of.offer);
    let (station_id, station_code) = w.stations[station].clone();
    let date = time::local_date(at, &w.zone);
    let seq = w.lot_seq.entry((station, time::parse_date(&date).unwrap_or(0))).or_default();
    *seq += 1;
    let code = LotCode::new(&w.county_code, &station_code, &date, *seq)?;
    let net = kg * 1000 + kg * 1000 * rng.range(50, 200) / 10_000;
    let tare = (net * TARE_PER_10KG_G / 10_000).max(100);
    let payout = window::farmer_payout(offer.farmer_price_fen, Grams(net)).0;
    let grower = w.people[farmer].clone();
    let agent = w.station_agents[station].map(|a| w.people[a].clone()).ok_or_else(|| super::missing("agent"))?;
    let id = id_at(at);
    let village = w.people_village[farmer].map(|v| w.villages[v].clone()).unwrap_or_default();
    let cert = certificate.then(|| format!("HG-{}-{:04}", date.replace('-', ""), *seq));
    let row = vec![
        w.county.to_string().into(),
        id.clone().into(),
        code.as_str().into(),
        of.product.into(),
        offer.grade.clone().into(),
        grower.person.clone().into(),
        village.into(),
        station_id.into(),
        (net + tare).into(),
        tare.into(),
        date.clone().into(),
        net.into(),
        Value::Int(net),
        agent.person.clone().into(),
        "station".into(),
        station_code.clone().into(),
        "active".into(),
        at.into(),
        at.into(),
        window_id.into(),
        Value::from((!best).then(|| "个头略小 / smaller size".to_string())),
        cert.into(),
        offer.farmer_price_fen.into(),
        payout.into(),
    ];
    let mut lot = Lot {
        id,
        weight_g: net,
        holder: (agent.person.clone(), agent.user.clone(), Role::Agent),
        seq: 0,
        tolerance_bps: 0,
        loss_bps: [0; 3],
        leg: 0,
        place: ("station".into(), station_code.clone()),
        updated_us: at,
        row,
    };
    let from = (grower.person.clone(), Role::Farmer);
    lot.event(w, batch, "intake", Some(from), ("station", &station_code), net, 0, None, at);
    // Paid in the intake's own transaction, a moment after the lot was made.
    let paid = at + rng.range(200_000, 2_000_000);
    if payout > 0 {
        batch.transfer(
            w.county,
            &id_at(paid),
            AccountKey::WindowAdvance(WindowId(uuid(window_id))),
            AccountKey::Wallet(PersonId(uuid(&grower.person))),
            payout,
            TransferState::Posted,
            TransferCode::IntakePayment,
            None,
            None,
            code.as_str(),
            &format!("intake:{}", lot.id),
            paid,
        );
        // The farmer's wallet is paid out to their bank with the week's payouts.
        w.payable.push((paid, farmer, payout));
    }
    w.written.lots += 1;
    Ok(lot)
}
