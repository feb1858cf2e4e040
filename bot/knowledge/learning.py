"""Learning from use: what Rete could not answer well, members' votes, moderators' decisions.

Questions Rete abstained on (from /ask, the console's ask and automatic answers) or whose
answer got a 👎 are kept per guild, one row per question however often it is asked. Moderators
attach one to an existing FAQ entry (it becomes a variant, so it is answered from then on),
write a new entry from it, or dismiss it. A 👍 is kept with the question it answered: evidence
for question → source that the ranking does not use yet. Each flow is one function here;
Discord (cogs/knowledge.py) and the console (bot/console/learning.py) only parse and
render. Member text is never logged.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import limits, texts
from bot.knowledge.learning_store import (
    ABSTAINED,
    ATTACHED,
    DISMISSED,
    OPEN,
    THUMBS_DOWN,
    VIAS,
    WRITTEN,
    AnswerStats,
    Endorsement,
    LearningStore,
    Unanswered,
)
from bot.knowledge.models import FAQ_VARIANTS_MAX, SHARED_GUILD, Answer, FaqEntry, KnowledgeError
from bot.knowledge.reply import Reply
from bot.knowledge.text import fold, words

if TYPE_CHECKING:
    from bot.knowledge.service import KnowledgeService, Lookup

log = logging.getLogger(__name__)

PAGE_SIZE = 8  # questions per page of /faq unanswered: each line quotes up to QUOTE_MAX
QUOTE_MAX = 300  # characters of a question shown in a list (= the /ask option's maximum)
# The FAQ form's "variants" field (an entry with more could no longer be opened in /faq edit).
VARIANTS_TEXT_MAX = FAQ_VARIANTS_MAX
DEFAULT_RETENTION_DAYS = 90  # = the column default of guild_settings.retention_days

__all__ = [
    "ABSTAINED",
    "ATTACHED",
    "DISMISSED",
    "OPEN",
    "THUMBS_DOWN",
    "WRITTEN",
    "Asked",
    "Decided",
    "Endorsement",
    "ItemFields",
    "LearningService",
    "Unanswered",
    "UnansweredPage",
    "Vote",
    "decided_message",
    "item_fields",
    "normalize",
    "status_text",
]


def _one_line(text: str) -> str:
    """A member's question as a FAQ wording: the form keeps one wording a line."""
    return " ".join(text.split())


def normalize(question: str) -> str:
    """The deduplication key of a question: folded words, punctuation and spacing ignored."""
    return " ".join(words(question)) or fold(question).strip()


@dataclass(frozen=True)
class Asked:
    """What Rete says to a question: an answer (with the id its 👍/👎 buttons carry), or
    nothing sure, with the likely sources (`reply`, what every front-end shows)."""

    question: str
    reply: Reply
    answer_id: int | None = None
    lookup: Lookup | None = None  # the engine's full view: best candidate, alternatives

    @property
    def answer(self) -> Answer | None:
        return self.reply.answer


@dataclass(frozen=True)
class Vote:
    outcome: str  # "recorded", "changed" (replaced the member's earlier vote) or "same"
    helpful: bool
    listed: bool = False  # the question went to (or stayed in) the unanswered list

    @property
    def message(self) -> str:
        if self.outcome == "same":
            return str(texts.LEARN_VOTE_SAME)
        thanks = str(texts.LEARN_VOTE_THANKS[self.helpful])
        return thanks + (" " + str(texts.LEARN_VOTE_REPLACED) if self.outcome == "changed" else "")


@dataclass(frozen=True)
class UnansweredPage:
    items: tuple[Unanswered, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class Decided:
    """A moderator's decision on a question: `applied` is False when another one was first."""

    applied: bool
    item: Unanswered
    entry: FaqEntry | None = None


@dataclass(frozen=True)
class ItemFields:
    """What every front-end shows of a question: its text on one line, why it is listed."""

    question: str
    reasons: str


def item_fields(item: Unanswered) -> ItemFields:
    reasons = []
    if item.abstained:
        reasons.append(texts.LEARN_REASON_ABSTAINED.format(n=item.abstained))
    if item.thumbs_down:
        reasons.append(texts.LEARN_REASON_THUMBS_DOWN.format(n=item.thumbs_down))
    question = limits.clip(" ".join((item.question or "").split()), QUOTE_MAX)
    return ItemFields(question, " · ".join(reasons))


def status_text(item: Unanswered, who: str) -> str:
    return texts.LEARN_STATUS[item.status].format(key=item.faq_key or "—", who=who)


def decided_message(decided: Decided, who: Callable[[int | None], str]) -> str:
    """What a moderator is told after a decision; `who` names a user in the front-end's way."""
    item = decided.item
    if not decided.applied:
        status = status_text(item, who(item.decided_by))
        return texts.LEARN_ALREADY.format(item_id=item.item_id, status=status)
    if item.status == ATTACHED:
        return texts.LEARN_ATTACHED.format(item_id=item.item_id, key=item.faq_key)
    if item.status == WRITTEN and decided.entry is not None:
        entry = decided.entry
        return texts.LEARN_WRITTEN.format(
            item_id=item.item_id, key=entry.key, question=entry.question
        )
    return texts.LEARN_DISMISSED.format(item_id=item.item_id)


class LearningService:
    def __init__(
        self, knowledge: KnowledgeService, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.knowledge = knowledge
        self.store = LearningStore(knowledge.store.db)
        self._clock = clock
        # (guild, message) whose question is kept: a deletion of any other message (nearly
        # all of them) costs no database work. Filled by load() and as questions are kept.
        self._kept: set[tuple[int, int]] = set()

    async def load(self) -> None:
        """Read which members' messages have a question kept (at start)."""
        self._kept |= await self.store.kept_messages()

    # --- asking ------------------------------------------------------------------------------

    async def ask(
        self,
        question: str,
        guild_id: int = SHARED_GUILD,
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        via: str = "ask",
    ) -> Asked:
        """/ask (Discord, console, CLI): the answer, recorded for its votes; or an abstention,
        kept for the moderators, with the likely sources to show."""
        found = await self.knowledge.lookup(question, guild_id)
        shown = found.reply(self.knowledge.answer_threshold)
        answer = shown.answer
        if answer is not None:
            answer_id = None
            if via != "cli":  # the CLI has no buttons to vote with: nothing to remember
                answer_id = await self._record(
                    question, answer, guild_id, channel_id, author_id, via
                )
            return Asked(question, shown, answer_id, lookup=found)
        suggested = found.best.source if found.best else None
        await self._note(guild_id, question, channel_id, author_id, suggested, ABSTAINED)
        return Asked(question, shown, lookup=found)

    async def auto_answer(
        self,
        guild_id: int,
        channel_id: int,
        author_id: int,
        text: str,
        *,
        now: float,
        message_id: int | None = None,
    ) -> Asked | None:
        """A message in a watched channel: an answer to post unasked (stricter threshold),
        an abstention kept for the moderators, or None when it is not one to answer."""
        found = await self.knowledge.auto_lookup(guild_id, channel_id, text, now=now)
        if found is None:
            return None
        threshold = self.knowledge.auto_answer_threshold
        answer = found.answer(threshold)
        # Automatic answers stay strict: an answer or silence, never suggestions.
        shown = Reply(answer=answer, suggestions=(), why=found.why(threshold))
        if message_id is not None:
            self._kept.add((guild_id, message_id))
        if answer is None:
            source = found.best.source if found.best else None
            await self._note(
                guild_id, text, channel_id, author_id, source, ABSTAINED, message_id=message_id
            )
            return Asked(text, shown, lookup=found)
        answer_id = await self._record(
            text, answer, guild_id, channel_id, author_id, "auto", message_id=message_id
        )
        return Asked(text, shown, answer_id, lookup=found)

    async def message_deleted(self, guild_id: int, message_id: int) -> bool:
        """A member deleted a message: the question kept from it goes with it (no database
        work for a message Rete kept nothing of)."""
        if (guild_id, message_id) not in self._kept:
            return False
        self._kept.discard((guild_id, message_id))
        answers, questions = await self.store.drop_message(guild_id, message_id)
        if answers or questions:
            log.info(
                "message %s deleted in guild %s: its question dropped (%d answers, %d questions)",
                message_id,
                guild_id,
                answers,
                questions,
            )
        return bool(answers or questions)

    async def _record(
        self,
        question: str,
        answer: Answer,
        guild_id: int,
        channel_id: int | None,
        author_id: int | None,
        via: str,
        *,
        message_id: int | None = None,
    ) -> int:
        if via not in VIAS:
            raise ValueError(f"unknown front-end: {via}")
        return await self.store.record_answer(
            guild_id,
            channel_id,
            author_id,
            question,
            answer.source,
            answer.score,
            via,
            now=self._clock(),
            message_id=message_id,
        )

    async def _note(
        self,
        guild_id: int,
        question: str,
        channel_id: int | None,
        author_id: int | None,
        source: str | None,
        reason: str,
        *,
        message_id: int | None = None,
    ) -> Unanswered | None:
        """Keep a question for the moderators of a guild (the shared knowledge, guild 0, has
        none: the offline CLI's default)."""
        key = normalize(question)
        if guild_id == SHARED_GUILD or not key:
            return None
        item = await self.store.note(
            guild_id,
            key,
            question.strip(),
            channel_id=channel_id,
            author_id=author_id,
            source=source,
            reason=reason,
            now=self._clock(),
            message_id=message_id,
        )
        log.info(
            "question %s (%s, %d times) kept in guild %s",
            item.item_id,
            reason,
            item.count,
            guild_id,
        )
        return item

    # --- votes -------------------------------------------------------------------------------

    async def vote(self, guild_id: int, answer_id: int, user_id: int, helpful: bool) -> Vote:
        """👍/👎 on an answer: anyone may vote, once per answer (a new vote replaces theirs).
        A 👎 puts the question in the unanswered list; taking it back takes it out again."""
        record = await self.store.answer(answer_id)
        if record is None or record.guild_id != guild_id:
            raise KnowledgeError(texts.LEARN_VOTE_UNKNOWN)
        previous = await self.store.vote(guild_id, answer_id, user_id, helpful, now=self._clock())
        # The per-source tally members' votes always fed (kb_feedback), kept as it was.
        await self.knowledge.record_feedback(guild_id, record.source, user_id, helpful)
        listed = False
        if record.question is not None and previous is not helpful:
            if not helpful:
                item = await self._note(
                    guild_id,
                    record.question,
                    record.channel_id,
                    record.author_id,
                    record.source,
                    THUMBS_DOWN,
                    message_id=record.message_id,
                )
                listed = item is not None
            elif previous is False:
                await self.store.retract_thumbs_down(guild_id, normalize(record.question))
        outcome = "recorded" if previous is None else "same" if previous == helpful else "changed"
        log.info(
            "vote %s on answer %s (%s) by user %s in guild %s: %s",
            "up" if helpful else "down",
            answer_id,
            record.source,
            user_id,
            guild_id,
            outcome,
        )
        return Vote(outcome, helpful, listed)

    async def votes(self, answer_id: int) -> tuple[int, int]:
        return await self.store.votes(answer_id)

    async def endorsements(self, guild_id: int) -> list[Endorsement]:
        """Questions whose answer members found helpful, with its source: stored evidence the
        ranking may use later (it does not yet)."""
        return await self.store.endorsements(guild_id)

    async def stats(self, guild_id: int) -> AnswerStats:
        """Answers given vs abstained, and 👍/👎 per source (the dashboard's stats)."""
        return await self.store.answer_stats(guild_id)

    # --- the moderators' list ----------------------------------------------------------------

    async def unanswered(
        self, guild_id: int, *, page: int = 1, per_page: int = PAGE_SIZE
    ) -> UnansweredPage:
        """The open questions, most asked first; `page` is clamped to the pages there are."""
        total = await self.store.count(guild_id)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        items = await self.store.items(guild_id, limit=per_page, offset=(page - 1) * per_page)
        return UnansweredPage(tuple(items), total, page, pages)

    async def choices(self, guild_id: int, typed: str) -> list[Unanswered]:
        """Open questions matching what a moderator typed (a number or words), for autocomplete."""
        items = await self.store.items(guild_id, limit=200)
        wanted = fold(typed).strip().lstrip("#")
        if wanted:
            items = [
                i
                for i in items
                if str(i.item_id).startswith(wanted) or wanted in fold(i.question or "")
            ]
        return limits.autocomplete_choices(items)

    async def item(self, guild_id: int, item_id: int) -> Unanswered:
        found = await self.store.item(guild_id, item_id)
        if found is None or found.question is None:
            raise KnowledgeError(texts.LEARN_NOT_FOUND.format(item_id=item_id))
        return found

    async def attach(self, guild_id: int, item_id: int, key: str, moderator_id: int) -> Decided:
        """The question becomes a variant of FAQ entry `key` (through the FAQ edit path, with
        the moderator as its author): Rete answers it with that entry from then on."""
        item = await self.item(guild_id, item_id)
        key = key.strip()
        entry = await self.knowledge.faq_entry(guild_id, key)
        if entry is None:
            raise KnowledgeError(texts.LEARN_NO_FAQ.format(key=key))
        if not item.is_open:
            return Decided(False, item)
        assert item.question is not None
        if not await self.store.decide(
            guild_id, item_id, ATTACHED, moderator_id, faq_key=key, now=self._clock()
        ):
            return Decided(False, await self.item(guild_id, item_id))
        try:
            entry = await self.knowledge.add_variant(
                guild_id,
                key,
                _one_line(item.question),
                author_id=moderator_id,
                max_text=VARIANTS_TEXT_MAX,
            )
        except BaseException:
            await self.store.undecide(guild_id, item_id, moderator_id)
            raise
        log.info(
            "question %s attached to FAQ %s in guild %s by %s", item_id, key, guild_id, moderator_id
        )
        return Decided(True, await self.item(guild_id, item_id), entry)

    async def write_faq(
        self,
        guild_id: int,
        item_id: int,
        answer: str,
        moderator_id: int,
        *,
        question: str | None = None,
        variants: Sequence[str] = (),
        links: Sequence[str] = (),
    ) -> Decided:
        """A new FAQ entry from the question (through the FAQ add path, with the moderator as
        its author). When the moderator rewords the question, the member's wording is kept
        as a variant, so that it is answered too."""
        item = await self.item(guild_id, item_id)
        if not item.is_open:
            return Decided(False, item)
        assert item.question is not None
        asked = _one_line(item.question)
        title = (question or "").strip() or asked
        extra = list(variants)
        if normalize(title) != normalize(asked) and all(
            normalize(v) != normalize(asked) for v in extra
        ):
            extra.insert(0, asked)
        if not await self.store.decide(
            guild_id, item_id, WRITTEN, moderator_id, faq_key=None, now=self._clock()
        ):
            return Decided(False, await self.item(guild_id, item_id))
        try:
            entry = await self.knowledge.add_faq(
                guild_id, title, answer, variants=extra, links=links, author_id=moderator_id
            )
            await self.store.set_faq_key(guild_id, item_id, entry.key)
        except BaseException:
            await self.store.undecide(guild_id, item_id, moderator_id)
            raise
        log.info(
            "question %s became FAQ %s in guild %s by %s",
            item_id,
            entry.key,
            guild_id,
            moderator_id,
        )
        return Decided(True, await self.item(guild_id, item_id), entry)

    async def dismiss(self, guild_id: int, item_id: int, moderator_id: int) -> Decided:
        """Not worth an entry: the question leaves the list, and asking it again keeps it out."""
        item = await self.item(guild_id, item_id)
        applied = item.is_open and await self.store.decide(
            guild_id, item_id, DISMISSED, moderator_id, faq_key=None, now=self._clock()
        )
        if applied:
            log.info("question %s dismissed in guild %s by %s", item_id, guild_id, moderator_id)
        return Decided(applied, await self.item(guild_id, item_id))

    # --- retention ---------------------------------------------------------------------------

    async def purge_expired(self, now: float) -> tuple[int, int]:
        """Drop question text past each guild's retention period (the setting cases use)."""
        answers, questions = await self.store.purge_expired(
            now, default_retention_days=DEFAULT_RETENTION_DAYS
        )
        if answers or questions:
            self._kept = await self.store.kept_messages()
        if answers or questions:
            log.info(
                "retention: dropped the question of %d answers and %d unanswered questions",
                answers,
                questions,
            )
        return answers, questions
