"""The database on a real temporary SQLite file: migrations, transactions, idempotent close."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.db import Database, Migration, _split_sql, load_migrations


async def test_migrations_set_user_version(tmp_path: Path) -> None:
    db = await Database(tmp_path / "r.db").open()
    try:
        assert await db.user_version() == len(load_migrations())
        row = await db.fetchone("PRAGMA journal_mode")
        assert row is not None
        assert row[0] == "wal"
        row = await db.fetchone("PRAGMA foreign_keys")
        assert row is not None
        assert row[0] == 1
    finally:
        await db.close()


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    db = await Database(path).open()
    await db.execute("INSERT INTO guilds (guild_id, name) VALUES (1, 'a')")
    version = await db.user_version()
    await db.close()
    db = await Database(path).open()
    try:
        assert await db.user_version() == version
        assert await db.migrate() == version
        rows = await db.fetchall("SELECT guild_id FROM guilds")
        assert [r["guild_id"] for r in rows] == [1]
    finally:
        await db.close()


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute("INSERT INTO guild_settings (guild_id) VALUES (999)")


async def test_close_is_idempotent(tmp_path: Path) -> None:
    db = await Database(tmp_path / "r.db").open()
    await db.close()
    await db.close()
    assert not db.is_open
    with pytest.raises(RuntimeError):
        _ = db.conn


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:

        async def failing() -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO guilds (guild_id) VALUES (5)")
                raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            await failing()
        assert await db.fetchall("SELECT * FROM guilds") == []


async def test_concurrent_transactions_do_not_interleave(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:

        async def add(i: int) -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO guilds (guild_id) VALUES (?)", (i,))
                await asyncio.sleep(0)
                await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (i,))

        await asyncio.gather(*(add(i) for i in range(1, 21)))
        row = await db.fetchone("SELECT count(*) FROM guild_settings")
        assert row is not None
        assert row[0] == 20


async def test_failed_migration_leaves_version_and_schema_unchanged(tmp_path: Path) -> None:
    db = await Database(tmp_path / "r.db").open(migrate=False)
    try:
        good = Migration(1, "0001_a.sql", "CREATE TABLE a (x INTEGER);")
        bad = Migration(2, "0002_b.sql", "CREATE TABLE b (x INTEGER);\nNOT SQL;")
        with pytest.raises(sqlite3.OperationalError):
            await db.migrate([good, bad])
        assert await db.user_version() == 1
        assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'b'") is None
    finally:
        await db.close()


async def test_newer_database_than_code_is_refused(tmp_path: Path) -> None:
    db = await Database(tmp_path / "r.db").open()
    await db.execute("PRAGMA user_version = 999")
    await db.close()
    with pytest.raises(RuntimeError, match="newer"):
        await Database(tmp_path / "r.db").open()


def test_migration_files_are_numbered_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))


def test_split_sql_keeps_triggers_whole() -> None:
    script = (
        "CREATE TABLE t (x INTEGER);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET x = x + 1;\n"
        "END;\n"
        "-- trailing comment\n"
    )
    statements = _split_sql(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER")


async def test_run_sync_is_one_transaction(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:

        def add(conn: sqlite3.Connection) -> int:
            conn.execute("INSERT INTO guilds (guild_id) VALUES (7)")
            return int(conn.execute("INSERT INTO guild_settings (guild_id) VALUES (7)").rowcount)

        assert await db.run_sync(add) == 1

        def fail(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO guilds (guild_id) VALUES (8)")
            raise ValueError("boom")

        with pytest.raises(ValueError, match="boom"):
            await db.run_sync(fail)
        rows = await db.fetchall("SELECT guild_id FROM guilds ORDER BY guild_id")
        assert [r["guild_id"] for r in rows] == [7]  # 8 rolled back, 7 kept


async def test_run_sync_and_transactions_do_not_interleave(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:

        def add(i: int) -> Callable[[sqlite3.Connection], None]:
            def go(conn: sqlite3.Connection) -> None:
                conn.execute("INSERT INTO guilds (guild_id) VALUES (?)", (i,))
                conn.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (i,))

            return go

        async def add_async(i: int) -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO guilds (guild_id) VALUES (?)", (i,))
                await asyncio.sleep(0)
                await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (i,))

        await asyncio.gather(
            *(db.run_sync(add(i)) for i in range(1, 11)), *(add_async(i) for i in range(11, 21))
        )
        row = await db.fetchone("SELECT count(*) FROM guild_settings")
        assert row is not None
        assert row[0] == 20
