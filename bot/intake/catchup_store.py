"""SQL for catch-up after downtime: channel cursors in bulk and cases recorded but never posted."""

from __future__ import annotations

from collections.abc import Iterable

from bot.db import Database


class CatchUpStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def cursors(self, guild_id: int) -> dict[int, int]:
        """channel id → id of the newest message processed there."""
        rows = await self.db.fetchall(
            "SELECT channel_id, last_message_id FROM channel_cursor WHERE guild_id = ?",
            (guild_id,),
        )
        return {int(r["channel_id"]): int(r["last_message_id"]) for r in rows}

    async def advance(self, positions: Iterable[tuple[int, int, int]]) -> None:
        """Move cursors forward, never back: (guild id, channel id, message id) each."""
        rows = list(positions)
        if not rows:
            return
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO guilds (guild_id) VALUES (?)",
                sorted({(guild_id,) for guild_id, _, _ in rows}),
            )
            await conn.executemany(
                "INSERT INTO channel_cursor (guild_id, channel_id, last_message_id) "
                "VALUES (?, ?, ?) ON CONFLICT(guild_id, channel_id) DO UPDATE SET "
                "last_message_id = max(last_message_id, excluded.last_message_id)",
                rows,
            )

    async def unposted_case_ids(self, guild_id: int, *, since: float, limit: int) -> list[int]:
        """Open cases meant for the review channel that have no post yet, oldest first."""
        rows = await self.db.fetchall(
            "SELECT case_id FROM review_cases WHERE guild_id = ? AND alerted = 1 "
            "AND review_message_id IS NULL AND status IN ('pending', 'claimed', 'reopened') "
            "AND created_at >= ? ORDER BY case_id LIMIT ?",
            (guild_id, since, limit),
        )
        return [int(r["case_id"]) for r in rows]
