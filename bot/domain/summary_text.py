"""The /summary reply: the figures of a `Summary` as one short Telegram HTML message.

Only <b> and <i> tags; every piece of user-derived text (medicine names, codes,
the time zone) goes through `html.escape`. Short lines for a phone, figures to
one decimal, dates in the user's zone; always says it is not medical advice.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from bot.domain.medicines import MedClass
from bot.domain.stats import (
    MIN_ATTACKS_FOR_TRIGGERS,
    MIN_BASELINE_DAYS,
    UPPER_LIMIT_MG_PER_DAY,
    DoseStats,
    KindStats,
    OveruseFlag,
    PeriodStats,
    ResponseCounts,
    Summary,
    Trend,
    TriggerStats,
    Verdict,
    VerdictStatus,
)

# Below this many observed days a rate "per 28 days" says more about chance
# than about the person: show counts only.
MIN_DAYS_FOR_RATES = 7

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


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def class_name(cls: MedClass) -> str:
    return CLASS_NAMES.get(cls, cls.value.replace("_", " "))


def code_name(code: str) -> str:
    """A trigger, symptom or side-effect code in words, escaped."""
    return escape(code.replace("_", " "))


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
        rates = stats.observed_days >= MIN_DAYS_FOR_RATES
        blocks.append(_headaches(stats, rates))
        blocks.append(_medicines(stats, rates))
        blocks.append(_magnesium(stats.doses))
        blocks.append(_sleep_anxiety(stats))
        blocks.append(_triggers(stats.triggers))
        blocks.append(_side_effects(stats))
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
        f"<i>{fmt_range(shown_start, last)}{covered}</i>",
    ]


def _rate_line(label: str, stats_days: int, per_28: float | None, rates: bool) -> str:
    if stats_days == 0:
        return f"{label}: none"
    if rates and per_28 is not None:
        return f"{label}: <b>{fmt_num(per_28)}</b> per 28 days ({plural(stats_days, 'day')})"
    return f"{label}: {plural(stats_days, 'day')}"


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


def _headaches(period: PeriodStats, rates: bool) -> list[str]:
    lines = ["<b>Headaches</b>"]
    lines.append(_rate_line("Migraine days", period.migraine.days, period.migraine.per_28, rates))
    if period.headache.days or period.headache.attacks:
        lines.append(
            _rate_line("Other headache days", period.headache.days, period.headache.per_28, rates)
        )
        if period.migraine.days:
            any_days, any_rate = period.any_headache_days, period.any_headache_per_28
            lines.append(_rate_line("Any headache", any_days, any_rate, rates))
    for stats, word in ((period.migraine, "migraine"), (period.headache, "other headache")):
        line = _attack_line(stats, word)
        if line:
            lines.append(line)
    return lines


def _overuse_line(flag: OveruseFlag) -> str:
    if flag.group == "mixed":
        what = "Acute medicines of more than one kind"
    else:
        names = [class_name(c) for c in flag.classes]
        what = " and ".join(names).capitalize() if names else "Acute medicines"
    span = "the last 30 days" if flag.window_days >= 30 else f"the last {flag.window_days} days"
    if flag.level == "warning":
        return (
            f"⚠️ {what} on <b>{flag.days}</b> of {span}. On {flag.threshold}+ days a month "
            "they can cause medication-overuse headache (ICHD-3): worth raising with your doctor."
        )
    return (
        f"ℹ️ {what} on {flag.days} of {span}: close to the {flag.threshold}-day "
        "limit for medication-overuse headache."
    )


def _response_text(counts: ResponseCounts) -> str:
    parts = [f"gone {counts.gone} of {counts.known}"]
    if counts.reduced:
        parts.append(f"reduced {counts.reduced}")
    return ", ".join(parts)


def _medicines(period: PeriodStats, rates: bool) -> list[str]:
    med = period.medication
    response = period.response
    if not med.days and not med.overuse and not response.overall.treated:
        return []
    lines = ["<b>Acute medicines</b>"]
    lines.append(_rate_line("Days with medicine", med.days, med.per_28, rates))
    if med.days_by_class:
        by_class = " · ".join(
            f"{class_name(c)} {plural(n, 'day')}" for c, n in med.days_by_class.items()
        )
        lines.append(by_class[0].upper() + by_class[1:])
    lines.extend(_overuse_line(flag) for flag in med.overuse)
    overall = response.overall
    if overall.known:
        assert overall.gone_share is not None and overall.reduced_share is not None
        lines.append(
            f"Pain gone 2 h after treating: <b>{fmt_pct(overall.gone_share)}</b> "
            f"({overall.gone} of {overall.known} attacks)"
        )
        if overall.reduced:
            lines.append(
                f"Reduced but not gone: {fmt_pct(overall.reduced_share)} "
                f"({overall.reduced} of {overall.known})"
            )
        if len(response.by_medicine) > 1:
            for name, counts in list(response.by_medicine.items())[:4]:
                if counts.known:
                    lines.append(f" • {escape(name)}: {_response_text(counts)}")
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
            f" ({plural(anxiety.entries, 'entry', 'entries')})"
        )
    return lines


def _triggers(triggers: TriggerStats) -> list[str]:
    if not triggers.attacks:
        return []
    if not triggers.enough_data:
        return [
            f"<b>Triggers</b>: not enough data yet ({MIN_ATTACKS_FOR_TRIGGERS}+ attacks "
            f"needed, {triggers.attacks} so far)."
        ]
    lines = ["<b>Triggers</b>"]
    if triggers.reported:
        listed = ", ".join(f"{code_name(t)} {n}" for t, n in triggers.reported[:5])
        lines.append(f"Noted with {plural(triggers.attacks, 'attack')}: {listed}")
    else:
        lines.append("No trigger noted on 3 or more attacks.")
    link = triggers.sleep_link
    if link is None:
        lines.append("Sleep and attacks: not enough nights logged to compare.")
    else:
        word = {
            "linked": "linked",
            "possible": "possibly linked",
            "no_link": "no clear link",
        }[link.verdict]
        poor = link.poor_followed / link.poor_nights
        other = link.other_followed / link.other_nights
        lines.append(
            f"Attack the day after a poor night: {fmt_pct(poor)} "
            f"vs {fmt_pct(other)} after other nights ({word})"
        )
    return lines


def _side_effects(period: PeriodStats) -> list[str]:
    effects = period.side_effects
    if not effects.entries:
        return []
    listed = ", ".join(f"{code_name(c)} {n}" for c, n in effects.counts.items())
    lines = [f"<b>Side effects</b>: {listed or plural(effects.entries, 'entry', 'entries')}"]
    if effects.gi_recurring:
        lines.append(
            "💡 Stomach trouble came back within a week: splitting the dose "
            "or taking it with food often helps."
        )
    return lines


def _before_after(verdict: Verdict) -> str:
    before = verdict.baseline_per_28
    on = verdict.on_per_28
    assert before is not None and on is not None
    return (
        f"Migraine days per 28 days: {fmt_num(before)} before → <b>{fmt_num(on)}</b> on magnesium"
    )


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


def _verdict(verdict: Verdict) -> list[str]:
    lines = ["<b>Is magnesium helping?</b>"]
    status = verdict.status
    if status == VerdictStatus.NOT_STARTED:
        lines.append("No magnesium dose logged yet: the comparison starts with your first dose.")
        return lines
    assert verdict.magnesium_start is not None
    on_weeks = verdict.on_days // 7
    since = f"since {fmt_date(verdict.magnesium_start)}"
    if status == VerdictStatus.NO_BASELINE:
        if verdict.on_per_28 is not None and verdict.on_days >= MIN_DAYS_FOR_RATES:
            lines.append(
                f"On magnesium {since}: {fmt_num(verdict.on_per_28)} migraine days per 28 days."
            )
        lines.append(
            f"No baseline to compare with: the diary has less than {MIN_BASELINE_DAYS} days "
            "from before magnesium. Watch the trend in the chart."
        )
        return lines
    if status == VerdictStatus.NO_BASELINE_MIGRAINES:
        lines.append(
            "No migraine days were logged before magnesium, so a reduction can't be measured."
        )
        return lines
    if verdict.reduction is None or verdict.rate_ratio is None:
        lines.append(f"Too early to judge: magnesium {since}. It takes 8–12 weeks to work.")
        return lines
    lines.append(_before_after(verdict))
    if status == VerdictStatus.TOO_EARLY:
        assert verdict.judge_from is not None
        lines.append(
            f"So far {_change(verdict.reduction)}, after {plural(on_weeks, 'week')}. "
            f"Too early to judge: magnesium takes 8–12 weeks. "
            f"Check again from {fmt_date(verdict.judge_from, year=False)}."
        )
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
    lines.append(
        f"<i>{plural(verdict.baseline_days, 'day')} before, "
        f"{plural(verdict.on_days, 'day')} on magnesium.</i>"
    )
    return lines
