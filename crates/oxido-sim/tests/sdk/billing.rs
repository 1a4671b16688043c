//! The account and its money through the SDK: account, balance following a Droplet's run,
//! billing history and invoices.

use oxido_sim::Seed;
use serde_json::json;

use super::common::*;

fn amount(value: Option<&str>) -> f64 {
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("an amount: {value:?}"))
}

#[tokio::test]
async fn the_account_is_active_and_limits_droplets() {
    let sim = sim().await;
    let client = client(&sim);
    let account = client.account().get().await.expect("the account");
    assert!(account.email.contains('@'), "{}", account.email);
    assert!(!account.uuid.is_empty());
    assert_eq!(json_of(&account.status), json!("active"));
    assert!(account.droplet_limit > 0);
}

#[tokio::test]
async fn the_balance_and_invoice_preview_follow_a_droplets_run() {
    let sim = sim_with(oxido_sim::Sim::builder().seed(Seed::Empty)).await;
    let client = client(&sim);
    let idle = client.balance().get().await.expect("balance");
    assert_eq!(amount(idle.month_to_date_usage.as_deref()), 0.0);
    let history = client
        .billing_history()
        .list()
        .send()
        .await
        .expect("billing history");
    assert!(history.items.is_empty(), "{history:?}");

    let made = client
        .droplets()
        .create(body(json!({
            "name": "billed", "region": "nyc3", "size": "s-2vcpu-4gb", "image": "ubuntu-22-04-x64"
        })))
        .await
        .expect("created");
    let size = &made.droplet.size;
    let running = client.balance().get().await.expect("balance");
    let spent = amount(running.month_to_date_usage.as_deref());
    // The first started hour is billed, never more than the month's price.
    assert!(
        spent >= (size.price_hourly * 100.0).round() / 100.0 && spent <= size.price_monthly,
        "{running:?} for {size:?}"
    );
    let invoices = client.invoices().list().await.expect("invoices");
    assert_eq!(invoices.invoices.len(), 0);
    let preview = invoices.invoice_preview.expect("a preview");
    assert_eq!(amount(preview.amount.as_deref()), spent);
}

#[tokio::test]
async fn a_past_invoice_reads_as_items_summary_csv_and_pdf() {
    let sim = sim().await;
    let client = client(&sim);
    let invoices = client.invoices().list().await.expect("invoices");
    let uuid = invoices
        .invoices
        .iter()
        .find_map(|i| i.invoice_uuid.clone())
        .expect("the demo account has an invoice");
    let items = client
        .invoices()
        .get_by_uuid(&uuid)
        .send()
        .await
        .expect("its items");
    assert!(!items.items.is_empty());
    let summary = client
        .invoices()
        .get_summary_by_uuid(&uuid)
        .await
        .expect("its summary");
    assert!(summary.amount.is_some(), "{summary:?}");
    let csv = client
        .invoices()
        .get_csv_by_uuid(&uuid)
        .await
        .expect("its CSV");
    assert!(csv.lines().count() > 1, "a header and rows: {csv}");
    let pdf = client
        .invoices()
        .get_pdf_by_uuid(&uuid)
        .await
        .expect("its PDF");
    assert!(pdf.starts_with(b"%PDF"), "{:?}", &pdf[..pdf.len().min(16)]);
    let history = client
        .billing_history()
        .list()
        .send()
        .await
        .expect("billing history");
    assert!(!history.items.is_empty());
}
