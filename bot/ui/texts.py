"""Every word the bot says, in one place. HTML parse mode: user text is escaped with `esc`."""

from __future__ import annotations

import calendar as calendar_module
import html
from collections.abc import Iterable
from datetime import date, datetime, time

from bot.domain.safety import UPPER_LIMIT_MG


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def mg(amount: float | None) -> str:
    if amount is None:
        return "? mg"
    return f"{amount:g} mg"


def hhmm(at: time) -> str:
    return at.strftime("%H:%M")


COMMANDS: list[tuple[str, str]] = [
    ("start", "set up (time zone, dose, goals)"),
    ("summary", "is the magnesium helping? /summary 90d"),
    ("calendar", "a month of headache days: /calendar october"),
    ("log", "your last entries, to fix or delete"),
    ("undo", "take back the last entry"),
    ("report", "PDF diary for your clinician"),
    ("midas", "MIDAS: how much headaches get in your way"),
    ("settings", "all settings on one card"),
    ("dose", "dose plan: /dose 200mg 21:30"),
    ("timezone", "time zone: /timezone Europe/Berlin"),
    ("followup", "migraine follow-ups: /followup 2h 4h"),
    ("quiet", "no follow-ups: /quiet 23:00 07:00"),
    ("morning", "sleep check-in: /morning 07:30"),
    ("pause", "stop all prompts for now"),
    ("resume", "start prompts again"),
    ("export", "all your data as CSV and JSON"),
    ("delete", "erase everything about you"),
    ("privacy", "what is stored and where"),
    ("help", "how to use this bot"),
]

NOT_ADVICE = "<i>This bot keeps a diary; it is not medical advice.</i>"

WELCOME = (
    "Hi! I keep a diary of your magnesium, migraines, sleep and anxiety, and tell you "
    "whether the magnesium seems to help.\n\n"
    "Just write to me in plain words, e.g. <i>migraine since 3pm, 7/10, nausea</i>.\n\n"
    f"{NOT_ADVICE}\n\n"
    "A few quick questions first. Every one can be skipped."
)
WELCOME_BACK = "Welcome back! Prompts are on again. Let's check your settings; skip what's fine."

ASK_TIMEZONE = (
    "<b>1/6 Time zone.</b> Where are you? Type a city (e.g. <i>Berlin</i>, <i>New York</i>) "
    "or tap one. Your current zone: <b>{zone}</b>."
)
ASK_LABEL = (
    "<b>2/6 Your label.</b> Does it give the <b>elemental magnesium</b> "
    "(e.g. <i>magnesium (as glycinate) 200 mg</i>) or the weight of the "
    "<b>magnesium glycinate compound</b> (e.g. <i>magnesium bisglycinate 500 mg</i>)?"
)
ASK_DOSE = (
    "<b>3/6 Dose plan.</b> How much and when? Type e.g. <i>200mg 21:30</i> or "
    "<i>200mg 08:00 200mg 21:30</i>, or tap. I'll remind you at each time."
)
ASK_START = "<b>4/6 Start.</b> When did you start taking magnesium?"
ASK_START_DATE = "Type the date you started, e.g. <i>2026-09-01</i> or <i>1 September</i>."
ASK_GOALS = "<b>5/6 Goals.</b> What do you want it to help with? Tap all that apply, then Done."
ASK_KIDNEY = "<b>6/6 Kidneys.</b> Do you have kidney disease?"
KIDNEY_NOTE = (
    "⚠️ With kidney disease, magnesium can build up in the body. Please take magnesium "
    "supplements only with your clinician's approval."
)


def started_on(day: date) -> str:
    return f"Magnesium since <b>{day.isoformat()}</b>."


BAD_START_DATE = "I couldn't read that date. Type e.g. <i>2026-09-01</i>, or tap Skip."
FUTURE_START_DATE = "That date is in the future. Type the day you started, or tap Skip."


def onboarding_done(card: str) -> str:
    return (
        "All set. ✅\n\n"
        f"{card}\n\n"
        "Now just tell me how you are, whenever something happens:\n"
        "• <i>migraine since 2pm 7/10 nausea, took ibuprofen</i>\n"
        "• <i>slept badly, woke up 3 times</i>\n"
        "• <i>mag 200</i>\n\n"
        "/summary shows how it's going, /help lists everything.\n"
        f"{NOT_ADVICE}"
    )


HELP = (
    "<b>How to use magbot</b>\n"
    "Write what happened in plain words; I understand e.g.\n"
    "• <i>migraine since 3pm 7/10, nausea, light hurts</i>\n"
    "• <i>took sumatriptan 50mg</i> · <i>pain now 3</i> · <i>migraine gone</i>\n"
    "• <i>mag 200</i> · <i>skipped magnesium</i>\n"
    "• <i>slept 6h, woke up twice</i> · <i>anxiety 6/10</i>\n"
    "• <i>skipped lunch, 4 coffees</i> · <i>2 glasses of wine</i>: possible triggers, on any "
    "day, so /summary can compare days with and without them\n\n"
    "<b>See and fix</b>: /summary [7d|30d|90d|365d|all] · /calendar [2026-10|october] · "
    "/report (PDF) · /log · /undo\n"
    "/midas: how much headaches get in your way (I ask every 3 months)\n"
    "<b>Settings</b>: /settings, or one message each:\n"
    "/timezone Europe/Berlin · /dose 200mg 21:30 · /dose off\n"
    "/followup 2h 4h · /quiet 23:00 07:00 · /morning 07:30 · /morning off\n"
    "/pause · /resume\n"
    "<b>Your data</b>: /privacy · /export · /delete\n\n"
    f"Safety: the upper limit for magnesium from supplements is {UPPER_LIMIT_MG:g} mg a day "
    "(higher migraine doses are used under a clinician's guidance).\n"
    f"{NOT_ADVICE}"
)

# --- one-message commands ----------------------------------------------------

USAGE = {
    "timezone": "/timezone Europe/Berlin  (or a city: /timezone Berlin, or UTC+2)",
    "dose": "/dose 200mg 21:30  ·  /dose 200mg 08:00 200mg 21:30  ·  /dose off",
    "followup": "/followup 2h 4h  (first follow-up, then every; 30m or 1m allowed)",
    "quiet": "/quiet 23:00 07:00  ·  /quiet off",
    "morning": "/morning 07:30  ·  /morning off",
    "capsule": "/capsule 120mg  (elemental magnesium in one capsule)",
    "summary": "/summary 7d  ·  30d  ·  90d  ·  365d  ·  all",
    "calendar": "/calendar  ·  /calendar 2026-10  ·  /calendar october  ·  /calendar last",
}


def bad_argument(command: str, reason: str) -> str:
    return f"Sorry, {esc(reason)}.\nThe form is:\n<code>{esc(USAGE[command])}</code>"


def bad_answer(command: str) -> str:
    """A typed answer to a settings question that could not be read."""
    example = USAGE[command].split("  ")[0].split(" ", 1)[1]
    return f"Sorry, I couldn't read that. Type it like <i>{esc(example)}</i>."


def usage(command: str) -> str:
    return f"To change it: <code>{esc(USAGE[command])}</code>"


def current_value(command: str, value: str) -> str:
    return f"Your {SETTING_NAMES.get(command, command)}: <b>{value}</b>."


SETTING_NAMES = {
    "timezone": "time zone",
    "dose": "dose plan",
    "followup": "follow-ups",
    "quiet": "quiet hours",
    "morning": "morning check-in",
    "capsule": "capsule size",
}


def timezone_set(zone: str, written: str, local_now: datetime) -> str:
    """In the person's words first ("UTC+1"), then the zone it maps to when that differs."""
    said = " ".join(written.split())
    shown = esc(said) if said else esc(zone)
    if said and said.lower() != zone.lower():
        shown += f" ({esc(zone)})"
    return f"Time zone set to <b>{shown}</b>. Your time now: {local_now:%H:%M}."


def compound_note(pairs: list[tuple[float, float]]) -> str:
    """ "600 mg magnesium glycinate = 85 mg elemental" for a compound-weight label."""
    return "\n".join(
        f"{mg(typed)} magnesium glycinate = {elemental:.0f} mg elemental"
        for typed, elemental in pairs
    )


def capsule_set(amount: float) -> str:
    return (
        f"One capsule holds <b>{mg(amount)}</b> of magnesium: "
        f"I'll count 2 capsules as {mg(2 * amount)}."
    )


BTN_CONTINUE_SETUP = "Continue setup"


def continue_setup(step: int) -> str:
    return (
        f"We were in the middle of setting you up (question {step} of 6). Carry on when you like."
    )


def dose_plan_text(plan: Iterable[tuple[float, time]]) -> str:
    items = [f"{mg(amount)} at {hhmm(at)}" for amount, at in plan]
    return ", ".join(items) if items else "no planned doses"


def dose_set(plan: list[tuple[float, time]]) -> str:
    if not plan:
        return "Dose reminders are off. You can still log doses by writing e.g. <i>mag 200</i>."
    return f"Dose plan: <b>{dose_plan_text(plan)}</b>. I'll remind you at each time."


def plan_over_limit(total: float) -> str:
    return (
        f"ℹ️ That plan is {mg(total)} a day, above the {UPPER_LIMIT_MG:g} mg upper limit for "
        "magnesium from supplements. Doses of 400–600 mg are used for migraine under "
        "clinical guidance: please agree this dose with your clinician."
    )


def followup_set(first_min: int, every_min: int) -> str:
    return (
        f"After a migraine I'll ask how it is after <b>{duration(first_min)}</b>, "
        f"then every <b>{duration(every_min)}</b> until it's over."
    )


def quiet_set(window: tuple[time, time] | None) -> str:
    if window is None:
        return "Quiet hours are off: follow-ups may come at any hour."
    return f"No follow-ups between <b>{hhmm(window[0])}</b> and <b>{hhmm(window[1])}</b>."


def morning_set(at: time | None) -> str:
    if at is None:
        return "Morning sleep check-in is off."
    return f"I'll ask about your night at <b>{hhmm(at)}</b> each morning."


def duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


PAUSED = "Paused: no prompts until you send /resume. You can still log anything."
RESUMED = "Prompts are back on."
ALREADY_PAUSED = "Already paused. /resume turns prompts back on."
NOT_PAUSED = "Prompts are already on."

GOAL_LABELS = {"migraine": "Migraine", "sleep": "Sleep", "anxiety": "Anxiety"}


def settings_card(
    *,
    zone: str,
    plan: list[tuple[float, time]],
    label_elemental: bool,
    capsule_mg: float | None,
    followup: tuple[int, int],
    quiet: tuple[time, time] | None,
    morning: time | None,
    goals: list[str],
    kidney: bool | None,
    paused: bool,
    magnesium_start: date | None,
) -> str:
    goal_text = ", ".join(GOAL_LABELS.get(g, g) for g in goals) or "none chosen"
    quiet_text = f"{hhmm(quiet[0])}–{hhmm(quiet[1])}" if quiet else "off"
    kidney_text = {True: "yes", False: "no", None: "not said"}[kidney]
    return (
        "<b>Your settings</b>\n"
        f"Time zone: {esc(zone)}\n"
        f"Dose plan: {dose_plan_text(plan)}\n"
        f"Label gives: {'elemental magnesium' if label_elemental else 'compound weight'}\n"
        f"Capsule: {mg(capsule_mg) if capsule_mg else 'not set (100 mg assumed)'}\n"
        f"Magnesium since: {magnesium_start.isoformat() if magnesium_start else 'first dose'}\n"
        f"Follow-ups: after {duration(followup[0])}, then every {duration(followup[1])}\n"
        f"Quiet hours: {quiet_text}\n"
        f"Morning check-in: {hhmm(morning) if morning else 'off'}\n"
        f"Goals: {goal_text}\n"
        f"Kidney disease: {kidney_text}\n"
        f"Prompts: {'paused' if paused else 'on'}"
    )


ASK_SETTING = {
    "tz": "Type your city or time zone, e.g. <i>Berlin</i> or <i>America/New_York</i>.",
    "dose": "Type your plan, e.g. <i>200mg 21:30</i>, or <i>off</i>.",
    "followup": "Type the first follow-up and the interval, e.g. <i>2h 4h</i>.",
    "quiet": "Type the quiet hours, e.g. <i>23:00 07:00</i>, or <i>off</i>.",
    "morning": "Type the time for the morning check-in, e.g. <i>07:30</i>, or <i>off</i>.",
    "capsule": "How much magnesium is in one capsule? Type e.g. <i>120mg</i> (see the label).",
}


def calendar_caption(year: int, month: int) -> str:
    name = f"{calendar_module.month_name[month]} {year}"
    return (
        f"Your headache calendar for {name}: dark red a migraine day, light red another "
        "headache, the number the worst pain. /calendar 2026-10 or /calendar october for "
        "another month."
    )


# --- buttons -----------------------------------------------------------------

BTN_SKIP = "Skip"
BTN_DONE = "Done"
BTN_YES = "Yes"
BTN_NO = "No"
BTN_ELEMENTAL = "Elemental (most labels)"
BTN_COMPOUND = "Compound weight"
BTN_DEFAULT_DOSE = "200 mg at 21:30"
BTN_NO_REMINDERS = "No reminders"
BTN_START_TODAY = "Starting today"
BTN_START_EARLIER = "Already taking it"
BTN_START_NOT_YET = "Not yet"

# --- generic answers -----------------------------------------------------------

STALE_BUTTON = "This button has expired. Nothing was changed."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
NOT_ALLOWED = "Sorry, this bot is private."
SOMETHING_WRONG = "Sorry, something went wrong on my side. Nothing you sent was lost; try again."
DATABASE_AWAY = (
    "Sorry, I can't reach my database right now. Your message is kept: I'll save it and "
    "answer as soon as the database is back. No need to send it again."
)
NOT_HANDLED = (
    "Sorry, something went wrong on my side with your last message, and nothing of it "
    "was saved. Please send it again, maybe in other words."
)
DATABASE_DOWN = (
    "Sorry, I can't reach my database right now, so I couldn't save that. "
    "Please send it again in a few minutes."
)
NON_TEXT = (
    "I can only read text. Tell me in words, e.g. <i>migraine 6/10 since 2pm</i> or <i>mag 200</i>."
)
EDITED_MESSAGE = (
    "I saw you edited a message. I keep what you first sent; to fix an entry use /log or /undo."
)
