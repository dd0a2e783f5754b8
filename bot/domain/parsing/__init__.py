"""Free-text check-in parsing, split by concern.

`text` normalises what people type on a phone (casing, contractions, emoji,
number words, typos), `vocab` holds the words and phrases for every code,
`times` resolves time expressions against the moment the message was sent,
and `extract` turns a normalised message into diary entries. The public API
lives in `bot.domain.parse`.
"""
