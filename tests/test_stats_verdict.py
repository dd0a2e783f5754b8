"""Is the magnesium working? The responder verdict, its CI, trends and trigger associations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.diary import Attack, Diary, FactorDay, PeriodDay, Sleep
from bot.domain.stats import (
    Direction,
    Link,
    TriggerStats,
    VerdictStatus,
    dispersion,
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


def test_rate_ratio_ci_is_widened_by_the_dispersion() -> None:
    # as above with dispersion 2: SE = sqrt(2 x 0.15) = 0.547723 -> 0.170902 .. 1.462825
    ratio, low, high = rate_ratio_ci(10, 100, 20, 100, 2.0)
    assert ratio == pytest.approx(0.5)
    assert low == pytest.approx(0.170902, abs=1e-6)
    assert high == pytest.approx(1.462825, abs=1e-6)


def test_rate_ratio_ci_is_never_narrower_than_poisson() -> None:
    assert rate_ratio_ci(10, 100, 20, 100, 0.5) == rate_ratio_ci(10, 100, 20, 100)


def test_dispersion_is_pearson_chi_square_over_degrees_of_freedom() -> None:
    # phase 1: weeks 0, 4 (rate 2 a week): (4 + 4) / 2 = 4; phase 2: weeks 1, 1, 1
    # (rate 1): 0. chi-square 4 over 5 - 2 = 3 blocks of freedom: 1.333333
    assert dispersion([[(0, 7), (4, 7)], [(1, 7), (1, 7), (1, 7)]]) == pytest.approx(4 / 3)


def test_dispersion_is_at_least_1_and_1_without_enough_blocks() -> None:
    assert dispersion([[(2, 7), (2, 7)], [(1, 7), (1, 7)]]) == 1.0  # no spread at all
    assert dispersion([[(0, 7)], [(5, 7)]]) == 1.0  # no degrees of freedom


def test_a_partial_week_counts_with_its_own_length() -> None:
    # rate 3 per 10 days: expected 2.1 for 7 days and 0.9 for 3 days;
    # (0 - 2.1)^2 / 2.1 + (3 - 0.9)^2 / 0.9 = 2.1 + 4.9 = 7.0, over 2 - 1 = 1
    assert dispersion([[(0, 7), (3, 3)]]) == pytest.approx(7.0)


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
    # 16 days in 112 vs 24 in 84: ratio 0.5. Weekly migraine days before
    # 2 5 1 1 1 2 1 5 0 3 3 0 (expected 2 each: Pearson 32/2 = 16), on magnesium
    # 2 1 3 0 1 1 0 2 0 1 3 1 0 0 0 1 (expected 1: Pearson 16); dispersion 32 / (28 - 2)
    # = 1.230769; SE = sqrt(1.230769 x (1/16 + 1/24)) = 0.358057 -> 0.2479 .. 1.0086
    assert verdict.rate_ratio == pytest.approx(0.5)
    assert verdict.dispersion == pytest.approx(32 / 26)
    assert verdict.ci_low == pytest.approx(0.2479, abs=1e-4)
    assert verdict.ci_high == pytest.approx(1.0086, abs=1e-4)
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
    assert summary.before.other.days + (summary.on.other.days if summary.on else 0) == (
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

T_FIRST = date(2025, 3, 1)
T_NOW = local(date(2025, 6, 8), "23:00")  # 1 Mar to 8 Jun: 100 days of diary


def _triggers(**fields: object) -> TriggerStats:
    fields.setdefault("tz", TZ)
    fields.setdefault("created_at", local(T_FIRST, "08:00"))
    d = Diary(**fields)  # type: ignore[arg-type]
    return summarize(d, *period_bounds(d, "all", T_NOW), T_NOW).triggers


def _day(n: int) -> date:
    """Day n of the diary, 0 = 1 March 2025."""
    return T_FIRST + timedelta(days=n)


def _attacks_on(days: list[int]) -> list[Attack]:
    return [Attack(i, local(_day(n), "10:00"), local(_day(n), "12:00")) for i, n in enumerate(days)]


def test_a_factor_is_compared_by_the_attack_the_next_day() -> None:
    # alcohol on days 10, 20, 30, 40; attacks start on days 11, 21, 31 and 70.
    # Exposure days are days 0..98 (the next day must be observed): 99 days.
    # With alcohol: 3 of 4 followed; without: 95 days, followed by an attack
    # only on day 69 -> 1 of 95. Risk ratio (3/4) / (1/95) = 71.25;
    # SE = sqrt(1/3 - 1/4 + 1/1 - 1/95) = 1.035764 -> CI 9.357 .. 542.5: linked
    result = _triggers(
        factors=[FactorDay(_day(n), "alcohol") for n in (10, 20, 30, 40)],
        attacks=_attacks_on([11, 21, 31, 70]),
    )
    assert result.diary_days == 100
    [a] = result.associations
    assert (a.factor, a.with_days, a.with_followed) == ("alcohol", 4, 3)
    assert (a.without_days, a.without_followed) == (95, 1)
    assert a.risk_ratio == pytest.approx(71.25)
    assert a.ci_low == pytest.approx(9.357, abs=1e-3)
    assert a.link == Link.LINKED


def test_associations_are_ranked_strongest_first() -> None:
    # alcohol before 3 of its 4 days, chocolate (days 50, 55, 60, 65) before none:
    # 0 of 4 vs 4 of 95, ratio 0, no link (the 0.5 added at the zero only widens the CI)
    result = _triggers(
        factors=[FactorDay(_day(n), "alcohol") for n in (10, 20, 30, 40)]
        + [FactorDay(_day(n), "chocolate") for n in (50, 55, 60, 65)],
        attacks=_attacks_on([11, 21, 31, 70]),
    )
    assert [a.factor for a in result.associations] == ["alcohol", "chocolate"]
    chocolate = result.associations[1]
    assert (chocolate.with_followed, chocolate.without_followed) == (0, 4)
    assert chocolate.risk_ratio == 0.0
    assert chocolate.link == Link.NO_LINK


def test_a_factor_on_fewer_than_3_days_is_logged_but_not_judged() -> None:
    result = _triggers(
        factors=[FactorDay(_day(n), "cheese") for n in (10, 20)],
        attacks=_attacks_on([11, 21]),
    )
    assert result.associations == ()
    assert result.not_enough == (("cheese", 2),)


def test_a_factor_logged_today_is_listed_though_tomorrow_is_not_known_yet() -> None:
    today = T_NOW.date()
    result = _triggers(
        factors=[
            FactorDay(today, "stress"),
            FactorDay(today, "caffeine"),
            FactorDay(today - timedelta(days=1), "caffeine"),
        ],
    )
    assert result.associations == ()
    # caffeine: yesterday (comparable) and today; stress: today only
    assert result.not_enough == (("caffeine", 2), ("stress", 1))


def test_under_90_days_of_diary_nothing_is_judged() -> None:
    # 60 days of diary (8 Apr to 6 Jun ... asked on 6 Jun): too short
    d = Diary(
        tz=TZ,
        created_at=local(date(2025, 4, 8)),
        factors=[FactorDay(date(2025, 4, 10) + timedelta(days=k), "stress") for k in range(10)],
    )
    now = local(date(2025, 6, 6), "23:00")
    result = summarize(d, *period_bounds(d, "all", now), now).triggers
    assert (result.diary_days, result.enough_diary) == (60, False)
    assert result.associations == ()
    assert result.not_enough == (("stress", 10),)


def test_poor_sleep_is_compared_with_the_other_nights_logged() -> None:
    # nights 0..19 logged: poor (quality 2) on 0-4, good on 5-19. Attacks start on days
    # 1, 2, 3 (after poor nights 0, 1, 2) and 8 (after good night 7).
    # Poor: 3 of 5 followed; other: 1 of 15. RR (3/5) / (1/15) = 9.0
    nights = [Sleep(_day(n), quality=2 if n < 5 else 4) for n in range(20)]
    result = _triggers(sleep=nights, attacks=_attacks_on([1, 2, 3, 8]))
    [a] = result.associations
    assert (a.factor, a.with_days, a.with_followed, a.without_days, a.without_followed) == (
        "poor_sleep",
        5,
        3,
        15,
        1,
    )
    assert a.risk_ratio == pytest.approx(9.0)


def test_triggers_noted_on_attacks_are_counted_not_compared() -> None:
    attacks = [
        Attack(1, local(_day(5), "10:00"), local(_day(5), "12:00"), triggers=("stress",)),
        Attack(2, local(_day(9), "10:00"), local(_day(9), "12:00"), triggers=("stress", "wine")),
    ]
    result = _triggers(attacks=attacks)
    assert result.noted_with_attacks == (("stress", 2), ("wine", 1))
    assert result.associations == () and result.not_enough == ()


def test_period_days_are_the_menstruation_factor() -> None:
    result = _triggers(periods=[PeriodDay(_day(n), started=n == 30) for n in (30, 31, 32, 33)])
    assert result.not_enough == () or result.associations
    [a] = result.associations
    assert (a.factor, a.with_days) == ("menstruation", 4)


# ---------------------------------------------------------------- menstrual cycle


def _cycle_diary(starts: list[int], migraines: list[int]) -> Diary:
    periods = [PeriodDay(_day(s + k), started=k == 0) for s in starts for k in range(4)]
    return Diary(
        tz=TZ, created_at=local(T_FIRST, "08:00"), periods=periods, attacks=_attacks_on(migraines)
    )


def test_menstrual_and_other_migraine_days_from_two_cycles() -> None:
    # day 1 on days 10 and 40: windows (days -2..+3) are days 8-12 and 38-42, 10 days.
    # Migraines on 9 (window), 12 (window), 25 (other) and 41 (window).
    # 100 observed days: 3 of 10 in windows, 1 of 90 other days; both cycles had one.
    d = _cycle_diary([10, 40], [9, 12, 25, 41])
    cycle = period_stats(d, T_FIRST, _day(100), T_NOW).cycle
    assert cycle.enough
    assert (cycle.cycles, cycle.window_days, cycle.window_migraine_days) == (2, 10, 3)
    assert (cycle.other_days, cycle.other_migraine_days, cycle.cycles_with_migraine) == (
        90,
        1,
        2,
    )


def test_one_cycle_is_not_enough() -> None:
    d = _cycle_diary([10], [9])
    assert not period_stats(d, T_FIRST, _day(100), T_NOW).cycle.enough


def test_day_1_without_a_started_mark_is_the_first_of_a_run() -> None:
    # period days 10-13 and 40-43 logged without "started": two cycles, day 1 on 10 and 40
    periods = [PeriodDay(_day(s + k)) for s in (10, 40) for k in range(4)]
    d = Diary(tz=TZ, created_at=local(T_FIRST, "08:00"), periods=periods)
    assert period_stats(d, T_FIRST, _day(100), T_NOW).cycle.cycles == 2
