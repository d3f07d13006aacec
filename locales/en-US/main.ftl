## Errors
err-unknown-command = I don't know the command { $command }. Type /help to see every command with an example.
err-missing-subcommand = { $command } needs one of: { $choices }. For example: { $example }
err-unknown-option = { $command } has no option "{ $option }". Its options are: { $choices }
err-missing-option = The option "{ $option }" is required. Example: { $example }
err-bad-choice = "{ $value }" is not allowed for { $option }. Choose one of: { $choices }
err-type-text = The option "{ $option }" takes text, e.g. { $option }:"some words".
err-type-integer = The option "{ $option }" takes a whole number, e.g. { $option }:42.
err-bad-id = "{ $value }" is not a number for { $option }: type the number (e.g. { $option }:42) or pick one from the suggestions as you type.
err-type-number = The option "{ $option }" takes a number, e.g. { $option }:12.5.
err-type-boolean = The option "{ $option }" takes yes or no, e.g. { $option }:true.
err-type-user = The option "{ $option }" takes a member, e.g. { $option }:@alice.
err-type-role = The option "{ $option }" takes a role, e.g. { $option }:@customer-service.
err-type-channel = The option "{ $option }" takes a channel, e.g. { $option }:#ops.
err-type-attachment = The option "{ $option }" takes an uploaded file.
err-manager-only = Only managers can do that. Ask your operations manager, or an administrator of this server.
err-storage = Something went wrong while saving; nothing was changed. Please try again in a moment.
err-unknown-button = This button no longer does anything. Use /help to find the command instead.
err-bad-timezone = "{ $value }" is not a time zone I know. Use an IANA name such as Asia/Shanghai, America/New_York or Europe/Berlin.
err-bad-position = "{ $value }" is not a position. Use one of: manager, operations, marketing, customer-service, design, copywriting, warehouse, product.
err-setup-position-role = To map a position, give both: position:customer-service role:@YourRole
err-shell-syntax = I couldn't read that line: { $reason }. Type commands like: /task assign user:@alice title:"Update the banner" due:"fri 18:00"
err-shell-unclosed-quote = A quote is not closed. Put values with spaces in "double quotes", e.g. title:"Update the banner".

## Positions
position-manager = Manager
position-operations = Operations
position-marketing = Marketing
position-customer-service = Customer service
position-design = Design
position-copywriting = Copywriting
position-warehouse = Warehouse
position-product = Product

## Help
help-title = storeops commands
help-intro = Type a command with its options. Times are shown in your own time zone.
help-manager-only = managers

## Command descriptions (Discord allows at most 100 characters)
cmd-help = Every command with an example
cmd-status = Bot health: version, uptime, database size, queued and failed messages
cmd-setup = Server settings: time zone, language, channels, positions and roles
cmd-outbox = Messages the bot sends on its own
cmd-outbox-list = List queued, sent, skipped or failed messages
cmd-outbox-retry = Put failed messages back in the queue

## Option descriptions
opt-timezone = Time zone, e.g. Asia/Shanghai
opt-language = Language of the bot's own messages
opt-summary-channel = Channel for the morning summary
opt-escalation-channel = Channel for escalations and delivery failures
opt-position = A position on the team
opt-role = The server role for that position
opt-state = Which messages
opt-id = Number of the message (from /outbox list); empty = all failed

## Choices
choice-failed = failed
choice-pending = pending
choice-skipped = skipped
choice-sent = sent
choice-en-US = English
choice-zh-CN = 中文
choice-manager = Manager
choice-operations = Operations
choice-marketing = Marketing
choice-customer-service = Customer service
choice-design = Design
choice-copywriting = Copywriting
choice-warehouse = Warehouse
choice-product = Product

## Status
status-title = storeops status
status-version = Version
status-uptime = Uptime
status-uptime-value = { $days }d { $hours }h { $minutes }m
status-db-size = Database
status-pending = Queued messages
status-failed = Failed messages
status-sent = Sent messages
status-commands = Slash commands
status-commands-ok = { $count } registered with Discord ({ $when })
status-commands-failed = Commands not registered: { $reason } — Discord refused them ({ $when }); the bot retries and keeps sending reminders meanwhile.
status-backup = Last backup
status-backup-ok = { $file } ({ $size } bytes, { $when })
status-backup-none = none yet; the first daily backup is at { $next }
status-backup-failed = The daily backup failed ({ $when }): { $reason }. The bot tries again at the next backup time; `storeops backup FILE` makes one now.
status-failed-list = Messages that could not be delivered:
status-retry-hint = A manager can put them back in the queue with /outbox retry (or /outbox retry id:NUMBER).
err-disk-full = The database's disk is full, so nothing was saved and nothing was changed. Free some space on the bot's disk; the bot carries on by itself once there is room.
status-disk-full = ⚠ The database's disk is full (since { $since }): nothing new can be saved and reminders wait. Free some space; the bot carries on by itself once there is room.
status-job-failing = ⚠ { $job } failed (since { $since }): { $error }. Tried again { $retry }; everything else carries on.
status-history-unreadable = ⚠ The bot cannot read the recent messages in { $target } (since { $since }): { $error }. { $refused ->
    [yes] A message whose sending was cut off there (a crash, a timeout) is sent again without checking, so it may show twice: give the bot "Read Message History" and "View Channel" there.
   *[no] A message whose sending was cut off there (a crash, a timeout) waits and the check is tried again; none is lost.
}
job-recurring = Creating recurring tasks
job-summary = The daily summary
job-activities = Planning activity reminders
job-prune = Deleting old delivered messages
job-backup = The daily backup
trouble-job-title = A scheduled job is failing
trouble-job-body = { $job } failed: { $error }. The bot tries it again by itself, waiting longer each time (30 s, then up to 30 min); reminders and the other jobs carry on. Said once; `/status` shows whether it still fails.
trouble-disk-title = The database's disk was full
trouble-disk-body = From { $since } to { $until } the database's disk was full: commands in that time were refused (each said so) and reminders waited; they went out once there was room again. Nothing saved before was lost. Keep some space free on the bot's disk.

## Outbox
outbox-error = last error: { $error } (after { $attempts } tries)
outbox-list-title = Messages: { $state }
outbox-list-empty = None.
outbox-retry-done = { $count ->
    [one] 1 message is back in the queue.
   *[other] { $count } messages are back in the queue.
}
outbox-retry-none = There are no failed messages to retry.
outbox-retry-none-id = There is no failed message number { $id }. See /outbox list state:failed.
outbox-late = Sent late by { $late }: the bot was offline when this was due.
outbox-late-retried = Sent late by { $late }: earlier attempts to deliver it to Discord did not go through.
outbox-digest-title = Missed while the bot was offline
outbox-digest-intro = These messages came due more than { $grace } h ago while the bot was offline, so they were not sent:
outbox-digest-more = … and { $count } more.
outbox-failed-title = A message could not be delivered
outbox-failed-body = Message #{ $id } ({ $title }) to { $target } failed: { $error }. Fix the bot's access to that channel, then a manager can run /outbox retry id:{ $id }.

## Setup
setup-title = Server settings
setup-saved = Settings saved
setup-timezone = Time zone
setup-language = Language
setup-summary-channel = Summary channel
setup-escalation-channel = Escalation channel
setup-positions = Positions and roles
setup-not-set = not set

## Durations
duration-minutes = { $n } min
duration-hours = { $n } h
duration-days = { $n } d

## Shell
shell-welcome = storeops shell — type /help for the commands, :help for shell controls, :quit to leave. You are { $name } ({ $roles }).
shell-help = Shell controls: ":as NAME [positions]" switch the pretend user (positions like manager,customer-service), ":locale en-US|zh-CN" (or English|中文), ":now" the current time, ":advance 2h" move the manual clock (with --now), ":quit".
shell-now = Now: { $now } ({ $tz })
shell-as = You are now { $name } ({ $roles }).
shell-no-advance = The clock is the real one; start the shell with --now "2026-11-23 09:00" to move time with :advance.
shell-advance-stopped = Stopped (Ctrl-C): the clock is at { $now }; everything due until then was sent.
shell-unknown-control = Unknown shell control "{ $control }". Type :help.
shell-sent = [bot → { $target }]

## Start-up
start-no-token = No Discord token. Set DISCORD_TOKEN (or discord.token_file in config/storeops.toml). To create one: open https://discord.com/developers/applications, "New Application", then "Bot" → "Reset Token" and copy it; invite the bot with the link from "OAuth2" → "URL Generator" (scopes: bot, applications.commands; permissions: View Channels, Send Messages, Embed Links, Attach Files, Read Message History, Mention Everyone is NOT needed). To try the bot without Discord, run: cargo run --release -- shell

## Discord
err-guild-only = Use storeops commands inside your team's server, not in direct messages.
err-discord = Discord did not accept that reply. Nothing was lost; please try again.

## Common buttons and time words
btn-prev = ◀ Previous
btn-next = Next ▶
time-in = in { $span }

## Schedules
err-schedule-unknown = I can't read the schedule "{ $value }". Write it like: mon 10:00, weekdays 09:30, 每周四 18:00, 每月1日 09:00, last fri 19:00, or a cron line such as 0 10 * * 1.
err-schedule-unsupported = The schedule "{ $value }" uses "{ $feature }", which the bot does not read (it reads L, 5L and 1#1: the last day, the last Friday, the first Monday of the month). The nearest schedule it reads: "{ $instead }".
err-schedule-frequent = The schedule "{ $value }" fires more often than every 5 minutes; reminders for people need at least 5 minutes between them.
err-schedule-never = The schedule "{ $value }" never fires (for example, 30 February). Check the day and month.

## Tasks: commands
cmd-task = Tasks with deadlines, reminders and escalation
cmd-task-assign = Give a task to a member or a position, with a deadline
cmd-task-list = Your tasks, a member's, a position's, the overdue ones, or all
cmd-task-show = A task's details and history
cmd-task-start = Mark a task as started
cmd-task-done = Mark a task as done
cmd-task-reopen = Open a finished or cancelled task again
cmd-task-cancel = Call off a task (assigner or manager)
cmd-task-edit = Change a task's title, deadline, priority or note
cmd-task-reassign = Give a task to someone else or to a position
cmd-task-comment = Add a comment to a task's history
cmd-task-cover = Name who covers a position or member for some days (managers)
cmd-task-stats = Per member: assigned, done, on time, overdue, average lateness
cmd-task-recurring = Tasks created on a schedule: add, list, or stop one
opt-title = What has to be done
opt-due = Deadline, e.g. 18:00, fri 17:00, tomorrow 9am, in 3h, 明天 18:00
opt-user = A member
opt-priority = How urgent
opt-note = More detail (optional)
opt-scope = Which tasks
opt-page = Page number
opt-task-show-page = Page of the history (1 = the newest entries)
opt-complaint-show-page = Page of the history (1 = the newest entries)
opt-text = The comment
opt-cover = Who covers
opt-from = First day, e.g. 2026-12-01, tomorrow, 12/1
opt-to = Last day, e.g. 2026-12-05
opt-period = last-month (default), this-month, last-7d, last-30d, or a month like 2026-10
opt-schedule = When, e.g. weekdays 10:00, thu 18:00, 每周一 10:00, 0 10 * * 1
opt-due-in = How long after each start it is due, e.g. 8h (default), 2d
opt-stop = Number of a recurring task to stop
choice-low = low
choice-normal = normal
choice-high = high
choice-urgent = urgent
choice-mine = mine
choice-overdue = overdue
choice-all = all

## Tasks: texts
history-page = History: entries { $first }–{ $last } of { $total } (page { $page } of { $pages }).
history-older = Older entries: { $command }

## Tasks: errors

# A slow command was acknowledged privately; its public answer follows as a new message.
answer-below = Done: the answer is posted below for everyone.

# storeops backup FILE
cli-backup-done = Backup written: { $file } ({ $bytes } bytes), SQLite integrity check: ok. To restore it: stop the bot, copy it over { $db } (delete { $db }-wal and { $db }-shm if they are there), start the bot.
cli-backup-failed = No backup was made at { $file }: { $reason }

shell-saved = Saved: { $file }
shell-save-failed = Could not save { $file }: { $reason }

start-locked = Another storeops ({ $kind }, process { $pid }) delivers from this database (its last heartbeat was { $ago } s ago). One database, one dispatcher: stop that one first, or give this one another database.path. A process that died lets go after 45 s.
shell-watching = A running storeops ({ $kind }, process { $pid }) delivers from this database, so this shell sends nothing and changes nothing: read-only commands only (/status, /outbox list, the lists). To try things out, start the shell with --now "2026-11-23 09:00" --copy, or on another database.path.
shell-now-refused = This database has been used on the real clock (a running bot or shell delivered from it): a manual clock (--now) here would mark real reminders sent or skipped. Add --copy to try it on a copy, or use another database.path.
shell-copy = Working on a copy of the database ({ $path }); it is removed when the shell ends.
err-read-only = This shell is read-only: a running bot delivers from this database. Nothing was changed.
time-ago = { $span } ago
shell-attachment-saved = saved to { $path }
shell-attachment-failed = not saved: { $error }
shell-attachment = [attachment { $file } · { $bytes } bytes · { $saved }]
err-text-invisible = The { $option } has nothing visible in it: type some words.
num-err-not-a-number = { $option }: "{ $value }" is not a number. Write it like { $example }.
num-err-not-a-count = { $option }: "{ $value }" is not a whole number. Write it like { $example }.
num-err-grouping = { $option }: "{ $value }" has a thousands separator in the wrong place (commas go between groups of three digits). Write it like { $example }.
num-err-decimal-mark = { $option }: "{ $value }" has more than one decimal mark. Use a point for decimals and commas for thousands, like { $example }.
num-err-negative-zero = { $option }: "{ $value }" is minus zero. Write 0, or the amount without a minus.
num-err-negative = { $option } can't be negative ({ $value }). Write it like { $example }.
num-err-too-precise = { $option }: "{ $value }" has too many decimals (at most { $precision }). Write it like { $example }.
num-err-range = { $option }: { $value } is outside the range allowed, { $min } to { $max }.
err-duplicate-option = The option { $option }: is given twice. Give it once, with the value you mean.
shell-advance-bad = ":advance { $value }" is not a duration I can move the clock by. Type one like 2h, 3d, 90min or 1d 6h (at most { $max } days).
err-name-markup = The { $option } "{ $value }" has characters a name can't hold ({ $chars }): use letters, digits, spaces and - . _ ( ), e.g. "Tmall flagship".
err-schedule-not-soon = The schedule "{ $value }" does not fire in the next { $years } years, so it would never remind anyone. Type one that comes round, e.g. "mon 10:00", "每月1日 09:00" or 0 10 * * 1.
err-date-range = "{ $value }" is outside the days the bot keeps, { $min } to { $max }. Type a day like 2026-11-22.
err-access-data-team = Only operations, marketing or managers may do this.
err-access-service = Only customer service or managers may do this.
err-access-task-party = Only the task's assignee, its position (while nobody has taken it), its assigner or a manager may do this.
err-access-task-assigner = Only the task's assigner or a manager may do this.
err-access-handler = Only customer service (while nobody handles the complaint), the complaint's handler or a manager may do this; a complaint a colleague handles goes through them or a manager.
err-access-service-handler = Only customer service, the complaint's handler or a manager may do this.
err-access-complaint-viewer = Complaint #{ $id } is not one you logged or handle: only customer service and managers see every complaint. Type /complaint list to see yours, or ask customer service about this one.
