"""The Bot API methods the emulator serves, each refusing what Telegram refuses.

Every method takes the core, the calling bot and the request's parameters, and
returns the `result` of a successful answer or raises `ApiError`. Method names
are case-insensitive, as on api.telegram.org.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.emulator.core import EmulatorCore, EmulatorEvent
from bot.emulator.errors import ApiError
from bot.emulator.formatting import MAX_TEXT, FormattedText, format_text, utf16_len
from bot.emulator.markup import inline_keyboard, parse_reply_markup
from bot.emulator.media import guess_mime_type, image_size
from bot.emulator.params import Params, UploadedFile
from bot.emulator.state import (
    BotState,
    CallbackAnswer,
    ChatAction,
    ChatState,
    MessageVersion,
    SentMessage,
    WebhookConfig,
)

MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
MAX_PHOTO_BYTES = 10 * 1024 * 1024
DELETE_WINDOW = timedelta(hours=48)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True, slots=True)
class Described:
    """A result that Telegram answers with a description too ("Webhook was set")."""

    result: Any
    description: str


Method = Callable[[EmulatorCore, BotState, Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Method]] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name.lower()] = (name, fn)
        return fn

    return register


def lookup(name: str) -> tuple[str, Method] | None:
    return METHODS.get(name.lower())


# --- shared checks ------------------------------------------------------------------------


def _chat(bot: BotState, p: Params, *, required: bool = True) -> ChatState | None:
    raw = p.string("chat_id")
    if raw is None or not raw.strip():
        if required:
            raise ApiError.bad_request("chat_id is empty")
        return None
    try:
        chat_id = int(raw.strip())
    except ValueError:
        # "@channelusername": the emulator only has private chats.
        raise ApiError.bad_request("chat not found") from None
    chat = bot.chats.get(chat_id)
    if chat is None:
        raise ApiError.bad_request("chat not found")
    return chat


def _required_chat(bot: BotState, p: Params) -> ChatState:
    chat = _chat(bot, p)
    assert chat is not None
    return chat


def _writable(chat: ChatState) -> None:
    if chat.blocked:
        raise ApiError.forbidden("bot was blocked by the user")


def _format(core: EmulatorCore, p: Params, text: str, entities_param: str) -> FormattedText:
    entities = p.decoded(entities_param, error=f"can't parse {entities_param} JSON object")
    return format_text(
        text,
        p.string("parse_mode"),
        entities=entities if isinstance(entities, list) else None,
        strict_html_entities=core.strict_html_entities,
    )


def _message_text(core: EmulatorCore, p: Params) -> tuple[str, FormattedText]:
    text = p.string("text")
    if text is None or not text.strip():
        raise ApiError.bad_request("message text is empty")
    formatted = _format(core, p, text, "entities")
    if not formatted.text:
        raise ApiError.bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT:
        raise ApiError.bad_request("message is too long")
    return text, formatted


def _caption(core: EmulatorCore, p: Params) -> tuple[str | None, FormattedText | None]:
    caption = p.string("caption")
    if caption is None:
        return None, None
    formatted = _format(core, p, caption, "caption_entities")
    if utf16_len(formatted.text) > MAX_CAPTION:
        raise ApiError.bad_request("message caption is too long")
    return caption, formatted


def _parse_mode(p: Params) -> str | None:
    return p.string("parse_mode") or None


def _reply_to(chat: ChatState, p: Params) -> int | None:
    error = "can't parse reply parameters JSON object"
    parameters = p.decoded("reply_parameters", error=error)
    allow_missing = p.flag("allow_sending_without_reply")
    message_id: int | None = None
    if isinstance(parameters, dict):
        raw_id = parameters.get("message_id")
        if not isinstance(raw_id, int):
            raise ApiError.bad_request(error)
        message_id = raw_id
        allow_missing = allow_missing or bool(parameters.get("allow_sending_without_reply"))
    elif parameters is not None:
        raise ApiError.bad_request(error)
    if message_id is None:
        message_id = p.integer("reply_to_message_id")
    if message_id is None:
        return None
    sent = chat.bot_messages.get(message_id)
    exists = (sent is not None and not sent.deleted) or (
        message_id in chat.user_messages and message_id not in chat.deleted_user_messages
    )
    if exists:
        return message_id
    if allow_missing:
        return None
    raise ApiError.bad_request("message to be replied not found")


def _message_id(p: Params) -> int:
    message_id = p.integer("message_id")
    if message_id is None:
        if p.string("inline_message_id"):
            # Inline mode is not emulated: no inline message can exist.
            raise ApiError.bad_request("MESSAGE_ID_INVALID")
        raise ApiError.bad_request("message identifier is not specified")
    return message_id


def _message_to_edit(chat: ChatState, p: Params) -> SentMessage:
    message_id = _message_id(p)
    sent = chat.bot_messages.get(message_id)
    if sent is None or sent.deleted:
        if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
            raise ApiError.bad_request("message can't be edited")
        raise ApiError.bad_request("message to edit not found")
    return sent


def _edit_markup(p: Params) -> dict[str, Any] | None:
    markup = parse_reply_markup(p.raw("reply_markup"))
    if markup is not None and inline_keyboard(markup) is None:
        # Only an inline keyboard can be attached to a sent message.
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _not_modified() -> ApiError:
    return ApiError.bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _snapshot(core: EmulatorCore, sent: SentMessage) -> None:
    sent.edits.append(
        MessageVersion(
            text=sent.text,
            plain_text=sent.plain_text,
            parse_mode=sent.parse_mode,
            caption=sent.caption,
            reply_markup=sent.reply_markup,
            replaced_at=core.now(),
        )
    )
    sent.edit_date = core.now()


def _deliver(core: EmulatorCore, bot: BotState, chat: ChatState, sent: SentMessage) -> Any:
    chat.bot_messages[sent.message_id] = sent
    core.emit(EmulatorEvent("sent", sent.chat_id, sent))
    core.notify()
    return core.message_wire(bot, chat, sent)


def _edited(core: EmulatorCore, bot: BotState, chat: ChatState, sent: SentMessage) -> Any:
    core.emit(EmulatorEvent("edited", sent.chat_id, sent))
    core.notify()
    return core.message_wire(bot, chat, sent)


def _upload(
    bot: BotState, p: Params, field: str, missing: str
) -> tuple[bytes, str, str | None, str | None]:
    """The bytes of a file parameter: (data, file name, content type, reused file_id)."""
    source = p.file(field)
    if source is None or source == "":
        raise ApiError.bad_request(missing)
    if isinstance(source, UploadedFile):
        return source.data, source.file_name, source.content_type, None
    stored = bot.files.get(source)
    if stored is None:
        # The emulator has no internet to fetch a URL from, and knows only its own file_ids.
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    return stored.data, stored.file_path.rsplit("/", 1)[-1], None, stored.file_id


# --- identity and updates -----------------------------------------------------------------


@method("getMe")
async def get_me(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    return {
        **bot.user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    allowed = p.decoded("allowed_updates", error="can't parse allowed_updates JSON object")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
    ):
        raise ApiError.bad_request("can't parse allowed_updates JSON object")
    return await core.get_updates(
        bot,
        offset=p.integer("offset") or 0,
        limit=p.integer("limit") or 100,
        timeout=max(0.0, p.number("timeout") or 0.0),
        allowed_updates=allowed,
    )


@method("setWebhook")
async def set_webhook(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    url = (p.string("url") or "").strip()
    if p.flag("drop_pending_updates"):
        bot.pending.clear()
    if not url:
        return _remove_webhook(core, bot)
    parts = urlsplit(url)
    # Telegram insists on HTTPS; the emulator also takes plain HTTP for local bots.
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    allowed = p.decoded("allowed_updates", error="can't parse allowed_updates JSON object")
    max_connections = p.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
    same = bot.webhook is not None and bot.webhook.url == url
    bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    core.end_long_poll(bot, "terminated by setWebhook request")
    return Described(True, "Webhook is already set" if same else "Webhook was set")


def _remove_webhook(core: EmulatorCore, bot: BotState) -> Described:
    was_set = bot.webhook is not None
    bot.webhook = None
    core.notify()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@method("deleteWebhook")
async def delete_webhook(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        bot.pending.clear()
    return _remove_webhook(core, bot)


@method("getWebhookInfo")
async def get_webhook_info(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    return webhook_info(bot)


def webhook_info(bot: BotState) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.pending),
    }
    hook = bot.webhook
    if hook is not None:
        info["url"] = hook.url
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = int(hook.last_error_date.timestamp())
            info["last_error_message"] = hook.last_error_message
    return info


# --- sending ------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    text, formatted = _message_text(core, p)
    markup = parse_reply_markup(p.raw("reply_markup"))
    reply_to = _reply_to(chat, p)
    _writable(chat)
    core.take_send_token(bot, chat)
    sent = SentMessage(
        message_id=chat.take_message_id(),
        chat_id=chat.user["id"],
        date=core.now(),
        text=text,
        plain_text=formatted.text,
        entities=list(formatted.entities),
        parse_mode=_parse_mode(p),
        reply_markup=markup,
        reply_to_message_id=reply_to,
    )
    return _deliver(core, bot, chat, sent)


@method("sendPhoto")
async def send_photo(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    data, file_name, content_type, reused = _upload(
        bot, p, "photo", "there is no photo in the request"
    )
    size = image_size(data)
    if size is None:
        raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError.bad_request("file is too big")
    if (
        width <= 0
        or height <= 0
        or width + height > 10000
        or max(width, height) > 20 * min(width, height)
    ):
        raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
    caption, formatted = _caption(core, p)
    markup = parse_reply_markup(p.raw("reply_markup"))
    reply_to = _reply_to(chat, p)
    _writable(chat)
    core.take_send_token(bot, chat)
    stored = bot.files[reused] if reused else None
    if stored is None:
        extension = {"\x89PNG": "png", "GIF8": "gif", "RIFF": "webp"}.get(
            data[:4].decode("latin-1"), "jpg"
        )
        stored = core.store_file(bot, data, "photos", extension)
    sent = SentMessage(
        message_id=chat.take_message_id(),
        chat_id=chat.user["id"],
        date=core.now(),
        parse_mode=_parse_mode(p),
        reply_markup=markup,
        caption=caption,
        plain_caption=formatted.text if formatted else None,
        caption_entities=list(formatted.entities) if formatted else [],
        photo=data,
        file_name=file_name,
        mime_type=content_type or guess_mime_type(file_name, data),
        file_id=stored.file_id,
        reply_to_message_id=reply_to,
        wire_media={
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(data),
                }
            ]
        },
    )
    return _deliver(core, bot, chat, sent)


@method("sendDocument")
async def send_document(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    data, file_name, content_type, reused = _upload(
        bot, p, "document", "there is no document in the request"
    )
    if not data:
        raise ApiError.bad_request("file must be non-empty")
    caption, formatted = _caption(core, p)
    markup = parse_reply_markup(p.raw("reply_markup"))
    reply_to = _reply_to(chat, p)
    _writable(chat)
    core.take_send_token(bot, chat)
    if content_type in (None, "", "application/octet-stream"):
        content_type = guess_mime_type(file_name, data)
    stored = bot.files[reused] if reused else None
    if stored is None:
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = core.store_file(bot, data, "documents", extension)
    sent = SentMessage(
        message_id=chat.take_message_id(),
        chat_id=chat.user["id"],
        date=core.now(),
        parse_mode=_parse_mode(p),
        reply_markup=markup,
        caption=caption,
        plain_caption=formatted.text if formatted else None,
        caption_entities=list(formatted.entities) if formatted else [],
        document=data,
        file_name=file_name,
        mime_type=content_type,
        file_id=stored.file_id,
        reply_to_message_id=reply_to,
        wire_media={
            "document": {
                "file_name": file_name,
                "mime_type": content_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(data),
            }
        },
    )
    return _deliver(core, bot, chat, sent)


@method("sendChatAction")
async def send_chat_action(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    action = p.string("action")
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    _writable(chat)
    record = ChatAction(chat_id=chat.user["id"], action=action, at=core.now())
    bot.chat_actions.append(record)
    core.emit(EmulatorEvent("chat_action", record.chat_id, detail=record.to_dict()))
    return True


# --- changing and deleting ----------------------------------------------------------------


@method("editMessageText")
async def edit_message_text(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    sent = _message_to_edit(chat, p)
    if sent.plain_text is None:
        raise ApiError.bad_request("there is no text in the message to edit")
    text, formatted = _message_text(core, p)
    markup = _edit_markup(p)
    _writable(chat)
    if (
        formatted.text == sent.plain_text
        and list(formatted.entities) == sent.entities
        and inline_keyboard(markup) == inline_keyboard(sent.reply_markup)
    ):
        raise _not_modified()
    _snapshot(core, sent)
    sent.text = text
    sent.plain_text = formatted.text
    sent.entities = list(formatted.entities)
    sent.parse_mode = _parse_mode(p)
    # As on Telegram, an edit without reply_markup removes the inline keyboard.
    sent.reply_markup = markup
    return _edited(core, bot, chat, sent)


@method("editMessageCaption")
async def edit_message_caption(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    sent = _message_to_edit(chat, p)
    if sent.kind == "text":
        raise ApiError.bad_request("there is no caption in the message to edit")
    caption, formatted = _caption(core, p)
    markup = _edit_markup(p)
    _writable(chat)
    new_caption = formatted.text if formatted else ""
    new_entities = list(formatted.entities) if formatted else []
    if (
        new_caption == (sent.plain_caption or "")
        and new_entities == sent.caption_entities
        and inline_keyboard(markup) == inline_keyboard(sent.reply_markup)
    ):
        raise _not_modified()
    _snapshot(core, sent)
    sent.caption = caption
    sent.plain_caption = formatted.text if formatted else None
    sent.caption_entities = new_entities
    sent.parse_mode = _parse_mode(p)
    sent.reply_markup = markup
    return _edited(core, bot, chat, sent)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    sent = _message_to_edit(chat, p)
    markup = _edit_markup(p)
    _writable(chat)
    if inline_keyboard(markup) == inline_keyboard(sent.reply_markup):
        raise _not_modified()
    _snapshot(core, sent)
    sent.reply_markup = markup
    return _edited(core, bot, chat, sent)


def _delete_one(core: EmulatorCore, chat: ChatState, message_id: int) -> bool:
    """Delete a message of either side; False if there is none to delete."""
    now = core.now()
    sent = chat.bot_messages.get(message_id)
    if sent is not None and not sent.deleted:
        if now - sent.date > DELETE_WINDOW:
            raise ApiError.bad_request("message can't be deleted for everyone")
        sent.deleted = True
        sent.deleted_at = now
        core.emit(EmulatorEvent("deleted", sent.chat_id, sent))
        return True
    incoming = chat.user_messages.get(message_id)
    if incoming is not None and message_id not in chat.deleted_user_messages:
        if now.timestamp() - incoming["date"] > DELETE_WINDOW.total_seconds():
            raise ApiError.bad_request("message can't be deleted for everyone")
        chat.deleted_user_messages.add(message_id)
        return True
    return False


@method("deleteMessage")
async def delete_message(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    if not _delete_one(core, chat, _message_id(p)):
        raise ApiError.bad_request("message to delete not found")
    core.notify()
    return True


@method("deleteMessages")
async def delete_messages(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    ids = p.decoded("message_ids", error="can't parse message_ids JSON object")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise ApiError.bad_request("message_ids must be a list of 1-100 identifiers")
    deleted = [_delete_one(core, chat, int(message_id)) for message_id in ids]
    if not any(deleted):
        raise ApiError.bad_request("message to delete not found")
    core.notify()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    query = bot.callback_queries.get(p.string("callback_query_id") or "")
    if query is None or query.answered or core.now() - query.pressed_at > core.callback_query_ttl:
        raise ApiError.bad_request(_QUERY_INVALID)
    text = p.string("text")
    if text is not None and utf16_len(text) > MAX_CALLBACK_ANSWER:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    answer = CallbackAnswer(
        callback_query_id=query.query_id,
        user_id=query.user_id,
        message_id=query.message_id,
        data=query.data,
        text=text or None,
        show_alert=p.flag("show_alert"),
        url=p.string("url"),
        at=core.now(),
    )
    bot.callback_answers.append(answer)
    core.emit(EmulatorEvent("callback_answer", query.user_id, detail=answer.to_dict()))
    return True


# --- commands, menu, profile --------------------------------------------------------------


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.decoded("scope", error="can't parse BotCommandScope JSON object")
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), p.string("language_code") or ""


@method("setMyCommands")
async def set_my_commands(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    commands = p.decoded("commands", error="can't parse commands JSON object")
    if commands is None:
        commands = []
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise ApiError.bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned: list[dict[str, str]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise ApiError.bad_request("can't parse BotCommand JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _BOT_COMMAND.fullmatch(name):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not description.strip():
            raise ApiError.bad_request("command description must be non-empty")
        if utf16_len(description) > 256:
            raise ApiError.bad_request("command description is too long")
        cleaned.append({"command": name, "description": description})
    bot.commands[_commands_key(p)] = cleaned
    return True


@method("getMyCommands")
async def get_my_commands(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    return bot.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    bot.commands.pop(_commands_key(p), None)
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _chat(bot, p, required=False)
    button = p.decoded("menu_button", error="can't parse menu button JSON object")
    if button is None:
        button = {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise ApiError.bad_request("can't parse menu button JSON object")
    if chat is None:
        bot.default_menu_button = button
    else:
        chat.menu_button = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _chat(bot, p, required=False)
    button = chat.menu_button if chat is not None else None
    button = button or bot.default_menu_button or {"type": "commands"}
    if button.get("type") == "default":
        return {"type": "commands"}
    return button


def _profile_methods(field: str, limit: int, setter: str, getter: str) -> None:
    async def set_value(core: EmulatorCore, bot: BotState, p: Params) -> Any:
        value = p.string(field) or ""
        if utf16_len(value) > limit:
            raise ApiError.bad_request(f"{field} is too long")
        bot.profile.setdefault(field, {})[p.string("language_code") or ""] = value
        return True

    async def get_value(core: EmulatorCore, bot: BotState, p: Params) -> Any:
        values = bot.profile.get(field, {})
        value = values.get(p.string("language_code") or "", values.get("", ""))
        if field == "name" and not value:
            value = bot.first_name
        return {field: value}

    method(setter)(set_value)
    method(getter)(get_value)


_profile_methods("name", 64, "setMyName", "getMyName")
_profile_methods("description", 512, "setMyDescription", "getMyDescription")
_profile_methods("short_description", 120, "setMyShortDescription", "getMyShortDescription")


# --- chats and files ----------------------------------------------------------------------


@method("getChat")
async def get_chat(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    chat = _required_chat(bot, p)
    return {**chat.chat, "accent_color_id": 0, "max_reaction_count": 11}


@method("getFile")
async def get_file(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    stored = bot.files.get(p.string("file_id") or "")
    if stored is None:
        raise ApiError.bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


@method("logOut")
async def log_out(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    return True


@method("close")
async def close(core: EmulatorCore, bot: BotState, p: Params) -> Any:
    return True
