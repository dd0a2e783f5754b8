"""magbot: a Telegram diary for magnesium, migraines, sleep and anxiety."""

import os

# Opt in to python-telegram-bot's timedelta durations (the default of its next
# major version). Without it every 429 (RetryAfter) emits a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")
