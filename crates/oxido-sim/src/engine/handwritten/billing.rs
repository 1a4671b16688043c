//! Balance, invoices and billing history from what the account runs: each Droplet costs
//! its size's hourly price for every started hour this month, capped at the monthly
//! price, as the API bills, and is one item of this month's invoice (the preview,
//! also addressed as `preview`). Past invoices are the demo account's documented ones
//! (any other account has none yet); the billing history is each past invoice and its
//! payment. An invoice's items, CSV and summary are computed from its items, and its
//! item pages link only to its own further pages.

use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::Offset;
use serde_json::{Value, json};

use super::object::{page, page_value};
use crate::engine::call::{Call, seeds_demo};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::shape::answer;
use crate::engine::spec::OpId;
use crate::state::store::Paging;
use crate::wire::error::ApiError;

/// The first instant of `now`'s month (UTC).
fn month_start(now: Timestamp) -> Timestamp {
    let first = Offset::UTC.to_datetime(now).date().first_of_month();
    Offset::UTC
        .to_timestamp(first.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(now)
}

/// What one Droplet has cost from `from` to `now`: every started hour at the size's
/// hourly price, capped at the monthly price, as the API bills; with the hours.
fn droplet_cost(d: &crate::state::model::Droplet, from: Timestamp, now: Timestamp) -> (f64, i64) {
    let from = d.created_at.max(from);
    let seconds = now.as_second().saturating_sub(from.as_second()).max(0);
    // Every started hour is billed, the one just begun included.
    let hours = seconds / 3_600 + 1;
    (
        (hours as f64 * d.size.price_hourly).min(d.size.price_monthly),
        hours,
    )
}

fn all_droplets(call: &Call<'_>, now: Timestamp) -> Vec<crate::state::model::Droplet> {
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    call.store().droplets(call.who.account, None, all, now).0
}

/// What the account's Droplets have cost this month, in dollars.
fn month_to_date(call: &Call<'_>, now: Timestamp) -> f64 {
    let start = month_start(now);
    all_droplets(call, now)
        .iter()
        .map(|d| droplet_cost(d, start, now).0)
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

/// One invoice: the month's preview, or a past one (the demo account's documented
/// invoices; an account the emulator made has none yet).
struct Invoice {
    uuid: String,
    id: String,
    period: String,
    amount: String,
    items: Vec<Value>,
    updated_at: Option<String>,
}

fn documented(op: OpId) -> Value {
    template(op).clone()
}

/// The account's past invoices, newest first.
fn past(call: &Call<'_>) -> Vec<Invoice> {
    if !seeds_demo(call.app, &call.who) {
        return Vec::new();
    }
    let items: Vec<Value> = documented(OpId::InvoicesGetByUUID)
        .get("invoice_items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    documented(OpId::InvoicesList)
        .get("invoices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|i| {
            let text = |f: &str| {
                i.get(f)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Invoice {
                uuid: text("invoice_uuid"),
                id: text("invoice_id"),
                period: text("invoice_period"),
                amount: text("amount"),
                items: items.clone(),
                updated_at: None,
            }
        })
        .collect()
}

/// This month's invoice so far: one item per Droplet.
fn preview(call: &Call<'_>) -> Invoice {
    let now = Timestamp::now();
    let start = month_start(now);
    let period = Offset::UTC.to_datetime(now).strftime("%Y-%m").to_string();
    let serial = period.replace('-', "");
    let mut total = 0.0;
    let items = all_droplets(call, now)
        .iter()
        .map(|d| {
            let (cost, hours) = droplet_cost(d, start, now);
            total += cost;
            json!({
                "product": "Droplets",
                "resource_id": d.id.to_string(),
                "group_description": "",
                "description": format!("{} ({})", d.name, d.size.slug),
                "amount": dollars(cost),
                "duration": hours.to_string(),
                "duration_unit": "Hours",
                "start_time": crate::wire::Stamp(d.created_at.max(start)).to_string(),
                "end_time": crate::wire::Stamp(now).to_string(),
                "project_name": "Default",
            })
        })
        .collect();
    Invoice {
        // Stable for the account and month, as the real preview is.
        uuid: format!(
            "00000000-0000-4000-8000-{:04x}{serial:0>8}",
            call.who.account.0 & 0xffff
        ),
        id: serial,
        period,
        amount: dollars(total),
        items,
        updated_at: Some(generate::now()),
    }
}

/// The invoice a path's `{invoice_uuid}` names (`preview` is this month's); 404 if none.
fn named(call: &Call<'_>) -> Result<Invoice, ApiError> {
    let uuid = call.values.first().map_or("", String::as_str);
    let current = preview(call);
    if uuid == "preview" || uuid == current.uuid {
        return Ok(current);
    }
    past(call)
        .into_iter()
        .find(|i| i.uuid == uuid)
        .ok_or_else(ApiError::not_found)
}

/// GET /v2/customers/my/invoices: past invoices and this month's preview.
pub(super) fn invoices(call: &Call<'_>) -> Result<Response, ApiError> {
    let current = preview(call);
    let listed: Vec<Value> = past(call)
        .iter()
        .map(|i| {
            json!({
                "invoice_uuid": i.uuid,
                "invoice_id": i.id,
                "amount": i.amount,
                "invoice_period": i.period,
            })
        })
        .collect();
    let mut out = page_value(call, listed)?;
    if let Some(map) = out.as_object_mut() {
        map.insert(
            "invoice_preview".into(),
            json!({
                "invoice_uuid": current.uuid,
                "invoice_id": current.id,
                "amount": current.amount,
                "invoice_period": current.period,
                "updated_at": current.updated_at,
            }),
        );
    }
    answer(call.op, Some(out))
}

/// GET /v2/customers/my/invoices/{invoice_uuid}: its items, paged (links to this
/// invoice's own further pages, so following them ends).
pub(super) fn invoice(call: &Call<'_>) -> Result<Response, ApiError> {
    let invoice = named(call)?;
    page(call, invoice.items)
}

/// GET /v2/customers/my/invoices/{invoice_uuid}/csv: its items, one line each.
pub(super) fn invoice_csv(call: &Call<'_>) -> Result<Response, ApiError> {
    let invoice = named(call)?;
    let field = |item: &Value, f: &str| {
        let text = item.get(f).and_then(Value::as_str).unwrap_or_default();
        // Quoted when it holds a comma or a quote, as CSV does.
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut csv = String::from(
        "product,group_description,description,hours,start,end,USD,project_name,category\n",
    );
    for item in &invoice.items {
        csv.push_str(&format!(
            "{},{},{},{},{},{},${},{},iaas\n",
            field(item, "product"),
            field(item, "group_description"),
            field(item, "description"),
            field(item, "duration"),
            field(item, "start_time"),
            field(item, "end_time"),
            field(item, "amount"),
            field(item, "project_name"),
        ));
    }
    text_answer(call, csv.into_bytes())
}

/// GET /v2/customers/my/invoices/{invoice_uuid}/pdf: a PDF of a known invoice.
pub(super) fn invoice_pdf(call: &Call<'_>) -> Result<Response, ApiError> {
    named(call)?;
    answer(call.op, None)
}

fn text_answer(call: &Call<'_>, bytes: Vec<u8>) -> Result<Response, ApiError> {
    let mut response = Response::new(axum::body::Body::from(bytes));
    if let Ok(v) = http::HeaderValue::from_str(call.op.meta().response_media) {
        response.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    Ok(response)
}

/// GET /v2/customers/my/invoices/{invoice_uuid}/summary: totals by product, from its items.
pub(super) fn invoice_summary(call: &Call<'_>) -> Result<Response, ApiError> {
    let invoice = named(call)?;
    let mut by_product: Vec<(String, f64, usize)> = Vec::new();
    for item in &invoice.items {
        let product = item
            .get("product")
            .and_then(Value::as_str)
            .unwrap_or("Other");
        let amount = item
            .get("amount")
            .and_then(Value::as_str)
            .and_then(|a| a.parse::<f64>().ok())
            .unwrap_or(0.0);
        match by_product.iter_mut().find(|(p, _, _)| p == product) {
            Some(entry) => {
                entry.1 += amount;
                entry.2 += 1;
            }
            None => by_product.push((product.to_owned(), amount, 1)),
        }
    }
    let usage: f64 = by_product.iter().map(|(_, a, _)| a).sum();
    let documented = template(call.op);
    let mut summary = json!({
        "invoice_uuid": invoice.uuid,
        "invoice_id": invoice.id,
        "billing_period": invoice.period,
        "amount": invoice.amount,
        "product_charges": {
            "name": "Product usage charges",
            "amount": dollars(usage),
            "items": by_product
                .iter()
                .map(|(name, amount, count)| json!({
                    "name": name,
                    "amount": dollars(*amount),
                    "count": count.to_string(),
                }))
                .collect::<Vec<_>>(),
        },
        "overages": { "name": "Overages", "amount": "0.00" },
        "taxes": { "name": "Taxes", "amount": "0.00" },
        "credits_and_adjustments": { "name": "Credits & adjustments", "amount": "0.00" },
    });
    // Who is billed: the account's documented customer.
    for field in [
        "user_name",
        "user_billing_address",
        "user_company",
        "user_email",
    ] {
        if let Some(value) = documented.get(field) {
            summary[field] = value.clone();
        }
    }
    answer(call.op, Some(summary))
}

/// GET /v2/customers/my/billing_history: each past invoice, issued on the first of the
/// next month, and its payment a day later; newest first.
pub(super) fn history(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut entries = Vec::new();
    for invoice in past(call) {
        let Ok(month) = jiff::civil::Date::strptime("%Y-%m-%d", format!("{}-01", invoice.period))
        else {
            continue;
        };
        let Some(issued) = month
            .checked_add(jiff::Span::new().months(1))
            .ok()
            .and_then(|d| {
                Offset::UTC
                    .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                    .ok()
            })
        else {
            continue;
        };
        let paid = issued
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(issued);
        let label = Offset::UTC
            .to_datetime(
                issued
                    .checked_sub(jiff::SignedDuration::from_hours(24))
                    .unwrap_or(issued),
            )
            .strftime("%B %Y")
            .to_string();
        entries.push(json!({
            "description": format!("Payment for invoice {}", invoice.id),
            "amount": format!("-{}", invoice.amount),
            "date": crate::wire::Stamp(paid).to_string(),
            "type": "Payment",
        }));
        entries.push(json!({
            "description": format!("Invoice for {label}"),
            "amount": invoice.amount,
            "invoice_id": invoice.id,
            "invoice_uuid": invoice.uuid,
            "date": crate::wire::Stamp(issued).to_string(),
            "type": "Invoice",
        }));
    }
    page(call, entries)
}
