"""The words for the codes of DESIGN §4 (symptoms, triggers, side effects): one spelling
each, in the replies, on the buttons, in the summary, the chart and the report."""

from __future__ import annotations

SYMPTOM_WORDS = {
    "throbbing": "throbbing",
    "one_sided": "one-sided",
    "nausea": "nausea",
    "vomiting": "vomiting",
    "light_sensitivity": "light hurts",
    "sound_sensitivity": "sound hurts",
    "smell_sensitivity": "smells hurt",
    "aura": "aura",
    "dizziness": "dizziness",
    "neck_pain": "neck pain",
    "fatigue": "tiredness",
}
TRIGGER_WORDS = {
    "stress": "stress",
    "menstruation": "period",
    "chocolate": "chocolate",
    "cheese": "cheese",
    "processed_meat": "processed meat",
    "msg": "MSG",
    "alcohol": "alcohol",
    "caffeine": "caffeine",
    "dehydration": "too little water",
    "poor_sleep": "poor sleep",
    "oversleep": "oversleeping",
    "skipped_meal": "skipped meal",
    "weather": "weather",
    "bright_light": "bright light",
    "screen_time": "screens",
    "strong_smell": "strong smell",
    "exercise": "exercise",
}
SIDE_EFFECT_WORDS = {
    "diarrhea": "diarrhea",
    "stomach_upset": "upset stomach",
    "nausea": "nausea",
    "drowsiness": "drowsiness",
}
WORDS = {**SYMPTOM_WORDS, **TRIGGER_WORDS, **SIDE_EFFECT_WORDS}


def word(code: str) -> str:
    """A code in words (an unknown one with its underscores as spaces)."""
    return WORDS.get(code, code.replace("_", " "))
