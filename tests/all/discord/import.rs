//! `/data import` through the fake Discord: the attachment is downloaded from the URL Discord
//! gives, previewed privately, stored on Confirm (once, whoever double-clicks), and a slow
//! import or a Confirm that waits for the database is acknowledged first and answered when
//! ready. (Reading the files themselves is `import.rs`.)

use crate::fake_discord::*;
use crate::support::e2e::{
    E2e, T, component_ids, embed_text, lock_database_for, message_id, shop_options,
};
use crate::support::eventually_some;
use crate::support::store::{Db, count};

/// A stored day of figures, as much of it as the import sets.
#[derive(Debug, sqlx::FromRow)]
struct DayRow {
    day: String,
    paid_cents: Option<i64>,
    source: String,
}

/// A Shopify "Sales over time" export, by day.
const SHOPIFY_SALES_CSV: &str = "Day,Orders,Gross sales,Discounts,Returns,Net sales,Shipping,Total sales\r\n\
2026-11-21,10,\"1,000.00\",-50.00,-20.00,930.00,30.00,960.00\r\n\
2026-11-22,12,\"1,200.00\",-60.00,0.00,\"1,140.00\",40.00,\"1,180.00\"\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_import_downloads_the_attachment_previews_and_stores_on_confirm() {
    let e = E2e::start().await;
    let (alice, dave) = (e.user("alice"), e.user("dave"));
    let ops = e.channel("ops");
    let h = add_shop_and_import(&e, alice, ops).await;
    // The attachment as Discord resolves it, served by the fake on its loopback address.
    let resolved = &h.payload()["data"]["resolved"]["attachments"];
    let (att_id, att) = resolved
        .as_object()
        .and_then(|o| o.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("resolved attachment");
    assert_eq!(att["filename"], "sales-2026-11.csv");
    assert_eq!(att["size"].as_u64(), Some(SHOPIFY_SALES_CSV.len() as u64));
    let url = att["url"].as_str().expect("url");
    assert!(url.starts_with(&e.fake.api_base()), "{url}");
    assert!(att["proxy_url"].is_string() && att["content_type"].is_string());

    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert!(h.is_ephemeral().await, "the preview is private: {r:#}");
    let text = embed_text(&r);
    assert!(
        text.contains("Import preview: Shopify US ← Shopify sales by day"),
        "{text}"
    );
    assert!(
        text.contains("2026-11-21") && text.contains("2026-11-22"),
        "{text}"
    );
    assert!(
        text.contains("2 new, 0 would change, 0 unchanged"),
        "{text}"
    );
    // The bot downloaded the file from the URL it was given, once.
    let downloads = e.fake.file_downloads();
    assert_eq!(downloads.len(), 1, "{downloads:#?}");
    assert_eq!(downloads[0].method, "GET");
    assert_eq!(
        downloads[0].path,
        format!("/attachments/{att_id}/sales-2026-11.csv")
    );
    assert_eq!(downloads[0].status, 200);
    let preview = h.original_message().expect("the preview message");
    let ids = component_ids(&preview);
    let confirm = ids
        .iter()
        .find(|id| id.starts_with("imp:confirm:"))
        .cloned()
        .unwrap_or_else(|| panic!("Confirm: {preview:#}"));
    assert!(
        ids.iter().any(|id| id.starts_with("imp:cancel:")),
        "Cancel: {preview:#}"
    );
    let stored = count(&e, "SELECT COUNT(*) FROM daily_figures").await;
    assert_eq!(stored, 0, "nothing is written before Confirm");

    // dave (warehouse) may not import: his click changes nothing.
    let r = e
        .fake
        .user(dave)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await
        .response()
        .await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL
    );

    // Confirm: the preview turns into the result, without buttons, and the days are stored.
    let h2 = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await;
    let r = h2.response().await;
    assert_eq!(r["type"].as_u64(), Some(7), "UPDATE_MESSAGE: {r:#}");
    assert!(
        embed_text(&r).contains("Imported 2 days into Shopify US: 2 changed."),
        "{r:#}"
    );
    let updated = e.fake.message(message_id(&preview)).expect("message");
    assert!(
        embed_text(&updated).contains("Imported 2 days"),
        "{updated:#}"
    );
    assert!(component_ids(&updated).is_empty(), "{updated:#}");
    let rows: Vec<DayRow> =
        sqlx::query_as("SELECT day, paid_cents, source FROM daily_figures ORDER BY day")
            .fetch_all(e.pool())
            .await
            .expect("rows");
    assert_eq!(
        rows.iter()
            .map(|r| (r.day.as_str(), r.paid_cents))
            .collect::<Vec<_>>(),
        // Gross sales + Discounts + Shipping (Total sales adds taxes and takes returns off).
        vec![("2026-11-21", Some(98_000)), ("2026-11-22", Some(118_000))],
        "{rows:?}"
    );
    assert!(
        rows.iter().all(|r| r.source == "shop:shopify-sales"),
        "{rows:?}"
    );
    let r = e
        .run(
            alice,
            "data",
            Some("show"),
            vec![
                opt_str("shop", "Shopify US"),
                opt_str("from", "2026-11-21"),
                opt_str("to", "2026-11-22"),
            ],
        )
        .await;
    let text = embed_text(&r);
    assert!(text.contains("Amount paid: 2,160.00"), "{text}");
    assert!(text.contains("Paid orders: 22"), "{text}");

    // A second Confirm (a double click) imports nothing twice.
    let r = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await
        .response()
        .await;
    assert!(
        embed_text(&r).contains("expired or was already handled"),
        "{r:#}"
    );
    let history = count(&e, "SELECT COUNT(*) FROM daily_figures_history").await;
    assert_eq!(history, 2, "each day written once");
    assert_eq!(e.fake.file_downloads().len(), 1);
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}

/// A download slower than `discord.defer_after` (50 ms here): the command is acknowledged at
/// once as deferred and private (type 5, flag 64), so Discord would not expire it, and the
/// preview arrives after it. A Confirm click that has to wait for the database (another writer
/// holds it for 400 ms) is acknowledged (type 6) and the preview message edited after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_import_is_acknowledged_first_and_answered_when_ready() {
    let e = E2e::start_with(|c| c.discord.defer_after = std::time::Duration::from_millis(50)).await;
    let alice = e.user("alice");
    let ops = e.channel("ops");
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "data",
            Some("shop"),
            shop_options("Shopify US", "shopify", "USD"),
        )
        .await;
    // In time, or (a busy machine) after a deferral, as a followup of its own.
    let added = eventually_some(T, || {
        h.original_message()
            .into_iter()
            .chain(h.followups())
            .find(|m| embed_text(m).contains("Shop Shopify US added"))
    })
    .await;
    assert!(added.is_some(), "{:#?}", e.fake.request_log());
    e.fake
        .delay_downloads(std::time::Duration::from_millis(400));
    let h = import_shopify_sales(&e, alice, ops).await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(5), "deferred first: {r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL,
        "{r:#}"
    );
    // The answer: the deferred message becomes the preview (or a followup carries it).
    let preview = eventually_some(T, || {
        h.original_message()
            .filter(|m| embed_text(m).contains("Import preview"))
            .or_else(|| {
                h.followups()
                    .into_iter()
                    .find(|m| embed_text(m).contains("Import preview"))
            })
    })
    .await
    .unwrap_or_else(|| panic!("no preview; requests: {:#?}", e.fake.request_log()));
    let text = embed_text(&preview);
    assert!(
        text.contains("2 new, 0 would change, 0 unchanged"),
        "{text}"
    );
    let confirm = component_ids(&preview)
        .into_iter()
        .find(|id| id.starts_with("imp:confirm:"))
        .unwrap_or_else(|| panic!("Confirm: {preview:#}"));
    let writer = lock_database_for(&e, std::time::Duration::from_millis(400)).await;
    let click = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await;
    let r = click.response().await;
    assert_eq!(r["type"].as_u64(), Some(6), "acknowledged first: {r:#}");
    writer.await.expect("the other writer commits");
    let done = eventually_some(T, || {
        e.fake
            .message(message_id(&preview))
            .filter(|m| embed_text(m).contains("Imported 2 days into Shopify US"))
    })
    .await
    .unwrap_or_else(|| panic!("preview not edited; requests: {:#?}", e.fake.request_log()));
    assert!(component_ids(&done).is_empty(), "{done:#}");
    let stored = count(&e, "SELECT COUNT(*) FROM daily_figures").await;
    assert_eq!(stored, 2);
    e.stop().await;
}

/// alice adds the Shopify US shop and starts `/data import` of [`SHOPIFY_SALES_CSV`] in `ops`.
async fn add_shop_and_import(e: &E2e, alice: u64, ops: u64) -> InteractionHandle {
    e.add_shop(alice, "Shopify US", "shopify", "USD").await;
    import_shopify_sales(e, alice, ops).await
}

/// `/data import` of [`SHOPIFY_SALES_CSV`] into Shopify US, by alice in `ops`.
async fn import_shopify_sales(e: &E2e, alice: u64, ops: u64) -> InteractionHandle {
    e.fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "data",
            Some("import"),
            vec![
                opt_attachment("file", "sales-2026-11.csv", SHOPIFY_SALES_CSV),
                opt_str("shop", "Shopify US"),
            ],
        )
        .await
}
