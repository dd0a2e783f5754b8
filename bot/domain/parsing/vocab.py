"""The code vocabulary: the words behind every code, and the word scales.

Patterns are regular expressions over normalised text (lower case, one space
between tokens, digits for numbers, typos already fixed). Each code lists the
ways people actually say it, British and US spellings both. To teach the bot
a new way of saying something, add a pattern here and a test case. How words
are misspelt (and which words are never "corrected") is `lexicon`'s business.

Word scales (documented for the summary's readers and for `/help`):

- headache intensity (0-10): slight/minor 2, mild/light 3, moderate/medium 5,
  bad/strong/nasty 7, severe/terrible/awful/horrible/excruciating/intense 8,
  unbearable/worst/agonising 9. "very"/"really" add one (capped at 10),
  "a bit"/"slightly" take one off.
- sleep quality (1-5): terrible/awful/horrible/no sleep 1, bad/poor/rough/
  restless 2, ok/fine/average/not great 3, good/well/decent/solid 4,
  great/excellent/amazing/perfect/like a baby 5.
- anxiety (0-10): none/not anxious 0, calm/relaxed 1, low 2, a little/slightly/
  a bit 3, anxious (no qualifier)/quite/moderately 5, very/really/so/high 6,
  extremely/super/incredibly/severely 8, panic/panic attack/through the roof 9.
"""

from __future__ import annotations

import re

from bot.domain.medicines import ALIASES, CLASS_OF


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


NEG_WORDS = {"no", "not", "without", "never", "nor", "zero", "none", "nothing", "non"}

# --- attacks ---------------------------------------------------------------

MIGRAINE = _rx(
    r"migraines?",
    r"migs?",
    r"migrainous",
    r"hemicrania",
    r"(?<!panic )(?<!anxiety )(?<!heart )attacks?",
)
HEADACHE = _rx(
    r"headaches?",
    r"headachy",
    r"head pain",
    r"(?:sore|pounding|throbbing|splitting|banging|aching|achy|thumping|heavy|fuzzy) head",
    r"splitting head",
    r"(?:my )?head (?:\w+ ){0,2}?(?:hurts?|hurting|pounding|throbbing|killing me|splitting|aching"
    r"|aches|is sore|sore|bursting|exploding|banging|is pounding)",
    r"pain in (?:my|the) head",
    r"(?:tension|cluster|sinus|rebound|hangover) headaches?",
)
# "pain" alone anchors an update ("pain now 2") but not a new attack
PAIN = _rx(r"pain", r"it", r"ache")

ATTACK_END = re.compile(
    r"\b(?P<subj>migraines?|headaches?|attack|pain|it|ache|head)\b(?: \w+){0,3}? "
    r"(?:(?:is|was|has|have|had|finally|now|totally|completely|all|mostly|pretty much|basically|"
    r"fully|just|been) ){0,6}"
    r"(?P<cue>gone|over|finished|ended|stopped|cleared(?: up)?|lifted|resolved|went away|"
    r"gone away|disappeared|subsided|passed|broke|broken|vanished|eased off|wore off|died down|"
    r"done|left|went)\b"
    r"(?! (?:my|the|left|right|1) (?:eye|side|temple|head))(?! to)"
    r"|\bno (?:more )?(?:migraine|headache|pain)s? (?:now|anymore|any more|left)\b"
    r"|\bno more (?:migraine|headache|pain)s?\b"
    r"|\b(?:migraine|headache|pain) free (?:now|at last|finally|again|since)\b"
    r"|\b(?:finally|now) (?:migraine|headache|pain) free\b"
    r"|\b(?:all|completely|totally) (?:better|clear|good|fine) now\b"
    r"|\bback to normal\b"
)

UPDATE_STRONG = _rx(
    r"still",
    r"worse",
    r"worsening",
    r"getting (?:worse|better)",
    r"better",
    r"improv\w*",
    r"eas(?:ed|ing|ier)",
    r"down to",
    r"up to",
    r"dropped",
    r"went down",
    r"going down",
    r"came down",
    r"coming down",
    r"subsiding",
    r"fading",
    r"lessening",
    r"less",
    r"lower",
    r"higher",
    r"increasing",
    r"ramping up",
    r"(?:went|dropped|came|gone|is) (?:down )?from",
)
UPDATE_WEAK = _rx(r"now", r"currently", r"right now", r"at the moment", r"atm")

# severity words for headaches: (pattern, value)
INTENSITY_WORDS: list[tuple[re.Pattern[str], int]] = [
    (_rx(r"unbearable", r"worst", r"agoni[sz]ing", r"excruciatingly", r"10 / 10"), 9),
    (
        _rx(
            r"severe",
            r"severely",
            r"terrible",
            r"terribly",
            r"awful",
            r"horrible",
            r"horrendous",
            r"horrific",
            r"excruciating",
            r"intense",
            r"brutal",
            r"debilitating",
            r"crippling",
            r"blinding",
            r"killer",
            r"massive",
            r"monster",
            r"huge",
            r"splitting",
            r"dreadful",
            r"vicious",
            r"raging",
            r"hellish",
            r"extreme",
        ),
        8,
    ),
    (_rx(r"bad", r"strong", r"nasty", r"big", r"heavy", r"rough"), 7),
    (_rx(r"moderate", r"moderately", r"medium", r"manageable", r"not too bad", r"average"), 5),
    (_rx(r"mild", r"mildly", r"light", r"low", r"dull", r"low grade", r"weak"), 3),
    (_rx(r"slight", r"slightly", r"minor", r"tiny", r"little", r"faint", r"small", r"niggling"), 2),
]
BOOST = _rx(r"very", r"really", r"so", r"super", r"extremely", r"incredibly", r"insanely", r"such")
DAMPEN = _rx(r"a bit", r"a little", r"slightly", r"somewhat", r"kind of", r"kinda", r"bit")

# --- symptoms --------------------------------------------------------------

SYMPTOMS: dict[str, re.Pattern[str]] = {
    "throbbing": _rx(
        r"throb\w*",
        r"pounding",
        r"pound",
        r"pulsat\w*",
        r"pulsing",
        r"pulses",
        r"beating",
        r"banging",
        r"hammering",
        r"thumping",
        r"heartbeat in (?:my|the) head",
    ),
    "one_sided": _rx(
        r"(?:1|left|right|single) sided",
        r"(?:on|in|at) (?:the|my|1) (?:left|right|side)(?: side)?",
        r"(?:left|right) (?:side|temple|eye|half|hand side)",
        r"(?:behind|over|above|around) (?:my|the) (?:left|right)? ?eye",
        r"half (?:of )?(?:my|the) head",
        r"unilateral",
        r"(?:on )?1 side(?: of (?:my|the) (?:head|face))?",
        r"lateral",
    ),
    "nausea": _rx(
        r"nause\w*",
        r"queas\w*",
        r"(?:feel|feeling|felt|feels|am|was|so|bit|very|kinda|little|slightly) sick",
        r"sick to (?:my|the) stomach",
        r"(?:make|makes|made|making) me (?:feel )?sick",
        r"sickly",
        r"want(?:ed|ing)? to (?:throw up|vomit|puke|be sick)",
        r"(?:like|about to|gonna|going to) (?:throw up|vomit|puke|be sick)",
        r"gagg?(?:ing|ed|s)?",
        r"retch\w*",
        r"dry heav\w*",
        r"sick feeling",
    ),
    "vomiting": _rx(
        r"(?<!to )(?<!like )vomit\w*",
        r"threw up",
        r"(?<!to )(?<!like )throwing up",
        r"thrown up",
        r"puked?",
        r"puking",
        r"been sick",
        r"was sick",
        r"sick (?:\d+|once|twice) times?",
        r"sick twice",
        r"hurl\w*",
        r"barf\w*",
        r"spew\w*",
        r"emesis",
    ),
    "light_sensitivity": _rx(
        r"photophob\w*",
        r"photo ?sensitiv\w*",
        r"light sensitiv\w*",
        r"light ?sensitive",
        r"light (?:hurts|hurting|bothers|is bothering|makes it worse|is unbearable|is killing me)",
        r"lights? (?:are|is) too bright",
        r"(?:can not|could not) (?:stand|handle|bear|tolerate|look at) (?:the |any )?(?:light"
        r"|brightness|bright)",
        # photophobia said through a screen: "can't look at my phone", "screen hurts my eyes"
        r"(?:can not|could not|can barely|cannot) (?:stand|handle|bear|tolerate|look at)"
        r" (?:the |my |a |any )?(?:phone|screens?|computer|laptop|monitor|tv)",
        r"(?:phone|screens?|computer|laptop|monitor) (?:is |are )?(?:too bright|hurts?|hurting)",
        r"(?:hate|hating) (?:the )?light",
        r"(?:dark|darkened) room",
        r"sunglasses (?:on )?(?:inside|indoors)",
        r"curtains (?:closed|drawn)",
        r"(?:bright )?light (?:and (?:sound|noise) )?sensitiv\w*",
    ),
    "sound_sensitivity": _rx(
        r"phonophob\w*",
        r"(?:sound|noise) sensitiv\w*",
        r"(?:noise|noises|sound|sounds) (?:hurts?|bothers?|is unbearable|are unbearable|too loud"
        r"|makes it worse)",
        r"(?:can not|could not) (?:stand|handle|bear|tolerate) (?:any |the )?(?:noise|sound)s?",
        r"(?:every|any) (?:noise|sound) hurts",
        r"loud (?:noises|sounds) hurt",
    ),
    "smell_sensitivity": _rx(
        r"osmophob\w*",
        r"smell sensitiv\w*",
        r"smells? (?:make|makes|made|are making|is making) me (?:feel )?(?:sick|nauseous|nauseated"
        r"|worse|gag)",
        r"smells? (?:bother|bothers|bothering|hurt|are unbearable|too strong|are too strong)",
        r"(?:everything|every thing|all|food|it all) smells? (?:awful|horrible|terrible|disgusting"
        r"|wrong|so strong|too strong|weird|off|vile|gross|funny)",
        r"(?:smells?|odou?rs?) (?:are |is )?(?:so |too )?(?:overwhelming|unbearable"
        r"|intense|strong)",
        r"(?:can not|could not) (?:stand|handle|bear|tolerate) (?:any |the )?smells?",
        r"(?:every|any) smell",
    ),
    "aura": _rx(
        r"auras?",
        r"zig ?zags?",
        r"zigzag\w*",
        r"flashing lights?",
        r"flashes",
        r"(?:visual|vision) (?:disturbance|disturbances|distortion|problems|changes|blur|blurry"
        r"|blurred|weird|is weird|went weird)",
        r"(?:blurry|blurred|blurring|fuzzy|wavy) vision",
        r"blind spots?",
        r"scintillat\w*",
        r"scotoma\w*",
        r"seeing (?:spots|stars|sparkles|lights|flashes|zig ?zags|things|squiggles)",
        r"sparkl\w*",
        r"shimmer\w*",
        r"wavy lines",
        r"kaleidoscope",
        r"tunnel vision",
        r"spots in (?:my )?(?:vision|eyes?)",
        r"(?:pins and needles|tingling) (?:before|then)",
    ),
    "dizziness": _rx(
        r"dizz\w*",
        r"vertigo",
        r"light ?headed\w*",
        r"woozy",
        r"(?:room|everything|head|world) (?:is |was )?spinning",
        r"off balance",
        r"unsteady",
        r"giddy",
        r"spinning",
    ),
    "neck_pain": _rx(
        r"neck (?:pain|ache|aches|hurts|hurting|is sore|sore|stiffness|stiff|tension|tight|is stiff"
        r"|is tight|is killing me|pains|is painful|and shoulders?)",
        r"(?:stiff|sore|tight|painful|aching|achy|tense|bad) neck",
        r"pain in (?:my|the) neck",
        r"neckache",
    ),
    "fatigue": _rx(
        r"fatigue\w*",
        r"tired\w*",
        r"exhaust\w*",
        r"wiped(?: out)?",
        r"drained",
        r"worn out",
        r"no energy",
        r"low energy",
        r"letharg\w*",
        r"knackered",
        r"shattered",
        r"weary",
        r"zonked",
        r"yawn\w*",
        r"sleepy",
        r"drowsy",
        r"groggy",
        r"wrecked",
    ),
}

# "sensitive to light and sound": one phrase, several codes
SENSITIVE_TO = re.compile(
    r"\b(?:sensitiv\w*|hypersensitiv\w*|bothered by|intoleran\w*|aversion"
    r"|(?:can not|could not) (?:stand|handle|bear|tolerate)) (?:to |by )?(?:the |any )?"
    r"(?P<things>(?:(?:bright )?(?:lights?|brightness|sounds?|noises?|smells?|odou?rs?)"
    r"(?: ?(?:,|and|&|\+|/|or) ?)?)+)"
    r"|\b(?P<things2>(?:(?:lights?|sounds?|noises?|smells?) ?(?:,|and|&|\+|/) ?)+(?:lights?"
    r"|sounds?|noises?|smells?))"
    r" (?:sensitiv\w*|are unbearable|hurt|bother me)"
)
SENSE_CODES = {
    "light": "light_sensitivity",
    "bright": "light_sensitivity",
    "sound": "sound_sensitivity",
    "noise": "sound_sensitivity",
    "smell": "smell_sensitivity",
    "odor": "smell_sensitivity",
    "odour": "smell_sensitivity",
}

# --- triggers --------------------------------------------------------------

TRIGGERS: dict[str, re.Pattern[str]] = {
    "stress": _rx(
        r"stress\w*",
        r"deadlines?",
        r"arguments?",
        r"argued",
        r"(?:fight|row|rows|fights) with",
        r"(?:work|job) pressure",
        r"pressure at work",
        r"overwork\w*",
        r"exams?",
        r"hectic",
        r"overwhelm\w*",
        r"burn ?out",
        r"tense (?:day|week|meeting)",
    ),
    "menstruation": _rx(
        r"periods?",
        r"menstrua\w*",
        r"menses",
        r"time of (?:the|my) month",
        r"(?:my|the) cycle",
        r"pms",
        r"pmt",
        r"pmdd",
        r"hormonal",
        r"hormones",
        r"ovulat\w*",
        r"on my (?:period|cycle)",
        r"aunt flo",
        r"mens",
    ),
    "chocolate": _rx(r"chocolates?", r"choc", r"cocoa", r"cacao", r"brownies?", r"nutella"),
    "cheese": _rx(
        r"chees\w*",
        r"cheddar",
        r"parmesan",
        r"parmigiano",
        r"brie",
        r"camembert",
        r"gouda",
        r"stilton",
        r"gorgonzola",
        r"roquefort",
        r"feta",
        r"halloumi",
        r"manchego",
        r"gruyere",
        r"emmental",
        r"fondue",
        r"raclette",
        r"pecorino",
        r"comte",
    ),
    "processed_meat": _rx(
        r"hot ?dogs?",
        r"salami",
        r"bacon",
        r"ham",
        r"pepperoni",
        r"sausages?",
        r"(?:deli|cured|processed|lunch) ?meats?",
        r"chorizo",
        r"prosciutto",
        r"jerky",
        r"cold cuts",
        r"nitrates?",
        r"nitrites?",
        r"bologna",
        r"pastrami",
        r"corned beef",
        r"spam",
        r"frankfurters?",
        r"wieners?",
        r"bratwurst",
        r"hotdogs?",
        r"charcuterie",
        r"pate",
    ),
    "msg": _rx(r"msg", r"mono ?sodium glutamate", r"glutamate", r"ajinomoto"),
    "alcohol": _rx(
        r"wine",
        r"wines",
        r"beers?",
        r"alcohol\w*",
        r"drinks",
        r"drinking(?! (?:water|enough|fluids|more|coffee|tea|cola|coke|energy|red ?bull"
        r"|monster|juice|milk|\d+ (?:cups?|cans?|glasses?|bottles?|mugs?) of"
        r" (?:water|coffee|tea|cola|coke"
        r"|energy|red ?bull|monster|juice|milk)))",
        r"prosecco",
        r"champagne",
        r"cocktails?",
        r"vodka",
        r"gin",
        r"whiske?y",
        r"rum",
        r"booze",
        r"boozy",
        r"hangover",
        r"hung ?over",
        r"pints?",
        r"tequila",
        r"cider",
        # the rice wine, not "for god's sake" (normalised "for god sake") or "for the sake of"
        r"(?<!god )(?<!gods )(?<!heaven )(?<!heavens )(?<!pete )(?<!petes )(?<!christ )"
        r"(?<!goodness )(?<!fuck )(?<!fucks )(?<!pity )(?<!the )(?<!old times )sake(?! of)",
        r"drunk(?! enough)",
        r"tipsy",
        r"margaritas?",
        r"brandy",
        r"cognac",
        r"bourbon",
        r"lager",
        r"ale",
        r"sangria",
        r"mimosas?",
        r"spritz",
        r"shots",
        r"merlot",
        r"bubbly",
    ),
    "caffeine": _rx(
        r"coffees?",
        r"caffein\w*",
        r"espresso\w*",
        r"lattes?",
        r"cappuccinos?",
        r"energy drinks?",
        r"red ?bull",
        r"monster energy",
        r"colas?",
        r"coke",
        r"pepsi",
        r"mountain dew",
        r"americanos?",
        r"flat whites?",
        r"macchiatos?",
        r"teas?",
        r"matcha",
        r"decaf",
    ),
    "dehydration": _rx(
        r"dehydrat\w*",
        r"(?:not|no|did not|forgot to|barely|hardly|have not|had not|too little|little|low on)"
        r" (?:drink|drank|drunk|drinking|had|have|having)?(?: ?(?:enough|much|any|my))? ?(?:water"
        r"|fluids?|liquids?)",
        r"(?:not|did not|have not|had not|forgot to|barely|hardly) (?:drink|drank|drunk|drinking)"
        r"(?: (?:enough|much|anything))?",
        r"not enough (?:water|fluids?|to drink)",
        r"thirst\w*",
        r"hydration",
        r"under ?hydrated",
    ),
    "poor_sleep": _rx(
        r"(?:bad|poor|little|no|not enough|lack of|short|broken|rough|terrible|awful|crap|crappy"
        r"|lousy"
        r"|disturbed|restless|interrupted|bad nights?|sleepless|less) (?:night\w*|sleep)",
        r"slept (?:badly|poorly|bad|terribly|awfully|little|only \d+|\d+ hours? only|like crap)",
        r"(?:did not|could not|can not|barely|hardly|not) (?:get (?:much |enough |any )?)?sleep",
        r"sleep (?:deprived|deprivation|debt)",
        r"(?:up|awake) all night",
        r"late night",
        r"insomnia",
        r"only (?:got |slept )?\d+(?:\.\d+)? ?(?:h|hours?)",
        r"jet ?lag\w*",
        r"night shifts?",
        r"sleepless",
    ),
    "oversleep": _rx(
        r"over ?slept",
        r"over ?sleep\w*",
        r"slept in",
        r"(?:too much|extra) sleep",
        r"lie ?in",
        r"lay ?in",
        r"slept (?:too long|late|too much|1[0-4] hours?)",
        r"sleeping in",
        r"sleep(?:ing)? too long",
        r"long nap",
        r"napped too long",
    ),
    "skipped_meal": _rx(
        r"(?:skip|skipped|skipping|missed|missing|forgot|forgotten|no|did not have|not|without|"
        r"have not had|had not had) (?:my |a |any |the )?(?:breakfast|lunch|dinner|meals?|supper"
        r"|food"
        r"|brekkie|brunch|tea)",
        r"(?:did not|have not|had not|forgot to|not|barely|hardly) (?:eat|eaten|ate)(?: (?:enough"
        r"|much|anything))?",
        r"fasting",
        r"fasted",
        r"fast day",
        r"hungry",
        r"hunger",
        r"empty stomach",
        r"late (?:lunch|dinner|breakfast|meal)",
        r"no food",
        r"low blood sugar",
        r"hypo",
        r"ramadan",
    ),
    "weather": _rx(
        r"weather(?! is)",
        r"storms?",
        r"stormy",
        r"thunder(?!clap)\w*",
        r"(?:barometric|air|atmospheric) pressure",
        r"pressure (?:change|changes|drop|dropping|front)",
        r"rain\w*",
        r"humid\w*",
        r"heat ?wave",
        r"hot (?:day|weather|outside)",
        r"heat",
        r"muggy",
        r"windy",
        r"wind",
        r"f[oö]e?hn",
        r"cold front",
        r"front coming",
        r"sirocco",
        r"chinook",
        r"snow\w*",
        r"cold snap",
        r"temperature (?:change|drop|swing)",
        r"lightning",
    ),
    "bright_light": _rx(
        r"bright (?:lights?|sun\w*|screens?|day)",
        r"sun",
        r"sunlight",
        r"sunshine",
        r"sunny",
        r"glare",
        r"fluorescent\w*",
        r"strobe\w*",
        r"flicker\w*",
        r"(?:harsh|led|office|neon|stage|car) ?lights?",
        r"headlights",
    ),
    "screen_time": _rx(
        r"screens?",
        r"screen ?time",
        r"computer\w*",
        r"laptop\w*",
        r"monitor\w*",
        r"phone",
        r"tv",
        r"telly",
        r"television",
        r"gaming",
        r"video ?games?",
        r"staring at",
        r"(?:zoom|teams|video) calls?",
        r"pc",
        r"ipad",
        r"netflix",
        r"scrolling",
        r"binge\w*",
        r"desk all day",
    ),
    "strong_smell": _rx(
        r"perfumes?",
        r"cologne",
        r"fumes?",
        r"(?:strong|bad|chemical|paint|cleaning|cigarette|smoke|gas|petrol|gasoline) (?:smell"
        r"|odou?r)s?",
        r"smell of (?!food)\w+",
        r"paint",
        r"painting",
        r"cigarettes?",
        r"smoke",
        r"smoky",
        r"second ?hand smoke",
        r"petrol",
        r"gasoline",
        r"bleach",
        r"air fresheners?",
        r"scented",
        r"candles?",
        r"incense",
        r"aftershave",
        r"(?:cleaning|chemical) products?",
        r"stench",
        r"stink\w*",
        r"strong smells?",
    ),
    "exercise": _rx(
        r"exercis\w*",
        r"work ?outs?",
        r"worked out",
        r"working out",
        r"gym",
        r"(?:went for a|after (?:a|my|the)|morning|long|my|a|evening) (?:run|jog)",
        r"running",
        r"ran(?! out\b)",
        r"jog\w*",
        r"cycling",
        r"cycled",
        r"bike ride",
        r"spin class",
        r"hiit",
        r"cardio",
        r"training",
        r"yoga",
        r"football",
        r"soccer",
        r"tennis",
        r"swim\w*",
        r"hik(?:e|ed|ing)",
        r"lifting",
        r"weights",
        r"crossfit",
        r"sports?",
        r"exertion",
        r"marathon",
        r"climbing",
        r"squash",
        r"badminton",
        r"rowing",
        r"workout",
        r"sprint\w*",
    ),
}

# trigger words that look like negations but are the trigger itself
NEGATION_IMMUNE = frozenset({"dehydration", "skipped_meal", "poor_sleep", "caffeine"})

# --- side effects (of magnesium) ------------------------------------------

SIDE_EFFECTS: dict[str, re.Pattern[str]] = {
    "diarrhea": _rx(
        r"diar+h?o?e?a\w*",
        r"diarr?h?ea\w*",
        r"loose (?:stools?|bowels?|motions?|poo|poop|stool)",
        r"the runs",
        r"runny (?:stools?|poo|poop|tummy|bum)",
        r"(?:watery|soft) (?:stools?|poo|poop)",
        r"(?:toilet|bathroom|loo) (?:trips|all day|runs|a lot)",
        r"running to the (?:toilet|bathroom|loo)",
        r"laxative(?: effect)?",
        r"the shits",
        r"squits",
        r"the trots",
        r"upset bowels?",
    ),
    "stomach_upset": _rx(
        r"(?:upset|sore|bad|dodgy|funny|unsettled|churning|gurgling|rumbling|queasy|weird|iffy) "
        r"(?:stomach|tummy|belly|gut|guts)",
        r"(?:stomach|tummy|belly|gut|abdominal|abdomen) (?:ache|aches|pain|pains|cramps?|cramping"
        r"|upset"
        r"|issues|problems|trouble|discomfort|hurts|hurting|bug|is upset|was upset|is off|was off"
        r"|is funny|felt funny|feels funny|is weird|felt weird|felt off|feels off|not great|bad"
        r"|sore"
        r"|is sore|is bad|is not great|was not great|is unsettled|churning|upset)",
        r"(?:stomach|tummy|belly) ?aches?",
        r"bloat\w*",
        r"gassy",
        r"gas",
        r"flatulen\w*",
        r"indigestion",
        r"heartburn",
        r"(?:acid )?reflux",
        r"cramp\w* in (?:my |the )?(?:stomach|tummy|belly|gut)",
        r"(?:gi|gut|digestive|tummy) (?:issues|upset|problems|trouble)",
        r"upset (?:my )?(?:stomach|tummy)",
        r"(?:upsets|upsetting) (?:my )?(?:stomach|tummy)",
        r"dyspepsia",
        r"(?:hard|rough|tough|harsh) on (?:my |the )?(?:stomach|tummy|gut)",
    ),
    "nausea": SYMPTOMS["nausea"],
    "drowsiness": _rx(
        r"drows\w*",
        r"groggy",
        r"grogginess",
        r"sleepy",
        r"sedat\w*",
        r"(?:knocked|knocks) me out",
        r"tired",
        r"sluggish",
        r"hard to wake(?: up)?",
        r"foggy",
        r"hungover",
        r"lethargic",
    ),
}

# --- magnesium and doses ----------------------------------------------------

MAGNESIUM = _rx(
    r"magnesium(?: (?:bis)?glycinate| citrate| oxide| threonate| malate| taurate| glycenate)?",
    r"mag(?:nesium)? (?:bis)?gly\w*",
    r"(?:bis)?glycinate",
    r"mag",
    r"magn",
    r"mag ?gly",
    r"supplements?",
    r"magnes",
)
# "mg" not after a number: "took my mg", "mg 200"
MG_ANCHOR = re.compile(r"(?<![\d.] )(?<![\d.])\bmg\b")
DOSE_WORD = _rx(r"(?:evening|morning|night|nightly|bedtime|daily|usual|normal|my|the) dose")
PILL_WORD = r"(?:pills?|capsules?|caps?|tablets?|tabs?|softgels?|gel ?caps?|scoops?)"
TAKE_VERB = _rx(
    r"took",
    r"take",
    r"taken",
    r"taking",
    r"had",
    r"have had",
    r"swallowed",
    r"popped",
    r"done",
    r"dosed",
    r"used",
)
SKIP = re.compile(
    r"\b(?:skip|skipped|skipping|skips|missed|miss|missing|forgot|forget|forgotten|forgetting"
    r"|no|not|without|never|did not take|did not have|have not taken|have not had|will not take"
    r"|not taking|not take|ran out of|out of|run out of|no more|none of"
    r"|did not bother(?: with| taking)?|could not be bothered(?: with| taking)?"
    r"|passed on|gave up on)"
    r"(?: (?:my|the|any|to take|taking|to have|tonight|today|this evening|this morning|evening|"
    r"morning|nightly|usual|it|dose of|doses of|a|take))*$"
)

# --- sleep -----------------------------------------------------------------

SLEEP_ANCHOR = _rx(
    r"sleep\w*",
    r"slept",
    r"asleep",
    r"insomnia",
    r"night(?:'s)?(?! shifts?)",
    r"overnight",
    r"(?:woke|waking|wake) ?ups?",
    r"awakenings?",
    r"in bed",
    r"to bed",
    r"bed",
    r"restless legs?",
    r"rls",
    r"nap",
)
SLEEP_QUALITY: list[tuple[re.Pattern[str], int]] = [
    (
        _rx(
            r"(?:did not|could not|can not|barely|hardly|not|no) (?:get (?:any "
            r"|much )?)?sleep(?: at all| a wink)?",
            r"no sleep",
            r"barely slept",
            r"hardly slept",
            r"did not sleep",
            r"sleepless",
            r"insomnia",
            r"worst (?:sleep|night)",
            r"awake all night",
            r"up all night",
            r"(?:terrible|terribly|awful|awfully|horrible|horribly|horrendous|dreadful|atrocious"
            r"|crap|crappy|shit|shitty|rubbish|lousy|miserable)",
        ),
        1,
    ),
    (
        _rx(
            r"(?:bad|badly|poor|poorly|rough|restless|broken|disturbed|interrupted|light|patchy"
            r"|fitful"
            r"|not good|not well|not very good|not very well|worse|meh|tossing and turning"
            r"|tossed and turned"
            r"|choppy|unsettled|not restful)",
        ),
        2,
    ),
    (
        _rx(
            r"(?:ok|okay|okish|alright|all right|fine|average|so so|not great|not bad|not too bad"
            r"|decent"
            r"|mediocre|fair|medium|normal|could be better|middling)",
        ),
        3,
    ),
    (
        _rx(
            r"(?:good|well|solid|nice|better|pretty good|restful|deep|sound|soundly|peaceful"
            r"|peacefully"
            r"|through the night|straight through)",
        ),
        4,
    ),
    (
        _rx(
            r"(?:great|excellent|amazing|perfect|perfectly|fantastic|wonderful|brilliant|awesome"
            r"|superb"
            r"|like a baby|like a log|like a rock|best|incredible|very good|very well|really good"
            r"|really well"
            r"|so good|so well|super)",
        ),
        5,
    ),
]
RESTLESS_LEGS = _rx(
    r"restless legs?(?: syndrome)?",
    r"rls",
    r"legs? (?:were |was |are |is |felt |feel |feeling )?(?:restless|jumpy|twitchy|jittery|crawly"
    r"|creepy|fidgety|kicking)",
    r"(?:jumpy|twitchy|jittery|crawly|creepy|fidgety|kicking|restless) legs?",
    r"urge to move (?:my )?legs?",
    r"willis ekbom",
)
CRAMPS = _rx(
    r"(?:leg|legs|calf|calves|foot|feet|toe|toes|thigh|thighs|hamstring|muscle|night"
    r"|charley) ?(?:cramps?|cramping|cramped|spasms?)",
    r"cramps? in (?:my |the )?(?:leg|legs|calf|calves|foot|feet|toes?|thighs?|hamstring)",
    r"charley horses?",
    r"(?<!stomach )(?<!tummy )(?<!period )(?<!menstrual )(?<!belly )(?<!abdominal )cramp(?:s|ed"
    r"|ing)?(?! in (?:my |the )?(?:stomach|tummy|belly|gut))",
)

# --- anxiety ---------------------------------------------------------------

ANXIETY = _rx(
    r"anxi\w*",
    r"nervous\w*",
    r"nerves",
    r"panic\w*",
    r"worried",
    r"worrying",
    r"worries",
    r"on edge",
    r"uneasy",
    r"jittery",
    r"jitters",
    r"overwhelmed",
    r"freaking out",
    r"freaked out",
    r"wound up",
    r"tense",
    r"apprehensive",
    r"restless mind",
    r"racing thoughts",
    r"mind racing",
    r"edgy",
)
STRESS_AS_ANXIETY = _rx(r"stressed(?: out)?", r"stressful", r"stress(?:ed)? level", r"stress")
ANXIETY_CALM = _rx(
    r"calm", r"calmer", r"relaxed", r"chilled", r"at ease", r"peaceful", r"zen", r"serene"
)
ANXIETY_WORDS: list[tuple[re.Pattern[str], int]] = [
    (
        _rx(
            r"panic attacks?",
            r"panicking",
            r"panicked",
            r"through the roof",
            r"unbearable",
            r"crippling",
        ),
        9,
    ),
    (
        _rx(
            r"extremely",
            r"super",
            r"incredibly",
            r"severely",
            r"severe",
            r"terribly",
            r"insanely",
            r"massively",
            r"hugely",
            r"awful",
            r"terrible",
            r"horrible",
            r"intense",
        ),
        8,
    ),
    (
        _rx(
            r"very",
            r"really",
            r"so",
            r"high",
            r"bad",
            r"pretty bad",
            r"quite bad",
            r"lots of",
            r"a lot of",
            r"heavy",
        ),
        6,
    ),
    (_rx(r"quite", r"pretty", r"fairly", r"moderately", r"moderate", r"rather", r"some"), 5),
    (
        _rx(
            r"a little",
            r"a bit",
            r"slightly",
            r"somewhat",
            r"mildly",
            r"mild",
            r"bit",
            r"kind of",
            r"kinda",
            r"little",
            r"slight",
            r"touch of",
        ),
        3,
    ),
    (_rx(r"low", r"minimal", r"barely"), 2),
]

# --- periods -----------------------------------------------------------------

PERIOD = _rx(
    r"(?:my |the )?periods?",
    r"menstruat\w*",
    r"menses",
    r"time of (?:the|my) month",
    r"aunt flo",
    r"on the rag",
)
# "period" that is not a menstrual period, or a period that is not happening
NOT_A_PERIOD = _rx(
    r"(?:a|the|this|that|short|long|trial|waiting|grace|free|same|time|test|testing) periods?",
    r"periods? of",
    r"(?:no|missed|missing|skipped|late) periods?",
    r"periods? (?:is |was |has been |are )?(?:late|due|overdue|missing|irregular)",
    r"periods? (?:has |have |is |was |are )?(?:ended|finished|stopped|over|gone|done)",
    r"(?:waiting for|before|after|expecting|since|between) (?:my |the )?periods?",
    r"periods? (?:app|tracker|tracking|pants)",
)
PERIOD_STARTED = _rx(
    r"(?:periods?|it) (?:has |have |just |finally |only )*(?:started|starting|start|came|come"
    r"|arrived|began|begun|kicked in|showed up|turned up|is here|came on|arrived early)",
    r"(?:got|get|getting|started|starting|start|have started|came on) (?:on )?(?:my |the )?period",
    r"first day of (?:my |the )?period",
    r"day 1 of (?:my |the )?period",
    r"period day 1",
)

# --- medicines -------------------------------------------------------------

EXTRA_ALIASES = {
    "tylenol": "paracetamol",
    "paracetemol": "paracetamol",
    "paracetamol": "paracetamol",
    "acetaminophen": "paracetamol",
    "apap": "paracetamol",
    "ibu": "ibuprofen",
    "brufen": "ibuprofen",
    "ibuprofen": "ibuprofen",
    "suma": "sumatriptan",
    "riza": "rizatriptan",
    "zolmi": "zolmitriptan",
    "disprin": "aspirin",
    "bayer": "aspirin",
    "co codamol": "paracetamol-codeine",
    "cocodamol": "paracetamol-codeine",
    "tylenol 3": "paracetamol-codeine",
    "solpadeine": "paracetamol-codeine",
    "toradol": "ketorolac",
    "ketorolac": "ketorolac",
    "celebrex": "celecoxib",
    "ponstan": "mefenamic acid",
    "mefenamic": "mefenamic acid",
    "excedrin migraine": "aspirin-paracetamol-caffeine",
    "anadin extra": "aspirin-paracetamol-caffeine",
    "nurofen": "ibuprofen",
    "aimovig": "erenumab",
    "ajovy": "fremanezumab",
    "emgality": "galcanezumab",
    "vyepti": "eptinezumab",
    "qulipta": "atogepant",
    "aquipta": "atogepant",
    "topamax": "topiramate",
    "inderal": "propranolol",
    "elavil": "amitriptyline",
    "atacand": "candesartan",
    "vydura": "rimegepant",
    "sumatriptan": "sumatriptan",
    "bactrim": "trimethoprim-sulfamethoxazole",
    "synthroid": "levothyroxine",
    "euthyrox": "levothyroxine",
    "l thyroxine": "levothyroxine",
    "thyroxine": "levothyroxine",
    "amoxil": "amoxicillin",
    "zithromax": "azithromycin",
    "prilosec": "omeprazole",
    "nexium": "esomeprazole",
    "zoloft": "sertraline",
    "lexapro": "escitalopram",
    "prozac": "fluoxetine",
    "xanax": "alprazolam",
    "valium": "diazepam",
    "ativan": "lorazepam",
    "neurontin": "gabapentin",
    "lyrica": "pregabalin",
    "zyrtec": "cetirizine",
    "claritin": "loratadine",
    "benadryl": "diphenhydramine",
    "melatonin": "melatonin",
    "dramamine": "dimenhydrinate",
    "stemetil": "prochlorperazine",
    "buccastem": "prochlorperazine",
    "motilium": "domperidone",
    "maxolon": "metoclopramide",
    "paramax": "paracetamol-metoclopramide",
    "migraleve": "paracetamol-codeine",
    "tramal": "tramadol",
    "mobic": "meloxicam",
    "dolormin": "ibuprofen",
    "aspirine": "aspirin",
    "doxycyclin": "doxycycline",
    "ciproxin": "ciprofloxacin",
    "tavanic": "levofloxacin",
    "actonel": "risedronate",
}
OTHER_GENERICS = (
    "ketorolac",
    "meloxicam",
    "erenumab",
    "fremanezumab",
    "galcanezumab",
    "eptinezumab",
    "atogepant",
    "topiramate",
    "propranolol",
    "metoprolol",
    "amitriptyline",
    "nortriptyline",
    "candesartan",
    "flunarizine",
    "verapamil",
    "valproate",
    "levothyroxine",
    "amoxicillin",
    "azithromycin",
    "clarithromycin",
    "omeprazole",
    "esomeprazole",
    "pantoprazole",
    "lansoprazole",
    "sertraline",
    "escitalopram",
    "citalopram",
    "fluoxetine",
    "venlafaxine",
    "duloxetine",
    "alprazolam",
    "diazepam",
    "lorazepam",
    "gabapentin",
    "pregabalin",
    "cetirizine",
    "loratadine",
    "diphenhydramine",
    "melatonin",
    "dimenhydrinate",
    "prednisolone",
    "prednisone",
    "dexamethasone",
    "metformin",
    "trimethoprim",
    "nitrofurantoin",
    "cefalexin",
    "penicillin",
    "hydroxyzine",
    "promethazine",
    "cyclizine",
    "zolpidem",
    "trazodone",
    "quetiapine",
    "iron",
    "calcium",
    "zinc",
)


def medicine_names() -> dict[str, str]:
    """What people type (already in normalised form) -> generic name."""
    names: dict[str, str] = {}
    for generic in (*CLASS_OF, *OTHER_GENERICS):
        names[generic.replace("-", " ")] = generic
    for alias, generic in (*ALIASES.items(), *EXTRA_ALIASES.items()):
        names[alias.replace("-", " ")] = generic
    # "asa" is also a word in some languages and "dhe" a typo for "the"; keep them
    # but never as typo targets (see typo_targets)
    return names
