"""The Bot API emulator answers as Telegram does: raw HTTP first, then python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotApiEmulator, EmulatorTimeoutError, tiny_png

USER = 42
OTHER_USER = 43
KEYBOARD = {"inline_keyboard": [[{"text": "Took it", "callback_data": "dose:taken:1"}]]}


class RawApi:
    """Bot API requests as any HTTP client would make them, in each encoding Telegram takes."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token

    async def call(
        self,
        method: str,
        *,
        via: str = "json",
        token: str | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        **params: Any,
    ) -> tuple[int, dict[str, Any]]:
        url = f"/bot{token or self.token}/{method}"
        if via == "json":
            response = await self.client.post(url, json=params)
        elif via == "query":
            response = await self.client.get(url, params=_form_values(params))
        elif via == "form":
            response = await self.client.post(url, data=_form_values(params))
        elif via == "multipart":
            response = await self.client.post(url, data=_form_values(params), files=files or {})
        else:
            raise ValueError(via)
        return response.status_code, response.json()

    async def upload(
        self, method: str, field: str, name: str, data: bytes, content_type: str, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        """A multipart request with one file, as python-telegram-bot sends an upload."""
        return await self.call(
            method, via="multipart", files={field: (name, data, content_type)}, **params
        )

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def refused(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, **params)
        assert body["ok"] is False, body
        assert body["error_code"] == status
        return status, body["description"]


def _form_values(params: dict[str, Any]) -> dict[str, str]:
    """Form fields as python-telegram-bot sends them: strings as is, the rest JSON-encoded."""
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()
    }


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[RawApi]:
    emu.add_user(USER, first_name="Ada")
    async with httpx.AsyncClient(base_url=emu.base_url) as client:
        yield RawApi(client, emu.token)


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    emu.add_user(USER, first_name="Ada")
    async with telegram.Bot(
        emu.token, base_url=emu.api_base_url, base_file_url=emu.file_base_url
    ) as ptb_bot:
        yield ptb_bot


# --- the server and its routing ---------------------------------------------------------


async def test_get_me_describes_the_bot(api: RawApi) -> None:
    me = await api.ok("getMe")
    assert me == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Magbot",
        "username": "magbot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def test_an_unknown_token_is_unauthorized(api: RawApi) -> None:
    status, body = await api.call("getMe", token="999:NOT-REGISTERED")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_an_unknown_method_is_not_found(api: RawApi) -> None:
    status, body = await api.call("sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_method_names_are_case_insensitive(api: RawApi) -> None:
    assert (await api.ok("GETME"))["username"] == "magbot"


@pytest.mark.parametrize("via", ["json", "form", "query", "multipart"])
async def test_parameters_are_read_from_every_encoding_telegram_accepts(
    emu: BotApiEmulator, api: RawApi, via: str
) -> None:
    message = await api.ok(
        "sendMessage",
        via=via,
        chat_id=USER,
        text="<b>Hi</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
        disable_notification=True,
    )
    assert message["text"] == "Hi"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert message["reply_markup"] == KEYBOARD
    assert emu.last_message(USER).reply_markup == KEYBOARD
    assert emu.calls[-1].params["reply_markup"] == KEYBOARD


async def test_a_message_is_shaped_like_telegrams(api: RawApi) -> None:
    before = int(datetime.now(UTC).timestamp())
    message = await api.ok("sendMessage", chat_id=USER, text="hello")
    assert message["message_id"] == 1
    assert before <= message["date"] <= before + 2
    assert message["chat"] == {"id": USER, "first_name": "Ada", "type": "private"}
    assert message["from"] == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Magbot",
        "username": "magbot",
    }
    assert message["text"] == "hello"
    assert "reply_markup" not in message


# --- sendMessage refusals ---------------------------------------------------------------


async def test_an_unknown_chat_is_not_found(api: RawApi) -> None:
    assert await api.refused("sendMessage", chat_id=999, text="x") == (
        400,
        "Bad Request: chat not found",
    )
    assert await api.refused("sendMessage", chat_id="@somechannel", text="x") == (
        400,
        "Bad Request: chat not found",
    )
    assert await api.refused("sendMessage", text="x") == (400, "Bad Request: chat_id is empty")


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [(None, None), ("", None), ("  \n ", None), ("<b> </b>", "HTML")],
)
async def test_an_empty_text_is_refused(api: RawApi, text: str | None, parse_mode: str) -> None:
    params: dict[str, Any] = {"chat_id": USER}
    if text is not None:
        params["text"] = text
    if parse_mode:
        params["parse_mode"] = parse_mode
    assert await api.refused("sendMessage", **params) == (
        400,
        "Bad Request: message text is empty",
    )


async def test_a_text_may_have_4096_utf16_units_after_entity_parsing(api: RawApi) -> None:
    await api.ok("sendMessage", chat_id=USER, text="x" * 4096)
    await api.ok("sendMessage", chat_id=USER, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await api.ok("sendMessage", chat_id=USER, text="😀" * 2048)


@pytest.mark.parametrize("text", ["x" * 4097, "😀" * 2048 + "x", "&amp;" * 4097])
async def test_a_longer_text_is_refused(api: RawApi, text: str) -> None:
    assert await api.refused("sendMessage", chat_id=USER, text=text, parse_mode="HTML") == (
        400,
        "Bad Request: message is too long",
    )


async def test_malformed_html_is_refused(api: RawApi) -> None:
    status, description = await api.refused(
        "sendMessage", chat_id=USER, text="pain < 5 today", parse_mode="HTML"
    )
    assert status == 400
    assert description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 5'
    )
    for text in ["<b>open", "<b><i>x</b></i>", "AT&T", "<p>x</p>", "<span>x</span>"]:
        status, description = await api.refused(
            "sendMessage", chat_id=USER, text=text, parse_mode="HTML"
        )
        assert status == 400
        assert description.startswith("Bad Request: can't parse entities: "), text


async def test_the_same_text_without_parse_mode_is_plain(api: RawApi) -> None:
    message = await api.ok("sendMessage", chat_id=USER, text="pain < 5 & <b>")
    assert message["text"] == "pain < 5 & <b>"


async def test_markdown_v2_is_checked_loosely(api: RawApi) -> None:
    message = await api.ok("sendMessage", chat_id=USER, text="*Done*\\.", parse_mode="MarkdownV2")
    assert message["text"] == "Done."
    status, description = await api.refused(
        "sendMessage", chat_id=USER, text="Done.", parse_mode="MarkdownV2"
    )
    assert status == 400
    assert "Character '.' is reserved" in description


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("{not json", "Bad Request: can't parse reply keyboard markup JSON object"),
        ({"inline_keyboard": [[{"text": "a"}]]}, "Text buttons are unallowed"),
        (
            {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"inline_keyboard": [[{"text": "a", "callback_data": ""}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_invalid_reply_markup_is_refused(api: RawApi, markup: Any, description: str) -> None:
    status, got = await api.refused("sendMessage", chat_id=USER, text="x", reply_markup=markup)
    assert status == 400
    assert description in got


async def test_replying_to_a_missing_message_is_refused_unless_allowed(api: RawApi) -> None:
    assert await api.refused(
        "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 77}
    ) == (400, "Bad Request: message to be replied not found")
    message = await api.ok(
        "sendMessage",
        chat_id=USER,
        text="x",
        reply_parameters={"message_id": 77, "allow_sending_without_reply": True},
    )
    assert "reply_to_message" not in message
    first = await api.ok("sendMessage", chat_id=USER, text="first")
    reply = await api.ok(
        "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": first["message_id"]}
    )
    assert reply["reply_to_message"]["text"] == "first"


async def test_a_user_who_blocked_the_bot_cannot_be_sent_to(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="before")
    emu.block(USER)
    forbidden = (403, "Forbidden: bot was blocked by the user")
    assert await api.refused("sendMessage", chat_id=USER, text="x") == forbidden
    assert await api.refused("sendChatAction", chat_id=USER, action="typing") == forbidden
    assert (
        await api.refused(
            "editMessageText", chat_id=USER, message_id=sent["message_id"], text="changed"
        )
        == forbidden
    )
    assert emu.updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    emu.unblock(USER)
    await api.ok("sendMessage", chat_id=USER, text="welcome back")
    assert emu.updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "member"


async def test_writing_to_the_bot_again_unblocks_it(emu: BotApiEmulator, api: RawApi) -> None:
    emu.block(USER)
    emu.user_says(USER, "/start")
    kinds = [next(key for key in u if key != "update_id") for u in emu.updates]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    await api.ok("sendMessage", chat_id=USER, text="welcome back")


async def test_update_ids_can_start_above_those_a_bot_has_seen() -> None:
    emulator = BotApiEmulator(first_update_id=5_000_000)
    assert emulator.user_says(USER, "hi")["update_id"] == 5_000_000
    assert emulator.user_says(USER, "again")["update_id"] == 5_000_001


# --- rate limits ------------------------------------------------------------------------


async def test_a_chat_gets_a_burst_of_three_then_429(emu: BotApiEmulator, api: RawApi) -> None:
    emu.add_user(OTHER_USER)
    for _ in range(3):
        await api.ok("sendMessage", chat_id=USER, text="x")
    status, body = await api.call("sendMessage", chat_id=USER, text="x")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    await api.ok("sendMessage", chat_id=OTHER_USER, text="another chat has its own budget")


async def test_edits_answers_and_chat_actions_do_not_count(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="0", reply_markup=KEYBOARD)
    for n in range(1, 6):
        await api.ok("editMessageText", chat_id=USER, message_id=sent["message_id"], text=str(n))
        await api.ok("sendChatAction", chat_id=USER, action="typing")
        query = emu.press_button(USER, sent["message_id"], "dose:taken:1")
        await api.ok("answerCallbackQuery", callback_query_id=query)
    await api.ok("sendMessage", chat_id=USER, text="second")


async def test_the_global_limit_spans_chats() -> None:
    async with (
        BotApiEmulator(global_rate=5, chat_burst=10) as emu,
        httpx.AsyncClient(base_url=emu.base_url) as client,
    ):
        api = RawApi(client, emu.token)
        for user in range(1, 7):
            emu.add_user(user)
        for user in range(1, 6):
            await api.ok("sendMessage", chat_id=user, text="x")
        status, body = await api.call("sendMessage", chat_id=6, text="x")
        assert status == 429
        assert body["parameters"]["retry_after"] >= 1


async def test_rate_limits_can_be_switched_off(emu: BotApiEmulator, api: RawApi) -> None:
    emu.rate_limits = False
    for _ in range(40):
        await api.ok("sendMessage", chat_id=USER, text="x")
    assert len(emu.messages(USER)) == 40


async def test_a_refused_send_does_not_use_up_the_budget(api: RawApi) -> None:
    for _ in range(5):
        await api.refused("sendMessage", chat_id=USER, text="")
    for _ in range(3):
        await api.ok("sendMessage", chat_id=USER, text="x")


# --- editing and deleting ---------------------------------------------------------------


async def test_editing_to_the_same_content_is_not_modified(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok(
        "sendMessage", chat_id=USER, text="<b>Dose?</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )
    same = {"chat_id": USER, "message_id": sent["message_id"], "reply_markup": KEYBOARD}
    not_modified = (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
    )
    assert (
        await api.refused("editMessageText", text="<b>Dose?</b>", parse_mode="HTML", **same)
        == not_modified
    )
    # <strong> gives the same entity as <b>: still the same content.
    assert (
        await api.refused(
            "editMessageText", text="<strong>Dose?</strong>", parse_mode="HTML", **same
        )
        == not_modified
    )
    assert await api.refused("editMessageReplyMarkup", **same) == not_modified
    # Without reply_markup an edit removes the keyboard, so the content did change.
    edited = await api.ok(
        "editMessageText",
        chat_id=USER,
        message_id=sent["message_id"],
        text="<b>Dose?</b>",
        parse_mode="HTML",
    )
    assert "reply_markup" not in edited
    assert "edit_date" in edited
    message = emu.last_message(USER)
    assert message.reply_markup is None
    assert [version.reply_markup for version in message.edits] == [KEYBOARD]


async def test_edits_keep_a_history(emu: BotApiEmulator, api: RawApi) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="one", reply_markup=KEYBOARD)
    ids = {"chat_id": USER, "message_id": sent["message_id"]}
    await api.ok("editMessageText", text="two", reply_markup=KEYBOARD, **ids)
    await api.ok("editMessageReplyMarkup", **ids)
    message = emu.last_message(USER)
    assert message.plain_text == "two"
    assert message.reply_markup is None
    assert [(v.text, v.reply_markup) for v in message.edits] == [
        ("one", KEYBOARD),
        ("two", KEYBOARD),
    ]
    assert message.edit_date is not None


async def test_edit_refusals(emu: BotApiEmulator, api: RawApi) -> None:
    photo = await api.ok(
        "sendPhoto",
        via="multipart",
        chat_id=USER,
        files={"photo": ("c.png", tiny_png(), "image/png")},
    )
    update = emu.user_says(USER, "from the user")
    user_message = update["message"]["message_id"]
    assert await api.refused("editMessageText", chat_id=USER, message_id=99, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await api.refused(
        "editMessageText", chat_id=USER, message_id=user_message, text="x"
    ) == (400, "Bad Request: message can't be edited")
    assert await api.refused(
        "editMessageText", chat_id=USER, message_id=photo["message_id"], text="x"
    ) == (400, "Bad Request: there is no text in the message to edit")
    assert await api.refused("editMessageText", chat_id=USER, text="x") == (
        400,
        "Bad Request: message identifier is not specified",
    )
    text = await api.ok("sendMessage", chat_id=USER, text="t")
    assert await api.refused(
        "editMessageText", chat_id=USER, message_id=text["message_id"], text="x" * 4097
    ) == (400, "Bad Request: message is too long")


async def test_a_caption_can_be_edited(emu: BotApiEmulator, api: RawApi) -> None:
    photo = await api.ok(
        "sendPhoto",
        via="multipart",
        chat_id=USER,
        caption="old",
        files={"photo": ("c.png", tiny_png(), "image/png")},
    )
    edited = await api.ok(
        "editMessageCaption",
        chat_id=USER,
        message_id=photo["message_id"],
        caption="<i>new</i>",
        parse_mode="HTML",
    )
    assert edited["caption"] == "new"
    assert emu.last_message(USER).caption == "<i>new</i>"


async def test_deleting(emu: BotApiEmulator, api: RawApi) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="bye")
    ids = {"chat_id": USER, "message_id": sent["message_id"]}
    assert await api.ok("deleteMessage", **ids) is True
    assert await api.refused("deleteMessage", **ids) == (
        400,
        "Bad Request: message to delete not found",
    )
    assert await api.refused("editMessageText", text="x", **ids) == (
        400,
        "Bad Request: message to edit not found",
    )
    [message] = emu.messages(USER)
    assert message.deleted
    assert emu.messages(USER, include_deleted=False) == []
    incoming = emu.user_says(USER, "delete me")["message"]["message_id"]
    assert await api.ok("deleteMessage", chat_id=USER, message_id=incoming) is True


async def test_messages_older_than_48_hours_cannot_be_deleted(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="old")
    emu.advance(timedelta(hours=49))
    assert await api.refused("deleteMessage", chat_id=USER, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message can't be deleted for everyone",
    )


# --- callback queries -------------------------------------------------------------------


async def test_a_callback_query_is_answered_once(emu: BotApiEmulator, api: RawApi) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    query = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    assert await api.ok("answerCallbackQuery", callback_query_id=query, text="Logged") is True
    invalid = (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert await api.refused("answerCallbackQuery", callback_query_id=query) == invalid
    assert await api.refused("answerCallbackQuery", callback_query_id="12345") == invalid
    [answer] = emu.callback_answers
    assert (answer.callback_query_id, answer.text, answer.data) == (query, "Logged", "dose:taken:1")


async def test_a_callback_query_expires_after_15_seconds(emu: BotApiEmulator, api: RawApi) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    query = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    emu.advance(timedelta(seconds=16))
    status, description = await api.refused("answerCallbackQuery", callback_query_id=query)
    assert status == 400
    assert description.startswith("Bad Request: query is too old")


async def test_a_callback_answer_text_is_at_most_200_characters(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    query = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    assert await api.refused("answerCallbackQuery", callback_query_id=query, text="x" * 201) == (
        400,
        "Bad Request: MESSAGE_TOO_LONG",
    )


async def test_pressing_a_button_the_message_does_not_have_needs_forged(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    with pytest.raises(LookupError, match="forged=True"):
        emu.press_button(USER, sent["message_id"], "dose:taken:999")
    with pytest.raises(LookupError, match="forged=True"):
        emu.press_button(USER, 555, "dose:taken:1")
    emu.press_button(USER, sent["message_id"], "dose:taken:999", forged=True)
    emu.press_button(USER, 555, "anything", forged=True)
    on_existing, on_missing = (u["callback_query"] for u in emu.updates[-2:])
    assert on_existing["message"]["text"] == "Dose?"
    assert on_existing["data"] == "dose:taken:999"
    # Telegram sends an InaccessibleMessage (date 0) for a message it cannot show.
    assert on_missing["message"] == {
        "chat": {"id": USER, "first_name": "Ada", "type": "private"},
        "message_id": 555,
        "date": 0,
    }


async def test_a_button_replaced_by_an_edit_can_still_be_pressed(
    emu: BotApiEmulator, api: RawApi
) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    await api.ok("editMessageText", chat_id=USER, message_id=sent["message_id"], text="Logged")
    with pytest.raises(LookupError):
        emu.tap(USER, "Took it")
    query = emu.tap(USER, "Took it", message_id=sent["message_id"])
    assert emu.updates[-1]["callback_query"]["id"] == query


# --- media ------------------------------------------------------------------------------


async def test_a_photo_upload_is_kept_byte_for_byte(emu: BotApiEmulator, api: RawApi) -> None:
    png = tiny_png(40, 30)
    message = await api.ok(
        "sendPhoto",
        via="multipart",
        chat_id=USER,
        caption="<b>Chart</b>",
        parse_mode="HTML",
        files={"photo": ("chart.png", png, "image/png")},
    )
    [size] = message["photo"]
    assert (size["width"], size["height"], size["file_size"]) == (40, 30, len(png))
    assert message["caption"] == "Chart"
    stored = emu.last_message(USER)
    assert (stored.kind, stored.photo, stored.caption) == ("photo", png, "<b>Chart</b>")
    # Sending the same photo again by its file_id needs no upload.
    again = await api.ok("sendPhoto", chat_id=USER, photo=size["file_id"])
    assert again["photo"][0]["file_id"] == size["file_id"]
    assert emu.last_message(USER).photo == png


async def test_photo_refusals(api: RawApi) -> None:
    assert await api.refused("sendPhoto", chat_id=USER) == (
        400,
        "Bad Request: there is no photo in the request",
    )
    assert await api.refused("sendPhoto", chat_id=USER, photo="https://example.org/x.png") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    for data, caption, description in [
        (b"not an image", "", "Bad Request: IMAGE_PROCESS_FAILED"),
        (tiny_png(100, 1), "", "Bad Request: PHOTO_INVALID_DIMENSIONS"),
        (tiny_png(), "x" * 1025, "Bad Request: message caption is too long"),
    ]:
        status, body = await api.upload(
            "sendPhoto", "photo", "x.png", data, "image/png", chat_id=USER, caption=caption
        )
        assert (status, body["description"]) == (400, description)


async def test_a_caption_may_have_1024_characters(api: RawApi) -> None:
    status, _ = await api.upload(
        "sendPhoto", "photo", "x.png", tiny_png(), "image/png", chat_id=USER, caption="x" * 1024
    )
    assert status == 200


async def test_a_document_keeps_its_bytes_name_and_type(emu: BotApiEmulator, api: RawApi) -> None:
    pdf = b"%PDF-1.7\n% a diary\n"
    message = await api.ok(
        "sendDocument",
        via="multipart",
        chat_id=USER,
        caption="Your report",
        files={"document": ("diary.pdf", pdf, "application/pdf")},
    )
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "diary.pdf",
        "application/pdf",
        len(pdf),
    )
    stored = emu.last_message(USER)
    assert (stored.document, stored.file_name, stored.mime_type) == (
        pdf,
        "diary.pdf",
        "application/pdf",
    )
    file = await api.ok("getFile", file_id=document["file_id"])
    download = await api.client.get(f"/file/bot{emu.token}/{file['file_path']}")
    assert download.content == pdf


async def test_document_refusals(api: RawApi) -> None:
    assert await api.refused("sendDocument", chat_id=USER) == (
        400,
        "Bad Request: there is no document in the request",
    )
    assert await api.refused(
        "sendDocument",
        via="multipart",
        chat_id=USER,
        files={"document": ("e.csv", b"", "text/csv")},
    ) == (400, "Bad Request: file must be non-empty")
    assert await api.refused("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")


async def test_an_unknown_file_path_is_not_found(emu: BotApiEmulator, api: RawApi) -> None:
    response = await api.client.get(f"/file/bot{emu.token}/documents/nothing.pdf")
    assert response.status_code == 404
    response = await api.client.get("/file/bot1:WRONG/documents/nothing.pdf")
    assert response.status_code == 401


# --- chat actions, commands, menu -------------------------------------------------------


async def test_chat_actions_are_recorded_and_checked(emu: BotApiEmulator, api: RawApi) -> None:
    assert await api.ok("sendChatAction", chat_id=USER, action="upload_photo") is True
    assert await api.refused("sendChatAction", chat_id=USER, action="dancing") == (
        400,
        "Bad Request: wrong parameter action in request",
    )
    assert [(a.chat_id, a.action) for a in emu.chat_actions] == [(USER, "upload_photo")]


async def test_commands_are_set_read_and_deleted(emu: BotApiEmulator, api: RawApi) -> None:
    commands = [
        {"command": "start", "description": "Begin"},
        {"command": "summary", "description": "Is it working?"},
    ]
    assert await api.ok("setMyCommands", via="form", commands=commands) is True
    assert emu.commands == commands
    assert await api.ok("getMyCommands") == commands
    german = [{"command": "start", "description": "Los"}]
    await api.ok("setMyCommands", commands=german, language_code="de")
    assert emu.commands_for(language_code="de") == german
    assert await api.ok("deleteMyCommands") is True
    assert emu.commands == []
    assert await api.ok("getMyCommands", language_code="de") == german


@pytest.mark.parametrize(
    ("command", "description"),
    [
        ({"command": "Summary", "description": "x"}, "Bad Request: BOT_COMMAND_INVALID"),
        ({"command": "/start", "description": "x"}, "Bad Request: BOT_COMMAND_INVALID"),
        ({"command": "start", "description": " "}, "command description must be non-empty"),
    ],
)
async def test_invalid_commands_are_refused(
    api: RawApi, command: dict[str, str], description: str
) -> None:
    status, got = await api.refused("setMyCommands", commands=[command])
    assert status == 400
    assert description in got


async def test_the_menu_button_and_lifecycle_methods_answer_ok(api: RawApi) -> None:
    assert await api.ok("setChatMenuButton", menu_button={"type": "commands"}) is True
    assert await api.ok("setChatMenuButton", chat_id=USER, menu_button={"type": "default"})
    assert await api.ok("getChatMenuButton", chat_id=USER) == {"type": "commands"}
    assert await api.ok("setMyDescription", description="A diary") is True
    assert await api.ok("getMyDescription") == {"description": "A diary"}
    assert await api.ok("getChat", chat_id=USER) == {
        "id": USER,
        "first_name": "Ada",
        "type": "private",
        "accent_color_id": 0,
        "max_reaction_count": 11,
    }
    assert await api.ok("close") is True
    assert await api.ok("logOut") is True


# --- getUpdates -------------------------------------------------------------------------


async def test_get_updates_confirms_with_offset_and_respects_limit(
    emu: BotApiEmulator, api: RawApi
) -> None:
    for text in ("one", "two", "three"):
        emu.user_says(USER, text)
    first = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = await api.ok("getUpdates")
    assert [u["update_id"] for u in again] == [1, 2, 3]
    rest = await api.ok("getUpdates", offset=3)
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert await api.ok("getUpdates", offset=4) == []
    assert emu.pending_updates == []


async def test_a_negative_offset_keeps_only_the_latest(emu: BotApiEmulator, api: RawApi) -> None:
    for text in ("one", "two", "three"):
        emu.user_says(USER, text)
    latest = await api.ok("getUpdates", offset=-1)
    assert [u["message"]["text"] for u in latest] == ["three"]
    assert len(emu.pending_updates) == 1


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(
    emu: BotApiEmulator, api: RawApi
) -> None:
    poll = asyncio.create_task(api.ok("getUpdates", timeout=30))
    await emu.wait_for(lambda: emu.is_polling, what="the long poll")
    emu.user_says(USER, "/start")
    async with asyncio.timeout(5):
        [update] = await poll
    assert update["message"]["text"] == "/start"
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_a_long_poll_without_updates_ends_empty_after_its_timeout(api: RawApi) -> None:
    assert await api.ok("getUpdates", timeout=0.2) == []


async def test_a_newer_long_poll_terminates_the_older(emu: BotApiEmulator, api: RawApi) -> None:
    older = asyncio.create_task(api.call("getUpdates", timeout=30))
    await emu.wait_for(lambda: emu.is_polling, what="the first long poll")
    newer = asyncio.create_task(api.ok("getUpdates", timeout=30))
    status, body = await older
    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )
    emu.user_says(USER, "hi")
    assert [u["message"]["text"] for u in await newer] == ["hi"]


async def test_allowed_updates_filters_what_is_queued(emu: BotApiEmulator, api: RawApi) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    await api.ok("getUpdates", via="form", allowed_updates=["callback_query"])
    emu.user_says(USER, "ignored")
    emu.press_button(USER, sent["message_id"], "dose:taken:1")
    [update] = await api.ok("getUpdates")
    assert "callback_query" in update
    await api.ok("getUpdates", allowed_updates=[])
    emu.user_says(USER, "seen again")
    assert "message" in (await api.ok("getUpdates", offset=update["update_id"] + 1))[0]


async def test_a_redelivered_update_keeps_its_id_and_loses_nothing(
    emu: BotApiEmulator, api: RawApi
) -> None:
    emu.user_says(USER, "one")
    emu.user_says(USER, "two")
    assert [u["update_id"] for u in await api.ok("getUpdates")] == [1, 2]
    assert await api.ok("getUpdates", offset=3) == []
    emu.redeliver(1)
    emu.user_says(USER, "three")
    batch = await api.ok("getUpdates", offset=3)
    assert [u["update_id"] for u in batch] == [1, 3]
    assert batch[0]["message"]["text"] == "one"
    # python-telegram-bot confirms with the last id + 1; nothing comes twice.
    assert await api.ok("getUpdates", offset=4) == []
    with pytest.raises(LookupError):
        emu.redeliver(99)


# --- webhooks ---------------------------------------------------------------------------


class Receiver:
    """A bot's webhook endpoint: records each POST, and can fail the first few."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.url = ""

    async def handle(self, request: Any) -> Any:
        from aiohttp import web

        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    from aiohttp import web

    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield receiver
    await runner.cleanup()


async def test_a_webhook_receives_updates_with_the_secret(
    emu: BotApiEmulator, api: RawApi, receiver: Receiver
) -> None:
    status, body = await api.call("setWebhook", url=receiver.url, secret_token="s3cret_-")
    assert (status, body) == (200, {"ok": True, "result": True, "description": "Webhook was set"})
    update = emu.user_says(USER, "hello")
    await emu.wait_for(lambda: receiver.received, what="the webhook POST")
    assert receiver.received == [("s3cret_-", update)]
    info = await api.ok("getWebhookInfo")
    assert (info["url"], info["pending_update_count"]) == (receiver.url, 0)
    assert await api.refused("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    status, body = await api.call("deleteWebhook")
    assert body["description"] == "Webhook was deleted"
    emu.user_says(USER, "polling again")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["polling again"]


async def test_a_failing_webhook_is_retried_with_the_same_update(
    emu: BotApiEmulator, api: RawApi, receiver: Receiver
) -> None:
    receiver.failures = 2
    await api.ok("setWebhook", url=receiver.url)
    update = emu.user_says(USER, "hello")
    await emu.wait_for(lambda: receiver.received, what="the webhook POST after retries")
    assert receiver.received == [(None, update)]
    info = emu.webhook_info()
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert info["pending_update_count"] == 0


async def test_an_unreachable_webhook_keeps_the_updates_pending(
    emu: BotApiEmulator, api: RawApi
) -> None:
    await api.ok("setWebhook", url="http://127.0.0.1:9/hook")
    emu.user_says(USER, "hello")
    await emu.wait_for(lambda: emu.webhook_info().get("last_error_message"), what="an error")
    assert emu.webhook_info()["pending_update_count"] == 1
    await api.ok("deleteWebhook", drop_pending_updates=True)
    assert emu.pending_updates == []


async def test_webhook_refusals_and_the_end_of_a_long_poll(
    emu: BotApiEmulator, api: RawApi, receiver: Receiver
) -> None:
    assert await api.refused("setWebhook", url=receiver.url, secret_token="has space") == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )
    assert await api.refused("setWebhook", url="ftp://example.org") == (
        400,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    poll = asyncio.create_task(api.call("getUpdates", timeout=30))
    await emu.wait_for(lambda: emu.is_polling, what="the long poll")
    await api.ok("setWebhook", url=receiver.url)
    status, body = await poll
    assert (status, body["description"]) == (409, "Conflict: terminated by setWebhook request")


# --- the record of calls, and the token -------------------------------------------------


async def test_every_call_is_recorded_with_its_outcome(emu: BotApiEmulator, api: RawApi) -> None:
    await api.ok("sendMessage", chat_id=USER, text="hi")
    await api.refused("sendMessage", chat_id=USER, text="")
    ok, refused = emu.calls
    assert (ok.method, ok.status, ok.error, ok.params["text"]) == ("sendMessage", 200, None, "hi")
    assert (refused.status, refused.error) == (400, "Bad Request: message text is empty")
    assert emu.failed_calls == [refused]
    with pytest.raises(AssertionError, match="message text is empty"):
        emu.assert_no_failed_calls()


async def test_the_token_is_never_logged_nor_recorded(
    emu: BotApiEmulator, api: RawApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await api.ok("sendMessage", chat_id=USER, text="hi")
    await api.refused("sendMessage", chat_id=999, text="hi")
    await api.call("getMe", token="999:WRONG-TOKEN")
    # httpx, the test's own client, logs its URLs; the server side must not.
    server_side = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("bot.emulator", "aiohttp"))
    )
    secret = emu.token.split(":")[1]
    assert secret not in server_side
    assert "WRONG-TOKEN" not in server_side
    assert secret not in json.dumps([call.to_dict() for call in emu.calls])


# --- the control API --------------------------------------------------------------------


async def test_user_messages_look_like_telegrams(emu: BotApiEmulator) -> None:
    when = datetime(2025, 3, 1, 21, 30, tzinfo=UTC)
    update = emu.user_says(USER, "/start@magbot now", date=when, first_name="Ada")
    message = update["message"]
    assert message["from"] == {"id": USER, "is_bot": False, "first_name": "Ada"}
    assert message["chat"] == {"id": USER, "first_name": "Ada", "type": "private"}
    assert message["date"] == int(when.timestamp())
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 13}]
    assert "entities" not in emu.user_says(USER, "took 200mg at 21:30 a/b")["message"]
    for text, entities in [
        ("/start!", [(0, 6)]),
        ("/dose200mg", [(0, 10)]),
        ("😀 then /summary 30d", [(8, 8)]),
        ("/undo /undo", [(0, 5), (6, 5)]),
    ]:
        got = emu.user_says(USER, text)["message"]["entities"]
        assert [(e["offset"], e["length"]) for e in got] == entities, text
    with pytest.raises(ValueError):
        emu.user_says(USER, "x" * 4097)
    with pytest.raises(ValueError):
        emu.user_says(USER, "   ")


async def test_user_edits_stickers_and_photos(emu: BotApiEmulator) -> None:
    original = emu.user_says(USER, "migraine 5/10")["message"]
    edited = emu.user_edits(USER, original["message_id"], "migraine 7/10")["edited_message"]
    assert (edited["message_id"], edited["text"]) == (original["message_id"], "migraine 7/10")
    assert "edit_date" in edited
    sticker = emu.user_sends_sticker(USER, emoji="😵")["message"]
    assert "text" not in sticker
    assert sticker["sticker"]["emoji"] == "😵"
    photo = emu.user_sends_photo(USER, caption="my pills")["message"]
    assert "text" not in photo
    assert photo["caption"] == "my pills"
    assert photo["photo"][0]["width"] == 2
    location = emu.user_sends(USER, {"location": {"latitude": 52.5, "longitude": 13.4}})
    assert location["message"]["location"]["latitude"] == 52.5


async def test_message_ids_are_shared_by_both_sides_of_a_chat(
    emu: BotApiEmulator, api: RawApi
) -> None:
    assert emu.user_says(USER, "hi")["message"]["message_id"] == 1
    assert (await api.ok("sendMessage", chat_id=USER, text="hello"))["message_id"] == 2
    assert emu.user_says(USER, "bye")["message"]["message_id"] == 3


async def test_waiting_times_out_with_what_was_received(emu: BotApiEmulator, api: RawApi) -> None:
    await api.ok("sendMessage", chat_id=USER, text="Only one", reply_markup=KEYBOARD)
    await api.refused("sendMessage", chat_id=USER, text="")
    with pytest.raises(EmulatorTimeoutError) as timed_out:
        await emu.wait_for_messages(USER, 2, timeout=0.05)
    report = str(timed_out.value)
    assert "waiting for 2 bot message(s) in chat 42; received 1" in report
    assert "'Only one'" in report
    assert "buttons=['Took it']" in report
    assert "message text is empty" in report


async def test_wait_for_messages_wakes_on_the_send(emu: BotApiEmulator, api: RawApi) -> None:
    waiter = asyncio.create_task(emu.wait_for_messages(USER, 1))
    await api.ok("sendMessage", chat_id=USER, text="there")
    async with asyncio.timeout(2):
        [message] = await waiter
    assert message.plain_text == "there"


async def test_the_clock_can_be_set_and_advanced(emu: BotApiEmulator, api: RawApi) -> None:
    start = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    emu.set_time(start)
    assert emu.now() == start
    emu.advance(timedelta(hours=2))
    sent = await api.ok("sendMessage", chat_id=USER, text="x")
    assert sent["date"] == int((start + timedelta(hours=2)).timestamp())
    assert emu.user_says(USER, "y")["message"]["date"] == sent["date"]


async def test_an_external_clock_drives_the_emulator() -> None:
    from bot.clock import FakeClock

    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    emulator = BotApiEmulator(clock=clock)
    clock.advance(timedelta(days=1))
    assert emulator.now() == datetime(2025, 1, 2, tzinfo=UTC)


async def test_listeners_see_what_the_bot_does(emu: BotApiEmulator, api: RawApi) -> None:
    events: list[tuple[str, int]] = []
    emu.add_listener(lambda event: events.append((event.kind, event.chat_id)))
    sent = await api.ok("sendMessage", chat_id=USER, text="x")
    await api.ok("editMessageText", chat_id=USER, message_id=sent["message_id"], text="y")
    await api.ok("deleteMessage", chat_id=USER, message_id=sent["message_id"])
    assert events == [("sent", USER), ("edited", USER), ("deleted", USER)]


async def test_more_bots_have_their_own_chats_and_queues(emu: BotApiEmulator, api: RawApi) -> None:
    other = emu.add_bot("777:OTHER-token", "otherbot")
    other.user_says(USER, "to the other bot")
    assert (await api.ok("getMe", token="777:OTHER-token"))["username"] == "otherbot"
    assert await api.ok("getUpdates") == []
    [update] = await api.ok("getUpdates", token="777:OTHER-token")
    assert update["message"]["text"] == "to the other bot"
    await api.ok("sendMessage", token="777:OTHER-token", chat_id=USER, text="from other")
    assert [m.plain_text for m in other.messages(USER)] == ["from other"]
    assert emu.messages(USER) == []
    assert [c.method for c in other.calls] == ["getMe", "getUpdates", "sendMessage"]


# --- python-telegram-bot against the emulator -------------------------------------------


async def test_python_telegram_bot_round_trip(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.rate_limits = False
    me = await bot.get_me()
    assert (me.username, me.can_join_groups) == ("magbot", True)

    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Took it", callback_data="dose:taken:7")]]
    )
    sent = await bot.send_message(
        USER, "<b>Dose</b> time", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Dose time"
    assert sent.reply_markup == keyboard
    edited = await bot.edit_message_text(
        "Logged &amp; saved", chat_id=USER, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Logged & saved"
    assert edited.reply_markup is None

    png = tiny_png(8, 6)
    photo = await bot.send_photo(USER, png, caption="Your month")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (8, 6)
    document = await bot.send_document(USER, b"date,mg\n2025-01-01,200\n", filename="export.csv")
    assert (document.document.file_name, document.document.mime_type) == ("export.csv", "text/csv")
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"date,mg\n2025-01-01,200\n"
    assert [m.kind for m in emu.messages(USER)] == ["text", "photo", "document"]
    assert emu.messages(USER)[1].photo == png

    emu.user_says(USER, "migraine since 3pm")
    await bot.send_message(USER, "Which dose?", reply_markup=keyboard)
    query_id = emu.tap(USER, "Took it")
    updates = await bot.get_updates(timeout=1)
    message_update, query_update = updates
    assert message_update.message is not None
    assert message_update.message.text == "migraine since 3pm"
    assert query_update.callback_query is not None
    assert (query_update.callback_query.id, query_update.callback_query.data) == (
        query_id,
        "dose:taken:7",
    )
    assert await query_update.callback_query.answer("Logged") is True
    emu.assert_no_failed_calls()


async def test_python_telegram_bot_raises_telegrams_errors(
    emu: BotApiEmulator, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without it, PTB 22 warns (an error here) when it builds a RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "pain < 5", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "x")
    sent = await bot.send_message(USER, "same")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("nope")
    emu.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")
    emu.unblock(USER)
    await bot.send_message(USER, "2")
    await bot.send_message(USER, "3")
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(USER, "4")
    assert flood.value.retry_after == timedelta(seconds=1)
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict):
        await bot.get_updates()
    with pytest.raises(InvalidToken):  # PTB calls getMe on entering
        async with telegram.Bot("999:WRONG", base_url=emu.api_base_url):
            pass


async def test_a_polling_application_answers_injected_messages_and_buttons(
    emu: BotApiEmulator,
) -> None:
    """The pattern the end-to-end tests use: the real Application, in-process, over HTTP."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
        await update.effective_message.reply_html("<b>Welcome</b>", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Going")
        await query.edit_message_text("Gone")

    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .base_file_url(emu.file_base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            [welcome] = await emu.ask(USER, "/start")
            assert welcome.plain_text == "Welcome"
            assert welcome.parse_mode == "HTML"
            [echoed] = await emu.ask(USER, "hello")
            assert echoed.plain_text == "echo: hello"
            query = emu.tap(USER, "Go")
            answer = await emu.wait_for_callback_answer(query)
            assert answer.text == "Going"
            await emu.wait_for(lambda: emu.messages(USER)[0].plain_text == "Gone")
        finally:
            await app.updater.stop()
            await app.stop()
    assert [c.method for c in emu.calls if c.method != "getUpdates"][:2] == [
        "getMe",
        "deleteWebhook",
    ]
    emu.assert_no_failed_calls()
