"""A made-up but realistic diary, for `magbot demo --fill 90d`: example data, not a person's.

A newcomer should see `/summary`, the chart and `/report` with real shape in
the first minute, so the diary has what a real one has: a baseline of a few
weeks without magnesium, then 200 mg every evening, with migraine days
falling slowly over the following weeks (the effect takes weeks to show);
migraines and tension-type headaches with intensities, symptoms and triggers
(more of them around the period and after a bad night); acute medicines taken
at their own times, each followed by how the pain was two hours later and when
it ended (a triptan mostly works, sometimes not); doses mostly taken, a few
skipped or not logged; most nights' sleep, some anxiety, and early on two
stomach complaints after magnesium. Some evenings a glass or two of wine (and
more migraines the day after), many afternoons coffee (which changes nothing),
typed on days of their own, so the summary has trigger associations to show.

Each item is a message as the person would have typed it: its time, its text,
and the typed entries (`bot.domain.entries`) it means, so the diary's write
path stores it like any check-in. Pure and deterministic: the same seed and
length give the same diary, placed so that it ends the day before `end`.
Nothing here imports Telegram or SQLAlchemy.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.entries import (
    AnxietyEntry,
    AttackEndEntry,
    AttackEntry,
    AttackUpdateEntry,
    DoseEntry,
    Entry,
    FactorEntry,
    Medicine,
    SideEffectEntry,
    SleepEntry,
)
from storage.enums import AttackKind

SEED = 32
SHORTEST = 28
LONGEST = 365
DOSE_MG = 200.0
DOSE_TIME = time(21, 30)
MORNING = time(8, 0)
TIMEZONE = "Europe/London"
# The comparison wants >= 28 days of baseline and judges after 56 days on
# magnesium; a diary long enough for both gets a full verdict.
BASELINE_MAX = 42
ON_FOR_VERDICT = 56
# No attack starts in the last days, so every one has ended before the demo begins.
QUIET_END_DAYS = 2

_FILL = re.compile(r"(\d{1,3})\s*d(?:ays?)?")


class BadFill(ValueError):
    """A --fill length the generator does not make; the message says the form."""


def parse_days(text: str) -> int:
    """'90d' (or '90') -> 90; from 28 to 365 days."""
    found = _FILL.fullmatch(text.strip().casefold()) or re.fullmatch(r"(\d{1,3})", text.strip())
    days = int(found[1]) if found else 0
    if not SHORTEST <= days <= LONGEST:
        raise BadFill(f"--fill takes a number of days from {SHORTEST}d to {LONGEST}d, e.g. 90d")
    return days


@dataclass(frozen=True, slots=True)
class ExampleSettings:
    """The person's settings, as onboarding would have left them."""

    timezone: str
    created_at: datetime  # the diary's first morning, no later than its first message
    magnesium_start: date
    dose_plan: tuple[tuple[float, time], ...]  # elemental mg at local times
    morning_time: time
    goals: tuple[str, ...]
    kidney_disease: bool = False


class ExampleMessage(NamedTuple):
    """One check-in: when it was written, its words, and what it means."""

    sent_at: datetime  # aware, in the person's zone
    raw_text: str
    entries: list[Entry]


@dataclass(frozen=True, slots=True)
class ExampleDiary:
    """The settings to apply, then the messages to store in order."""

    settings: ExampleSettings
    messages: tuple[ExampleMessage, ...]  # oldest first
    days: int
    baseline_days: int


def baseline_days(days: int) -> int:
    """Days before magnesium: about six weeks, less when that would leave too few on it."""
    if days < SHORTEST + ON_FOR_VERDICT:
        return days // 2
    return min(BASELINE_MAX, days - ON_FOR_VERDICT)


def example_diary(
    days: int, *, end: datetime, timezone: str = TIMEZONE, seed: int = SEED
) -> ExampleDiary:
    """The example diary of the `days` days before `end`'s local day.

    Every message is written before `end` (this morning's sleep is there when
    `end` is later); no attack is still going on at `end`.
    """
    if end.tzinfo is None:
        raise ValueError("example_diary needs an aware end")
    zone = ZoneInfo(timezone)
    today = end.astimezone(zone).date()
    first = today - timedelta(days=days)
    baseline = baseline_days(days)
    writer = _Writer(
        random.Random(seed),
        zone,
        first,
        first + timedelta(days=baseline),
        days,
        habits=random.Random(seed + 1),
    )
    messages = sorted((m for m in writer.write() if m.sent_at < end), key=lambda m: m.sent_at)
    opened = _at(first, time(7, 0), zone)
    settings = ExampleSettings(
        timezone=timezone,
        created_at=min([opened, *(m.sent_at for m in messages[:1])]),
        magnesium_start=first + timedelta(days=baseline),
        dose_plan=((DOSE_MG, DOSE_TIME),),
        morning_time=MORNING,
        goals=("migraine", "sleep", "anxiety"),
    )
    return ExampleDiary(settings, tuple(messages), days, baseline)


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _clock(at: datetime) -> str:
    return f"{at:%H:%M}"


# --- what the person writes --------------------------------------------------------------

SYMPTOM_WORDS = {
    "throbbing": "throbbing",
    "one_sided": "on the left side",
    "nausea": "nausea",
    "vomiting": "threw up",
    "light_sensitivity": "light hurts",
    "sound_sensitivity": "noise bothers me",
    "aura": "aura before it",
    "neck_pain": "stiff neck",
}
TRIGGER_WORDS = {
    "stress": "stressed",
    "poor_sleep": "after a bad night",
    "menstruation": "period started",
    "weather": "weather change",
    "alcohol": "had wine last night",
    "skipped_meal": "skipped lunch",
    "screen_time": "long day at the screen",
    "dehydration": "didn't drink enough",
}
MEDICINES = {  # name -> (dose mg, the way people write it)
    "sumatriptan": (50.0, "sumatriptan 50mg"),
    "ibuprofen": (400.0, "ibuprofen 400mg"),
    "paracetamol": (1000.0, "paracetamol 1000mg"),
}
SLEEP_WORDS = {1: "terribly", 2: "badly", 3: "ok", 4: "well", 5: "great"}


@dataclass
class _Night:
    quality: int
    hours: float
    awakenings: int


class _Writer:
    """Writes the diary day by day, with the little correlations real diaries have."""

    def __init__(
        self,
        rng: random.Random,
        zone: ZoneInfo,
        first: date,
        mg_start: date,
        days: int,
        *,
        habits: random.Random,
    ) -> None:
        self.rng = rng
        # wine and coffee draw from their own stream, so the rest of the diary (and its
        # figures) stays what it was without them
        self.habits = habits
        self.zone = zone
        self.first = first
        self.mg_start = mg_start
        self.days = days
        self.busy_until: datetime | None = None  # an attack still going
        self.cycle_offset = rng.randrange(28)

    def write(self) -> list[ExampleMessage]:
        out: list[ExampleMessage] = []
        poor_night = False
        wine = False  # the evening before
        for index in range(self.days):
            day = self.first + timedelta(days=index)
            weeks_on = (day - self.mg_start).days / 7 if day >= self.mg_start else None
            night = self._night(weeks_on)
            if self.rng.random() < 0.85:
                out.append(self._sleep_message(day, night))  # the night before `day`
            poor_night = night.quality <= 2
            attack_ok = index < self.days - QUIET_END_DAYS
            if attack_ok:
                out += self._attack(day, weeks_on, poor_night, wine)
            out += self._anxiety(day, weeks_on)
            out += self._coffee(day)
            wine_today = self._wine(day)
            out += wine_today
            wine = bool(wine_today)
            if weeks_on is not None:
                out += self._dose(day)
                out += self._side_effect(day)
        return out

    # --- sleep and mood ------------------------------------------------------------------

    def _night(self, weeks_on: float | None) -> _Night:
        gain = min(weeks_on or 0.0, 6.0) / 6.0  # sleep improves over the first weeks
        quality = round(self.rng.gauss(2.8 + 0.7 * gain, 0.8))
        quality = max(1, min(5, quality))
        hours = round(max(4.0, min(9.5, self.rng.gauss(6.2 + 0.3 * quality, 0.6))) * 2) / 2
        awakenings = max(0, min(5, round(self.rng.gauss(2.3 - 0.8 * gain - 0.2 * quality, 0.9))))
        return _Night(quality, hours, awakenings)

    def _sleep_message(self, day: date, night: _Night) -> ExampleMessage:
        sent = _at(day, MORNING, self.zone) + timedelta(minutes=self.rng.randint(-25, 70))
        woke = {0: "didn't wake up", 1: "woke up once", 2: "woke up twice"}.get(
            night.awakenings, f"woke up {night.awakenings} times"
        )
        hours = f"{night.hours:g}h"
        text = f"slept {SLEEP_WORDS[night.quality]}, {hours}, {woke}"
        entry = SleepEntry(
            night=day - timedelta(days=1),
            quality=night.quality,
            hours=night.hours,
            awakenings=night.awakenings,
        )
        return ExampleMessage(sent, text, [entry])

    def _anxiety(self, day: date, weeks_on: float | None) -> list[ExampleMessage]:
        if self.rng.random() > 0.35:
            return []
        gain = min(weeks_on or 0.0, 8.0) / 8.0
        level = max(1, min(9, round(self.rng.gauss(5.6 - 1.8 * gain, 1.1))))
        sent = _at(day, time(self.rng.randint(10, 20), self.rng.randrange(60)), self.zone)
        text = self.rng.choice(
            [f"anxiety {level}/10", f"feeling anxious, {level}/10", f"anxious today {level}/10"]
        )
        return [ExampleMessage(sent, text, [AnxietyEntry(level=float(level), at=sent)])]

    # --- possible triggers on days of their own -------------------------------------------

    def _coffee(self, day: date) -> list[ExampleMessage]:
        if self.habits.random() > 0.3:
            return []
        sent = _at(day, time(self.habits.randint(13, 17), self.habits.randrange(60)), self.zone)
        text = self.habits.choice(["3 coffees today", "had 4 coffees", "lots of coffee today"])
        return [ExampleMessage(sent, text, [FactorEntry(codes=("caffeine",), on=day)])]

    def _wine(self, day: date) -> list[ExampleMessage]:
        if self.habits.random() > 0.12:
            return []
        sent = _at(day, time(self.habits.randint(20, 22), self.habits.randrange(60)), self.zone)
        text = self.habits.choice(["2 glasses of wine", "had some wine", "a glass of red wine"])
        return [ExampleMessage(sent, text, [FactorEntry(codes=("alcohol",), on=day)])]

    # --- magnesium -----------------------------------------------------------------------

    def _dose(self, day: date) -> list[ExampleMessage]:
        draw = self.rng.random()
        planned = _at(day, DOSE_TIME, self.zone)
        if draw < 0.05:  # skipped, and said so
            sent = planned + timedelta(minutes=self.rng.randint(0, 40))
            entry = DoseEntry(skipped=True, taken_at=planned)
            return [ExampleMessage(sent, "skipped magnesium tonight", [entry])]
        if draw < 0.11:  # forgot to log it (or to take it)
            return []
        taken = planned + timedelta(minutes=round(self.rng.gauss(0, 15)))
        sent = taken + timedelta(minutes=self.rng.randint(0, 6))
        text = self.rng.choice(["took magnesium 200mg", "mag 200", "magnesium 200 mg taken"])
        return [ExampleMessage(sent, text, [DoseEntry(amount_mg=DOSE_MG, taken_at=taken)])]

    def _side_effect(self, day: date) -> list[ExampleMessage]:
        on_day = (day - self.mg_start).days
        said = {
            3: ("stomach_upset", "stomach upset after magnesium"),
            6: ("diarrhea", "loose stools today"),
        }
        if on_day not in said:
            return []
        code, text = said[on_day]
        sent = _at(day, time(11, 20), self.zone) + timedelta(minutes=self.rng.randint(0, 90))
        return [ExampleMessage(sent, text, [SideEffectEntry(effects=(code,), at=sent)])]

    # --- attacks ------------------------------------------------------------------------

    def _menstruating(self, day: date) -> bool:
        return ((day - self.first).days + self.cycle_offset) % 28 in (0, 1)

    def _migraine_chance(self, weeks_on: float | None) -> float:
        """About 9 migraine days per 28 before, falling over 6 weeks on magnesium to about 4."""
        before = 0.17
        if weeks_on is None:
            return before
        return before - (before - 0.075) * min(weeks_on, 6.0) / 6.0

    def _attack(
        self, day: date, weeks_on: float | None, poor_night: bool, wine: bool
    ) -> list[ExampleMessage]:
        morning = _at(day, time(6, 30), self.zone)
        if self.busy_until is not None and self.busy_until > morning:
            return []
        period = self._menstruating(day)
        chance = self._migraine_chance(weeks_on) * (2.4 if period else 1.0)
        chance *= 1.7 if poor_night else 1.0
        chance *= 2.5 if wine else 1.0
        draw = self.rng.random()
        if draw < chance:
            kind = AttackKind.MIGRAINE
        elif draw < chance + 0.07:
            kind = AttackKind.HEADACHE
        else:
            return []
        return self._write_attack(day, kind, weeks_on, period, poor_night)

    def _write_attack(
        self,
        day: date,
        kind: AttackKind,
        weeks_on: float | None,
        period: bool,
        poor_night: bool,
    ) -> list[ExampleMessage]:
        rng = self.rng
        migraine = kind == AttackKind.MIGRAINE
        on_waking = rng.random() < 0.35
        if on_waking:
            start = _at(day, time(6, 40), self.zone) + timedelta(minutes=rng.randint(0, 60))
        else:
            start = _at(day, time(rng.randint(9, 19), rng.randrange(0, 60, 5)), self.zone)
        milder = 0.6 if weeks_on is not None and weeks_on >= 3 else 0.0
        if migraine:
            intensity = max(4, min(9, round(rng.gauss(6.6 - milder, 1.2))))
        else:
            intensity = max(2, min(6, round(rng.gauss(4.0, 1.0))))

        symptoms: list[str] = []
        if migraine:
            for code, share in (
                ("aura", 0.15),
                ("throbbing", 0.7),
                ("one_sided", 0.55),
                ("nausea", 0.6),
                ("vomiting", 0.1),
                ("light_sensitivity", 0.75),
                ("sound_sensitivity", 0.45),
            ):
                if rng.random() < share:
                    symptoms.append(code)
        elif rng.random() < 0.4:
            symptoms.append("neck_pain")
        triggers: list[str] = []
        if period:
            triggers.append("menstruation")
        if poor_night and rng.random() < 0.7:
            triggers.append("poor_sleep")
        daytime = 0.0 if on_waking else 1.0  # nobody has skipped lunch at 7 am
        for code, share in (
            ("stress", 0.3),
            ("weather", 0.15),
            ("alcohol", 0.08),
            ("skipped_meal", 0.1 * daytime),
            ("screen_time", (0.1 if not migraine else 0.04) * daytime),
            ("dehydration", 0.06 * daytime),
        ):
            if rng.random() < share and len(triggers) < 2:
                triggers.append(code)

        # The medicine, its time, and whether it works.
        medicine: str | None
        if migraine:
            medicine = "sumatriptan" if rng.random() < 0.75 else "ibuprofen"
        else:
            medicine = rng.choice(["ibuprofen", "paracetamol", None])
        taken = start + timedelta(minutes=rng.randint(15, 80)) if medicine else None
        works = rng.random() < (0.65 if medicine == "sumatriptan" else 0.45)
        if medicine is None:
            works = False
        treated = taken or start

        if works:
            ended = treated + timedelta(minutes=rng.randint(60, 140))
        elif migraine:
            ended = start + timedelta(hours=rng.uniform(7.0, 30.0))
        else:
            ended = start + timedelta(hours=rng.uniform(2.5, 9.0))
        self.busy_until = ended

        out: list[ExampleMessage] = []
        first_sent = (taken or start) + timedelta(minutes=rng.randint(3, 30))
        meds: tuple[Medicine, ...] = ()
        if medicine is not None and taken is not None:
            mg, _ = MEDICINES[medicine]
            meds = (Medicine(name=medicine, dose_mg=mg, taken_at=taken),)
        entry = AttackEntry(
            kind=kind,
            intensity=float(intensity),
            started_at=start,
            symptoms=tuple(symptoms),
            triggers=tuple(triggers),
            medications=meds,
        )
        out.append(ExampleMessage(first_sent, self._attack_text(entry, on_waking), [entry]))

        # How it was two hours after the medicine (or the start), unless it was over by then.
        check = treated + timedelta(minutes=rng.randint(110, 135))
        if check < ended:
            if works:
                later = max(1, intensity - rng.randint(3, 5))
            else:
                later = max(2, min(10, intensity + rng.choice([-2, -1, 0, 0, 1])))
            update = AttackUpdateEntry(intensity=float(later), at=check)
            if later < intensity - 1:
                text = rng.choice([f"a bit better, {later}/10", f"easing off, {later}/10 now"])
            elif later > intensity:
                text = rng.choice([f"worse, {later}/10", f"getting worse, {later}/10 now"])
            elif later == intensity:
                text = rng.choice([f"still {later}/10", f"no better, {later}/10"])
            else:
                text = rng.choice([f"pain {later}/10 now", f"{later}/10 at the moment"])
            out.append(ExampleMessage(check + timedelta(minutes=rng.randint(0, 8)), text, [update]))

        # When it ended: written when noticed, or the next morning after a night.
        word = "migraine" if migraine else "headache"
        end_local = ended.astimezone(self.zone)
        if end_local.time() >= time(23, 0) or end_local.time() < time(7, 0):
            noticed = _at(end_local.date(), time(7, 30), self.zone)
            if end_local.time() >= time(23, 0):
                noticed += timedelta(days=1)
            text = f"{word} gone since {_clock(end_local)}"
        else:
            noticed = ended + timedelta(minutes=rng.randint(0, 20))
            text = rng.choice([f"{word} gone", f"{word} is gone", f"{word} over"])
        out.append(ExampleMessage(noticed, text, [AttackEndEntry(ended_at=ended)]))
        return out

    def _attack_text(self, entry: AttackEntry, on_waking: bool) -> str:
        assert entry.started_at is not None and entry.intensity is not None
        word = "migraine" if entry.kind == AttackKind.MIGRAINE else "headache"
        start = _clock(entry.started_at)
        when = f"woke up with a {word} at {start}" if on_waking else f"{word} since {start}"
        parts = [when, f"{entry.intensity:g}/10"]
        parts += [SYMPTOM_WORDS[code] for code in entry.symptoms]
        parts += [TRIGGER_WORDS[code] for code in entry.triggers]
        text = ", ".join(parts)
        for med in entry.medications:
            assert med.taken_at is not None
            text += f". took {MEDICINES[med.name][1]} at {_clock(med.taken_at)}"
        return text
