"""The offline console runs on the same core, with no token and no network."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.console.app import open_session, run_console
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
    env["RETE_LANG"] = "it"  # whatever the machine's LANG
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


# --- message ids: unique across sessions on one database ------------------------------------

FLAGGED = (
    "mi fai il logo gratis? non ho budget",
    "mi scrivi un articolo gratis per il mio blog? non posso pagare",
    "potresti farmi il sito gratis per favore? non ho soldi",
)


def test_three_sessions_on_one_database_open_three_cases(tmp_path: Path) -> None:
    """Each session writes one different flagged request; none is lost or overwritten."""
    for text in FLAGGED:
        session = run_rete(
            ["console"],
            f"/as mod\n/setup review-channel moderazione\n/as member\n{text}\n",
            tmp_path,
        )
        assert session.returncode == 0, session.stderr
        assert "Caso #" in session.stdout, session.stdout
    result = run_rete(
        ["console"],
        "/as mod\n/review pending\n/review case 1\n/review case 2\n/review case 3\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Casi da rivedere: 3" in out
    pending = out.split("Casi da rivedere: 3", 1)[1].split("Caso #1", 1)[0]
    for case_id, text in enumerate(FLAGGED, start=1):
        assert f"#{case_id} ·" in pending
        assert f"«{text}»" in pending
        shown = out.split(f"Caso #{case_id} ·", 1)[1].split("Stato:", 1)[0]
        # The case's text is its own request (highlighted with ** around matched words).
        assert shown.replace("**", "").count(text) == 1, shown


def test_message_ids_grow_even_when_the_clock_goes_back() -> None:
    from bot.console.app import MessageIds, snowflake

    now = [1_800_000_000.0]
    ids = MessageIds(floor=0, clock=lambda: now[0])
    first = ids.next()
    assert first >= snowflake(now[0])
    now[0] -= 3600  # the clock is set back an hour
    second = ids.next()
    third = ids.next()
    assert first < second < third
    # A new session after the clock went back starts above what the database holds.
    later = MessageIds(floor=third, clock=lambda: now[0] - 86_400)
    assert later.next() > third


async def test_a_new_message_is_never_taken_for_an_edit(tmp_path: Path) -> None:
    """Two sessions on one database: the second's first message opens its own case."""
    settings = Settings(db_path=tmp_path / "c.db")
    texts_by_session = FLAGGED[:2]
    for text in texts_by_session:
        core = await Core.open(settings)
        try:
            session = await open_session(core)
            await session.handle("/as mod")
            await session.handle("/setup review-channel moderazione")
            await session.handle("/as member")
            out = await session.handle(text)
            assert any("Caso #" in line for line in out), out
        finally:
            await core.close()
    core = await Core.open(settings)
    try:
        cases = await core.review.pending(1)
        assert sorted(c.text or "" for c in cases) == sorted(texts_by_session)
    finally:
        await core.close()


# --- commands as people type them ------------------------------------------------------------


async def test_commands_ignore_case_and_bare_groups_list_their_subcommands(
    tmp_path: Path,
) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    try:
        session = await open_session(core)
        assert (await session.handle("/HELP"))[0] == (await session.handle("/help"))[0]
        await session.handle("/As MOD")
        assert session.is_moderator
        pending = await session.handle("/Review PENDING")
        assert "sconosciuto" not in pending[0]
        for group in ("review", "knowledge", "policy", "faq"):
            out = await session.handle(f"/{group}")
            assert out[0] == f"Comandi di /{group}:", out
            listed = [line.split()[0] for line in out[1:]]
            expected = ["/" + name.split()[0] for name in session.registry.commands]
            assert listed
            assert all(item == f"/{group}" for item in listed), listed
            assert len(listed) == sum(
                1 for name in session.registry.commands if name.startswith(group + " ")
            )
            assert f"/{group}" in expected
        assert "sconosciuto" in (await session.handle("/nessuno"))[0]
    finally:
        await core.close()


async def test_quit_and_exit_end_the_console(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    try:
        for word in ("/quit", "/exit", "/QUIT"):
            out = io.StringIO()
            # Lines after /quit are never read.
            code = await run_console(core, io.StringIO(f"{word}\n/help\n"), out)
            assert code == 0
            assert "Ciao!" in out.getvalue()
            assert "Comandi:" not in out.getvalue()
    finally:
        await core.close()


async def test_the_answer_cooldown_is_said_when_it_applies(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    faq = (
        "- id: dirette\n"
        "  question: A che ora sono le dirette del martedì?\n"
        "  answer: Le dirette del martedì iniziano alle 18 sul canale YouTube.\n"
    )
    try:
        await core.knowledge.import_file("faq.yaml", faq.encode(), 0)
        session = await open_session(core)
        await session.handle("/as mod")
        await session.handle("/channel domande")
        on = "\n".join(await session.handle("/answers on"))
        assert "2 minuti" in on  # the cooldown is documented where answers are switched on
        await session.handle("/as member")
        first = "\n".join(await session.handle("A che ora sono le dirette del martedì?"))
        assert "18" in first
        assert "Nessuna risposta automatica" not in first
        second = "\n".join(await session.handle("A che ora sono le dirette del martedì?"))
        assert "Nessuna risposta automatica" in second
        assert "120 s" in second
        assert "/ask" in second
        # Not a question: nothing to say about the cooldown.
        plain = "\n".join(await session.handle("grazie a tutti"))
        assert "Nessuna risposta automatica" not in plain
    finally:
        await core.close()
