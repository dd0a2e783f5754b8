"""Is the magnesium working? The responder verdict, its CI, trends and trigger associations."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from bot.domain.diary import Attack, Diary, Sleep
from bot.domain.stats import (
    Direction,
    PeriodStats,
    VerdictStatus,
    period_bounds,
    period_stats,
    rate_ratio_ci,
    risk_ratio_ci,
    summarize,
    trend,
)
from tests.diarygen import generate, local

TZ = "Europe/Berlin"


# ---------------------------------------------------------------- confidence intervals


def test_rate_ratio_ci_matches_a_hand_computed_value() -> None:
    # 10 days in 100 vs 20 in 100: ratio 0.5, SE of log = sqrt(1/10 + 1/20) = 0.387298;
    # 0.5 x exp(-/+ 1.959964 x 0.387298) = 0.234046 .. 1.068166
    ratio, low, high = rate_ratio_ci(10, 100, 20, 100)
    assert ratio == pytest.approx(0.5)
    assert low == pytest.approx(0.234046, abs=1e-6)
    assert high == pytest.approx(1.068166, abs=1e-6)


def test_rate_ratio_ci_adds_half_to_both_counts_at_a_zero() -> None:
    # 0 in 56 days vs 8 in 28: (0.5 / 56) / (8.5 / 28) = 0.029412,
    # SE = sqrt(1/0.5 + 1/8.5) = 1.455214 -> 0.001698 .. 0.509567
    ratio, low, high = rate_ratio_ci(0, 56, 8, 28)
    assert ratio == pytest.approx(0.029412, abs=1e-6)
    assert low == pytest.approx(0.001698, abs=1e-6)
    assert high == pytest.approx(0.509567, abs=1e-6)


def test_risk_ratio_ci_matches_a_hand_computed_value() -> None:
    # 3 of 4 vs 1 of 8: 6.0; SE = sqrt(1/3 - 1/4 + 1/1 - 1/8) = 0.978945 -> 0.880789 .. 40.872458
    ratio, low, high = risk_ratio_ci(3, 4, 1, 8) or (0, 0, 0)
    assert ratio == pytest.approx(6.0)
    assert low == pytest.approx(0.880789, abs=1e-6)
    assert high == pytest.approx(40.872458, abs=1e-5)


# ---------------------------------------------------------------- the verdict


def test_synthetic_diary_recovers_the_truth_and_calls_a_responder() -> None:
    # 12 weeks at 8 migraine days per 28, then 16 weeks at 4 with 90% adherence
    diary, truth, now = generate(seed=7)
    summary = summarize(diary, *period_bounds(diary, "all", now), now)
    verdict = summary.verdict
    assert verdict.status == VerdictStatus.RESPONDER
    assert verdict.baseline_days == truth.baseline_days == 84
    assert verdict.on_days == truth.on_days == 112
    assert verdict.baseline_per_28 == pytest.approx(truth.baseline_per_28, abs=0.05)
    assert verdict.on_per_28 == pytest.approx(truth.on_per_28, abs=0.05)
    assert verdict.reduction == pytest.approx(0.5, abs=0.01)
    # 16 days in 112 vs 24 in 84: ratio 0.5, CI 0.2656 .. 0.9412 (SE sqrt(1/16 + 1/24))
    assert verdict.rate_ratio == pytest.approx(0.5)
    assert verdict.ci_low == pytest.approx(0.2656, abs=1e-4)
    assert verdict.ci_high == pytest.approx(0.9412, abs=1e-4)
    assert summary.on is not None
    assert summary.on.doses.adherence == pytest.approx(truth.adherence, abs=0.005)
    assert summary.on.doses.adherence == pytest.approx(0.9, abs=0.01)
    assert summary.on.doses.mean_mg_dosing_days == pytest.approx(200.0)
    assert summary.on.doses.mean_mg_all_days == pytest.approx(200.0 * truth.adherence)


@pytest.mark.parametrize("seed", range(5))
def test_any_seed_of_the_synthetic_responder_is_called_a_responder(seed: int) -> None:
    diary, truth, now = generate(seed=seed, headache_per_28=2.0)
    summary = summarize(diary, *period_bounds(diary, "90d", now), now)
    assert summary.verdict.status == VerdictStatus.RESPONDER
    assert summary.before is not None
    assert summary.before.headache.days + (summary.on.headache.days if summary.on else 0) == (
        truth.headache_days
    )


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"on_days": 42}, VerdictStatus.TOO_EARLY),
        ({"baseline_days": 21}, VerdictStatus.NO_BASELINE),
        ({"baseline_per_28": 0.0}, VerdictStatus.NO_BASELINE_MIGRAINES),
        ({"on_per_28": 5.0}, VerdictStatus.PARTIAL),  # 37.5% fewer
        ({"on_per_28": 7.0}, VerdictStatus.NO_RESPONSE),  # 12.5% fewer
        ({"on_per_28": 10.0}, VerdictStatus.NO_RESPONSE),  # 25% more
    ],
)
def test_verdict_follows_the_weeks_on_magnesium_and_the_reduction(
    fields: dict[str, float], status: VerdictStatus
) -> None:
    diary, _, now = generate(seed=3, **fields)  # type: ignore[arg-type]
    assert summarize(diary, *period_bounds(diary, "30d", now), now).verdict.status == status


def test_too_early_still_reports_the_interim_rates_and_when_to_judge() -> None:
    # 42 days on magnesium: 6 migraine days (4 x 42 / 28) -> 4.0 per 28; judge from day 56
    diary, truth, now = generate(seed=3, on_days=42)
    verdict = summarize(diary, *period_bounds(diary, "30d", now), now).verdict
    assert verdict.on_migraine_days == 6
    assert verdict.on_per_28 == pytest.approx(4.0)
    assert verdict.judge_from == truth.magnesium_start + timedelta(days=56)
    assert verdict.rate_ratio is not None


def test_no_magnesium_means_no_verdict() -> None:
    d = Diary(
        tz=TZ,
        created_at=local(date(2025, 6, 1)),
        attacks=[Attack(1, local(date(2025, 6, 2)), local(date(2025, 6, 2), "14:00"))],
    )
    now = local(date(2025, 6, 14))
    assert summarize(d, *period_bounds(d, "30d", now), now).verdict.status == "not_started"


# ---------------------------------------------------------------- trends


def test_a_steady_rise_in_sleep_quality_is_improving() -> None:
    # one point a week rising by 1: slope 1.0 per week, change 5.0 over 35 days
    points = [(7.0 * i, 1.0 + i) for i in range(6)]
    result = trend(points, min_change=0.5, higher_is_better=True)
    assert result.direction == Direction.IMPROVING
    assert result.slope_per_week == pytest.approx(1.0)
    assert result.change == pytest.approx(5.0)


def test_rising_anxiety_is_worse() -> None:
    points = [(float(i), 2.0 + 0.2 * i) for i in range(20)]
    assert trend(points, min_change=1.0, higher_is_better=False).direction == Direction.WORSE


def test_flat_or_noisy_values_are_stable() -> None:
    flat = [(float(i), 3.0) for i in range(20)]
    noisy = [(float(i), 3.0 + (1 if i % 2 else -1)) for i in range(20)]
    assert trend(flat, min_change=0.5, higher_is_better=True).direction == Direction.STABLE
    assert trend(noisy, min_change=0.5, higher_is_better=True).direction == Direction.STABLE


def test_too_few_values_or_too_short_a_span_give_no_trend() -> None:
    assert trend(
        [(float(i), float(i)) for i in range(5)], min_change=0.5, higher_is_better=True
    ) == (trend([], min_change=0.5, higher_is_better=True))
    short = [(float(i), float(i)) for i in range(10)]  # 9 days apart
    assert trend(short, min_change=0.5, higher_is_better=True).direction is None


def test_sleep_quality_trend_over_the_period() -> None:
    # 10 nights at 2 then 10 at 4: clearly better
    first = date(2025, 6, 1)
    nights = [Sleep(first + timedelta(days=i), quality=2 if i < 10 else 4) for i in range(20)]
    d = Diary(tz=TZ, created_at=local(first), sleep=nights)
    result = period_stats(d, first, date(2025, 6, 22), local(date(2025, 6, 21)))
    assert result.sleep.quality_trend.direction == Direction.IMPROVING


# ---------------------------------------------------------------- triggers


def _trigger_diary(attacks: int, stress: int, sleep: list[Sleep] | None = None) -> Diary:
    days = [1, 2, 3, 4, 8, 14][:attacks] + list(range(20, 20 + max(0, attacks - 6)))
    return Diary(
        tz=TZ,
        created_at=local(date(2025, 5, 25)),
        attacks=[
            Attack(
                i,
                local(date(2025, 6, n), "10:00"),
                local(date(2025, 6, n), "12:00"),
                triggers=("stress",) if i < stress else ("alcohol",) if i < stress + 2 else (),
            )
            for i, n in enumerate(days)
        ],
        sleep=sleep or [],
    )


def _trigger_stats(d: Diary) -> PeriodStats:
    return period_stats(d, date(2025, 6, 1), date(2025, 6, 15), local(date(2025, 6, 14), "23:00"))


def test_triggers_need_six_attacks() -> None:
    result = _trigger_stats(_trigger_diary(5, 5)).triggers
    assert (result.attacks, result.enough_data, result.reported) == (5, False, ())


def test_triggers_noted_three_times_are_listed() -> None:
    # stress on 3 attacks, alcohol on 2: only stress qualifies
    result = _trigger_stats(_trigger_diary(6, 3)).triggers
    assert result.enough_data
    assert result.reported == (("stress", 3),)
    assert result.sleep_link is None  # no nights logged


def test_poor_nights_are_compared_with_other_nights_by_the_next_days_attacks() -> None:
    # attacks start on 1, 2, 3, 4, 8 and 14 Jun. Poor nights (quality 2) 1, 2, 3 and 5 Jun:
    # followed by an attack on 2, 3, 4 -> 3 of 4; other nights 4 and 6-12 Jun: only
    # 7 Jun -> 8 Jun -> 1 of 8. Risk ratio 6.0, CI 0.88..40.9: "possible"
    poor = {1, 2, 3, 5}
    nights = [Sleep(date(2025, 6, n), quality=2 if n in poor else 4) for n in range(1, 13)]
    link = _trigger_stats(_trigger_diary(6, 0, nights)).triggers.sleep_link
    assert link is not None
    assert (link.poor_nights, link.poor_followed) == (4, 3)
    assert (link.other_nights, link.other_followed) == (8, 1)
    assert link.risk_ratio == pytest.approx(6.0)
    assert link.ci_low == pytest.approx(0.8808, abs=1e-4)
    assert link.verdict == "possible"
    assert not math.isnan(link.ci_high)
