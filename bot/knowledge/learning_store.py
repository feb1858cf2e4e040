"""SQL for learning from use (migration 0005): posted answers, votes, unanswered questions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.db import Database

DAY_S = 86_400
ABSTAINED = "abstained"
THUMBS_DOWN = "thumbs_down"
OPEN = "open"
ATTACHED = "attached"  # became a variant of an existing FAQ entry
WRITTEN = "written"  # a new FAQ entry was written from it
DISMISSED = "dismissed"
DECIDED = (ATTACHED, WRITTEN, DISMISSED)
VIAS = ("ask", "auto", "console", "cli")


@dataclass(frozen=True)
class AnswerRecord:
    """An answer Rete posted: what it judged (the question) and what it answered with."""

    answer_id: int
    guild_id: int
    channel_id: int | None
    author_id: int | None
    question: str | None  # None once retention dropped it
    source: str
    score: float
    via: str
    at: float
    message_id: int | None = None  # the member's message, for automatic answers


@dataclass(frozen=True)
class Unanswered:
    """A question Rete did not answer well, as moderators see it."""

    item_id: int
    guild_id: int
    question: str | None  # None once retention dropped it
    channel_id: int | None
    author_id: int | None
    source: str | None  # what Rete answered (👎) or would have answered (abstained)
    reason: str  # the latest: ABSTAINED or THUMBS_DOWN
    abstained: int
    thumbs_down: int
    first_at: float
    last_at: float
    status: str = OPEN
    decided_by: int | None = None
    decided_at: float | None = None
    faq_key: str | None = None

    @property
    def count(self) -> int:
        return self.abstained + self.thumbs_down

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class Endorsement:
    """A question whose answer members found helpful: evidence for question → source."""

    question: str
    source: str
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class SourceVotes:
    """How often a source answered in a guild, and the votes those answers got."""

    source: str
    answers: int
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class AnswerStats:
    """Answers given and questions Rete abstained on (times asked), votes per source."""

    answered: int
    abstained: int
    sources: tuple[SourceVotes, ...]


_ANSWER_COLUMNS = (
    "answer_id, guild_id, channel_id, author_id, question, source, score, via, message_id, at"
)
_ITEM_COLUMNS = (
    "item_id, guild_id, question, channel_id, author_id, source, reason, abstained, thumbs_down, "
    "first_at, last_at, status, decided_by, decided_at, faq_key"
)


def _answer(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        answer_id=int(row["answer_id"]),
        guild_id=int(row["guild_id"]),
        channel_id=row["channel_id"],
        author_id=row["author_id"],
        question=row["question"],
        source=row["source"],
        score=float(row["score"]),
        via=row["via"],
        at=float(row["at"]),
        message_id=row["message_id"],
    )


def _item(row: sqlite3.Row) -> Unanswered:
    return Unanswered(
        item_id=int(row["item_id"]),
        guild_id=int(row["guild_id"]),
        question=row["question"],
        channel_id=row["channel_id"],
        author_id=row["author_id"],
        source=row["source"],
        reason=row["reason"],
        abstained=int(row["abstained"]),
        thumbs_down=int(row["thumbs_down"]),
        first_at=float(row["first_at"]),
        last_at=float(row["last_at"]),
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        faq_key=row["faq_key"],
    )


class LearningStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- answers and votes -------------------------------------------------------------------

    async def record_answer(
        self,
        guild_id: int,
        channel_id: int | None,
        author_id: int | None,
        question: str,
        source: str,
        score: float,
        via: str,
        *,
        now: float,
        message_id: int | None = None,
    ) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO kb_answers "
                "(guild_id, channel_id, author_id, question, source, score, via, message_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, author_id, question, source, score, via, message_id, now),
            )
            answer_id = cur.lastrowid
        assert answer_id is not None
        return int(answer_id)

    async def answer(self, answer_id: int) -> AnswerRecord | None:
        row = await self.db.fetchone(
            f"SELECT {_ANSWER_COLUMNS} FROM kb_answers WHERE answer_id = ?",  # noqa: S608 (fixed columns)
            (answer_id,),
        )
        return _answer(row) if row else None

    async def vote(
        self, guild_id: int, answer_id: int, user_id: int, helpful: bool, *, now: float
    ) -> bool | None:
        """Record a member's vote on an answer (replacing theirs); returns their previous vote."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT helpful FROM kb_answer_votes WHERE answer_id = ? AND user_id = ?",
                (answer_id, user_id),
            ) as cur:
                row = await cur.fetchone()
            await conn.execute(
                "INSERT INTO kb_answer_votes (answer_id, guild_id, user_id, helpful, at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(answer_id, user_id) DO UPDATE SET "
                "helpful = excluded.helpful, at = excluded.at",
                (answer_id, guild_id, user_id, int(helpful), now),
            )
        return None if row is None else bool(row["helpful"])

    async def votes(self, answer_id: int) -> tuple[int, int]:
        """(helpful, not helpful) votes on one answer."""
        row = await self.db.fetchone(
            "SELECT coalesce(sum(helpful), 0) AS up, coalesce(sum(1 - helpful), 0) AS down "
            "FROM kb_answer_votes WHERE answer_id = ?",
            (answer_id,),
        )
        return (int(row["up"]), int(row["down"])) if row else (0, 0)

    async def endorsements(self, guild_id: int) -> list[Endorsement]:
        """Questions (still kept) whose answer got more 👍 than 👎, with the source answered."""
        rows = await self.db.fetchall(
            "SELECT a.question AS question, a.source AS source, "
            "sum(v.helpful) AS up, sum(1 - v.helpful) AS down "
            "FROM kb_answers AS a JOIN kb_answer_votes AS v ON v.answer_id = a.answer_id "
            "WHERE a.guild_id = ? AND a.question IS NOT NULL "
            "GROUP BY a.answer_id HAVING sum(v.helpful) > sum(1 - v.helpful) "
            "ORDER BY a.answer_id",
            (guild_id,),
        )
        return [Endorsement(r["question"], r["source"], int(r["up"]), int(r["down"])) for r in rows]

    async def answer_stats(self, guild_id: int) -> AnswerStats:
        rows = await self.db.fetchall(
            "SELECT a.source AS source, count(DISTINCT a.answer_id) AS answers, "
            "coalesce(sum(v.helpful), 0) AS up, coalesce(sum(1 - v.helpful), 0) AS down "
            "FROM kb_answers AS a LEFT JOIN kb_answer_votes AS v ON v.answer_id = a.answer_id "
            "WHERE a.guild_id = ? GROUP BY a.source ORDER BY a.source",
            (guild_id,),
        )
        row = await self.db.fetchone(
            "SELECT coalesce(sum(abstained), 0) AS n FROM kb_unanswered WHERE guild_id = ?",
            (guild_id,),
        )
        sources = tuple(
            SourceVotes(r["source"], int(r["answers"]), int(r["up"]), int(r["down"])) for r in rows
        )
        return AnswerStats(
            answered=sum(s.answers for s in sources),
            abstained=int(row["n"]) if row else 0,
            sources=sources,
        )

    # --- unanswered questions ----------------------------------------------------------------

    async def note(
        self,
        guild_id: int,
        normalized: str,
        question: str,
        *,
        channel_id: int | None,
        author_id: int | None,
        source: str | None,
        reason: str,
        now: float,
        message_id: int | None = None,
    ) -> Unanswered:
        """Keep a question Rete did not answer well; the same question again bumps its row."""
        abstained, down = (1, 0) if reason == ABSTAINED else (0, 1)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT item_id, status FROM kb_unanswered "
                "WHERE guild_id = ? AND normalized = ? AND status IN ('open', 'dismissed') "
                "ORDER BY status = 'open' DESC, item_id DESC LIMIT 1",
                (guild_id, normalized),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                cur = await conn.execute(
                    "INSERT INTO kb_unanswered (guild_id, question, normalized, channel_id, "
                    "author_id, message_id, source, reason, abstained, thumbs_down, first_at, "
                    "last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        question,
                        normalized,
                        channel_id,
                        author_id,
                        message_id,
                        source,
                        reason,
                        abstained,
                        down,
                        now,
                        now,
                    ),
                )
                item_id = int(cur.lastrowid or 0)
            elif row["status"] == OPEN:
                item_id = int(row["item_id"])
                await conn.execute(
                    "UPDATE kb_unanswered SET question = ?, channel_id = ?, author_id = ?, "
                    "message_id = ?, source = coalesce(?, source), reason = ?, "
                    "abstained = abstained + ?, thumbs_down = thumbs_down + ?, "
                    "last_at = max(last_at, ?) WHERE item_id = ?",
                    (
                        question,
                        channel_id,
                        author_id,
                        message_id,
                        source,
                        reason,
                        abstained,
                        down,
                        now,
                        item_id,
                    ),
                )
            else:  # dismissed: counted, not reopened, and its text is not replaced
                item_id = int(row["item_id"])
                await conn.execute(
                    "UPDATE kb_unanswered SET abstained = abstained + ?, "
                    "thumbs_down = thumbs_down + ?, last_at = max(last_at, ?) WHERE item_id = ?",
                    (abstained, down, now, item_id),
                )
            found = await _fetch_item(conn, item_id)
        assert found is not None
        return found

    async def retract_thumbs_down(self, guild_id: int, normalized: str) -> None:
        """A 👎 changed to 👍: one fewer on the open question; gone when nothing is left."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE kb_unanswered SET thumbs_down = thumbs_down - 1 "
                "WHERE guild_id = ? AND normalized = ? AND status = 'open' AND thumbs_down > 0",
                (guild_id, normalized),
            )
            await conn.execute(
                "DELETE FROM kb_unanswered WHERE guild_id = ? AND normalized = ? "
                "AND status = 'open' AND abstained = 0 AND thumbs_down = 0",
                (guild_id, normalized),
            )

    async def items(
        self, guild_id: int, *, status: str = OPEN, limit: int, offset: int = 0
    ) -> list[Unanswered]:
        """Questions in a status, most asked first, then the most recent."""
        rows = await self.db.fetchall(
            f"SELECT {_ITEM_COLUMNS} FROM kb_unanswered "  # noqa: S608 (fixed columns)
            "WHERE guild_id = ? AND status = ? AND question IS NOT NULL "
            "ORDER BY abstained + thumbs_down DESC, last_at DESC, item_id DESC LIMIT ? OFFSET ?",
            (guild_id, status, limit, offset),
        )
        return [_item(row) for row in rows]

    async def count(self, guild_id: int, *, status: str = OPEN) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) AS n FROM kb_unanswered "
            "WHERE guild_id = ? AND status = ? AND question IS NOT NULL",
            (guild_id, status),
        )
        return int(row["n"]) if row else 0

    async def item(self, guild_id: int, item_id: int) -> Unanswered | None:
        row = await self.db.fetchone(
            f"SELECT {_ITEM_COLUMNS} FROM kb_unanswered "  # noqa: S608 (fixed columns)
            "WHERE guild_id = ? AND item_id = ?",
            (guild_id, item_id),
        )
        return _item(row) if row else None

    async def decide(
        self,
        guild_id: int,
        item_id: int,
        status: str,
        moderator_id: int,
        *,
        faq_key: str | None,
        now: float,
    ) -> bool:
        """Close an open question; False when it was not open (someone decided first)."""
        if status not in DECIDED:
            raise ValueError(f"not a decision: {status}")
        count = await self.db.execute(
            "UPDATE kb_unanswered SET status = ?, decided_by = ?, decided_at = ?, "
            "faq_key = ? WHERE guild_id = ? AND item_id = ? AND status = 'open' "
            "AND question IS NOT NULL",
            (status, moderator_id, now, faq_key, guild_id, item_id),
        )
        return count == 1

    async def set_faq_key(self, guild_id: int, item_id: int, key: str) -> None:
        await self.db.execute(
            "UPDATE kb_unanswered SET faq_key = ? WHERE guild_id = ? AND item_id = ?",
            (key, guild_id, item_id),
        )

    async def undecide(self, guild_id: int, item_id: int, moderator_id: int) -> None:
        """Open again a question whose decision could not be carried out (the FAQ write failed)."""
        await self.db.execute(
            "UPDATE kb_unanswered SET status = 'open', decided_by = NULL, "
            "decided_at = NULL, faq_key = NULL "
            "WHERE guild_id = ? AND item_id = ? AND decided_by = ?",
            (guild_id, item_id, moderator_id),
        )

    # --- deleted messages --------------------------------------------------------------------

    async def kept_messages(self) -> set[tuple[int, int]]:
        """(guild, message) of every message whose question is still kept."""
        rows = await self.db.fetchall(
            "SELECT guild_id, message_id FROM kb_answers "
            "WHERE message_id IS NOT NULL AND question IS NOT NULL "
            "UNION SELECT guild_id, message_id FROM kb_unanswered "
            "WHERE message_id IS NOT NULL AND question IS NOT NULL"
        )
        return {(int(r["guild_id"]), int(r["message_id"])) for r in rows}

    async def drop_message(self, guild_id: int, message_id: int) -> tuple[int, int]:
        """The member deleted the message: its question goes. An open question asked in it
        leaves the list (whoever else asked it too: the wording kept is this message's); a
        decided one keeps who decided what. Returns (answers, questions) changed."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE kb_answers SET question = NULL "
                "WHERE guild_id = ? AND message_id = ? AND question IS NOT NULL",
                (guild_id, message_id),
            )
            answers = cur.rowcount
            cur = await conn.execute(
                "DELETE FROM kb_unanswered WHERE guild_id = ? AND message_id = ? "
                "AND status = 'open' AND question IS NOT NULL",
                (guild_id, message_id),
            )
            questions = cur.rowcount
            cur = await conn.execute(
                "UPDATE kb_unanswered SET question = NULL, normalized = NULL "
                "WHERE guild_id = ? AND message_id = ? AND question IS NOT NULL",
                (guild_id, message_id),
            )
            questions += cur.rowcount
        return answers, questions

    # --- retention ---------------------------------------------------------------------------

    async def purge_expired(self, now: float, *, default_retention_days: int) -> tuple[int, int]:
        """Drop the member text kept past the guild's retention period.

        Posted answers keep their source and votes but lose the question. An open question not
        asked again within the period goes entirely (nobody decided anything on it); a decided
        one keeps who decided what and when, without the text. Returns (answers, questions).
        """
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE kb_answers SET question = NULL WHERE question IS NOT NULL "
                "AND at <= ? - ? * "
                "coalesce((SELECT s.retention_days FROM guild_settings AS s "
                "WHERE s.guild_id = kb_answers.guild_id), ?)",
                (now, DAY_S, default_retention_days),
            )
            answers = cur.rowcount
            cur = await conn.execute(
                "DELETE FROM kb_unanswered WHERE status = 'open' "
                "AND last_at <= ? - ? * "
                "coalesce((SELECT s.retention_days FROM guild_settings AS s "
                "WHERE s.guild_id = kb_unanswered.guild_id), ?)",
                (now, DAY_S, default_retention_days),
            )
            questions = cur.rowcount
            cur = await conn.execute(
                "UPDATE kb_unanswered SET question = NULL, normalized = NULL "
                "WHERE status <> 'open' AND question IS NOT NULL "
                "AND max(last_at, coalesce(decided_at, 0)) <= ? - ? * "
                "coalesce((SELECT s.retention_days FROM guild_settings AS s "
                "WHERE s.guild_id = kb_unanswered.guild_id), ?)",
                (now, DAY_S, default_retention_days),
            )
            questions += cur.rowcount
        return answers, questions


async def _fetch_item(conn: aiosqlite.Connection, item_id: int) -> Unanswered | None:
    async with conn.execute(
        f"SELECT {_ITEM_COLUMNS} FROM kb_unanswered WHERE item_id = ?",  # noqa: S608
        (item_id,),
    ) as cur:
        row = await cur.fetchone()
    return _item(row) if row else None
