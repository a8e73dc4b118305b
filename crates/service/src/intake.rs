//! Intake at the village station (收购/入站, issue 4): the agent weighs a farmer's produce (gross,
//! tare, net in grams), grades it (with the reason for any deduction below the best grade),
//! checks the compliance certificate (承诺达标合格证) where the product requires one, and in the
//! same transaction Uplink makes the lot with its code, records the farmer → station hand-off,
//! and pays the farmer `core::window::farmer_payout` from the window's advance into their wallet.
//! A photo of the produce may come with the intake: it passes the photo rule with the other
//! fields and is stored with the lot, so a lot never exists without the photo it was taken with.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::ledger;
use crate::lots::{holder, may_handle};
use serde::{Deserialize, Serialize};
use uplink_core::ledger::{AccountKey, TransferCode};
use uplink_core::lot::{self, LotCode};
use uplink_core::people::Role;
use uplink_core::text::{self, NOTE_MAX};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::window::{self, WindowState};
use uplink_core::*;
use uplink_store::lot_photos::LotPhoto;
use uplink_store::lots::{self as repo, Lot, LotEvent};
use uplink_store::{Db, now_us};
use utoipa::ToSchema;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub window_id: WindowId,
    pub farmer_id: PersonId,
    /// The station; an agent takes in at their own station and may leave it out.
    pub station_id: Option<StationId>,
    pub grade: String,
    pub gross_g: i64,
    pub tare_g: i64,
    /// Why the produce was graded below the window's best grade (required then).
    pub grade_reason: Option<String>,
    /// The farmer's compliance certificate number; required when the product requires it.
    pub certificate_no: Option<String>,
}

/// The intake's outcome: the lot, the payment, and the receipt's text message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IntakeReceipt {
    pub lot: Lot,
    pub farmer_name: String,
    pub net_g: i64,
    pub payout_fen: i64,
    /// The receipt as a short text message, in Chinese and in English.
    pub sms_zh: String,
    pub sms_en: String,
    /// Path of the public trace page the label's QR code opens.
    pub trace_path: String,
    /// The photo of the produce taken with the intake, when there was one.
    #[serde(default)]
    pub photo: Option<LotPhoto>,
}

pub async fn record_intake(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: IntakeInput,
    idem: Option<&IdemKey>,
) -> Result<IntakeReceipt> {
    record_intake_with_photo(db, actor, county, input, None, idem).await
}

/// The intake with a photo of the produce (the station's intake form): the photo is checked
/// with the other fields, and the lot and its photo are stored together or not at all.
pub async fn record_intake_with_photo(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: IntakeInput,
    photo: Option<&[u8]>,
    idem: Option<&IdemKey>,
) -> Result<IntakeReceipt> {
    may_handle(actor, county)?;
    if actor.roles_in(county).contains(&Role::Driver) && !actor.is_admin && actor.roles_in(county).len() == 1 {
        return Err(ServiceError::Forbidden);
    }
    let mut ck = Checker::new();
    let net = match lot::net_weight(input.gross_g, input.tare_g) {
        Ok(n) => Some(n),
        Err(e) => {
            e.0.into_iter().for_each(|f| ck.push(f));
            None
        }
    };
    let reason = match input.grade_reason.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => ck.take("grade_reason", text::name(r, NOTE_MAX)),
        None => None,
    };
    let cert = match input.certificate_no.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => ck.take("certificate_no", text::name(r, 64)),
        None => None,
    };
    let photo = match photo.map(|b| uplink_core::photo::check(b).map(|t| (t, b))) {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            ck.push(e);
            None
        }
        None => None,
    };
    ck.finish()?;
    let net = net.ok_or(ServiceError::NotFound)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let agent = holder(c, actor, county).await?;
    let me = uplink_store::people::get_person(c, county, agent).await?.ok_or(ServiceError::NotFound)?;
    let station_id = match (me.role, input.station_id) {
        (Role::Agent, Some(s)) if Some(s) != me.station_id => return Err(ServiceError::Forbidden),
        (Role::Agent, _) => me.station_id.ok_or(ServiceError::Forbidden)?,
        (_, Some(s)) => s,
        (_, None) => return Err(FieldError::new("station_id", "required").into()),
    };
    let mut ck = Checker::new();
    let station = uplink_store::network::get_station(c, county, station_id).await?;
    if station.is_none() {
        ck.push(FieldError::new("station_id", "unknown-reference"));
    }
    let farmer = uplink_store::people::get_person(c, county, input.farmer_id)
        .await?
        .filter(|p| matches!(p.role, Role::Farmer | Role::Coop));
    if farmer.is_none() {
        ck.push(FieldError::new("farmer_id", "unknown-reference"));
    }
    let win = uplink_store::windows::get_window(c, county, input.window_id)
        .await?
        .ok_or_else(|| FieldError::new("window_id", "unknown-reference"))?;
    let product = uplink_store::catalog::get_product(c, county, win.product_id).await?.ok_or(ServiceError::NotFound)?;
    let offer = win.offer(&input.grade).cloned();
    if offer.is_none() {
        ck.push(FieldError::new("grade", "unknown-grade"));
    } else if win.offers.first().is_some_and(|best| best.grade != input.grade) && reason.is_none() {
        ck.push(FieldError::new("grade_reason", "required"));
    }
    if product.requires_certificate && cert.is_none() {
        ck.push(FieldError::new("certificate_no", "certificate-required"));
    }
    ck.finish()?;
    let (Some(station), Some(farmer), Some(offer)) = (station, farmer, offer) else {
        return Err(ServiceError::NotFound);
    };
    if !matches!(win.state, WindowState::Allocated | WindowState::Filled) {
        return Err(ServiceError::Conflict { kind: "window-not-allocated", field: "window_id".into() });
    }
    let now = now_us();
    let county_rec = uplink_store::network::get_county(c, county).await?.ok_or(ServiceError::NotFound)?;
    let date = time::local_date(now, &county_rec.time_zone);
    let prefix = format!("{}-{}-{}-", county_rec.code, station.code, date.replace('-', ""));
    let seq = repo::count_with_prefix(c, county, &prefix).await? + 1;
    let code = LotCode::new(&county_rec.code, &station.code, &date, seq)?;
    let payout = window::farmer_payout(offer.farmer_price_fen, net);
    let l = Lot {
        id: LotId::new(),
        county_id: county,
        code: code.to_string(),
        window_id: Some(win.id),
        product_id: win.product_id,
        product_name: product.name.clone(),
        grade: offer.grade.clone(),
        farmer_id: Some(farmer.id),
        origin_village_id: farmer.village_id.or(Some(station.village_id)),
        origin_village_name: None,
        station_id: Some(station.id),
        gross_g: Some(input.gross_g),
        tare_g: Some(input.tare_g),
        grade_reason: reason,
        certificate_no: cert,
        harvest_date: Some(win.harvest_date.clone()),
        farmer_price_fen: Some(offer.farmer_price_fen),
        payout_fen: Some(payout.0),
        made_g: net.0,
        weight_g: net.0,
        custodian_id: agent,
        place_kind: "station".into(),
        place_code: station.code.clone(),
        state: "active".into(),
        made_us: now,
    };
    repo::insert_lot(c, &l).await?;
    let ev = LotEvent {
        seq: 0,
        kind: "intake".into(),
        from_person: Some(farmer.id),
        to_person: Some(agent),
        from_role: Some(farmer.role.as_str().into()),
        to_role: Some(me.role.as_str().into()),
        place_kind: "station".into(),
        place_code: station.code.clone(),
        weight_g: net.0,
        loss_g: 0,
        other_lot_id: None,
        order_id: None,
        at_us: now,
    };
    repo::add_event(c, county, l.id, &ev, Some(actor.user_id)).await?;
    if payout.0 > 0 {
        let key = format!("intake:{}", l.id);
        let p = uplink_store::ledger::Posting {
            debit: AccountKey::WindowAdvance(win.id),
            credit: AccountKey::Wallet(farmer.id),
            amount: payout,
            code: TransferCode::IntakePayment,
            order: None,
            reference: &l.code,
            idem: &key,
        };
        ledger::post(c, county, &p).await?;
    }
    let photo = match photo {
        Some((content_type, bytes)) => Some(
            uplink_store::lot_photos::insert_photo(c, county, l.id, actor.user_id, content_type, bytes, now).await?,
        ),
        None => None,
    };
    let lot = repo::get_lot(c, county, l.id).await?.ok_or(ServiceError::NotFound)?;
    let kg = Grams(net.0);
    let out = IntakeReceipt {
        sms_zh: format!(
            "【Uplink】{}：{} {} 净重{}，单价{}/kg，已付{}到您的账户。批次{}",
            farmer.name,
            product.name,
            offer.grade,
            kg,
            Fen(offer.farmer_price_fen),
            payout,
            lot.code
        ),
        sms_en: format!(
            "[Uplink] {}: {} {} net {}, {}/kg, {} paid to your account. Lot {}",
            farmer.name,
            product.name_en.clone().unwrap_or(product.name.clone()),
            offer.grade,
            kg,
            Fen(offer.farmer_price_fen),
            payout,
            lot.code
        ),
        trace_path: format!("/t/{}", lot.code),
        farmer_name: farmer.name,
        net_g: net.0,
        payout_fen: payout.0,
        lot,
        photo,
    };
    w.commit(&out).await?;
    Ok(out)
}

/// What a printed receipt shows: the lot and the farmer it was taken from (staff only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReceiptView {
    pub lot: Lot,
    pub farmer_name: String,
    pub county_name: String,
}

pub async fn receipt(db: &Db, actor: &Actor, county: CountyId, id: LotId) -> Result<ReceiptView> {
    let d = crate::lots::get_lot(db, actor, county, id).await?;
    let mut c = db.reader().await?;
    let farmer_name = match d.lot.farmer_id {
        Some(f) => uplink_store::people::get_person(&mut c, county, f).await?.map(|p| p.name).unwrap_or_default(),
        None => String::new(),
    };
    let county_name = uplink_store::network::get_county(&mut c, county).await?.map(|c| c.name).unwrap_or_default();
    Ok(ReceiptView { lot: d.lot, farmer_name, county_name })
}
