"""The /summary reply: the figures of a `Summary` as one short Telegram HTML message.

Only <b> and <i> tags; every piece of user-derived text (medicine names, codes,
the time zone) goes through `html.escape`. Short lines for a phone, figures to
one decimal, dates in the user's zone; always says it is not medical advice.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from bot.domain import codes
from bot.domain import overuse as ou
from bot.domain.medicines import MedClass
from bot.domain.midas import Midas
from bot.domain.stats import (
    MIN_BASELINE_DAYS,
    MIN_DAYS_ON_MAGNESIUM,
    MIN_TRIGGER_DIARY_DAYS,
    UPPER_LIMIT_MG_PER_DAY,
    Association,
    CycleStats,
    DoseStats,
    KindStats,
    Link,
    PeriodStats,
    ResponseCounts,
    Summary,
    Trend,
    TriggerStats,
    Verdict,
    VerdictStatus,
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CLASS_NAMES: dict[MedClass, str] = {
    MedClass.TRIPTAN: "triptans",
    MedClass.ERGOT: "ergots",
    MedClass.OPIOID: "opioids",
    MedClass.COMBINATION: "combination painkillers",
    MedClass.SIMPLE_ANALGESIC: "simple painkillers",
    MedClass.NSAID: "NSAIDs",
    MedClass.GEPANT: "gepants",
    MedClass.DITAN: "ditans",
}

FOOTER = "<i>A summary of your own diary, not medical advice.</i>"


def fmt_date(day: date, *, year: bool = True) -> str:
    """12 Mar 2025: unambiguous everywhere and independent of the server's locale."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def fmt_range(start: date, end_inclusive: date) -> str:
    if start == end_inclusive:
        return fmt_date(start)
    return f"{fmt_date(start, year=start.year != end_inclusive.year)} – {fmt_date(end_inclusive)}"


def fmt_num(value: float, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text


def fmt_pct(share: float) -> str:
    return f"{round(share * 100)}%"


_IRREGULAR = {"entry": "entries", "day of diary": "days of diary"}


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 night", "2 nights", "1 entry", "3 entries"."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {words or _IRREGULAR.get(word) or word + 's'}"


def class_name(cls: MedClass) -> str:
    return CLASS_NAMES.get(cls, cls.value.replace("_", " "))


def code_name(code: str) -> str:
    """A trigger, symptom or side-effect code in words, escaped."""
    return escape(codes.word(code))


# ---------------------------------------------------------------- shared words
# Plain text (no HTML, no user text): the chart and the report use the same
# phrases, so a figure reads the same in all three.


def count_text(days: int, observed: int, rate: float | None) -> str:
    """ "4.0 per 28 days (16 in 112 days)", or "3 in 5 days logged" below 28 observed days.

    `rate` is the per-28-day figure, None below 28 observed days: then only
    the count and the days observed are said, never a rate.
    """
    if rate is not None:
        return f"{fmt_num(rate)} per 28 days ({days} in {plural(observed, 'day')})"
    return f"{days} in {plural(observed, 'day')} logged"


def kind_text(stats: KindStats) -> str:
    return count_text(stats.days, stats.observed_days, stats.per_28)


def before_after_text(verdict: Verdict) -> str | None:
    """Migraine days before and on magnesium, in one line; None before any magnesium."""
    if verdict.magnesium_start is None or verdict.status == VerdictStatus.NOT_STARTED:
        return None
    before, on = verdict.baseline_per_28, verdict.on_per_28
    if before is not None and on is not None:
        return f"Migraine days per 28 days: {fmt_num(before)} before → {fmt_num(on)} on magnesium"
    parts = []
    if verdict.baseline_days:
        parts.append(
            f"{verdict.baseline_migraine_days} in {plural(verdict.baseline_days, 'day')} before"
        )
    parts.append(f"{verdict.on_migraine_days} in {plural(verdict.on_days, 'day')} on magnesium")
    return "Migraine days: " + " → ".join(parts)


REGRESSION_TO_THE_MEAN = (
    "A before/after comparison of one person can't rule out that the weeks before "
    "magnesium were simply a bad patch that would have eased anyway."
)
CI_METHOD = "quasi-Poisson: widened for the ups and downs of migraine from week to week"


def response_text(counts: ResponseCounts) -> str:
    """ "pain-free 3 of 5, relief 4 of 5" for one medicine or all."""
    parts = []
    if counts.known:
        parts.append(f"pain-free {counts.pain_free} of {counts.known}")
    if counts.relief_known:
        parts.append(f"relief {counts.relief} of {counts.relief_known}")
    if counts.unknown:
        parts.append(f"{counts.unknown} not known")
    return ", ".join(parts)


def factor_name(code: str) -> str:
    """A trigger code in words (plain, unescaped)."""
    return codes.word(code)


LINK_WORDS: dict[Link, str] = {
    Link.LINKED: "linked",
    Link.POSSIBLE: "possibly linked",
    Link.LESS: "fewer attacks after it",
    Link.NO_LINK: "no clear link",
}


def association_text(a: Association) -> str:
    """ "poor sleep: 40% (4 of 10) vs 15% (3 of 20) without: linked"."""
    without = "other nights" if a.factor == "poor_sleep" else "days without"
    return (
        f"{factor_name(a.factor)}: {fmt_pct(a.with_share)} ({a.with_followed} of {a.with_days}) "
        f"vs {fmt_pct(a.without_share)} ({a.without_followed} of {a.without_days}) "
        f"after {without}: {LINK_WORDS[a.link]}"
    )


def cycle_text(cycle: CycleStats) -> str:
    """Migraine days around periods against other days (ICHD-3 A1.1.1 window)."""
    inside = (
        f"{fmt_pct(cycle.window_migraine_days / cycle.window_days)}" if cycle.window_days else "–"
    )
    outside = (
        f"{fmt_pct(cycle.other_migraine_days / cycle.other_days)}" if cycle.other_days else "–"
    )
    return (
        f"migraine on {cycle.window_migraine_days} of {plural(cycle.window_days, 'day')} "
        f"around a period ({inside}) vs {cycle.other_migraine_days} of "
        f"{plural(cycle.other_days, 'other day')} ({outside}); in "
        f"{cycle.cycles_with_migraine} of {plural(cycle.cycles, 'cycle')}"
    )


def midas_text(result: Midas, previous: Midas | None = None) -> str:
    text = (
        f"MIDAS {result.score} on {fmt_date(result.taken_on)}: grade "
        f"{result.grade.name} ({result.grade_words})"
    )
    if previous is not None:
        text += f"; {previous.score} on {fmt_date(previous.taken_on)}"
    return text


def overuse_lines(overuse: ou.OveruseStats) -> list[str]:
    """The flags of the last 28 days, or the 3-month pattern (plain words)."""
    current = overuse.current
    if current is None or not current.flags:
        return []
    if overuse.pattern:
        worst = max(current.flags, key=lambda f: f.days / f.limit)
        return [ou.flag_text(worst, pattern=True)]
    return [ou.flag_text(flag) for flag in current.flags]


# ---------------------------------------------------------------- the reply


def render_summary(summary: Summary, period: str | None = None) -> str:
    """The whole reply; a short friendly text when there is nothing logged yet.

    `period` is what the person asked for ("7d" ... "all"), for the title;
    without it the title shows the dates.
    """
    if not summary.has_data:
        return "\n".join(
            [
                "<b>Nothing to summarise yet</b>",
                "Tell me in plain words about a headache, your sleep or your magnesium,",
                "e.g. “migraine since 3pm, 7/10, nausea”.",
                "Your summary fills up from there.",
                "",
                FOOTER,
            ]
        )
    blocks: list[list[str]] = [_header(summary, period)]
    stats = summary.period
    if stats.entries == 0:
        blocks.append([f"Nothing logged in these {plural(stats.observed_days, 'day')}."])
    else:
        blocks.append(_headaches(stats))
        blocks.append(_medicines(stats))
        blocks.append(_magnesium(stats.doses))
        blocks.append(_sleep_anxiety(stats))
        blocks.append(_cycle(stats.cycle))
        blocks.append(_side_effects(stats))
    blocks.append(_triggers(summary.triggers))
    blocks.append(_midas(summary.midas))
    blocks.append(_verdict(summary.verdict) + _sleep_anxiety_before_after(summary))
    blocks.append([FOOTER])
    return "\n\n".join("\n".join(block) for block in blocks if block)


def _header(summary: Summary, label: str | None) -> list[str]:
    period = summary.period
    last = period.end - timedelta(days=1)
    length = (period.end - period.start).days
    shown_start = max(period.start, summary.first_day or period.start)
    if label == "all":
        title = "everything so far"
    elif label is not None and label.endswith("d") and label[:-1].isdigit():
        title = f"last {plural(int(label[:-1]), 'day')}"
    else:
        title = fmt_range(period.start, last)
    covered = ""
    if period.observed_days < length and label != "all":
        covered = f" · diary covers {plural(period.observed_days, 'day')}"
    return [
        f"<b>📓 Your diary · {title}</b>",
        f"<i>{fmt_range(shown_start, last)}{covered} · today included</i>",
    ]


def _attack_line(stats: KindStats, word: str) -> str | None:
    if not stats.attacks:
        return None
    parts = [plural(stats.attacks, word)]
    if stats.mean_peak is not None:
        parts.append(f"peak {fmt_num(stats.mean_peak)}/10")
    if stats.mean_duration_h is not None:
        parts.append(f"{fmt_num(stats.mean_duration_h)} h")
    line = " · ".join(parts)
    return line + (" <i>(averages)</i>" if len(parts) > 1 else "")


def _headaches(period: PeriodStats) -> list[str]:
    lines = ["<b>Headaches</b>"]
    migraine = period.migraine
    lines.append(
        f"Migraine days: <b>{kind_text(migraine)}</b>"
        if migraine.days
        else f"Migraine days: none in {plural(period.observed_days, 'day')}"
    )
    if period.other.days or period.other.attacks:
        lines.append(f"Headache days, any kind: {kind_text(period.headache)}")
    for stats, word in ((period.migraine, "migraine"), (period.other, "other headache")):
        line = _attack_line(stats, word)
        if line:
            lines.append(line)
    return lines


def _medicines(period: PeriodStats) -> list[str]:
    med = period.medication
    response = period.response
    flags = overuse_lines(med.overuse)
    if not med.days and not flags and not response.overall.treated:
        return []
    lines = ["<b>Acute medicines</b>"]
    lines.append("Days with medicine: " + count_text(med.days, med.observed_days, med.per_28))
    if med.days_by_class:
        by_class = " · ".join(
            f"{class_name(c)} {plural(n, 'day')}" for c, n in med.days_by_class.items()
        )
        lines.append(by_class[0].upper() + by_class[1:])
    for flag in flags:
        icon = "ℹ️" if med.overuse.flags[0].level is ou.Level.NOTICE else "⚠️"
        lines.append(f"{icon} {flag}")
    overall = response.overall
    if overall.known:
        assert overall.pain_free_share is not None
        unknown = f"; {overall.unknown} not known" if overall.unknown else ""
        lines.append(
            f"Pain-free 2 h after a medicine: <b>{fmt_pct(overall.pain_free_share)}</b> "
            f"({overall.pain_free} of {plural(overall.known, 'treated attack')}{unknown})"
        )
        if overall.relief_share is not None:
            lines.append(
                f"Relief at 2 h (pain-free or mild): {fmt_pct(overall.relief_share)} "
                f"({overall.relief} of {overall.relief_known})"
            )
        if len(response.by_medicine) > 1:
            for name, counts in list(response.by_medicine.items())[:4]:
                if counts.known or counts.relief_known:
                    lines.append(f" • {escape(name)}: {response_text(counts)}")
    elif overall.treated:
        lines.append(
            f"2-hour response: not known yet for {plural(overall.treated, 'treated attack')}"
        )
    return lines


def _magnesium(doses: DoseStats) -> list[str]:
    if not doses.doses_taken and not doses.doses_skipped and not doses.days:
        return []
    lines = ["<b>Magnesium</b>"]
    if doses.adherence is not None:
        lines.append(
            f"Doses taken: <b>{fmt_pct(doses.adherence)}</b> "
            f"({doses.taken} of {doses.planned} planned)"
        )
    else:
        taken = plural(doses.doses_taken, "dose")
        lines.append(f"Doses taken: {taken}" + (" (no dose plan set)" if doses.days else ""))
    if doses.mean_mg_all_days is not None and doses.mean_mg_dosing_days is not None:
        line = f"Average {fmt_num(doses.mean_mg_all_days, 0)} mg a day"
        if doses.dosing_days < doses.days:
            line += f" · {fmt_num(doses.mean_mg_dosing_days, 0)} mg on days taken"
        lines.append(line)
    if doses.doses_skipped:
        lines.append(f"Skipped: {plural(doses.doses_skipped, 'dose')}")
    limit = fmt_num(UPPER_LIMIT_MG_PER_DAY, 0)
    if doses.plan_mg_per_day is not None and doses.plan_mg_per_day > UPPER_LIMIT_MG_PER_DAY:
        lines.append(
            f"ℹ️ Your plan ({fmt_num(doses.plan_mg_per_day, 0)} mg a day) is above the "
            f"{limit} mg upper limit for supplements: agree it with a clinician."
        )
    elif doses.days_above_upper_limit:
        lines.append(
            f"ℹ️ Above the {limit} mg supplement upper limit on "
            f"{plural(doses.days_above_upper_limit, 'day')}."
        )
    return lines


def _trend_word(trend: Trend) -> str:
    return f" · {trend.direction.value}" if trend.direction is not None else ""


def _sleep_anxiety(period: PeriodStats) -> list[str]:
    sleep, anxiety = period.sleep, period.anxiety
    lines: list[str] = []
    if sleep.nights:
        lines.append(f"<b>Sleep</b> ({plural(sleep.nights, 'night')})")
        if sleep.quality_mean is not None:
            lines.append(
                f"Quality {fmt_num(sleep.quality_mean)}/5{_trend_word(sleep.quality_trend)}"
            )
        if sleep.awakenings_mean is not None:
            lines.append(
                f"Awakenings {fmt_num(sleep.awakenings_mean)} a night"
                f"{_trend_word(sleep.awakenings_trend)}"
            )
        if sleep.hours_mean is not None:
            lines.append(f"Hours {fmt_num(sleep.hours_mean)} a night")
        extras = []
        if sleep.restless_legs_nights:
            extras.append(f"restless legs {plural(sleep.restless_legs_nights, 'night')}")
        if sleep.cramps_nights:
            extras.append(f"cramps {plural(sleep.cramps_nights, 'night')}")
        if extras:
            lines.append(" · ".join(extras).capitalize())
    if anxiety.mean is not None:
        lines.append(
            f"<b>Anxiety</b> {fmt_num(anxiety.mean)}/10{_trend_word(anxiety.trend)}"
            f" ({plural(anxiety.entries, 'entry')})"
        )
    return lines


def _cycle(cycle: CycleStats) -> list[str]:
    if not cycle.cycles:
        return []
    if not cycle.enough:
        return [
            f"<b>Cycle</b>: {plural(cycle.cycles, 'period start')} in these days; comparing "
            "migraine around periods needs 2 (a longer /summary, e.g. 90d, may have them)."
        ]
    return [f"<b>Cycle</b>: {cycle_text(cycle)}."]


SHOWN_TRIGGERS = 6  # associations in full, and factors not judged yet, named one by one


def _triggers(triggers: TriggerStats) -> list[str]:
    logged = [*(a.factor for a in triggers.associations), *(f for f, _ in triggers.not_enough)]
    if not logged and not triggers.noted_with_attacks:
        return []
    lines = ["<b>Triggers</b> <i>(associations, not proof of cause)</i>"]
    if triggers.associations:
        lines.append(f"Attack the next day, over {plural(triggers.diary_days, 'day of diary')}:")
        shown, rest = triggers.associations[:SHOWN_TRIGGERS], triggers.associations[SHOWN_TRIGGERS:]
        lines.extend(f" • {escape(association_text(a))}" for a in shown)
        if rest:  # ranked lower; named, so that none goes unmentioned (/report has them all)
            lines.append(
                f" • also compared (see /report): {', '.join(code_name(a.factor) for a in rest)}"
            )
    if triggers.not_enough:
        listed = ", ".join(
            f"{code_name(f)} ({plural(n, 'day')})" for f, n in triggers.not_enough[:SHOWN_TRIGGERS]
        )
        if len(triggers.not_enough) > SHOWN_TRIGGERS:
            listed += f" and {len(triggers.not_enough) - SHOWN_TRIGGERS} more"
        if triggers.enough_diary:
            need = "3+ days with it and 3+ without"
        else:
            need = f"{MIN_TRIGGER_DIARY_DAYS} days of diary, {triggers.diary_days} so far"
        lines.append(f"Logged, not enough yet to judge ({need}): {listed}")
    if triggers.noted_with_attacks:
        listed = ", ".join(f"{code_name(t)} {n}" for t, n in triggers.noted_with_attacks[:5])
        lines.append(
            f"Noted with attacks: {listed}. To compare, log them on days without a headache "
            "too (e.g. <i>2 glasses of wine</i>)."
        )
    return lines


def _midas(results: tuple[Midas, ...]) -> list[str]:
    if not results:
        return []
    previous = results[1] if len(results) > 1 else None
    return [f"<b>Disability</b>: {midas_text(results[0], previous)}"]


def _side_effects(period: PeriodStats) -> list[str]:
    effects = period.side_effects
    if not effects.entries:
        return []
    listed = ", ".join(f"{code_name(c)} {n}" for c, n in effects.counts.items())
    lines = [f"<b>Side effects</b>: {listed or plural(effects.entries, 'entry')}"]
    if effects.gi_recurring:
        lines.append(
            "💡 Stomach trouble came back within a week: splitting the dose "
            "or taking it with food often helps."
        )
    return lines


def _change(reduction: float) -> str:
    if round(reduction * 100) == 0:
        return "no change"
    return f"{fmt_pct(abs(reduction))} {'fewer' if reduction > 0 else 'more'}"


def _sleep_anxiety_before_after(summary: Summary) -> list[str]:
    """Sleep and anxiety before and on magnesium: reasons to take it too, not only migraine."""
    before, on = summary.before, summary.on
    if before is None or on is None or summary.verdict.baseline_days < MIN_BASELINE_DAYS:
        return []
    parts = []
    pairs = (
        ("sleep", before.sleep.quality_mean, on.sleep.quality_mean, "/5"),
        ("anxiety", before.anxiety.mean, on.anxiety.mean, "/10"),
    )
    for label, was, now, scale in pairs:
        if was is not None and now is not None:
            parts.append(f"{label} {fmt_num(was)} → {fmt_num(now)}{scale}")
    return [f"Before → on magnesium: {' · '.join(parts)}"] if parts else []


def verdict_needs(verdict: Verdict) -> str | None:
    """What the comparison still needs, in days (plain words); None when it has it."""
    if verdict.status == VerdictStatus.NOT_STARTED:
        missing = verdict.baseline_days_missing
        if missing:
            return (
                f"A before/after comparison needs {MIN_BASELINE_DAYS} days of diary before "
                f"magnesium ({verdict.baseline_days} so far: {plural(missing, 'more day')}) "
                f"and {MIN_DAYS_ON_MAGNESIUM // 7} weeks on it."
            )
        return (
            f"The diary has {plural(verdict.baseline_days, 'day')} before magnesium, "
            "enough for a baseline; the comparison starts with your first dose."
        )
    if verdict.status == VerdictStatus.NO_BASELINE:
        return (
            f"No baseline to compare with: a comparison needs {MIN_BASELINE_DAYS} days of "
            f"diary from before magnesium and has {verdict.baseline_days} "
            f"({plural(verdict.baseline_days_missing, 'more day')} needed). If you kept a "
            "diary before, you can add those days with their dates."
        )
    if verdict.status == VerdictStatus.TOO_EARLY and verdict.judge_from is not None:
        return (
            "Too early to judge: magnesium takes 8–12 weeks. Check again from "
            f"{fmt_date(verdict.judge_from, year=False)} "
            f"({plural(verdict.on_days_missing, 'more day')})."
        )
    return None


def _verdict(verdict: Verdict) -> list[str]:
    lines = ["<b>Is magnesium helping?</b>"]
    status = verdict.status
    needs = verdict_needs(verdict)
    if status == VerdictStatus.NOT_STARTED:
        lines.append("No magnesium dose logged yet.")
        if needs:
            lines.append(needs)
        return lines
    assert verdict.magnesium_start is not None
    since = f"since {fmt_date(verdict.magnesium_start)}"
    if status == VerdictStatus.NO_BASELINE:
        lines.append(
            f"On magnesium {since}: migraine days "
            + count_text(verdict.on_migraine_days, verdict.on_days, verdict.on_per_28)
            + "."
        )
        if needs:
            lines.append(needs + " Watch the trend in the chart.")
        return lines
    if status == VerdictStatus.NO_BASELINE_MIGRAINES:
        lines.append(
            "No migraine days were logged before magnesium, so a reduction can't be measured."
        )
        return lines
    before_after = before_after_text(verdict)
    if verdict.reduction is None or verdict.rate_ratio is None or before_after is None:
        lines.append(f"Magnesium {since}.")
        if needs:
            lines.append(needs)
        return lines
    lines.append(before_after)
    if status == VerdictStatus.TOO_EARLY:
        lines.append(
            f"So far {_change(verdict.reduction)}, after {plural(verdict.on_days, 'day')}."
        )
        if needs:
            lines.append(needs)
        lines.append(f"<i>{REGRESSION_TO_THE_MEAN}</i>")
        return lines
    assert verdict.ci_low is not None and verdict.ci_high is not None
    if status == VerdictStatus.RESPONDER:
        lines.append(f"✅ {_change(verdict.reduction)}: a <b>responder</b> (50% fewer or better).")
    elif status == VerdictStatus.PARTIAL:
        lines.append(f"{_change(verdict.reduction)}: a <b>partial response</b> (30–49% fewer).")
    else:
        lines.append(
            f"{_change(verdict.reduction)}: <b>no clear benefit</b> so far "
            "(a responder has 50% fewer)."
        )
    lines.append(
        f"Rate ratio {fmt_num(verdict.rate_ratio, 2)} "
        f"(95% CI {fmt_num(verdict.ci_low, 2)}–{fmt_num(verdict.ci_high, 2)})"
        + (
            "; unlikely to be chance."
            if verdict.ci_high < 1 or verdict.ci_low > 1
            else "; could still be chance."
        )
    )
    lines.append(f"<i>{REGRESSION_TO_THE_MEAN}</i>")
    lines.append(
        f"<i>{plural(verdict.baseline_days, 'day')} before, "
        f"{plural(verdict.on_days, 'day')} on magnesium.</i>"
    )
    return lines
