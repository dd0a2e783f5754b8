"""The use cases: the ONLY code that changes the diary (DESIGN §2).

Record an attack, a dose, a night's sleep...; answer a prompt; undo; edit;
settings; export; erase. Every way an entry reaches the diary (free text, a
button, a prompt answer, an onboarding answer, an edit from /log) calls the same
function for its kind, so one rule (the amount reader, the day named, the
journal /undo reads) holds everywhere.

A use case takes a `Scope` (one transaction on one person's diary, and the
moment) and returns typed results (`bot.diary.results`): no Telegram, no HTML.
Queries live in `storage.queries`; pure rules in `bot.domain`.
"""
