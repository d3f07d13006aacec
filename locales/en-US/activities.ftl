## Activities: commands
cmd-activity = Fixed activities: weekly meeting, promotion days, restock sheet, team outing
cmd-activity-add = Add an activity that reminds a position before each start (managers)
cmd-activity-list = Every activity with its schedule and next start
cmd-activity-edit = Change an activity's name, schedule, ping, channel, leads or texts (managers)
cmd-activity-remove = Remove an activity and cancel its reminders (managers)
cmd-activity-pause = Stop an activity's reminders until it is resumed (managers)
cmd-activity-resume = Start a paused activity's reminders again (managers)
cmd-activity-skip = Skip the next start of an activity, or the one on a given day (managers)
cmd-activity-calendar = Every activity in the next days, with holidays and skipped days
cmd-holiday = Holidays and big-sale days on which some activities skip or add a note
cmd-holiday-add = Add a holiday or sale period, one day or a range (managers)
cmd-holiday-list = Holidays and sale days from today on
cmd-holiday-remove = Remove a holiday (managers)
opt-ping = The position reminded (its server role is pinged)
opt-ping-role = Or a server role to ping instead of a position
opt-channel = Channel for the reminders (default: where you type, or the summary channel)
opt-lead = Reminders before the start, comma separated, e.g. 18h, 30m, 0 (0 = at the start)
opt-message = What the reminder says
opt-checklist = Lines to tick, separated by | or ; e.g. Pages ready | Prices set
opt-holidays = On holidays: remind as usual, skip, or remind with a note
opt-day = The day, e.g. 2026-12-03, 12/3, thu, 明天 (default: the next start)
choice-fire = remind as usual
choice-skip = skip
choice-note = remind with a note

## Activities: errors
activity-err-lead = I can't read the lead "{ $value }". Give one or more spans before the start, separated by commas: 1d, 18h, 30m, or 0 for the start itself.
activity-err-lead-far = The lead "{ $value }" is too long: at most { $max } days before the start.
activity-err-lead-many = Too many reminders: at most { $max } leads per activity.
activity-err-checklist-many = The checklist is too long: at most { $max } lines.
activity-err-checklist-long = A checklist line is too long: at most { $max } characters each.
activity-err-ping = Say whom to remind with either ping:customer-service (a position) or ping-role:@role (one of the two).
activity-err-not-found = There is no activity #{ $id }. See them with /activity list.
activity-err-edit-nothing = Say what to change: name, schedule, ping, ping-role, channel, lead, message, checklist or holidays.
activity-err-already-paused = Activity #{ $id } is already paused. Resume it with /activity resume id:{ $id }.
activity-err-not-paused = Activity #{ $id } is not paused.
activity-err-skip-past = { $date } has already passed. Give today or a later day.
activity-err-skip-none = Activity #{ $id } does not start on { $date } (or has already started). See when it does with /activity calendar.
activity-err-skip-never = Activity #{ $id } has no start coming, so there is nothing to skip.
activity-err-skip-already = Activity #{ $id } is already skipped on { $date }.
holiday-err-order = The last day is before the first day.
holiday-err-long = A holiday can last at most { $max } days. Add longer seasons in parts.
holiday-err-not-found = There is no holiday #{ $id }. See them with /holiday list.

## Activities: texts
activity-added = Activity #{ $id } saved: { $name }
activity-edited = Activity #{ $id } changed: { $name }
activity-removed = Activity #{ $id } removed: { $name }
activity-removed-cancelled = { $count ->
    [0] It had no reminders waiting.
    [one] Its waiting reminder is cancelled.
   *[other] Its { $count } waiting reminders are cancelled.
}
activity-paused = Activity #{ $id } paused: { $name }
activity-paused-hint = No reminders until /activity resume id:{ $id }.
activity-resumed = Activity #{ $id } resumed: { $name }
activity-next = Next start: { $next }
activity-skipped = Activity #{ $id } ({ $name }) will not happen on { $date }.
activity-field-schedule = Schedule
activity-field-next = Next start
activity-field-ping = Reminds
activity-field-channel = Channel
activity-field-leads = Reminders
activity-field-holidays = On holidays
activity-field-message = Message
activity-field-checklist = Checklist
activity-field-acks = Got it
activity-holidays-fire = remind as usual
activity-holidays-skip = skip
activity-holidays-note = remind with a note
activity-lead-start = at the start
activity-lead-before = { $span } before
activity-no-role = { $position } (no server role yet)
activity-position-unmapped = The position { $position } has no server role yet, so reminders ping nobody. A manager can map it: /setup position:… role:@…
activity-channel-summary = { $channel } (the summary channel)
activity-channel-fallback = { $channel } (default channel)
activity-channel-unset = the summary channel (not set yet: /setup summary-channel:#…)
activity-next-paused = — (paused)
activity-next-silent = — (no channel: set /setup summary-channel:#…)
activity-next-none = — (never again)
activity-list-title = Activities ({ $count }) — page { $page }/{ $pages }
activity-list-empty = No activities yet. Add one with /activity add name:"…" schedule:"thu 09:00" ping:marketing
activity-list-line = → { $ping } in { $channel } · { $leads } · on holidays: { $holidays } · next: { $next }
activity-calendar-title = Activities in the next { $days } days
activity-calendar-empty = Nothing scheduled.
activity-calendar-holidays = Holidays: { $holidays }
activity-calendar-note = { $entry } — note: { $holiday }
activity-calendar-holiday = { $entry } — skipped: { $holiday }
activity-calendar-skipped = { $entry } — skipped
activity-calendar-paused = Paused: { $ids }
activity-more = … and { $count } more
activity-schedule-preview = next: { $next }
activity-reminder-title = 📅 { $name }
activity-reminder-when = Starts { $when } ({ $relative })
activity-reminder-holiday = Note: this day is { $holiday }. Check whether it goes ahead as usual.
activity-reminder-last = This is the last time: the activity ends after this one.
activity-reminder-follow-up = Nobody has pressed "Got it" yet.
activity-reminder-footer = Activity #{ $id } · { $schedule }
activity-acks-none = nobody yet
activity-btn-ack = Got it
holiday-added = Holiday #{ $id } saved: { $name }, { $dates }
holiday-removed = Holiday #{ $id } removed: { $name }, { $dates }
holiday-effect-skip = #{ $id } { $name }: skipped ({ $count ->
    [one] 1 start
   *[other] { $count } starts
})
holiday-effect-note = #{ $id } { $name }: reminds with a note ({ $count ->
    [one] 1 start
   *[other] { $count } starts
})
holiday-effect-none = No activity that skips or notes holidays starts on these days.
holiday-list-title = Holidays and sale days ({ $count })
holiday-list-empty = None from today on. Add one with /holiday add name:双12 from:2026-12-12
holiday-list-footer = Activities set to skip on holidays do not remind on these days; those set to note remind and say so.

# Activities that end (until:)
opt-activity-add-until = The last day it reminds on, e.g. 2026-12-31
opt-activity-edit-until = The last day it reminds on, e.g. 2026-12-31; - to go on without end
activity-until = ends after { $until } (the last occurrence on or before that day)
activity-field-until = Last day
activity-err-until-past = until:{ $until } is already past (today is { $today }). Type a day from today on, e.g. until:2026-12-31, or until:- for no end.
opt-activity-add-times = How many times it happens, then it ends (1 to 1000)
opt-activity-edit-times = How many more times it happens from now, then it ends (1 to 1000)
activity-times = ends after { $times } occurrences
activity-field-times = Occurrences
activity-err-until-times = Give until: (a last day) or times: (a count), not both.
