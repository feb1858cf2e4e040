"""The core that Discord and the offline console share: the database and each feature's service."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.db import Database
from bot.store import GuildStore

log = logging.getLogger(__name__)


class Core:
    """Everything Rete knows and decides, with no Discord in it.

    The Discord cogs and `rete console` both drive this object, so what a moderator tries in
    the console is what the bot does in the server. Each feature adds its service here.
    """

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.guilds = GuildStore(db)

    @classmethod
    async def open(cls, settings: Settings) -> Core:
        db = await Database(settings.db_path).open()
        core = cls(settings, db)
        try:
            await core.start()
        except BaseException:
            await db.close()
            raise
        return core

    async def start(self) -> None:
        """Load what each feature needs in memory (compiled policies, search index…)."""

    async def ensure_guild(self, guild_id: int, name: str = "") -> None:
        """Record a guild and seed each feature's defaults the first time it is seen."""
        created = await self.guilds.ensure_guild(guild_id, name)
        if created:
            log.info("new guild %s: seeding defaults", guild_id)

    async def close(self) -> None:
        await self.db.close()
