## 导入平台导出文件：命令
cmd-data-import = 导入平台的每日数据导出文件（CSV、xlsx、xls）：先预览，再确认
opt-file = 导出的文件（生意参谋、京东商智、速卖通、亚马逊、Shopify、阿里妈妈）
opt-date-order = 05/10/22 这类日期的读法：不填则根据文件判断，或选 月/日/年、日/月/年
choice-mdy = 月/日/年
choice-dmy = 日/月/年

## 预览
imp-title = 导入预览：{ $shop } ← { $platform }
imp-recognised = 根据表头识别的平台：{ $platform }
imp-given = 平台：{ $platform }
imp-format = 文件：{ $format }，表头在第 { $row } 行
imp-range = 日期：{ $from } – { $to }（共 { $count } 天）
imp-products = 商品：{ $products } 个 × { $days } 天（{ $rows } 行），按商品分别保存，不计入店铺的访客数和销售额
imp-columns = 列（表头 → 指标）：
imp-col-date = 日期
imp-col-product-id = 商品 ID
imp-col-product-name = 商品名称
imp-col-ad-part = 推广花费（求和）
imp-col-check = 与 { $field } 核对，不导入
imp-col-ignored = 不导入
imp-problems-title = 无法读取的行（{ $count } 处）；修正文件之前不会写入任何数据：
imp-problem = 第 { $row } 行，{ $column } 列：“{ $value }”：{ $why }
imp-why-not-a-count = 不是整数
imp-why-not-an-amount = 不是金额
imp-why-too-precise = 小数超过两位
imp-why-out-of-range = 超出数值允许的范围（数量最多 1,000,000,000,000，金额最多 10,000,000,000,000）
imp-why-date-range = 日期不在 2000–2100 年之间
imp-why-negative = 小于零
imp-why-not-a-date = 不是日期（2026-11-22、2026/11/22、20261122 或 11/22/26）
imp-why-no-date = 缺少日期
imp-why-duplicate-day = 这一天出现了两次
imp-why-not-a-rate = 不是比率
imp-why-no-product = 缺少商品 ID
imp-why-duplicate-product = 这个商品在同一天出现了两次
imp-warn-title = 提醒：
imp-warn-dates-mdy = 11/22/26 这类日期按“月/日/年”读取；如果是“日/月/年”，请选 日期顺序:日/月/年。
imp-warn-dates-dmy = 22/11/26 这类日期按“日/月/年”读取。
imp-warn-rate = 第 { $row } 行，{ $column }：文件中为 { $file }，按数量计算为 { $computed }（比率会重新计算，不导入）
imp-warn-unknown = 未导入的列：{ $columns }
imp-warn-day-zone = 该平台按 { $zone } 时间计日：数据按平台自己的日期保存；那边的一天要等 { $zone } 当地这一天结束后才完整。
imp-days-title = 日期：
imp-table-date = 日期
imp-table-status = 状态
imp-table-products = 商品数
imp-table-new = 新增
imp-table-changed = 修改
imp-table-unchanged = 无变化
imp-status-new = 新增
imp-status-changes = 将修改：{ $fields }
imp-status-unchanged = 无变化
imp-more = …… 另有 { $count } 条
imp-summary = 新增 { $new } 天，修改 { $changed } 天，无变化 { $unchanged } 天
imp-products-summary = 商品行：新增 { $new } 行，修改 { $changed } 行，无变化 { $unchanged } 行
imp-confirm = 确认导入
imp-cancel = 取消
imp-expires = 请在一小时内确认；文件中没有的指标保持不变。
imp-dry-run = 试运行：没有写入任何数据。
imp-progress-open = 正在打开文件
imp-progress-rows = 正在读取数据行
imp-progress-compare = 正在与已保存的数据比较
imp-progress-write = 正在写入

## 结果
imp-done = 已向 { $shop } 导入 { $count } 天的数据：{ $changed } 天有变化。
imp-done-products = 已向 { $shop } 导入 { $rows } 行商品数据（{ $products } 个商品 × { $days } 天）：{ $changed } 行有变化。
imp-cancelled = 已取消导入，没有写入任何数据。
imp-nothing-to-do = 文件中的每一天都已按相同数据保存，无需导入。

## 拒绝
imp-err-not-allowed = 只有运营、营销和经理可以导入数据。
imp-err-too-large = 文件大小为 { $size } 字节，上限为 10 MB。
imp-err-download = 无法下载文件：{ $reason }
imp-err-unreadable = 无法读取文件（{ $reason }）。请重新下载导出文件，或用 Excel 打开后另存为 .xlsx 或 .csv。
imp-err-xlsx-unpacked = 这个工作簿解压后有 { $mb } MB，超出导出文件可能的大小（最多 200 MB）：文件已损坏，或是为耗尽机器人的内存而构造的。请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。
imp-err-xlsx-strings = 这个工作簿声称有 { $count } 条不同的文本，超出导出文件可能的数量（最多 2,000,000 条，且不能超过文件大小所能容纳的）。请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。
imp-err-xlsx-text = 这个工作簿的单元格会有 { $mb } MB 文本，超出导出文件可能的大小（最多 100 MB）。请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。
imp-err-xlsx-records = 这个工作簿的单元格格式、工作表名称或链接会占用 { $mb } MB，超出导出文件可能的大小（最多 128 MB）。请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。
imp-err-xlsx-cells = 这个工作簿的第一个工作表跨越 { $count } 个单元格，超出导出文件可能的数量（最多 2,000,000 个）。请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。
imp-err-no-sheet = 这个工作簿里没有工作表。请重新下载导出文件，或另存为 .xlsx 或 .csv。
imp-err-empty = 文件是空的。请重新下载导出文件后再上传。
imp-err-encrypted = 这个工作簿设置了打开密码。请用 Excel 打开，去掉密码（文件 → 信息 → 保护工作簿），保存后重新上传。
imp-err-web-page = 这个文件是网页，不是导出文件（有些网站把网页表格存成 .xls 文件名）。请用 Excel 打开，另存为 .xlsx 或 .csv 后上传。
imp-err-not-a-table = { $name ->
    [none] 这个文件
   *[other] 这个 .{ $name } 文件
}既不是 Excel 工作簿（xls、xlsx），也不是 CSV 文本。请重新下载导出文件，或用 Excel 打开后另存为 .xlsx 或 .csv。
imp-err-file = 无法读取 { $path }：{ $reason }。请检查路径，以及是否有读取这个文件的权限。
imp-err-store = 数据库读写失败，没有导入任何数据。原因见日志（STOREOPS_LOG）。
imp-err-cli-no-shop = 没有名为“{ $shop }”的店铺。请先添加（在 Discord 或 storeops shell 中）：/数据 店铺 名称:"{ $shop }"
imp-err-cli-guilds = 有多个服务器都有名为“{ $shop }”的店铺；请用 --guild 指定（可选：{ $guilds }）。
imp-err-no-header = 没有找到已知平台的表头。已知平台：{ $choices }。可用 平台: 指定。
imp-err-platform = 未知平台“{ $value }”。已知：{ $choices }
imp-err-not-platform = 这个文件里没有 { $platform } 的表头行。
imp-err-product-export = 这是按商品的导出文件：请用 平台:{ $platform } 导入，或者不填 平台:。
imp-err-no-days = 文件中没有按日期的数据行。
imp-err-expired = 这次导入已过期或已处理，请重新上传文件。
imp-err-problems = 文件中有无法读取的行，请修正后重新上传。

opt-data-import-platform = 文件由哪个平台导出；不填则按列名自动识别

## 真实导出文件：工作表、非数据行、币种、日期顺序
imp-format-book = 文件：{ $format }，共 { $sheets } 个工作表；读取：
imp-sheet = 工作表“{ $sheet }”，表头在第 { $row } 行
imp-currency = 金额币种：{ $currency }
imp-dates-dmy = 日期为“日/月/年”（第 { $row } 行：{ $value }）
imp-dates-mdy = 日期为“月/日/年”（第 { $row } 行：{ $value }）
imp-skipped = 已跳过的非数据行：{ $parts }
imp-skipped-headers = 重复的表头行 { $count } 行（第 { $rows } 行）
imp-skipped-notes = 说明行 { $count } 行（第 { $rows } 行）
imp-skipped-totals = 合计行 { $count } 行（第 { $rows } 行）
imp-skipped-comparison = 只有上一期日期的对比行 { $count } 行（第 { $rows } 行）
imp-skipped-blank = 空行 { $count } 行
imp-list-sep = {"；"}
imp-col-comparison = 上一期（对比），不导入
imp-problem-sheet = 工作表“{ $sheet }”第 { $row } 行，{ $column } 列：“{ $value }”：{ $why }
imp-why-day-first = 这是“日/月/年”格式的日期（第一个数大于 12）：请不填 日期顺序，或选 日/月/年
imp-why-month-first = 这是“月/日/年”格式的日期（第二个数大于 12）：请不填 日期顺序，或选 月/日/年
imp-more-all = …… 另有 { $count } 条（加 --all 显示每一天）
imp-warn-dates-assumed-mdy = 文件里看不出 05/10/22 这类日期是“月/日/年”还是“日/月/年”；已按“月/日/年”读取。如果是“日/月/年”，请选 日期顺序:日/月/年 重新导入。
imp-warn-dates-assumed-dmy = 文件里看不出 05/10/22 这类日期是“日/月/年”还是“月/日/年”；已按“日/月/年”读取。如果是“月/日/年”，请选 日期顺序:月/日/年 重新导入。
imp-warn-dates-assumed-dmy-currency = 文件里看不出 05/10/22 这类日期是“日/月/年”还是“月/日/年”；金额是 { $currency }，美国以外的站点都把日写在前面，所以已按“日/月/年”读取。如果是“月/日/年”，请选 日期顺序:月/日/年 重新导入。
imp-warn-reversal = 第 { $row } 行，{ $column }：{ $value } 大于零，是冲回（撤销的退货），不是退款；这一天记为 0。
imp-warn-other-sheet = 工作表“{ $sheet }”是 { $platform } 的导出，不随本文件导入。要导入它，请重新上传文件并选 平台:{ $platform }。
imp-warn-sheet-not-read = 工作表“{ $sheet }”无法读取（文件损坏，或比导出文件大得多），已略过。
imp-err-currency = 文件中的金额是 { $file }，而 { $shop } 的数据以 { $currency } 记账；没有导入任何数据。请导入到以 { $file } 销售的店铺，或下载 { $currency } 的报表。
imp-err-mixed-currencies = 文件中的金额有两种币种：{ $first } 和 { $second }；没有导入任何数据。请每个站点（每种币种）分别下载报表，分别导入对应的店铺。
imp-err-mixed-dates = 文件中的日期有两种写法：第 { $day_first_row } 行（{ $day_first }）日在前，第 { $month_first_row } 行（{ $month_first }）月在前；没有导入任何数据。请重新下载报表，或把日期改成同一种写法。
imp-err-grouped = 这个文件的日期重复出现，每个“{ $column }”一次（第 { $first } 行和第 { $second } 行）：这是按 { $column } 拆分的报表，不是店铺的每日合计。请下载只按日期的报表（去掉“{ $column }”分组）再导入。
imp-err-not-daily = 这是 { $platform } 的“{ $report }”报表，不是每日数据导出：没有日期列。请下载该平台的每日报表再导入。
imp-hint-amazon-by-asin = 这是亚马逊的“{ $report }”报表：每个商品一行，没有日期。请在卖家中心打开 报告 → 业务报告 → 按日期查看销售量与访问量，下载 CSV 后导入。
imp-hint-sycm-selection = 这是生意参谋的“{ $report }”：某一时段的商品清单，没有日期列。店铺每日数据请下载 生意参谋 → 取数 → 店铺整体（按日）；每个商品的每日数据请下载 品类 → 商品排行 → 下载（商品_全部）。
imp-err-not-a-file = { $path } 不是文件（{ $kind ->
    [directory] 是文件夹
    [fifo] 是管道
    [device] 是设备
    [socket] 是套接字
   *[other] 不是普通文件
}）：请给出导出文件本身的路径，例如 storeops import ~/Downloads/export.csv --shop "天猫旗舰店"。
imp-col-part = 计入{ $field }（计算得出）
imp-warn-not-computed = 未导入{ $field }：它由 { $columns } 计算得出，文件里没有全部这些列。请在报表中加上这些列后重新下载。
imp-clash-title = 已由其他来源填写的数据（手动录入优先；广告花费和广告成交以广告平台自己的报表为准，优先于店铺概况）：
imp-clash-kept = { $date } { $field }：保留 { $stored }（{ $source }）；文件中的 { $imported } 不导入。
imp-clash-replaces = { $date } { $field }：文件中的 { $imported } 将替换 { $stored }（{ $source }）。

# 内置映射的报表名称（按平台键；config/importers/ 中新增的映射用它自己的 name）。
imp-report-tmall = 生意参谋 店铺整体（按日）
imp-report-tmall-items = 生意参谋 商品_全部（按商品）
imp-report-jd = 京东商智 店铺（按日）
imp-report-aliexpress = 速卖通 店铺（按日）
imp-report-amazon = 亚马逊 业务报告（按日期）
imp-report-shopify-sales = Shopify 每日销售
imp-report-shopify-sessions = Shopify 每日访问
imp-report-alimama = 阿里妈妈/万相台 推广报表
