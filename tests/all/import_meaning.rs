//! Each export column stored as the figure it means (issue #16): Shopify's `Total sales`
//! (taxes and shipping in, returns out) is not the amount paid; 支付金额's meaning — what buyers
//! paid for goods after discounts, postage included, taxes not sales, refunds not deducted —
//! is computed from the columns that say it. Checked against a plain computation over the
//! file's own cells.

use chrono::NaiveDate;
use storeops::domain::import::{self, DateOrder, Mapping, Mappings, Use, Warning};
use storeops::domain::money::Money;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// `-46.5`, `"1,278.75"`, `1340.1` as cents, the plain way (no shared parser).
fn cents(s: &str) -> i64 {
    let s = s.replace(',', "");
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = format!("{frac:0<2}");
    let v = whole.parse::<i64>().expect("whole") * 100 + frac[..2].parse::<i64>().expect("frac");
    if neg { -v } else { v }
}

fn parse(text: &str) -> import::Parsed {
    import::parse(
        text.as_bytes(),
        &Mappings::defaults(),
        None,
        DateOrder::Auto,
    )
    .expect("parsed")
}

/// The real-shaped Shopify export (comparison columns, `Shipping charges`, `Duties`,
/// `Additional fees`, reversals): every day's paid amount is Gross sales + Discounts +
/// Shipping charges, refunds and discounts are the returns and discounts above zero, and no
/// day's paid amount equals Total sales.
#[test]
fn shopify_paid_amount_is_gross_after_discounts_with_shipping() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/shopify-sales-compare.csv");
    let bytes = std::fs::read(&path).expect("fixture");
    let p = import::parse(&bytes, &Mappings::defaults(), None, DateOrder::Auto).expect("parsed");
    assert_eq!(p.platform, "shopify-sales");
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let headers = r.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (day, gross, disc, ret, ship, total) = (
        col("Day"),
        col("Gross sales"),
        col("Discounts"),
        col("Returns"),
        col("Shipping charges"),
        col("Total sales"),
    );
    let mut checked = 0;
    for rec in r.records() {
        let rec = rec.expect("record");
        if rec[day].is_empty() {
            continue;
        }
        let d = &p.days[&date(&rec[day])];
        let paid = cents(&rec[gross]) + cents(&rec[disc]) + cents(&rec[ship]);
        assert_eq!(d.paid_amount, Some(Money(paid)), "{}", &rec[day]);
        assert_ne!(
            d.paid_amount,
            Some(Money(cents(&rec[total]))),
            "{}",
            &rec[day]
        );
        let discount = if cents(&rec[disc]) > 0 {
            0
        } else {
            -cents(&rec[disc])
        };
        assert_eq!(d.discount_cost, Some(Money(discount)), "{}", &rec[day]);
        let refund = if cents(&rec[ret]) > 0 {
            0
        } else {
            -cents(&rec[ret])
        };
        assert_eq!(d.refund_amount, Some(Money(refund)), "{}", &rec[day]);
        assert_eq!(
            d.order_amount, None,
            "Gross sales is before discounts: no 下单金额"
        );
        checked += 1;
    }
    assert_eq!(checked, 28);
    assert_eq!(p.days.len(), 28);
    // The preview says what each column is for.
    let use_of = |h: &str| {
        p.columns
            .iter()
            .find(|(x, _)| x == h)
            .map(|(_, u)| u.clone())
    };
    assert_eq!(use_of("Gross sales"), Some(Use::Part("paid-amount".into())));
    assert_eq!(
        use_of("Shipping charges"),
        Some(Use::Part("paid-amount".into()))
    );
    assert_eq!(
        use_of("Discounts"),
        Some(Use::Field("discount-cost".into()))
    );
    assert_eq!(use_of("Total sales"), Some(Use::Ignored));
    assert_eq!(use_of("Taxes"), Some(Use::Ignored));
}

/// Reports without a Gross sales column: the paid amount from Net sales (returns added back)
/// or from Total sales (taxes, duties and fees taken off, returns added back); a report with
/// only Total sales imports no paid amount and says which columns to add. Each against
/// Gross + Discounts + Shipping of the same day.
#[test]
fn shopify_paid_amount_from_the_columns_a_report_has() {
    // gross 1,000.00, discounts -50.00, returns -20.00, shipping 30.00, taxes 80.00, duties
    // 5.00 → net 930.00, total 1,045.00; paid 980.00.
    let paid = Some(Money(cents("1000.00") + cents("-50.00") + cents("30.00")));
    let net = "Day,Orders,Net sales,Returns,Shipping charges\n2026-11-22,12,930.00,-20.00,30.00\n";
    assert_eq!(parse(net).days[&date("2026-11-22")].paid_amount, paid);
    let total = "Day,Orders,Returns,Taxes,Duties,Total sales\n2026-11-22,12,-20.00,80.00,5.00,\"1,045.00\"\n";
    assert_eq!(parse(total).days[&date("2026-11-22")].paid_amount, paid);

    let only_total = "Day,Orders,Total sales\n2026-11-22,12,\"1,045.00\"\n";
    let p = parse(only_total);
    let d = &p.days[&date("2026-11-22")];
    assert_eq!((d.paid_orders, d.paid_amount), (Some(12), None));
    assert!(
        p.warnings.contains(&Warning::NotComputed {
            figure: "paid-amount".into(),
            needs: vec!["Gross sales".into(), "Discounts".into()],
        }),
        "{:?}",
        p.warnings
    );
    // A day whose Gross sales cell is empty has no paid amount (not Discounts alone).
    let gap = "Day,Orders,Gross sales,Discounts\n2026-11-22,12,-,-5.00\n2026-11-23,3,90.00,-5.00\n";
    let p = parse(gap);
    assert_eq!(p.days[&date("2026-11-22")].paid_amount, None);
    assert_eq!(p.days[&date("2026-11-23")].paid_amount, Some(Money(8_500)));
}

/// A mapping file that computes a figure from a column it does not know, or a count, is
/// refused naming it.
#[test]
fn computed_figures_are_checked_when_a_mapping_is_read() {
    let base = "platform = \"x\"\nname = \"X\"\ndate = [\"Day\"]\nignore = [\"Gross\"]\n[columns]\n[computed]\n";
    let err = Mapping::parse(
        "x.toml",
        &format!("{base}\"paid-amount\" = [[\"Gross\", \"Fees\"]]\n"),
    )
    .expect_err("unknown column");
    assert!(err.contains("\"Fees\""), "{err}");
    let err =
        Mapping::parse("x.toml", &format!("{base}\"uv\" = [[\"Gross\"]]\n")).expect_err("count");
    assert!(err.contains("no money figure"), "{err}");
    let err = Mapping::parse(
        "x.toml",
        &format!("{base}\"paid-amount\" = [[\"Gross?\"]]\n"),
    )
    .expect_err("optional first");
    assert!(err.contains("optional"), "{err}");
    Mapping::parse(
        "x.toml",
        &format!("{base}\"paid-amount\" = [[\"Gross\"]]\n"),
    )
    .expect("fine");
}
