"""The console's /ask: the answer when sure, the likely sources when not, and --explain for
moderators (the same core reply as Discord and the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.config import Settings
from bot.console.app import open_session
from bot.core import Core
from tests.knowledge.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is missing")


async def test_console_ask_answers_suggests_and_explains_to_moderators(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db", knowledge_sources=(CORPUS,)))
    try:
        await core.knowledge.start()
        session = await open_session(core)
        sure = await session.handle("/ask quanto costa il percorso completo?")
        assert sure[0].startswith("[faq-costi-corsi]")
        unsure = await session.handle("/ask come si scrive un buon titolo?")
        assert unsure[0] == texts.KB_UNSURE
        assert 2 <= len(unsure) <= 4
        assert all("https://blog.example.it/" in line for line in unsure[1:])
        # a member's --explain is ignored; a moderator's says why
        asked = "/ask quanto costa il percorso completo? --explain"
        assert not any("Parole della domanda" in line for line in await session.handle(asked))
        await session.handle("/as mod")
        explained = await session.handle(asked)
        assert explained[0].startswith("[faq-costi-corsi]")
        assert any(line.startswith("Parole della domanda trovate") for line in explained)
    finally:
        await core.close()
