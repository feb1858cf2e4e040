"""`rete web --db PATH`: serves the console's database and prints a one-time login link."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

from tests.web.test_oauth import free_port

ROOT = Path(__file__).resolve().parents[2]


async def test_rete_web_prints_a_one_time_link_that_logs_in_once(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETE_", "DISCORD_"))}
    env.update(RETE_WEB_PORT=str(port), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        "--db",
        str(tmp_path / "console.db"),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        printed = ""
        while "token=" not in printed:
            line = await asyncio.wait_for(process.stdout.readline(), 30)
            assert line, "rete web ended before printing its link"
            printed += line.decode()
        link = re.search(r"http://127\.0\.0\.1:\d+/login/once\?token=\S+", printed)
        assert link, printed
        # A cookie jar that keeps cookies from 127.0.0.1, as browsers do.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(link.group()) as response:
                assert response.status == 200
                assert "console" in await response.text()  # the console's server, listed
            async with http.get(f"http://127.0.0.1:{port}/g/1/queue") as response:
                assert response.status == 200
                assert "Coda di revisione" in await response.text()
        async with aiohttp.ClientSession() as other, other.get(link.group()) as response:
            assert response.status == 403  # the same link, a second time
        secret = tmp_path / "web-secret"
        assert secret.exists()
        assert secret.stat().st_mode & 0o077 == 0  # readable by its owner only
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
