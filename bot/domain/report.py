"""The /report PDF: the person's diary laid out for a clinician (fpdf2).

Page 1: who, since when, the dose plan, the figures for the last 90 days next
to before / on magnesium, the responder assessment, medication overuse and the
2-hour response by medicine. Then the chart, the dated table of attacks of the
last 90 days and the doses week by week. Every page carries the "not medical
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

from bot.domain.chart import render_chart
from bot.domain.diary import Diary
from bot.domain.stats import (
    MIN_BASELINE_DAYS,
    UPPER_LIMIT_MG_PER_DAY,
    AttackRow,
    DoseStats,
    PeriodStats,
    Summary,
    Verdict,
    VerdictStatus,
    attack_rows,
    dose_weeks,
    summarize,
)
from bot.domain.summary_text import class_name, fmt_date, fmt_num, fmt_pct

REPORT_DAYS = 90
CHART_MAX_DAYS = 365
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
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{FOOTER}   Page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def render_report_pdf(diary: Diary, now: datetime, *, compress: bool = True) -> bytes:
    """The clinician's report as PDF bytes (`compress=False` keeps content streams readable)."""
    tz = diary.zone
    today = now.astimezone(tz).date()
    end = today + timedelta(days=1)
    start = end - timedelta(days=REPORT_DAYS)
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
    _heading(pdf, "Is magnesium helping?")
    for line in _verdict_lines(summary.verdict):
        _paragraph(pdf, line)
    _heading(pdf, "Acute medicines (last 90 days)")
    for line in _medicine_lines(summary.period):
        _paragraph(pdf, line)
    _response_table(pdf, summary.period)
    _heading(pdf, "Triggers, sleep and side effects (last 90 days)")
    for line in _other_lines(summary.period):
        _paragraph(pdf, line)

    chart_start = max(summary.first_day or start, end - timedelta(days=CHART_MAX_DAYS))
    png = render_chart(diary, chart_start, end, now)
    if png is not None:
        if pdf.will_page_break(pdf.epw + 15):  # the square chart plus its heading
            pdf.add_page()
        _heading(pdf, f"Chart: {fmt_date(chart_start)} to {fmt_date(today)}")
        pdf.image(io.BytesIO(png), w=pdf.epw)

    rows = attack_rows(diary, start, end, now)
    pdf.add_page()
    _heading(pdf, f"Attacks, last {REPORT_DAYS} days ({len(rows)})")
    if rows:
        _attack_table(pdf, rows)
    else:
        _paragraph(pdf, "No attacks logged in the last 90 days.")

    _heading(pdf, "Magnesium doses by week (last 90 days)")
    _dose_table(pdf, dose_weeks(diary, start, end, now))
    return bytes(pdf.output())


# ---------------------------------------------------------------- building blocks


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(
    pdf: FPDF,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = 8.5,
) -> None:
    pdf.set_font(FONT, "", size)
    style = FontFace(emphasis="BOLD", fill_color=(232, 236, 240))
    with pdf.table(
        col_widths=tuple(widths),
        width=pdf.epw,
        text_align="LEFT",
        headings_style=style,
        line_height=size * 0.5,
        padding=1,
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(clean(value))
    pdf.set_font(FONT, "", 9)


def _title(pdf: FPDF, diary: Diary, summary: Summary, now: datetime) -> None:
    local_now = now.astimezone(diary.zone)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, "Headache and magnesium diary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
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


def _per28(value: float | None) -> str:
    return "–" if value is None else fmt_num(value)


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


def _figure_column(stats: PeriodStats | None) -> list[str]:
    if stats is None:
        return ["–"] * len(_FIGURE_LABELS)
    last = stats.end - timedelta(days=1)
    shown_start = last - timedelta(days=max(stats.observed_days, 1) - 1)
    response = stats.response.overall
    return [
        f"{fmt_date(shown_start)} – {fmt_date(last)}" if stats.observed_days else "–",
        str(stats.observed_days),
        _per28(stats.migraine.per_28),
        _per28(stats.headache.per_28),
        _per28(stats.any_headache_per_28),
        str(stats.migraine.attacks),
        _opt(stats.migraine.mean_peak),
        _opt(stats.migraine.mean_duration_h),
        _per28(stats.medication.per_28),
        _share(response.gone, response.known),
        _share(response.reduced, response.known),
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
    "Migraine days / 28 d",
    "Other headache days / 28 d",
    "Any headache days / 28 d",
    "Migraine attacks",
    "Mean peak pain (0–10)",
    "Mean duration, h (ended)",
    "Acute-medication days / 28 d",
    "Pain-free at 2 h (treated)",
    "Pain reduced at 2 h (not free)",
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
    _table(pdf, header, rows, (52, 44, 42, 42))


def _verdict_lines(verdict: Verdict) -> list[str]:
    status = verdict.status
    if status == VerdictStatus.NOT_STARTED:
        return ["No magnesium dose logged: no comparison."]
    if status == VerdictStatus.NO_BASELINE:
        return [
            f"No baseline: {verdict.baseline_days} observed days before magnesium "
            f"(at least {MIN_BASELINE_DAYS} needed)."
        ]
    if status == VerdictStatus.NO_BASELINE_MIGRAINES:
        return ["No migraine days logged before magnesium: a reduction cannot be measured."]
    lines = [
        f"Migraine days per 28 days: {_per28(verdict.baseline_per_28)} before magnesium "
        f"({verdict.baseline_migraine_days} in {verdict.baseline_days} days), "
        f"{_per28(verdict.on_per_28)} on magnesium "
        f"({verdict.on_migraine_days} in {verdict.on_days} days)."
    ]
    if (
        verdict.rate_ratio is not None
        and verdict.ci_low is not None
        and verdict.ci_high is not None
    ):
        lines.append(
            f"Rate ratio {fmt_num(verdict.rate_ratio, 2)} (95% CI {fmt_num(verdict.ci_low, 2)}–"
            f"{fmt_num(verdict.ci_high, 2)}, Poisson approximation)."
        )
    reduction = (
        f"{fmt_pct(abs(verdict.reduction))} {'fewer' if verdict.reduction >= 0 else 'more'}"
        if verdict.reduction is not None
        else ""
    )
    text = {
        VerdictStatus.TOO_EARLY: f"Too early to judge ({verdict.on_days} days on magnesium, "
        f"56 needed); so far {reduction}.",
        VerdictStatus.RESPONDER: f"Responder: {reduction} migraine days (threshold 50%).",
        VerdictStatus.PARTIAL: f"Partial response: {reduction} migraine days (30–49%).",
        VerdictStatus.NO_RESPONSE: f"Not a responder: {reduction} migraine days "
        "(responder: 50% fewer).",
    }[status]
    lines.append(text)
    return lines


def _medicine_lines(stats: PeriodStats) -> list[str]:
    med = stats.medication
    lines = []
    if med.days_by_class:
        by_class = ", ".join(f"{class_name(c)} {n} d" for c, n in med.days_by_class.items())
        lines.append(f"Acute-medication days: {med.days} ({by_class}).")
    else:
        lines.append("No acute medicines logged.")
    for flag in med.overuse:
        names = (
            "several classes (ICHD-3 8.2.6)"
            if flag.group == "mixed"
            else ", ".join(class_name(c) for c in flag.classes)
        )
        kind = "WARNING" if flag.level == "warning" else "Notice"
        lines.append(
            f"{kind}: {names} on {flag.days} of the last {flag.window_days} days; ICHD-3 "
            f"medication-overuse threshold {flag.threshold} days/month (over > 3 months)."
        )
    if not med.overuse and med.days:
        lines.append("No ICHD-3 medication-overuse threshold reached in the last 30 days.")
    return lines


def _response_table(pdf: FPDF, stats: PeriodStats) -> None:
    response = stats.response
    if not response.overall.treated:
        return
    rows = [
        [
            name,
            str(c.treated),
            str(c.known),
            _share(c.gone, c.known),
            _share(c.reduced, c.known),
        ]
        for name, c in response.by_medicine.items()
    ]
    o = response.overall
    rows.append(
        ["All", str(o.treated), str(o.known), _share(o.gone, o.known), _share(o.reduced, o.known)]
    )
    pdf.ln(1)
    header = ["First acute medicine", "Treated", "2 h known", "Pain-free 2 h", "Reduced 2 h"]
    _table(pdf, header, rows, (50, 25, 25, 40, 40))


def _other_lines(stats: PeriodStats) -> list[str]:
    lines = []
    triggers = stats.triggers
    if not triggers.enough_data:
        lines.append(
            f"Triggers: not enough data ({triggers.attacks} attacks; 6 needed for a summary)."
        )
    else:
        listed = ", ".join(f"{t.replace('_', ' ')} {n}" for t, n in triggers.reported)
        lines.append(f"Triggers noted on 3+ of {triggers.attacks} attacks: {listed or 'none'}.")
        link = triggers.sleep_link
        if link is None:
            lines.append("Poor sleep vs attacks: too few nights logged.")
        else:
            lines.append(
                f"Attack the day after a poor night (quality <= 2 or < 6 h): "
                f"{link.poor_followed}/{link.poor_nights}, after other nights "
                f"{link.other_followed}/{link.other_nights}; risk ratio "
                f"{fmt_num(link.risk_ratio, 2)} (95% CI {fmt_num(link.ci_low, 2)}–"
                f"{fmt_num(link.ci_high, 2)})."
            )
    sleep = stats.sleep
    if sleep.nights:
        trend = sleep.quality_trend.direction
        lines.append(
            f"Sleep: {sleep.nights} nights, quality {_opt(sleep.quality_mean)}/5"
            + (f" ({trend.value})" if trend else "")
            + f", restless legs {sleep.restless_legs_nights}, cramps {sleep.cramps_nights}."
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
            ", ".join(s.replace("_", " ") for s in r.symptoms),
            ", ".join(t.replace("_", " ") for t in r.triggers),
            ", ".join(r.medicines),
            r.response_2h or "–",
        ]
        for r in rows
    ]
    header = ["Start", "Duration", "Peak", "Symptoms", "Triggers", "Medicines", "2 h"]
    _table(pdf, header, body, (30, 19, 10, 40, 30, 36, 15), size=7.5)


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
        _paragraph(pdf, "No doses logged in the last 90 days.")
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
