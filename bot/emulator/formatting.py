"""Telegram's text formatting rules: HTML and MarkdownV2 parsing, UTF-16 lengths, trimming.

The HTML parser follows tdlib's `parse_html` (the code behind the Bot API), so a
message the emulator accepts is one Telegram accepts, and the error texts are
Telegram's. One deliberate difference, on by default: tdlib shows a bare "&"
that starts no entity as a literal character, but the emulator refuses it
(`strict_entities`), because it almost always means a piece of user text went
into an HTML message unescaped, and the next such text will contain a "<".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import ApiError

# tdlib's is_space; "\0" doubles as the end-of-text sentinel, as in C.
MAX_TEXT = 4096  # UTF-16 units in one text message, the bot's or a person's
_SPACE = frozenset(" \t\r\n\v\0")
_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "blockquote",
        "span",
        "tg-spoiler",
        "tg-emoji",
    }
)
_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Telegram trims these from both ends of a message text or caption.
_TRIM = " \t\r\n\v\f"
# MarkdownV2: characters that must be escaped with "\" wherever they are not markup.
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_error(detail: str) -> ApiError:
    return ApiError.bad_request(f"can't parse entities: {detail}")


@dataclass(frozen=True, slots=True)
class FormattedText:
    """A text as the recipient sees it, with its entities (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    output_index: int  # index into the output characters, for <a> without href
    expandable: bool


def _decode_entity(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """Decode the character entity starting with "&" at `pos`; None if there is none.

    tdlib accepts a missing ";" after an entity name; strict mode requires it.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] in "xX"
        if hexadecimal:
            end += 1
        digits_begin = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < n and text[end] in allowed:
            end += 1
        digits = text[digits_begin:end]
        if not digits or end - pos >= 10:
            return None
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        decoded = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED_ENTITIES:
            return None
        decoded = _NAMED_ENTITIES[name]
    if end < n and text[end] == ";":
        return decoded, end + 1
    if strict:
        return None
    return decoded, end


def parse_html(text: str, *, strict_entities: bool = True) -> FormattedText:
    """Parse a text sent with parse_mode HTML, or raise ApiError 400 as Telegram does."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def byte(k: int) -> int:
        return _byte_offset(text, k)

    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i, strict=strict_entities)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict_entities:
                raise _parse_error(
                    f'Character "&" at byte offset {byte(i)} does not start an HTML entity; '
                    'it must be written as "&amp;"'
                )
        if c != "<":
            out.append(c)
            utf16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            while at(i) not in _SPACE and at(i) != ">":
                i += 1
            if i >= n:
                raise _parse_error(f"Unclosed start tag at byte offset {byte(begin)}")
            tag = text[begin + 1 : i].lower()
            if tag not in _TAGS:
                raise _parse_error(f'Unsupported start tag "{tag}" at byte offset {byte(begin)}')
            argument = ""
            expandable = False
            while at(i) != ">":
                while i < n and at(i) in _SPACE:
                    i += 1
                if at(i) == ">":
                    break
                if i >= n:
                    raise _parse_error(f'Unclosed start tag "{tag}" at byte offset {byte(begin)}')
                attribute_begin = i
                while at(i) not in _SPACE and at(i) not in "=>":
                    i += 1
                attribute = text[attribute_begin:i]
                if not attribute:
                    raise _parse_error(
                        f'Empty attribute name in the tag "{tag}" at byte offset {byte(begin)}'
                    )
                while i < n and at(i) in _SPACE:
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and attribute == "expandable":
                        expandable = True
                        continue
                    raise _parse_error(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {byte(begin)}'
                    )
                i += 1
                while i < n and at(i) in _SPACE:
                    i += 1
                if i >= n:
                    raise _parse_error(f'Unclosed start tag "{tag}" at byte offset {byte(begin)}')
                if at(i) not in "'\"":
                    # A name token: letters, digits, periods, hyphens; not case sensitive.
                    token_begin = i
                    while (at(i).isascii() and at(i).isalnum()) or at(i) in ".-":
                        i += 1
                    value = text[token_begin:i].lower()
                    if at(i) not in _SPACE and at(i) != ">":
                        raise _parse_error(
                            f"Unexpected end of name token at byte offset {byte(token_begin)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        # Attribute values (URLs with "&" in the query) stay lenient, as in tdlib.
                        if text[i] == "&":
                            decoded = _decode_entity(text, i, strict=False)
                            if decoded is not None:
                                chars.append(decoded[0])
                                i = decoded[1]
                                continue
                        chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise _parse_error(f"Unclosed start tag at byte offset {byte(begin)}")
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise _parse_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte(begin)}'
                )
            if tag == "tg-emoji" and not argument.isdigit():
                raise _parse_error(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte(begin)}'
                )
            stack.append(_OpenTag(tag, argument, utf16, len(out), expandable))
            i += 1
            continue

        # An end tag.
        if not stack:
            raise _parse_error(f"Unexpected end tag at byte offset {byte(begin)}")
        i += 1
        name_begin = i
        while at(i) not in _SPACE and at(i) != ">":
            i += 1
        end_name = text[name_begin:i]
        while i < n and at(i) in _SPACE:
            i += 1
        if at(i) != ">":
            raise _parse_error(f"Unclosed end tag at byte offset {byte(begin)}")
        i += 1
        open_tag = stack.pop()
        if end_name and end_name != open_tag.name:
            raise _parse_error(
                f'Unmatched end tag at byte offset {byte(begin)}, expected "</{open_tag.name}>", '
                f'found "</{end_name}>"'
            )
        if utf16 > open_tag.offset:
            _close_entity(open_tag, utf16, out, entities)
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(out), tuple(entities))


def _close_entity(
    tag: _OpenTag, utf16: int, out: list[str], entities: list[dict[str, Any]]
) -> None:
    offset, length = tag.offset, utf16 - tag.offset
    name = tag.name
    if name in _SIMPLE_ENTITY:
        entities.append({"type": _SIMPLE_ENTITY[name], "offset": offset, "length": length})
    elif name == "a":
        url = tag.argument or "".join(out[tag.output_index :])
        entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif name == "blockquote":
        kind = "expandable_blockquote" if tag.expandable else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    elif name == "tg-emoji":
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": tag.argument,
            }
        )
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and (last["offset"], last["length"]) == (offset, length)
            and tag.argument
        ):
            last["language"] = tag.argument
        else:
            entities.append(
                {"type": "code", "offset": offset, "length": length, "_language": tag.argument}
            )
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (offset, length)
            and last.get("_language")
        ):
            entities[-1] = {
                "type": "pre",
                "offset": offset,
                "length": length,
                "language": last["_language"],
            }
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})


def parse_markdown_v2(text: str) -> FormattedText:
    """Loosely check a MarkdownV2 text: reserved characters escaped, markup balanced.

    Entities are not computed; the plain text drops the markup characters.
    """
    n = len(text)
    out: list[str] = []
    open_marks: list[tuple[str, int]] = []
    i = 0
    line_start = True
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n:
                raise _parse_error(
                    f"Character '\\' is reserved and must be escaped with the preceding '\\'"
                    f" at byte offset {_byte_offset(text, i)}"
                )
            out.append(text[i + 1])
            i += 2
            line_start = False
            continue
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            while end != -1 and text[end - 1] == "\\":
                end = text.find(fence, end + 1)
            if end == -1:
                raise _parse_error(
                    f"Can't find end of {'Pre' if fence == '```' else 'Code'} entity "
                    f"at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                body = body.split("\n", 1)[1]
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            continue
        if c == "]" and open_marks and open_marks[-1][0] == "[":
            open_marks.pop()
            i += 1
            if i < n and text[i] == "(":
                end = text.find(")", i)
                while end != -1 and text[end - 1] == "\\":
                    end = text.find(")", end + 1)
                if end == -1:
                    raise _parse_error(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                    )
                i = end + 1
            continue
        if c == "[":
            open_marks.append(("[", i))
            i += 1
            continue
        if c == ">" and line_start:
            i += 1
            continue
        for mark in ("||", "__", "*", "_", "~"):
            if text.startswith(mark, i):
                if open_marks and open_marks[-1][0] == mark:
                    open_marks.pop()
                else:
                    open_marks.append((mark, i))
                i += len(mark)
                break
        else:
            if c in _MDV2_RESERVED:
                raise _parse_error(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            out.append(c)
            line_start = c == "\n"
            i += 1
            continue
        line_start = False
    if open_marks:
        _mark, position = open_marks[-1]
        raise _parse_error(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, position)}"
        )
    return FormattedText("".join(out))


def trim(formatted: FormattedText) -> FormattedText:
    """Strip leading and trailing whitespace as Telegram does, keeping entities aligned."""
    stripped = formatted.text.strip(_TRIM)
    if stripped == formatted.text:
        return formatted
    lead = utf16_len(formatted.text[: len(formatted.text) - len(formatted.text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, tuple(entities))


def format_text(
    text: str,
    parse_mode: str | None,
    *,
    entities: list[dict[str, Any]] | None = None,
    strict_html_entities: bool = True,
) -> FormattedText:
    """Turn a text and its parse_mode into what the recipient sees, trimmed."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        formatted = parse_html(text, strict_entities=strict_html_entities)
    elif mode == "markdownv2":
        formatted = parse_markdown_v2(text)
    elif mode in ("", "markdown"):
        # Legacy Markdown is accepted as is; explicit entities are kept as sent.
        formatted = FormattedText(text, tuple(entities or ()))
    else:
        raise ApiError.bad_request("unsupported parse_mode")
    return trim(formatted)
