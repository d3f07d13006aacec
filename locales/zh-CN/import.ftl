## 导入平台导出文件：命令
cmd-data-import = 导入平台的每日数据导出文件（CSV、xlsx、xls）：先预览，再确认
opt-file = 导出的文件（生意参谋、京东商智、速卖通、亚马逊、Shopify、阿里妈妈）
opt-date-order = 11/22/26 这类日期的读法：mdy（默认，月/日/年）或 dmy（日/月/年）
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
imp-why-negative = 小于零
imp-why-not-a-date = 不是日期（2026-11-22、2026/11/22、20261122 或 11/22/26）
imp-why-no-date = 缺少日期
imp-why-duplicate-day = 这一天出现了两次
imp-why-not-a-rate = 不是比率
imp-why-no-product = 缺少商品 ID
imp-why-duplicate-product = 这个商品在同一天出现了两次
imp-warn-title = 提醒：
imp-warn-dates-mdy = 11/22/26 这类日期按“月/日/年”读取；如果是“日/月/年”，请用 date-order dmy。
imp-warn-dates-dmy = 22/11/26 这类日期按“日/月/年”读取。
imp-warn-rate = 第 { $row } 行，{ $column }：文件中为 { $file }，按数量计算为 { $computed }（比率会重新计算，不导入）
imp-warn-skipped = 跳过第 { $row } 行（{ $value }）
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
imp-err-web-page = 这个文件是网页，不是导出文件（有些网站把 HTML 表格存成 .xls 文件名）。请用 Excel 打开，另存为 .xlsx 或 .csv 后上传。
imp-err-not-a-table = { $name ->
    [none] 这个文件
   *[other] 这个 .{ $name } 文件
}既不是 Excel 工作簿（xls、xlsx），也不是 CSV 文本。请重新下载导出文件，或用 Excel 打开后另存为 .xlsx 或 .csv。
imp-err-file = 无法读取 { $path }：{ $reason }。请检查路径，以及是否有读取这个文件的权限。
imp-err-store = 数据库读写失败，没有导入任何数据。原因见日志（STOREOPS_LOG）。
imp-err-cli-no-shop = 没有名为“{ $shop }”的店铺。请先添加（在 Discord 或 storeops shell 中）：/data shop name:"{ $shop }"
imp-err-cli-guilds = 有多个服务器都有名为“{ $shop }”的店铺；请用 --guild 指定（可选：{ $guilds }）。
imp-err-no-header = 没有找到已知平台的表头。已知平台：{ $choices }。可用 platform: 指定。
imp-err-platform = 未知平台“{ $value }”。已知：{ $choices }
imp-err-not-platform = 这个文件里没有 { $platform } 的表头行。
imp-err-product-export = 这是按商品的导出文件：请用 platform:{ $platform } 导入，或者不填 platform:。
imp-err-no-days = 文件中没有按日期的数据行。
imp-err-expired = 这次导入已过期或已处理，请重新上传文件。
imp-err-problems = 文件中有无法读取的行，请修正后重新上传。

opt-data-import-platform = 文件由哪个平台导出；不填则按列名自动识别
