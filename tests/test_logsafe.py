"""No log record shows what a person wrote or the token, python-telegram-bot's own included."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest, NetworkError

from bot.logsafe import RedactingFilter, safe_traceback, summarise
from tests.conftest import TOKEN

WROTE = "zanzibar wedding migraine 7/10"


def _update(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 3,
            "date": 1700000000,
            "chat": {"id": 42, "type": "private", "first_name": "Ada"},
            "text": WROTE,
        },
    }


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(["s3cret-hook"]))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _decode_failure() -> ValueError:
    try:
        raise ValueError(f"invalid literal for int() with base 10: {WROTE!r}")
    except ValueError as exc:
        return exc


def test_the_batch_ptb_could_not_decode_is_logged_by_update_id(captured: io.StringIO) -> None:
    # telegram/_bot.py: what get_updates logs before the polling loop fetches it again
    logging.getLogger("telegram.ext.ExtBot").critical(
        "Error while parsing updates! Received data was %r",
        [_update(7), _update(8)],
        exc_info=_decode_failure(),
    )
    logged = captured.getvalue()
    assert "Received data was <updates [7, 8]>" in logged
    assert "ValueError" in logged and "Traceback" in logged
    assert "zanzibar" not in logged


def test_ptb_webhook_and_request_records_keep_no_data(captured: io.StringIO) -> None:
    body = '{"update_id": 9, "message": {"text": "' + WROTE + '"}}'
    logging.getLogger("telegram.ext.Updater").debug("Webhook received data: %s", body)
    logging.getLogger("telegram.ext.Updater").critical(
        "Something went wrong processing the data received from Telegram. "
        "Received data was *not* processed! Received data was: %r",
        _update(9),
    )
    logging.getLogger("telegram.request.BaseRequest").error(
        'Can not load invalid JSON data: "%s"', body[:-3]
    )
    logged = captured.getvalue()
    assert "update ids [9]" in logged and "<update 9>" in logged
    assert "zanzibar" not in logged


def test_api_parameters_keep_the_method_and_ids_only(captured: io.StringIO) -> None:
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"chat_id": 42, "text": WROTE, "reply_markup": {"inline_keyboard": []}},
    )
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Call to Bot API endpoint `%s` finished with return value `%s`",
        "sendMessage",
        {"message_id": 5, "chat": {"id": 42}, "text": WROTE},
    )
    logged = captured.getvalue()
    assert "endpoint `sendMessage` with parameters `{chat_id: 42, text: <…>" in logged
    assert "message_id: 5" in logged
    assert "zanzibar" not in logged


def test_an_update_object_is_summarised_in_any_logger(captured: io.StringIO) -> None:
    update = Update.de_json(_update(11), None)
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", update)
    logging.getLogger("bot.handlers.checkin").warning("odd update %r", update)
    logged = captured.getvalue()
    assert "Processing update <update 11>" in logged
    assert "odd update <update 11>" in logged
    assert "zanzibar" not in logged


def test_telegram_refusals_lose_their_message_and_outages_keep_it(captured: io.StringIO) -> None:
    log = logging.getLogger("telegram.ext.Updater")
    refused = BadRequest(f"Can't parse entities: unsupported start tag {WROTE!r}")
    log.error("refused", exc_info=refused)
    log.error("outage", exc_info=NetworkError("Bad Gateway"))
    logged = captured.getvalue()
    assert "telegram.error.BadRequest (message withheld" in logged
    assert "telegram.error.NetworkError: Bad Gateway" in logged
    assert "zanzibar" not in logged


def test_our_own_exceptions_keep_their_message(captured: io.StringIO) -> None:
    # The bot's own error handler logs type and frames only; other loggers are not rewritten.
    logging.getLogger("bot.scheduling").error("failed", exc_info=RuntimeError("disk full"))
    assert "RuntimeError: disk full" in captured.getvalue()


def test_tokens_and_secrets_are_redacted_everywhere(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST http://x/bot%s/getMe", TOKEN)
    logging.getLogger("telegram.ext.Updater").debug(
        "Request had the wrong secret token: %s", "s3cret-hook"
    )
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("boom")
    logged = captured.getvalue()
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
    assert "s3cret-hook" not in logged
    assert logged.count("<token>") == 2 and "<secret>" in logged


def test_a_chained_traceback_keeps_every_frame_and_type() -> None:
    try:
        try:
            raise KeyError(WROTE)
        except KeyError as inner:
            raise TypeError(WROTE) from inner
    except TypeError as outer:
        text = safe_traceback(outer)
    assert text.count("Traceback (most recent call last)") == 2
    assert "KeyError" in text and "TypeError" in text and "test_logsafe.py" in text
    assert "zanzibar" not in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (7, 7),
        ("getUpdates", "getUpdates"),
        (b'{"update_id": 3, "x": 1}', "<24 bytes; update ids [3]>"),
        ([1, 2], "[1, 2]"),
        ({"chat_id": 5, "caption": "x"}, "{chat_id: 5, caption: <…>}"),
    ],
)
def test_summaries(value: object, shown: object) -> None:
    assert summarise(value) == shown
