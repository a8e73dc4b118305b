//! `uplink report` through the built binary on a database with a seeded county and its demo trade:
//! it prints every figure with its Chinese and English name, writes every table as CSV and XLSX,
//! and the GMV it writes is the sum of the raw order lines. A bad period fails with a message
//! naming the flag. On SQLite by default, on PostgreSQL when `UPLINK_TEST_DB` names a server.

use std::process::Command;
use uplink_store::{Db, DbUrl};

fn uplink(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_uplink")).args(args).env("RUST_LOG", "warn").output().expect("run uplink")
}

/// `1260.00` as 126000, `42` as 42.
fn digits(s: &str) -> i64 {
    s.trim_end_matches('%').replace('.', "").parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

#[tokio::test]
async fn uplink_report_prints_the_figures_and_writes_every_table() {
    let url = uplink_store::scratch::fresh_db_url("report").await;
    let out = uplink(&["demo", "--no-serve", "--no-trade", "--db", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The demo's trade, made through the use cases: orders both ways and claims.
    let db = Db::open(&DbUrl::parse(&url).unwrap()).await.unwrap();
    let county = {
        let mut c = db.reader().await.unwrap();
        uplink_store::network::list_counties(&mut c).await.unwrap()[0].clone()
    };
    uplink_service::demo_activity::seed_activity(&db, county.id).await.expect("demo trade");
    let now = uplink_store::now_us();
    let today = uplink_core::time::local_date(now, &county.time_zone);
    let from = uplink_core::time::local_date(now - 40 * uplink_core::time::US_PER_DAY, &county.time_zone);
    let dir = std::env::temp_dir().join(format!("uplink-report-{}", uuid::Uuid::now_v7().simple()));

    let out = uplink(&[
        "report",
        "--db",
        &url,
        "--county",
        &county.code,
        "--from",
        &from,
        "--to",
        &today,
        "--by",
        "week",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("上行交易额 / Uplink GMV") && text.contains("下行交易额 / Downlink GMV"), "{text}");
    assert!(text.contains("活跃服务站 / Stations active"), "{text}");

    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    let want: Vec<String> = ["figures", "periods", "stations"]
        .iter()
        .flat_map(|t| ["csv", "xlsx"].map(|e| format!("{t}-{from}-{today}.{e}")))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(files, want);
    for f in files.iter().filter(|f| f.ends_with(".xlsx")) {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{f} is a zip");
    }
    // The figures file: uplink GMV is the sum of the raw uplink order lines of the period.
    let csv = std::fs::read_to_string(dir.join(format!("figures-{from}-{today}.csv"))).unwrap();
    let row = |id: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id}"))
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let mut c = db.reader().await.unwrap();
    for dir_ in ["uplink", "downlink"] {
        let fen: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COALESCE(SUM(l.line_total_fen), 0) AS BIGINT) FROM order_lines l JOIN orders o \
             ON o.county_id = l.county_id AND o.order_id = l.order_id WHERE o.county_id = $1 \
             AND o.state <> 'cancelled' AND o.direction = '{dir_}'"
        ))
        .bind(county.id.to_string())
        .fetch_one(&mut *c)
        .await
        .unwrap();
        assert!(fen > 0, "the demo trades {dir_}");
        assert_eq!(digits(&row(&format!("{dir_}_gmv"))[2]), fen, "{dir_}");
    }
    let stations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stations WHERE county_id = $1")
        .bind(county.id.to_string())
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert_eq!(digits(&row("stations_opened")[2]), stations);

    // A period the wrong way round is refused, naming the flag.
    let out = uplink(&["report", "--db", &url, "--from", &today, "--to", &from]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--from"), "{err}");
}
