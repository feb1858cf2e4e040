"""SQL for the dashboard's logouts (migration 0008): a session cookie is signed and carries when it
was issued, so ending sessions needs only the last time each person logged out."""

from __future__ import annotations

from bot.db import Database


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def end_all(self, user_id: int, at: float) -> None:
        """Every session of this person issued before `at` is over, whichever browser holds it."""
        await self.db.execute(
            "INSERT INTO web_logouts (user_id, at) VALUES (?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET at = max(at, excluded.at)",
            (user_id, at),
        )

    async def ended_before(self, user_id: int) -> float | None:
        """Sessions of this person issued before this moment are over (None: never logged out)."""
        row = await self.db.fetchone("SELECT at FROM web_logouts WHERE user_id = ?", (user_id,))
        return None if row is None else float(row["at"])
