"""Settings from MAGBOT_* environment variables and an optional .env file (DESIGN §2)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# What Telegram accepts as a webhook's secret_token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MAGBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///magbot.db"
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    # validate_default: a webhook without a secret is refused even when the secret is unset
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_listen: str = "0.0.0.0"  # a webhook server listens on all interfaces
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    allowed_users: Annotated[frozenset[int], NoDecode] = frozenset()
    # Telegram allows about 30 messages/s; 28 leaves room for replies during a
    # bedtime fan-out (bench/fanout.py: 93 % of the limit, no 429s).
    send_rate: float = Field(default=28.0, gt=0, le=1000)
    # Telegram's paid broadcasts (Bot API allow_paid_broadcast): prompts may go out at up to
    # 1000 messages/s, each beyond the free 30/s paid in Telegram Stars from the bot's
    # balance. Off unless a large deployment opts in (and raises MAGBOT_SEND_RATE).
    paid_broadcast: bool = False
    # Updates of different people handled at once by this process (one person's in order).
    concurrency: int = Field(default=32, ge=1, le=1000)
    # Connections this process keeps to PostgreSQL (SQLite takes one). A process runs its
    # handlers on one core: more transactions at once only take turns on it, each one
    # slower (bench/throughput.py). Raise it when the database is far away.
    db_connections: int = Field(default=4, ge=1, le=100)
    # How long a worker holds an update it is handling before another process may take it
    # (its heartbeat renews the lease; a killed worker's updates wait this long).
    inbox_lease: float = Field(default=30.0, ge=1, le=3600)
    log_level: str = "INFO"

    @field_validator("allowed_users", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" -> {123, 456}; the usual way to write a list in an env file
        if isinstance(value, str):
            try:
                return frozenset(int(part) for part in value.replace(",", " ").split())
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator("api_base_url", "webhook_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_needs_a_secret(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        # Without the secret header check anyone who finds the URL can post forged updates.
        secret = value.get_secret_value() if value is not None else ""
        if info.data.get("webhook_url") and not secret:
            raise ValueError(
                "must be set when MAGBOT_WEBHOOK_URL is, so that forged updates are refused "
                "(1-256 letters, digits, _ or -; e.g. the output of `openssl rand -hex 32`)"
            )
        if secret and not _WEBHOOK_SECRET.fullmatch(secret):
            raise ValueError("may only contain 1-256 letters, digits, _ and -")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level


def load_settings(*, require_token: bool = False, **overrides: object) -> Settings:
    """Read and validate the settings once, turning errors into one clear line."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        msg = err["msg"].removeprefix("Value error, ")
        raise SettingsError(f"MAGBOT_{field.upper()}: {msg}") from None
    if require_token and (settings.token is None or not settings.token.get_secret_value()):
        raise SettingsError("MAGBOT_TOKEN is not set: put the bot token from @BotFather in it")
    return settings
