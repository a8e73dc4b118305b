//! The deciders' queue: the claims waiting for a decision, oldest first (buyer, seller, kind,
//! amount, age), each opening its decision form (reject, partial refund by percent, full refund,
//! replacement, with the reason) that calls the decide use case; a refusal such as a refund beyond
//! the seller's debt limit is shown at the field. Beside them the open short-weight incidents
//! from the hand-offs, and the fraud signals about agents for review. Auditors read it all.

use super::forms::{self, Errs, Fields, guard, input, see_other, select};
use super::operator::{manages, tabs};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use uplink_core::trust::Outcome;
use uplink_core::{Fen, Grams, PersonId};
use uplink_service::claims::{self as uc, DecisionInput};
use uplink_service::{people, trust};
use uplink_store::claims::Claim;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/operator/claims", get(queue))
        .route("/c/{county}/operator/claims/{id}", get(claim_page).post(decide))
}

/// Days of cash kept in a drawer before it is a signal.
const CASH_DAYS: i64 = 3;
const US_PER_HOUR: i64 = 3_600_000_000;

/// How long ago, in days and hours.
fn age(v: &View, since_us: i64) -> String {
    let h = (uplink_store::now_us() - since_us).max(0) / US_PER_HOUR;
    v.ta("queue-age", &[("d", (h / 24).to_string()), ("h", (h % 24).to_string())])
}

/// The names of people by id, each looked up once; an id the reader may not see stays an id.
async fn names(v: &View, ids: impl Iterator<Item = PersonId>) -> HashMap<PersonId, String> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            let name = match people::get_person(&v.st.db, &v.actor, v.county, id).await {
                Ok(p) => p.name,
                Err(_) => id.to_string()[..8].to_string(),
            };
            e.insert(name);
        }
    }
    out
}

async fn queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let unit = v.weight_unit().await?;
    let db = &v.st.db;
    let tq = uc::queue(db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    // Fraud signals are for those who read the county's books; an inspector decides claims
    // without them.
    let signals = match trust::fraud_signals(db, &v.actor, v.county, CASH_DAYS).await {
        Ok(s) => Some(s),
        Err(uplink_service::ServiceError::Forbidden) => None,
        Err(e) => return Err(v.fail(e)),
    };
    let shown_signals = signals.as_deref().unwrap_or_default();
    let who = names(
        &v,
        tq.claims
            .iter()
            .flat_map(|c| [c.buyer_id, c.seller_id])
            .chain(tq.incidents.iter().map(|i| i.custodian_id))
            .chain(shown_signals.iter().map(|s| s.agent_id)),
    )
    .await;
    let name = |p: &PersonId| esc(who.get(p).map(String::as_str).unwrap_or(""));
    let mut b = tabs(&v);
    b.push_str(&forms::flash(&v, q.opt("done").as_deref()));
    b.push_str(&format!(
        "<h2>{} ({})</h2><table id=claims><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=n>{}</th><th>{}</th><th></th></tr>",
        esc(&v.t("queue-claims")),
        tq.claims.len(),
        esc(&v.t("queue-opened")),
        esc(&v.t("pg-buyer")),
        esc(&v.t("queue-seller")),
        esc(&v.t("queue-kind")),
        esc(&v.t("queue-amount")),
        esc(&v.t("queue-state")),
    ));
    for c in &tq.claims {
        b.push_str(&format!(
            "<tr class=claim><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td>\
             <td><a class=btn id=\"open-{id}\" href=\"{}\">{}</a></td></tr>",
            esc(&age(&v, c.opened_us)),
            name(&c.buyer_id),
            name(&c.seller_id),
            esc(&v.t(&format!("queue-kind-{}", c.kind.as_str()))),
            Fen(c.claimed_fen),
            esc(&v.t(&format!("queue-state-{}", c.state))),
            v.href(&format!("operator/claims/{}", c.id)),
            esc(&v.t(if manages(&v) || v.has_role(&[uplink_core::people::Role::Inspector]) {
                "queue-decide"
            } else {
                "queue-view"
            })),
            id = esc(&c.id),
        ));
    }
    b.push_str("</table>");
    if tq.claims.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }
    b.push_str(&format!(
        "<h2>{} ({})</h2><table id=incidents><tr><th>{}</th><th>{}</th><th>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("queue-incidents")),
        tq.incidents.len(),
        esc(&v.t("queue-opened")),
        esc(&v.t("queue-lot")),
        esc(&v.t("queue-custodian")),
        esc(&v.t("queue-loss")),
        esc(&v.t("queue-allowed")),
    ));
    for i in &tq.incidents {
        b.push_str(&format!(
            "<tr><td>{}</td><td class=m>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&age(&v, i.opened_us)),
            esc(&i.lot_code),
            name(&i.custodian_id),
            Grams(i.loss_g).display_in(unit),
            Grams(i.allowed_g).display_in(unit)
        ));
    }
    b.push_str("</table>");
    if let Some(signals) = &signals {
        b.push_str(&format!("<h2>{} ({})</h2><ul id=fraud-signals>", esc(&v.t("queue-signals")), signals.len()));
        for s in signals {
            let value = if s.kind == "cash_not_handed_over" { Fen(s.value).to_string() } else { s.value.to_string() };
            b.push_str(&format!(
                "<li>{}: {} ({})</li>",
                name(&s.agent_id),
                esc(&v.ta(&format!("queue-signal-{}", s.kind), &[("days", CASH_DAYS.to_string())])),
                esc(&value)
            ));
        }
        b.push_str("</ul>");
        if signals.is_empty() {
            b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        }
    }
    Ok(v.page(&v.t("queue-title"), &b))
}

async fn claim_page(State(st): State<AppState>, ctx: Ctx, Path((county, id)): Path<(String, String)>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let claim = uc::get(&v.st.db, &v.actor, v.county, &id).await.map_err(|e| v.fail(e))?;
    render_claim(&v, &claim, &Fields::default(), &Errs::default()).await
}

async fn render_claim(v: &View, c: &Claim, typed: &Fields, errs: &Errs) -> Pg {
    let unit = v.weight_unit().await?;
    let who = names(v, [c.buyer_id, c.seller_id].into_iter()).await;
    let row = |key: &str, val: String| format!("<tr><th>{}</th><td>{}</td></tr>", esc(&v.t(key)), esc(&val));
    let mut b = tabs(v);
    b.push_str("<table id=claim>");
    b.push_str(&row("queue-opened", age(v, c.opened_us)));
    b.push_str(&row("pg-buyer", who.get(&c.buyer_id).cloned().unwrap_or_default()));
    b.push_str(&row("queue-seller", who.get(&c.seller_id).cloned().unwrap_or_default()));
    b.push_str(&row("queue-kind", v.t(&format!("queue-kind-{}", c.kind.as_str()))));
    b.push_str(&row("queue-amount", Fen(c.claimed_fen).to_string()));
    if let Some(g) = c.measured_weight_g {
        b.push_str(&row("queue-measured", Grams(g).display_in(unit)));
    }
    b.push_str(&row("queue-description", c.description.clone()));
    b.push_str(&row("queue-answer", c.answer.clone().unwrap_or_else(|| v.t("pg-none"))));
    b.push_str(&row("queue-state", v.t(&format!("queue-state-{}", c.state))));
    if let Some(o) = c.outcome {
        b.push_str(&row("queue-outcome", v.t(&format!("queue-outcome-{}", o.as_str()))));
        b.push_str(&row("queue-refund", Fen(c.refund_fen.unwrap_or(0)).to_string()));
    }
    b.push_str(&format!(
        "</table><p><a href=\"{}\">{}</a></p>",
        v.href(&format!("orders/{}", c.order_id)),
        esc(&v.t("queue-order"))
    ));
    let open = matches!(c.state.as_str(), "open" | "answered" | "appealed");
    let decides = manages(v) || v.has_role(&[uplink_core::people::Role::Inspector]);
    if open && decides {
        let outcomes: Vec<(String, String)> =
            [Outcome::Reject, Outcome::PartialRefund, Outcome::FullRefund, Outcome::Replacement]
                .iter()
                .map(|o| (o.as_str().to_string(), v.t(&format!("queue-outcome-{}", o.as_str()))))
                .collect();
        let (reason_aria, reason_err) = match errs.at("reason") {
            Some(m) => (
                " aria-invalid=true aria-describedby=err-reason",
                format!("<p class=err id=err-reason role=alert>{}</p>", esc(m)),
            ),
            None => ("", String::new()),
        };
        b.push_str(&format!(
            "<h2>{}</h2><form method=post action=\"{}\" id=decide>{}{}{}<label for=reason>{}</label>\
             <textarea id=reason name=reason rows=3 required{reason_aria}>{}</textarea>{reason_err}{}<button id=decide-submit>{}</button></form>",
            esc(&v.t("queue-decision")),
            v.href(&format!("operator/claims/{}", c.id)),
            guard(v),
            select(v, "outcome", "queue-outcome", &outcomes, typed.get("outcome"), errs),
            input(v, "refund_pct", "queue-refund-pct", typed.get("refund_pct"), errs, "inputmode=decimal"),
            esc(&v.t("queue-reason")),
            esc(typed.get("reason")),
            errs.others(&["outcome", "refund_pct", "reason"]),
            esc(&v.t("queue-decide-submit"))
        ));
    }
    Ok(v.page(&v.t("queue-claim-title"), &b))
}

/// A percentage typed with at most two decimals, as basis points: `30` → 3000, `12.5` → 1250.
fn percent_bps(raw: &str) -> Option<i64> {
    let t = raw.trim().trim_end_matches('%').trim();
    let (w, f) = t.split_once('.').unwrap_or((t, ""));
    if w.is_empty() || f.len() > 2 || !w.chars().chain(f.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = w.parse().ok()?;
    let frac: i64 = if f.is_empty() { 0 } else { format!("{f:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let claim = uc::get(&v.st.db, &v.actor, v.county, &id).await.map_err(|e| v.fail(e))?;
    let mut errs = Errs::default();
    let refund_bps = match f.opt("refund_pct") {
        None => None,
        Some(raw) => match percent_bps(&raw) {
            Some(bps) if (1..10_000).contains(&bps) => Some(bps),
            _ => {
                errs.push("refund_pct", v.ta("out-of-range", &[("min", "0.01".into()), ("max", "99.99".into())]));
                None
            }
        },
    };
    if !errs.is_empty() {
        return render_claim(&v, &claim, &f, &errs).await;
    }
    let input =
        DecisionInput { outcome: f.get("outcome").to_string(), refund_bps, reason: f.get("reason").to_string() };
    match uc::decide(&v.st.db, &v.actor, v.county, &id, input, f.idem("page-decide").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=decided", v.href("operator/claims")))),
        Err(e) => {
            let rename = |x: &str| if x == "refund_bps" { "refund_pct".to_string() } else { x.to_string() };
            let errs = Errs::from_service(&v, e, &rename)?;
            render_claim(&v, &claim, &f, &errs).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::percent_bps;

    #[test]
    fn percentages_read_to_the_basis_point() {
        assert_eq!(percent_bps("30"), Some(3000));
        assert_eq!(percent_bps("12.5"), Some(1250));
        assert_eq!(percent_bps("0.05 %"), Some(5));
        assert_eq!(percent_bps("1.234"), None);
        assert_eq!(percent_bps("abc"), None);
        assert_eq!(percent_bps(".5"), None);
    }
}
