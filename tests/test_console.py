"""The offline console runs on the same core, with no token and no network."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.console import open_session, run_console
from bot.core import Core

ROOT = Path(__file__).resolve().parents[1]


async def test_help_lists_commands(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    try:
        session = await open_session(core)
        out = "\n".join(await session.handle("/help"))
        assert "/help" in out
        assert "/as" in out
        unknown = await session.handle("/nonexistent")
        assert "sconosciuto" in unknown[0]
    finally:
        await core.close()


async def test_role_and_channel_switch(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    try:
        session = await open_session(core)
        assert not session.is_moderator
        await session.handle("/as mod")
        assert session.is_moderator
        await session.handle("/channel #domande")
        assert session.channel == "domande"
        assert "Canali" in (await session.handle("/channel nowhere"))[0]
    finally:
        await core.close()


async def test_run_console_reads_until_eof(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    out = io.StringIO()
    try:
        assert await run_console(core, io.StringIO("/help\n"), out) == 0
    finally:
        await core.close()
    assert "Comandi:" in out.getvalue()


def run_rete(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RETE_"))}
    env["RETE_DB"] = str(tmp_path / "cli.db")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env there
        env=env,
        timeout=60,
        check=False,
    )


def test_rete_help_lists_commands(tmp_path: Path) -> None:
    result = run_rete(["--help"], "", tmp_path)
    assert result.returncode == 0
    for command in ("run", "console"):
        assert command in result.stdout


def test_plain_rete_without_token_starts_the_console(tmp_path: Path) -> None:
    result = run_rete([], "/help\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN" in result.stderr  # the one-line hint on how to connect
    assert "Comandi:" in result.stdout
    assert (tmp_path / "cli.db").exists()


def test_run_without_token_is_a_clear_error(tmp_path: Path) -> None:
    result = run_rete(["run"], "", tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr


def test_invalid_settings_are_reported_together(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text("RETE_LOG_LEVEL=LOUD\nRETE_DEV_GUILD_ID=abc\n")
    result = run_rete(["--env-file", str(env_file), "console"], "", tmp_path)
    assert result.returncode == 2
    assert "RETE_LOG_LEVEL" in result.stderr
    assert "RETE_DEV_GUILD_ID" in result.stderr
