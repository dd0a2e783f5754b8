"""The /summary text: one valid Telegram HTML message that reads well on a phone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest

from bot.domain.diary import (
    Attack,
    Diary,
    Dose,
    FactorDay,
    MedicationTaken,
    PlannedDose,
    SideEffect,
    Sleep,
)
from bot.domain.midas import Midas
from bot.domain.stats import period_bounds, summarize
from bot.domain.summary_text import fmt_num, render_summary
from tests.diarygen import generate, local

TZ = "Europe/Berlin"
NOW = local(date(2025, 6, 14), "23:30")


def text_for(diary: Diary, period: str = "30d", now: datetime = NOW) -> str:
    return render_summary(summarize(diary, *period_bounds(diary, period, now), now), period)


class _TagCheck(HTMLParser):
    """Collects tags and checks that they nest, as Telegram's HTML parser demands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(text: str) -> str:
    """Assert Telegram would accept the text; return its visible text."""
    parser = _TagCheck()
    parser.feed(text)
    parser.close()
    assert parser.tags <= {"b", "i"}
    assert not parser.stack
    assert len(text) < 4096
    return "".join(parser.text)


def busy_diary() -> Diary:
    """Everything at once: overuse, GI effects, triggers, odd user text."""
    diary, _, _ = generate(seed=11, headache_per_28=3.0)
    first = date(2025, 7, 1)
    extra_meds = [
        MedicationTaken("<b>Zoë's pill</b> & co 😀", local(first + timedelta(days=i), "09:00"))
        for i in range(3)
    ] + [
        MedicationTaken("sumatriptan", local(first + timedelta(days=i), "10:00"))
        for i in range(3, 14)
    ]
    effects = [
        SideEffect(local(date(2025, 7, 10)), ("diarrhea", "<script>")),
        SideEffect(local(date(2025, 7, 12)), ("nausea",)),
    ]
    return Diary(
        tz=diary.tz,
        created_at=diary.created_at,
        magnesium_start=diary.magnesium_start,
        dose_plan=[PlannedDose(time(8), 200), PlannedDose(time(21, 30), 200)],
        attacks=diary.attacks,
        doses=diary.doses,
        medications=[*diary.medications, *extra_meds],
        sleep=diary.sleep,
        anxiety=diary.anxiety,
        side_effects=[*diary.side_effects, *effects],
    )


def test_a_person_with_no_data_gets_a_short_friendly_text() -> None:
    text = text_for(Diary(tz=TZ, created_at=NOW))
    visible = check_html(text)
    assert "Nothing to summarise yet" in visible
    assert "not medical advice" in visible
    assert len(text) < 400


def test_a_3_day_diary_gets_counts_and_what_the_verdict_still_needs() -> None:
    # diary since 12 Jun, asked on 14 Jun: 3 observed days, migraines on 12 and 13 Jun
    created = local(date(2025, 6, 12), "08:00")
    d = Diary(
        tz=TZ,
        created_at=created,
        attacks=[
            Attack(1, local(date(2025, 6, 12), "10:00"), local(date(2025, 6, 12), "14:00")),
            Attack(2, local(date(2025, 6, 13), "10:00"), local(date(2025, 6, 13), "14:00")),
        ],
    )
    visible = check_html(text_for(d, "30d"))
    assert "Migraine days: 2 in 3 days logged" in visible
    assert "per 28 days" not in visible
    assert "needs 28 days of diary before magnesium (3 so far: 25 more days)" in visible


def test_a_person_with_one_entry_gets_counts_not_rates() -> None:
    d = Diary(tz=TZ, created_at=NOW, sleep=[Sleep(date(2025, 6, 13), quality=4, awakenings=1)])
    visible = check_html(text_for(d, "7d"))
    assert "Quality 4.0/5" in visible
    assert "per 28 days" not in visible
    assert "nan" not in visible.lower() and "None" not in visible
    assert "not medical advice" in visible


def test_a_single_dose_today_reads_sensibly() -> None:
    d = Diary(tz=TZ, created_at=NOW, doses=[Dose(local(date(2025, 6, 14), "21:00"), 200)])
    visible = check_html(text_for(d, "7d"))
    assert "Doses taken: 1 dose" in visible
    assert "No baseline" in visible


def test_the_responder_gets_the_before_and_after_in_plain_words() -> None:
    diary, _, now = generate(seed=7)
    text = text_for(diary, "all", now)
    visible = check_html(text)
    assert "Migraine days per 28 days: 8.0 before → 4.0 on magnesium" in visible
    assert "50% fewer: a responder" in visible
    # quasi-Poisson CI, hand-computed in test_stats_verdict (dispersion 32/26)
    assert "Rate ratio 0.50 (95% CI 0.25–1.01)" in visible
    assert "can't rule out that the weeks before magnesium were simply a bad patch" in visible
    assert "Doses taken: 90% (101 of 112 planned)" in visible
    assert "Before → on magnesium: sleep " in visible
    assert "everything so far" in visible
    assert "6 Jan – 20 Jul 2025" in visible


def test_too_early_says_when_to_look_again() -> None:
    diary, truth, now = generate(seed=3, on_days=42)
    visible = check_html(text_for(diary, "30d", now))
    assert "Too early to judge" in visible
    judge = truth.magnesium_start + timedelta(days=56)
    assert f"Check again from {judge.day} {judge:%b}" in visible


def test_busy_diary_fits_one_message_and_escapes_user_text() -> None:
    d = busy_diary()
    now = local(date(2025, 7, 20), "23:30")
    text = text_for(d, "30d", now)
    visible = check_html(text)
    assert len(text) < 3000
    assert "&lt;script&gt;" in text  # a side-effect code is escaped
    assert "<script>" not in text
    # sumatriptan on 4-14 Jul: 11 days in the 28 ending 20 Jul
    assert "⚠️ Risk of medication overuse: triptans on 11 of the last 28 days" in visible
    assert "not a diagnosis" in visible
    assert "Stomach trouble came back within a week" in visible
    # migraine days: the 11 triptan days (IHS 2020) and the migraine of 16 Jul (the
    # one of 8 Jul is a triptan day); any headache: those and the headache of 24 Jun
    assert "Migraine days: 11.2 per 28 days (12 in 30 days)" in visible
    assert "Headache days, any kind: 12.1 per 28 days (13 in 30 days)" in visible
    assert "Your plan (400 mg a day) is above the 350 mg upper limit" in visible


def test_every_period_of_the_busy_diary_is_valid_html() -> None:
    d = busy_diary()
    now = local(date(2025, 7, 20), "23:30")
    for period in ("7d", "30d", "90d", "365d", "all"):
        check_html(text_for(d, period, now))


def test_figures_have_at_most_one_decimal_except_ratios() -> None:
    diary, _, now = generate(seed=5, headache_per_28=2.0)
    text = text_for(diary, "90d", now)
    ratio_lines = [line for line in text.splitlines() if "Rate ratio" in line]
    other = "\n".join(line for line in text.splitlines() if line not in ratio_lines)
    assert not re.search(r"\d\.\d\d", other)


def test_a_period_with_nothing_logged_says_so() -> None:
    d = Diary(
        tz=TZ,
        created_at=local(date(2025, 1, 1)),
        attacks=[Attack(1, local(date(2025, 1, 5)), local(date(2025, 1, 5), "15:00"))],
    )
    visible = check_html(text_for(d, "7d"))
    assert "Nothing logged in these 7 days." in visible


def test_dates_are_shown_in_the_users_zone() -> None:
    # 22:30 UTC on 13 Jun is already 14 Jun in Tokyo: a one-day diary of 14 Jun
    now = local(date(2025, 6, 14), "07:30", "Asia/Tokyo")
    created = local(date(2025, 6, 14), "07:30", "Asia/Tokyo")
    d = Diary(tz="Asia/Tokyo", created_at=created, sleep=[Sleep(date(2025, 6, 13), quality=3)])
    visible = check_html(text_for(d, "7d", now))
    assert "13 Jun – 14 Jun 2025" in visible


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(4.04, 1, "4.0"), (-0.04, 1, "0.0"), (0.05, 2, "0.05"), (-0.4, 0, "0"), (171.4, 0, "171")],
)
def test_numbers_are_rounded_without_negative_zero(
    value: float, decimals: int, expected: str
) -> None:
    assert fmt_num(value, decimals) == expected


def test_medicine_names_typed_by_the_person_are_escaped() -> None:
    day = date(2025, 6, 10)
    attacks = [
        Attack(1, local(day, "10:00"), local(day, "11:00")),
        Attack(2, local(day, "16:00"), local(day, "17:00")),
    ]
    meds = [
        MedicationTaken("<i>Zoë's</i> & pill", local(day, "10:05"), attack_id=1, med_class="nsaid"),
        MedicationTaken("sumatriptan", local(day, "16:05"), attack_id=2),
    ]
    d = Diary(tz=TZ, created_at=local(date(2025, 6, 1)), attacks=attacks, medications=meds)
    text = text_for(d, "30d")
    check_html(text)
    # each attack ended 55 min after its medicine: pain-free
    assert "&lt;i&gt;zoë&#x27;s&lt;/i&gt; &amp; pill: pain-free 1 of 1, relief 1 of 1" in text


def test_midas_cycle_and_triggers_read_as_associations() -> None:
    first = date(2025, 3, 1)
    now = local(date(2025, 6, 8), "23:00")  # 100 days of diary
    attacks = [
        Attack(
            i, local(first + timedelta(days=n), "10:00"), local(first + timedelta(days=n), "14:00")
        )
        for i, n in enumerate((11, 21, 31, 70))
    ]
    d = Diary(
        tz=TZ,
        created_at=local(first),
        attacks=attacks,
        factors=[FactorDay(first + timedelta(days=n), "alcohol") for n in (10, 20, 30, 40)]
        + [FactorDay(first + timedelta(days=5), "cheese")],
        midas=[Midas(date(2025, 3, 5), (10, 5, 5, 2, 3)), Midas(date(2025, 6, 5), (1, 1, 0, 2, 0))],
    )
    visible = check_html(text_for(d, "all", now))
    assert "associations, not proof of cause" in visible
    # alcohol: 3 of 4 days followed by an attack, other days 1 of 95 (test_stats_verdict)
    assert "alcohol: 75% (3 of 4) vs 1% (1 of 95) after days without: linked" in visible
    assert "Logged, not enough yet to judge (3+ days with it and 3+ without): cheese (1 day)" in (
        visible
    )
    assert "MIDAS 4 on 5 Jun 2025: grade I (little or no disability); 25 on 5 Mar 2025" in visible


def test_one_night_is_one_night() -> None:
    d = Diary(tz=TZ, created_at=NOW, sleep=[Sleep(date(2025, 6, 13), quality=4, cramps=True)])
    visible = check_html(text_for(d, "7d"))
    assert "Sleep (1 night)" in visible
    assert "Cramps 1 night" in visible
    assert "1 nights" not in visible


def test_every_factor_logged_is_named_even_beyond_the_six_shown_in_full() -> None:
    first = date(2025, 3, 1)
    now = local(date(2025, 6, 8), "23:00")  # 100 days of diary
    day = lambda n: first + timedelta(days=n)  # noqa: E731
    judged = ["alcohol", "caffeine", "cheese", "chocolate", "exercise", "stress", "weather", "msg"]
    too_few = ["bright_light", "dehydration", "oversleep", "screen_time", "skipped_meal"]
    too_few += ["strong_smell", "processed_meat"]
    factors = [FactorDay(day(10 * k + i), code) for i, code in enumerate(judged) for k in range(4)]
    factors += [FactorDay(day(95), code) for code in too_few]
    # an attack the day after alcohol's days 0, 10, 20: alcohol ranks first
    attacks = [
        Attack(n, local(day(n + 1), "10:00"), local(day(n + 1), "14:00")) for n in (0, 10, 20)
    ]
    d = Diary(tz=TZ, created_at=local(first), attacks=attacks, factors=factors)
    visible = check_html(text_for(d, "all", now))
    bullets = [line for line in visible.splitlines() if line.startswith(" • ")]
    assert bullets[0].startswith(" • alcohol: 75% (3 of 4) vs ")
    assert len(bullets) == 7  # six in full, then the rest by name
    rest = bullets[-1].removeprefix(" • also compared (see /report): ").split(", ")
    # the others were never followed by an attack: equal, so in alphabetical order
    assert rest == ["stress", "weather"]
    named = [b.split(":")[0].strip(" •") for b in bullets[:-1]] + rest
    assert len(set(named)) == len(judged)
    assert (
        "Logged, not enough yet to judge (3+ days with it and 3+ without): "
        "bright light (1 day), too little water (1 day), oversleeping (1 day), "
        "processed meat (1 day), screens (1 day), skipped meal (1 day) and 1 more"
    ) in visible
