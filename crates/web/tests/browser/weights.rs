//! Every page's weight on the wire at a first visit (no cache: the page, its stylesheet and its
//! script, compressed, with headers), against the budgets: 14 KB for a station-console page
//! (one round trip on a cold connection), 40 KB for every other page. The numbers are printed
//! and written to `target/artifacts/page-weights.txt`.

use crate::cdp::Page;
use crate::helpers::spawn_app;
use crate::stories::{fund_wallet, packed_uplink_order};
use crate::{browser_or_skip, log_in};
use std::fmt::Write;
use uplink_web::i18n::Lang;

const STATION_BUDGET: u64 = 14 * 1024;
const PAGE_BUDGET: u64 = 40 * 1024;

fn weigh_all(p: &mut Page, base: &str, pages: &[String], budget: u64, report: &mut String) {
    for path in pages {
        let (bytes, parts) = p.weigh(&format!("{base}{path}"));
        let shown = path.split('?').next().unwrap_or(path);
        let _ = writeln!(report, "{bytes:>7} B  (budget {budget:>6})  {shown}");
        assert!(p.eval("document.querySelector('h1') !== null").as_bool() == Some(true), "{path} rendered a page");
        assert!(bytes <= budget, "{path}: {bytes} bytes on the wire, over the budget of {budget}: {parts:?}");
        assert!(parts.iter().any(|(u, _)| u.contains("/assets/app-")), "{path}: the stylesheet was fetched too");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_within_its_weight_budget() {
    let app = spawn_app().await;
    let (order, _) = packed_uplink_order(&app).await;
    fund_wallet(&app, "100").await;
    let harvest = crate::station_day::allocated_grapes(&app).await;
    crate::station_day::truck_planned_tomorrow(&app, &harvest).await;
    let lot = crate::station_day::lot_taken_in(&app, &harvest).await;
    let (window, _) = crate::preorders::open_window(&app, "弥渡玫瑰香 · 预售").await;
    let preorder = crate::preorders::preorder(&app, &window).await;
    // Today's parcels planned, so the driver's sheet and the plan page's map have their stops.
    crate::operations::todays_parcels(&app).await;
    crate::operations::plan_today(&app).await;
    let c = format!("/c/{}", app.a.county_id);
    let mut report = String::from("bytes on the wire at a first visit, gzip (page + CSS + script + headers)\n");
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("page weights") else { return };

        let mut p = browser.page();
        weigh_all(&mut p, &app.base, &["/login".to_string()], PAGE_BUDGET, &mut report);

        // The station console, with a villager's cart and a receipt.
        log_in(&mut p, &app, &app.user_a("agent"), Lang::ZhCn);
        p.goto(&format!("{}{c}/station?q=1", app.base));
        p.click_and_wait("#found a.btn");
        p.click_and_wait("#products button.add");
        let cart = p.url();
        p.click_and_wait("#checkout");
        let receipt = p.url();
        weigh_all(&mut p, &app.base, &[format!("{c}/station?q=1"), cart, receipt], STATION_BUDGET, &mut report);
        let intake = format!("{c}/intake?q=1");
        let day = [intake, format!("{c}/intake/{lot}"), format!("{c}/station/harvest"), format!("{c}/station/truck")];
        weigh_all(&mut p, &app.base, &day, STATION_BUDGET, &mut report);

        let others: [(&str, Vec<String>); 6] = [
            (
                "buyer",
                vec![
                    format!("{c}/shop"),
                    format!("{c}/shop/orders"),
                    format!("{c}/shop/wallet"),
                    format!("{c}/orders/{order}"),
                    format!("{c}/shop/windows/{window}"),
                    format!("{c}/orders/{preorder}"),
                    format!("{c}/orders/{preorder}/claim"),
                ],
            ),
            ("coop", vec![format!("{c}/farmer")]),
            ("farmer", vec![format!("{c}/farmer")]),
            ("driver", vec![format!("{c}/driver")]),
            (
                "operator",
                [
                    "operator",
                    "operator/townships",
                    "operator/villages",
                    "operator/stations",
                    "operator/people",
                    "operator/products",
                    "operator/orders",
                    "operator/ledger",
                    "operator/dispatch",
                    "operator/claims",
                    "operator/windows",
                    "operator/settings",
                ]
                .iter()
                .map(|x| format!("{c}/{x}"))
                .collect(),
            ),
            (
                "auditor",
                vec![
                    format!("{c}/operator/ledger"),
                    format!("{c}/operator/villages"),
                    format!("{c}/operator/dispatch"),
                    format!("{c}/operator/windows/{window}"),
                ],
            ),
        ];
        for (role, pages) in others {
            let mut p = browser.page();
            log_in(&mut p, &app, &app.user_a(role), Lang::ZhCn);
            let mut pages = pages;
            if role == "buyer" {
                p.goto(&format!("{}{c}/shop", app.base));
                p.click_and_wait("#listings a");
                pages.push(p.url());
            }
            weigh_all(&mut p, &app.base, &pages, PAGE_BUDGET, &mut report);
        }
    });
    println!("{report}");
    let dir = crate::cdp::artifacts();
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    std::fs::write(dir.join("page-weights.txt"), &report).expect("write the weights");
}
