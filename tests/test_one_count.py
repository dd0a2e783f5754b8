"""One count everywhere: /summary, the chart and the /report PDF agree on every figure.

All three are rendered from one diary for the same 90 days (the report's
period), at noon, with a migraine today and today's evening dose not due yet,
so today is treated the same way in all three.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.domain.chart import chart_data, render_chart
from bot.domain.diary import Attack, MedicationTaken
from bot.domain.report import render_report_pdf, report_bounds
from bot.domain.stats import summarize
from bot.domain.summary_text import before_after_text, kind_text, render_summary
from tests.diarygen import generate
from tests.test_report import pdf_pages


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_summary_chart_and_report_show_the_same_figures() -> None:
    diary, _, evening = generate(seed=5, headache_per_28=2.0)
    now = evening.replace(hour=10, minute=0)  # 12:00 in Berlin: today's 21:30 dose not due
    today = now.astimezone(diary.zone)
    attack = Attack(
        len(diary.attacks) + 1, today - timedelta(hours=1), today - timedelta(minutes=10)
    )
    diary = replace(
        diary,
        attacks=[*diary.attacks, attack],
        medications=[
            *diary.medications,
            MedicationTaken("sumatriptan", today - timedelta(minutes=50), attack_id=attack.id),
        ],
    )
    start, end = report_bounds(diary, now)
    assert (end - start).days == 90
    summary = summarize(diary, start, end, now)
    period = summary.period

    text = _flat(_visible(render_summary(summary, "90d")))
    pdf = _flat("\n".join(pdf_pages(render_report_pdf(diary, now, compress=False))))
    chart = chart_data(diary, start, end, now)
    assert chart is not None and render_chart(diary, start, end, now) is not None
    headline = _flat(" ".join(chart.headline))

    # today's migraine counts in every view
    assert period.migraine.days >= 1 and chart.series.migraine[-1]

    migraine = kind_text(period.migraine)
    assert f"Migraine days: {migraine}" in text
    assert migraine in pdf
    assert migraine in headline
    assert sum(chart.migraine_per_bin) == period.migraine.days  # weekly bars add up

    before_after = before_after_text(summary.verdict)
    assert before_after is not None
    assert before_after in text and before_after in pdf and before_after in headline

    headache = kind_text(period.headache)
    assert f"Headache days, any kind: {headache}" in text
    assert headache in pdf
    other = sum(chart.other_per_bin)
    assert other == period.headache.days - period.migraine.days

    response = period.response.overall
    assert response.known
    assert f"({response.pain_free} of {response.known} treated attacks" in text
    assert f"({response.pain_free}/{response.known})" in pdf
    assert f"({response.relief} of {response.relief_known})" in text
    assert f"({response.relief}/{response.relief_known})" in pdf

    doses = period.doses
    assert f"({doses.taken} of {doses.planned} planned)" in text
    assert f"({doses.taken}/{doses.planned})" in pdf
    # and each says how today is treated
    assert "today included" in text
    assert "is included in every figure" in pdf

    verdict = summary.verdict
    assert verdict.ci_low is not None and verdict.ci_high is not None
    ci = f"95% CI {verdict.ci_low:.2f}–{verdict.ci_high:.2f}"
    assert ci in text and ci in pdf
