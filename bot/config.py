"""Settings built from a mapping (the environment); every problem reported in one error."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot import texts
from bot.errors import ConfigError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    """Everything Rete reads from its environment. Build it with `Settings.from_env`."""

    discord_token: str | None = field(default=None, repr=False)  # never printed
    db_path: Path = Path("data/rete.db")
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    owner_ids: frozenset[int] = frozenset()
    # Where discord.py talks to; only tests and the benchmarks point these at a fake Discord.
    api_base: str | None = None
    gateway_url: str | None = None
    knowledge_sources: tuple[Path, ...] = ()
    # Messages read back after downtime get a nudge only when younger than this (seconds);
    # 0: never (the member may have moved on hours ago; the case is still opened and posted).
    catchup_nudge_max_age_s: float = 0.0
    # The moderators' web dashboard (bot/web): served when a port is set (`rete web`: 8080).
    web_port: int | None = None
    web_host: str = "127.0.0.1"
    web_secret: str | None = field(default=None, repr=False)  # signs session cookies
    web_public_url: str | None = None  # where browsers reach it (OAuth2 redirect)
    web_client_secret: str | None = field(default=None, repr=False)  # the application's OAuth2

    @property
    def has_token(self) -> bool:
        return bool(self.discord_token)

    def __repr__(self) -> str:  # the token must never reach a log line or a traceback
        token = "set" if self.discord_token else "unset"
        return (
            f"Settings(discord_token=<{token}>, db_path={self.db_path!s}, "
            f"dev_guild_id={self.dev_guild_id}, log_level={self.log_level})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        problems: list[str] = []

        def get(key: str) -> str | None:
            value = env.get(key)
            if value is None:
                return None
            value = value.strip()
            return value or None

        def snowflake(key: str, raw: str) -> int | None:
            # One rule for every id: what Discord issues, 17 to 20 ASCII digits below 2**64.
            if raw.isascii() and raw.isdigit() and 17 <= len(raw) <= 20 and int(raw) < 2**64:
                return int(raw)
            problems.append(texts.CONFIG_NOT_AN_ID.format(key=key, value=raw[:40]))
            return None

        token = get("DISCORD_TOKEN")
        if token is not None and (any(c.isspace() for c in token) or len(token) < 20):
            problems.append(str(texts.CONFIG_BAD_TOKEN))

        db_raw = get("RETE_DB")
        db_path = Path(db_raw) if db_raw else Path("data/rete.db")

        dev_guild = get("RETE_DEV_GUILD_ID")
        dev_guild_id = snowflake("RETE_DEV_GUILD_ID", dev_guild) if dev_guild else None

        level = (get("RETE_LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            problems.append(
                texts.CONFIG_BAD_LEVEL.format(value=level[:20], levels=", ".join(LOG_LEVELS))
            )

        owners: set[int] = set()
        for part in (get("RETE_OWNER_IDS") or "").replace(";", ",").split(","):
            part = part.strip()
            if part:
                owner = snowflake("RETE_OWNER_IDS", part)
                if owner is not None:
                    owners.add(owner)

        api_base = get("RETE_DISCORD_API_BASE")
        gateway_url = get("RETE_DISCORD_GATEWAY")
        for key, url in (
            ("RETE_DISCORD_API_BASE", api_base),
            ("RETE_DISCORD_GATEWAY", gateway_url),
        ):
            if url is not None and not url.startswith(("http://", "https://", "ws://", "wss://")):
                problems.append(texts.CONFIG_BAD_URL.format(key=key, value=url[:60]))

        sources = tuple(
            Path(p.strip()) for p in (get("RETE_KNOWLEDGE_SOURCES") or "").split(",") if p.strip()
        )

        nudge_minutes_raw = get("RETE_CATCHUP_NUDGE_MINUTES") or "0"
        try:
            nudge_minutes = float(nudge_minutes_raw)
        except ValueError:
            nudge_minutes = -1.0
        if not 0 <= nudge_minutes <= 7 * 24 * 60:
            problems.append(texts.CONFIG_BAD_NUDGE_MINUTES.format(value=nudge_minutes_raw[:20]))
            nudge_minutes = 0.0

        web_port: int | None = None
        web_port_raw = get("RETE_WEB_PORT")
        if web_port_raw is not None:
            if web_port_raw.isascii() and web_port_raw.isdigit() and 0 < int(web_port_raw) < 65536:
                web_port = int(web_port_raw)
            else:
                problems.append(f"RETE_WEB_PORT: «{web_port_raw[:20]}» is not a port (1-65535)")
        web_secret = get("RETE_WEB_SECRET")
        if web_secret is not None and len(web_secret) < 32:
            problems.append("RETE_WEB_SECRET: too short (at least 32 characters)")
        web_public_url = get("RETE_WEB_PUBLIC_URL")
        if web_public_url is not None and not web_public_url.startswith(("http://", "https://")):
            problems.append(f"RETE_WEB_PUBLIC_URL: «{web_public_url[:60]}» is not an http(s) URL")

        if problems:
            raise ConfigError(texts.CONFIG_INVALID.format(problems="\n  - ".join(problems)))
        return cls(
            discord_token=token,
            db_path=db_path,
            dev_guild_id=dev_guild_id,
            log_level=level,
            owner_ids=frozenset(owners),
            api_base=api_base,
            gateway_url=gateway_url,
            knowledge_sources=sources,
            catchup_nudge_max_age_s=nudge_minutes * 60.0,
            web_port=web_port,
            web_host=get("RETE_WEB_HOST") or "127.0.0.1",
            web_secret=web_secret,
            web_public_url=web_public_url.rstrip("/") if web_public_url else None,
            web_client_secret=get("RETE_WEB_CLIENT_SECRET"),
        )


class RedactingFilter(logging.Filter):
    """Belt and braces: replaces the token wherever it would appear in a log record."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secret:
            message = record.getMessage()
            if self._secret in message:
                record.msg = message.replace(self._secret, "<token>")
                record.args = None
        return True
