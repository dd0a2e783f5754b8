"""Medicines the diary knows: canonical generic names, brand names, and classes.

The parser maps what people type (brands, typos) to the generic name; the
statistics group acute medicines by class for the ICHD-3 overuse rule; the
safety rules need the classes that must be spaced from magnesium.
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
    "sumatriptan": MedClass.TRIPTAN,
    "rizatriptan": MedClass.TRIPTAN,
    "zolmitriptan": MedClass.TRIPTAN,
    "eletriptan": MedClass.TRIPTAN,
    "naratriptan": MedClass.TRIPTAN,
    "almotriptan": MedClass.TRIPTAN,
    "frovatriptan": MedClass.TRIPTAN,
    "ergotamine": MedClass.ERGOT,
    "dihydroergotamine": MedClass.ERGOT,
    "codeine": MedClass.OPIOID,
    "tramadol": MedClass.OPIOID,
    "oxycodone": MedClass.OPIOID,
    "hydrocodone": MedClass.OPIOID,
    "morphine": MedClass.OPIOID,
    "aspirin-paracetamol-caffeine": MedClass.COMBINATION,
    "paracetamol-codeine": MedClass.COMBINATION,
    "butalbital": MedClass.COMBINATION,
    "paracetamol": MedClass.SIMPLE_ANALGESIC,
    "aspirin": MedClass.SIMPLE_ANALGESIC,
    "metamizole": MedClass.SIMPLE_ANALGESIC,
    "ibuprofen": MedClass.NSAID,
    "naproxen": MedClass.NSAID,
    "diclofenac": MedClass.NSAID,
    "ketoprofen": MedClass.NSAID,
    "celecoxib": MedClass.NSAID,
    "mefenamic acid": MedClass.NSAID,
    "ubrogepant": MedClass.GEPANT,
    "rimegepant": MedClass.GEPANT,
    "zavegepant": MedClass.GEPANT,
    "lasmiditan": MedClass.DITAN,
    "metoclopramide": MedClass.ANTIEMETIC,
    "domperidone": MedClass.ANTIEMETIC,
    "ondansetron": MedClass.ANTIEMETIC,
    "prochlorperazine": MedClass.ANTIEMETIC,
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
    "imitrex": "sumatriptan",
    "imigran": "sumatriptan",
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
    "dhe": "dihydroergotamine",
    "excedrin": "aspirin-paracetamol-caffeine",
    "fioricet": "butalbital",
    "fiorinal": "butalbital",
    "ultram": "tramadol",
    "ubrelvy": "ubrogepant",
    "nurtec": "rimegepant",
    "zavzpret": "zavegepant",
    "reyvow": "lasmiditan",
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

# ICHD-3 8.2: these count towards overuse at >= 10 days a month; simple
# analgesics and NSAIDs at >= 15.
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
