"""The emulator's copy of Telegram's text rules: HTML entities, UTF-16 lengths, trimming."""

from __future__ import annotations

import pytest

from bot.emulator.errors import ApiError
from bot.emulator.formatting import (
    format_text,
    parse_html,
    parse_markdown_v2,
    utf16_len,
)
from bot.emulator.markup import parse_reply_markup
from bot.emulator.media import image_size, tiny_png
from bot.emulator.ratelimit import TokenBucket, retry_after_seconds


def test_utf16_length_counts_an_emoji_outside_the_bmp_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("é") == 1
    assert utf16_len("😀") == 2


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("plain", "plain", []),
        (
            "<b>bold</b> and <strong>strong</strong>",
            "bold and strong",
            [("bold", 0, 4), ("bold", 9, 6)],
        ),
        (
            "<i>a</i><em>b</em><u>c</u><ins>d</ins>",
            "abcd",
            [("italic", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("underline", 3, 1)],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
            "xy",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("<blockquote>q</blockquote>", "q", [("blockquote", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<code>x = 1</code>", "x = 1", [("code", 0, 5)]),
        ("<B>upper-case start tag</b>", "upper-case start tag", [("bold", 0, 20)]),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot;", '1 < 2 && 3 > 2 "ok"', []),
        ("&#65;&#x42;", "AB", []),
        ("<b>😀</b>x", "😀x", [("bold", 0, 2)]),
        ("<b></b>empty bold makes no entity", "empty bold makes no entity", []),
        ("2 > 1 is fine", "2 > 1 is fine", []),
        ("<b>bold <i>both</i></b>", "bold both", [("bold", 0, 9), ("italic", 5, 4)]),
        ("<b>x</>", "x", [("bold", 0, 1)]),
    ],
)
def test_valid_html_gives_the_text_and_entities_telegram_shows(
    html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_links_pre_with_language_and_custom_emoji_keep_their_arguments() -> None:
    parsed = parse_html(
        '<a href="https://example.org/?a=1&amp;b=2">site</a> '
        '<pre><code class="language-python">print(1)</code></pre> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    link, pre, emoji = parsed.entities
    assert link == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://example.org/?a=1&b=2",
    }
    assert pre == {"type": "pre", "offset": 5, "length": 8, "language": "python"}
    assert emoji["type"] == "custom_emoji"
    assert emoji["custom_emoji_id"] == "5368324170671202286"


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<3 you", 'Unsupported start tag "3" at byte offset 0'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        # tdlib lowercases start tags but compares end tags as written.
        ("<B>x</B>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</B>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        (
            '<span class="other">x</span>',
            'Tag "span" must have class "tg-spoiler" at byte offset 0',
        ),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("é <b>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("éé <x>", 'Unsupported start tag "x" at byte offset 5'),
        ("Tom & Jerry", 'Character "&" at byte offset 4 does not start an HTML entity'),
        ("&nbsp;", 'Character "&" at byte offset 0'),
        ("&lt without semicolon", 'Character "&" at byte offset 0'),
    ],
)
def test_malformed_html_is_refused_with_telegrams_description(html: str, description: str) -> None:
    with pytest.raises(ApiError) as refused:
        parse_html(html)
    assert refused.value.status == 400
    assert refused.value.description.startswith("Bad Request: can't parse entities: ")
    assert description in refused.value.description


def test_a_bare_ampersand_passes_when_strictness_is_off_as_on_real_telegram() -> None:
    assert (
        parse_html("Tom & Jerry &nbsp; &lt", strict_entities=False).text == "Tom & Jerry &nbsp; <"
    )


def test_telegram_trims_the_text_and_keeps_entities_aligned() -> None:
    formatted = format_text("  \n<b> hi</b> there \n", "HTML")
    assert formatted.text == "hi there"
    assert [(e["type"], e["offset"], e["length"]) for e in formatted.entities] == [("bold", 0, 2)]


def test_an_unknown_parse_mode_is_refused() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("*bold* _italic_ __under__ ~strike~ ||spoiler||", "bold italic under strike spoiler"),
        ("escaped \\. \\! \\- \\(x\\)", "escaped . ! - (x)"),
        ("[link](https://example.org/a.b?c=d)", "link"),
        ("`code with . inside`", "code with . inside"),
        ("```python\nprint(1)\n```", "print(1)\n"),
        ("> a quote", " a quote"),
    ],
)
def test_markdown_v2_is_accepted_when_escaped(markdown: str, text: str) -> None:
    assert parse_markdown_v2(markdown).text == text


@pytest.mark.parametrize("markdown", ["Done.", "wow!", "a-b", "*unclosed", "[text](no end"])
def test_markdown_v2_refuses_unescaped_reserved_characters_and_open_markup(markdown: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        parse_markdown_v2(markdown)


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("not json", "can't parse reply keyboard markup JSON object"),
        ("[]", "can't parse reply keyboard markup JSON object"),
        ('{"inline_keyboard": "x"}', "can't parse reply keyboard markup JSON object"),
        ('{"inline_keyboard": [[{"callback_data": "x"}]]}', "can't parse reply keyboard markup"),
        ('{"inline_keybaord": []}', "can't parse reply keyboard markup JSON object"),
        (
            '{"inline_keyboard": [[{"text": "a"}]]}',
            "Text buttons are unallowed in the inline keyboard",
        ),
        ('{"inline_keyboard": [[{"text": "a", "callback_data": ""}]]}', "BUTTON_DATA_INVALID"),
        ('{"inline_keyboard": [[{"text": "a", "callback_data": 5}]]}', "BUTTON_DATA_INVALID"),
    ],
)
def test_invalid_reply_markup_is_refused(markup: str, description: str) -> None:
    with pytest.raises(ApiError) as refused:
        parse_reply_markup(markup)
    assert description in refused.value.description


def test_callback_data_may_take_64_bytes_but_not_65() -> None:
    def keyboard(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "a", "callback_data": data}]]}

    assert parse_reply_markup(keyboard("x" * 64)) is not None
    assert parse_reply_markup(keyboard("é" * 32)) is not None  # 64 bytes in UTF-8
    for too_long in ("x" * 65, "é" * 33):
        with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
            parse_reply_markup(keyboard(too_long))


def test_reply_keyboards_and_removal_are_valid_markup() -> None:
    assert parse_reply_markup({"keyboard": [["Yes", {"text": "No"}]], "resize_keyboard": True})
    assert parse_reply_markup('{"remove_keyboard": true}') == {"remove_keyboard": True}
    assert parse_reply_markup({"force_reply": True}) == {"force_reply": True}
    assert parse_reply_markup(None) is None


def test_image_sniffing_reads_png_dimensions() -> None:
    assert image_size(tiny_png(7, 3)) == (7, 3)
    assert image_size(b"GIF89a\x10\x00\x20\x00") == (16, 32)
    assert image_size(b"%PDF-1.7") is None


def test_a_token_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    now = [100.0]
    bucket = TokenBucket(rate=2.0, burst=3, monotonic=lambda: now[0])
    for _ in range(3):
        assert bucket.wait_time() == 0
        bucket.take()
    assert bucket.wait_time() == pytest.approx(0.5)
    now[0] += 0.5
    assert bucket.wait_time() == 0
    assert retry_after_seconds(0.01) == 1
    assert retry_after_seconds(2.2) == 3
