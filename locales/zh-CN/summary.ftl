# 早报的版式（其余早报文字在 data.ftl）。
summary-shops = 各店铺
summary-totals = 合计
summary-shop-line = { $shop }：{ $paid } · 环比 { $day } · 周同比 { $week } · 转化率 { $conversion } · 客单价 { $aov } · 投资回报率 { $roi }
summary-mtd-line = { $currency }：{ $done } / 目标 { $target }（{ $share }）· { $days ->
    [one] 最后一天需 { $pace }
   *[other] 剩余 { $days } 天每天需 { $pace }
}
summary-mtd-closed = { $currency }：本月收于 { $done } / 目标 { $target }（{ $share }）
summary-mtd-reached = { $currency }：{ $done } / 目标 { $target }（{ $share }）· 已达成目标
summary-mtd-on-pace = {" "}· 按目前节奏月底预计 { $projected }，为目标 { $target } 的 { $share }
summary-mtd-partial = （{ $m } 家店铺中 { $n } 家设了目标；未设目标：{ $shops }）
summary-mtd-no-target = { $currency }：{ $done }（未设目标：/数据 目标）
summary-alert-task-overdue = 任务 #{ $id } { $title } 已逾期，截止于 { $when } · { $who }
summary-activities-line = 今日活动：{ $list }
summary-complaints-line = 投诉：昨日登记 { $logged }，结案 { $resolved }，未处理 { $open }
summary-chart-title = 近 30 天每日支付金额（{ $currency }）
summary-chart-conversion = 转化率 %
summary-chart-pace = 目标日均进度
summary-chart-pace-partial = 目标日均进度（{ $m } 家中 { $n } 家）
summary-chart-others = 其他 { $count } 家店铺
summary-chart-no-data = 暂无数据
summary-chart-legend = 图表：{ $keys }
