"""What the emulated Telegram remembers: bots, chats, messages, updates, calls.

The dataclasses a test reads (`SentMessage`, `ApiCall`, `CallbackAnswer`,
`ChatAction`) are live records: a `SentMessage` taken from `messages()` shows
later edits and deletion.
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.emulator.faults import FaultPlan
from bot.emulator.markup import callback_data_of, inline_keyboard
from bot.emulator.ratelimit import TokenBucket


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _b64(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode("ascii") if value is not None else None


@dataclass(slots=True)
class MessageVersion:
    """A state an edited message had before an edit replaced it."""

    text: str | None
    plain_text: str | None
    parse_mode: str | None
    caption: str | None
    reply_markup: dict[str, Any] | None
    replaced_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "plain_text": self.plain_text,
            "parse_mode": self.parse_mode,
            "caption": self.caption,
            "reply_markup": self.reply_markup,
            "replaced_at": _iso(self.replaced_at),
        }


@dataclass(eq=False, slots=True)
class SentMessage:
    """A message the bot sent, in its current state."""

    message_id: int
    chat_id: int
    date: datetime
    text: str | None = None
    """The text as the bot sent it, markup included (None for a photo or document)."""
    plain_text: str | None = None
    """The text as the user sees it: tags removed, entities decoded, trimmed."""
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    caption: str | None = None
    plain_caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    """Earlier versions, oldest first."""
    edit_date: datetime | None = None
    deleted: bool = False
    deleted_at: datetime | None = None
    wire_media: dict[str, Any] = field(default_factory=dict)
    """The photo/document part of the Telegram Message object."""

    @property
    def kind(self) -> str:
        if self.photo is not None:
            return "photo"
        if self.document is not None:
            return "document"
        return "text"

    @property
    def visible_text(self) -> str:
        """What the user reads: the text, or the caption of a photo or document."""
        return self.plain_text or self.plain_caption or ""

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard's rows of buttons (empty without one)."""
        keyboard = inline_keyboard(self.reply_markup)
        return keyboard["inline_keyboard"] if keyboard else []

    @property
    def callback_data(self) -> list[str]:
        return callback_data_of(self.reply_markup)

    @property
    def callback_data_ever(self) -> list[str]:
        """callback_data of the current keyboard and of every earlier version of it.

        A client that has not yet received an edit still shows the old buttons.
        """
        seen = [data for version in self.edits for data in callback_data_of(version.reply_markup)]
        return self.callback_data + [data for data in seen if data not in self.callback_data]

    def button(self, label: str, *, earlier_versions: bool = False) -> dict[str, Any]:
        """The inline button whose text is `label` (or, failing that, contains it, any case).

        With `earlier_versions`, buttons that an edit has since replaced count too,
        newest first.
        """
        keyboards = [self.reply_markup]
        if earlier_versions:
            keyboards += [version.reply_markup for version in reversed(self.edits)]
        flat: list[dict[str, Any]] = [
            button
            for markup in keyboards
            for row in (inline_keyboard(markup) or {"inline_keyboard": []})["inline_keyboard"]
            for button in row
        ]
        for button in flat:
            if button["text"] == label:
                return button
        for button in flat:
            if label.casefold() in button["text"].casefold():
                return button
        labels = list(dict.fromkeys(button["text"] for button in flat))
        raise LookupError(f"message {self.message_id} has no button {label!r}; it has {labels}")

    def summary(self) -> str:
        """One line for error reports."""
        shown = self.visible_text.replace("\n", " ")
        if len(shown) > 80:
            shown = shown[:77] + "..."
        parts = [f"#{self.message_id} {self.kind} {shown!r}"]
        labels = [button["text"] for row in self.buttons for button in row]
        if labels:
            parts.append(f"buttons={labels}")
        if self.edits:
            parts.append(f"edited x{len(self.edits)}")
        if self.deleted:
            parts.append("deleted")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the HTTP control interface (file bytes in base64)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "date": _iso(self.date),
            "kind": self.kind,
            "text": self.text,
            "plain_text": self.plain_text,
            "entities": self.entities,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "caption": self.caption,
            "plain_caption": self.plain_caption,
            "photo": _b64(self.photo),
            "document": _b64(self.document),
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_id": self.file_id,
            "reply_to_message_id": self.reply_to_message_id,
            "edits": [version.to_dict() for version in self.edits],
            "edit_date": _iso(self.edit_date),
            "deleted": self.deleted,
            "deleted_at": _iso(self.deleted_at),
        }


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made, and how the emulator answered it."""

    method: str
    params: dict[str, Any]
    status: int
    """The HTTP status answered; 0 when the connection was dropped without an answer."""
    error: str | None
    at: datetime
    bot: str
    """The bot's username (the token is never recorded)."""
    fault: str | None = None
    """The kind of injected fault this call ran into ("error", "drop", "deliver_then_drop")."""

    @property
    def ok(self) -> bool:
        """Whether the bot got a successful answer."""
        return self.status == 200 and self.fault is None

    @property
    def refused(self) -> bool:
        """Whether Telegram's rules refused it (an injected fault is not a refusal)."""
        return self.fault is None and self.status != 200

    def summary(self) -> str:
        if self.fault == "deliver_then_drop":
            outcome = "carried out, answer dropped (injected)"
        elif self.fault == "drop":
            outcome = "dropped without an answer (injected)"
        elif self.ok:
            outcome = "ok"
        else:
            outcome = f"{self.status} {self.error!r}" + (" (injected)" if self.fault else "")
        return f"{self.method} -> {outcome}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "status": self.status,
            "error": self.error,
            "at": _iso(self.at),
            "bot": self.bot,
            "fault": self.fault,
        }


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An answerCallbackQuery that Telegram accepted."""

    callback_query_id: str
    user_id: int
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "callback_query_id": self.callback_query_id,
            "user_id": self.user_id,
            "message_id": self.message_id,
            "data": self.data,
            "text": self.text,
            "show_alert": self.show_alert,
            "url": self.url,
            "at": _iso(self.at),
        }


@dataclass(frozen=True, slots=True)
class ChatAction:
    chat_id: int
    action: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"chat_id": self.chat_id, "action": self.action, "at": _iso(self.at)}


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes


@dataclass(slots=True)
class CallbackQueryState:
    query_id: str
    user_id: int
    message_id: int
    data: str | None
    pressed_at: datetime
    answered: bool = False


@dataclass(frozen=True, slots=True)
class JsonText:
    """JSON sent exactly as these bytes: an injected update that may be malformed."""

    data: bytes


@dataclass(slots=True)
class PendingUpdate:
    update: dict[str, Any]
    redelivery: bool = False
    delivered: bool = False
    raw: bytes | None = None
    """The exact JSON sent instead of `update`, for an update a test injected raw."""
    filed_as: int | None = None
    """The update id the emulator files it under, whatever the update itself says."""

    @property
    def update_id(self) -> int:
        if self.filed_as is not None:
            return self.filed_as
        return int(self.update["update_id"])

    def wire(self) -> dict[str, Any] | JsonText:
        """What getUpdates and the webhook send for it."""
        return JsonText(self.raw) if self.raw is not None else copy.deepcopy(self.update)

    def body(self) -> bytes:
        """The update as the bytes of one JSON value."""
        return self.raw if self.raw is not None else json.dumps(self.update).encode()

    @property
    def chat_key(self) -> int | str:
        """Whose update it is: updates of one chat go to a webhook one at a time, in order."""
        for value in self.update.values():
            if isinstance(value, dict):
                chat = value.get("chat")
                if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                    return int(chat["id"])
                sender = value.get("from")
                if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                    return int(sender["id"])
        return f"update {self.update_id}"


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One POST of an update to a webhook, and how it went."""

    update_id: int
    url: str
    status: int | None
    """The HTTP status the webhook answered; None when the connection failed."""
    error: str | None
    at: datetime

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "update_id": self.update_id,
            "url": self.url,
            "status": self.status,
            "error": self.error,
            "at": _iso(self.at),
        }


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: datetime | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class ChatState:
    """A private chat between the bot and one user."""

    user: dict[str, Any]
    bucket: TokenBucket | None
    blocked: bool = False
    next_message_id: int = 1
    bot_messages: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted_user_messages: set[int] = field(default_factory=set)
    menu_button: dict[str, Any] | None = None

    @property
    def chat(self) -> dict[str, Any]:
        """The Chat object of this private chat."""
        chat: dict[str, Any] = {"id": self.user["id"]}
        for key in ("first_name", "last_name", "username"):
            if key in self.user:
                chat[key] = self.user[key]
        chat["type"] = "private"
        return chat

    def take_message_id(self) -> int:
        # In a private chat, the user's and the bot's messages share one sequence.
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class BotState:
    """Everything Telegram keeps for one bot token."""

    token: str
    id: int
    username: str
    first_name: str
    global_bucket: TokenBucket | None
    chats: dict[int, ChatState] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)
    pending: list[PendingUpdate] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: WebhookConfig | None = None
    poll_generation: int = 0
    poll_conflict: str = ""
    polls_waiting: int = 0
    callback_queries: dict[str, CallbackQueryState] = field(default_factory=dict)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    chat_actions: list[ChatAction] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    default_menu_button: dict[str, Any] | None = None
    profile: dict[str, dict[str, str]] = field(default_factory=dict)
    """setMyName/Description/ShortDescription, by field then language_code."""
    faults: FaultPlan = field(default_factory=FaultPlan)
    raw_updates: dict[int, bytes] = field(default_factory=dict)
    """The JSON of updates injected raw, by the id they are filed under (for redelivery)."""
    webhook_targets: list[str] | None = None
    """Where webhook POSTs really go, round-robin, as through a load balancer."""
    webhook_connections: int = 1
    """At most this many webhook POSTs at once (and never two of one chat)."""
    webhook_deliveries: list[WebhookDelivery] = field(default_factory=list)

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }
