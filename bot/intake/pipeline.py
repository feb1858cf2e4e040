"""The one path every member message takes: policy, then a case and a nudge, or an answer.

Discord (cogs/moderation.py) and the console both turn what they receive into an
`IncomingMessage` and act on the `Outcome`; neither decides anything itself. The hot path (a
message that is not flagged) touches no database: exemptions, the policy and the edit index
are in memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.knowledge import Answer
from bot.review.models import Case, NewCase, VerdictLike, signature

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

NORM_TTL_S = 600.0  # the norm's FAQ entry rarely changes; nudges need not search for it each time


class Origin(StrEnum):
    """How a message reached the pipeline, which decides whether it may get an answer."""

    LIVE = "live"  # just written: may be answered
    EDIT = "edit"  # an edit of a message seen before: it may already have its answer
    REPLAYED = "replayed"  # read back by catch-up after downtime: hours old, or answered already


class Skip(StrEnum):
    """Why the pipeline evaluated nothing for a message."""

    BOT = "bot"
    DM = "dm"
    EMPTY = "empty"
    EXEMPT = "exempt"  # an exempt channel or role
    REVIEW_CHANNEL = "review-channel"  # moderators discussing cases


class PostAction(StrEnum):
    """What the case's review post needs."""

    POST = "post"  # send a new review post
    UPDATE = "edit"  # edit the existing review post


@dataclass(frozen=True)
class IncomingMessage:
    """A message as the pipeline needs it, whoever received it."""

    guild_id: int | None  # None: a direct message
    channel_id: int
    message_id: int
    author_id: int
    text: str
    is_bot: bool = False
    role_ids: frozenset[int] = frozenset()
    created_at: float = 0.0
    origin: Origin = Origin.LIVE
    nudge: bool = True  # False: no nudge for it (read back long after it was written)


@dataclass(frozen=True)
class Nudge:
    """A friendly reminder of the norm to the author, with an appeal button for `case_id`."""

    mode: str  # "reply" or "dm"
    case_id: int
    author_id: int
    norm: Answer | None = None  # the FAQ entry or article on the norm, when there is one


@dataclass(frozen=True)
class Outcome:
    """What Rete does about one message."""

    message: IncomingMessage
    verdict: VerdictLike | None = None
    case: Case | None = None
    case_action: PostAction | None = None  # None: the review post needs nothing
    review_channel_id: int | None = None  # where the post goes; None: /setup not done
    nudge: Nudge | None = None
    answer: Answer | None = None
    answer_id: int | None = None  # the answer's record, which its 👍/👎 buttons carry
    skipped: Skip | None = None  # why nothing was evaluated; None: it was
    notes: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> bool:
        return self.verdict is not None and bool(self.verdict.flagged)


class Pipeline:
    """Decides what happens to a message; the caller performs it (Discord or the console)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self._norms: dict[int, tuple[float, Answer | None]] = {}
        self._norms_loading: dict[int, asyncio.Future[Answer | None]] = {}

    async def process(self, msg: IncomingMessage, *, now: float | None = None) -> Outcome:
        now = time.time() if now is None else now
        if msg.is_bot:
            return Outcome(msg, skipped=Skip.BOT)
        if msg.guild_id is None:
            return Outcome(msg, skipped=Skip.DM)
        if not msg.text.strip():
            return Outcome(msg, skipped=Skip.EMPTY)
        policy = self.core.policy
        guild_id = msg.guild_id
        if policy.is_exempt(guild_id, msg.channel_id, msg.role_ids):
            return Outcome(msg, skipped=Skip.EXEMPT)
        settings = await self.core.review.settings(guild_id)  # in memory after the first read
        if msg.channel_id == settings.review_channel_id:
            return Outcome(msg, skipped=Skip.REVIEW_CHANNEL)  # moderators discussing cases
        verdict = await policy.evaluate(guild_id, msg.text)
        known = self.core.review.known(guild_id, msg.message_id)
        if known is not None:
            if signature(verdict) == known.signature:
                return Outcome(msg, verdict)  # same verdict as before the edit: no new alert
            return await self._update(msg, verdict, known.case_id, now)
        if not verdict.flagged:
            return await self._answer(msg, verdict, now)
        return await self._open(msg, verdict, now)

    async def _answer(
        self, msg: IncomingMessage, verdict: VerdictLike | None, now: float
    ) -> Outcome:
        if msg.origin is not Origin.LIVE or msg.guild_id is None:
            # An edited message may already have its answer; a replayed one is hours old, or
            # was answered before a crash.
            return Outcome(msg, verdict)
        # An answer is recorded (for its votes); an abstention is kept for the moderators.
        asked = await self.core.knowledge.learning.auto_answer(
            msg.guild_id,
            msg.channel_id,
            msg.author_id,
            msg.text,
            now=now,
            message_id=msg.message_id,
        )
        if asked is None:
            return Outcome(msg, verdict)
        return Outcome(msg, verdict, answer=asked.answer, answer_id=asked.answer_id)

    def _new_case(self, msg: IncomingMessage, verdict: VerdictLike) -> NewCase:
        assert msg.guild_id is not None
        return NewCase.of(
            guild_id=msg.guild_id,
            channel_id=msg.channel_id,
            message_id=msg.message_id,
            author_id=msg.author_id,
            text=msg.text,
            verdict=verdict,
        )

    async def _open(self, msg: IncomingMessage, verdict: VerdictLike, now: float) -> Outcome:
        assert msg.guild_id is not None
        review = self.core.review
        settings = await review.settings(msg.guild_id)
        wants_nudge = (
            msg.nudge
            and bool(verdict.alert)
            and settings.configured
            and settings.nudge_mode != "off"
        )
        case, created, nudged = await review.open_case(
            self._new_case(msg, verdict), now, nudge=wants_nudge
        )
        if not created:
            # A replayed event or a create/edit race: the first one did (or does) the work.
            return Outcome(msg, verdict, case, review_channel_id=settings.review_channel_id)
        action = PostAction.POST if case.alerted else None
        nudge = None
        if nudged:
            norm = await self._norm(msg, now)
            nudge = Nudge(settings.nudge_mode, case.case_id, msg.author_id, norm)
        return Outcome(
            msg,
            verdict,
            case,
            case_action=action,
            review_channel_id=settings.review_channel_id,
            nudge=nudge,
        )

    async def _update(
        self, msg: IncomingMessage, verdict: VerdictLike, case_id: int, now: float
    ) -> Outcome:
        assert msg.guild_id is not None
        review = self.core.review
        case = await review.update_verdict(case_id, self._new_case(msg, verdict), now)
        settings = await review.settings(msg.guild_id)
        if case is None:
            return Outcome(msg, verdict)
        if case.review_message_id is not None:
            action: PostAction | None = PostAction.UPDATE
        else:
            action = PostAction.POST if verdict.alert else None
        return Outcome(
            msg, verdict, case, case_action=action, review_channel_id=settings.review_channel_id
        )

    async def _norm(self, msg: IncomingMessage, now: float) -> Answer | None:
        """The norm's FAQ entry or article, looked up at most every NORM_TTL_S per guild."""
        if msg.guild_id is None:
            return None
        cached = self._norms.get(msg.guild_id)
        if cached is not None and now - cached[0] < NORM_TTL_S:
            return cached[1]
        # One search for every nudge that needs it at once (a burst right after a start).
        loading = self._norms_loading.get(msg.guild_id)
        if loading is None:
            loading = asyncio.ensure_future(self.core.knowledge.norm_entry(msg.guild_id))
            self._norms_loading[msg.guild_id] = loading
            try:
                norm = await loading
            except Exception:  # the nudge goes out without its link rather than not at all
                log.exception("norm_entry failed for guild %s", msg.guild_id)
                return None
            finally:
                self._norms_loading.pop(msg.guild_id, None)
            self._norms[msg.guild_id] = (now, norm)
            return norm
        try:
            return await asyncio.shield(loading)
        except Exception:
            return None

    async def message_deleted(
        self, guild_id: int | None, message_id: int, *, now: float | None = None
    ) -> Case | None:
        """The author (or a moderator) deleted a message: drop the case's text if it has one,
        and the question kept from it for /faq unanswered."""
        if guild_id is None:
            return None
        now = time.time() if now is None else now
        await self.core.knowledge.learning.message_deleted(guild_id, message_id)
        return await self.core.review.message_deleted(guild_id, message_id, now)
