"""The /report PDF: the person's diary laid out for a clinician (fpdf2).

Page 1: who, since when, the dose plan, the figures for the last 90 days next
to before / on magnesium, the responder assessment (with its method),
medication overuse and the 2-hour response by medicine; then triggers, the
menstrual cycle, MIDAS, sleep and side effects; the chart of the same 90
days, the dated table of attacks and the doses week by week, each flowing on
from the one before (no half-empty pages). Every figure comes from the same
`stats.summarize` as /summary and the chart, so they agree. Text is at least
9 pt, so it reads on a phone too. Every page carries the "not medical
advice" footer.

Text is set in DejaVu Sans, which matplotlib ships, so accents and most
scripts work; characters the font lacks (emoji, mostly) become "?" instead of
breaking the layout.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from bot.domain import codes
from bot.domain import overuse as ou
from bot.domain.chart import render_chart
from bot.domain.diary import Diary
from bot.domain.stats import (
    MIN_DAYS_ON_MAGNESIUM,
    MIN_TRIGGER_DIARY_DAYS,
    UPPER_LIMIT_MG_PER_DAY,
    AttackRow,
    DoseStats,
    KindStats,
    PeriodStats,
    ResponseCounts,
    Summary,
    Verdict,
    VerdictStatus,
    attack_rows,
    dose_weeks,
    summarize,
)
from bot.domain.summary_text import (
    CI_METHOD,
    REGRESSION_TO_THE_MEAN,
    association_text,
    before_after_text,
    class_name,
    count_text,
    cycle_text,
    factor_name,
    fmt_date,
    fmt_num,
    fmt_pct,
    kind_text,
    midas_text,
    overuse_lines,
    plural,
    verdict_needs,
)

REPORT_DAYS = 90
BODY_PT = 9.0  # the smallest text anywhere in the report
CHART_MIN_MM = 90.0  # a chart shorter than this goes to the next page instead
FONT = "DejaVu"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_REGULAR = _FONT_DIR / "DejaVuSans.ttf"
_BOLD = _FONT_DIR / "DejaVuSans-Bold.ttf"
FOOTER = "Kept by the patient with magbot. A diary summary, not medical advice."


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    with TTFont(str(_REGULAR), lazy=True) as font:
        return frozenset(font.getBestCmap())


def clean(text: str) -> str:
    """`text` with only characters the font can draw: others become "?" (or vanish).

    Invisible format characters (zero-width joiners, variation selectors)
    vanish, so an emoji sequence becomes one "?".
    """
    glyphs = _glyphs()
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in "\n\t" or (ord(char) in glyphs and category != "Cf"):
            out.append(char)
        elif category not in ("Cf", "Mn", "Cc"):
            out.append("?")
    return "".join(out)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", BODY_PT)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{FOOTER}   Page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def render_report_pdf(diary: Diary, now: datetime, *, compress: bool = True) -> bytes:
    """The clinician's report as PDF bytes (`compress=False` keeps content streams readable)."""
    tz = diary.zone
    today = now.astimezone(tz).date()
    start, end = report_bounds(diary, now)
    summary = summarize(diary, start, end, now)

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_title("Headache and magnesium diary")
    pdf.set_creator("magbot")
    pdf.add_font(FONT, "", str(_REGULAR))
    pdf.add_font(FONT, "B", str(_BOLD))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()

    _title(pdf, diary, summary, now)
    if not summary.has_data:
        _paragraph(pdf, "Nothing has been logged yet.")
        return bytes(pdf.output())

    _heading(pdf, "Figures")
    _figures_table(pdf, summary)
    _paragraph(
        pdf,
        f"Today ({fmt_date(today)}) is included in every figure. Rates per 28 days are "
        "given from 28 observed days on; below that, counts and the days observed. "
        "Migraine and headache days as defined by the IHS (2020): an attack of 30 minutes "
        "or more, or a migraine-specific acute medicine that day.",
    )
    _heading(pdf, "Is magnesium helping?")
    for line in verdict_lines(summary.verdict):
        _paragraph(pdf, line)
    _heading(pdf, f"Acute medicines (last {REPORT_DAYS} days)")
    for line in _medicine_lines(summary.period):
        _paragraph(pdf, line)
    _overuse_table(pdf, summary.period)
    _response_table(pdf, summary.period)
    _heading(pdf, "Triggers, cycle, disability, sleep and side effects")
    for line in _other_lines(summary):
        _paragraph(pdf, line)

    png = render_chart(diary, start, end, now, summary=summary)
    if png is not None:
        _chart(pdf, png, f"Chart: {fmt_date(summary.period.start)} to {fmt_date(today)}")

    rows = attack_rows(diary, start, end, now)
    _heading(pdf, f"Attacks, last {REPORT_DAYS} days ({len(rows)})")
    if rows:
        _attack_table(pdf, rows)
    else:
        _paragraph(pdf, f"No attacks logged in the last {REPORT_DAYS} days.")

    _heading(pdf, f"Magnesium doses by week (last {REPORT_DAYS} days)")
    _dose_table(pdf, dose_weeks(diary, start, end, now))
    return bytes(pdf.output())


def report_bounds(diary: Diary, now: datetime) -> tuple[date, date]:
    """The report's period: the last 90 days, today included (as `/summary 90d`)."""
    today = now.astimezone(diary.zone).date()
    end = today + timedelta(days=1)
    return end - timedelta(days=REPORT_DAYS), end


def _chart(pdf: FPDF, png: bytes, title: str) -> None:
    """The chart under its heading, shrunk to the room left on the page, or on the next."""
    with Image.open(io.BytesIO(png)) as image:
        width_px, height_px = image.size
    full_h = pdf.epw * height_px / width_px
    heading_h = 10.0
    room = pdf.h - pdf.b_margin - pdf.get_y() - heading_h
    if room < min(full_h, CHART_MIN_MM):
        pdf.add_page()
        room = pdf.h - pdf.b_margin - pdf.get_y() - heading_h
    h = min(full_h, room)
    w = h * width_px / height_px
    _heading(pdf, title)
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - w) / 2, w=w, h=h)


# ---------------------------------------------------------------- building blocks


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", BODY_PT)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", BODY_PT)
    pdf.multi_cell(0, 4.6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(
    pdf: FPDF,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> None:
    pdf.set_font(FONT, "", BODY_PT)
    style = FontFace(emphasis="BOLD", fill_color=(232, 236, 240))
    with pdf.table(
        col_widths=tuple(widths),
        width=pdf.epw,
        text_align="LEFT",
        headings_style=style,
        line_height=BODY_PT * 0.5,
        padding=1,
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(clean(value))
    pdf.set_font(FONT, "", BODY_PT)


def _title(pdf: FPDF, diary: Diary, summary: Summary, now: datetime) -> None:
    local_now = now.astimezone(diary.zone)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, "Headache and magnesium diary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", BODY_PT)
    lines = [
        f"Generated {fmt_date(local_now.date())} {local_now:%H:%M}, times in {diary.tz}.",
    ]
    if summary.first_day is not None:
        lines.append(f"Diary kept since {fmt_date(summary.first_day)}.")
    if summary.magnesium_start is not None:
        how = "as set by the patient" if diary.magnesium_start else "first logged dose"
        lines.append(f"Magnesium since {fmt_date(summary.magnesium_start)} ({how}).")
    else:
        lines.append("No magnesium dose logged.")
    plan = sorted(diary.dose_plan, key=lambda p: p.local_time)
    if plan:
        doses = ", ".join(
            f"{fmt_num(p.amount_mg, 0) + ' mg' if p.amount_mg is not None else 'a dose'} "
            f"at {p.local_time:%H:%M}"
            for p in plan
        )
        total = sum(p.amount_mg or 0 for p in plan)
        lines.append(
            f"Current dose plan (elemental magnesium): {doses}; {fmt_num(total, 0)} mg a day."
        )
    else:
        lines.append("No dose plan set.")
    for line in lines:
        _paragraph(pdf, line)


def _opt(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else fmt_num(value, decimals)


def _share(part: int, whole: int) -> str:
    return "–" if not whole else f"{fmt_pct(part / whole)} ({part}/{whole})"


def _adherence(doses: DoseStats) -> str:
    if doses.adherence is None:
        return "–"
    return f"{fmt_pct(doses.adherence)} ({doses.taken}/{doses.planned})"


def _mg(doses: DoseStats) -> str:
    if doses.mean_mg_all_days is None:
        return "–"
    return f"{fmt_num(doses.mean_mg_all_days, 0)} / {_opt(doses.mean_mg_dosing_days, 0)}"


def _days(stats: KindStats) -> str:
    return kind_text(stats)


def _figure_column(stats: PeriodStats | None) -> list[str]:
    if stats is None:
        return ["–"] * len(_FIGURE_LABELS)
    last = stats.end - timedelta(days=1)
    shown_start = last - timedelta(days=max(stats.observed_days, 1) - 1)
    response = stats.response.overall
    med = stats.medication
    return [
        f"{fmt_date(shown_start)} – {fmt_date(last)}" if stats.observed_days else "–",
        str(stats.observed_days),
        _days(stats.migraine),
        _days(stats.headache),
        str(stats.migraine.attacks),
        _opt(stats.migraine.mean_peak),
        _opt(stats.migraine.mean_duration_h),
        count_text(med.days, med.observed_days, med.per_28),
        _share(response.pain_free, response.known),
        _share(response.relief, response.relief_known),
        _adherence(stats.doses),
        _mg(stats.doses),
        _opt(stats.sleep.quality_mean),
        _opt(stats.sleep.awakenings_mean),
        _opt(stats.sleep.hours_mean),
        _opt(stats.anxiety.mean),
        str(stats.side_effects.entries),
    ]


_FIGURE_LABELS = (
    "Period",
    "Days observed",
    "Migraine days",
    "Headache days (any)",
    "Migraine attacks",
    "Mean peak pain (0–10)",
    "Mean duration, h (ended)",
    "Acute-medication days",
    "Pain-free at 2 h (treated)",
    "Relief at 2 h",
    "Dose adherence",
    "Magnesium mg/day (all / dosing days)",
    "Sleep quality (1–5)",
    "Awakenings per night",
    "Sleep hours",
    "Anxiety (0–10)",
    "Side-effect entries",
)


def _figures_table(pdf: FPDF, summary: Summary) -> None:
    columns = [
        _figure_column(summary.period),
        _figure_column(summary.before),
        _figure_column(summary.on),
    ]
    rows = [[label, *(column[i] for column in columns)] for i, label in enumerate(_FIGURE_LABELS)]
    header = ["", f"Last {REPORT_DAYS} days", "Before magnesium", "On magnesium"]
    _table(pdf, header, rows, (48, 44, 44, 44))


def verdict_lines(verdict: Verdict) -> list[str]:
    """The responder assessment as the report words it (plain text)."""
    status = verdict.status
    needs = verdict_needs(verdict)
    if status == VerdictStatus.NOT_STARTED:
        return ["No magnesium dose logged: no comparison.", *([needs] if needs else [])]
    if status == VerdictStatus.NO_BASELINE:
        on = count_text(verdict.on_migraine_days, verdict.on_days, verdict.on_per_28)
        return [f"Migraine days on magnesium: {on}.", *([needs] if needs else [])]
    if status == VerdictStatus.NO_BASELINE_MIGRAINES:
        return ["No migraine days logged before magnesium: a reduction cannot be measured."]
    lines = []
    before_after = before_after_text(verdict)
    if before_after is not None:
        lines.append(
            f"{before_after} ({verdict.baseline_migraine_days} in "
            f"{plural(verdict.baseline_days, 'day')} before, {verdict.on_migraine_days} in "
            f"{plural(verdict.on_days, 'day')} on)."
        )
    if (
        verdict.rate_ratio is not None
        and verdict.ci_low is not None
        and verdict.ci_high is not None
    ):
        lines.append(
            f"Rate ratio {fmt_num(verdict.rate_ratio, 2)} (95% CI {fmt_num(verdict.ci_low, 2)}–"
            f"{fmt_num(verdict.ci_high, 2)}; {CI_METHOD}, dispersion "
            f"{fmt_num(verdict.dispersion, 2)})."
        )
    reduction = (
        f"{fmt_pct(abs(verdict.reduction))} {'fewer' if verdict.reduction >= 0 else 'more'}"
        if verdict.reduction is not None
        else ""
    )
    text = {
        VerdictStatus.TOO_EARLY: f"Too early to judge ({plural(verdict.on_days, 'day')} on "
        f"magnesium, {MIN_DAYS_ON_MAGNESIUM} needed); so far {reduction}.",
        VerdictStatus.RESPONDER: f"Responder: {reduction} migraine days (threshold 50%).",
        VerdictStatus.PARTIAL: f"Partial response: {reduction} migraine days (30–49%).",
        VerdictStatus.NO_RESPONSE: f"Not a responder: {reduction} migraine days "
        "(responder: 50% fewer).",
    }[status]
    lines.append(text)
    if status == VerdictStatus.TOO_EARLY and needs:
        lines.append(needs)
    lines.append(REGRESSION_TO_THE_MEAN)
    return lines


def _medicine_lines(stats: PeriodStats) -> list[str]:
    med = stats.medication
    lines = []
    if med.days_by_class:
        by_class = ", ".join(
            f"{class_name(c)} {plural(n, 'day')}" for c, n in med.days_by_class.items()
        )
        lines.append(
            f"Acute-medication days: {count_text(med.days, med.observed_days, med.per_28)}; "
            f"{by_class}."
        )
    else:
        lines.append("No acute medicines logged.")
    flags = overuse_lines(med.overuse)
    lines.extend(flags)
    if not flags and med.days:
        lines.append("No ICHD-3 medication-overuse limit reached in the last 28 days.")
    return lines


def _overuse_table(pdf: FPDF, stats: PeriodStats) -> None:
    """Medicine days per ICHD-3 class in the last three 28-day windows."""
    windows = stats.medication.overuse.windows
    groups = [g for g in ou.Group if any(w.days.get(g) for w in windows)]
    if not groups:
        return
    header = ["28-day window", *(ou.group_name(g) for g in groups), "ICHD-3 8.2"]
    rows = []
    for w in windows:
        flags = w.flags
        status = "risk" if w.at_risk else "close to a limit" if flags else "below the limits"
        rows.append(
            [
                f"{fmt_date(w.start)} – {fmt_date(w.end - timedelta(days=1))}",
                *(str(w.days.get(g, 0)) for g in groups),
                status,
            ]
        )
    first = 40.0
    last = 30.0
    rest = (180.0 - first - last) / len(groups)
    pdf.ln(1)
    _table(pdf, header, rows, (first, *([rest] * len(groups)), last))
    _paragraph(
        pdf,
        "Limits: triptans, ergots, opioids, combination painkillers 10 days each; simple "
        "painkillers and NSAIDs together 15; several kinds together 10 (8.2.6). "
        "Three windows in a row over a limit: the 3-month pattern.",
    )


def _response_row(name: str, c: ResponseCounts) -> list[str]:
    return [
        name,
        str(c.treated),
        _share(c.pain_free, c.known),
        str(c.not_pain_free),
        str(c.unknown),
        _share(c.relief, c.relief_known),
    ]


def _response_table(pdf: FPDF, stats: PeriodStats) -> None:
    response = stats.response
    if not response.overall.treated:
        return
    rows = [_response_row(name, c) for name, c in response.by_medicine.items()]
    rows.append(_response_row("All attacks (first medicine)", response.overall))
    pdf.ln(1)
    header = [
        "2 h after the medicine",
        "Treated",
        "Pain-free",
        "Not pain-free",
        "Unknown",
        "Relief",
    ]
    _table(pdf, header, rows, (50, 20, 30, 28, 22, 30))
    _paragraph(
        pdf,
        "IHS 2019, timed from each medicine: pain-free when the pain was gone by 2 h; "
        "not pain-free when the attack went on past 2 h or pain was reported from 1.5 h; "
        "relief (pain-free included) when moderate or severe pain was mild or gone at "
        "1.5–2.5 h. Unknown only when nothing was logged that says.",
    )


def _other_lines(summary: Summary) -> list[str]:
    stats = summary.period
    lines = []
    triggers = summary.triggers
    if triggers.associations:
        lines.append(
            f"Trigger associations over {plural(triggers.diary_days, 'day')} of diary "
            "(attack starting the next day, after days with the factor vs without; "
            "associations, not causes):"
        )
        lines.extend(f"  {association_text(a)}." for a in triggers.associations)
    if triggers.not_enough:
        listed = ", ".join(f"{factor_name(f)} ({plural(n, 'day')})" for f, n in triggers.not_enough)
        need = (
            "3+ days with and without each"
            if triggers.enough_diary
            else f"{MIN_TRIGGER_DIARY_DAYS} days of diary, {triggers.diary_days} so far"
        )
        lines.append(f"Logged, not enough to judge ({need}): {listed}.")
    if triggers.noted_with_attacks:
        listed = ", ".join(f"{factor_name(t)} {n}" for t, n in triggers.noted_with_attacks)
        lines.append(f"Triggers noted with attacks (not a comparison): {listed}.")
    if not (triggers.associations or triggers.not_enough or triggers.noted_with_attacks):
        lines.append("No triggers logged.")
    cycle = stats.cycle
    if cycle.enough:
        lines.append(
            f"Menstrual cycle (days -2 to +3 around day 1, ICHD-3 A1.1.1): {cycle_text(cycle)}."
        )
    elif cycle.cycles:
        lines.append(
            f"Menstrual cycle: {plural(cycle.cycles, 'period start')} logged; 2 needed to compare."
        )
    for index, result in enumerate(summary.midas):
        label = "Disability, latest" if index == 0 else "Earlier"
        lines.append(f"{label}: {midas_text(result)} (days lost in the 3 months before).")
    sleep = stats.sleep
    if sleep.nights:
        trend = sleep.quality_trend.direction
        lines.append(
            f"Sleep: {plural(sleep.nights, 'night')}, quality {_opt(sleep.quality_mean)}/5"
            + (f" ({trend.value})" if trend else "")
            + f", restless legs {plural(sleep.restless_legs_nights, 'night')}, "
            f"cramps {plural(sleep.cramps_nights, 'night')}."
        )
    effects = stats.side_effects
    if effects.entries:
        listed = ", ".join(f"{c.replace('_', ' ')} {n}" for c, n in effects.counts.items())
        lines.append(f"Side effects: {listed}.")
        if effects.gi_recurring:
            lines.append("Gastrointestinal effects recurred within 7 days.")
    else:
        lines.append("No side effects logged.")
    return lines


def _hours(value: float | None) -> str:
    if value is None:
        return "open"
    hours, minutes = divmod(round(value * 60), 60)
    return f"{hours} h {minutes:02d}" if hours else f"{minutes} min"


def _attack_table(pdf: FPDF, rows: Sequence[AttackRow]) -> None:
    body = [
        [
            f"{fmt_date(r.started_at.date())} {r.started_at:%H:%M}"
            + (" (headache)" if r.kind == "headache" else ""),
            _hours(r.duration_h),
            "–" if r.peak is None else str(r.peak),
            ", ".join(codes.word(s) for s in r.symptoms),
            ", ".join(codes.word(t) for t in r.triggers),
            ", ".join(r.medicines),
            "–" if r.response is None else r.response.label,
        ]
        for r in rows
    ]
    header = ["Start", "Duration", "Peak", "Symptoms", "Triggers", "Medicines", "2 h"]
    _table(pdf, header, body, (33, 20, 11, 34, 28, 30, 24))


def _dose_table(pdf: FPDF, weeks: Sequence[tuple[date, date, DoseStats]]) -> None:
    rows = [
        [
            f"{fmt_date(first)} – {fmt_date(stop - timedelta(days=1))}",
            f"{d.doses_taken}",
            f"{d.doses_skipped}",
            _adherence(d),
            _opt(d.mean_mg_all_days, 0),
            str(d.days_above_upper_limit) if d.days_above_upper_limit else "",
        ]
        for first, stop, d in weeks
        if d.doses_taken or d.doses_skipped or d.days
    ]
    if not rows:
        _paragraph(pdf, f"No doses logged in the last {REPORT_DAYS} days.")
        return
    header = [
        "Week",
        "Taken",
        "Skipped",
        "Adherence",
        "Mean mg/day",
        f"Days > {UPPER_LIMIT_MG_PER_DAY:g} mg",
    ]
    _table(pdf, header, rows, (52, 20, 20, 35, 28, 25))
