//! The ledger's stories: a buyer tops up by bank transfer and the operator reconciles the bank
//! statement; an order's money moves from the station's drawer through escrow to the seller, the
//! platform and the agent; balances and the trial balance are checked at every step, and
//! nobody sees an account that is not theirs to see.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_core::ledger::{AccountKey, split_on_acceptance};
use uplink_core::{Fen, OrderId, PersonId, StationId};
use uplink_service::ledger as books;

async fn post_json(app: &TestApp, t: &str, path: &str, body: Value) -> reqwest::Response {
    app.call(Some(t), Method::POST, path, Some(&body)).await
}

/// The person behind a login, read from their own default ledger account (`wallet:<id>`).
async fn person_of(app: &TestApp, t: &str) -> PersonId {
    let me = app.get_json(t, &format!("/api/v1/counties/{}/ledger/me", app.a.county_id)).await;
    let key = me["accounts"][0]["account"].as_str().expect("an account");
    key.split_once(':').and_then(|(_, id)| id.parse().ok()).expect("an owned account")
}

async fn trial_balance(app: &TestApp, t: &str) -> Value {
    let tb = app.get_json(t, &format!("/api/v1/counties/{}/ledger/trial-balance", app.a.county_id)).await;
    assert_eq!(tb["difference"], 0, "{tb}");
    assert_eq!(tb["pending_difference"], 0, "{tb}");
    assert_eq!(tb["balanced"], true, "{tb}");
    tb
}

fn kind_balance(tb: &Value, kind: &str) -> i64 {
    tb["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind)
        .map(|r| r["balance"].as_i64().unwrap())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_buyer_tops_up_by_bank_transfer_and_the_operator_reconciles_the_statement() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (op, buyer, auditor) = (
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("auditor")).await,
    );
    let topups = format!("/api/v1/counties/{c}/wallet-topups");
    let imports = format!("/api/v1/counties/{c}/bank-statements");

    // The buyer asks to top up 1,250.50 yuan; a retry with the same key gets the same reference.
    let key = [("Idempotency-Key", "topup-1")];
    let body = json!({"amount": "1,250.50"});
    let r = app.call_with(Some(&buyer), Method::POST, &topups, Some(&body), &key).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let topup: Value = r.json().await.unwrap();
    assert_eq!(topup["amount_fen"], 125_050);
    let r = app.call_with(Some(&buyer), Method::POST, &topups, Some(&body), &key).await;
    assert_eq!(r.json::<Value>().await.unwrap()["reference"], topup["reference"]);
    let reference = topup["reference"].as_str().unwrap().to_string();
    // A second top-up of 88 yuan that the buyer will pay wrongly (80).
    let short = post_json(&app, &buyer, &topups, json!({"amount": "88"})).await.json::<Value>().await.unwrap();
    let short_ref = short["reference"].as_str().unwrap().to_string();
    // Bad amounts are refused.
    for bad in ["0", "0.001", "abc", "60000"] {
        let r = post_json(&app, &buyer, &topups, json!({"amount": bad})).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("amount")).await;
    }

    // A statement with a malformed line is refused whole, naming the line; nothing is posted.
    let good_lines = format!(
        "date,amount,reference,payer\n2026-08-03,\"1,250.50\",{},李四\n2026-08-03,99.00,NOSUCHREF,王五\n2026-08-04,80,{short_ref},李四\n",
        reference.to_lowercase()
    );
    let bad = format!("{good_lines}2026-02-30,10.00,X1,赵六\n");
    let r = post_json(&app, &op, &imports, json!({"csv": bad})).await;
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("csv")).await;
    assert_eq!(v["errors"][0]["code"], "statement-line-date", "{v}");
    assert!(v["errors"][0]["message"].as_str().unwrap().contains('5'), "the message names line 5: {v}");
    let tb = trial_balance(&app, &op).await;
    assert_eq!((tb["total_debits"].as_i64(), tb["total_credits"].as_i64()), (Some(0), Some(0)), "nothing posted: {tb}");

    // The good statement: one receipt matched, an unknown reference and a short payment listed.
    let r = post_json(&app, &op, &imports, json!({"csv": good_lines})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["matched"].as_array().unwrap().len(), 1, "{out}");
    assert_eq!(out["matched"][0]["reference"], reference.as_str());
    assert_eq!(out["matched"][0]["line"], 2);
    let unmatched: Vec<(&str, &str)> = out["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["reference"].as_str().unwrap(), l["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(unmatched, vec![("NOSUCHREF", "unknown_reference"), (short_ref.as_str(), "amount_differs")]);

    // The buyer's wallet holds the money; their statement says why.
    let me = app.get_json(&buyer, &format!("/api/v1/counties/{c}/ledger/me")).await;
    assert_eq!(me["accounts"][0]["balance"], 125_050, "{me}");
    let st = app.get_json(&buyer, &format!("/api/v1/counties/{c}/ledger/me/statement")).await;
    assert_eq!(st["total"], 1);
    assert_eq!(st["lines"][0]["code"], "topup");
    assert_eq!(st["lines"][0]["amount"], 125_050);
    assert_eq!(st["lines"][0]["balance_after"], 125_050);
    assert_eq!(st["lines"][0]["counterparty"], "county_bank");
    let tb = trial_balance(&app, &op).await;
    assert_eq!(kind_balance(&tb, "county_bank"), 125_050);
    assert_eq!(kind_balance(&tb, "wallet"), 125_050);

    // The same statement again changes nothing.
    let again: Value = post_json(&app, &op, &imports, json!({"csv": good_lines})).await.json().await.unwrap();
    assert_eq!(again["matched"], json!([]), "{again}");
    assert_eq!(again["already_imported"].as_array().unwrap().len(), 1);
    assert_eq!(trial_balance(&app, &op).await, tb);
    let st2 = app.get_json(&buyer, &format!("/api/v1/counties/{c}/ledger/me/statement")).await;
    assert_eq!(st2["total"], 1);

    // The operator and the auditor read the buyer's wallet; the buyer reads no one else's.
    let wallet = st["account"]["account"].as_str().unwrap().to_string();
    let other = app.get_json(&op, &format!("/api/v1/counties/{c}/ledger/accounts/{wallet}/statement")).await;
    assert_eq!(other["account"]["balance"], 125_050);
    let accounts = app.get_json(&auditor, &format!("/api/v1/counties/{c}/ledger/accounts?kind=wallet")).await;
    assert_eq!(accounts["total"], 1);
    let r = app
        .call(Some(&buyer), Method::GET, &format!("/api/v1/counties/{c}/ledger/accounts/county_bank/statement"), None)
        .await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
    let farmer = app.token(&app.user_a("farmer")).await;
    let farmer_wallet = AccountKey::Wallet(person_of(&app, &farmer).await);
    let r = app
        .call(
            Some(&buyer),
            Method::GET,
            &format!("/api/v1/counties/{c}/ledger/me/statement?account={farmer_wallet}"),
            None,
        )
        .await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;

    // The auditor reads the trial balance but may not import; another county sees nothing.
    trial_balance(&app, &auditor).await;
    let r = post_json(&app, &auditor, &imports, json!({"csv": good_lines})).await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
    let op_b = app.token(&app.user_b("operator")).await;
    let r = app.call(Some(&op_b), Method::GET, &format!("/api/v1/counties/{c}/ledger/trial-balance"), None).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
    let r = post_json(&app, &op_b, &imports, json!({"csv": good_lines})).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
}

#[tokio::test]
async fn cash_at_the_station_goes_through_escrow_to_seller_platform_and_agent_exactly_once() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op = app.token(&app.user_a("operator")).await;
    let seller = person_of(&app, &app.token(&app.user_a("supplier")).await).await;
    let agent = person_of(&app, &app.token(&app.user_a("agent")).await).await;
    let station: StationId = app.first_id(&op, "stations").await.parse().unwrap();
    let (order, cash) = (OrderId::new(), AccountKey::StationCash(station));
    let balance = |key: AccountKey| {
        let (app, op) = (&app, &op);
        async move {
            let st = app.get_json(op, &format!("/api/v1/counties/{c}/ledger/accounts/{key}/statement")).await;
            st["account"]["balance"].as_i64().unwrap()
        }
    };

    // A villager pays 299.99 yuan in cash for a rice cooker; a retry of the payment posts once.
    let mut tx = app.db.begin().await.unwrap();
    for _ in 0..2 {
        books::hold_escrow_from(&mut tx, c, cash, order, Fen(29_999), &format!("pay:{order}")).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(balance(cash).await, 29_999);
    assert_eq!(balance(AccountKey::Escrow(order)).await, 29_999);

    // Accepted: the seller is paid, the platform takes 3 %, the agent's 2 % waits (pending).
    let split = split_on_acceptance(Fen(29_999), 300, 200).unwrap();
    let mut tx = app.db.begin().await.unwrap();
    books::settle_order(&mut tx, c, order, seller, Some(agent), &split).await.unwrap();
    books::settle_order(&mut tx, c, order, seller, Some(agent), &split).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(balance(AccountKey::Wallet(seller)).await, split.seller.0);
    assert_eq!(balance(AccountKey::PlatformRevenue).await, split.platform_fee.0);
    assert_eq!(balance(AccountKey::Commission(agent)).await, 0, "pending until the return window closes");
    assert_eq!(balance(AccountKey::Escrow(order)).await, split.commission.0);
    trial_balance(&app, &op).await;

    // The return window closes: the commission is released, once; it can no longer be clawed back.
    let mut tx = app.db.begin().await.unwrap();
    books::release_commission(&mut tx, c, order, agent).await.unwrap();
    books::release_commission(&mut tx, c, order, agent).await.unwrap();
    let e = books::clawback_commission(&mut tx, c, order, agent).await.unwrap_err();
    assert!(e.to_string().contains("invalid input"), "{e}");
    tx.commit().await.unwrap();
    assert_eq!(balance(AccountKey::Commission(agent)).await, split.commission.0);
    assert_eq!(balance(AccountKey::Escrow(order)).await, 0);

    // The agent hands the drawer's cash to the county; the seller cannot take out more than they hold.
    let mut tx = app.db.begin().await.unwrap();
    let e = books::cash_handover(&mut tx, c, station, Fen(30_000), "handover-1").await.unwrap_err();
    assert!(e.to_string().contains("insufficient") || e.to_string().contains("invalid"), "{e}");
    drop(tx);
    let mut tx = app.db.begin().await.unwrap();
    books::cash_handover(&mut tx, c, station, Fen(29_999), "handover-1").await.unwrap();
    books::payout(&mut tx, c, seller, split.seller, "payout-1").await.unwrap();
    assert!(books::payout(&mut tx, c, seller, Fen(1), "payout-2").await.is_err(), "the wallet is empty");
    tx.commit().await.unwrap();
    assert_eq!(balance(cash).await, 0, "the drawer is empty");
    let tb = trial_balance(&app, &op).await;
    assert_eq!(kind_balance(&tb, "county_bank"), split.platform_fee.0 + split.commission.0);

    // The seller sees the sale and the payout on their statement, newest first.
    let sup = app.token(&app.user_a("supplier")).await;
    let st = app.get_json(&sup, &format!("/api/v1/counties/{c}/ledger/me/statement")).await;
    let codes: Vec<&str> = st["lines"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["payout", "escrow_release_seller"]);
    assert_eq!(st["lines"][0]["balance_after"], 0);
    assert_eq!(st["lines"][1]["balance_after"], split.seller.0);
}

#[tokio::test]
async fn twenty_payouts_at_once_from_a_wallet_holding_ten_never_overdraw_it() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op = app.token(&app.user_a("operator")).await;
    let seller = person_of(&app, &app.token(&app.user_a("supplier")).await).await;
    let mut tx = app.db.begin().await.unwrap();
    books::topup_wallet(&mut tx, c, seller, AccountKey::CountyBank, Fen(1_000), "cash", "seed").await.unwrap();
    tx.commit().await.unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                books::payout(&mut tx, c, seller, Fen(100), &format!("payout-{i}")).await?;
                tx.commit().await.map_err(uplink_service::ServiceError::Store)
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 10, "exactly the money there was is paid out");
    let st = app
        .get_json(&op, &format!("/api/v1/counties/{c}/ledger/accounts/{}/statement", AccountKey::Wallet(seller)))
        .await;
    assert_eq!(st["account"]["balance"], 0);
    assert_eq!(st["total"], 11);
    trial_balance(&app, &op).await;
}
