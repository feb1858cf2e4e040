"""`python -m bot run` as a real process against the fake Discord: start, work, stop, kill -9."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from bot import texts
from tests.e2e.harness import ReteProcess
from tests.fakediscord import FakeDiscord, routes


def guild_names(db_path: Path) -> list[str]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM guilds")]


async def test_process_runs_answers_and_stops_cleanly(
    rete_process: ReteProcess, fake: FakeDiscord
) -> None:
    await rete_process.start()
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    put = await fake.wait_for(*routes.SYNC_GUILD, timeout=10)
    reply = await fake.wait_for(*routes.SEND_MESSAGE, timeout=10)
    assert reply.json["content"] == texts.SYNC_DONE.format(count=len(put.json), scope="guild")
    it = await fake.slash(fake.regular, "help")  # the synced schema is now in the fake
    assert (await it.reply(timeout=10)).ephemeral
    assert await rete_process.terminate() == 0  # SIGTERM: a clean shutdown, nothing hangs
    assert fake.token not in rete_process.logs
    assert guild_names(rete_process.db_path) == [fake.guild.name]


async def test_kill_9_then_restart_on_the_same_database(
    rete_process: ReteProcess, fake: FakeDiscord
) -> None:
    await rete_process.start(wait="connected")
    first_pid = rete_process.pid
    assert await rete_process.kill() == -signal.SIGKILL
    await rete_process.start()
    assert rete_process.pid != first_pid
    assert rete_process.starts == 2
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    assert (await fake.wait_for(*routes.SYNC_GUILD, timeout=10)).status == 200
    identifies = [e for e in fake.gateway.log if e.kind == "IDENTIFY"]
    assert len(identifies) == 2  # a new process starts a new session
    assert await rete_process.terminate() == 0
    assert guild_names(rete_process.db_path) == [fake.guild.name]
