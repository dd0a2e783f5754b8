"""The 2-hour response to an acute medicine (IHS 2019, Diener et al., Cephalalgia 39:687).

Timed from the medicine, never from the onset. What the diary knows about the
pain after the medicine (time `t`) is a list of observations: the end of the
attack (pain 0), a "gone" update or intensity 0 (pain 0), an intensity above
0, or a follow-up answer ("better", "same", "worse").

- *Pain-free at 2 h*: the last observation in [t, t + 2 h] says pain 0 (the
  attack ended, or a 0/"gone" update, by t + 2 h).
- *Not pain-free*: the last observation in [t, t + 2 h] shows pain and is at
  least 1.5 h after the medicine, or anything after t + 2 h shows the attack
  still going (it ended later, or pain was reported later). An attack that
  lasted 6 h after a triptan is a known failure.
- *Relief at 2 h* (the IHS 4-point "headache relief"): pain-free counts as
  relief; otherwise the observation nearest to t + 2 h within 1.5-2.5 h
  decides: "better" is relief, "same"/"worse" is not; an intensity is relief
  when pain that was moderate or severe (>= 4) is now mild or none (<= 3), or,
  from mild pain, when it is lower than when the medicine was taken. The pain
  when it was taken is the last intensity reported up to then, else the pain
  when the attack was logged, else its peak.
- *Unknown* only when nothing says: e.g. an open attack with no word after
  the medicine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.domain.diary import (
    RELIEF_BETTER_WORDS,
    RELIEF_NOT_BETTER_WORDS,
    RELIEF_PAIN_FREE_WORDS,
    Attack,
    AttackUpdate,
)

RESPONSE_AT = timedelta(hours=2)
PAIN_SHOWN_FROM = timedelta(hours=1.5)  # pain observed from here on means pain at 2 h
RELIEF_WINDOW = (timedelta(hours=1.5), timedelta(hours=2.5))
MODERATE = 4  # 0-10 pain of 4 or more is moderate or severe
MILD_MAX = 3  # 1-3 is mild


class _State(Enum):
    FREE = "free"
    BETTER = "better"
    NOT_BETTER = "not_better"
    PAIN = "pain"


@dataclass(frozen=True, slots=True)
class _Observation:
    at: datetime
    state: _State
    intensity: int | None = None


@dataclass(frozen=True, slots=True)
class TwoHourResponse:
    """Pain-free and relief at 2 h; None where the diary does not say."""

    pain_free: bool | None
    relief: bool | None

    @property
    def label(self) -> str:
        """ "pain-free", "relief", "no relief", "not pain-free" or "unknown"."""
        if self.pain_free:
            return "pain-free"
        if self.pain_free is None:
            return "unknown"
        if self.relief is None:
            return "not pain-free"
        return "relief" if self.relief else "no relief"


UNKNOWN = TwoHourResponse(None, None)


def _observation(update: AttackUpdate) -> _Observation | None:
    relief = (update.relief or "").strip().lower()
    if update.gone or update.intensity == 0 or relief in RELIEF_PAIN_FREE_WORDS:
        return _Observation(update.at, _State.FREE, 0)
    if relief in RELIEF_BETTER_WORDS:
        return _Observation(update.at, _State.BETTER, update.intensity)
    if relief in RELIEF_NOT_BETTER_WORDS:
        return _Observation(update.at, _State.NOT_BETTER, update.intensity)
    if update.intensity is not None:
        return _Observation(update.at, _State.PAIN, update.intensity)
    return None


def pain_when_taken(attack: Attack, taken_at: datetime) -> int | None:
    """The last intensity reported up to the medicine, else the logged, else the peak."""
    before = [
        u for u in attack.updates if u.at <= taken_at and u.intensity is not None and not u.gone
    ]
    if before:
        return max(before, key=lambda u: u.at).intensity
    if attack.start_intensity is not None:
        return attack.start_intensity
    return attack.peak_intensity


def _relieved(obs: _Observation, before: int | None) -> bool | None:
    if obs.state is _State.FREE or obs.state is _State.BETTER:
        return True
    if obs.state is _State.NOT_BETTER:
        return False
    if obs.intensity is None or before is None:
        return None
    if before >= MODERATE:
        return obs.intensity <= MILD_MAX
    return obs.intensity < before


def two_hour_response(attack: Attack, end: datetime | None, taken_at: datetime) -> TwoHourResponse:
    """The response to a medicine taken at `taken_at` for `attack`, which ended at `end`.

    `end` is when the attack ended (its `ended_at`, or the first "gone"
    update); None while it is open. A medicine taken after the attack ended
    treated nothing: unknown.
    """
    if end is not None and end < taken_at:
        return UNKNOWN
    observations = [
        obs
        for update in attack.updates
        if update.at >= taken_at
        and (end is None or update.at <= end)
        and (obs := _observation(update)) is not None
    ]
    if end is not None:
        observations.append(_Observation(end, _State.FREE, 0))
    # in time order; at the same instant a pain-free observation comes last and wins
    observations.sort(key=lambda o: (o.at, o.state is _State.FREE))

    target = taken_at + RESPONSE_AT
    by_two_hours = [o for o in observations if o.at <= target]
    last = by_two_hours[-1] if by_two_hours else None
    if last is not None and last.state is _State.FREE:
        return TwoHourResponse(pain_free=True, relief=True)
    if last is not None and last.at - taken_at >= PAIN_SHOWN_FROM:
        pain_free: bool | None = False
    elif any(o.at > target for o in observations):
        pain_free = False  # still going at 2 h: it ended, or hurt, later
    else:
        return UNKNOWN

    lo, hi = taken_at + RELIEF_WINDOW[0], taken_at + RELIEF_WINDOW[1]
    near = [o for o in observations if lo <= o.at <= hi]
    if not near:
        return TwoHourResponse(pain_free=pain_free, relief=None)
    nearest = min(near, key=lambda o: (abs(o.at - target), o.at))
    return TwoHourResponse(
        pain_free=pain_free, relief=_relieved(nearest, pain_when_taken(attack, taken_at))
    )
