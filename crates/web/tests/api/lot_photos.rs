//! Photos of a lot's produce (issue 7): stored and read back byte for byte by whoever may read
//! the lot, shown on the public trace (a split part shows its source's photo), taken only by the
//! agent of the lot's station, inspectors and the operator, retry-safe with an idempotency key;
//! a file that is not a photo, one too large and another county's lot are refused naming the
//! field, with nothing written.

use crate::helpers::*;
use crate::lots::{allocated_window, intake};
use crate::orders::{ok, post};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A tiny but real PNG (1×1).
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
/// The first bytes of a JPEG, as a camera writes them.
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

/// Posts `bytes` as a photo of a lot.
async fn send(app: &TestApp, t: &str, path: &str, bytes: Vec<u8>, idem: Option<&str>) -> reqwest::Response {
    let mut rb = app.http.post(format!("{}{path}", app.base)).bearer_auth(t).header("content-type", "image/png");
    if let Some(k) = idem {
        rb = rb.header("Idempotency-Key", k);
    }
    rb.body(bytes).send().await.expect("request")
}

/// Reads a photo back: its status, content type and bytes.
async fn fetch(app: &TestApp, t: Option<&str>, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = app.call(t, Method::GET, path, None).await;
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (r.status(), ct, r.bytes().await.expect("body").to_vec())
}

/// A lot taken in by county A's agent at their station: its id and code.
async fn agents_lot(app: &TestApp, s: &crate::lots::Setup) -> (String, String) {
    let c = app.a.county_id;
    let r = post(app, &s.agent_t, &format!("/api/v1/counties/{c}/intakes"), intake(s, 20_450, 450)).await;
    let r = ok(r, StatusCode::CREATED).await;
    (r["lot"]["id"].as_str().unwrap().to_string(), r["lot"]["code"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_photo_is_read_back_byte_for_byte_by_those_who_may_read_the_lot_and_on_its_public_trace() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let (lot, code) = agents_lot(&app, &s).await;
    let photos = format!("/api/v1/counties/{c}/lots/{lot}/photos");

    let first = ok(send(&app, &s.agent_t, &photos, PNG.to_vec(), Some("lot-photo-1")).await, StatusCode::CREATED).await;
    assert_eq!((first["content_type"].as_str(), first["size"].as_i64()), (Some("image/png"), Some(PNG.len() as i64)));
    let id = first["id"].as_str().unwrap().to_string();
    // A retry with the same key stores nothing new; the same key with another photo is refused.
    let again = ok(send(&app, &s.agent_t, &photos, PNG.to_vec(), Some("lot-photo-1")).await, StatusCode::CREATED).await;
    assert_eq!(again["id"], first["id"]);
    let other = send(&app, &s.agent_t, &photos, JPEG.to_vec(), Some("lot-photo-1")).await;
    assert_problem(other, StatusCode::UNPROCESSABLE_ENTITY, None).await;

    // Every reader of the lot gets the same bytes back.
    for role in ["agent", "operator", "inspector", "driver", "auditor"] {
        let t = app.token(&app.user_a(role)).await;
        let (status, ct, bytes) = fetch(&app, Some(&t), &format!("{photos}/{id}")).await;
        assert_eq!((status, ct.as_str()), (StatusCode::OK, "image/png"), "{role}");
        assert_eq!(bytes, PNG, "{role} reads the photo byte for byte");
    }
    // The lot lists its photos.
    let detail = app.get_json(&s.op_t, &format!("/api/v1/counties/{c}/lots/{lot}")).await;
    let listed: Vec<&str> = detail["photos"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [id.as_str()]);

    // An inspector and the operator photograph the lot too; a JPEG is known as one.
    let insp_t = app.token(&app.user_a("inspector")).await;
    let j = ok(send(&app, &insp_t, &photos, JPEG.to_vec(), None).await, StatusCode::CREATED).await;
    assert_eq!(j["content_type"], "image/jpeg");
    ok(send(&app, &s.op_t, &photos, PNG.to_vec(), None).await, StatusCode::CREATED).await;
    assert_eq!(
        app.get_json(&s.op_t, &format!("/api/v1/counties/{c}/lots/{lot}")).await["photos"].as_array().unwrap().len(),
        3
    );

    // The public trace shows the photos, readable with no login.
    let public = format!("/t/{code}/photos/{id}");
    let (status, ct, bytes) = fetch(&app, None, &public).await;
    assert_eq!((status, ct.as_str(), bytes.as_slice()), (StatusCode::OK, "image/png", PNG));
    let html = app.call(None, Method::GET, &format!("/t/{code}?lang=en"), None).await.text().await.unwrap();
    assert!(html.contains(&format!("src=\"{public}\" loading=lazy width=240 height=180")), "{html}");
    // A photo is reached only through its own lot's code.
    let (_, code2) = agents_lot(&app, &s).await;
    assert_eq!(fetch(&app, None, &format!("/t/{code2}/photos/{id}")).await.0, StatusCode::NOT_FOUND);

    // A part split from the lot shows the photo taken at intake on its own trace.
    let split_path = format!("/api/v1/counties/{c}/lots/{lot}/split");
    let split = ok(post(&app, &s.agent_t, &split_path, json!({"parts": [5_000]})).await, StatusCode::CREATED).await;
    let part = split["parts"][0]["code"].as_str().unwrap();
    let trace = app.call(None, Method::GET, &format!("/t/{part}"), None).await.text().await.unwrap();
    assert!(trace.contains(&format!("src=\"{public}\"")), "{trace}");
}

#[tokio::test]
async fn only_the_lots_station_agent_inspectors_and_the_operator_add_photos_and_only_readers_see_them() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let (lot, _) = agents_lot(&app, &s).await;
    let photos = format!("/api/v1/counties/{c}/lots/{lot}/photos");
    let id = ok(send(&app, &s.agent_t, &photos, PNG.to_vec(), None).await, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The driver reads lots but does not photograph them; buyers and farmers neither.
    for role in ["driver", "buyer", "farmer", "auditor"] {
        let t = app.token(&app.user_a(role)).await;
        assert_problem(send(&app, &t, &photos, PNG.to_vec(), None).await, StatusCode::FORBIDDEN, None).await;
    }
    for role in ["buyer", "farmer", "supplier"] {
        let t = app.token(&app.user_a(role)).await;
        assert_eq!(fetch(&app, Some(&t), &format!("{photos}/{id}")).await.0, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(fetch(&app, None, &format!("{photos}/{id}")).await.0, StatusCode::UNAUTHORIZED);

    // Another county's staff are not even told the lot exists, through either county's path.
    let b_op = app.token(&app.user_b("operator")).await;
    assert_problem(send(&app, &b_op, &photos, PNG.to_vec(), None).await, StatusCode::NOT_FOUND, None).await;
    assert_eq!(fetch(&app, Some(&b_op), &format!("{photos}/{id}")).await.0, StatusCode::NOT_FOUND);
    let b_path = format!("/api/v1/counties/{}/lots/{lot}/photos", app.b.county_id);
    assert_problem(send(&app, &b_op, &b_path, PNG.to_vec(), None).await, StatusCode::NOT_FOUND, None).await;
    assert_eq!(fetch(&app, Some(&b_op), &format!("{b_path}/{id}")).await.0, StatusCode::NOT_FOUND);

    // A lot the operator took in at another station: the agent may read it but not photograph it.
    let agent = crate::orders::person(&app, &app.user_a("agent")).await;
    let stations = app.get_json(&s.op_t, &format!("/api/v1/counties/{c}/stations?limit=50")).await;
    let elsewhere = stations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["id"] != agent["station_id"])
        .expect("a second station")["id"]
        .clone();
    let mut body = intake(&s, 3_450, 450);
    body["station_id"] = elsewhere;
    let r = ok(post(&app, &s.op_t, &format!("/api/v1/counties/{c}/intakes"), body).await, StatusCode::CREATED).await;
    let theirs = format!("/api/v1/counties/{c}/lots/{}/photos", r["lot"]["id"].as_str().unwrap());
    assert_problem(send(&app, &s.agent_t, &theirs, PNG.to_vec(), None).await, StatusCode::FORBIDDEN, None).await;
    ok(send(&app, &s.op_t, &theirs, PNG.to_vec(), None).await, StatusCode::CREATED).await;
}

#[tokio::test]
async fn a_file_that_is_no_photo_one_too_large_and_an_unknown_lot_are_refused_with_nothing_written() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let (lot, _) = agents_lot(&app, &s).await;
    let photos = format!("/api/v1/counties/{c}/lots/{lot}/photos");

    let v = assert_problem(
        send(&app, &s.agent_t, &photos, b"%PDF-1.7 not a photo".to_vec(), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("file"),
    )
    .await;
    assert_eq!(v["errors"][0]["code"], "not-an-image");
    assert_problem(send(&app, &s.agent_t, &photos, vec![], None).await, StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
        .await;
    // 30 MB: refused before it is read whole, with the photo rule's message.
    let v = assert_problem(
        send(&app, &s.agent_t, &photos, vec![0xFF; 30 * 1024 * 1024], None).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        Some("file"),
    )
    .await;
    assert_eq!(v["errors"][0]["code"], "file-too-large");
    // Just over 5 MB of a real JPEG's first bytes: the rule, not the transport, refuses it.
    let mut big = JPEG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let r = app
        .http
        .post(format!("{}{photos}", app.base))
        .bearer_auth(&s.agent_t)
        .header("accept-language", "zh-CN")
        .body(big)
        .send()
        .await
        .unwrap();
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("file")).await;
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("文件太大"), "{v}");
    // No such lot, and a malformed id.
    let unknown = format!("/api/v1/counties/{c}/lots/0190c3a2-0000-7000-8000-000000000009/photos");
    assert_problem(send(&app, &s.agent_t, &unknown, PNG.to_vec(), None).await, StatusCode::NOT_FOUND, None).await;
    let bad = format!("/api/v1/counties/{c}/lots/not-a-lot/photos");
    assert_problem(send(&app, &s.agent_t, &bad, PNG.to_vec(), None).await, StatusCode::NOT_FOUND, None).await;
    assert_eq!(fetch(&app, Some(&s.agent_t), &format!("{photos}/no-such-photo")).await.0, StatusCode::NOT_FOUND);

    let detail: Value = app.get_json(&s.op_t, &format!("/api/v1/counties/{c}/lots/{lot}")).await;
    assert_eq!(detail["photos"], json!([]), "nothing written");
}
