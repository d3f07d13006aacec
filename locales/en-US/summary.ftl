# The morning summary's layout (the older summary keys are in data.ftl).
summary-shops = Shops
summary-totals = Totals
summary-shop-line = { $shop }: { $paid } · day { $day } · week { $week } · conv. { $conversion } · AOV { $aov } · ROI { $roi }
summary-mtd-line = { $currency }: { $done } of { $target } ({ $share }) · { $pace } a day needed for { $days ->
    [one] the last day
   *[other] the { $days } days left
}
summary-mtd-closed = { $currency }: the month closed at { $done } of { $target } ({ $share })
summary-mtd-reached = { $currency }: { $done } of { $target } ({ $share }) · target reached
summary-mtd-on-pace = {" "}· on pace for { $projected } of { $target } ({ $share })
summary-mtd-partial = {" "}(over { $n } of { $m } shops; no target: { $shops })
summary-mtd-no-target = { $currency }: { $done } (no target: /data target)
summary-alert-task-overdue = Task #{ $id } { $title } was due { $when } · { $who }
summary-activities-line = Today's activities: { $list }
summary-complaints-line = Complaints: logged yesterday { $logged }, resolved { $resolved }, open { $open }
summary-chart-title = Amount paid per day, last 30 days ({ $currency })
summary-chart-conversion = conversion %
summary-chart-pace = daily target pace
summary-chart-pace-partial = daily target pace ({ $n } of { $m } shops)
summary-chart-others = { $count } other shops
summary-chart-no-data = no figures yet
summary-chart-legend = Chart: { $keys }
