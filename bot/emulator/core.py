"""The emulated Telegram itself, without HTTP: bots, chats, the update queues and the clock.

`EmulatorCore` is shared by the Bot API methods (`methods.py`), the HTTP server
(`server.py`) and the control API (`control.py`). Everything runs on one event
loop; state changes are plain synchronous code followed by `notify()`, which
wakes every coroutine waiting for a change (long polls, webhook senders,
`wait_for` in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.emulator.errors import ApiError
from bot.emulator.faults import Fault, FaultKind
from bot.emulator.formatting import MAX_TEXT, utf16_len
from bot.emulator.markup import inline_keyboard
from bot.emulator.ratelimit import TokenBucket, retry_after_seconds
from bot.emulator.state import (
    ApiCall,
    BotState,
    CallbackQueryState,
    ChatState,
    JsonText,
    PendingUpdate,
    SentMessage,
    StoredFile,
)

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")
# As Telegram marks them: "/name" or "/name@bot", not glued to a word before or after.
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
# Telegram's default when a bot never chose allowed_updates.
_NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# A sticker needs some bytes behind its file_id; these say "WebP" to anyone who looks.
_STICKER_BYTES = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
    b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
POLL_CONFLICT = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
# A button pressed on a message older than this comes with an InaccessibleMessage.
ACCESSIBLE_FOR = timedelta(hours=48)
# Stands in for raw callback_data bytes until the update is serialised.
_RAW_DATA = "\x00emulator-raw-callback-data\x00"


class SupportsNow(Protocol):
    """Any clock with `now()` returning an aware datetime, such as `bot.clock.FakeClock`."""

    def now(self) -> datetime: ...


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class EmulatorEvent:
    """Something the bot did that a live view (the demo's terminal chat) wants to show."""

    kind: str
    """"sent", "edited", "deleted", "callback_answer" or "chat_action"."""
    chat_id: int
    message: SentMessage | None = None
    detail: dict[str, Any] | None = None


Listener = Callable[[EmulatorEvent], None]


def _timestamp(when: datetime) -> int:
    return int(when.timestamp())


def _json_bytes(data: bytes) -> bytes:
    """A JSON string literal holding these bytes as they are, escaping only what JSON must."""
    escaped = data.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    escaped = re.sub(rb"[\x00-\x1f]", lambda m: b"\\u%04x" % m.group(0)[0], escaped)
    return b'"' + escaped + b'"'


class EmulatorCore:
    def __init__(
        self,
        *,
        rate_limits: bool,
        global_rate: float,
        chat_rate: float,
        chat_burst: int,
        strict_html_entities: bool,
        global_burst: float | None = None,
        clock: SupportsNow | None,
        callback_query_ttl: timedelta,
        first_update_id: int = 1,
    ) -> None:
        self.rate_limits = rate_limits
        self.global_rate = global_rate
        # messages a bot may send at once after a pause (Telegram's is not published;
        # by default a second's worth, the most generous reading)
        self.global_burst = global_burst or global_rate
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.strict_html_entities = strict_html_entities
        self.callback_query_ttl = callback_query_ttl
        self.first_update_id = first_update_id
        self.bots: dict[str, BotState] = {}
        self.calls: list[ApiCall] = []
        self.listeners: list[Listener] = []
        self.closing = False
        """Set while the server shuts down: long polls end with no updates."""
        self._clock: SupportsNow = clock or _SystemClock()
        self._frozen_at: datetime | None = None
        self._offset = timedelta(0)
        self._changed = asyncio.Event()
        self._file_counter = 0
        self._query_counter = 0

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        base = self._frozen_at if self._frozen_at is not None else self._clock.now()
        return (base + self._offset).astimezone(UTC)

    def set_time(self, when: datetime) -> None:
        """Stop the emulator's clock at `when` until `advance()` moves it on."""
        if when.tzinfo is None:
            raise ValueError("set_time needs an aware datetime")
        self._frozen_at = when
        self._offset = timedelta(0)
        self.notify()

    def advance(self, delta: timedelta | float) -> None:
        self._offset += delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        self.notify()

    # --- change notification ----------------------------------------------------------------

    def notify(self) -> None:
        """Wake everything waiting for a change (an asyncio.Event swapped on each change)."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_changed(self, timeout: float) -> None:  # noqa: ASYNC109 - a deadline
        """Return at the next change, or after `timeout` seconds without one."""
        # Not asyncio.wait_for: on 3.11 it swallows a cancellation that arrives as the
        # event is set, which would leave a webhook sender running after stop().
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._changed.wait()

    def emit(self, event: EmulatorEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                log.exception("an emulator listener failed on a %s event", event.kind)

    def record_call(
        self,
        bot: BotState | None,
        method: str,
        params: dict[str, Any],
        error: ApiError | None,
        *,
        fault: Fault | None = None,
    ) -> None:
        status = error.status if error else 200
        description = error.description if error else None
        if fault is not None and fault.kind is FaultKind.ERROR:
            status, description = fault.status, fault.description
        elif fault is not None and fault.kind is FaultKind.DROP:
            status, description = 0, "connection dropped without an answer"
        call = ApiCall(
            method=method,
            params=params,
            status=status,
            error=description,
            at=self.now(),
            bot=bot.username if bot else "<unknown token>",
            fault=fault.kind.value if fault is not None else None,
        )
        self.calls.append(call)
        if bot is not None:
            bot.calls.append(call)
        self.notify()

    # --- bots and chats ---------------------------------------------------------------------

    def add_bot(self, token: str, username: str, first_name: str | None = None) -> BotState:
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError('a bot token looks like "123456:ABC-def_ghi"')
        if token in self.bots:
            raise ValueError(f"bot @{self.bots[token].username} already uses this token")
        bot = BotState(
            token=token,
            id=int(match.group(1)),
            username=username,
            first_name=first_name or username,
            global_bucket=TokenBucket(self.global_rate, self.global_burst),
            next_update_id=self.first_update_id,
        )
        self.bots[token] = bot
        return bot

    def ensure_chat(
        self,
        bot: BotState,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> ChatState:
        if user_id <= 0:
            raise ValueError("a private chat's user id is a positive integer")
        chat = bot.chats.get(user_id)
        if chat is None:
            user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
            chat = ChatState(user=user, bucket=TokenBucket(self.chat_rate, self.chat_burst))
            bot.chats[user_id] = chat
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                chat.user[key] = value
        return chat

    def set_rates(
        self,
        *,
        chat_rate: float | None = None,
        chat_burst: int | None = None,
        global_rate: float | None = None,
        global_burst: float | None = None,
    ) -> dict[str, float]:
        """Change the flood limits for every bot and chat, existing or new (a new
        `global_rate` without a `global_burst` sets the burst to a second's worth)."""
        if chat_rate is not None:
            self.chat_rate = chat_rate
        if chat_burst is not None:
            self.chat_burst = chat_burst
        if global_rate is not None:
            self.global_rate = global_rate
            self.global_burst = global_rate
        if global_burst is not None:
            self.global_burst = global_burst
        for bot in self.bots.values():
            if bot.global_bucket is not None:
                bot.global_bucket.reshape(self.global_rate, self.global_burst)
            for chat in bot.chats.values():
                if chat.bucket is not None:
                    chat.bucket.reshape(self.chat_rate, self.chat_burst)
        return {
            "chat_rate": self.chat_rate,
            "chat_burst": self.chat_burst,
            "global_rate": self.global_rate,
            "global_burst": self.global_burst,
        }

    def take_send_token(self, bot: BotState, chat: ChatState) -> None:
        """Count one message against the flood limits, or refuse it with 429."""
        if not self.rate_limits or bot.global_bucket is None or chat.bucket is None:
            return
        wait = max(bot.global_bucket.wait_time(), chat.bucket.wait_time())
        if wait > 0:
            raise ApiError.too_many_requests(retry_after_seconds(wait))
        bot.global_bucket.take()
        chat.bucket.take()

    def store_file(self, bot: BotState, data: bytes, folder: str, extension: str) -> StoredFile:
        self._file_counter += 1
        digest = hashlib.sha256(data).hexdigest()[:16]
        stored = StoredFile(
            file_id=f"EMU{folder[:3].upper()}{self._file_counter:06d}{digest}",
            file_unique_id=f"U{digest[:12]}",
            file_path=f"{folder}/file_{self._file_counter}.{extension.lstrip('.') or 'bin'}",
            data=data,
        )
        bot.files[stored.file_id] = stored
        return stored

    # --- Telegram objects -------------------------------------------------------------------

    def message_wire(
        self, bot: BotState, chat: ChatState, message: SentMessage, *, with_reply: bool = True
    ) -> dict[str, Any]:
        """The Message object Telegram returns for a message the bot sent."""
        wire: dict[str, Any] = {
            "message_id": message.message_id,
            "from": bot.user,
            "chat": chat.chat,
            "date": _timestamp(message.date),
        }
        if message.edit_date is not None:
            wire["edit_date"] = _timestamp(message.edit_date)
        if with_reply and message.reply_to_message_id is not None:
            replied = self.any_message_wire(bot, chat, message.reply_to_message_id)
            if replied is not None:
                wire["reply_to_message"] = replied
        if message.plain_text is not None:
            wire["text"] = message.plain_text
            if message.entities:
                wire["entities"] = message.entities
        wire.update(message.wire_media)
        if message.plain_caption:
            wire["caption"] = message.plain_caption
            if message.caption_entities:
                wire["caption_entities"] = message.caption_entities
        keyboard = inline_keyboard(message.reply_markup)
        if keyboard is not None:
            wire["reply_markup"] = keyboard
        return wire

    def any_message_wire(
        self, bot: BotState, chat: ChatState, message_id: int
    ) -> dict[str, Any] | None:
        sent = chat.bot_messages.get(message_id)
        if sent is not None and not sent.deleted:
            return self.message_wire(bot, chat, sent, with_reply=False)
        if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
            return chat.user_messages[message_id]
        return None

    # --- the update queue -------------------------------------------------------------------

    def _accepts(self, bot: BotState, kind: str) -> bool:
        allowed = bot.webhook.allowed_updates if bot.webhook else bot.allowed_updates
        if not allowed:
            return kind not in _NOT_SENT_BY_DEFAULT
        return kind in allowed

    def enqueue(self, bot: BotState, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": bot.next_update_id, kind: payload}
        bot.next_update_id += 1
        bot.history.append(update)
        if self._accepts(bot, kind):
            bot.pending.append(PendingUpdate(copy.deepcopy(update)))
        self.notify()
        return update

    def enqueue_fields(self, bot: BotState, fields: dict[str, Any]) -> dict[str, Any]:
        """Queue an update made of any fields, decodable or not; update_id added if absent.

        It is delivered whatever the bot's allowed_updates say.
        """
        filed_as = bot.next_update_id
        bot.next_update_id += 1
        update = {"update_id": filed_as, **fields}
        bot.history.append(update)
        bot.pending.append(PendingUpdate(copy.deepcopy(update), filed_as=filed_as))
        self.notify()
        return update

    def enqueue_raw(self, bot: BotState, raw: bytes) -> int:
        """Queue one update given as the exact bytes of its JSON (which may be no JSON at all).

        It is filed under the next update id, which is returned: the bot confirms it
        with that id + 1 as offset, so bytes meant to be decodable should carry it.
        """
        if not raw.strip():
            raise ValueError("a raw update needs some bytes")
        filed_as = bot.next_update_id
        bot.next_update_id += 1
        bot.raw_updates[filed_as] = raw
        bot.history.append({"update_id": filed_as, "raw": raw.decode("utf-8", "replace")})
        bot.pending.append(PendingUpdate({"update_id": filed_as}, raw=raw, filed_as=filed_as))
        self.notify()
        return filed_as

    def redeliver(self, bot: BotState, update_id: int) -> dict[str, Any]:
        """Queue an earlier update again, same update_id, as Telegram does after a lost answer.

        It goes to the head of the queue: python-telegram-bot confirms a batch with
        the last update_id + 1, so an old id at the end of a batch would unconfirm the rest.
        """
        for update in bot.history:
            if update["update_id"] == update_id:
                break
        else:
            raise LookupError(f"no update {update_id} was ever created")
        position = 0
        while position < len(bot.pending) and bot.pending[position].redelivery:
            position += 1
        entry = PendingUpdate(
            copy.deepcopy(update),
            redelivery=True,
            raw=bot.raw_updates.get(update_id),
            filed_as=update_id,
        )
        bot.pending.insert(position, entry)
        self.notify()
        return update

    def confirm(self, bot: BotState, offset: int) -> None:
        if offset > 0:
            bot.pending = [
                entry
                for entry in bot.pending
                if entry.update_id >= offset or (entry.redelivery and not entry.delivered)
            ]
        elif offset < 0:
            bot.pending = bot.pending[offset:]

    async def get_updates(
        self,
        bot: BotState,
        *,
        offset: int,
        limit: int,
        timeout: float,  # noqa: ASYNC109 - getUpdates' own long-poll parameter
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any] | JsonText]:
        if bot.webhook is not None:
            raise ApiError.conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        if allowed_updates is not None:
            bot.allowed_updates = allowed_updates
        self.confirm(bot, offset)
        # Telegram ends a long poll still waiting when a newer one arrives.
        bot.poll_generation += 1
        bot.poll_conflict = POLL_CONFLICT
        generation = bot.poll_generation
        self.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        bot.polls_waiting += 1
        self.notify()
        try:
            while True:
                if bot.poll_generation != generation:
                    raise ApiError.conflict(bot.poll_conflict)
                if self.closing:
                    return []
                if bot.pending:
                    batch = bot.pending[: max(1, min(limit, 100))]
                    for entry in batch:
                        entry.delivered = True
                    return [entry.wire() for entry in batch]
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                await self.wait_changed(remaining)
        finally:
            bot.polls_waiting -= 1
            self.notify()

    def end_long_poll(self, bot: BotState, reason: str) -> None:
        bot.poll_generation += 1
        bot.poll_conflict = reason
        self.notify()

    # --- what users do ----------------------------------------------------------------------

    def user_message(
        self,
        bot: BotState,
        user_id: int,
        content: dict[str, Any],
        *,
        date: datetime | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """A private message from a user to the bot; returns the Update.

        A user who had blocked the bot unblocks it first: writing to a blocked bot
        is not possible, and the client's "Restart" button does exactly this.
        """
        chat = self.ensure_chat(bot, user_id, first_name=first_name)
        self.set_blocked(bot, user_id, False)
        message_id = chat.take_message_id()
        when = date if date is not None else self.now()
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        message = {
            "message_id": message_id,
            "from": dict(chat.user),
            "chat": chat.chat,
            "date": _timestamp(when),
            **content,
        }
        chat.user_messages[message_id] = message
        return self.enqueue(bot, "message", message)

    def text_content(self, text: str) -> dict[str, Any]:
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        units = utf16_len(text)
        if units > MAX_TEXT:
            # What Telegram refuses from a client too (MESSAGE_TOO_LONG); a client
            # splits such a text before sending, and a test should do the same.
            raise ValueError(
                f"Telegram takes at most {MAX_TEXT} characters (UTF-16 units) in a message; "
                f"this one has {units}"
            )
        content: dict[str, Any] = {"text": text}
        commands = [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: found.start()]),
                "length": utf16_len(found.group(0)),
            }
            for found in _COMMAND.finditer(text)
        ]
        if commands:
            content["entities"] = commands
        return content

    def user_edits(
        self, bot: BotState, user_id: int, message_id: int, text: str, *, date: datetime | None
    ) -> dict[str, Any]:
        chat = bot.chats.get(user_id)
        original = chat.user_messages.get(message_id) if chat else None
        if chat is None or original is None or message_id in chat.deleted_user_messages:
            raise LookupError(f"user {user_id} has no message {message_id} to edit")
        if "text" not in original:
            raise ValueError(f"message {message_id} has no text to edit")
        edited = {key: value for key, value in original.items() if key != "entities"}
        edited.update(self.text_content(text))
        edited["edit_date"] = _timestamp(date or self.now())
        chat.user_messages[message_id] = edited
        return self.enqueue(bot, "edited_message", edited)

    def sticker_content(self, bot: BotState, emoji: str) -> dict[str, Any]:
        stored = self.store_file(bot, _STICKER_BYTES, "stickers", "webp")
        return {
            "sticker": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": len(stored.data),
            }
        }

    def photo_content(
        self, bot: BotState, data: bytes, size: tuple[int, int], caption: str | None
    ) -> dict[str, Any]:
        stored = self.store_file(bot, data, "photos", "png" if data[:4] == b"\x89PNG" else "jpg")
        content: dict[str, Any] = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": size[0],
                    "height": size[1],
                    "file_size": len(data),
                }
            ]
        }
        if caption:
            content["caption"] = caption
        return content

    def press_button(
        self,
        bot: BotState,
        user_id: int,
        message_id: int,
        data: str | bytes,
        *,
        forged: bool,
        inaccessible: bool = False,
    ) -> str:
        chat = bot.chats.get(user_id)
        sent = chat.bot_messages.get(message_id) if chat else None
        if not forged:
            if chat is None or sent is None or sent.deleted:
                raise LookupError(
                    f"the bot has no message {message_id} in chat {user_id}; "
                    "pass forged=True to press a button that does not exist"
                )
            if isinstance(data, bytes) or data not in sent.callback_data_ever:
                raise LookupError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"it has {sent.callback_data_ever}; pass forged=True to send it anyway"
                )
        if chat is None:
            chat = self.ensure_chat(bot, user_id)
        self._query_counter += 1
        query_id = f"{bot.id}{self._query_counter:010d}"
        # Telegram shows the bot the message only while it is recent: a press on an
        # older one, or on one deleted or never sent, comes with an InaccessibleMessage.
        message: dict[str, Any]
        if (
            sent is not None
            and not sent.deleted
            and not inaccessible
            and self.now() - sent.date <= ACCESSIBLE_FOR
        ):
            message = self.message_wire(bot, chat, sent)
        else:
            message = {"chat": chat.chat, "message_id": message_id, "date": 0}
        bot.callback_queries[query_id] = CallbackQueryState(
            query_id=query_id,
            user_id=user_id,
            message_id=message_id,
            data=data if isinstance(data, str) else data.decode("utf-8", "replace"),
            pressed_at=self.now(),
        )
        chat_instance = hashlib.sha256(f"{bot.id}:{user_id}".encode()).hexdigest()[:16]
        query = {
            "id": query_id,
            "from": dict(chat.user),
            "message": message,
            "chat_instance": str(int(chat_instance, 16)),
            "data": data if isinstance(data, str) else _RAW_DATA,
        }
        if isinstance(data, str):
            self.enqueue(bot, "callback_query", query)
        else:
            # Bytes go into the JSON as they are, even when they are not UTF-8.
            filed_as = bot.next_update_id
            text = json.dumps({"update_id": filed_as, "callback_query": query}).encode()
            self.enqueue_raw(bot, text.replace(json.dumps(_RAW_DATA).encode(), _json_bytes(data)))
        return query_id

    def set_blocked(self, bot: BotState, user_id: int, blocked: bool) -> None:
        chat = self.ensure_chat(bot, user_id)
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        member = {"user": bot.user, "status": "member"}
        kicked = {"user": bot.user, "status": "kicked", "until_date": 0}
        self.enqueue(
            bot,
            "my_chat_member",
            {
                "chat": chat.chat,
                "from": dict(chat.user),
                "date": _timestamp(self.now()),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )
