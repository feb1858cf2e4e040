"""SQL for the guild-level tables of migration 0001 (guilds, settings, answer channels)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.db import Database
from bot.errors import UserFacingError

NUDGE_MODES = ("off", "reply", "dm")
# How long a case's text is kept: a day at least, ten years at most (/setup retention).
RETENTION_DAYS_MIN = 1
RETENTION_DAYS_MAX = 3650
LANGUAGES = ("it", "en")  # = bot.i18n.LANGUAGES and the CHECK of guild_settings.language


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    review_channel_id: int | None = None
    nudge_mode: str = "reply"
    retention_days: int = 90
    announce_channel_id: int | None = None
    language: str = "it"

    @property
    def configured(self) -> bool:
        return self.review_channel_id is not None


_SETTING_COLUMNS = (
    "review_channel_id",
    "nudge_mode",
    "retention_days",
    "announce_channel_id",
    "language",
)


class GuildStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure_guild(self, guild_id: int, name: str = "") -> bool:
        """Record the guild; returns True the first time it is seen."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO guilds (guild_id, name) VALUES (?, ?) "
                "ON CONFLICT(guild_id) DO NOTHING",
                (guild_id, name),
            )
            created = cur.rowcount == 1
            await conn.execute(
                "INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING",
                (guild_id,),
            )
        return created

    async def settings(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone(
            "SELECT guild_id, review_channel_id, nudge_mode, retention_days, announce_channel_id, "
            "language FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=row["guild_id"],
            review_channel_id=row["review_channel_id"],
            nudge_mode=row["nudge_mode"],
            retention_days=row["retention_days"],
            announce_channel_id=row["announce_channel_id"],
            language=row["language"],
        )

    async def update_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        unknown = set(changes) - set(_SETTING_COLUMNS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        if "nudge_mode" in changes and changes["nudge_mode"] not in NUDGE_MODES:
            raise ValueError(f"nudge_mode must be one of {NUDGE_MODES}")
        if "retention_days" in changes:
            days = changes["retention_days"]
            if not isinstance(days, int) or not RETENTION_DAYS_MIN <= days <= RETENTION_DAYS_MAX:
                raise UserFacingError(texts.SETUP_RETENTION_RANGE)
        if "language" in changes and changes["language"] not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        await self.ensure_guild(guild_id)
        if changes:
            # Column names come from the fixed tuple above, never from input.
            assignments = ", ".join(f"{column} = ?" for column in changes)
            await self.db.execute(
                f"UPDATE guild_settings SET {assignments}, "  # noqa: S608
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE guild_id = ?",
                (*changes.values(), guild_id),
            )
        return await self.settings(guild_id)

    async def languages(self) -> dict[int, str]:
        """The guilds that chose a language other than Italian (read once at start)."""
        rows = await self.db.fetchall(
            "SELECT guild_id, language FROM guild_settings WHERE language != 'it'"
        )
        return {int(r["guild_id"]): str(r["language"]) for r in rows}

    async def answer_channels(self, guild_id: int) -> frozenset[int]:
        rows = await self.db.fetchall(
            "SELECT channel_id FROM answer_channels WHERE guild_id = ?", (guild_id,)
        )
        return frozenset(int(r["channel_id"]) for r in rows)

    async def set_answer_channel(self, guild_id: int, channel_id: int, *, enabled: bool) -> None:
        await self.ensure_guild(guild_id)
        if enabled:
            await self.db.execute(
                "INSERT INTO answer_channels (guild_id, channel_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                (guild_id, channel_id),
            )
        else:
            await self.db.execute(
                "DELETE FROM answer_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
