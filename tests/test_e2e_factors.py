"""Possible triggers typed on days without a headache, through the real bot: confirmed in
the chat, compared by /summary once there is enough diary, listed by /log, taken back by /undo.

Every message is typed to the bot with the date it was written on, as a person
filling in their diary day by day would; the clock stands at Monday 1 June 2026.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import FactorDay
from tests.conftest import ClockedHarness

BERLIN = ZoneInfo("Europe/Berlin")


def evening(day: date) -> datetime:
    return datetime.combine(day, time(20), tzinfo=BERLIN)


async def say_on(h: ClockedHarness, day: date, text: str) -> str:
    [reply] = await h.say(text, date=evening(day))
    return reply.plain_text or ""


async def summary(h: ClockedHarness, *, chart: bool = True) -> str:
    return (await h.say("/summary all", replies=2 if chart else 1))[0].plain_text or ""


async def alcohol_days(h: ClockedHarness) -> list[date]:
    async with h.sessions() as session:
        rows = await session.scalars(select(FactorDay.day).where(FactorDay.code == "alcohol"))
        return sorted(rows.all())


async def test_factors_on_days_without_headache_give_summary_its_trigger_association(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("/dose off")
    # 1 March to 1 June: 93 days of diary. Alcohol on 5 days, caffeine on 2, a skipped
    # meal on 1; a migraine starts the day after 3 of the 5 alcohol days, and once more
    # on 10 May, the day after a day without any.
    assert await say_on(h, date(2026, 3, 1), "had 3 coffees") == (
        "✅ Noted for Sun 01 Mar: caffeine."
    )
    assert await say_on(h, date(2026, 3, 10), "2 glasses of wine tonight") == (
        "✅ Noted for Tue 10 Mar: alcohol."
    )
    assert await say_on(h, date(2026, 3, 20), "skipped lunch, and 2 glasses of wine") == (
        "✅ Noted for Fri 20 Mar: alcohol, skipped meal."
    )
    await say_on(h, date(2026, 3, 30), "a few beers with friends")
    await say_on(h, date(2026, 4, 1), "4 coffees")
    await say_on(h, date(2026, 4, 9), "2 glasses of wine")
    assert await say_on(h, date(2026, 4, 20), "yesterday I had 2 glasses of wine") == (
        "✅ Noted for Sun 19 Apr: alcohol."
    )
    for day in (date(2026, 3, 11), date(2026, 3, 21), date(2026, 3, 31), date(2026, 5, 10)):
        assert (await say_on(h, day, "migraine from 9am to 3pm 6/10")).startswith("✅ Migraine")

    # exposure days are 1 March to 31 May (the next day must be in the diary): 92.
    # With alcohol: 3 of 5 followed by an attack; without: 87 days, followed only on 9 May.
    text = await summary(h)
    assert "Triggers (associations, not proof of cause)" in text
    assert "Attack the next day, over 93 days of diary:" in text
    assert " • alcohol: 60% (3 of 5) vs 1% (1 of 87) after days without: linked" in text, text
    assert (
        "Logged, not enough yet to judge (3+ days with it and 3+ without): "
        "caffeine (2 days), skipped meal (1 day)"
    ) in text
    assert "Noted with attacks" not in text  # they were logged on days of their own

    # one more wine day, not followed by an attack: the share falls; /undo restores it
    assert await say_on(h, date(2026, 5, 20), "2 glasses of wine") == (
        "✅ Noted for Wed 20 May: alcohol."
    )
    assert " • alcohol: 50% (3 of 6) vs 1% (1 of 86) after days without: linked" in (
        await summary(h)
    )
    listing = (await h.say("/log"))[0].plain_text or ""
    assert listing.splitlines()[1] == "1. Alcohol (possible trigger), Wed 20 May"
    assert "3. Alcohol (possible trigger), Sun 19 Apr" in listing
    assert "9. Skipped meal (possible trigger), Fri 20 Mar" in listing

    undone = (await h.say("/undo"))[0].plain_text or ""
    assert undone == "Undone.\nRemoved: Alcohol (possible trigger), Wed 20 May."
    assert date(2026, 5, 20) not in await alcohol_days(h)
    assert len(await alcohol_days(h)) == 5
    assert " • alcohol: 60% (3 of 5) vs 1% (1 of 87) after days without: linked" in (
        await summary(h)
    )
    h.emu.assert_no_failed_calls()


async def test_the_undo_button_under_a_factor_takes_it_back(clocked: ClockedHarness) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    [reply] = await h.say("skipped breakfast and had 4 coffees")
    assert reply.plain_text == "✅ Noted for today: caffeine, skipped meal."
    await h.say("a stressful day at work")  # another message: its factor stays
    await h.tap("Undo", message_id=reply.message_id)
    async with h.sessions() as session:
        left = (await session.scalars(select(FactorDay.code))).all()
    assert left == ["stress"]
    assert "Removed: Skipped meal (possible trigger); Caffeine (possible trigger)." in (
        h.last().plain_text or ""
    )
    summary_text = await summary(h, chart=False)  # nothing to plot
    assert "stress (1 day)" in summary_text
    assert "caffeine" not in summary_text
