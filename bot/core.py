"""The core that Discord and the offline console share: the database and each feature's service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.db import Database
from bot.guild_store import GuildStore
from bot.intake.catchup import CatchUp
from bot.intake.pipeline import Pipeline
from bot.knowledge import KnowledgeService
from bot.knowledge.learning import LearningService
from bot.policy import PolicyService, flows
from bot.review import ReviewService
from bot.session_store import SessionStore

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
        self.sessions = SessionStore(db)  # the dashboard's logouts

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


@dataclass(frozen=True)
class Flow:
    """Something a member or a moderator does with Rete: one core function that checks its
    input, does the work and writes the audit trail. Every front-end reaches each flow
    (tests/test_flow_parity.py); a front-end only parses input and formats the result."""

    name: str
    function: Callable[..., Any]


# Services as the front-ends reach them: `core.<attribute>.<method>(…)`.
SERVICE_ATTRIBUTES: dict[type, str] = {
    ReviewService: "review",
    PolicyService: "policy",
    KnowledgeService: "knowledge",
    LearningService: "learning",
}

FLOWS: tuple[Flow, ...] = (
    # the review queue
    Flow("decide a case (claim, confirm, dismiss)", ReviewService.decide),
    Flow("appeal a decision", ReviewService.appeal),
    Flow("list the open cases", ReviewService.pending),
    Flow("review stats", ReviewService.stats),
    Flow("change the settings", ReviewService.update_settings),
    # the policy
    Flow("test a message against the policy", PolicyService.evaluate),
    Flow("add a rule", flows.add_rule),
    Flow("remove a rule", PolicyService.remove_rule),
    Flow("set the threshold", PolicyService.set_threshold),
    Flow("shadow a rule", PolicyService.set_shadow),
    Flow("allow a phrase", PolicyService.allow_add),
    Flow("stop allowing a phrase", PolicyService.allow_remove),
    Flow("exempt a role or a channel", PolicyService.set_exempt),
    Flow("import a policy", PolicyService.import_policy),
    Flow("export the policy", PolicyService.export_yaml),
    Flow("policy history", PolicyService.history),
    Flow("backtest a policy", flows.backtest),
    Flow("learn weights from decisions", flows.learn_from_decisions),
    # knowledge
    Flow("ask", LearningService.ask),
    Flow("excerpt", KnowledgeService.excerpt),
    Flow("list the FAQ", KnowledgeService.faq_entries),
    Flow("add a FAQ entry", KnowledgeService.add_faq),
    Flow("edit a FAQ entry", KnowledgeService.edit_faq),
    Flow("remove a FAQ entry", KnowledgeService.remove_faq),
    Flow("earlier FAQ versions", KnowledgeService.faq_history),
    Flow("restore a FAQ version", KnowledgeService.restore_faq),
    Flow("import articles and FAQ", KnowledgeService.import_file),
    Flow("sync the knowledge sources", KnowledgeService.sync),
    Flow("follow a feed", KnowledgeService.follow_feed),
    Flow("unfollow a feed", KnowledgeService.unfollow_feed),
    Flow("answer in a channel", KnowledgeService.set_answer_channel),
    # learning from use
    Flow("vote on an answer", LearningService.vote),
    Flow("unanswered questions", LearningService.unanswered),
    Flow("attach a question to a FAQ entry", LearningService.attach),
    Flow("write a FAQ entry from a question", LearningService.write_faq),
    Flow("dismiss a question", LearningService.dismiss),
)
