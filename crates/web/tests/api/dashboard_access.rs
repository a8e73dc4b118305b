//! The county dashboard as people see it: uplink and downlink are never added together in the
//! JSON or on the page; the CSV and XLSX downloads open and hold the numbers of the JSON; an
//! auditor reads everything and changes nothing, another county's auditor sees nothing; bad
//! periods and places are refused naming the field.

use crate::dashboard::{bp, busy_county, dashboard, date, figure, sql, today};
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every integer in a JSON value.
fn numbers(v: &Value, out: &mut Vec<i64>) {
    match v {
        Value::Number(n) => out.extend(n.as_i64()),
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        Value::Object(o) => o.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

/// Every uplink and downlink GMV pair the dashboard shows (the figures, each period, each
/// station), where both are above zero.
fn pairs(d: &Value) -> Vec<(i64, i64)> {
    let mut p = vec![(figure(d, "uplink_gmv").unwrap(), figure(d, "downlink_gmv").unwrap())];
    for row in d["periods"].as_array().unwrap().iter().chain(d["stations"].as_array().unwrap()) {
        p.push((row["uplink"]["gmv_fen"].as_i64().unwrap(), row["downlink"]["gmv_fen"].as_i64().unwrap()));
    }
    p.retain(|(u, d)| *u > 0 && *d > 0);
    p
}

#[tokio::test]
async fn uplink_and_downlink_are_never_added_together_in_the_json_or_on_the_page() {
    let app = spawn_app().await;
    let (op_t, _) = busy_county(&app).await;
    let q = format!("from={}&to={}&by=week", date(today() - 1), date(today() + 1));
    let d = dashboard(&app, &op_t, &q).await;
    // ¥1260.00 up and ¥225.00 down: their sum, ¥1485.00, is a number nothing else here has.
    assert_eq!((figure(&d, "uplink_gmv"), figure(&d, "downlink_gmv")), (Some(126_000), Some(22_500)));
    let pairs = pairs(&d);
    assert!(!pairs.is_empty());
    let mut all = Vec::new();
    numbers(&d, &mut all);
    for (u, dn) in &pairs {
        assert!(!all.contains(&(u + dn)), "{} = {u} + {dn} appears in the dashboard", u + dn);
    }
    // The share's denominator is the only place the sum is formed, and it is not shown.
    assert_eq!(figure(&d, "uplink_share"), bp(126_000, 148_500));
    for lang in ["zh-CN", "en"] {
        let page = app
            .call_with(
                Some(&op_t),
                Method::GET,
                &format!("/c/{}/dashboard?{q}", app.a.county_id),
                None,
                &[("accept-language", lang)],
            )
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("¥1260.00") && html.contains("¥225.00"), "{lang}: both GMVs are on the page");
        for (u, dn) in &pairs {
            let sum = uplink_core::Fen(u + dn).to_string();
            assert!(!html.contains(&sum), "{lang}: {sum} on the page");
            assert!(!html.contains(&format!("data-value=\"{}\"", u + dn)), "{lang}");
        }
        assert!(html.contains("<svg") && html.contains("<abbr title="), "{lang}: charts and definitions");
        let gz = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(html.as_bytes()).unwrap();
            e.finish().unwrap().len()
        };
        assert!(gz <= 40 * 1024, "{lang}: {gz} bytes compressed");
    }
}

/// A CSV as rows of fields (RFC 4180: quoted fields with doubled quotes), without the BOM.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

/// The cells of the first sheet of an XLSX, by row: numbers as their text, inline strings as text.
fn parse_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    for part in ["[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"] {
        assert!(zip.by_name(part).is_ok(), "{part}");
    }
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    let unescape = |s: &str| s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    let mut rows = Vec::new();
    for r in xml.split("<row ").skip(1) {
        let r = r.split("</row>").next().unwrap();
        let mut cells = Vec::new();
        for c in r.split("<c ").skip(1) {
            let inner =
                |open: &str, close: &str| c.split(open).nth(1).and_then(|x| x.split(close).next()).map(unescape);
            cells.push(inner("<v>", "</v>").or_else(|| inner("xml:space=\"preserve\">", "</t>")).unwrap_or_default());
        }
        rows.push(cells);
    }
    rows
}

/// `1260.00`, `12.3400%`, `0.3333`, `42` as the integer of their digits (fen, basis points …).
fn digits(s: &str) -> i64 {
    s.trim_end_matches('%').replace('.', "").parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

#[tokio::test]
async fn the_downloads_open_as_csv_and_xlsx_with_the_numbers_of_the_json() {
    let app = spawn_app().await;
    let (_, _) = busy_county(&app).await;
    let auditor = app.token(&app.user_a("auditor")).await;
    let q = format!("from={}&to={}&by=week", date(today() - 1), date(today() + 1));
    let d = dashboard(&app, &auditor, &q).await;
    let c = app.a.county_id;
    let get = |file: String| {
        let path = format!("/api/v1/counties/{c}/dashboard/export/{file}?{q}");
        let auditor = auditor.clone();
        let app = &app;
        async move {
            let r = app.call_with(Some(&auditor), Method::GET, &path, None, &[("accept-language", "en")]).await;
            assert_eq!(r.status(), StatusCode::OK, "{file}");
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            let cd = r.headers()["content-disposition"].to_str().unwrap().to_string();
            assert!(cd.contains(&file.replace('.', &format!("-{}-{}.", date(today() - 1), date(today() + 1)))), "{cd}");
            (ct, r.bytes().await.unwrap().to_vec())
        }
    };
    for table in ["figures", "periods", "stations"] {
        let (ct, csv) = get(format!("{table}.csv")).await;
        assert!(ct.starts_with("text/csv"), "{ct}");
        let (ct, xlsx) = get(format!("{table}.xlsx")).await;
        assert!(ct.contains("spreadsheetml"), "{ct}");
        let (csv, xlsx) = (parse_csv(&csv), parse_xlsx(&xlsx));
        assert_eq!(csv.len(), xlsx.len(), "{table}: the same rows in both");
        assert_eq!(csv[0], xlsx[0], "{table}: the same headers");
        match table {
            "figures" => {
                assert_eq!(csv[0][0], "Id");
                for f in d["figures"].as_array().unwrap() {
                    let id = f["id"].as_str().unwrap();
                    let want = f["value"].as_i64().map(|v| if f["unit"] == "per_mille" { v * 10 } else { v });
                    for rows in [&csv, &xlsx] {
                        let row = rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("{table}: {id}"));
                        let got = (!row[2].is_empty()).then(|| digits(&row[2]));
                        assert_eq!(got, want, "{id}");
                    }
                }
            }
            "periods" => {
                for (i, p) in d["periods"].as_array().unwrap().iter().enumerate() {
                    for rows in [&csv, &xlsx] {
                        assert_eq!(rows[i + 1][0], p["label"].as_str().unwrap());
                        assert_eq!(digits(&rows[i + 1][3]), p["uplink"]["gmv_fen"].as_i64().unwrap());
                        assert_eq!(digits(&rows[i + 1][4]), p["downlink"]["gmv_fen"].as_i64().unwrap());
                        assert_eq!(digits(&rows[i + 1][6]), p["uplink"]["orders"].as_i64().unwrap());
                    }
                }
            }
            _ => {
                let stations = d["stations"].as_array().unwrap();
                assert_eq!(csv.len(), stations.len() + 1);
                for (i, s) in stations.iter().enumerate() {
                    for rows in [&csv, &xlsx] {
                        assert_eq!(rows[i + 1][0], s["code"].as_str().unwrap());
                        assert_eq!(digits(&rows[i + 1][4]), s["uplink"]["gmv_fen"].as_i64().unwrap());
                        assert_eq!(digits(&rows[i + 1][5]), s["downlink"]["gmv_fen"].as_i64().unwrap());
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn an_auditor_reads_everything_and_changes_nothing_and_another_county_sees_nothing() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let auditor = app.token(&app.user_a("auditor")).await;
    let d = dashboard(&app, &auditor, "by=month").await;
    assert_eq!(d["by"], "month");
    // Each figure says what it counts, in the reader's language, and where its records are.
    for f in d["figures"].as_array().unwrap() {
        let def = f["definition"].as_str().unwrap();
        assert!(def.len() > 20 && !def.starts_with("metric-"), "{f}");
        assert!(f["records"].as_str().unwrap().starts_with(&format!("/api/v1/counties/{c}/")), "{f}");
    }
    // Drill down: a township, one of its villages, one of that village's stations.
    let township = d["children"][0]["id"].as_str().unwrap().to_string();
    let t = dashboard(&app, &auditor, &format!("township={township}")).await;
    assert_eq!(t["area"]["level"], "township");
    let village = t["children"][0]["id"].as_str().unwrap().to_string();
    let v = dashboard(&app, &auditor, &format!("village={village}")).await;
    let station = v["children"][0]["id"].as_str().unwrap().to_string();
    let s = dashboard(&app, &auditor, &format!("station={station}")).await;
    assert_eq!((s["area"]["level"].as_str(), s["trail"].as_array().unwrap().len()), (Some("station"), 3));
    assert_eq!(figure(&s, "stations_opened"), Some(1));
    let page = app.call(Some(&auditor), Method::GET, &format!("/c/{c}/dashboard?station={station}"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    // Every write the auditor tries is refused as forbidden, and nothing is written (the access
    // matrix tries every write endpoint; these are a few with a body that would otherwise pass).
    let writes = [
        ("townships", json!({"code": "AUD", "name": "审计乡", "seat": {"lat": 25.8, "lon": 100.5}})),
        ("dispatch/plans", json!({"date": date(today() + 1)})),
        ("people", json!({"role": "farmer", "name": "审计试写"})),
        ("lots/merge", json!({"lot_ids": []})),
    ];
    let count = |table: &'static str| {
        sql(
            &app,
            Box::leak(format!("SELECT COUNT(*) FROM {table} WHERE county_id = $1 AND $2 = $3").into_boxed_str()),
            0,
            0,
        )
    };
    let before =
        (count("townships").await, count("people").await, count("orders").await, count("dispatch_plans").await);
    for (path, body) in writes {
        let r = app.call(Some(&auditor), Method::POST, &format!("/api/v1/counties/{c}/{path}"), Some(&body)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert_problem(r, StatusCode::FORBIDDEN, None).await;
    }
    let after = (count("townships").await, count("people").await, count("orders").await, count("dispatch_plans").await);
    assert_eq!(before, after, "nothing written");
    // Another county's auditor learns nothing, not even that the county exists.
    let foreign = app.token(&app.user_b("auditor")).await;
    for path in ["dashboard", "dashboard/export/figures.csv", "dashboard/export/stations.xlsx"] {
        let r = app.call(Some(&foreign), Method::GET, &format!("/api/v1/counties/{c}/{path}"), None).await;
        assert_problem(r, StatusCode::NOT_FOUND, None).await;
    }
    let r = app.call(Some(&foreign), Method::GET, &format!("/c/{c}/dashboard"), None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Those without the dashboard in their county: 403.
    let farmer = app.token(&app.user_a("farmer")).await;
    let r = app.call(Some(&farmer), Method::GET, &format!("/api/v1/counties/{c}/dashboard"), None).await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
}

#[tokio::test]
async fn bad_periods_and_places_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op = app.token(&app.user_a("operator")).await;
    let b_station = app
        .get_json(
            &app.token(&app.user_b("operator")).await,
            &format!("/api/v1/counties/{}/stations?limit=1", app.b.county_id),
        )
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        ("dashboard?from=2026-08-02&to=2026-08-01", "from"),
        ("dashboard?from=2022-01-01&to=2026-01-01", "to"),
        ("dashboard?from=2026-02-30", "from"),
        ("dashboard?to=tomorrow", "to"),
        ("dashboard?by=day", "by"),
        (&format!("dashboard?station={b_station}") as &str, "station"),
        ("dashboard?village=not-an-id", "village"),
        ("dashboard/export/ledger.csv", "file"),
        ("dashboard/export/figures.pdf", "file"),
        ("dashboard/export/figures.csv?from=2026-08-02&to=2026-08-01", "from"),
    ];
    for (path, field) in cases {
        let r = app
            .call_with(
                Some(&op),
                Method::GET,
                &format!("/api/v1/counties/{c}/{path}"),
                None,
                &[("accept-language", "zh-CN")],
            )
            .await;
        let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some(field)).await;
        let msg = p["errors"][0]["message"].as_str().unwrap();
        assert!(!msg.is_empty() && !msg.starts_with("dashboard-"), "{path}: {msg}");
    }
    // The page keeps what was typed and says what is wrong next to it.
    let r = app.call(Some(&op), Method::GET, &format!("/c/{c}/dashboard?from=2026-08-02&to=2026-08-01"), None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"2026-08-02\"") && html.contains("aria-invalid"), "{html}");
}
