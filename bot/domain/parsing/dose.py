"""Magnesium doses: taken (amount, capsules, when) or skipped."""

from __future__ import annotations

import re

from bot.domain.entries import DoseEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.amounts import MAX_COUNT, MAX_DOSE_MG, bare_amount
from bot.domain.parsing.core import Anchor, Message, Values, moment, number

_AMOUNT = re.compile(
    r"\b(?:(?P<mult>\d) ?x ?)?(?P<n>\d+(?:\.\d+)?) ?(?P<u>mg|mgs|milligrams?|g|grams?|gr|mcg|ug"
    r"|µg)\b"
    r"(?: ?x ?(?P<mult2>\d)\b)?"
)


_COUNT = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?) ?(?:x ?)?(?:of )?(?:my |the |those |these )?"
    r"(?:(?:magnesium|mag|glycinate|supplement) )?" + V.PILL_WORD + r"\b"
    r"|\b(?P<n2>\d) (?:of )?(?:my )?(?:magnesium|mag|supplements?)\b(?! ?(?:mg|\d))"
    r"|\b(?:magnesium|mag|glycinate|supplements?|" + V.PILL_WORD + r") ?x ?(?P<n3>\d)\b"
)


_BARE_AFTER_ANCHOR = re.compile(
    r"^(?: (?:glycinate|bisglycinate|citrate|dose|supplement|was|of|about|around|:|-|="
    r"|\())* (?P<n>\d+(?:\.\d+)?)\b"
    r"(?! ?(?:/|:|\.\d|am\b|pm\b|h\b|hours?|minutes?|mins?\b|days?|weeks?|times|x\b|%|pills?"
    r"|caps?\b|capsules?"
    r"|tablets?|tabs?\b|ago|o ?clock))"
)


_SKIP_AFTER = re.compile(
    r"^(?: (?:was|is|:|-|tonight|today|this evening|dose|glycinate))* (?:skipped|missed|forgotten"
    r"|forgot"
    r"|not taken|skip|no|none|nope|not today|not tonight)\b"
)


# "magnesium makes me groggy", "mag gives me the runs", "magnesium helps with migraines":
# talk about what the supplement does, not a dose taken
_MAG_DOES = re.compile(
    r"^(?: (?:glycinate|bisglycinate|citrate|supplements?|pills?|tablets?|capsules?|caps"
    r"|always|really|definitely|probably|apparently|also|just|still|usually|sometimes|seems? to"
    r"|is|has been|keeps?|kept))*"
    r" (?:makes?|made|making|gives?|gave|giving|upsets?|upsetting|causes?|caused|causing|helps?"
    r"|helped|helping|works?|worked|is supposed|supposed|can|may|might|could|does|did|do"
    r"|messes|messed|wrecks?|knocks?|knocked|irritates?|irritated|disagrees?|disagreed)\b"
)


_NOT_MAG_CONTEXT = re.compile(r"\bside effects?\b")


def collect_values(msg: Message) -> None:
    """Amounts and capsule counts: to the nearest medicine or magnesium."""
    d = msg.d
    add = msg.add_value
    # amounts in mg: to the nearest medicine or magnesium
    for m in msg.find(_AMOUNT, claim=True):
        n = float(m.group("n"))
        unit = m.group("u")
        if unit in ("g", "grams", "gram", "gr"):
            n *= 1000
        elif unit in ("mcg", "ug", "µg"):
            n /= 1000
        mult = m.group("mult") or m.group("mult2")
        if mult:
            n *= int(mult)
        owner = msg.adjacent(m.start(), m.end(), ("med", "dose"))
        if owner is None:
            owner = msg.nearest(m.start(), ("med", "dose"), same_clause_only=True)
        if owner is None:
            owner = msg.nearest(m.start(), ("med", "dose"))
        if owner is None:
            add("dose", m.start(), n, "amount")
        elif owner.topic == "med":
            if owner.value is None:
                owner.value = n
        else:
            add("dose", m.start(), n, "amount")
    # bare numbers right after an anchor: "mag 200", "ibuprofen 400"
    for a in msg.anchors_of("dose", "med"):
        m2 = _BARE_AFTER_ANCHOR.match(d.s[a.end :])
        if not m2 or not d.free(a.end + m2.start("n"), a.end + m2.end("n")):
            continue
        n = float(m2.group("n"))
        pos = a.end + m2.start("n")
        if a.topic == "med" and n >= 10 and a.value is None:
            a.value = n
            d.claim(pos, a.end + m2.end("n"))
        elif a.topic == "dose" and (amount := bare_amount(n)) is not None:
            # "mag 2" is two capsules, "mag 300" is 300 mg: the rule of a reply typed alone
            add("dose", pos, n, "amount" if amount.amount_mg is not None else "count")
            d.claim(pos, a.end + m2.end("n"))
    for m in msg.find(_COUNT):
        n = float(m.group("n") or m.group("n2") or m.group("n3"))
        owner = msg.nearest(m.start(), ("med", "dose"), same_clause_only=True)
        d.claim(m.start(), m.end())
        if owner is not None and owner.topic == "med":
            continue
        if 0 < n <= MAX_COUNT:
            add("dose", m.start(), n, "count")


def read_doses(msg: Message, values: Values) -> list[DoseEntry]:
    d = msg.d
    s = d.s
    mags = msg.anchors_of("dose")
    amounts = [v for v in values.get("dose", []) if v[2] == "amount"]
    counts = [v for v in values.get("dose", []) if v[2] == "count"]
    if not mags and not amounts and not counts:
        return []
    # "2 tablets" next to ibuprofen is not a magnesium dose
    if not mags and (msg.anchors_of("med") or (msg.anchors_of("attack") and not amounts)):
        return []
    skipped = False
    live: list[Anchor] = []
    for a in mags:
        before = s[d.clause_text(a.start)[0] : a.start]
        if V.SKIP.search(before.rstrip() + (" " if before.strip() else "")) or V.SKIP.search(
            before.rstrip()
        ):
            skipped = True
            live.append(a)
            continue
        if _SKIP_AFTER.match(s[a.end :]):
            skipped = True
            live.append(a)
            continue
        if d.causal(a.start) or _NOT_MAG_CONTEXT.search(s[d.clause_text(a.start)[0] : a.start]):
            continue
        if _MAG_DOES.match(s[a.end :]):
            continue
        live.append(a)
    if mags and not live:
        return []
    times = msg.times_for("dose")
    taken_at = None
    for t in times:
        if t.role != "range":
            taken_at = t.at
            break
    if not skipped and mags:
        clause_ok = False
        for a in live:
            ca, cb = d.clause_text(a.start)
            clause = s[ca:cb]
            if (
                V.TAKE_VERB.search(clause)
                or amounts
                or counts
                or taken_at is not None
                or len(clause.split()) <= 3
                or re.search(r"\b(?:done|check|ok|yes|tick)\b", clause)
            ):
                clause_ok = True
        if not clause_ok:
            return []
    if skipped:
        taken_at = None
    amount = amounts[0][1] if amounts and not skipped else None
    count = counts[0][1] if counts and not skipped else None
    if amount is not None and not (0 < amount <= MAX_DOSE_MG):
        amount = None
    return [
        DoseEntry(
            amount_mg=number(amount),
            count=number(count),
            taken_at=moment(taken_at),
            skipped=skipped,
        )
    ]
