"""Red flags (DESIGN §7): messages that need urgent medical care, not a diary entry.

`red_flags(text)` returns codes in a fixed order; the bot answers any of them
with plain advice to seek urgent care before it logs anything. The patterns
lean towards catching a real emergency written with typos ("worst headach of
my life", "slured speach") while staying quiet on the everyday messages of a
migraine diary ("migraine 7/10 nausea", "worst sleep ever", "neck pain",
"aura with zigzags", "confused about the dose").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from bot.domain.parsing.text import Corrector, normalize

WORST_HEADACHE = "worst_headache"
THUNDERCLAP = "thunderclap"
HEAD_INJURY = "head_injury"
FEVER_STIFF_NECK = "fever_stiff_neck"
WEAKNESS = "weakness"
NUMBNESS = "numbness"
CONFUSION = "confusion"
SPEECH = "speech"
VISION_LOSS = "vision_loss"

_PAIN = r"(?:headache|headaches|migraine|migraines|head pain|pain|head ache)"
_BODY = (
    r"(?:arm|arms|leg|legs|hand|hands|face|side|foot|feet|body|fingers|lip|lips|mouth|cheek|tongue"
    r"|half)"
)

Check = Callable[[str], bool]


def _search(pattern: str) -> Check:
    compiled = re.compile(pattern)
    return lambda s: compiled.search(s) is not None


def _any(*checks: Check) -> Check:
    return lambda s: any(check(s) for check in checks)


def _all(*checks: Check) -> Check:
    return lambda s: all(check(s) for check in checks)


# Each check is one or a few regex searches over the normalised message. They must stay
# linear in its length (a 4,096-character message can be 40,000 characters normalised):
# every repetition is bounded or anchored on a literal word, and nothing scans ahead with
# ".*" from every position (tests/test_redflags.py compares a long message with a short one).
CHECKS: list[tuple[str, Check]] = [
    (
        WORST_HEADACHE,
        _search(
            r"\bworst " + _PAIN + r" (?:\w+ ){0,2}?(?:of|in) (?:my|all my|my whole|my entire|my) ?"
            r"(?:whole |entire )?life\b"
            r"|\bworst " + _PAIN + r" (?:i have |i ve |i |that i have |i have ever |ive )?(?:ever )"
            r"(?:had|felt|experienced|been|have)?"
            r"|\bworst "
            + _PAIN
            + r" (?:i have|i ve|ive) (?:ever )?(?:had|felt)(?! (?:in|this|for|since))"
            r"|\bworst " + _PAIN + r" ever\b"
            r"|\b(?:never|not ever) (?:had|felt|experienced) (?:a |an |such a |pain like this"
            r"|anything like)"
            r"(?:(?:\w+ ){0,3})?(?:" + _PAIN + r"|this|it)? ?(?:like this|this bad|so bad|before)"
        ),
    ),
    (
        THUNDERCLAP,
        _search(
            r"\bthunder ?clap\w*"
            r"|\b(?:sudden|suddenly|all of a sudden|out of nowhere|out of the blue|instant"
            r"|instantly)\b(?: \w+){0,5}"
            r" (?:explosive|exploded|exploding|explosion|excruciating|worst|blinding|unbearable"
            r"|like being hit"
            r"|hit by|like a bomb|like a gunshot|bolt|10 / 10|severe)"
            r"|\b(?:explosive|exploding|explosion|explodes|exploded)(?: \w+){0,3} (?:headache|pain"
            r"|in my head|onset|head)"
            r"|\b(?:head|headache|pain)(?: \w+){0,2} (?:exploded|exploding|explodes|explosive)"
            r"|\b(?:peaked|peak|maximum|max|full strength|full blast)(?: \w+){0,2} (?:in|within"
            r"|under) "
            r"(?:seconds|a few seconds|a second|1 minute|a minute|1 min|\d+ seconds)"
            r"|\blike (?:a |being )?(?:hit|struck|smacked|kicked) (?:in|on|over) the head"
            r"|\blike a (?:bomb|gunshot|thunder ?clap|lightning bolt|bolt of lightning"
            r"|bat to the head)"
            r"|\b(?:came on|hit me|started|began) (?:in|within) (?:seconds|a second|1 second)"
        ),
    ),
    (
        HEAD_INJURY,
        _search(
            r"\b(?:hit|bumped|banged|knocked|smacked|bashed|whacked|struck|hurt|injured|cracked"
            r"|slammed)"
            r" (?:my|his|her|the back of my|the side of my|my whole|the) ?head\b"
            r"|\bhead (?:injury|injuries|trauma|knock|bump|wound|hit|injured|hit the)\b"
            r"|\bconcuss\w*"
            r"|\b(?:fell|fall|fallen|falling|tripped|slipped|crashed|collapsed)(?: \w+){0,5}"
            r" (?:on|onto|hit|hitting|banged|banging|bumped|bumping|landed on) (?:my |the )?head"
            r"|\b(?:hit|struck|smacked|whacked) (?:in|on) the head"
            r"|\b(?:blow|bang|knock|bump|hit) (?:to|on) (?:the|my) head"
            r"|\bwhiplash"
            r"|\b(?:car|bike|cycling|skiing|sports?) (?:accident|crash)"
        ),
    ),
    # Fever and a stiff neck anywhere in the message: two searches, not one pattern with
    # a lookahead per position (".*" after every character is quadratic on long text).
    (
        FEVER_STIFF_NECK,
        _any(
            _search(r"\bmeningitis\b"),
            _all(
                _search(
                    r"\b(?:fever\w*|feverish|febrile|high temp\w*|temperature of|temp of"
                    r"|3[89](?:\.\d)? ?(?:c|degrees)"
                    r"|10[1-5](?:\.\d)? ?(?:f|degrees)|chills|burning up|running a temp\w*"
                    r"|a temperature)\b"
                ),
                _search(
                    r"\b(?:stiff neck|neck (?:is |was |feels |felt |so |very |really ){0,4}"
                    r"(?:stiff|rigid)"
                    r"|(?:can not|could not|can t|hard to|hurts to|unable to) (?:bend|move|turn"
                    r"|touch) (?:my )?(?:neck|head|chin)|neck stiffness|chin to (?:my )?chest"
                    r"|rigid neck)\b"
                ),
            ),
        ),
    ),
    (
        WEAKNESS,
        _search(
            r"\b(?:weak|weakness|weakened|no strength|lost (?:the )?strength|paralys\w*|paralyz\w*"
            r"|drooping|droopy"
            r"|droops|drooped|limp|heavy and useless|dead|numb and weak|can not move"
            r"|could not move|can not lift"
            r"|could not lift|unable to (?:move|lift)|can not grip|could not grip)"
            r" (?:(?:in|on) )?(?:my |the |one |1 |left |right |whole )*" + _BODY + r"\b"
            r"|\b" + _BODY + r" (?:\w+ ){0,2}(?:is |was |went |feels |felt |gone |going |getting )?"
            r"(?:weak|drooping|droopy|droops|drooped|limp|paralys\w*|paralyz\w*|gave (?:out|way)"
            r"|gives way)\b"
            r"|\b(?:facial|face) droop\w*"
            r"|\b(?:sudden|new|one sided|1 sided|unexplained) weakness\b"
            r"|\bweakness\b(?! (?:and|from|of) (?:fatigue|tired))"
            r"|\b(?:can not|could not|unable to) (?:move|feel|lift|use) (?:my )?(?:left"
            r"|right) (?:arm|leg|hand|side)\b"
            r"|\bstroke\b"
        ),
    ),
    (
        NUMBNESS,
        _search(
            r"\bnumb\w*"
            r"|\bpins and needles\b"
            r"|\b(?:tingling|tingly|tingle|tingles)(?: \w+){0,3} (?:in |on )?(?:my )?(?:face|arm"
            r"|arms|hand|hands|lip"
            r"|lips|fingers|leg|legs|tongue|side|mouth|foot|feet)"
            r"|\b(?:can not|could not|can t) feel (?:my )?(?:face|arm|arms|hand|hands|leg|legs"
            r"|fingers|lips|tongue|side|foot)"
            r"|\blost (?:all )?(?:feeling|sensation) in"
        ),
    ),
    (
        CONFUSION,
        _search(
            r"\b(?:confused|confusion|disorient\w*|disorientated)\b"
            r"(?! (?:about|by|with|as to|why|what|how|if|whether|which|over|on|regarding))"
            r"|\b(?:do not|did not|could not|can not) (?:know|remember"
            r"|recogni[sz]e) (?:where i (?:am|was)|who|my own"
            r"|what day|my name|my family|my husband|my wife)"
            r"|\b(?:can not|could not) think (?:straight|clearly)"
            r"|\bnot making (?:any )?sense\b"
            r"|\b(?:memory loss|lost my memory|blacked out|passed out|fainted|lost consciousness"
            r"|unconscious"
            r"|seizure|convuls\w*)\b"
        ),
    ),
    (
        SPEECH,
        _search(
            r"\bslurr?\w*"
            r"|\b(?:trouble|difficulty|difficulties|problems?|hard|struggl\w*|can not|could not"
            r"|unable|not able|issues)"
            r" (?:\w+ )?(?:to )?(?:speak|speaking|talk|talking|get (?:my |the )?words out"
            r"|getting (?:my |the )?words out"
            r"|find (?:the |my )?words|finding (?:the |my )?words|form words|forming words"
            r"|say words|saying words"
            r"|speech|with speech|with my speech|say anything)\b"
            r"|\bspeech (?:\w+ )?(?:is |was |went |became |got )?(?:slurred|garbled|weird|off"
            r"|difficult|strange|affected"
            r"|gone|jumbled|messed up|problems?|difficult)"
            r"|\b(?:words|speech) (?:came|coming|come|are coming) out (?:wrong|jumbled|garbled"
            r"|weird|muddled|scrambled)"
            r"|\bgarbled\b|\baphasi\w*|\b(?:jumbled|mixed up|mixing up|scrambled) (?:my )?words"
            r"|\b(?:lost|losing) (?:my )?(?:speech|words|ability to speak)"
        ),
    ),
    (
        VISION_LOSS,
        _search(
            r"\b(?:lost|losing|loss of|lose|lost my|lost all|no|lost some"
            r"|partial loss of) ?(?:vision|sight|eyesight)\b"
            r"|\b(?:went|gone|going|go|am) (?:\w+ )?blind\b"
            r"|\bblind in (?:one|1|my|the|left|right|both)"
            r"|\b(?:can not|could not|can t|unable to) see(?! (?:the|why|how|what|a|my|it|that"
            r"|any point|anything wrong|well enough to)\b)"
            r"|\bvision (?:\w+ )?(?:went|gone|blacked|black|dark|darkened|disappeared|failed|lost"
            r"|went black|went dark)"
            r"|\b(?:blacked|greyed|grayed) out (?:vision|sight|eye)"
            r"|\bdouble vision\b|\bseeing double\b"
            r"|\bsudden(?:ly)? (?:blind|blindness)|\bblindness\b"
        ),
    ),
]

ORDER = [code for code, _ in CHECKS]

_TARGETS = [
    "worst",
    "headache",
    "headaches",
    "migraine",
    "migraines",
    "thunderclap",
    "sudden",
    "suddenly",
    "explosive",
    "exploded",
    "exploding",
    "injury",
    "injured",
    "concussion",
    "concussed",
    "fever",
    "feverish",
    "temperature",
    "stiff",
    "stiffness",
    "meningitis",
    "weakness",
    "numb",
    "numbness",
    "tingling",
    "paralysed",
    "paralyzed",
    "drooping",
    "droopy",
    "confused",
    "confusion",
    "disoriented",
    "disorientated",
    "slurred",
    "slurring",
    "speech",
    "speaking",
    "talking",
    "words",
    "vision",
    "eyesight",
    "blind",
    "blindness",
    "double",
    "seeing",
    "unconscious",
    "seizure",
    "fainted",
    "collapsed",
    "whiplash",
    "accident",
    "tripped",
    "knocked",
    "bumped",
    "banged",
]
_KNOWN = [
    "worse",
    "worst",
    "wordy",
    "words",
    "world",
    "sweet",
    "swept",
    "steer",
    "stiffer",
    "still",
    "stuff",
    "stiffen",
    "confuse",
    "confusing",
]


@lru_cache(maxsize=1)
def _corrector() -> Corrector:
    from bot.domain.parsing.extract import corrector as parse_corrector

    base = parse_corrector()
    # the parser's vocabulary plus the red-flag words, so neither spoils the other
    return Corrector([*_TARGETS, *base.targets], [*_KNOWN, *base.known])


# Telegram's longest message; anything longer was not typed by a person.
MAX_CHARS = 4096


def red_flags(text: str) -> list[str]:
    """Codes of the red flags the message describes, in a fixed order; [] for none."""
    if not text:
        return []
    s = normalize(text[:MAX_CHARS], _corrector())
    s = re.sub(r"\bhead ?ache", "headache", s)
    found = {code for code, check in CHECKS if check(s)}
    if _negated_only(s, found):
        found = set()
    return [code for code in ORDER if code in found]


_NEGATED = re.compile(
    r"^(?:no|not|never|without|zero|denies|did not have|have not had)\b(?: (?:any|other|of))? "
    r"(?:(?:numbness|weakness|confusion|slurred speech|vision loss|fever|stiff neck|head injury)"
    r"(?: ?(?:,|and|or|nor|/) ?)?)+$"
)


def _negated_only(s: str, found: set[str]) -> bool:
    """ "no numbness or weakness" is a reassuring answer, not a red flag."""
    if not found:
        return False
    parts = [p.strip() for p in re.split(r" [,;.!] ", s) if p.strip()]
    flagged = [p for p in parts if any(check(p) for _, check in CHECKS)]
    return bool(flagged) and all(_NEGATED.match(p) for p in flagged)
