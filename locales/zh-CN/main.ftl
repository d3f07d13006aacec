## Errors
err-unknown-command = 没有 { $command } 这个命令。输入 /帮助 查看全部命令和示例。
err-missing-subcommand = { $command } 后面需要接以下之一：{ $choices }。例如：{ $example }
err-unknown-option = { $command } 没有“{ $option }”这个选项。可用选项：{ $choices }
err-missing-option = 缺少必填选项“{ $option }”。示例：{ $example }
err-bad-choice = “{ $value }”不是 { $option } 的有效值。可选：{ $choices }
err-type-text = 选项“{ $option }”需要文字，例如 { $option }:"一些文字"。
err-type-integer = 选项“{ $option }”需要整数，例如 { $option }:42。
err-bad-id = 选项“{ $option }”需要一个编号，“{ $value }”不是：请输入编号（例如 { $option }:42），或在输入时从提示列表中选择。
err-type-number = 选项“{ $option }”需要数字，例如 { $option }:12.5。
err-type-boolean = 选项“{ $option }”需要是或否，例如 { $option }:是。
err-type-user = 选项“{ $option }”需要一位成员，例如 { $option }:@alice。
err-type-role = 选项“{ $option }”需要一个身份组，例如 { $option }:@客服。
err-type-channel = 选项“{ $option }”需要一个频道，例如 { $option }:#运营。
err-type-attachment = 选项“{ $option }”需要上传一个文件。
err-manager-only = 只有经理可以执行此操作。请联系运营经理或服务器管理员。
err-storage = 保存时出错，没有任何改动。请稍后再试。
err-unknown-button = 这个按钮已失效。请用 /帮助 找到对应命令。
err-bad-timezone = “{ $value }”不是有效的时区。请使用标准时区名称，例如 Asia/Shanghai、America/New_York 或 Europe/Berlin。
err-bad-position = “{ $value }”不是岗位。可选：经理、运营、推广、客服、美工、文案、仓储、商品。
err-setup-position-role = 设置岗位时请同时填写岗位和身份组：岗位:客服 身份组:@你的身份组
err-shell-syntax = 无法识别这一行：{ $reason }。命令格式如：/任务 分配 成员:@alice 标题:"更新首页横幅" 截止:"周五 18:00"
err-shell-unclosed-quote = 引号没有闭合。含空格的值请用双引号括起来，例如 标题:"更新首页横幅"。

## Positions
position-manager = 经理
position-operations = 运营
position-marketing = 推广
position-customer-service = 客服
position-design = 美工
position-copywriting = 文案
position-warehouse = 仓储
position-product = 商品

## Help
help-title = storeops 命令
help-intro = 输入命令及其选项（英文名或中文名都可以）。时间会按你自己的时区显示。
help-manager-only = 经理

## Command descriptions
cmd-help = 全部命令及示例
cmd-status = 机器人状态：版本、运行时间、数据库大小、待发和失败的消息
cmd-setup = 服务器设置：时区、语言、频道、岗位与身份组
cmd-outbox = 机器人主动发送的消息
cmd-outbox-list = 查看待发、已发、跳过或失败的消息
cmd-outbox-retry = 将失败的消息重新放回发送队列

## Option descriptions
opt-timezone = 时区，例如 Asia/Shanghai
opt-language = 机器人主动消息的语言
opt-summary-channel = 发送每日早报的频道
opt-escalation-channel = 发送升级提醒和发送失败通知的频道
opt-position = 团队岗位
opt-role = 该岗位对应的服务器身份组
opt-state = 哪些消息
opt-id = 消息编号（见 /发件箱 列表）；留空表示全部失败消息

## Choices
choice-failed = 失败
choice-pending = 待发
choice-skipped = 已跳过
choice-sent = 已发送
choice-en-US = English
choice-zh-CN = 中文
choice-manager = 经理
choice-operations = 运营
choice-marketing = 推广
choice-customer-service = 客服
choice-design = 美工
choice-copywriting = 文案
choice-warehouse = 仓储
choice-product = 商品

## Status
status-title = storeops 状态
status-version = 版本
status-uptime = 运行时间
status-uptime-value = { $days }天 { $hours }小时 { $minutes }分
status-db-size = 数据库
status-pending = 待发消息
status-failed = 失败消息
status-sent = 已发消息
status-commands = 斜杠命令
status-commands-ok = 已在 Discord 注册 { $count } 个（{ $when }）
status-commands-failed = 命令未注册：{ $reason } —— Discord 拒绝了注册（{ $when }）；机器人会自动重试，期间照常发送提醒。
status-backup = 最近备份
status-backup-ok = { $file }（{ $size } 字节，{ $when }）
status-backup-none = 尚无备份；第一次每日备份在 { $next }
status-backup-failed = 每日备份失败（{ $when }）：{ $reason }。机器人会在下一个备份时间重试；`storeops backup 文件` 可立即备份。
status-failed-list = 以下消息未能送达：
status-retry-hint = 经理可用 /发件箱 重试（或 /发件箱 重试 编号:编号）把它们重新放回队列。
err-disk-full = 数据库所在磁盘已满，没有保存，也没有任何改动。请清理机器人所在磁盘的空间；有空间后机器人会自动恢复。
status-disk-full = ⚠ 数据库所在磁盘已满（自 { $since }）：无法保存新内容，提醒暂停发送。请清理空间；有空间后机器人会自动恢复。
status-job-failing = ⚠ { $job }失败（自 { $since }）：{ $error }。将于 { $retry }重试；其他功能照常运行。
status-history-unreadable = ⚠ 机器人无法读取 { $target } 的最近消息（自 { $since }）：{ $error }。{ $refused ->
    [yes] 在那里发送中断（崩溃、超时）的消息会不经核对重新发送，可能出现两次：请给机器人在该频道的"查看频道"和"阅读消息历史"权限。
   *[no] 在那里发送中断（崩溃、超时）的消息会稍候，并再次尝试核对；不会丢失。
}
job-recurring = 生成周期任务
job-summary = 每日数据汇总
job-activities = 安排活动提醒
job-prune = 清理旧的已发送消息
job-backup = 每日备份
trouble-job-title = 定时任务出错
trouble-job-body = { $job }出错：{ $error }。机器人会自动重试，每次间隔加长（30 秒起，最长 30 分钟）；提醒和其他定时任务照常进行。此消息只发一次；用 `/状态` 查看是否仍在出错。
trouble-disk-title = 数据库磁盘曾经写满
trouble-disk-body = 从 { $since } 到 { $until }，数据库所在磁盘已满：这段时间的命令都被拒绝（每条都已说明），提醒推迟，有空间后已补发。之前保存的内容没有丢失。请在机器人的磁盘上留出空间。

## Outbox
outbox-error = 最后一次错误：{ $error }（已尝试 { $attempts } 次）
outbox-list-title = 消息：{ $state }
outbox-list-empty = 无。
outbox-retry-done = 已有 { $count } 条消息重新放回队列。
outbox-retry-none = 没有需要重试的失败消息。
outbox-retry-none-id = 没有编号为 { $id } 的失败消息。请查看 /发件箱 列表 状态:失败。
outbox-late = 延迟 { $late } 发送：到期时机器人处于离线状态。
outbox-late-retried = 延迟 { $late } 发送：此前几次向 Discord 发送都未成功。
outbox-digest-title = 机器人离线期间错过的消息
outbox-digest-intro = 以下消息在机器人离线期间到期，已超过 { $grace } 小时，因此未发送：
outbox-digest-more = ……另有 { $count } 条。
outbox-failed-title = 有一条消息无法送达
outbox-failed-body = 第 { $id } 条消息（{ $title }）发往 { $target } 失败：{ $error }。请修复机器人对该频道的权限，然后经理可执行 /发件箱 重试 编号:{ $id }。

## Setup
setup-title = 服务器设置
setup-saved = 设置已保存
setup-timezone = 时区
setup-language = 语言
setup-summary-channel = 早报频道
setup-escalation-channel = 升级提醒频道
setup-positions = 岗位与身份组
setup-not-set = 未设置

## Durations
duration-minutes = { $n } 分钟
duration-hours = { $n } 小时
duration-days = { $n } 天

## Shell
shell-welcome = storeops 命令行 —— 输入 /帮助 查看命令，:帮助 查看命令行控制，:退出 离开。当前身份：{ $name }（{ $roles }）。
shell-help = 命令行控制：“:身份 名字 [岗位]” 切换模拟用户（岗位如 经理,客服），“:语言 中文|English”，“:现在” 当前时间，“:快进 2小时” 拨动手动时钟（需用 --now 启动），“:退出”。
shell-now = 现在：{ $now }（{ $tz }）
shell-as = 当前身份：{ $name }（{ $roles }）。
shell-no-advance = 当前使用真实时钟；用 --now "2026-11-23 09:00" 启动命令行后才能用 :快进 拨动时间。
shell-advance-stopped = 已停止（Ctrl-C）：时钟停在 { $now }；此前到期的消息都已发出。
shell-unknown-control = 未知的命令行控制“{ $control }”。输入 :帮助 查看。
shell-sent = [机器人 → { $target }]

## Start-up
start-no-token = 没有 Discord 令牌。请设置 DISCORD_TOKEN（或在 config/storeops.toml 中设置 discord.token_file）。创建方法：打开 https://discord.com/developers/applications，点击 “New Application”，再到 “Bot” → “Reset Token” 复制令牌；在 “OAuth2” → “URL Generator” 生成邀请链接（scopes：bot、applications.commands；权限：View Channels、Send Messages、Embed Links、Attach Files、Read Message History）。不用 Discord 也可以试用：cargo run --release -- shell

## Discord
err-guild-only = 请在团队服务器里使用 storeops 命令，不要在私信中使用。
err-discord = Discord 没有接受这条回复。数据没有丢失，请再试一次。

## Common buttons and time words
btn-prev = ◀ 上一页
btn-next = 下一页 ▶
time-in = { $span }后

## Schedules
err-schedule-unknown = 无法识别时间表“{ $value }”。请这样写：每周一 10:00、工作日 09:30、每周四 18:00、每月1日 09:00、每月最后一个周五 19:00，或 0 10 * * 1 这样的五段式写法（分 时 日 月 周）。
err-schedule-unsupported = 时间表“{ $value }”用了“{ $feature }”，机器人不支持这种写法（支持每月最后一天、最后一个周五、第一个周一这几种写法）。最接近的可用写法：“{ $instead_zh }”。
err-schedule-frequent = 时间表“{ $value }”触发间隔小于 5 分钟；提醒至少需要间隔 5 分钟。
err-schedule-never = 时间表“{ $value }”永远不会触发（例如 2 月 30 日）。请检查日期和月份。

## Tasks: commands
cmd-task = 带截止时间、提醒和升级的任务
cmd-task-assign = 把任务分配给成员或岗位，并设置截止时间
cmd-task-list = 查看我的、某成员的、某岗位的、逾期的或全部任务
cmd-task-show = 任务详情与历史
cmd-task-start = 标记任务已开始
cmd-task-done = 标记任务已完成
cmd-task-reopen = 重新打开已完成或已取消的任务
cmd-task-cancel = 取消任务（分配人或经理）
cmd-task-edit = 修改任务标题、截止时间、优先级或备注
cmd-task-reassign = 把任务转给其他人或岗位
cmd-task-comment = 给任务添加评论
cmd-task-cover = 指定某人在若干天内代理某岗位或成员的工作（经理）
cmd-task-stats = 按成员统计：分配、完成、按时、逾期、平均延误
cmd-task-recurring = 定时自动创建的任务：添加、查看或停止
opt-title = 要做什么
opt-due = 截止时间，例如 18:00、周五 17:00、明天 9点、3小时后、下周一 9点
opt-user = 成员
opt-priority = 紧急程度
opt-note = 补充说明（可选）
opt-scope = 哪些任务
opt-page = 页码
opt-task-show-page = 历史记录的页码（1 = 最新的记录）
opt-complaint-show-page = 历史记录的页码（1 = 最新的记录）
opt-text = 评论内容
opt-cover = 代理人
opt-from = 第一天，例如 2026-12-01、明天、12/1
opt-to = 最后一天，例如 2026-12-05
opt-period = 上月（默认）、本月、近7天、近30天，或月份如 2026-10
opt-schedule = 何时，例如 工作日 10:00、每周四 18:00、每周一 10:00、0 10 * * 1
opt-due-in = 每次创建后多久截止，例如 8小时（默认）、2天
opt-stop = 要停止的定时任务编号
choice-low = 低
choice-normal = 普通
choice-high = 高
choice-urgent = 紧急
choice-mine = 我的
choice-overdue = 已逾期
choice-all = 全部

## Tasks: texts
history-page = 历史：第 { $first }–{ $last } 条，共 { $total } 条（第 { $page }/{ $pages } 页）。
history-older = 更早的记录：{ $command }

## Tasks: errors

# 命令处理较慢时先私下确认；公开的回复随后作为新消息发出。
answer-below = 已完成：结果已在下方公开发出。

# storeops backup FILE
cli-backup-done = 备份已写入：{ $file }（{ $bytes } 字节），SQLite 完整性检查：通过。恢复方法：停止机器人，把它复制覆盖 { $db }（如有 { $db }-wal 和 { $db }-shm 请删除），再启动机器人。
cli-backup-failed = 未能在 { $file } 生成备份：{ $reason }

shell-saved = 已保存：{ $file }
shell-save-failed = 无法保存 { $file }：{ $reason }

start-locked = 另一个 storeops（{ $kind }，进程 { $pid }）正在用这个数据库发送消息（最近一次心跳在 { $ago } 秒前）。一个数据库只能有一个发送者：请先停掉它，或为本进程另设 database.path。已退出的进程 45 秒后自动释放。
shell-watching = 一个正在运行的 storeops（{ $kind }，进程 { $pid }）在用这个数据库发送消息，所以本命令行不发送、也不修改任何内容：只能用只读命令（/状态、/发件箱 列表、各类列表）。想试用的话，请用 --now "2026-11-23 09:00" --copy 启动，或换一个 database.path。
shell-now-refused = 这个数据库已用真实时钟运行过（机器人或命令行从它发送过消息）：在这里用手动时钟（--now）会把真实的提醒标记为已发送或已跳过。加上 --copy 在副本上试用，或换一个 database.path。
shell-copy = 正在数据库的副本上操作（{ $path }）；命令行结束时会删除。
err-read-only = 本命令行为只读：有正在运行的机器人在用这个数据库发送消息。没有任何改动。
time-ago = { $span }前
shell-attachment-saved = 已保存到 { $path }
shell-attachment-failed = 未能保存：{ $error }
shell-attachment = [附件 { $file } · { $bytes } 字节 · { $saved }]
err-text-invisible = { $option } 里没有可见的文字：请输入内容。
num-err-not-a-number = { $option }：“{ $value }”不是数字。请写成 { $example } 这样。
num-err-not-a-count = { $option }：“{ $value }”不是整数。请写成 { $example } 这样。
num-err-grouping = { $option }：“{ $value }”的千位分隔符位置不对（逗号只能每三位一个）。请写成 { $example } 这样。
num-err-decimal-mark = { $option }：“{ $value }”有不止一个小数点。小数用点，千位用逗号，例如 { $example }。
num-err-negative-zero = { $option }：“{ $value }”是负零。请写 0，或去掉负号。
num-err-negative = { $option } 不能为负数（{ $value }）。请写成 { $example } 这样。
num-err-too-precise = { $option }：“{ $value }”小数位太多（最多 { $precision } 位）。请写成 { $example } 这样。
num-err-range = { $option }：{ $value } 超出允许范围 { $min } 到 { $max }。
err-duplicate-option = 选项 { $option }: 出现了两次。请只写一次，写上你要的值。
shell-advance-bad = “:快进 { $value }”不是可以拨动时钟的时长。请写 2小时、3天、90分钟 或 1天6小时 这样的时长（最多 { $max } 天）。
err-name-markup = { $option }“{ $value }”含有名称里不能用的字符（{ $chars }）：请只用文字、数字、空格和 - . _ ( )，例如“天猫旗舰店”。
err-schedule-not-soon = 计划“{ $value }”在今后 { $years } 年内都不会触发，永远不会提醒任何人。请写一个会到来的计划，例如 “每周一 10:00”、“每月1日 09:00” 或 0 10 * * 1。
err-date-range = “{ $value }”不在机器人记录的日期范围（{ $min } 到 { $max }）内。请输入 2026-11-22 这样的日期。
err-access-data-team = 只有运营、营销或经理可以这样做。
err-access-service = 只有客服或经理可以这样做。
err-access-task-party = 只有任务的负责人、所属岗位（尚无人认领时）、分配人或经理可以这样做。
err-access-task-assigner = 只有任务的分配人或经理可以这样做。
err-access-handler = 只有客服（投诉尚无人处理时）、投诉的处理人或经理可以这样做；同事处理中的投诉请找处理人或经理。
err-access-service-handler = 只有客服、投诉的处理人或经理可以这样做。
err-access-complaint-viewer = 投诉 #{ $id } 不是您登记或处理的：只有客服和经理能查看所有投诉。输入 /投诉 列表 查看您的投诉，或向客服询问这一条。
