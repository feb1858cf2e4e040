"""The core that Discord and the offline console share: the database and each feature's service."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.db import Database
from bot.guild_store import GuildStore
from bot.intake.catchup import CatchUp
from bot.intake.pipeline import Pipeline
from bot.knowledge import KnowledgeService
from bot.policy import PolicyService
from bot.review import ReviewService

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
        self.policy = PolicyService(db)
        self.review = ReviewService(db, self.guilds)
        self.knowledge = KnowledgeService(db, self.guilds, sources=settings.knowledge_sources)
        self.pipeline = Pipeline(self)
        self.catchup = CatchUp(db)

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
        await self.policy.load()
        await self.review.load()
        await self.knowledge.start()  # imports RETE_KNOWLEDGE_SOURCES; a bad one is logged
        await self.knowledge.learning.load()  # which messages' questions are kept

    async def ensure_guild(self, guild_id: int, name: str = "") -> None:
        """Record a guild and seed each feature's defaults the first time it is seen."""
        created = await self.guilds.ensure_guild(guild_id, name)
        if created:
            log.info("new guild %s: seeding defaults", guild_id)
        await self.policy.seed(guild_id)  # no-op (in memory) when the guild has its policy

    async def close(self) -> None:
        self.knowledge.close()
        await self.db.close()
