"""The /report PDF: the clinician's figures, the dated attack table and the footer on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.diary import Attack, AttackUpdate, Diary, MedicationTaken, PeriodDay, Sleep
from bot.domain.midas import Midas
from bot.domain.report import clean, render_report_pdf
from tests.diarygen import generate, local

TZ = "Europe/Berlin"

# ---------------------------------------------------------------- reading the PDF back
# fpdf2 writes text as glyph ids of a font subset; the ToUnicode map of each
# font turns them back into characters. Enough of a reader for uncompressed
# fpdf2 output, so the tests can check what a person would read.

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_STRING = rb"\((?:\\.|[^\\)])*\)"
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|(" + _STRING + rb")\s*Tj|\[((?:.|\n)*?)\]\s*TJ|\bET\b")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    body = literal[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = body[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset in range(int(lo, 16), int(hi, 16) + 1):
                mapping[offset] = chr(int(dst, 16) + offset - int(lo, 16))
    return mapping


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, one line per text object."""
    objects = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}

    def stream(number: int) -> bytes:
        match = _STREAM.search(objects[number])
        assert match, f"object {number} has no stream (is compression off?)"
        return match.group(1)

    cmaps = {
        number: _cmap(stream(int(m.group(1))))
        for number, body in objects.items()
        if (m := re.search(rb"/ToUnicode (\d+) 0 R", body))
    }
    fonts = {
        name.decode(): cmaps[int(ref)]
        for body in objects.values()
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body)
        if int(ref) in cmaps
    }
    pages_tree = next(b for b in objects.values() if re.search(rb"/Type /Pages\b", b))
    kids = re.search(rb"/Kids \[(.*?)\]", pages_tree, re.S)
    assert kids
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
        contents = re.search(rb"/Contents (\d+) 0 R", objects[int(ref)])
        assert contents
        font: dict[int, str] = {}
        lines, line = [], ""
        for match in _TOKEN.finditer(stream(int(contents.group(1)))):
            if match.group(1):
                font = fonts[match.group(1).decode()]
                continue
            if match.group(0) == b"ET":
                lines.append(line)
                line = ""
                continue
            literals = [match.group(2)] if match.group(2) else re.findall(_STRING, match.group(3))
            for literal in literals:
                raw = _unescape(literal)
                line += "".join(
                    font.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd")
                    for i in range(0, len(raw) - 1, 2)
                )
        pages.append("\n".join(x for x in lines if x))
    return pages


# ---------------------------------------------------------------- the tests


def test_report_is_a_pdf_with_the_attack_rows_of_the_last_90_days() -> None:
    diary, _, now = generate(seed=4)
    data = render_report_pdf(diary, now, compress=False)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = "\n".join(pdf_pages(data))
    in_report = [a for a in diary.attacks if a.started_at >= now - timedelta(days=89)]
    assert f"Attacks, last 90 days ({len(in_report)})" in text
    berlin = diary.zone
    for a in in_report:
        start = a.started_at.astimezone(berlin)
        assert f"{start.day} {start:%b %Y %H:%M}" in text
    older = min(diary.attacks, key=lambda a: a.started_at).started_at.astimezone(berlin)
    assert f"{older.day} {older:%b %Y %H:%M}" not in text


def test_report_shows_the_figures_before_and_on_magnesium() -> None:
    diary, _, now = generate(seed=7)
    text = "\n".join(pdf_pages(render_report_pdf(diary, now, compress=False)))
    assert "Before magnesium" in text and "On magnesium" in text
    assert "Headache days (any)" in text
    assert "Migraine days per 28 days: 8.0 before → 4.0 on magnesium" in text
    assert "(24 in 84 days before, 16 in 112 days on)." in text
    assert "Responder: 50% fewer migraine days" in text
    assert "quasi-Poisson" in text
    flat = " ".join(text.split())  # a paragraph wraps over lines
    assert "can't rule out that the weeks before magnesium were simply a bad patch" in flat
    assert "90% (101/112)" in text  # adherence on magnesium


def test_every_page_has_the_not_medical_advice_footer() -> None:
    # a busy quarter: 20 migraine days per 28 days makes the attack table run over pages
    diary, _, now = generate(seed=4, on_per_28=20.0)
    pages = pdf_pages(render_report_pdf(diary, now, compress=False))
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert "not medical advice" in page
        assert f"Page {number}/{len(pages)}" in page


def test_accents_and_emoji_in_what_the_person_typed_do_not_break_the_report() -> None:
    day = date(2025, 6, 10)
    attack = Attack(
        1,
        local(day, "23:00"),
        local(day + timedelta(days=1), "01:30"),
        peak_intensity=7,
        symptoms=("übelkeit 🤢",),
        triggers=("café au lait",),
        updates=[AttackUpdate(local(day + timedelta(days=1), "01:00"), intensity=2)],
    )
    meds = [MedicationTaken("Zoë's pill 💊", local(day, "23:10"), attack_id=1, med_class="nsaid")]
    diary = Diary(tz=TZ, created_at=local(date(2025, 6, 1)), attacks=[attack], medications=meds)
    text = "\n".join(pdf_pages(render_report_pdf(diary, local(date(2025, 6, 14)), compress=False)))
    assert "10 Jun 2025 23:00" in text
    assert "2 h 30" in text
    assert "übelkeit ?" in text
    assert "café au lait" in text
    assert "zoë's pill ?" in text
    # 2/10 at 01:00, 1 h 50 min after the pill, against 7: not pain-free, but relief
    assert "relief" in text


def test_report_for_a_person_with_no_data_is_one_friendly_page() -> None:
    now = local(date(2025, 6, 14))
    pages = pdf_pages(render_report_pdf(Diary(tz=TZ, created_at=now), now, compress=False))
    assert len(pages) == 1
    assert "Nothing has been logged yet." in pages[0]


def test_report_is_compressed_by_default() -> None:
    diary, _, now = generate(seed=4)
    assert len(render_report_pdf(diary, now)) < len(render_report_pdf(diary, now, compress=False))


def test_characters_the_font_lacks_become_question_marks() -> None:
    assert clean("Zoë 🤢 漢 ok") == "Zoë ? ? ok"
    assert clean("👩\u200d💻") == "??"  # the zero-width joiner vanishes
    assert clean("e\u0301") == "é"  # combining accent composed first


def _flat(data: bytes) -> str:
    return " ".join("\n".join(pdf_pages(data)).split())


def test_no_text_in_the_report_is_smaller_than_9_pt() -> None:
    diary, _, now = generate(seed=4, on_per_28=20.0)
    data = render_report_pdf(diary, now, compress=False)
    sizes = {float(size) for size in re.findall(rb"/F\d+ ([\d.]+) Tf", data)}
    assert sizes and min(sizes) >= 9.0


def test_a_3_day_diary_gives_counts_never_a_rate_per_28_days() -> None:
    created = local(date(2025, 6, 12), "08:00")
    attack = Attack(1, local(date(2025, 6, 13), "10:00"), local(date(2025, 6, 13), "14:00"))
    d = Diary(tz=TZ, created_at=created, attacks=[attack], sleep=[Sleep(date(2025, 6, 12), 3)])
    text = _flat(render_report_pdf(d, local(date(2025, 6, 14), "20:00"), compress=False))
    assert "1 in 3 days logged" in text
    assert "28.0" not in text and "9.3" not in text  # 1 x 28 / 3 never shows
    assert "Sleep: 1 night, quality 3.0/5" in text  # "1 night", not "1 nights"


def test_midas_cycle_and_overuse_are_in_the_report_with_their_dates() -> None:
    start = date(2025, 5, 1)
    triptans = [
        MedicationTaken("sumatriptan", local(date(2025, 6, 14 - i), "10:00")) for i in range(10)
    ]
    periods = [
        PeriodDay(date(2025, m, 2) + timedelta(days=k), started=k == 0)
        for m in (5, 6)
        for k in range(4)
    ]
    d = Diary(
        tz=TZ,
        created_at=local(start),
        medications=triptans,
        periods=periods,
        midas=[Midas(date(2025, 6, 1), (2, 3, 1, 4, 2))],
    )
    text = _flat(render_report_pdf(d, local(date(2025, 6, 14), "20:00"), compress=False))
    assert "MIDAS 12 on 1 Jun 2025: grade III (moderate disability)" in text
    assert "Risk of medication overuse: triptans on 10 of the last 28 days" in text
    assert "not a diagnosis" in text
    # day 1 on 2 May and 2 Jun: windows 30 Apr-4 May (4 observed days from 1 May) and
    # 31 May-4 Jun (5); triptan days 5-14 Jun are the migraine days, all outside
    assert "migraine on 0 of 9 days around a period" in text
