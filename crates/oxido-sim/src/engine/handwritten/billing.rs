//! Balance and the invoice preview from what the account runs: each Droplet costs its
//! size's hourly price for every started hour this month, capped at the monthly price,
//! as the API bills. Past invoices and billing history are the demo account's
//! documented ones; any other account has none yet.

use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::Offset;
use serde_json::{Value, json};

use super::object::{page, page_value};
use crate::engine::catalog::template;
use crate::engine::{Call, answer, generate, seeds_demo};
use crate::state::store::Paging;
use crate::wire::error::ApiError;

/// The first instant of `now`'s month (UTC).
fn month_start(now: Timestamp) -> Timestamp {
    let first = Offset::UTC.to_datetime(now).date().first_of_month();
    Offset::UTC
        .to_timestamp(first.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(now)
}

/// What the account's Droplets have cost this month, in dollars.
fn month_to_date(call: &Call<'_>, now: Timestamp) -> f64 {
    let start = month_start(now);
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (droplets, _) = call.app.store.droplets(call.who.account, None, all, now);
    droplets
        .iter()
        .map(|d| {
            let from = d.created_at.max(start);
            let seconds = now.as_second().saturating_sub(from.as_second()).max(0);
            // Every started hour is billed, the one just begun included.
            let hours = seconds / 3_600 + 1;
            (hours as f64 * d.size.price_hourly).min(d.size.price_monthly)
        })
        .sum()
}

fn dollars(amount: f64) -> String {
    format!("{amount:.2}")
}

/// GET /v2/customers/my/balance
pub(super) fn balance(call: &Call<'_>) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    let usage = dollars(month_to_date(call, now));
    answer(
        call.op,
        Some(json!({
            "month_to_date_balance": usage,
            "account_balance": "0.00",
            "month_to_date_usage": usage,
            "generated_at": generate::now(),
        })),
    )
}

/// GET /v2/customers/my/invoices: past invoices and this month's preview.
pub(super) fn invoices(call: &Call<'_>) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    let documented = template(call.op);
    let past: Vec<Value> = if seeds_demo(call.app, &call.who) {
        documented
            .get("invoices")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let period = Offset::UTC.to_datetime(now).strftime("%Y-%m").to_string();
    let serial = period.replace('-', "");
    let preview = json!({
        // Stable for the account and month, as the real preview is.
        "invoice_uuid": format!("00000000-0000-4000-8000-{:04x}{serial:0>8}", call.who.account.0 & 0xffff),
        "invoice_id": serial,
        "amount": dollars(month_to_date(call, now)),
        "invoice_period": period,
        "updated_at": generate::now(),
    });
    let mut listed = page_value(call, past)?;
    if let Some(map) = listed.as_object_mut() {
        map.insert("invoice_preview".into(), preview);
    }
    answer(call.op, Some(listed))
}

/// GET /v2/customers/my/billing_history: the demo account's documented history.
pub(super) fn history(call: &Call<'_>) -> Result<Response, ApiError> {
    let documented = template(call.op);
    let past: Vec<Value> = if seeds_demo(call.app, &call.who) {
        documented
            .get("billing_history")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    page(call, past)
}
