## 固定活动：命令
cmd-activity = 固定活动：部门周会、促销日、补货表、团队活动
cmd-activity-add = 添加活动，在每次开始前提醒某个岗位（经理）
cmd-activity-list = 所有活动及其时间安排和下次开始时间
cmd-activity-edit = 修改活动的名称、时间、提醒对象、频道、提前量或内容（经理）
cmd-activity-remove = 删除活动并取消其提醒（经理）
cmd-activity-pause = 暂停活动的提醒，直到恢复（经理）
cmd-activity-resume = 恢复已暂停活动的提醒（经理）
cmd-activity-skip = 跳过活动的下一次，或指定日期的那一次（经理）
cmd-activity-calendar = 未来几天的所有活动，含节假日和跳过的日期
cmd-holiday = 节假日和大促日：部分活动在这些日子跳过或附加说明
cmd-holiday-add = 添加节假日或大促，一天或一段日期（经理）
cmd-holiday-list = 从今天起的节假日和大促日
cmd-holiday-remove = 删除节假日（经理）
opt-ping = 提醒哪个岗位（会@该岗位的服务器身份组）
opt-ping-role = 或者改为@某个服务器身份组
opt-channel = 提醒发到哪个频道（默认：当前频道，或早报频道）
opt-lead = 提前多久提醒，用逗号分隔，例如 18h, 30m, 0（0 = 开始时）
opt-message = 提醒内容
opt-checklist = 待勾选事项，用 | 或 ; 分隔，例如 页面已准备 | 价格已设置
opt-holidays = 节假日时：照常提醒、跳过，或提醒并附说明
opt-day = 日期，例如 2026-12-03、12/3、周四、明天（默认：下一次）
choice-fire = 照常提醒
choice-skip = 跳过
choice-note = 提醒并附说明

## 固定活动：错误
activity-err-lead = 无法识别提前量“{ $value }”。请写一个或多个开始前的时长，用逗号分隔：1d、18h、30m，或 0 表示开始时。
activity-err-lead-far = 提前量“{ $value }”太长：最多提前 { $max } 天。
activity-err-lead-many = 提醒太多：每个活动最多 { $max } 个提前量。
activity-err-checklist-many = 清单太长：最多 { $max } 项。
activity-err-checklist-long = 清单中有一项太长：每项最多 { $max } 个字符。
activity-err-ping = 请指定提醒谁：ping:customer-service（岗位）或 ping-role:@身份组，二选一。
activity-err-not-found = 没有活动 #{ $id }。用 /activity list 查看所有活动。
activity-err-edit-nothing = 请说明要修改什么：name、schedule、ping、ping-role、channel、lead、message、checklist 或 holidays。
activity-err-already-paused = 活动 #{ $id } 已经暂停。用 /activity resume id:{ $id } 恢复。
activity-err-not-paused = 活动 #{ $id } 没有暂停。
activity-err-skip-past = { $date } 已经过去了。请给出今天或以后的日期。
activity-err-skip-none = 活动 #{ $id } 在 { $date } 没有安排（或已经开始）。用 /activity calendar 查看安排。
activity-err-skip-never = 活动 #{ $id } 之后没有安排，无需跳过。
activity-err-skip-already = 活动 #{ $id } 在 { $date } 已经跳过。
holiday-err-order = 结束日期早于开始日期。
holiday-err-long = 一个节假日最长 { $max } 天。更长的季节请分段添加。
holiday-err-not-found = 没有节假日 #{ $id }。用 /holiday list 查看。

## 固定活动：文本
activity-added = 已保存活动 #{ $id }：{ $name }
activity-edited = 已修改活动 #{ $id }：{ $name }
activity-removed = 已删除活动 #{ $id }：{ $name }
activity-removed-cancelled = { $count ->
    [0] 没有待发送的提醒。
   *[other] 已取消 { $count } 条待发送的提醒。
}
activity-paused = 已暂停活动 #{ $id }：{ $name }
activity-paused-hint = 在 /activity resume id:{ $id } 之前不会提醒。
activity-resumed = 已恢复活动 #{ $id }：{ $name }
activity-next = 下次开始：{ $next }
activity-skipped = 活动 #{ $id }（{ $name }）在 { $date } 不进行。
activity-field-schedule = 时间安排
activity-field-next = 下次开始
activity-field-ping = 提醒对象
activity-field-channel = 频道
activity-field-leads = 提醒时间
activity-field-holidays = 节假日
activity-field-message = 内容
activity-field-checklist = 清单
activity-field-acks = 已收到
activity-holidays-fire = 照常提醒
activity-holidays-skip = 跳过
activity-holidays-note = 提醒并附说明
activity-lead-start = 开始时
activity-lead-before = 提前 { $span }
activity-no-role = { $position }（尚未设置身份组）
activity-position-unmapped = 岗位“{ $position }”还没有对应的服务器身份组，提醒不会@任何人。经理可以设置：/setup position:… role:@…
activity-channel-summary = { $channel }（早报频道）
activity-channel-fallback = { $channel }（默认频道）
activity-channel-unset = 早报频道（尚未设置：/setup summary-channel:#…）
activity-next-paused = —（已暂停）
activity-next-silent = —（没有频道：请设置 /setup summary-channel:#…）
activity-next-none = —（之后不再有）
activity-list-title = 活动（{ $count }）— 第 { $page }/{ $pages } 页
activity-list-empty = 还没有活动。添加：/activity add name:"…" schedule:"每周四 09:00" ping:marketing
activity-list-line = → { $ping }，在 { $channel } · { $leads } · 节假日：{ $holidays } · 下次：{ $next }
activity-calendar-title = 未来 { $days } 天的活动
activity-calendar-empty = 没有安排。
activity-calendar-holidays = 节假日：{ $holidays }
activity-calendar-note = { $entry } — 说明：{ $holiday }
activity-calendar-holiday = { $entry } — 跳过：{ $holiday }
activity-calendar-skipped = { $entry } — 已跳过
activity-calendar-paused = 已暂停：{ $ids }
activity-more = ……还有 { $count } 条
activity-schedule-preview = 下次：{ $next }
activity-reminder-title = 📅 { $name }
activity-reminder-when = 开始时间 { $when }（{ $relative }）
activity-reminder-holiday = 注意：这天是{ $holiday }。请确认是否照常进行。
activity-reminder-follow-up = 还没有人点“收到”。
activity-reminder-footer = 活动 #{ $id } · { $schedule }
activity-acks-none = 还没有人
activity-btn-ack = 收到
holiday-added = 已保存节假日 #{ $id }：{ $name }，{ $dates }
holiday-removed = 已删除节假日 #{ $id }：{ $name }，{ $dates }
holiday-effect-skip = #{ $id } { $name }：跳过（{ $count } 次）
holiday-effect-note = #{ $id } { $name }：提醒并附说明（{ $count } 次）
holiday-effect-none = 这些日子没有设置为跳过或附说明的活动。
holiday-list-title = 节假日和大促日（{ $count }）
holiday-list-empty = 今天起没有节假日。添加：/holiday add name:双12 from:2026-12-12
holiday-list-footer = 设置为“跳过”的活动在这些日子不提醒；设置为“附说明”的活动照常提醒并注明。

# 会结束的活动（until:）
opt-activity-add-until = 最后提醒的日期，例如 2026-12-31
opt-activity-edit-until = 最后提醒的日期，例如 2026-12-31；填 - 表示不再结束
activity-until = { $until } 之后结束（当天或之前的最后一次为最后一次）
activity-field-until = 最后一天
activity-err-until-past = 截至:{ $until } 已经过去（今天是 { $today }）。请输入今天或之后的日期，例如 截至:2026-12-31，或 截至:- 表示不结束。
