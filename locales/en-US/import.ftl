## Importing the platforms' exports: command
cmd-data-import = Import a platform's daily export (CSV, xlsx, xls): preview, then confirm
opt-file = The exported file (生意参谋, 京东商智, AliExpress, Amazon, Shopify, 阿里妈妈)
opt-date-order = How to read dates like 05/10/22: leave it out to decide from the file, or mdy / dmy
choice-mdy = month/day/year
choice-dmy = day/month/year

## Preview
imp-title = Import preview: { $shop } ← { $platform }
imp-recognised = Platform recognised from the headers: { $platform }
imp-given = Platform: { $platform }
imp-format = File: { $format }, header on row { $row }
imp-range = Days: { $from } – { $to } ({ $count } days)
imp-products = Products: { $products } × { $days } days ({ $rows } rows), kept per product: they are not added to the shop's visitors or sales
imp-columns = Columns (header → figure):
imp-col-date = date
imp-col-product-id = product id
imp-col-product-name = product name
imp-col-ad-part = ad-spend (summed)
imp-col-check = checked against { $field }, not imported
imp-col-ignored = not imported
imp-problems-title = Rows that could not be read ({ $count }); nothing is written until the file is fixed:
imp-problem = Row { $row }, column { $column }: "{ $value }": { $why }
imp-why-not-a-count = not a whole number
imp-why-not-an-amount = not an amount
imp-why-too-precise = more than two decimals
imp-why-out-of-range = beyond the range a figure can have (counts up to 1,000,000,000,000, amounts up to 10,000,000,000,000)
imp-why-date-range = a date outside 2000–2100
imp-why-negative = below zero
imp-why-not-a-date = not a date (2026-11-22, 2026/11/22, 20261122 or 11/22/26)
imp-why-no-date = no date
imp-why-duplicate-day = this day appears twice
imp-why-not-a-rate = not a rate
imp-why-no-product = no product id
imp-why-duplicate-product = this product appears twice on this day
imp-warn-title = Warnings:
imp-warn-dates-mdy = Dates like 11/22/26 were read as month/day/year; use date-order dmy if they are day/month/year.
imp-warn-dates-dmy = Dates like 22/11/26 were read as day/month/year.
imp-warn-rate = Row { $row }, { $column }: the file says { $file }, the counts give { $computed } (rates are recomputed, not imported)
imp-warn-unknown = Columns not imported: { $columns }
imp-warn-day-zone = This platform counts its days in { $zone } time: the figures are kept under its own dates, and a day there is complete only once it has ended in { $zone }.
imp-days-title = Days:
imp-table-date = Date
imp-table-status = Status
imp-table-products = Products
imp-table-new = New
imp-table-changed = Changed
imp-table-unchanged = Unchanged
imp-status-new = new
imp-status-changes = would change: { $fields }
imp-status-unchanged = unchanged
imp-more = … and { $count } more
imp-summary = { $new } new, { $changed } would change, { $unchanged } unchanged
imp-products-summary = Product rows: { $new } new, { $changed } would change, { $unchanged } unchanged
imp-confirm = Confirm import
imp-cancel = Cancel
imp-expires = Confirm within an hour; figures the file does not have are kept.
imp-dry-run = Dry run: nothing was written.
imp-progress-open = Opening the file
imp-progress-rows = Reading rows
imp-progress-compare = Comparing with what is stored
imp-progress-write = Writing

## Outcome
imp-done = Imported { $count } days into { $shop }: { $changed } changed.
imp-done-products = Imported { $rows } product rows ({ $products } products × { $days } days) into { $shop }: { $changed } changed.
imp-cancelled = Import cancelled; nothing was written.
imp-nothing-to-do = Every day is already stored as in the file; nothing to import.

## Refusals
imp-err-not-allowed = Only operations, marketing and managers may import data.
imp-err-too-large = The file is { $size } bytes; the limit is 10 MB.
imp-err-download = The file could not be downloaded: { $reason }
imp-err-unreadable = The file could not be read ({ $reason }). Download the export again, or open it in Excel and save it as .xlsx or .csv.
imp-err-xlsx-unpacked = This workbook unpacks to { $mb } MB, more than an export can (at most 200 MB): it is damaged, or made to exhaust the bot's memory. Export it again from the platform, or open it in Excel, save it as .csv and upload that.
imp-err-xlsx-strings = This workbook says it holds { $count } different texts, more than an export can (at most 2,000,000, and no more than its size can hold). Export it again from the platform, or open it in Excel, save it as .csv and upload that.
imp-err-xlsx-text = This workbook's cells would hold { $mb } MB of text, more than an export can (at most 100 MB). Export it again from the platform, or open it in Excel, save it as .csv and upload that.
imp-err-xlsx-records = This workbook's cell formats, sheet names or links would take { $mb } MB, more than an export's can (at most 128 MB). Export it again from the platform, or open it in Excel, save it as .csv and upload that.
imp-err-xlsx-cells = This workbook's first sheet spans { $count } cells, more than an export can (at most 2,000,000). Export it again from the platform, or open it in Excel, save it as .csv and upload that.
imp-err-no-sheet = The workbook has no sheet. Download the export again, or save it as .xlsx or .csv.
imp-err-empty = The file is empty. Download the export again and upload the new file.
imp-err-encrypted = The workbook is password-protected. Open it in Excel, remove the password (File → Info → Protect Workbook), save it and upload it again.
imp-err-web-page = This file is a web page, not an export (some sites save an HTML table under an .xls name). Open it in Excel, save it as .xlsx or .csv and upload that.
imp-err-not-a-table = { $name ->
    [none] This file is
   *[other] This .{ $name } file is
} neither an Excel workbook (xls, xlsx) nor CSV text. Download the export again, or open it in Excel and save it as .xlsx or .csv.
imp-err-file = Cannot read { $path }: { $reason }. Check the path, and that you may read the file.
imp-err-store = The database could not be read or written; nothing was imported. The log (STOREOPS_LOG) says why.
imp-err-cli-no-shop = There is no shop named "{ $shop }". Add it first (in Discord or storeops shell): /data shop name:"{ $shop }"
imp-err-cli-guilds = Several servers have a shop named "{ $shop }"; say which with --guild (one of { $guilds }).
imp-err-no-header = No known export header found. Known platforms: { $choices }. Name one with platform:.
imp-err-platform = Unknown platform "{ $value }". Known: { $choices }
imp-err-not-platform = This file has no { $platform } header row.
imp-err-product-export = This is a per-product export: import it with platform:{ $platform }, or leave platform: out.
imp-err-no-days = The file has no day rows.
imp-err-expired = This import has expired or was already handled; upload the file again.
imp-err-problems = The file has rows that could not be read; fix them and upload again.

opt-data-import-platform = Which platform exported the file; leave it out to recognise it from the column names

## Real exports: sheets, rows that are not data, currencies, date orders
imp-format-book = File: { $format }, { $sheets } sheets; read:
imp-sheet = sheet “{ $sheet }”, header on row { $row }
imp-currency = Amounts in { $currency }
imp-dates-dmy = Dates are day/month/year (row { $row }: { $value })
imp-dates-mdy = Dates are month/day/year (row { $row }: { $value })
imp-skipped = Not data, skipped: { $parts }
imp-skipped-headers = the header line again: { $count } ({ $count ->
    [one] row
   *[other] rows
} { $rows })
imp-skipped-notes = description lines: { $count } ({ $count ->
    [one] row
   *[other] rows
} { $rows })
imp-skipped-totals = total lines: { $count } ({ $count ->
    [one] row
   *[other] rows
} { $rows })
imp-skipped-comparison = lines with only the previous period's day: { $count } ({ $count ->
    [one] row
   *[other] rows
} { $rows })
imp-skipped-blank = blank lines: { $count }
imp-list-sep = {"; "}
imp-col-comparison = previous period (comparison), not imported
imp-problem-sheet = Sheet “{ $sheet }”, row { $row }, column { $column }: "{ $value }": { $why }
imp-why-day-first = a day/month/year date (its first number is above 12): leave date-order out, or choose dmy
imp-why-month-first = a month/day/year date (its second number is above 12): leave date-order out, or choose mdy
imp-more-all = … and { $count } more (--all prints every day)
imp-warn-dates-assumed-mdy = Nothing in the file tells whether dates like 05/10/22 are month/day/year or day/month/year; they were read as month/day/year. If they are day/month/year, import again with date-order dmy.
imp-warn-dates-assumed-dmy = Nothing in the file tells whether dates like 05/10/22 are day/month/year or month/day/year; they were read as day/month/year. If they are month/day/year, import again with date-order mdy.
imp-warn-dates-assumed-dmy-currency = Nothing in the file tells whether dates like 05/10/22 are day/month/year or month/day/year; they were read as day/month/year, as marketplaces outside the US write them (the amounts are in { $currency }). If they are month/day/year, import again with date-order mdy.
imp-warn-reversal = Row { $row }, { $column }: { $value } is above zero: a reversal (a return undone), not a refund; this day's figure is 0.
imp-warn-other-sheet = Sheet “{ $sheet }” is another platform's export ({ $platform }); it is not imported with this one. To import it, upload the file again with platform:{ $platform }.
imp-warn-sheet-not-read = Sheet “{ $sheet }” could not be read (damaged, or larger than an export) and was left out.
imp-err-currency = The file's amounts are in { $file }, but { $shop } keeps its figures in { $currency }; nothing was imported. Import it into the shop that sells in { $file }, or download the report in { $currency }.
imp-err-mixed-currencies = The file has amounts in two currencies, { $first } and { $second }; nothing was imported. Download one report per marketplace (one currency) and import each into its shop.
imp-err-mixed-dates = The file's dates are written in two orders: row { $day_first_row } ({ $day_first }) has the day first, row { $month_first_row } ({ $month_first }) has the month first; nothing was imported. Download the report again, or correct the dates so they agree.
imp-err-grouped = The days of this file repeat, once per “{ $column }” (rows { $first } and { $second }): it is a report split by { $column }, not the shop's daily totals. Download the report by day only (without the “{ $column }” grouping) and import that.
imp-err-not-daily = This is { $platform }'s “{ $report }” report, not a daily export: it has no day column. Download the platform's daily report and import that.
imp-hint-amazon-by-asin = This is Amazon's “{ $report }” report: one row per product, no days. In Seller Central open Reports → Business Reports → Sales and Traffic by Date (“By Date”), download it as CSV and import that.
imp-hint-sycm-selection = This is 生意参谋 “{ $report }”: a list of products for one period, no day column. For the shop's days download 生意参谋 → 取数 → 店铺整体 (by day); for each product's days, 品类 → 商品排行 → 下载 (商品_全部).
imp-err-not-a-file = { $path } is not a file ({ $kind ->
    [directory] a folder
    [fifo] a pipe
    [device] a device
    [socket] a socket
   *[other] not a regular file
}): give the path of the export file itself, e.g. storeops import ~/Downloads/export.csv --shop "Tmall flagship".
imp-col-part = part of { $field } (computed)
imp-warn-not-computed = { $field } is not imported: it is computed from { $columns }, and the file does not have them all. Add those columns to the report and download it again.
imp-clash-title = Figures another source set (typed by hand wins; an ad platform's own report wins over the shop overview for ad spend and ad sales):
imp-clash-kept = { $date } { $field }: { $stored } stays ({ $source }); the file's { $imported } is not imported.
imp-clash-replaces = { $date } { $field }: the file's { $imported } replaces { $stored } ({ $source }).

# The shipped mappings' reports, by platform key (a mapping added in config/importers/ is
# named by its own `name`).
imp-report-tmall = Tmall/Taobao 生意参谋 (shop daily)
imp-report-tmall-items = Tmall/Taobao 生意参谋 商品_全部 (per product)
imp-report-jd = JD 京东商智 (shop daily)
imp-report-aliexpress = AliExpress (shop daily)
imp-report-amazon = Amazon Business Report (by date)
imp-report-shopify-sales = Shopify sales by day
imp-report-shopify-sessions = Shopify sessions by day
imp-report-alimama = 阿里妈妈/万相台 ad report
