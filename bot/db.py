"""One aiosqlite connection per process: WAL, foreign keys, numbered migrations, transactions."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The numbered `.sql` files shipped in `bot/migrations`, in order, with no gaps."""
    found: list[Migration] = []
    for entry in resources.files("bot.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {migration.name}: expected number {expected:04d}")
    return found


class Database:
    """The bot's SQLite database.

    One connection, shared by every task; an asyncio lock serialises transactions so two
    coroutines never interleave statements of different transactions. Inside `transaction()`
    use the yielded connection; outside, `fetchone`/`fetchall`/`execute` take the lock
    themselves. `close()` is idempotent: discord.py may call `Bot.close()` twice, and an
    unclosed aiosqlite connection keeps the process alive (its thread is not a daemon).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self, *, migrate: bool = True) -> Database:
        if self._conn is not None:
            return self
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        if migrate:
            try:
                await self.migrate()
            except BaseException:
                await self.close()
                raise
        return self

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def user_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> int:
        """Apply every migration newer than `PRAGMA user_version`, each in its own transaction."""
        todo = list(load_migrations() if migrations is None else migrations)
        async with self._lock:
            current = await self.user_version()
            latest = todo[-1].version if todo else 0
            if current > latest:
                raise RuntimeError(
                    f"database {self.path} is at schema version {current}, newer than this "
                    f"code knows ({latest}); upgrade Rete"
                )
            for migration in todo:
                if migration.version <= current:
                    continue
                log.info("applying migration %s", migration.name)
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(migration.sql):
                        await self.conn.execute(statement)
                    # PRAGMA does not take parameters; the version is an int we computed.
                    await self.conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                current = migration.version
            return current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any exception; serialised."""
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def run_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(conn)` as one transaction in the database thread: one hop, not one per statement.

        For hot write paths (a case per flagged message): each `await conn.execute` is a round
        trip to aiosqlite's thread, so a six-statement transaction costs six hops and holds the
        lock across all of them. `fn` gets the plain sqlite3 connection and must not await.
        """

        def in_transaction(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        async with self._lock:
            # aiosqlite runs queued callables in its own thread, in order; `_execute` is how its
            # public methods do it (pinned version, covered by tests/test_db.py).
            raw: sqlite3.Connection = self.conn._conn
            result: T = await self.conn._execute(in_transaction, raw)  # type: ignore[no-untyped-call]
            return result

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the number of rows changed."""
        async with self._lock:
            cur = await self.conn.execute(sql, params)
            count = cur.rowcount
            await cur.close()
            return count

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock, self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock, self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement handles triggers)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        raise RuntimeError(f"incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements
