-- Maintained aggregates (#18): statistics over a year of figures or a month of complaints read
-- a few hundred rows of rollups instead of every base row. Every rollup is kept by triggers in
-- the same transaction as the change of its base rows (whatever statement makes it), backfilled
-- here, and checked against a plain recomputation from the base rows by a property test
-- (tests/all/scale/aggregates.rs).

-- Daily figures: each stored day's contribution to totals and rates, as numbers
-- (figures_day), and their sums per shop and month (figures_month). For each field F: F = the
-- sum of the days that report it (0 when none), F_n = how many days report it. For each rate:
-- the numerator and denominator summed over the days that report both parts, and how many do
-- (domain::metrics::Rate::parts; opcost = ad spend + shipping + discounts, when any is given).
-- rows_n: stored days; days_n: stored days with any figure.

CREATE TABLE figures_day (
    shop_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    rows_n INTEGER NOT NULL DEFAULT 0,
    days_n INTEGER NOT NULL DEFAULT 0,
    pv INTEGER NOT NULL DEFAULT 0,
    pv_n INTEGER NOT NULL DEFAULT 0,
    uv INTEGER NOT NULL DEFAULT 0,
    uv_n INTEGER NOT NULL DEFAULT 0,
    ordering_buyers INTEGER NOT NULL DEFAULT 0,
    ordering_buyers_n INTEGER NOT NULL DEFAULT 0,
    order_amount INTEGER NOT NULL DEFAULT 0,
    order_amount_n INTEGER NOT NULL DEFAULT 0,
    paying_buyers INTEGER NOT NULL DEFAULT 0,
    paying_buyers_n INTEGER NOT NULL DEFAULT 0,
    paid_amount INTEGER NOT NULL DEFAULT 0,
    paid_amount_n INTEGER NOT NULL DEFAULT 0,
    paid_orders INTEGER NOT NULL DEFAULT 0,
    paid_orders_n INTEGER NOT NULL DEFAULT 0,
    refund_amount INTEGER NOT NULL DEFAULT 0,
    refund_amount_n INTEGER NOT NULL DEFAULT 0,
    refund_orders INTEGER NOT NULL DEFAULT 0,
    refund_orders_n INTEGER NOT NULL DEFAULT 0,
    inquiries INTEGER NOT NULL DEFAULT 0,
    inquiries_n INTEGER NOT NULL DEFAULT 0,
    inquiries_paid INTEGER NOT NULL DEFAULT 0,
    inquiries_paid_n INTEGER NOT NULL DEFAULT 0,
    ad_spend INTEGER NOT NULL DEFAULT 0,
    ad_spend_n INTEGER NOT NULL DEFAULT 0,
    ad_sales INTEGER NOT NULL DEFAULT 0,
    ad_sales_n INTEGER NOT NULL DEFAULT 0,
    shipping_cost INTEGER NOT NULL DEFAULT 0,
    shipping_cost_n INTEGER NOT NULL DEFAULT 0,
    discount_cost INTEGER NOT NULL DEFAULT 0,
    discount_cost_n INTEGER NOT NULL DEFAULT 0,
    r_payment_num INTEGER NOT NULL DEFAULT 0,
    r_payment_den INTEGER NOT NULL DEFAULT 0,
    r_payment_n INTEGER NOT NULL DEFAULT 0,
    r_conversion_num INTEGER NOT NULL DEFAULT 0,
    r_conversion_den INTEGER NOT NULL DEFAULT 0,
    r_conversion_n INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_num INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_den INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_n INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_num INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_den INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_n INTEGER NOT NULL DEFAULT 0,
    r_order_value_num INTEGER NOT NULL DEFAULT 0,
    r_order_value_den INTEGER NOT NULL DEFAULT 0,
    r_order_value_n INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_num INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_den INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_n INTEGER NOT NULL DEFAULT 0,
    r_refund_num INTEGER NOT NULL DEFAULT 0,
    r_refund_den INTEGER NOT NULL DEFAULT 0,
    r_refund_n INTEGER NOT NULL DEFAULT 0,
    r_inquiry_num INTEGER NOT NULL DEFAULT 0,
    r_inquiry_den INTEGER NOT NULL DEFAULT 0,
    r_inquiry_n INTEGER NOT NULL DEFAULT 0,
    r_roas_num INTEGER NOT NULL DEFAULT 0,
    r_roas_den INTEGER NOT NULL DEFAULT 0,
    r_roas_n INTEGER NOT NULL DEFAULT 0,
    r_roi_num INTEGER NOT NULL DEFAULT 0,
    r_roi_den INTEGER NOT NULL DEFAULT 0,
    r_roi_n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, day)
) WITHOUT ROWID;

CREATE TABLE figures_month (
    shop_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    rows_n INTEGER NOT NULL DEFAULT 0,
    days_n INTEGER NOT NULL DEFAULT 0,
    pv INTEGER NOT NULL DEFAULT 0,
    pv_n INTEGER NOT NULL DEFAULT 0,
    uv INTEGER NOT NULL DEFAULT 0,
    uv_n INTEGER NOT NULL DEFAULT 0,
    ordering_buyers INTEGER NOT NULL DEFAULT 0,
    ordering_buyers_n INTEGER NOT NULL DEFAULT 0,
    order_amount INTEGER NOT NULL DEFAULT 0,
    order_amount_n INTEGER NOT NULL DEFAULT 0,
    paying_buyers INTEGER NOT NULL DEFAULT 0,
    paying_buyers_n INTEGER NOT NULL DEFAULT 0,
    paid_amount INTEGER NOT NULL DEFAULT 0,
    paid_amount_n INTEGER NOT NULL DEFAULT 0,
    paid_orders INTEGER NOT NULL DEFAULT 0,
    paid_orders_n INTEGER NOT NULL DEFAULT 0,
    refund_amount INTEGER NOT NULL DEFAULT 0,
    refund_amount_n INTEGER NOT NULL DEFAULT 0,
    refund_orders INTEGER NOT NULL DEFAULT 0,
    refund_orders_n INTEGER NOT NULL DEFAULT 0,
    inquiries INTEGER NOT NULL DEFAULT 0,
    inquiries_n INTEGER NOT NULL DEFAULT 0,
    inquiries_paid INTEGER NOT NULL DEFAULT 0,
    inquiries_paid_n INTEGER NOT NULL DEFAULT 0,
    ad_spend INTEGER NOT NULL DEFAULT 0,
    ad_spend_n INTEGER NOT NULL DEFAULT 0,
    ad_sales INTEGER NOT NULL DEFAULT 0,
    ad_sales_n INTEGER NOT NULL DEFAULT 0,
    shipping_cost INTEGER NOT NULL DEFAULT 0,
    shipping_cost_n INTEGER NOT NULL DEFAULT 0,
    discount_cost INTEGER NOT NULL DEFAULT 0,
    discount_cost_n INTEGER NOT NULL DEFAULT 0,
    r_payment_num INTEGER NOT NULL DEFAULT 0,
    r_payment_den INTEGER NOT NULL DEFAULT 0,
    r_payment_n INTEGER NOT NULL DEFAULT 0,
    r_conversion_num INTEGER NOT NULL DEFAULT 0,
    r_conversion_den INTEGER NOT NULL DEFAULT 0,
    r_conversion_n INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_num INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_den INTEGER NOT NULL DEFAULT 0,
    r_order_conversion_n INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_num INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_den INTEGER NOT NULL DEFAULT 0,
    r_avg_order_value_n INTEGER NOT NULL DEFAULT 0,
    r_order_value_num INTEGER NOT NULL DEFAULT 0,
    r_order_value_den INTEGER NOT NULL DEFAULT 0,
    r_order_value_n INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_num INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_den INTEGER NOT NULL DEFAULT 0,
    r_value_per_visitor_n INTEGER NOT NULL DEFAULT 0,
    r_refund_num INTEGER NOT NULL DEFAULT 0,
    r_refund_den INTEGER NOT NULL DEFAULT 0,
    r_refund_n INTEGER NOT NULL DEFAULT 0,
    r_inquiry_num INTEGER NOT NULL DEFAULT 0,
    r_inquiry_den INTEGER NOT NULL DEFAULT 0,
    r_inquiry_n INTEGER NOT NULL DEFAULT 0,
    r_roas_num INTEGER NOT NULL DEFAULT 0,
    r_roas_den INTEGER NOT NULL DEFAULT 0,
    r_roas_n INTEGER NOT NULL DEFAULT 0,
    r_roi_num INTEGER NOT NULL DEFAULT 0,
    r_roi_den INTEGER NOT NULL DEFAULT 0,
    r_roi_n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, month)
) WITHOUT ROWID;

CREATE TRIGGER figures_day_added AFTER INSERT ON figures_day BEGIN
    INSERT INTO figures_month (shop_id, month, rows_n, days_n, pv, pv_n, uv, uv_n, ordering_buyers, ordering_buyers_n, order_amount, order_amount_n, paying_buyers, paying_buyers_n, paid_amount, paid_amount_n, paid_orders, paid_orders_n, refund_amount, refund_amount_n, refund_orders, refund_orders_n, inquiries, inquiries_n, inquiries_paid, inquiries_paid_n, ad_spend, ad_spend_n, ad_sales, ad_sales_n, shipping_cost, shipping_cost_n, discount_cost, discount_cost_n, r_payment_num, r_payment_den, r_payment_n, r_conversion_num, r_conversion_den, r_conversion_n, r_order_conversion_num, r_order_conversion_den, r_order_conversion_n, r_avg_order_value_num, r_avg_order_value_den, r_avg_order_value_n, r_order_value_num, r_order_value_den, r_order_value_n, r_value_per_visitor_num, r_value_per_visitor_den, r_value_per_visitor_n, r_refund_num, r_refund_den, r_refund_n, r_inquiry_num, r_inquiry_den, r_inquiry_n, r_roas_num, r_roas_den, r_roas_n, r_roi_num, r_roi_den, r_roi_n)
    VALUES (NEW.shop_id, substr(NEW.day, 1, 7), NEW.rows_n, NEW.days_n, NEW.pv, NEW.pv_n, NEW.uv, NEW.uv_n, NEW.ordering_buyers, NEW.ordering_buyers_n, NEW.order_amount, NEW.order_amount_n, NEW.paying_buyers, NEW.paying_buyers_n, NEW.paid_amount, NEW.paid_amount_n, NEW.paid_orders, NEW.paid_orders_n, NEW.refund_amount, NEW.refund_amount_n, NEW.refund_orders, NEW.refund_orders_n, NEW.inquiries, NEW.inquiries_n, NEW.inquiries_paid, NEW.inquiries_paid_n, NEW.ad_spend, NEW.ad_spend_n, NEW.ad_sales, NEW.ad_sales_n, NEW.shipping_cost, NEW.shipping_cost_n, NEW.discount_cost, NEW.discount_cost_n, NEW.r_payment_num, NEW.r_payment_den, NEW.r_payment_n, NEW.r_conversion_num, NEW.r_conversion_den, NEW.r_conversion_n, NEW.r_order_conversion_num, NEW.r_order_conversion_den, NEW.r_order_conversion_n, NEW.r_avg_order_value_num, NEW.r_avg_order_value_den, NEW.r_avg_order_value_n, NEW.r_order_value_num, NEW.r_order_value_den, NEW.r_order_value_n, NEW.r_value_per_visitor_num, NEW.r_value_per_visitor_den, NEW.r_value_per_visitor_n, NEW.r_refund_num, NEW.r_refund_den, NEW.r_refund_n, NEW.r_inquiry_num, NEW.r_inquiry_den, NEW.r_inquiry_n, NEW.r_roas_num, NEW.r_roas_den, NEW.r_roas_n, NEW.r_roi_num, NEW.r_roi_den, NEW.r_roi_n)
    ON CONFLICT (shop_id, month) DO UPDATE SET rows_n = rows_n + excluded.rows_n, days_n = days_n + excluded.days_n, pv = pv + excluded.pv, pv_n = pv_n + excluded.pv_n, uv = uv + excluded.uv, uv_n = uv_n + excluded.uv_n, ordering_buyers = ordering_buyers + excluded.ordering_buyers, ordering_buyers_n = ordering_buyers_n + excluded.ordering_buyers_n, order_amount = order_amount + excluded.order_amount, order_amount_n = order_amount_n + excluded.order_amount_n, paying_buyers = paying_buyers + excluded.paying_buyers, paying_buyers_n = paying_buyers_n + excluded.paying_buyers_n, paid_amount = paid_amount + excluded.paid_amount, paid_amount_n = paid_amount_n + excluded.paid_amount_n, paid_orders = paid_orders + excluded.paid_orders, paid_orders_n = paid_orders_n + excluded.paid_orders_n, refund_amount = refund_amount + excluded.refund_amount, refund_amount_n = refund_amount_n + excluded.refund_amount_n, refund_orders = refund_orders + excluded.refund_orders, refund_orders_n = refund_orders_n + excluded.refund_orders_n, inquiries = inquiries + excluded.inquiries, inquiries_n = inquiries_n + excluded.inquiries_n, inquiries_paid = inquiries_paid + excluded.inquiries_paid, inquiries_paid_n = inquiries_paid_n + excluded.inquiries_paid_n, ad_spend = ad_spend + excluded.ad_spend, ad_spend_n = ad_spend_n + excluded.ad_spend_n, ad_sales = ad_sales + excluded.ad_sales, ad_sales_n = ad_sales_n + excluded.ad_sales_n, shipping_cost = shipping_cost + excluded.shipping_cost, shipping_cost_n = shipping_cost_n + excluded.shipping_cost_n, discount_cost = discount_cost + excluded.discount_cost, discount_cost_n = discount_cost_n + excluded.discount_cost_n, r_payment_num = r_payment_num + excluded.r_payment_num, r_payment_den = r_payment_den + excluded.r_payment_den, r_payment_n = r_payment_n + excluded.r_payment_n, r_conversion_num = r_conversion_num + excluded.r_conversion_num, r_conversion_den = r_conversion_den + excluded.r_conversion_den, r_conversion_n = r_conversion_n + excluded.r_conversion_n, r_order_conversion_num = r_order_conversion_num + excluded.r_order_conversion_num, r_order_conversion_den = r_order_conversion_den + excluded.r_order_conversion_den, r_order_conversion_n = r_order_conversion_n + excluded.r_order_conversion_n, r_avg_order_value_num = r_avg_order_value_num + excluded.r_avg_order_value_num, r_avg_order_value_den = r_avg_order_value_den + excluded.r_avg_order_value_den, r_avg_order_value_n = r_avg_order_value_n + excluded.r_avg_order_value_n, r_order_value_num = r_order_value_num + excluded.r_order_value_num, r_order_value_den = r_order_value_den + excluded.r_order_value_den, r_order_value_n = r_order_value_n + excluded.r_order_value_n, r_value_per_visitor_num = r_value_per_visitor_num + excluded.r_value_per_visitor_num, r_value_per_visitor_den = r_value_per_visitor_den + excluded.r_value_per_visitor_den, r_value_per_visitor_n = r_value_per_visitor_n + excluded.r_value_per_visitor_n, r_refund_num = r_refund_num + excluded.r_refund_num, r_refund_den = r_refund_den + excluded.r_refund_den, r_refund_n = r_refund_n + excluded.r_refund_n, r_inquiry_num = r_inquiry_num + excluded.r_inquiry_num, r_inquiry_den = r_inquiry_den + excluded.r_inquiry_den, r_inquiry_n = r_inquiry_n + excluded.r_inquiry_n, r_roas_num = r_roas_num + excluded.r_roas_num, r_roas_den = r_roas_den + excluded.r_roas_den, r_roas_n = r_roas_n + excluded.r_roas_n, r_roi_num = r_roi_num + excluded.r_roi_num, r_roi_den = r_roi_den + excluded.r_roi_den, r_roi_n = r_roi_n + excluded.r_roi_n;
END;

CREATE TRIGGER figures_day_removed AFTER DELETE ON figures_day BEGIN
    UPDATE figures_month SET rows_n = rows_n - OLD.rows_n, days_n = days_n - OLD.days_n, pv = pv - OLD.pv, pv_n = pv_n - OLD.pv_n, uv = uv - OLD.uv, uv_n = uv_n - OLD.uv_n, ordering_buyers = ordering_buyers - OLD.ordering_buyers, ordering_buyers_n = ordering_buyers_n - OLD.ordering_buyers_n, order_amount = order_amount - OLD.order_amount, order_amount_n = order_amount_n - OLD.order_amount_n, paying_buyers = paying_buyers - OLD.paying_buyers, paying_buyers_n = paying_buyers_n - OLD.paying_buyers_n, paid_amount = paid_amount - OLD.paid_amount, paid_amount_n = paid_amount_n - OLD.paid_amount_n, paid_orders = paid_orders - OLD.paid_orders, paid_orders_n = paid_orders_n - OLD.paid_orders_n, refund_amount = refund_amount - OLD.refund_amount, refund_amount_n = refund_amount_n - OLD.refund_amount_n, refund_orders = refund_orders - OLD.refund_orders, refund_orders_n = refund_orders_n - OLD.refund_orders_n, inquiries = inquiries - OLD.inquiries, inquiries_n = inquiries_n - OLD.inquiries_n, inquiries_paid = inquiries_paid - OLD.inquiries_paid, inquiries_paid_n = inquiries_paid_n - OLD.inquiries_paid_n, ad_spend = ad_spend - OLD.ad_spend, ad_spend_n = ad_spend_n - OLD.ad_spend_n, ad_sales = ad_sales - OLD.ad_sales, ad_sales_n = ad_sales_n - OLD.ad_sales_n, shipping_cost = shipping_cost - OLD.shipping_cost, shipping_cost_n = shipping_cost_n - OLD.shipping_cost_n, discount_cost = discount_cost - OLD.discount_cost, discount_cost_n = discount_cost_n - OLD.discount_cost_n, r_payment_num = r_payment_num - OLD.r_payment_num, r_payment_den = r_payment_den - OLD.r_payment_den, r_payment_n = r_payment_n - OLD.r_payment_n, r_conversion_num = r_conversion_num - OLD.r_conversion_num, r_conversion_den = r_conversion_den - OLD.r_conversion_den, r_conversion_n = r_conversion_n - OLD.r_conversion_n, r_order_conversion_num = r_order_conversion_num - OLD.r_order_conversion_num, r_order_conversion_den = r_order_conversion_den - OLD.r_order_conversion_den, r_order_conversion_n = r_order_conversion_n - OLD.r_order_conversion_n, r_avg_order_value_num = r_avg_order_value_num - OLD.r_avg_order_value_num, r_avg_order_value_den = r_avg_order_value_den - OLD.r_avg_order_value_den, r_avg_order_value_n = r_avg_order_value_n - OLD.r_avg_order_value_n, r_order_value_num = r_order_value_num - OLD.r_order_value_num, r_order_value_den = r_order_value_den - OLD.r_order_value_den, r_order_value_n = r_order_value_n - OLD.r_order_value_n, r_value_per_visitor_num = r_value_per_visitor_num - OLD.r_value_per_visitor_num, r_value_per_visitor_den = r_value_per_visitor_den - OLD.r_value_per_visitor_den, r_value_per_visitor_n = r_value_per_visitor_n - OLD.r_value_per_visitor_n, r_refund_num = r_refund_num - OLD.r_refund_num, r_refund_den = r_refund_den - OLD.r_refund_den, r_refund_n = r_refund_n - OLD.r_refund_n, r_inquiry_num = r_inquiry_num - OLD.r_inquiry_num, r_inquiry_den = r_inquiry_den - OLD.r_inquiry_den, r_inquiry_n = r_inquiry_n - OLD.r_inquiry_n, r_roas_num = r_roas_num - OLD.r_roas_num, r_roas_den = r_roas_den - OLD.r_roas_den, r_roas_n = r_roas_n - OLD.r_roas_n, r_roi_num = r_roi_num - OLD.r_roi_num, r_roi_den = r_roi_den - OLD.r_roi_den, r_roi_n = r_roi_n - OLD.r_roi_n
    WHERE shop_id = OLD.shop_id AND month = substr(OLD.day, 1, 7);
END;

CREATE TRIGGER daily_figures_added AFTER INSERT ON daily_figures BEGIN
    INSERT INTO figures_day (shop_id, day, rows_n, days_n, pv, pv_n, uv, uv_n, ordering_buyers, ordering_buyers_n, order_amount, order_amount_n, paying_buyers, paying_buyers_n, paid_amount, paid_amount_n, paid_orders, paid_orders_n, refund_amount, refund_amount_n, refund_orders, refund_orders_n, inquiries, inquiries_n, inquiries_paid, inquiries_paid_n, ad_spend, ad_spend_n, ad_sales, ad_sales_n, shipping_cost, shipping_cost_n, discount_cost, discount_cost_n, r_payment_num, r_payment_den, r_payment_n, r_conversion_num, r_conversion_den, r_conversion_n, r_order_conversion_num, r_order_conversion_den, r_order_conversion_n, r_avg_order_value_num, r_avg_order_value_den, r_avg_order_value_n, r_order_value_num, r_order_value_den, r_order_value_n, r_value_per_visitor_num, r_value_per_visitor_den, r_value_per_visitor_n, r_refund_num, r_refund_den, r_refund_n, r_inquiry_num, r_inquiry_den, r_inquiry_n, r_roas_num, r_roas_den, r_roas_n, r_roi_num, r_roi_den, r_roi_n)
    SELECT NEW.shop_id, NEW.day, 1,
       (pv IS NOT NULL OR uv IS NOT NULL OR ordering_buyers IS NOT NULL OR order_amount IS NOT NULL OR paying_buyers IS NOT NULL OR paid_amount IS NOT NULL OR paid_orders IS NOT NULL OR refund_amount IS NOT NULL OR refund_orders IS NOT NULL OR inquiries IS NOT NULL OR inquiries_paid IS NOT NULL OR ad_spend IS NOT NULL OR ad_sales IS NOT NULL OR shipping_cost IS NOT NULL OR discount_cost IS NOT NULL),
       COALESCE(pv, 0),
       pv IS NOT NULL,
       COALESCE(uv, 0),
       uv IS NOT NULL,
       COALESCE(ordering_buyers, 0),
       ordering_buyers IS NOT NULL,
       COALESCE(order_amount, 0),
       order_amount IS NOT NULL,
       COALESCE(paying_buyers, 0),
       paying_buyers IS NOT NULL,
       COALESCE(paid_amount, 0),
       paid_amount IS NOT NULL,
       COALESCE(paid_orders, 0),
       paid_orders IS NOT NULL,
       COALESCE(refund_amount, 0),
       refund_amount IS NOT NULL,
       COALESCE(refund_orders, 0),
       refund_orders IS NOT NULL,
       COALESCE(inquiries, 0),
       inquiries IS NOT NULL,
       COALESCE(inquiries_paid, 0),
       inquiries_paid IS NOT NULL,
       COALESCE(ad_spend, 0),
       ad_spend IS NOT NULL,
       COALESCE(ad_sales, 0),
       ad_sales IS NOT NULL,
       COALESCE(shipping_cost, 0),
       shipping_cost IS NOT NULL,
       COALESCE(discount_cost, 0),
       discount_cost IS NOT NULL,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN ordering_buyers ELSE 0 END,
       (paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL),
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paying_buyers IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN paid_orders ELSE 0 END,
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_orders IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       (paid_amount IS NOT NULL AND paying_buyers IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_orders ELSE 0 END,
       (paid_amount IS NOT NULL AND paid_orders IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_amount IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN refund_amount ELSE 0 END,
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN paid_amount ELSE 0 END,
       (refund_amount IS NOT NULL AND paid_amount IS NOT NULL),
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries_paid ELSE 0 END,
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries ELSE 0 END,
       (inquiries_paid IS NOT NULL AND inquiries IS NOT NULL),
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_sales ELSE 0 END,
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_spend ELSE 0 END,
       (ad_sales IS NOT NULL AND ad_spend IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN opcost ELSE 0 END,
       (paid_amount IS NOT NULL AND opcost IS NOT NULL)
FROM (SELECT *, CASE WHEN ad_spend IS NULL AND shipping_cost IS NULL AND discount_cost IS NULL THEN NULL ELSE COALESCE(ad_spend, 0) + COALESCE(shipping_cost, 0) + COALESCE(discount_cost, 0) END AS opcost FROM (SELECT json_extract(NEW.figures, '$.pv') AS pv,
           json_extract(NEW.figures, '$.uv') AS uv,
           json_extract(NEW.figures, '$.ordering_buyers') AS ordering_buyers,
           json_extract(NEW.figures, '$.order_amount') AS order_amount,
           json_extract(NEW.figures, '$.paying_buyers') AS paying_buyers,
           json_extract(NEW.figures, '$.paid_amount') AS paid_amount,
           json_extract(NEW.figures, '$.paid_orders') AS paid_orders,
           json_extract(NEW.figures, '$.refund_amount') AS refund_amount,
           json_extract(NEW.figures, '$.refund_orders') AS refund_orders,
           json_extract(NEW.figures, '$.inquiries') AS inquiries,
           json_extract(NEW.figures, '$.inquiries_paid') AS inquiries_paid,
           json_extract(NEW.figures, '$.ad_spend') AS ad_spend,
           json_extract(NEW.figures, '$.ad_sales') AS ad_sales,
           json_extract(NEW.figures, '$.shipping_cost') AS shipping_cost,
           json_extract(NEW.figures, '$.discount_cost') AS discount_cost));
END;

CREATE TRIGGER daily_figures_changed AFTER UPDATE OF shop_id, day, figures ON daily_figures BEGIN
    DELETE FROM figures_day WHERE shop_id = OLD.shop_id AND day = OLD.day;
    INSERT INTO figures_day (shop_id, day, rows_n, days_n, pv, pv_n, uv, uv_n, ordering_buyers, ordering_buyers_n, order_amount, order_amount_n, paying_buyers, paying_buyers_n, paid_amount, paid_amount_n, paid_orders, paid_orders_n, refund_amount, refund_amount_n, refund_orders, refund_orders_n, inquiries, inquiries_n, inquiries_paid, inquiries_paid_n, ad_spend, ad_spend_n, ad_sales, ad_sales_n, shipping_cost, shipping_cost_n, discount_cost, discount_cost_n, r_payment_num, r_payment_den, r_payment_n, r_conversion_num, r_conversion_den, r_conversion_n, r_order_conversion_num, r_order_conversion_den, r_order_conversion_n, r_avg_order_value_num, r_avg_order_value_den, r_avg_order_value_n, r_order_value_num, r_order_value_den, r_order_value_n, r_value_per_visitor_num, r_value_per_visitor_den, r_value_per_visitor_n, r_refund_num, r_refund_den, r_refund_n, r_inquiry_num, r_inquiry_den, r_inquiry_n, r_roas_num, r_roas_den, r_roas_n, r_roi_num, r_roi_den, r_roi_n)
    SELECT NEW.shop_id, NEW.day, 1,
       (pv IS NOT NULL OR uv IS NOT NULL OR ordering_buyers IS NOT NULL OR order_amount IS NOT NULL OR paying_buyers IS NOT NULL OR paid_amount IS NOT NULL OR paid_orders IS NOT NULL OR refund_amount IS NOT NULL OR refund_orders IS NOT NULL OR inquiries IS NOT NULL OR inquiries_paid IS NOT NULL OR ad_spend IS NOT NULL OR ad_sales IS NOT NULL OR shipping_cost IS NOT NULL OR discount_cost IS NOT NULL),
       COALESCE(pv, 0),
       pv IS NOT NULL,
       COALESCE(uv, 0),
       uv IS NOT NULL,
       COALESCE(ordering_buyers, 0),
       ordering_buyers IS NOT NULL,
       COALESCE(order_amount, 0),
       order_amount IS NOT NULL,
       COALESCE(paying_buyers, 0),
       paying_buyers IS NOT NULL,
       COALESCE(paid_amount, 0),
       paid_amount IS NOT NULL,
       COALESCE(paid_orders, 0),
       paid_orders IS NOT NULL,
       COALESCE(refund_amount, 0),
       refund_amount IS NOT NULL,
       COALESCE(refund_orders, 0),
       refund_orders IS NOT NULL,
       COALESCE(inquiries, 0),
       inquiries IS NOT NULL,
       COALESCE(inquiries_paid, 0),
       inquiries_paid IS NOT NULL,
       COALESCE(ad_spend, 0),
       ad_spend IS NOT NULL,
       COALESCE(ad_sales, 0),
       ad_sales IS NOT NULL,
       COALESCE(shipping_cost, 0),
       shipping_cost IS NOT NULL,
       COALESCE(discount_cost, 0),
       discount_cost IS NOT NULL,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN ordering_buyers ELSE 0 END,
       (paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL),
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paying_buyers IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN paid_orders ELSE 0 END,
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_orders IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       (paid_amount IS NOT NULL AND paying_buyers IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_orders ELSE 0 END,
       (paid_amount IS NOT NULL AND paid_orders IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_amount IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN refund_amount ELSE 0 END,
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN paid_amount ELSE 0 END,
       (refund_amount IS NOT NULL AND paid_amount IS NOT NULL),
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries_paid ELSE 0 END,
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries ELSE 0 END,
       (inquiries_paid IS NOT NULL AND inquiries IS NOT NULL),
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_sales ELSE 0 END,
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_spend ELSE 0 END,
       (ad_sales IS NOT NULL AND ad_spend IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN opcost ELSE 0 END,
       (paid_amount IS NOT NULL AND opcost IS NOT NULL)
FROM (SELECT *, CASE WHEN ad_spend IS NULL AND shipping_cost IS NULL AND discount_cost IS NULL THEN NULL ELSE COALESCE(ad_spend, 0) + COALESCE(shipping_cost, 0) + COALESCE(discount_cost, 0) END AS opcost FROM (SELECT json_extract(NEW.figures, '$.pv') AS pv,
           json_extract(NEW.figures, '$.uv') AS uv,
           json_extract(NEW.figures, '$.ordering_buyers') AS ordering_buyers,
           json_extract(NEW.figures, '$.order_amount') AS order_amount,
           json_extract(NEW.figures, '$.paying_buyers') AS paying_buyers,
           json_extract(NEW.figures, '$.paid_amount') AS paid_amount,
           json_extract(NEW.figures, '$.paid_orders') AS paid_orders,
           json_extract(NEW.figures, '$.refund_amount') AS refund_amount,
           json_extract(NEW.figures, '$.refund_orders') AS refund_orders,
           json_extract(NEW.figures, '$.inquiries') AS inquiries,
           json_extract(NEW.figures, '$.inquiries_paid') AS inquiries_paid,
           json_extract(NEW.figures, '$.ad_spend') AS ad_spend,
           json_extract(NEW.figures, '$.ad_sales') AS ad_sales,
           json_extract(NEW.figures, '$.shipping_cost') AS shipping_cost,
           json_extract(NEW.figures, '$.discount_cost') AS discount_cost));
END;

CREATE TRIGGER daily_figures_removed AFTER DELETE ON daily_figures BEGIN
    DELETE FROM figures_day WHERE shop_id = OLD.shop_id AND day = OLD.day;
END;

INSERT INTO figures_day (shop_id, day, rows_n, days_n, pv, pv_n, uv, uv_n, ordering_buyers, ordering_buyers_n, order_amount, order_amount_n, paying_buyers, paying_buyers_n, paid_amount, paid_amount_n, paid_orders, paid_orders_n, refund_amount, refund_amount_n, refund_orders, refund_orders_n, inquiries, inquiries_n, inquiries_paid, inquiries_paid_n, ad_spend, ad_spend_n, ad_sales, ad_sales_n, shipping_cost, shipping_cost_n, discount_cost, discount_cost_n, r_payment_num, r_payment_den, r_payment_n, r_conversion_num, r_conversion_den, r_conversion_n, r_order_conversion_num, r_order_conversion_den, r_order_conversion_n, r_avg_order_value_num, r_avg_order_value_den, r_avg_order_value_n, r_order_value_num, r_order_value_den, r_order_value_n, r_value_per_visitor_num, r_value_per_visitor_den, r_value_per_visitor_n, r_refund_num, r_refund_den, r_refund_n, r_inquiry_num, r_inquiry_den, r_inquiry_n, r_roas_num, r_roas_den, r_roas_n, r_roi_num, r_roi_den, r_roi_n)
SELECT shop_id, day, 1,
       (pv IS NOT NULL OR uv IS NOT NULL OR ordering_buyers IS NOT NULL OR order_amount IS NOT NULL OR paying_buyers IS NOT NULL OR paid_amount IS NOT NULL OR paid_orders IS NOT NULL OR refund_amount IS NOT NULL OR refund_orders IS NOT NULL OR inquiries IS NOT NULL OR inquiries_paid IS NOT NULL OR ad_spend IS NOT NULL OR ad_sales IS NOT NULL OR shipping_cost IS NOT NULL OR discount_cost IS NOT NULL),
       COALESCE(pv, 0),
       pv IS NOT NULL,
       COALESCE(uv, 0),
       uv IS NOT NULL,
       COALESCE(ordering_buyers, 0),
       ordering_buyers IS NOT NULL,
       COALESCE(order_amount, 0),
       order_amount IS NOT NULL,
       COALESCE(paying_buyers, 0),
       paying_buyers IS NOT NULL,
       COALESCE(paid_amount, 0),
       paid_amount IS NOT NULL,
       COALESCE(paid_orders, 0),
       paid_orders IS NOT NULL,
       COALESCE(refund_amount, 0),
       refund_amount IS NOT NULL,
       COALESCE(refund_orders, 0),
       refund_orders IS NOT NULL,
       COALESCE(inquiries, 0),
       inquiries IS NOT NULL,
       COALESCE(inquiries_paid, 0),
       inquiries_paid IS NOT NULL,
       COALESCE(ad_spend, 0),
       ad_spend IS NOT NULL,
       COALESCE(ad_sales, 0),
       ad_sales IS NOT NULL,
       COALESCE(shipping_cost, 0),
       shipping_cost IS NOT NULL,
       COALESCE(discount_cost, 0),
       discount_cost IS NOT NULL,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL THEN ordering_buyers ELSE 0 END,
       (paying_buyers IS NOT NULL AND ordering_buyers IS NOT NULL),
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN paying_buyers ELSE 0 END,
       CASE WHEN paying_buyers IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paying_buyers IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN paid_orders ELSE 0 END,
       CASE WHEN paid_orders IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_orders IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paying_buyers IS NOT NULL THEN paying_buyers ELSE 0 END,
       (paid_amount IS NOT NULL AND paying_buyers IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND paid_orders IS NOT NULL THEN paid_orders ELSE 0 END,
       (paid_amount IS NOT NULL AND paid_orders IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND uv IS NOT NULL THEN uv ELSE 0 END,
       (paid_amount IS NOT NULL AND uv IS NOT NULL),
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN refund_amount ELSE 0 END,
       CASE WHEN refund_amount IS NOT NULL AND paid_amount IS NOT NULL THEN paid_amount ELSE 0 END,
       (refund_amount IS NOT NULL AND paid_amount IS NOT NULL),
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries_paid ELSE 0 END,
       CASE WHEN inquiries_paid IS NOT NULL AND inquiries IS NOT NULL THEN inquiries ELSE 0 END,
       (inquiries_paid IS NOT NULL AND inquiries IS NOT NULL),
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_sales ELSE 0 END,
       CASE WHEN ad_sales IS NOT NULL AND ad_spend IS NOT NULL THEN ad_spend ELSE 0 END,
       (ad_sales IS NOT NULL AND ad_spend IS NOT NULL),
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN paid_amount ELSE 0 END,
       CASE WHEN paid_amount IS NOT NULL AND opcost IS NOT NULL THEN opcost ELSE 0 END,
       (paid_amount IS NOT NULL AND opcost IS NOT NULL)
FROM (SELECT *, CASE WHEN ad_spend IS NULL AND shipping_cost IS NULL AND discount_cost IS NULL THEN NULL ELSE COALESCE(ad_spend, 0) + COALESCE(shipping_cost, 0) + COALESCE(discount_cost, 0) END AS opcost FROM (SELECT shop_id, day, json_extract(figures, '$.pv') AS pv,
           json_extract(figures, '$.uv') AS uv,
           json_extract(figures, '$.ordering_buyers') AS ordering_buyers,
           json_extract(figures, '$.order_amount') AS order_amount,
           json_extract(figures, '$.paying_buyers') AS paying_buyers,
           json_extract(figures, '$.paid_amount') AS paid_amount,
           json_extract(figures, '$.paid_orders') AS paid_orders,
           json_extract(figures, '$.refund_amount') AS refund_amount,
           json_extract(figures, '$.refund_orders') AS refund_orders,
           json_extract(figures, '$.inquiries') AS inquiries,
           json_extract(figures, '$.inquiries_paid') AS inquiries_paid,
           json_extract(figures, '$.ad_spend') AS ad_spend,
           json_extract(figures, '$.ad_sales') AS ad_sales,
           json_extract(figures, '$.shipping_cost') AS shipping_cost,
           json_extract(figures, '$.discount_cost') AS discount_cost FROM daily_figures));

-- Complaints logged per UTC day (created_at / 86400000) and kind.
CREATE TABLE complaint_logged_day (
    guild_id  INTEGER NOT NULL,
    day       INTEGER NOT NULL,
    category  TEXT    NOT NULL,
    platform  TEXT    NOT NULL,
    severity  TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, category, platform, severity)
) WITHOUT ROWID;

CREATE TRIGGER complaint_logged_added AFTER INSERT ON complaints BEGIN
    INSERT INTO complaint_logged_day (guild_id, day, category, platform, severity, n)
    VALUES (NEW.guild_id, NEW.created_at / 86400000, NEW.category, NEW.platform, NEW.severity, 1)
    ON CONFLICT (guild_id, day, category, platform, severity) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER complaint_logged_removed AFTER DELETE ON complaints BEGIN
    UPDATE complaint_logged_day SET n = n - 1
    WHERE guild_id = OLD.guild_id AND day = OLD.created_at / 86400000 AND category = OLD.category
      AND platform = OLD.platform AND severity = OLD.severity;
END;

CREATE TRIGGER complaint_logged_changed AFTER UPDATE OF guild_id, created_at, category, platform, severity ON complaints BEGIN
    UPDATE complaint_logged_day SET n = n - 1
    WHERE guild_id = OLD.guild_id AND day = OLD.created_at / 86400000 AND category = OLD.category
      AND platform = OLD.platform AND severity = OLD.severity;
    INSERT INTO complaint_logged_day (guild_id, day, category, platform, severity, n)
    VALUES (NEW.guild_id, NEW.created_at / 86400000, NEW.category, NEW.platform, NEW.severity, 1)
    ON CONFLICT (guild_id, day, category, platform, severity) DO UPDATE SET n = n + 1;
END;

INSERT INTO complaint_logged_day (guild_id, day, category, platform, severity, n)
SELECT guild_id, created_at / 86400000, category, platform, severity, COUNT(*)
FROM complaints GROUP BY 1, 2, 3, 4, 5;

-- Complaints resolved per UTC day (resolved_at / 86400000) and band of time to resolve
-- (took = resolved_at - created_at: per minute under an hour, per 15 minutes under a day, then
-- per hour; the band grows with took, so the k-th shortest time is in the band where the
-- running count passes k), and how many of them within their limit. The index
-- complaints_resolve_band reads one band of one period in time order.
CREATE TABLE complaint_resolved_day (
    guild_id  INTEGER NOT NULL,
    day       INTEGER NOT NULL,
    band      INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    within    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, band)
) WITHOUT ROWID;

CREATE INDEX complaints_resolve_band ON complaints (guild_id,
    (CASE WHEN resolved_at - created_at < 3600000 THEN (resolved_at - created_at) / 60000
          WHEN resolved_at - created_at < 86400000 THEN 56 + (resolved_at - created_at) / 900000
          ELSE 128 + (resolved_at - created_at) / 3600000 END),
    resolved_at, created_at) WHERE resolved_at IS NOT NULL;

CREATE TRIGGER complaint_resolved_added AFTER INSERT ON complaints WHEN NEW.resolved_at IS NOT NULL BEGIN
    INSERT INTO complaint_resolved_day (guild_id, day, band, n, within)
    VALUES (NEW.guild_id, NEW.resolved_at / 86400000,
            CASE WHEN NEW.resolved_at - NEW.created_at < 3600000 THEN (NEW.resolved_at - NEW.created_at) / 60000
                 WHEN NEW.resolved_at - NEW.created_at < 86400000 THEN 56 + (NEW.resolved_at - NEW.created_at) / 900000
                 ELSE 128 + (NEW.resolved_at - NEW.created_at) / 3600000 END,
            1, NEW.resolved_at < NEW.deadline_at)
    ON CONFLICT (guild_id, day, band) DO UPDATE SET n = n + 1, within = within + excluded.within;
END;

CREATE TRIGGER complaint_resolved_removed AFTER DELETE ON complaints WHEN OLD.resolved_at IS NOT NULL BEGIN
    UPDATE complaint_resolved_day SET n = n - 1, within = within - (OLD.resolved_at < OLD.deadline_at)
    WHERE guild_id = OLD.guild_id AND day = OLD.resolved_at / 86400000
      AND band = CASE WHEN OLD.resolved_at - OLD.created_at < 3600000 THEN (OLD.resolved_at - OLD.created_at) / 60000
                      WHEN OLD.resolved_at - OLD.created_at < 86400000 THEN 56 + (OLD.resolved_at - OLD.created_at) / 900000
                      ELSE 128 + (OLD.resolved_at - OLD.created_at) / 3600000 END;
END;

CREATE TRIGGER complaint_resolved_changed AFTER UPDATE OF guild_id, created_at, deadline_at, resolved_at ON complaints BEGIN
    UPDATE complaint_resolved_day SET n = n - 1, within = within - (OLD.resolved_at < OLD.deadline_at)
    WHERE OLD.resolved_at IS NOT NULL AND guild_id = OLD.guild_id AND day = OLD.resolved_at / 86400000
      AND band = CASE WHEN OLD.resolved_at - OLD.created_at < 3600000 THEN (OLD.resolved_at - OLD.created_at) / 60000
                      WHEN OLD.resolved_at - OLD.created_at < 86400000 THEN 56 + (OLD.resolved_at - OLD.created_at) / 900000
                      ELSE 128 + (OLD.resolved_at - OLD.created_at) / 3600000 END;
    INSERT INTO complaint_resolved_day (guild_id, day, band, n, within)
    SELECT NEW.guild_id, NEW.resolved_at / 86400000,
           CASE WHEN NEW.resolved_at - NEW.created_at < 3600000 THEN (NEW.resolved_at - NEW.created_at) / 60000
                WHEN NEW.resolved_at - NEW.created_at < 86400000 THEN 56 + (NEW.resolved_at - NEW.created_at) / 900000
                ELSE 128 + (NEW.resolved_at - NEW.created_at) / 3600000 END,
           1, NEW.resolved_at < NEW.deadline_at
    WHERE NEW.resolved_at IS NOT NULL
    ON CONFLICT (guild_id, day, band) DO UPDATE SET n = n + 1, within = within + excluded.within;
END;

INSERT INTO complaint_resolved_day (guild_id, day, band, n, within)
SELECT guild_id, resolved_at / 86400000,
       CASE WHEN resolved_at - created_at < 3600000 THEN (resolved_at - created_at) / 60000
            WHEN resolved_at - created_at < 86400000 THEN 56 + (resolved_at - created_at) / 900000
            ELSE 128 + (resolved_at - created_at) / 3600000 END,
       COUNT(*), SUM(resolved_at < deadline_at)
FROM complaints WHERE resolved_at IS NOT NULL GROUP BY 1, 2, 3;

-- Money paid on complaints per UTC day (at / 86400000), outcome and currency: how many
-- payments and their sum; the partial days at a period's ends are summed from the covering
-- index complaint_payments_sums.
CREATE INDEX complaint_payments_sums ON complaint_payments (guild_id, at, outcome, currency, amount_cents);

CREATE TABLE complaint_paid_day (
    guild_id  INTEGER NOT NULL,
    day       INTEGER NOT NULL,
    outcome   TEXT    NOT NULL,
    currency  TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    cents     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, outcome, currency)
) WITHOUT ROWID;

CREATE TRIGGER complaint_paid_added AFTER INSERT ON complaint_payments BEGIN
    INSERT INTO complaint_paid_day (guild_id, day, outcome, currency, n, cents)
    VALUES (NEW.guild_id, NEW.at / 86400000, NEW.outcome, NEW.currency, 1, NEW.amount_cents)
    ON CONFLICT (guild_id, day, outcome, currency) DO UPDATE SET n = n + 1, cents = cents + excluded.cents;
END;

CREATE TRIGGER complaint_paid_removed AFTER DELETE ON complaint_payments BEGIN
    UPDATE complaint_paid_day SET n = n - 1, cents = cents - OLD.amount_cents
    WHERE guild_id = OLD.guild_id AND day = OLD.at / 86400000 AND outcome = OLD.outcome AND currency = OLD.currency;
END;

CREATE TRIGGER complaint_paid_changed AFTER UPDATE OF guild_id, at, outcome, currency, amount_cents ON complaint_payments BEGIN
    UPDATE complaint_paid_day SET n = n - 1, cents = cents - OLD.amount_cents
    WHERE guild_id = OLD.guild_id AND day = OLD.at / 86400000 AND outcome = OLD.outcome AND currency = OLD.currency;
    INSERT INTO complaint_paid_day (guild_id, day, outcome, currency, n, cents)
    VALUES (NEW.guild_id, NEW.at / 86400000, NEW.outcome, NEW.currency, 1, NEW.amount_cents)
    ON CONFLICT (guild_id, day, outcome, currency) DO UPDATE SET n = n + 1, cents = cents + excluded.cents;
END;

INSERT INTO complaint_paid_day (guild_id, day, outcome, currency, n, cents)
SELECT guild_id, at / 86400000, outcome, currency, COUNT(*), SUM(amount_cents)
FROM complaint_payments GROUP BY 1, 2, 3, 4;

-- Outbox rows per guild and state, for /status. A message's state row is counted under the
-- message's guild; a message deleted with its state row (ON DELETE CASCADE) is uncounted
-- before it goes, as its state row's own trigger no longer finds the guild.
CREATE TABLE outbox_counts (
    guild_id  INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (guild_id, state)
) WITHOUT ROWID;

CREATE TRIGGER outbox_counted AFTER INSERT ON outbox_state BEGIN
    INSERT INTO outbox_counts (guild_id, state, n)
    SELECT guild_id, NEW.state, 1 FROM outbox_message WHERE id = NEW.id
    ON CONFLICT (guild_id, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_recounted AFTER UPDATE OF state, id ON outbox_state
WHEN OLD.state IS NOT NEW.state OR OLD.id IS NOT NEW.id BEGIN
    UPDATE outbox_counts SET n = n - 1
    WHERE state = OLD.state AND guild_id = (SELECT guild_id FROM outbox_message WHERE id = OLD.id);
    INSERT INTO outbox_counts (guild_id, state, n)
    SELECT guild_id, NEW.state, 1 FROM outbox_message WHERE id = NEW.id
    ON CONFLICT (guild_id, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_uncounted AFTER DELETE ON outbox_state BEGIN
    UPDATE outbox_counts SET n = n - 1
    WHERE state = OLD.state AND guild_id = (SELECT guild_id FROM outbox_message WHERE id = OLD.id);
END;

CREATE TRIGGER outbox_message_uncounted BEFORE DELETE ON outbox_message BEGIN
    UPDATE outbox_counts SET n = n - 1
    WHERE guild_id = OLD.guild_id AND state = (SELECT state FROM outbox_state WHERE id = OLD.id);
END;

CREATE TRIGGER outbox_message_moved AFTER UPDATE OF guild_id ON outbox_message
WHEN OLD.guild_id IS NOT NEW.guild_id BEGIN
    UPDATE outbox_counts SET n = n - 1
    WHERE guild_id = OLD.guild_id AND state = (SELECT state FROM outbox_state WHERE id = NEW.id);
    INSERT INTO outbox_counts (guild_id, state, n)
    SELECT NEW.guild_id, state, 1 FROM outbox_state WHERE id = NEW.id
    ON CONFLICT (guild_id, state) DO UPDATE SET n = n + 1;
END;

INSERT INTO outbox_counts (guild_id, state, n)
SELECT m.guild_id, s.state, COUNT(*) FROM outbox_state s JOIN outbox_message m ON m.id = s.id GROUP BY 1, 2;

-- /outbox list: the newest rows of a state, walked in time order (a common state) or read
-- through the index of the states other than sent (a rare one), see store::outbox::list.
CREATE INDEX outbox_message_guild_due ON outbox_message (guild_id, due_at, id);
DROP INDEX outbox_message_guild;
CREATE INDEX outbox_state_unsent ON outbox_state (state, id) WHERE state <> 'sent';
