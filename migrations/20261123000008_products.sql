-- Per-product daily figures from the platforms' item exports (生意参谋 商品_全部): one row per
-- shop, day and product id, money in cents, NULL = not in the file. Kept apart from
-- daily_figures on purpose: a buyer who looks at five products is one shop visitor but five
-- product visitors, so product figures are never added into the shop's day.

CREATE TABLE product_figures (
    shop_id        INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day            TEXT    NOT NULL,
    product_id     TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    uv             INTEGER,
    pv             INTEGER,
    paying_buyers  INTEGER,
    units          INTEGER,
    paid_cents     INTEGER,
    refund_cents   INTEGER,
    entered_by     INTEGER NOT NULL,
    entered_at     INTEGER NOT NULL,
    source         TEXT    NOT NULL DEFAULT 'import',
    PRIMARY KEY (shop_id, day, product_id)
);

-- A pending import now holds either shop days ('shop': JSON of date -> DayFigures, as before)
-- or product days ('products': JSON of date -> product id -> ProductDay).
ALTER TABLE pending_imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'shop';
