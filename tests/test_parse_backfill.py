"""The day named is the day read (DESIGN §6a): backfilled check-ins of every kind.

Each test names one rule; the labelled examples in `tests/data/checkins_extra.jsonl`
measure the same rules on varied phrasing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.entries import (
    AnxietyEntry,
    AttackEntry,
    AttackUpdateEntry,
    DoseEntry,
    Entry,
    MedicationEntry,
    PeriodEntry,
    SideEffectEntry,
    SleepEntry,
)
from bot.domain.parse import parse

BERLIN = "Europe/Berlin"


def at(text: str, zone: str = BERLIN) -> datetime:
    """A local time written as "2026-11-10 14:00" in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def read(text: str, now: str, zone: str = BERLIN) -> list[Entry]:
    return parse(text, at(now, zone), zone)


def attack_of(entries: list[Entry]) -> AttackEntry:
    attacks = [e for e in entries if isinstance(e, AttackEntry)]
    assert len(attacks) == 1, entries
    return attacks[0]


# --- clock times on a named day --------------------------------------------------------


def test_a_clock_time_on_a_named_past_day_is_that_time_on_that_day() -> None:
    attack = attack_of(read("migraine on 11 Nov from 10:00 to 13:00", "2026-11-14 20:00"))
    assert attack.started_at == at("2026-11-11 10:00")
    assert attack.ended_at == at("2026-11-11 13:00")


def test_an_hour_without_am_pm_on_a_past_day_is_a_waking_hour() -> None:
    morning = attack_of(read("headache on monday at 9", "2026-11-12 20:00"))
    afternoon = attack_of(read("headache on monday at 3", "2026-11-12 20:00"))
    assert morning.started_at == at("2026-11-09 09:00")
    assert afternoon.started_at == at("2026-11-09 15:00")


def test_without_a_day_a_clock_later_than_now_is_yesterday() -> None:
    attack = attack_of(read("migraine since 10pm", "2026-11-12 02:00"))
    assert attack.started_at == at("2026-11-11 22:00")


def test_a_range_across_two_named_days_keeps_its_end_across_the_dst_change() -> None:
    attack = attack_of(read("migraine from 22:00 on 24 Oct to 04:00 on 25 Oct", "2026-10-27 12:00"))
    assert attack.started_at == at("2026-10-24 22:00")  # CEST
    assert attack.ended_at == at("2026-10-25 04:00")  # CET, an hour more than it looks


def test_a_misspelt_weekday_is_still_the_day_named() -> None:
    attack = attack_of(read("migrane on wendsday from 2pm till 7pm", "2026-11-13 12:00"))
    assert attack.started_at == at("2026-11-11 14:00")
    assert attack.ended_at == at("2026-11-11 19:00")


def test_a_dotted_clock_after_at_is_a_time() -> None:
    [med] = read("took ibuprofen at 10.30", "2026-11-10 15:00", "Europe/London")
    assert isinstance(med, MedicationEntry)
    assert med.taken_at == at("2026-11-10 10:30", "Europe/London")


def test_a_day_in_a_clause_of_its_own_is_the_day_of_the_clocks_after_it() -> None:
    attack = attack_of(read("Yesterday: migraine from 10am", "2026-11-10 12:00"))
    assert attack.started_at == at("2026-11-09 10:00")
    assert attack.started_at.date() == date(2026, 11, 9)


# --- medicines keep their own time -----------------------------------------------------


def test_medicines_inside_an_attack_keep_their_own_times() -> None:
    attack = attack_of(
        read(
            "migraine since 2pm 7/10, took ibuprofen 400mg at 15:10 and sumatriptan at 16:30",
            "2026-11-10 18:00",
        )
    )
    times = {m.name: m.taken_at for m in attack.medications}
    assert times == {"ibuprofen": at("2026-11-10 15:10"), "sumatriptan": at("2026-11-10 16:30")}


def test_a_medicine_whose_time_was_not_said_has_none() -> None:
    attack = attack_of(
        read(
            "had a migraine last night from 10pm to 2am, took sumatriptan 50mg", "2026-11-12 08:30"
        )
    )
    [med] = attack.medications
    assert (med.name, med.dose_mg, med.taken_at) == ("sumatriptan", 50, None)


def test_medicines_listed_together_share_the_time_after_them() -> None:
    meds = read("took ibuprofen and paracetamol at 3pm", "2026-11-10 18:00")
    assert [(m.name, m.taken_at) for m in meds if isinstance(m, MedicationEntry)] == [
        ("ibuprofen", at("2026-11-10 15:00")),
        ("paracetamol", at("2026-11-10 15:00")),
    ]


def test_medicines_outside_an_attack_are_separate_entries_at_their_times() -> None:
    meds = read("took ibuprofen at 9 and paracetamol at 13:00", "2026-11-10 15:00")
    assert [(m.name, m.taken_at) for m in meds if isinstance(m, MedicationEntry)] == [
        ("ibuprofen", at("2026-11-10 09:00")),
        ("paracetamol", at("2026-11-10 13:00")),
    ]


def test_a_medicine_on_a_named_day_without_a_time_is_assumed_midday() -> None:
    [med] = read("took sumatriptan yesterday", "2026-11-10 15:00")
    assert isinstance(med, MedicationEntry)
    assert med.taken_at == at("2026-11-09 12:00")
    assert med.assumed == {"taken_at"}


# --- doses -------------------------------------------------------------------------------


def doses_of(
    entries: list[Entry],
) -> list[tuple[float | None, float | None, datetime | None, bool]]:
    return [
        (e.amount_mg, e.count, e.taken_at, e.skipped) for e in entries if isinstance(e, DoseEntry)
    ]


def test_a_dose_skipped_on_a_named_day_keeps_that_day_with_the_time_assumed() -> None:
    [dose] = read("skipped magnesium on friday", "2026-11-30 20:00")
    assert isinstance(dose, DoseEntry)
    assert dose.skipped
    assert dose.taken_at is not None and dose.taken_at.date() == date(2026, 11, 27)
    assert dose.assumed == {"taken_at"}


def test_a_dose_skipped_on_a_date_keeps_that_date() -> None:
    [dose] = read("forgot my magnesium on 8 Nov", "2026-11-10 09:00")
    assert isinstance(dose, DoseEntry)
    assert dose.taken_at is not None and dose.taken_at.date() == date(2026, 11, 8)


def test_a_skipped_dose_without_a_day_has_no_time() -> None:
    [dose] = read("skipped my magnesium", "2026-11-10 09:00")
    assert isinstance(dose, DoseEntry)
    assert (dose.skipped, dose.taken_at, dose.assumed) == (True, None, frozenset())


def test_two_amounts_at_two_times_are_two_doses() -> None:
    entries = read("200mg magnesium this morning and 200mg just now", "2026-11-10 21:00")
    assert doses_of(entries) == [
        (200, None, at("2026-11-10 08:00"), False),
        (200, None, at("2026-11-10 21:00"), False),
    ]
    morning = next(e for e in entries if isinstance(e, DoseEntry))
    assert morning.assumed == {"taken_at"}  # "this morning": the hour is a convention


def test_another_dose_of_capsules_is_a_second_dose() -> None:
    entries = read("took 2 caps of magnesium at 8am and another 2 at 9pm", "2026-11-10 22:00")
    assert doses_of(entries) == [
        (None, 2, at("2026-11-10 08:00"), False),
        (None, 2, at("2026-11-10 21:00"), False),
    ]


def test_one_dose_said_two_ways_is_one_dose() -> None:
    entries = read("took 400mg magnesium (2 caps) at 9pm", "2026-11-10 22:00")
    assert doses_of(entries) == [(400, 2, at("2026-11-10 21:00"), False)]


def test_a_dose_taken_and_one_skipped_in_one_message() -> None:
    entries = read(
        "took 200mg magnesium this morning but forgot the evening dose", "2026-11-10 23:00"
    )
    assert doses_of(entries) == [
        (200, None, at("2026-11-10 08:00"), False),
        (None, None, None, True),
    ]


# --- sleep: the night named --------------------------------------------------------------


def sleep_of(entries: list[Entry]) -> SleepEntry:
    [night] = [e for e in entries if isinstance(e, SleepEntry)]
    return night


def test_sleep_for_a_named_night_is_that_night() -> None:
    night = sleep_of(read("friday night slept 5 hours woke up twice", "2026-11-30 09:00"))
    assert (night.night, night.hours, night.awakenings) == (date(2026, 11, 27), 5, 2)


def test_a_named_night_reads_its_quality_words_in_a_clause_of_their_own() -> None:
    night = sleep_of(read("slept 7h on saturday night, pretty good", "2026-11-30 09:00"))
    assert (night.night, night.hours, night.quality) == (date(2026, 11, 28), 7, 4)


def test_last_night_or_no_night_named_is_none() -> None:
    assert sleep_of(read("slept badly last night", "2026-11-30 07:00")).night is None
    assert sleep_of(read("slept 6 hours", "2026-11-30 07:00")).night is None


def test_the_night_before_last_and_a_date() -> None:
    assert sleep_of(read("the night before last I barely slept", "2026-10-26 08:00")).night == (
        date(2026, 10, 24)
    )
    assert sleep_of(read("slept great on the night of 8 Nov", "2026-11-10 08:00")).night == (
        date(2026, 11, 8)
    )


def test_a_weekday_night_said_that_morning_is_last_weeks() -> None:
    # Friday 27 Nov, 09:00: friday night has not begun, so it is the 20th
    assert sleep_of(read("friday night slept 5 hours", "2026-11-27 09:00")).night == (
        date(2026, 11, 20)
    )


# --- anxiety and side effects ------------------------------------------------------------


def test_anxiety_on_a_named_day_is_dated_with_the_time_assumed() -> None:
    [anxiety] = read("felt anxious yesterday evening", "2026-11-20 09:00")
    assert isinstance(anxiety, AnxietyEntry)
    assert (anxiety.level, anxiety.at) == (5, at("2026-11-19 19:00"))
    assert anxiety.assumed == {"at"}


def test_anxiety_at_a_clock_time_is_that_time() -> None:
    [anxiety] = read("anxious at 3am last night", "2026-11-20 08:00")
    assert isinstance(anxiety, AnxietyEntry)
    assert (anxiety.at, anxiety.assumed) == (at("2026-11-20 03:00"), frozenset())


def test_anxiety_without_a_time_is_now() -> None:
    [anxiety] = read("anxious", "2026-11-20 08:00")
    assert isinstance(anxiety, AnxietyEntry)
    assert anxiety.at is None


def test_a_side_effect_honours_yesterday_and_dates() -> None:
    [loose] = read("diarrhea yesterday from the magnesium", "2026-11-20 08:00")
    [upset] = read("upset stomach on 12 Nov after my mag", "2026-11-14 12:00")
    assert isinstance(loose, SideEffectEntry) and isinstance(upset, SideEffectEntry)
    assert loose.at is not None and loose.at.date() == date(2026, 11, 19)
    assert upset.at is not None and upset.at.date() == date(2026, 11, 12)
    assert loose.assumed == upset.assumed == {"at"}


def test_a_day_in_a_clause_of_its_own_dates_every_entry_without_a_time() -> None:
    entries = read(
        "yesterday: migraine 5/10 from 3pm, anxious, 300mg magnesium at 9pm", "2026-11-10 08:00"
    )
    anxiety = next(e for e in entries if isinstance(e, AnxietyEntry))
    assert anxiety.at is not None and anxiety.at.date() == date(2026, 11, 9)
    assert attack_of(entries).started_at == at("2026-11-09 15:00")
    assert doses_of(entries) == [(300, None, at("2026-11-09 21:00"), False)]


# --- attacks: a past pain level, phrases without a time ---------------------------------


def test_a_pain_level_at_a_past_time_is_an_update_at_that_time() -> None:
    [update] = read("9 Nov at 16:30 pain was 3/10", "2026-11-10 10:00")
    assert isinstance(update, AttackUpdateEntry)
    assert (update.intensity, update.at) == (3, at("2026-11-09 16:30"))


def test_a_past_headache_that_eased_is_an_update_not_a_new_attack() -> None:
    [update] = read("yesterday at 8pm the headache was down to 2/10", "2026-11-05 09:00")
    assert isinstance(update, AttackUpdateEntry)
    assert (update.intensity, update.at) == (2, at("2026-11-04 20:00"))


def test_a_pain_level_on_a_named_day_without_a_time_is_dated_with_the_time_assumed() -> None:
    [update] = read("yesterday the pain was 3/10", "2026-11-10 10:00")
    assert isinstance(update, AttackUpdateEntry)
    assert update.at is not None and update.at.date() == date(2026, 11, 9)
    assert update.assumed == {"at"}


def test_woke_up_with_a_migraine_starts_in_the_morning() -> None:
    attack = attack_of(read("woke up with a migraine", "2026-11-10 09:30"))
    assert (attack.started_at, attack.ended_at) == (at("2026-11-10 07:00"), None)
    assert attack.assumed == {"started_at"}
    saturday = attack_of(read("woke up with a bad headache on saturday", "2026-11-30 10:00"))
    assert saturday.started_at == at("2026-11-28 07:00")


def test_woke_up_at_a_time_said_keeps_that_time() -> None:
    attack = attack_of(read("woke up at 5 with a migraine", "2026-11-10 09:30"))
    assert attack.started_at == at("2026-11-10 05:00")
    assert attack.assumed == frozenset()


def test_all_day_on_a_past_day_ends_that_evening() -> None:
    attack = attack_of(read("migraine all day yesterday, 6/10", "2026-11-10 09:00"))
    assert (attack.started_at, attack.ended_at) == (at("2026-11-09 07:00"), at("2026-11-09 21:00"))
    assert attack.assumed == {"started_at", "ended_at"}


def test_all_day_today_is_still_going() -> None:
    attack = attack_of(read("headache all day", "2026-11-10 16:00"))
    assert (attack.started_at, attack.ended_at) == (at("2026-11-10 07:00"), None)


def test_all_day_said_of_something_else_is_no_time_of_the_attack() -> None:
    attack = attack_of(read("headache after staring at my screen all day", "2026-11-10 19:00"))
    assert attack.started_at is None


def test_an_attack_on_a_named_day_without_a_time_starts_at_midday_assumed() -> None:
    attack = attack_of(read("migraine on 2 Nov", "2026-11-10 12:00"))
    assert attack.started_at == at("2026-11-02 12:00")
    assert attack.assumed == {"started_at"}


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "on", "started"),
    [
        ("period started", date(2026, 11, 10), True),
        ("period today", date(2026, 11, 10), False),
        ("on my period", date(2026, 11, 10), False),
        ("got my period yesterday", date(2026, 11, 9), True),
        ("Period started on saturday, cramps", date(2026, 11, 7), True),
        ("day 2 of my period", date(2026, 11, 10), False),
    ],
)
def test_a_period_said_on_its_own_is_a_period_entry(text: str, on: date, started: bool) -> None:
    assert read(text, "2026-11-10 12:00") == [PeriodEntry(on=on, started=started)]


@pytest.mark.parametrize(
    "text",
    [
        "no period this month",
        "period is late",
        "my period ended yesterday",
        "over a period of weeks",
    ],
)
def test_a_period_not_happening_is_no_entry(text: str) -> None:
    assert not [e for e in read(text, "2026-11-10 12:00") if isinstance(e, PeriodEntry)]


def test_a_period_said_with_an_attack_is_its_trigger() -> None:
    entries = read("migraine on day 1 of my period", "2026-11-10 12:00")
    assert [type(e) for e in entries] == [AttackEntry]
    assert attack_of(entries).triggers == ("menstruation",)


def test_a_numeric_date_after_the_attack_is_read_in_the_zones_order() -> None:
    us = attack_of(read("migraine 11/3 from 1pm to 5pm", "2026-11-05 09:00", "America/Chicago"))
    eu = attack_of(read("migraine 3/11 from 1pm to 5pm", "2026-11-05 09:00"))
    assert us.started_at == at("2026-11-03 13:00", "America/Chicago")
    assert eu.started_at == at("2026-11-03 13:00")


def test_a_score_is_not_a_date() -> None:
    assert attack_of(read("migraine 7/10", "2026-11-05 09:00")).intensity == 7
    assert attack_of(read("migraine 12/10", "2026-11-05 09:00")).started_at is None


# --- one past day named dates what was taken in it ---------------------------------------


def test_medicines_taken_on_the_one_past_day_named_are_on_that_day() -> None:
    attack = attack_of(
        read(
            "had a migraine tuesday 8/10, took sumatriptan at 11 and again at 3pm",
            "2026-11-12 09:00",
        )
    )
    assert [(m.name, m.taken_at) for m in attack.medications] == [
        ("sumatriptan", at("2026-11-10 11:00")),
        ("sumatriptan", at("2026-11-10 15:00")),
    ]
    # the day had no time of its own: the attack had begun by the first medicine
    assert attack.started_at == at("2026-11-10 11:00")
    assert attack.assumed == {"started_at"}


def test_an_attack_still_going_since_a_day_leaves_todays_clocks_today() -> None:
    attack = attack_of(read("migraine since tuesday, took ibuprofen at 8am", "2026-11-12 09:00"))
    assert attack.medications[0].taken_at == at("2026-11-12 08:00")


def test_a_dose_skipped_on_two_days_is_two_skipped_doses() -> None:
    entries = read("forgot to take my magnesium monday and tuesday", "2026-11-12 09:00")
    assert [(t.date() if t else None, skipped) for _, _, t, skipped in doses_of(entries)] == [
        (date(2026, 11, 9), True),
        (date(2026, 11, 10), True),
    ]


def test_a_second_dose_by_count_alone() -> None:
    entries = read("took 2 capsules this morning and 1 at lunch", "2026-11-12 15:00")
    assert doses_of(entries) == [
        (None, 2, at("2026-11-12 08:00"), False),
        (None, 1, at("2026-11-12 12:30"), False),
    ]


def test_sleep_under_a_day_heading_is_the_night_before_that_day() -> None:
    entries = read("Monday: headache 6/10, slept badly", "2026-11-12 09:00")
    assert sleep_of(entries).night == date(2026, 11, 8)


# --- found by the second batch of examples ----------------------------------------------


def test_an_end_said_later_in_the_message_is_on_the_day_named() -> None:
    attack = attack_of(
        read("had a bad headache on sunday, 6/10, it lasted till about 9pm", "2026-11-17 08:00")
    )
    assert attack.ended_at == at("2026-11-15 21:00")


def test_a_short_weekday_with_a_period_word_is_a_day() -> None:
    night = sleep_of(read("sat night sleep 8h, great", "2026-11-23 08:00"))
    assert (night.night, night.quality) == (date(2026, 11, 21), 5)


def test_a_writer_on_the_24_hour_clock_means_8_as_08_00() -> None:
    entries = read("mag 200mg at 8 and 200mg at 20:00", "2026-11-12 21:00")
    assert [t for _, _, t, _ in doses_of(entries)] == [
        at("2026-11-12 08:00"),
        at("2026-11-12 20:00"),
    ]


def test_bare_hours_from_and_to_are_a_range_but_pain_going_down_is_not() -> None:
    attack = attack_of(read("yday 5/10 headache from 2 to 6", "2026-11-12 09:00"))
    assert (attack.started_at, attack.ended_at) == (at("2026-11-11 14:00"), at("2026-11-11 18:00"))
    [update] = read("pain went from 7 to 3", "2026-11-12 09:00")
    assert isinstance(update, AttackUpdateEntry) and update.intensity == 3


def test_a_night_range_ends_at_the_first_such_hour_after_it_starts() -> None:
    night = sleep_of(read("slept from 11 till 6 on friday night", "2026-11-16 09:00"))
    assert (night.night, night.hours) == (date(2026, 11, 13), 7)


def test_the_day_of_a_period_is_not_a_pain_level() -> None:
    assert read("still on my period, day 4", "2026-11-12 10:00") == [
        PeriodEntry(on=date(2026, 11, 12), started=False)
    ]


def test_a_dose_with_a_meal_is_at_that_meal() -> None:
    entries = read("2 capsules at breakfast, 2 more with dinner", "2026-11-12 21:00")
    assert doses_of(entries) == [
        (None, 2, at("2026-11-12 08:00"), False),
        (None, 2, at("2026-11-12 19:00"), False),
    ]


# --- odd input of the largest size Telegram allows -------------------------------------


@pytest.mark.parametrize("unit", ["😀", "\u0301", "a\u0301", "😵\u200d💫", "🇩🇪", "a ", "mag "])
def test_a_4096_character_message_of_one_symbol_logs_nothing(unit: str) -> None:
    text = (unit * 4096)[:4096]
    assert [e for e in read(text, "2026-11-10 12:00") if not isinstance(e, DoseEntry)] == []


def test_a_message_of_headache_emoji_is_one_headache() -> None:
    entries = read("🤕" * 4096, "2026-11-10 12:00")
    assert [type(e) for e in entries] == [AttackEntry]


def test_a_dose_taken_on_two_days_named_is_two_doses() -> None:
    entries = read("took 200mg mag on monday and tuesday", "2026-11-12 14:00")
    assert [(mg, t.date() if t else None) for mg, _, t, _ in doses_of(entries)] == [
        (200, date(2026, 11, 9)),
        (200, date(2026, 11, 10)),
    ]


def test_the_words_between_a_day_and_its_clock_are_still_read() -> None:
    attack = attack_of(read("yesterday migraine from 3pm", "2026-11-12 14:00"))
    assert attack.started_at == at("2026-11-11 15:00")
    entries = read("monday: 200mg magnesium at 9pm", "2026-11-12 14:00")
    assert doses_of(entries) == [(200, None, at("2026-11-09 21:00"), False)]


def test_a_diary_of_several_days_is_read_day_by_day() -> None:
    entries = read("Monday: migraine 6/10. Tuesday: headache 3/10, anxious", "2026-11-12 14:00")
    attacks = [(e.intensity, e.started_at) for e in entries if isinstance(e, AttackEntry)]
    assert attacks == [(6, at("2026-11-09 12:00")), (3, at("2026-11-10 12:00"))]
    anxiety = next(e for e in entries if isinstance(e, AnxietyEntry))
    assert anxiety.at == at("2026-11-10 12:00")
    doses = read(
        "Mon: 200mg mag. Tue: skipped magnesium. Wed: 400mg mag at 9pm", "2026-11-12 14:00"
    )
    assert [(mg, t.date() if t else None, sk) for mg, _, t, sk in doses_of(doses)] == [
        (200, date(2026, 11, 9), False),
        (None, date(2026, 11, 10), True),
        (400, date(2026, 11, 11), False),
    ]


def test_woke_up_at_an_hour_is_that_hour_in_the_morning() -> None:
    attack = attack_of(read("woke up at 4 with a migraine", "2026-11-12 16:00"))
    assert attack.started_at == at("2026-11-12 04:00")


def test_bare_hours_from_and_to_today() -> None:
    attack = attack_of(read("headache from 9 to 11", "2026-11-12 16:00"))
    assert (attack.started_at, attack.ended_at) == (at("2026-11-12 09:00"), at("2026-11-12 11:00"))


def test_a_list_of_medicines_on_a_named_day_keeps_that_day_past_and() -> None:
    text = (
        "migraine on 25 Nov from 2pm to 8pm, took ibuprofen 400mg at 15:10 and sumatriptan at 16:30"
    )
    attack = attack_of(read(text, "2026-11-30 18:00"))
    assert [m.taken_at for m in attack.medications] == [
        at("2026-11-25 15:10"),
        at("2026-11-25 16:30"),
    ]
