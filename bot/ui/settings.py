"""Words and buttons of settings and onboarding: confirmations, the card, the questions."""

from __future__ import annotations

from bot.diary import settings as st
from bot.diary.onboarding import GOALS
from bot.ui import texts
from bot.ui.buttons import CardKey, OnboardingAgain, OnboardingChoice, SettingsCard, Step
from bot.ui.checkin import SUGGESTED_ZONES
from bot.ui.keyboards import Rows, row
from bot.ui.texts import esc, mg
from storage.models import User

Out = tuple[str, Rows | None]


def changed_text(changed: st.Changed) -> list[str]:
    """What a setter set, in words (and the upper-limit notice for a plan above it)."""
    match changed:
        case st.ZoneSet():
            return [texts.timezone_set(changed.zone, changed.written, changed.local_now)]
        case st.PlanSet():
            out = [texts.dose_set(changed.doses)]
            if not changed.label_elemental and changed.doses:
                out[0] += "\n" + texts.compound_note(
                    [
                        (typed, mg_)
                        for typed, (mg_, _) in zip(changed.typed_mg, changed.doses, strict=True)
                    ]
                )
            if changed.over_limit is not None:
                out.append(texts.plan_over_limit(changed.over_limit))
            return out
        case st.FollowupSet():
            return [texts.followup_set(changed.first_min, changed.every_min)]
        case st.QuietSet():
            return [texts.quiet_set(changed.window)]
        case st.MorningSet():
            return [texts.morning_set(changed.at)]
        case st.CapsuleSet():
            return [texts.capsule_set(changed.mg)]


def settings_card(user: User) -> str:
    return texts.settings_card(
        zone=user.timezone,
        plan=[(d.amount_mg, d.local_time) for d in user.dose_plan],
        label_elemental=user.label_elemental,
        capsule_mg=user.capsule_mg,
        followup=(user.followup_first_min, user.followup_every_min),
        quiet=(user.quiet_start, user.quiet_end) if user.quiet_start != user.quiet_end else None,
        morning=user.morning_time,
        goals=list(user.goals),
        kidney=user.kidney_disease,
        paused=user.paused,
        magnesium_start=user.magnesium_start,
    )


def card_rows(user: User) -> Rows:
    def b(label: str, key: CardKey) -> tuple[str, SettingsCard]:
        return label, SettingsCard(key)

    return [
        row(b("Time zone", CardKey.TIMEZONE), b("Dose plan", CardKey.DOSE)),
        row(b("Follow-ups", CardKey.FOLLOWUP), b("Quiet hours", CardKey.QUIET)),
        row(b("Morning check-in", CardKey.MORNING), b("Capsule size", CardKey.CAPSULE)),
        row(
            b("Resume prompts", CardKey.RESUME)
            if user.paused
            else b("Pause prompts", CardKey.PAUSE),
            b("Redo setup", CardKey.ONBOARD),
        ),
    ]


def current_setting(user: User, setting: st.Setting) -> str:
    """A command sent without its value: what it is now, and the form to change it."""
    now = texts.current_value(setting.value, settings_card_value(user, setting))
    return f"{now}\n{texts.usage(setting.value)}"


def settings_card_value(user: User, setting: st.Setting) -> str:
    match setting:
        case st.Setting.TIMEZONE:
            return esc(user.timezone)
        case st.Setting.DOSE:
            return texts.dose_plan_text([(d.amount_mg, d.local_time) for d in user.dose_plan])
        case st.Setting.FOLLOWUP:
            return (
                f"after {texts.duration(user.followup_first_min)}, "
                f"then every {texts.duration(user.followup_every_min)}"
            )
        case st.Setting.QUIET:
            if user.quiet_start == user.quiet_end:
                return "off"
            return f"{texts.hhmm(user.quiet_start)}–{texts.hhmm(user.quiet_end)}"
        case st.Setting.MORNING:
            return texts.hhmm(user.morning_time) if user.morning_time else "off"
        case st.Setting.CAPSULE:
            return (
                mg(user.capsule_mg) + " a capsule"
                if user.capsule_mg
                else "not set (100 mg assumed)"
            )


# --- onboarding ------------------------------------------------------------------------------


def _ob(step: Step, value: str) -> OnboardingChoice:
    return OnboardingChoice(step, value)


def question(user: User, step: str) -> Out:
    """An onboarding question with its buttons (Skip is always there)."""
    if step == "start_date":
        return texts.ASK_START_DATE, [row((texts.BTN_SKIP, _ob(Step.START, "skip")))]
    skip = row((texts.BTN_SKIP, _ob(Step(step), "skip"))) if step != "goals" else []
    if step == "tz":
        zones = [(label, _ob(Step.TZ, zone)) for label, zone in SUGGESTED_ZONES]
        return (
            texts.ASK_TIMEZONE.format(zone=esc(user.timezone)),
            [row(*zones[:2]), row(*zones[2:]), skip],
        )
    if step == "label":
        return (
            texts.ASK_LABEL,
            [
                row((texts.BTN_ELEMENTAL, _ob(Step.LABEL, "el"))),
                row((texts.BTN_COMPOUND, _ob(Step.LABEL, "co"))),
                skip,
            ],
        )
    if step == "dose":
        return (
            texts.ASK_DOSE,
            [
                row(
                    (texts.BTN_DEFAULT_DOSE, _ob(Step.DOSE, "default")),
                    (texts.BTN_NO_REMINDERS, _ob(Step.DOSE, "off")),
                ),
                skip,
            ],
        )
    if step == "start":
        return (
            texts.ASK_START,
            [
                row(
                    (texts.BTN_START_TODAY, _ob(Step.START, "today")),
                    (texts.BTN_START_NOT_YET, _ob(Step.START, "notyet")),
                ),
                row((texts.BTN_START_EARLIER, _ob(Step.START, "earlier"))),
                skip,
            ],
        )
    if step == "goals":
        return texts.ASK_GOALS, goal_rows(user.goals)
    return (
        texts.ASK_KIDNEY,
        [
            row((texts.BTN_YES, _ob(Step.KIDNEY, "y")), (texts.BTN_NO, _ob(Step.KIDNEY, "n"))),
            skip,
        ],
    )


def goal_rows(goals: list[str]) -> Rows:
    toggles = [
        (("✅ " if g in goals else "") + texts.GOAL_LABELS[g], _ob(Step.GOAL, g)) for g in GOALS
    ]
    return [row(*toggles), row((texts.BTN_DONE, _ob(Step.GOALS, "done")))]


CHOSEN_LABELS = {
    ("label", "el"): texts.BTN_ELEMENTAL,
    ("label", "co"): texts.BTN_COMPOUND,
    ("dose", "default"): texts.BTN_DEFAULT_DOSE,
    ("dose", "off"): texts.BTN_NO_REMINDERS,
    ("start", "today"): texts.BTN_START_TODAY,
    ("start", "notyet"): texts.BTN_START_NOT_YET,
    ("start", "earlier"): texts.BTN_START_EARLIER,
    ("kidney", "y"): texts.BTN_YES,
    ("kidney", "n"): texts.BTN_NO,
}


def chosen_label(step: str, value: str) -> str:
    if value == "skip":
        return texts.BTN_SKIP
    if step == "goals":
        return ", ".join(texts.GOAL_LABELS.get(g, g) for g in value.split(","))
    return CHOSEN_LABELS.get((step, value), value)


def next_outs(user: User, step: str | None, *, kidney_note: bool = False) -> list[Out]:
    """After an answer: the next question, or the closing card."""
    outs: list[Out] = [(texts.KIDNEY_NOTE, None)] if kidney_note else []
    if step is None:
        outs.append((texts.onboarding_done(settings_card(user)), None))
    else:
        outs.append(question(user, step))
    return outs


def refused(user: User, step: str, reason: str) -> list[Out]:
    """A typed answer that could not be read: why, and the same question with its buttons."""
    text, rows = question(user, step)
    return [(f"Sorry, {esc(reason)}.\n\n{text}", rows)]


def continue_offer(user: User) -> Out:
    step = user.onboarding_step or "tz"
    number = (
        ("tz", "label", "dose", "start", "goals", "kidney").index(step) + 1
        if step in ("tz", "label", "dose", "start", "goals", "kidney")
        else 1
    )
    return texts.continue_setup(number), [row((texts.BTN_CONTINUE_SETUP, OnboardingAgain()))]
