"""The console's knowledge flows that Discord has: /faq edit, /articles sync|feed|unfeed,
/answers with a channel by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.console.app import CHANNELS, open_session
from bot.core import Core
from tests.knowledge.test_feeds_cli import Feed


@pytest.fixture
def feed() -> Iterator[Feed]:
    server = Feed()
    yield server
    server.close()


async def test_faq_edit_answers_channel_and_feeds(tmp_path: Path, feed: Feed) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "k.db"))
    try:
        session = await open_session(core)
        await session.handle("/as mod")
        added = await session.handle("/faq add Dove si trovano le slide? || Nel canale risorse.")
        key = added[0].split("**")[1]
        edited = await session.handle(f"/faq edit {key} || Nella cartella condivisa del corso.")
        assert "aggiornata" in edited[0], edited
        entry = await core.knowledge.faq_entry(1, key)
        assert entry is not None
        assert entry.question == "Dove si trovano le slide?"
        assert entry.answer == "Nella cartella condivisa del corso."
        assert "Uso:" in (await session.handle(f"/faq edit {key}"))[0]
        unknown = await session.handle("/faq edit nessuna || x")
        assert "nessuna" in unknown[0]

        out = await session.handle("/answers on #domande")
        assert "#domande" in out[0]
        assert CHANNELS["domande"] in await core.knowledge.answer_channels(1)
        assert session.channel == "generale"  # the current channel is unchanged
        assert "Canali" in (await session.handle("/answers on altrove"))[0]

        assert "RETE_KNOWLEDGE_SOURCES" in (await session.handle("/articles sync"))[0]
        followed = await session.handle(f"/articles feed {feed.url} domande")
        assert "#domande" in followed[0], followed
        assert await core.knowledge.store.article_count(1) > 0
        assert "iniziare con http" in (await session.handle("/articles feed ftp://x"))[0]
        assert "Non seguo più" in (await session.handle(f"/articles unfeed {feed.url}"))[0]
        assert "Non seguivo" in (await session.handle(f"/articles unfeed {feed.url}"))[0]
        group = await session.handle("/articles")
        assert group[0] == "Comandi di /articles:"
        assert len(group) == 4
    finally:
        await core.close()
