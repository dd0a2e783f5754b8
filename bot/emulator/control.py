"""The test side of the emulator: play the user, then read what the bot did.

`BotControl` drives one emulated bot. `BotApiEmulator` is a `BotControl` for
its first bot; `emulator.bot(token)` gives one for any other.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.emulator.core import EmulatorCore, Listener
from bot.emulator.errors import EmulatorTimeoutError
from bot.emulator.faults import Fault, FaultKind
from bot.emulator.media import image_size, tiny_png
from bot.emulator.methods import webhook_info
from bot.emulator.state import (
    ApiCall,
    BotState,
    CallbackAnswer,
    ChatAction,
    SentMessage,
    WebhookDelivery,
)

T = TypeVar("T")


class BotControl:
    """Play users talking to one bot, and inspect everything the bot sent."""

    def __init__(self, core: EmulatorCore, bot: BotState) -> None:
        self._core = core
        self._bot = bot

    # --- identity and time ------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._bot.token

    @property
    def bot_id(self) -> int:
        return self._bot.id

    @property
    def bot_username(self) -> str:
        return self._bot.username

    def now(self) -> datetime:
        """The emulator's clock (real time unless set or advanced), timezone-aware UTC."""
        return self._core.now()

    def set_time(self, when: datetime) -> None:
        """Stop the emulator's clock at `when`; `advance()` moves it on."""
        self._core.set_time(when)

    def advance(self, delta: timedelta | float) -> None:
        """Move the emulator's clock forward (seconds or a timedelta)."""
        self._core.advance(delta)

    @property
    def rate_limits(self) -> bool:
        return self._core.rate_limits

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        self._core.rate_limits = enabled

    def set_rate_limits(
        self,
        *,
        chat_rate: float | None = None,
        chat_burst: int | None = None,
        global_rate: float | None = None,
        global_burst: float | None = None,
    ) -> dict[str, float]:
        """Change the flood limits (messages a second per chat, its burst, per bot, its
        burst) for every chat and bot from now on; returns the limits in force."""
        return self._core.set_rates(
            chat_rate=chat_rate,
            chat_burst=chat_burst,
            global_rate=global_rate,
            global_burst=global_burst,
        )

    @property
    def callback_query_ttl(self) -> timedelta:
        """How long after a press answerCallbackQuery is still accepted."""
        return self._core.callback_query_ttl

    @callback_query_ttl.setter
    def callback_query_ttl(self, ttl: timedelta) -> None:
        self._core.callback_query_ttl = ttl

    # --- faults -----------------------------------------------------------------------------

    def inject_fault(
        self,
        kind: FaultKind | str = FaultKind.ERROR,
        *,
        status: int = 502,
        methods: Iterable[str] | None = None,
        chat_id: int | None = None,
        count: int | None = None,
        duration: float | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Make matching Bot API calls fail; see `bot.emulator.faults` for the kinds.

        `kind`: "error" (answer `status`, a 5xx, and do nothing), "drop" (close the
        connection without an answer, do nothing) or "deliver_then_drop" (carry the
        call out, then close without an answer). It hits the next `count` matching
        calls, or every one for `duration` seconds, or (neither given) every one until
        `clear_faults()`; matching means one of `methods` (default: any but getUpdates)
        and, if given, for `chat_id`. `delay` seconds pass before the answer or drop.
        Calls it hits are in `calls` with `fault` set, and not in `failed_calls`.
        """
        return self._bot.faults.add(
            kind,
            status=status,
            methods=methods,
            chat_id=chat_id,
            count=count,
            duration=duration,
            delay=delay,
        )

    def clear_faults(self, fault_id: int | None = None) -> None:
        """Remove the fault with this id, or every fault."""
        self._bot.faults.clear(fault_id)

    @property
    def faults(self) -> list[Fault]:
        """The faults that will still strike."""
        return self._bot.faults.active

    # --- what users do ----------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """Make a user known (as if they had started the bot); returns the User object."""
        chat = self._core.ensure_chat(
            self._bot,
            user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        return dict(chat.user)

    def user_says(
        self,
        user_id: int,
        text: str,
        *,
        date: datetime | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a text message; returns the Update.

        A leading "/command" gets a bot_command entity as on Telegram. A new user
        is called "Test" unless `first_name` says otherwise.
        """
        return self._core.user_message(
            self._bot, user_id, self._core.text_content(text), date=date, first_name=first_name
        )

    def user_edits(
        self, user_id: int, message_id: int, text: str, *, date: datetime | None = None
    ) -> dict[str, Any]:
        """The user edits an earlier text message; returns the edited_message Update."""
        return self._core.user_edits(self._bot, user_id, message_id, text, date=date)

    def user_sends_sticker(
        self, user_id: int, *, emoji: str = "👍", date: datetime | None = None
    ) -> dict[str, Any]:
        return self._core.user_message(
            self._bot, user_id, self._core.sticker_content(self._bot, emoji), date=date
        )

    def user_sends_photo(
        self,
        user_id: int,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        date: datetime | None = None,
    ) -> dict[str, Any]:
        """The user sends a photo (a tiny PNG unless `data` is given); the bot can getFile it."""
        data = data if data is not None else tiny_png()
        size = image_size(data)
        if size is None:
            raise ValueError("the photo must be a PNG, JPEG, GIF or WebP image")
        content = self._core.photo_content(self._bot, data, size, caption)
        return self._core.user_message(self._bot, user_id, content, date=date)

    def user_sends(
        self, user_id: int, content: dict[str, Any], *, date: datetime | None = None
    ) -> dict[str, Any]:
        """The user sends any other kind of message, given as Message fields (voice, location…)."""
        return self._core.user_message(self._bot, user_id, dict(content), date=date)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | bytes,
        *,
        forged: bool = False,
        inaccessible: bool = False,
    ) -> str:
        """The user taps an inline button; returns the callback query id.

        The button must be on the bot's message, now or before an edit (a client
        may not have received the edit yet), unless `forged` is set, which sends
        any callback_data for any message id, as a modified client could: longer
        than 64 bytes, or as bytes that go into the JSON unchanged (not UTF-8, say).
        The update carries the message, or, when it is deleted, missing, older than
        48 hours or `inaccessible` is set, an InaccessibleMessage (date 0).
        """
        return self._core.press_button(
            self._bot, user_id, message_id, callback_data, forged=forged, inaccessible=inaccessible
        )

    def inject_update(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of any shape, such as one python-telegram-bot cannot decode.

        `fields` are the update's fields besides update_id (which is added unless given);
        e.g. `{"message": {"chat": "not an object"}}`. Returns the update.
        """
        return self._core.enqueue_fields(self._bot, dict(fields))

    def inject_raw_update(self, raw: bytes | str) -> int:
        """Queue one update given as the exact bytes of its JSON (truncated, not UTF-8...).

        Returns the update id it is filed under (`next_update_id` before the call);
        bytes that should decode must carry it, or the bot cannot confirm the update.
        """
        return self._core.enqueue_raw(self._bot, raw.encode() if isinstance(raw, str) else raw)

    @property
    def next_update_id(self) -> int:
        """The update_id the next update will get."""
        return self._bot.next_update_id

    def tap(self, user_id: int, label: str, *, message_id: int | None = None) -> str:
        """Press the button labelled `label`; returns the callback query id.

        Without `message_id`, the latest message showing that button. With it, an
        earlier version of that message counts too (a stale button: the user's
        client had not yet received the edit that removed it).
        """
        if message_id is not None:
            message = self._message(user_id, message_id)
            button = message.button(label, earlier_versions=True)
        else:
            for message in reversed(self.messages(user_id, include_deleted=False)):
                try:
                    button = message.button(label)
                except LookupError:
                    continue
                break
            else:
                raise LookupError(
                    f"no message in chat {user_id} has a button {label!r}:\n"
                    + self._describe_chat(user_id)
                )
        if "callback_data" not in button:
            raise LookupError(f"button {label!r} on message {message.message_id} is not a callback")
        return self.press_button(user_id, message.message_id, button["callback_data"])

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an earlier update again with the same update_id; returns it."""
        return self._core.redeliver(self._bot, update_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends answer 403 and the bot gets a my_chat_member update."""
        self._core.set_blocked(self._bot, user_id, True)

    def unblock(self, user_id: int) -> None:
        self._core.set_blocked(self._bot, user_id, False)

    # --- what the bot did -------------------------------------------------------------------

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[SentMessage]:
        """The bot's messages to a chat, oldest first, each in its current state."""
        chat = self._bot.chats.get(chat_id)
        if chat is None:
            return []
        return [
            message
            for message in chat.bot_messages.values()
            if include_deleted or not message.deleted
        ]

    def last_message(self, chat_id: int) -> SentMessage:
        """The bot's latest message to a chat that is not deleted."""
        messages = self.messages(chat_id, include_deleted=False)
        if not messages:
            raise LookupError(f"the bot has sent nothing to chat {chat_id}")
        return messages[-1]

    def _message(self, chat_id: int, message_id: int) -> SentMessage:
        for message in self.messages(chat_id):
            if message.message_id == message_id:
                return message
        raise LookupError(f"the bot has no message {message_id} in chat {chat_id}")

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API request this bot made, in order, with how it was answered."""
        return list(self._bot.calls)

    @property
    def failed_calls(self) -> list[ApiCall]:
        """Calls Telegram's rules refused (not those an injected fault broke)."""
        return [call for call in self.calls if call.refused]

    @property
    def faulted_calls(self) -> list[ApiCall]:
        """Calls an injected fault hit."""
        return [call for call in self.calls if call.fault is not None]

    def assert_no_failed_calls(self) -> None:
        """Fail with a readable list if Telegram would have refused any request."""
        failed = self.failed_calls
        if failed:
            lines = "\n".join(f"  {call.summary()} params={call.params}" for call in failed)
            raise AssertionError(f"{len(failed)} Bot API request(s) were refused:\n{lines}")

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._bot.callback_answers)

    @property
    def commands(self) -> list[dict[str, Any]]:
        """The commands set for the default scope and no language."""
        return self.commands_for()

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self._bot.commands.get(key, []))

    @property
    def chat_actions(self) -> list[ChatAction]:
        return list(self._bot.chat_actions)

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update created for this bot, in order (whether delivered or not)."""
        return list(self._bot.history)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return [entry.update for entry in self._bot.pending]

    @property
    def is_polling(self) -> bool:
        """Whether a getUpdates request of this bot is in progress (waiting for updates)."""
        return self._bot.polls_waiting > 0

    def webhook_info(self) -> dict[str, Any]:
        return webhook_info(self._bot)

    def set_webhook_targets(
        self, urls: Sequence[str] | None, *, connections: int | None = None
    ) -> None:
        """Send webhook POSTs round-robin to `urls` (as a load balancer in front of several
        bot processes would) instead of the URL the bot set; None goes back to that URL.

        `connections`: at most this many POSTs at once (default 1), never two for one
        chat, so one chat's updates still arrive in order; also capped by the
        max_connections of setWebhook, as on Telegram.
        """
        if urls is not None and not urls:
            raise ValueError("give at least one URL, or None for the webhook's own")
        if connections is not None:
            if connections < 1:
                raise ValueError("connections must be at least 1")
            self._bot.webhook_connections = connections
        self._bot.webhook_targets = list(urls) if urls is not None else None
        self._core.notify()

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST made, in the order they ended, with where it went."""
        return list(self._bot.webhook_deliveries)

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(event)` whenever the bot sends, edits or deletes a message, etc."""
        self._core.listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._core.listeners.remove(listener)

    # --- waiting without sleeping -----------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - a timeout error must list what did arrive
        *,
        what: str | None = None,
    ) -> T:
        """Wait until `predicate()` is truthy, re-checking on every change; return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EmulatorTimeoutError(
                    f"timed out after {timeout:g}s waiting for {what or 'the predicate'}\n"
                    + self._describe()
                )
            await self._core.wait_changed(remaining)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - see wait_for
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least `count` messages to the chat; return them all."""

        def enough() -> list[SentMessage] | None:
            messages = self.messages(chat_id)
            return messages if len(messages) >= count else None

        try:
            return await self.wait_for(enough, timeout)
        except EmulatorTimeoutError:
            received = self.messages(chat_id)
            raise EmulatorTimeoutError(
                f"timed out after {timeout:g}s waiting for {count} bot message(s) in chat "
                f"{chat_id}; received {len(received)}\n" + self._describe(chat_id)
            ) from None

    async def ask(
        self,
        user_id: int,
        text: str,
        *,
        replies: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - see wait_for
    ) -> list[SentMessage]:
        """Say `text` as the user and wait for the next `replies` messages from the bot."""
        before = len(self.messages(user_id))
        self.user_says(user_id, text)
        messages = await self.wait_for_messages(user_id, before + replies, timeout)
        return messages[before:]

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        timeout: float = 10.0,  # noqa: ASYNC109 - see wait_for
    ) -> CallbackAnswer:
        def answered() -> CallbackAnswer | None:
            for answer in self._bot.callback_answers:
                if answer.callback_query_id == callback_query_id:
                    return answer
            return None

        return await self.wait_for(
            answered, timeout, what=f"an answer to callback query {callback_query_id}"
        )

    # --- reports ----------------------------------------------------------------------------

    def _describe_chat(self, chat_id: int) -> str:
        messages = self.messages(chat_id)
        if not messages:
            return f"  chat {chat_id}: no bot messages"
        lines = [f"  chat {chat_id}:"]
        lines += [f"    {message.summary()}" for message in messages]
        return "\n".join(lines)

    def _describe(self, chat_id: int | None = None) -> str:
        parts: list[str] = []
        if chat_id is not None:
            parts.append(self._describe_chat(chat_id))
        else:
            for known in self._bot.chats:
                parts.append(self._describe_chat(known))
        failed = self.failed_calls
        if failed:
            parts.append("  refused requests:")
            parts += [f"    {call.summary()}" for call in failed[-10:]]
        recent = [call for call in self.calls if call.method != "getUpdates"][-10:]
        parts.append("  last requests: " + (", ".join(call.summary() for call in recent) or "none"))
        parts.append(f"  updates not yet fetched by the bot: {len(self._bot.pending)}")
        return "\n".join(parts)
