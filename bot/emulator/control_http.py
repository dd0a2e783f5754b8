"""The control API over HTTP, for a test that drives a bot running in another process.

`/_emulator/<action>` mirrors the Python methods of `BotControl`. Arguments come
from the query string and/or a JSON body; an optional `bot` argument (a
username) picks a bot other than the first. Answers look like the Bot API's:
`{"ok": true, "result": ...}`, or `{"ok": false, "description": ...}` with 400
for a bad request, 404 for an unknown action and 408 when a wait timed out.
Bytes travel as base64; times as ISO 8601.

Fault injection (see `bot.emulator.faults`): `inject_fault` (kind, status, methods
as a list or "a,b", chat_id, count, duration, delay; answers the fault with its
id), `faults`, `clear_faults` (id, or all); `calls?faulted=1` lists the calls a
fault hit. Hostile input: `inject_update` (fields: any JSON object),
`inject_raw_update` (raw: text, or raw_b64: bytes; answers the update id it is
filed under), `press_button` with `callback_data_b64` (bytes) or `inaccessible`.
Delivery: `webhook_targets` (urls, connections) and `webhook_deliveries`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.control import BotControl
from bot.emulator.errors import EmulatorTimeoutError

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator

Action = Callable[[BotControl, dict[str, Any]], Awaitable[Any]]
ACTIONS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        ACTIONS[name] = fn
        return fn

    return register


def _date(args: dict[str, Any], key: str = "date") -> datetime | None:
    value = args.get(key)
    if value in (None, ""):
        return None
    when = datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        raise ValueError(f"{key} needs a time zone offset, e.g. 2025-01-31T21:30:00+00:00")
    return when


def _int(args: dict[str, Any], key: str) -> int:
    return int(args[key])


def _flag(args: dict[str, Any], key: str) -> bool:
    value = args.get(key, False)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


@action("add_user")
async def _add_user(c: BotControl, args: dict[str, Any]) -> Any:
    return c.add_user(
        _int(args, "user_id"),
        first_name=args.get("first_name", "Test"),
        last_name=args.get("last_name"),
        username=args.get("username"),
        language_code=args.get("language_code", "en"),
    )


@action("user_says")
async def _user_says(c: BotControl, args: dict[str, Any]) -> Any:
    return c.user_says(
        _int(args, "user_id"),
        str(args["text"]),
        date=_date(args),
        first_name=args.get("first_name"),
    )


@action("user_edits")
async def _user_edits(c: BotControl, args: dict[str, Any]) -> Any:
    return c.user_edits(
        _int(args, "user_id"), _int(args, "message_id"), str(args["text"]), date=_date(args)
    )


@action("user_sends_sticker")
async def _user_sends_sticker(c: BotControl, args: dict[str, Any]) -> Any:
    return c.user_sends_sticker(
        _int(args, "user_id"), emoji=args.get("emoji", "👍"), date=_date(args)
    )


@action("user_sends_photo")
async def _user_sends_photo(c: BotControl, args: dict[str, Any]) -> Any:
    data = base64.b64decode(args["data"]) if args.get("data") else None
    return c.user_sends_photo(
        _int(args, "user_id"), data, caption=args.get("caption"), date=_date(args)
    )


@action("user_sends")
async def _user_sends(c: BotControl, args: dict[str, Any]) -> Any:
    content = args["content"]
    if isinstance(content, str):
        content = json.loads(content)
    return c.user_sends(_int(args, "user_id"), content, date=_date(args))


@action("press_button")
async def _press_button(c: BotControl, args: dict[str, Any]) -> Any:
    data: str | bytes
    if args.get("callback_data_b64") is not None:
        data = base64.b64decode(str(args["callback_data_b64"]))  # raw bytes, maybe not UTF-8
    else:
        data = str(args["callback_data"])
    return c.press_button(
        _int(args, "user_id"),
        _int(args, "message_id"),
        data,
        forged=_flag(args, "forged"),
        inaccessible=_flag(args, "inaccessible"),
    )


@action("inject_update")
async def _inject_update(c: BotControl, args: dict[str, Any]) -> Any:
    fields = args["fields"]
    if isinstance(fields, str):
        fields = json.loads(fields)
    if not isinstance(fields, dict):
        raise ValueError("fields must be a JSON object")
    return c.inject_update(fields)


@action("inject_raw_update")
async def _inject_raw_update(c: BotControl, args: dict[str, Any]) -> Any:
    if args.get("raw_b64") is not None:
        return c.inject_raw_update(base64.b64decode(str(args["raw_b64"])))
    return c.inject_raw_update(str(args["raw"]))


@action("next_update_id")
async def _next_update_id(c: BotControl, args: dict[str, Any]) -> Any:
    return c.next_update_id


def _optional_float(args: dict[str, Any], key: str) -> float | None:
    value = args.get(key)
    return None if value in (None, "") else float(value)


def _optional_int(args: dict[str, Any], key: str) -> int | None:
    value = args.get(key)
    return None if value in (None, "") else int(value)


def _names(value: Any) -> list[str] | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return [name for name in value.split(",") if name.strip()]
    return [str(name) for name in value]


@action("inject_fault")
async def _inject_fault(c: BotControl, args: dict[str, Any]) -> Any:
    fault = c.inject_fault(
        str(args.get("kind", "error")),
        status=int(args.get("status", 502)),
        methods=_names(args.get("methods")),
        chat_id=_optional_int(args, "chat_id"),
        count=_optional_int(args, "count"),
        duration=_optional_float(args, "duration"),
        delay=float(args.get("delay", 0.0)),
    )
    return fault.to_dict()


@action("faults")
async def _faults(c: BotControl, args: dict[str, Any]) -> Any:
    return [fault.to_dict() for fault in c.faults]


@action("clear_faults")
async def _clear_faults(c: BotControl, args: dict[str, Any]) -> Any:
    c.clear_faults(_optional_int(args, "id"))
    return True


@action("tap")
async def _tap(c: BotControl, args: dict[str, Any]) -> Any:
    message_id = args.get("message_id")
    return c.tap(
        _int(args, "user_id"),
        str(args["label"]),
        message_id=int(message_id) if message_id is not None else None,
    )


@action("redeliver")
async def _redeliver(c: BotControl, args: dict[str, Any]) -> Any:
    return c.redeliver(_int(args, "update_id"))


@action("block")
async def _block(c: BotControl, args: dict[str, Any]) -> Any:
    c.block(_int(args, "user_id"))
    return True


@action("unblock")
async def _unblock(c: BotControl, args: dict[str, Any]) -> Any:
    c.unblock(_int(args, "user_id"))
    return True


@action("messages")
async def _messages(c: BotControl, args: dict[str, Any]) -> Any:
    include_deleted = _flag(args, "include_deleted") if "include_deleted" in args else True
    messages = c.messages(_int(args, "chat_id"), include_deleted=include_deleted)
    return [message.to_dict() for message in messages]


@action("last_message")
async def _last_message(c: BotControl, args: dict[str, Any]) -> Any:
    return c.last_message(_int(args, "chat_id")).to_dict()


@action("calls")
async def _calls(c: BotControl, args: dict[str, Any]) -> Any:
    if _flag(args, "failed"):
        calls = c.failed_calls
    elif _flag(args, "faulted"):
        calls = c.faulted_calls
    else:
        calls = c.calls
    return [call.to_dict() for call in calls]


@action("callback_answers")
async def _callback_answers(c: BotControl, args: dict[str, Any]) -> Any:
    return [answer.to_dict() for answer in c.callback_answers]


@action("commands")
async def _commands(c: BotControl, args: dict[str, Any]) -> Any:
    scope = args.get("scope")
    if isinstance(scope, str):
        scope = json.loads(scope)
    return c.commands_for(scope, args.get("language_code", ""))


@action("chat_actions")
async def _chat_actions(c: BotControl, args: dict[str, Any]) -> Any:
    return [record.to_dict() for record in c.chat_actions]


@action("updates")
async def _updates(c: BotControl, args: dict[str, Any]) -> Any:
    return c.pending_updates if _flag(args, "pending") else c.updates


@action("webhook_info")
async def _webhook_info(c: BotControl, args: dict[str, Any]) -> Any:
    return c.webhook_info()


@action("webhook_targets")
async def _webhook_targets(c: BotControl, args: dict[str, Any]) -> Any:
    urls = _names(args.get("urls"))
    c.set_webhook_targets(urls, connections=_optional_int(args, "connections"))
    return urls


@action("webhook_deliveries")
async def _webhook_deliveries(c: BotControl, args: dict[str, Any]) -> Any:
    return [delivery.to_dict() for delivery in c.webhook_deliveries]


@action("wait_for_messages")
async def _wait_for_messages(c: BotControl, args: dict[str, Any]) -> Any:
    messages = await c.wait_for_messages(
        _int(args, "chat_id"), _int(args, "count"), float(args.get("timeout", 10.0))
    )
    return [message.to_dict() for message in messages]


@action("wait_for_callback_answer")
async def _wait_for_callback_answer(c: BotControl, args: dict[str, Any]) -> Any:
    answer = await c.wait_for_callback_answer(
        str(args["callback_query_id"]), float(args.get("timeout", 10.0))
    )
    return answer.to_dict()


@action("ask")
async def _ask(c: BotControl, args: dict[str, Any]) -> Any:
    messages = await c.ask(
        _int(args, "user_id"),
        str(args["text"]),
        replies=int(args.get("replies", 1)),
        timeout=float(args.get("timeout", 10.0)),
    )
    return [message.to_dict() for message in messages]


@action("clock")
async def _clock(c: BotControl, args: dict[str, Any]) -> Any:
    when = _date(args, "set")
    if when is not None:
        c.set_time(when)
    if args.get("advance") not in (None, ""):
        c.advance(float(args["advance"]))
    return c.now().isoformat()


@action("rate_limits")
async def _rate_limits(c: BotControl, args: dict[str, Any]) -> Any:
    """`enabled` switches the flood limits; `chat_rate`, `chat_burst`, `global_rate`,
    `global_burst` set them.

    Answers whether they are on (only `enabled` given or nothing), else the limits.
    """
    if "enabled" in args:
        c.rate_limits = _flag(args, "enabled")
    if not {"chat_rate", "chat_burst", "global_rate", "global_burst"} & set(args):
        return c.rate_limits
    limits = c.set_rate_limits(
        chat_rate=_optional_float(args, "chat_rate"),
        chat_burst=_optional_int(args, "chat_burst"),
        global_rate=_optional_float(args, "global_rate"),
        global_burst=_optional_float(args, "global_burst"),
    )
    return {"enabled": c.rate_limits, **limits}


@action("callback_query_ttl")
async def _callback_query_ttl(c: BotControl, args: dict[str, Any]) -> Any:
    seconds = _optional_float(args, "seconds")
    if seconds is not None:
        c.callback_query_ttl = timedelta(seconds=seconds)
    return c.callback_query_ttl.total_seconds()


def add_control_routes(app: web.Application, emulator: BotApiEmulator) -> None:
    async def index(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "bot": emulator.bot_username,
                    "now": emulator.now().isoformat(),
                    "actions": sorted(ACTIONS),
                },
            }
        )

    async def handle(request: web.Request) -> web.Response:
        name = request.match_info["action"]
        fn = ACTIONS.get(name)
        if fn is None:
            return _fail(404, f"unknown control action {name!r}; see GET /_emulator/")
        args: dict[str, Any] = dict(request.query)
        if request.body_exists:
            try:
                body = await request.json()
            except ValueError:
                return _fail(400, "the body must be a JSON object")
            if not isinstance(body, dict):
                return _fail(400, "the body must be a JSON object")
            args.update(body)
        try:
            control: BotControl = emulator
            if args.get("bot"):
                control = emulator.bot_named(str(args.pop("bot")))
            result = await fn(control, args)
        except EmulatorTimeoutError as exc:
            return _fail(408, str(exc))
        except KeyError as exc:
            return _fail(400, f"missing argument {exc}")
        except (ValueError, LookupError, TypeError) as exc:
            return _fail(400, str(exc))
        return web.json_response({"ok": True, "result": result})

    app.router.add_get("/_emulator", index)
    app.router.add_get("/_emulator/", index)
    app.router.add_route("*", "/_emulator/{action}", handle)


def _fail(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)
