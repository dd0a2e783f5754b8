"""Medicines the diary knows: canonical generic names, brand names, and classes.

The parser maps what people type (brands, typos) to the generic name; the
statistics group acute medicines by class for the ICHD-3 overuse rule (8.2)
and the IHS migraine-day rule; the safety rules need the classes that must be
spaced from magnesium.

Classes follow ICHD-3 8.2: a *combination analgesic* combines drugs of two or
more classes with an analgesic effect, or one with an adjuvant such as
caffeine (Excedrin counts); a fixed combination that contains a triptan or an
ergot is filed under the triptan or ergot, the stronger rule for both the
overuse count and the migraine day. Class values are stored with each
medicine taken, so existing values never change.
"""

from __future__ import annotations

from enum import StrEnum


class MedClass(StrEnum):
    TRIPTAN = "triptan"
    ERGOT = "ergot"
    OPIOID = "opioid"
    COMBINATION = "combination"
    SIMPLE_ANALGESIC = "simple_analgesic"
    NSAID = "nsaid"
    GEPANT = "gepant"
    DITAN = "ditan"
    ANTIEMETIC = "antiemetic"
    TETRACYCLINE = "tetracycline"
    QUINOLONE = "quinolone"
    BISPHOSPHONATE = "bisphosphonate"
    OTHER = "other"


# generic name -> class
CLASS_OF: dict[str, MedClass] = {
    # triptans (and a fixed triptan + NSAID combination)
    "sumatriptan": MedClass.TRIPTAN,
    "rizatriptan": MedClass.TRIPTAN,
    "zolmitriptan": MedClass.TRIPTAN,
    "eletriptan": MedClass.TRIPTAN,
    "naratriptan": MedClass.TRIPTAN,
    "almotriptan": MedClass.TRIPTAN,
    "frovatriptan": MedClass.TRIPTAN,
    "sumatriptan-naproxen": MedClass.TRIPTAN,
    # ergots (Cafergot: ergotamine with caffeine)
    "ergotamine": MedClass.ERGOT,
    "dihydroergotamine": MedClass.ERGOT,
    # gepants used for an attack (atogepant is preventive only and not listed)
    "ubrogepant": MedClass.GEPANT,
    "rimegepant": MedClass.GEPANT,
    "zavegepant": MedClass.GEPANT,
    # ditans
    "lasmiditan": MedClass.DITAN,
    # opioids
    "codeine": MedClass.OPIOID,
    "dihydrocodeine": MedClass.OPIOID,
    "tramadol": MedClass.OPIOID,
    "tapentadol": MedClass.OPIOID,
    "oxycodone": MedClass.OPIOID,
    "hydrocodone": MedClass.OPIOID,
    "hydromorphone": MedClass.OPIOID,
    "morphine": MedClass.OPIOID,
    "buprenorphine": MedClass.OPIOID,
    "butorphanol": MedClass.OPIOID,
    "pethidine": MedClass.OPIOID,
    # combination analgesics: two analgesic classes, or one with caffeine
    "aspirin-paracetamol-caffeine": MedClass.COMBINATION,
    "paracetamol-caffeine": MedClass.COMBINATION,
    "aspirin-caffeine": MedClass.COMBINATION,
    "ibuprofen-caffeine": MedClass.COMBINATION,
    "ibuprofen-paracetamol": MedClass.COMBINATION,
    "paracetamol-codeine": MedClass.COMBINATION,
    "ibuprofen-codeine": MedClass.COMBINATION,
    "paracetamol-dihydrocodeine": MedClass.COMBINATION,
    "paracetamol-tramadol": MedClass.COMBINATION,
    "paracetamol-oxycodone": MedClass.COMBINATION,
    "paracetamol-hydrocodone": MedClass.COMBINATION,
    "butalbital": MedClass.COMBINATION,
    # simple analgesics (an analgesic with an antiemetic is still one analgesic class)
    "paracetamol": MedClass.SIMPLE_ANALGESIC,
    "aspirin": MedClass.SIMPLE_ANALGESIC,
    "metamizole": MedClass.SIMPLE_ANALGESIC,
    "paracetamol-metoclopramide": MedClass.SIMPLE_ANALGESIC,
    "aspirin-metoclopramide": MedClass.SIMPLE_ANALGESIC,
    # NSAIDs
    "ibuprofen": MedClass.NSAID,
    "dexibuprofen": MedClass.NSAID,
    "naproxen": MedClass.NSAID,
    "diclofenac": MedClass.NSAID,
    "ketoprofen": MedClass.NSAID,
    "dexketoprofen": MedClass.NSAID,
    "ketorolac": MedClass.NSAID,
    "indometacin": MedClass.NSAID,
    "meloxicam": MedClass.NSAID,
    "piroxicam": MedClass.NSAID,
    "celecoxib": MedClass.NSAID,
    "etoricoxib": MedClass.NSAID,
    "tolfenamic acid": MedClass.NSAID,
    "mefenamic acid": MedClass.NSAID,
    # antiemetics (not painkillers: no overuse count, no headache day of their own)
    "metoclopramide": MedClass.ANTIEMETIC,
    "domperidone": MedClass.ANTIEMETIC,
    "ondansetron": MedClass.ANTIEMETIC,
    "prochlorperazine": MedClass.ANTIEMETIC,
    # spaced from magnesium
    "tetracycline": MedClass.TETRACYCLINE,
    "doxycycline": MedClass.TETRACYCLINE,
    "minocycline": MedClass.TETRACYCLINE,
    "ciprofloxacin": MedClass.QUINOLONE,
    "levofloxacin": MedClass.QUINOLONE,
    "moxifloxacin": MedClass.QUINOLONE,
    "ofloxacin": MedClass.QUINOLONE,
    "norfloxacin": MedClass.QUINOLONE,
    "alendronate": MedClass.BISPHOSPHONATE,
    "risedronate": MedClass.BISPHOSPHONATE,
    "ibandronate": MedClass.BISPHOSPHONATE,
    "etidronate": MedClass.BISPHOSPHONATE,
}

# what people type -> generic name (brands and common other names)
ALIASES: dict[str, str] = {
    "acetaminophen": "paracetamol",
    "tylenol": "paracetamol",
    "panadol": "paracetamol",
    "calpol": "paracetamol",
    "advil": "ibuprofen",
    "motrin": "ibuprofen",
    "nurofen": "ibuprofen",
    "aleve": "naproxen",
    "naprosyn": "naproxen",
    "voltaren": "diclofenac",
    "cambia": "diclofenac",
    "indomethacin": "indometacin",
    "indocin": "indometacin",
    "clotam": "tolfenamic acid",
    "arcoxia": "etoricoxib",
    "imitrex": "sumatriptan",
    "imigran": "sumatriptan",
    "treximet": "sumatriptan-naproxen",
    "maxalt": "rizatriptan",
    "zomig": "zolmitriptan",
    "relpax": "eletriptan",
    "amerge": "naratriptan",
    "naramig": "naratriptan",
    "axert": "almotriptan",
    "almogran": "almotriptan",
    "frova": "frovatriptan",
    "cafergot": "ergotamine",
    "migranal": "dihydroergotamine",
    "trudhesa": "dihydroergotamine",
    "dhe": "dihydroergotamine",
    "excedrin": "aspirin-paracetamol-caffeine",
    "thomapyrin": "aspirin-paracetamol-caffeine",
    "panadol extra": "paracetamol-caffeine",
    "anacin": "aspirin-caffeine",
    "nuromol": "ibuprofen-paracetamol",
    "combogesic": "ibuprofen-paracetamol",
    "nurofen plus": "ibuprofen-codeine",
    "ultracet": "paracetamol-tramadol",
    "percocet": "paracetamol-oxycodone",
    "vicodin": "paracetamol-hydrocodone",
    "norco": "paracetamol-hydrocodone",
    "fioricet": "butalbital",
    "fiorinal": "butalbital",
    "ultram": "tramadol",
    "meperidine": "pethidine",
    "ubrelvy": "ubrogepant",
    "nurtec": "rimegepant",
    "vydura": "rimegepant",
    "zavzpret": "zavegepant",
    "reyvow": "lasmiditan",
    "rayvow": "lasmiditan",
    "reglan": "metoclopramide",
    "zofran": "ondansetron",
    "cipro": "ciprofloxacin",
    "levaquin": "levofloxacin",
    "avelox": "moxifloxacin",
    "vibramycin": "doxycycline",
    "doxy": "doxycycline",
    "minocin": "minocycline",
    "fosamax": "alendronate",
    "actonel": "risedronate",
    "boniva": "ibandronate",
    "bonviva": "ibandronate",
    "asa": "aspirin",
    "novalgin": "metamizole",
}

ACUTE_CLASSES = frozenset(
    {
        MedClass.TRIPTAN,
        MedClass.ERGOT,
        MedClass.OPIOID,
        MedClass.COMBINATION,
        MedClass.SIMPLE_ANALGESIC,
        MedClass.NSAID,
        MedClass.GEPANT,
        MedClass.DITAN,
    }
)

# IHS 2020: a day on which one of these was taken is a migraine day.
MIGRAINE_SPECIFIC_CLASSES = frozenset(
    {MedClass.TRIPTAN, MedClass.ERGOT, MedClass.GEPANT, MedClass.DITAN}
)

# ICHD-3 8.2: each of these classes counts towards overuse at >= 10 days a
# month (8.2.1 ergots, 8.2.2 triptans, 8.2.4 opioids, 8.2.5 combination
# analgesics); simple analgesics and NSAIDs, counted together as one class,
# at >= 15 (8.2.3). Several of them, none overused alone: >= 10 days (8.2.6).
# Gepants and ditans are not in ICHD-3 8.2 and are not counted.
OVERUSE_10_DAY_CLASSES = frozenset(
    {MedClass.TRIPTAN, MedClass.ERGOT, MedClass.OPIOID, MedClass.COMBINATION}
)
OVERUSE_15_DAY_CLASSES = frozenset({MedClass.SIMPLE_ANALGESIC, MedClass.NSAID})


def canonical_name(name: str) -> str:
    """The generic name for a brand or generic name (already normalised to lower case)."""
    key = name.strip().lower()
    return ALIASES.get(key, key)


def medication_class(name: str) -> MedClass:
    return CLASS_OF.get(canonical_name(name), MedClass.OTHER)


def stored_or_named_class(stored: str | None, name: str) -> MedClass:
    """The class stored with a medicine taken, else the one its name says.

    A stored "other" (or an unknown value) gives way to the name, so a class
    added here later also counts for medicines logged before.
    """
    if stored:
        try:
            cls = MedClass(stored)
        except ValueError:
            cls = MedClass.OTHER
        if cls is not MedClass.OTHER:
            return cls
    return medication_class(name)
