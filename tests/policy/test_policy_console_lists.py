"""The console's /policy history (names, local time) and /policy allow (a phrase a line, pages)."""

from __future__ import annotations

import time

import pytest

from bot.console.app import open_session
from bot.core import Core

GUILD = 1


async def test_history_names_who_and_shows_local_time(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30: a UTC time would show up as different
    time.tzset()
    try:
        session = await open_session(core)
        await session.handle("/as mod")
        await session.handle("/policy threshold 1.5")
        changes = await core.policy.history(GUILD)
        out = await session.handle("/policy history")
        latest = time.strftime("%d/%m/%Y %H:%M", time.localtime(changes[0].timestamp))
        assert out[1].startswith(f"  v{changes[0].version} {latest} da @moderatrice:"), out
        assert "da Rete:" in out[-1]  # the seed, by the bot itself
        assert changes[0].at[11:16] not in out[1]  # not the UTC clock time
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


async def test_allow_lists_a_phrase_a_line_in_pages(core: Core) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    spec = core.policy.spec(GUILD)
    assert spec is not None
    phrases = list(spec.allow)
    assert len(phrases) > 30  # the default policy's allow-list needs several pages
    seen: list[str] = []
    page = 1
    while True:
        out = await session.handle("/policy allow" if page == 1 else f"/policy allow pagina {page}")
        assert f"pagina {page} di" in out[0]
        body = [line for line in out[1:] if line.startswith("  • ")]
        assert 0 < len(body) <= 15
        seen += [line[4:] for line in body]
        if not out[-1].startswith("Altre frasi"):
            break
        assert out[-1].endswith(f"pagina {page + 1}")
        page += 1
    assert seen == phrases
    assert "Uso:" in (await session.handle("/policy allow pagina zero"))[0]
