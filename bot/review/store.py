"""SQL for the review queue (migration 0004): cases, their rules, the audit trail, nudges."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Sequence

import aiosqlite

from bot.db import Database
from bot.review.models import (
    CLOSED_STATUSES,
    CONFIRMED,
    DISMISSED,
    PENDING,
    REOPENED,
    AuditEntry,
    Case,
    CaseFilter,
    CasePage,
    DayCount,
    Decision,
    NewCase,
    PageAt,
    RuleStats,
    hits_from_json,
    hits_to_json,
)

_CASE_COLUMNS = (
    "case_id, guild_id, channel_id, message_id, author_id, text, text_dropped, score, threshold, "
    "hits_json, policy_version, signature, alerted, status, claimed_by, decided_by, decided_at, "
    "decision_json, appeal_note, appealed_at, edited, message_deleted, review_channel_id, "
    "review_message_id, created_at, updated_at, closed_at"
)
_SELECT_CASE = f"SELECT {_CASE_COLUMNS} FROM review_cases"  # noqa: S608 (fixed column list)
DAY_S = 86_400
PURGE_CHUNK = 200  # cases a retention transaction (each: an update, an audit row, a read)
_INSERT_BATCH_MAX = 200  # 14 parameters a row, far below SQLite's 32,766


def _case(row: sqlite3.Row) -> Case:
    return Case(
        case_id=row["case_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        author_id=row["author_id"],
        text=row["text"],
        text_dropped=row["text_dropped"],
        score=row["score"],
        threshold=row["threshold"],
        hits=hits_from_json(row["hits_json"]),
        policy_version=row["policy_version"],
        signature=row["signature"],
        alerted=bool(row["alerted"]),
        status=row["status"],
        claimed_by=row["claimed_by"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        decision=Decision.from_json(row["decision_json"]),
        appeal_note=row["appeal_note"],
        appealed_at=row["appealed_at"],
        edited=bool(row["edited"]),
        message_deleted=bool(row["message_deleted"]),
        review_channel_id=row["review_channel_id"],
        review_message_id=row["review_message_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        closed_at=row["closed_at"],
    )


def _new_case(case_id: int, new: NewCase, now: float) -> Case:
    """The row just inserted, as the SELECT would return it (one round trip fewer)."""
    return Case(
        case_id=case_id,
        guild_id=new.guild_id,
        channel_id=new.channel_id,
        message_id=new.message_id,
        author_id=new.author_id,
        text=new.text,
        text_dropped=None,
        score=new.score,
        threshold=new.threshold,
        hits=new.hits,
        policy_version=new.policy_version,
        signature=new.signature,
        alerted=new.alerted,
        status=PENDING,
        claimed_by=None,
        decided_by=None,
        decided_at=None,
        decision=None,
        appeal_note=None,
        appealed_at=None,
        edited=False,
        message_deleted=False,
        review_channel_id=None,
        review_message_id=None,
        created_at=now,
        updated_at=now,
        closed_at=None,
    )


async def _audit(
    conn: aiosqlite.Connection,
    case_id: int,
    action: str,
    actor_id: int | None,
    now: float,
    detail: dict[str, object] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO review_audit (case_id, action, actor_id, at, detail) VALUES (?, ?, ?, ?, ?)",
        (case_id, action, actor_id, now, json.dumps(detail or {}, sort_keys=True)),
    )


async def _fetch_case(conn: aiosqlite.Connection, case_id: int) -> Case | None:
    async with conn.execute(_SELECT_CASE + " WHERE case_id = ?", (case_id,)) as cur:
        row = await cur.fetchone()
    return _case(row) if row else None


_NewCaseWaiter = tuple[NewCase, float, bool, "asyncio.Future[tuple[Case, bool]]"]
_PostWaiter = tuple[tuple[int, ...], int, int, "asyncio.Future[None]"]
_SET_REVIEW_POST = (
    "UPDATE review_cases SET review_channel_id = ?, review_message_id = ? WHERE case_id IN ({})"
)


class ReviewStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[_NewCaseWaiter] = []
        self._posts: list[_PostWaiter] = []
        self._writer: asyncio.Task[None] | None = None

    # --- cases -------------------------------------------------------------------------------

    async def open_case(
        self, new: NewCase, now: float, *, nudge: bool = False
    ) -> tuple[Case, bool]:
        """Insert the case for a flagged message; returns (case, created).

        The migration's triggers record the guild, the rules, the audit entry and (with
        `nudge`) the member's nudge with the row, atomically. One case per (guild, message): a
        replayed gateway event or a create/edit race finds the existing case instead of
        opening a second one. Cases opened at the same moment share one INSERT (a group
        commit): under a burst, the database lock is taken once per batch, not per message.
        """
        done: asyncio.Future[tuple[Case, bool]] = asyncio.get_running_loop().create_future()
        self._pending.append((new, now, nudge, done))
        self._wake_writer()
        return await done

    async def set_review_post(
        self, case_ids: Sequence[int], channel_id: int, message_id: int
    ) -> None:
        """Record the review post that shows these cases (one post may show several).

        Written by the same group commit as new cases: under a burst, recording the posts
        already made must not make the next cases wait for the database lock.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._posts.append((tuple(case_ids), channel_id, message_id, done))
        self._wake_writer()
        await done

    def _wake_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="rete-review-writes")

    async def _write_pending(self) -> None:
        while self._pending or self._posts:
            batch = self._pending[:_INSERT_BATCH_MAX]
            del self._pending[:_INSERT_BATCH_MAX]
            posts, self._posts = self._posts, []
            waiters = [done for *_, done in batch] + [done for *_, done in posts]
            try:
                results = await self._write(batch, posts)
            except asyncio.CancelledError:
                for done in waiters:
                    done.cancel()
                raise
            except Exception as exc:  # every waiter of the batch sees the error
                for done in waiters:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (*_, case_done), result in zip(batch, results, strict=True):
                if not case_done.done():
                    case_done.set_result(result)
            for *_, post_done in posts:
                if not post_done.done():
                    post_done.set_result(None)

    async def _write(
        self, batch: list[_NewCaseWaiter], posts: list[_PostWaiter]
    ) -> list[tuple[Case, bool]]:
        rows = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in batch)
        params: list[object] = []
        for new, now, nudge, _ in batch:
            params += (
                new.guild_id,
                new.channel_id,
                new.message_id,
                new.author_id,
                new.text,
                new.score,
                new.threshold,
                hits_to_json(new.hits),
                new.policy_version,
                new.signature,
                int(new.alerted),
                int(nudge),
                now,
                now,
            )
        sql = (
            "INSERT INTO review_cases (guild_id, channel_id, message_id, author_id, text, "  # noqa: S608
            "score, threshold, hits_json, policy_version, signature, alerted, nudged, "
            f"created_at, updated_at) VALUES {rows} "
            "ON CONFLICT (guild_id, message_id) DO NOTHING "
            "RETURNING case_id, guild_id, message_id"
        )

        def write(conn: sqlite3.Connection) -> list[sqlite3.Row]:
            for case_ids, channel_id, message_id, _ in posts:
                marks = ", ".join("?" for _ in case_ids)  # only "?" marks are interpolated
                conn.execute(_SET_REVIEW_POST.format(marks), (channel_id, message_id, *case_ids))
            return conn.execute(sql, params).fetchall() if batch else []

        # One hop to the database thread for the whole transaction: under a burst each hop
        # waits for the GIL and for the busy event loop, and this is on the way to the post.
        inserted = await self.db.run_sync(write)
        ids = {(r["guild_id"], r["message_id"]): int(r["case_id"]) for r in inserted}
        results: list[tuple[Case, bool]] = []
        for new, now, _, _ in batch:
            case_id = ids.pop((new.guild_id, new.message_id), None)
            if case_id is not None:  # the first of the batch for this message created it
                results.append((_new_case(case_id, new, now), True))
                continue
            existing = await self.by_message(new.guild_id, new.message_id)
            assert existing is not None
            results.append((existing, False))
        return results

    async def update_verdict(
        self, case_id: int, new: NewCase, now: float, *, reopen: bool
    ) -> Case | None:
        """An edited message got a different verdict: new snapshot, rules and signature."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE review_cases SET text = ?, text_dropped = NULL, score = ?, threshold = ?, "
                "hits_json = ?, policy_version = ?, signature = ?, "
                "alerted = max(alerted, ?), edited = 1, updated_at = ? "
                "WHERE case_id = ? AND message_deleted = 0",
                (
                    new.text,
                    new.score,
                    new.threshold,
                    hits_to_json(new.hits),
                    new.policy_version,
                    new.signature,
                    int(new.alerted),
                    now,
                    case_id,
                ),
            )
            if cur.rowcount != 1:
                return None
            await conn.execute("DELETE FROM review_case_rules WHERE case_id = ?", (case_id,))
            await conn.executemany(
                "INSERT INTO review_case_rules (case_id, guild_id, rule, shadow) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(case_id, new.guild_id, h.rule, int(h.shadow)) for h in new.hits],
            )
            detail: dict[str, object] = {"score": new.score, "signature": new.signature}
            if reopen:
                cur = await conn.execute(
                    "UPDATE review_cases SET status = 'reopened', closed_at = NULL "
                    "WHERE case_id = ? AND status IN ('confirmed', 'dismissed')",
                    (case_id,),
                )
                detail["reopened"] = cur.rowcount == 1
            await _audit(conn, case_id, "edited", None, now, detail)
            return await _fetch_case(conn, case_id)

    async def get(self, case_id: int) -> Case | None:
        row = await self.db.fetchone(_SELECT_CASE + " WHERE case_id = ?", (case_id,))
        return _case(row) if row else None

    async def by_message(self, guild_id: int, message_id: int) -> Case | None:
        row = await self.db.fetchone(
            _SELECT_CASE + " WHERE guild_id = ? AND message_id = ?", (guild_id, message_id)
        )
        return _case(row) if row else None

    async def max_message_id(self, guild_id: int) -> int:
        """The highest message id any case of the guild was opened for (0 if none)."""
        row = await self.db.fetchone(
            "SELECT COALESCE(MAX(message_id), 0) AS top FROM review_cases WHERE guild_id = ?",
            (guild_id,),
        )
        return int(row["top"]) if row else 0

    async def signatures(self) -> list[tuple[int, int, int, str]]:
        """(guild, message, case, signature) of every case: the in-memory edit index."""
        rows = await self.db.fetchall(
            "SELECT guild_id, message_id, case_id, signature FROM review_cases "
            "WHERE message_deleted = 0"
        )
        return [(r["guild_id"], r["message_id"], r["case_id"], r["signature"]) for r in rows]

    async def cases_on_post(self, message_id: int) -> list[Case]:
        rows = await self.db.fetchall(
            _SELECT_CASE + " WHERE review_message_id = ? ORDER BY case_id", (message_id,)
        )
        return [_case(r) for r in rows]

    async def list_cases(
        self,
        guild_id: int,
        statuses: Sequence[str],
        *,
        limit: int,
        alerted_only: bool = False,
    ) -> list[Case]:
        """Cases in the given statuses, oldest first (the queue's order)."""
        marks = ", ".join("?" for _ in statuses)
        alerted = " AND alerted = 1" if alerted_only else ""
        # Only "?" marks and a fixed clause are interpolated; the values are parameters.
        where = f" WHERE guild_id = ? AND status IN ({marks}){alerted} ORDER BY case_id LIMIT ?"
        sql = _SELECT_CASE + where
        rows = await self.db.fetchall(sql, (guild_id, *statuses, limit))
        return [_case(r) for r in rows]

    async def search(
        self, guild_id: int, where: CaseFilter, *, limit: int, at: PageAt | None = None
    ) -> CasePage:
        """A page of the cases matching `where`, newest first, and how many match in all."""
        at = at or PageAt()
        clauses = ["c.guild_id = ?"]
        params: list[object] = [guild_id]
        if where.statuses:
            clauses.append(f"c.status IN ({', '.join('?' for _ in where.statuses)})")
            params.extend(where.statuses)
        if where.rule is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM review_case_rules AS r "
                "WHERE r.case_id = c.case_id AND r.rule = ?)"
            )
            params.append(where.rule)
        for column, value in (("c.channel_id", where.channel_id), ("c.author_id", where.author_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.since is not None:
            clauses.append("c.created_at >= ?")
            params.append(where.since)
        if where.until is not None:
            clauses.append("c.created_at < ?")
            params.append(where.until)
        # Only "?" marks and fixed clauses are interpolated; the values are parameters.
        condition = " WHERE " + " AND ".join(clauses)
        total_row = await self.db.fetchone(
            "SELECT count(*) AS n FROM review_cases AS c" + condition,  # noqa: S608 (marks only)
            tuple(params),
        )
        page_clause, order = "", "DESC"
        page_params: list[object] = []
        if at.before is not None:
            page_clause, page_params = " AND c.case_id < ?", [at.before]
        elif at.after is not None:
            page_clause, page_params, order = " AND c.case_id > ?", [at.after], "ASC"
        columns = ", ".join("c." + name.strip() for name in _CASE_COLUMNS.split(","))
        rows = await self.db.fetchall(
            f"SELECT {columns} FROM review_cases AS c"  # noqa: S608 (fixed column list)
            + condition
            + page_clause
            + f" ORDER BY c.case_id {order} LIMIT ?",
            (*params, *page_params, limit + 1),
        )
        more = len(rows) > limit
        rows = rows[:limit]
        if order == "ASC":
            rows.reverse()
        cases = tuple(_case(r) for r in rows)
        return CasePage(
            cases=cases,
            total=int(total_row["n"]) if total_row else 0,
            newer=more if order == "ASC" else at.before is not None,
            older=more if order == "DESC" else bool(cases),
        )

    async def flags_per_day(self, guild_id: int, since: float) -> list[DayCount]:
        rows = await self.db.fetchall(
            "SELECT date(created_at, 'unixepoch') AS day, count(*) AS n FROM review_cases "
            "WHERE guild_id = ? AND created_at >= ? GROUP BY day ORDER BY day",
            (guild_id, since),
        )
        return [DayCount(str(r["day"]), int(r["n"])) for r in rows]

    async def count_by_status(self, guild_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT status, count(*) AS n FROM review_cases WHERE guild_id = ? GROUP BY status",
            (guild_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    async def cases_with_text(self, guild_id: int, *, limit: int) -> tuple[list[Case], int]:
        """The newest cases that still have their text, and how many have none left."""
        rows = await self.db.fetchall(
            _SELECT_CASE + " WHERE guild_id = ? AND text IS NOT NULL ORDER BY case_id DESC LIMIT ?",
            (guild_id, limit),
        )
        row = await self.db.fetchone(
            "SELECT count(*) AS n FROM review_cases WHERE guild_id = ? AND text IS NULL",
            (guild_id,),
        )
        return [_case(r) for r in rows], int(row["n"]) if row else 0

    # --- decisions (idempotent: the status in the WHERE clause decides who wins) -------------

    async def claim(self, case_id: int, guild_id: int, actor_id: int, now: float) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE review_cases SET status = 'claimed', claimed_by = ?, updated_at = ? "
                "WHERE case_id = ? AND guild_id = ? AND status IN ('pending', 'reopened')",
                (actor_id, now, case_id, guild_id),
            )
            applied = cur.rowcount == 1
            if applied:
                await _audit(conn, case_id, "claimed", actor_id, now)
        return applied

    async def decide(
        self,
        case_id: int,
        guild_id: int,
        status: str,
        actor_id: int,
        now: float,
        decision: Decision | None = None,
    ) -> bool:
        if status not in CLOSED_STATUSES:
            raise ValueError(f"a decision closes a case: {CLOSED_STATUSES}, not {status!r}")
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE review_cases SET status = ?, decided_by = ?, decided_at = ?, "
                "decision_json = ?, closed_at = ?, updated_at = ? "
                "WHERE case_id = ? AND guild_id = ? "
                "AND status IN ('pending', 'claimed', 'reopened')",
                (
                    status,
                    actor_id,
                    now,
                    decision.to_json() if decision else None,
                    now,
                    now,
                    case_id,
                    guild_id,
                ),
            )
            applied = cur.rowcount == 1
            if applied:
                detail: dict[str, object] = {}
                if decision is not None:
                    detail = {
                        "delete_message": decision.delete_message,
                        "timeout_s": decision.timeout_s,
                    }
                await _audit(conn, case_id, status, actor_id, now, detail)
        return applied

    async def appeal(self, case_id: int, author_id: int, note: str, now: float) -> bool:
        """Record the author's note once; a confirmed case is reopened by it."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE review_cases SET appeal_note = ?, appealed_at = ?, updated_at = ?, "
                "status = CASE WHEN status = ? THEN ? ELSE status END, "
                "closed_at = CASE WHEN status = ? THEN NULL ELSE closed_at END "
                "WHERE case_id = ? AND author_id = ? AND appeal_note IS NULL "
                "AND status != ?",
                (note, now, now, CONFIRMED, REOPENED, CONFIRMED, case_id, author_id, DISMISSED),
            )
            applied = cur.rowcount == 1
            if applied:
                await _audit(conn, case_id, "appealed", author_id, now, {"chars": len(note)})
        return applied

    async def record_action(
        self, case_id: int, action: str, actor_id: int | None, now: float, **detail: object
    ) -> None:
        """An audit entry for something done outside the store (message deleted, timeout…)."""
        async with self.db.transaction() as conn:
            await _audit(conn, case_id, action, actor_id, now, dict(detail))

    async def audit(self, case_id: int) -> list[AuditEntry]:
        rows = await self.db.fetchall(
            "SELECT case_id, action, actor_id, at, detail FROM review_audit WHERE case_id = ? "
            "ORDER BY audit_id",
            (case_id,),
        )
        return [
            AuditEntry(r["case_id"], r["action"], r["actor_id"], r["at"], r["detail"]) for r in rows
        ]

    # --- privacy -----------------------------------------------------------------------------

    async def drop_text(self, guild_id: int, message_id: int, now: float) -> Case | None:
        """The author deleted the message: forget its text and the appeal note, keep the rest."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE review_cases SET text = NULL, text_dropped = 'deleted', "
                "message_deleted = 1, updated_at = ? "
                "WHERE guild_id = ? AND message_id = ? AND message_deleted = 0",
                (now, guild_id, message_id),
            )
            if cur.rowcount != 1:
                return None
            async with conn.execute(
                _SELECT_CASE + " WHERE guild_id = ? AND message_id = ?", (guild_id, message_id)
            ) as c:
                row = await c.fetchone()
            assert row is not None
            case = _case(row)
            await _audit(conn, case.case_id, "message_deleted", None, now)
        return case

    async def purge_expired(self, now: float, *, default_retention_days: int) -> list[Case]:
        """Drop the text and appeal note of cases past their guild's retention period.

        Closed cases count from their decision; cases that never alerted (shadow rules only,
        never shown to anyone) count from their creation, so they are not kept forever.
        """
        ids = [
            int(r["case_id"])
            for r in await self.db.fetchall(
                "SELECT c.case_id FROM review_cases AS c "
                "LEFT JOIN guild_settings AS s ON s.guild_id = c.guild_id "
                "WHERE (c.text IS NOT NULL OR c.appeal_note IS NOT NULL) AND ("
                "  (c.status IN ('confirmed', 'dismissed') AND c.closed_at <= "
                "     ? - coalesce(s.retention_days, ?) * ?)"
                "  OR (c.alerted = 0 AND c.created_at <= ? - coalesce(s.retention_days, ?) * ?))",
                (now, default_retention_days, DAY_S, now, default_retention_days, DAY_S),
            )
        ]
        purged: list[Case] = []
        # PURGE_CHUNK cases a transaction: a first purge of months of cases must not hold the
        # database while members write and moderators click. Each case is purged with its
        # audit row in one transaction; a purge cut short is finished by the next run.
        for start in range(0, len(ids), PURGE_CHUNK):
            async with self.db.transaction() as conn:
                for case_id in ids[start : start + PURGE_CHUNK]:
                    cur = await conn.execute(
                        "UPDATE review_cases SET text = NULL, appeal_note = NULL, "
                        "text_dropped = coalesce(text_dropped, 'retention'), updated_at = ? "
                        "WHERE case_id = ? AND (text IS NOT NULL OR appeal_note IS NOT NULL)",
                        (now, case_id),
                    )
                    if cur.rowcount != 1:
                        continue  # purged meanwhile (the message was deleted, say)
                    await _audit(conn, case_id, "text_purged", None, now)
                    case = await _fetch_case(conn, case_id)
                    if case is not None:
                        purged.append(case)
        return purged

    # --- stats -------------------------------------------------------------------------------

    async def rule_stats(self, guild_id: int) -> list[RuleStats]:
        rows = await self.db.fetchall(
            "SELECT r.rule AS rule, count(*) AS cases, "
            "sum(c.status = 'confirmed') AS confirmed, sum(c.status = 'dismissed') AS dismissed, "
            "sum(r.shadow) AS shadow_cases "
            "FROM review_case_rules AS r JOIN review_cases AS c ON c.case_id = r.case_id "
            "WHERE r.guild_id = ? GROUP BY r.rule ORDER BY r.rule",
            (guild_id,),
        )
        return [
            RuleStats(
                rule=r["rule"],
                cases=int(r["cases"]),
                confirmed=int(r["confirmed"] or 0),
                dismissed=int(r["dismissed"] or 0),
                shadow_cases=int(r["shadow_cases"] or 0),
            )
            for r in rows
        ]

    # --- nudges ------------------------------------------------------------------------------

    async def nudges(self, *, since: float) -> dict[tuple[int, int], float]:
        """When each member nudged after `since` was last nudged: the cooldown's memory."""
        rows = await self.db.fetchall(
            "SELECT guild_id, member_id, last_at FROM review_nudges WHERE last_at > ?", (since,)
        )
        return {(r["guild_id"], r["member_id"]): float(r["last_at"]) for r in rows}
