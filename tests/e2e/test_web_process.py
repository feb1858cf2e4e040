"""`rete run` with RETE_WEB_PORT: the bot process serves the dashboard, or says in one line why
it cannot (the port taken), without a traceback."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from tests.e2e.harness import ReteProcess
from tests.fakediscord import FakeDiscord


async def test_the_bot_serves_the_dashboard_when_a_port_is_set(
    rete_process: ReteProcess, fake: FakeDiscord
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rete_process.extra_env.update(RETE_WEB_PORT=str(port))
    await rete_process.start(wait="connected")
    await rete_process.wait_for_line("web dashboard on", timeout=20)
    queue = f"http://127.0.0.1:{port}/g/{fake.guild.id}/queue"
    async with aiohttp.ClientSession() as http, http.get(queue) as response:
        assert str(response.url).endswith("/login")  # not logged in: sent to the login
        assert response.headers["X-Frame-Options"] == "DENY"
    # No client secret: nobody can log in with Discord, and the log says so.
    assert "RETE_WEB_CLIENT_SECRET is not set" in rete_process.logs
    assert await rete_process.terminate() == 0


async def test_a_taken_port_is_one_clear_line(rete_process: ReteProcess, fake: FakeDiscord) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        rete_process.extra_env.update(RETE_WEB_PORT=str(port))
        await rete_process.start(wait=None)
        assert rete_process.process is not None
        code = await asyncio.wait_for(rete_process.process.wait(), 30)
        await rete_process.wait_for_line(f"127.0.0.1:{port}", timeout=10)
    assert code == 1
    assert f"rete: RETE_WEB_HOST/RETE_WEB_PORT 127.0.0.1:{port}:" in rete_process.logs
    assert "Traceback" not in rete_process.logs
