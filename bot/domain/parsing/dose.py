"""Magnesium doses: taken (amount, capsules, when) or skipped.

A message can hold several: "200mg this morning and 200mg just now" is two
doses, each at its time; "took it this morning but forgot the evening dose" is
one taken and one skipped. A dose skipped on a named day keeps that day (the
time of day is assumed: the diary takes the planned dose time).
"""

from __future__ import annotations

import re

from bot.domain.entries import DoseEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.amounts import MAX_COUNT, MAX_DOSE_MG, bare_amount
from bot.domain.parsing.core import Anchor, Message, Values, moment, number
from bot.domain.parsing.times import TimeMention

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
    r"(?: (?:glycinate|bisglycinate|citrate|dose|supplement|was|of|about|around|:|-|="
    r"|\()){0,6} (?P<n>\d+(?:\.\d+)?)\b"
    r"(?! ?(?:/|:|\.\d|am\b|pm\b|h\b|hours?|minutes?|mins?\b|days?|weeks?|times|x\b|%|pills?"
    r"|caps?\b|capsules?"
    r"|tablets?|tabs?\b|ago|o ?clock))"
)


_SKIP_AFTER = re.compile(
    r"(?: (?:was|is|:|-|tonight|today|this evening|dose|glycinate)){0,6}"
    r" (?:skipped|missed|forgotten|forgot"
    r"|not taken|skip|no|none|nope|not today|not tonight)\b"
)


# "magnesium makes me groggy", "mag gives me the runs", "magnesium helps with migraines":
# talk about what the supplement does, not a dose taken
_MAG_DOES = re.compile(
    r"(?: (?:glycinate|bisglycinate|citrate|supplements?|pills?|tablets?|capsules?|caps"
    r"|always|really|definitely|probably|apparently|also|just|still|usually|sometimes|seems? to"
    r"|is|has been|keeps?|kept)){0,6}"
    r" (?:makes?|made|making|gives?|gave|giving|upsets?|upsetting|causes?|caused|causing|helps?"
    r"|helped|helping|works?|worked|is supposed|supposed|can|may|might|could|does|did|do"
    r"|messes|messed|wrecks?|knocks?|knocked|irritates?|irritated|disagrees?|disagreed)\b"
)


_NOT_MAG_CONTEXT = re.compile(r"\bside effects?\b")

_ANOTHER = re.compile(
    r"(?:\banother (?P<n>\d+(?:\.\d+)?)\b|\b(?P<n2>\d+(?:\.\d+)?) more\b"
    r"|\band (?P<n3>\d+(?:\.\d+)?)(?= (?:at|this|in the|last|tonight|before|around|just|later"
    r"|with|after)\b))"
    r"(?! ?(?:/|:|\.\d|am\b|pm\b|h\b|hours?|minutes?|mins?\b|days?|weeks?|times|x\b|%))"
)


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
        # matched at the anchor's end (the patterns read forward from a position)
        m2 = _BARE_AFTER_ANCHOR.match(d.s, a.end)
        if not m2 or not d.free(m2.start("n"), m2.end("n")):
            continue
        n = float(m2.group("n"))
        pos = m2.start("n")
        if a.topic == "med" and n >= 10 and a.value is None:
            a.value = n
            d.claim(pos, m2.end("n"))
        elif a.topic == "dose" and (amount := bare_amount(n)) is not None:
            # "mag 2" is two capsules, "mag 300" is 300 mg: the rule of a reply typed alone
            add("dose", pos, n, "amount" if amount.amount_mg is not None else "count")
            d.claim(pos, m2.end("n"))
    for m in msg.find(_COUNT):
        n = float(m.group("n") or m.group("n2") or m.group("n3"))
        owner = msg.nearest(m.start(), ("med", "dose"), same_clause_only=True)
        d.claim(m.start(), m.end())
        if owner is not None and owner.topic == "med":
            continue
        if 0 < n <= MAX_COUNT:
            add("dose", m.start(), n, "count")
    # "... at 8am and another 2 at 9pm": a second dose of the same kind, by the same rules
    if msg.values.get("dose"):
        for m in msg.find(_ANOTHER, claim=True):
            n = float(m.group("n") or m.group("n2") or m.group("n3"))
            amount = bare_amount(n)
            if amount is not None:
                add("dose", m.start(), n, "amount" if amount.amount_mg is not None else "count")


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
    skips: list[Anchor] = []
    live: list[Anchor] = []
    for a in mags:
        before = d.text_before(d.clause_text(a.start)[0], a.start)
        if V.SKIP.search(before.rstrip() + (" " if before.strip() else "")) or V.SKIP.search(
            before.rstrip()
        ):
            skips.append(a)
            live.append(a)
            continue
        if _SKIP_AFTER.match(s, a.end):
            skips.append(a)
            live.append(a)
            continue
        if d.causal(a.start) or _NOT_MAG_CONTEXT.search(before):
            continue
        if _MAG_DOES.match(s, a.end):
            continue
        live.append(a)
    if mags and not live:
        return []
    skipped = bool(skips)
    times = [t for t in msg.times_for("dose") if t.role != "range"]
    if not skipped and mags:
        clause_ok = False
        for ca, cb in sorted({d.clause_text(a.start) for a in live}):
            clause = s[ca:cb]
            if (
                V.TAKE_VERB.search(clause)
                or amounts
                or counts
                or times
                or len(clause.split()) <= 3
                or re.search(r"\b(?:done|check|ok|yes|tick)\b", clause)
            ):
                clause_ok = True
                break
        if not clause_ok:
            return []
    skip_clauses = {d.clause(a.start) for a in skips}
    taken = [a for a in live if d.clause(a.start) not in skip_clauses]
    if skipped and taken and (amounts or counts or any(_took(msg, a) for a in taken)):
        # "took 200mg this morning but forgot the evening dose": one of each
        skip_times = [t for t in times if d.clause(t.start) in skip_clauses]
        rest = [t for t in times if d.clause(t.start) not in skip_clauses]
        return [
            *_taken(msg, amounts + counts, rest),
            _dose(
                None,
                None,
                skip_times[0] if skip_times else msg.context_at(skips[0].start),
                skipped=True,
            ),
        ]
    if skipped:
        days = [t for t in times if t.vague]
        if len(days) >= 2 and len(days) == len(times):
            # "forgot my magnesium monday and tuesday": one skipped dose a day
            return [_dose(None, None, t, skipped=True) for t in days]
        return [
            _dose(None, None, times[0] if times else msg.context_at(skips[0].start), skipped=True)
        ]
    return _taken(msg, amounts + counts, times)


def _took(msg: Message, a: Anchor) -> bool:
    ca, cb = msg.d.clause_text(a.start)
    return V.TAKE_VERB.search(msg.d.s[ca:cb]) is not None


def _taken(
    msg: Message, quantities: list[tuple[int, float, str]], times: list[TimeMention]
) -> list[DoseEntry]:
    """Doses taken: one per amount when each has its own time, else one."""
    groups: list[dict[str, float | None]] = []
    last_pos = -1
    for pos, value, kind in sorted(quantities):
        same_dose = (
            groups
            and groups[-1][kind] is None
            and pos - last_pos < 30
            and not any(last_pos < t.start < pos for t in times)
        )
        if same_dose:  # "400mg (2 caps)": one dose said two ways
            groups[-1][kind] = value
        else:
            groups.append({"amount": None, "count": None, kind: value})
        last_pos = pos
    ordered = sorted(times, key=lambda t: t.start)
    if len(groups) >= 2 and len(ordered) == len(groups):
        return [_dose(g["amount"], g["count"], t) for g, t in zip(groups, ordered, strict=True)]
    first = groups[0] if groups else {"amount": None, "count": None}
    days = {t.at.date() for t in ordered if t.vague and t.day is not None}
    if len(groups) <= 1 and len(ordered) >= 2 and len(days) == len(ordered):
        # "took 200mg on monday and tuesday": the same dose each day named
        return [_dose(first["amount"], first["count"], t) for t in ordered]
    pos = min((q[0] for q in quantities), default=len(msg.d.s))
    return [_dose(first["amount"], first["count"], times[0] if times else msg.context_at(pos))]


def _dose(
    amount: float | None, count: float | None, t: TimeMention | None, skipped: bool = False
) -> DoseEntry:
    if amount is not None and not (0 < amount <= MAX_DOSE_MG):
        amount = None
    return DoseEntry(
        amount_mg=number(amount),
        count=number(count),
        taken_at=moment(t.at) if t is not None else None,
        skipped=skipped,
        assumed=frozenset({"taken_at"}) if t is not None and t.vague else frozenset(),
    )
