"""`/faq export` says what it exports (the server's own entries or all it sees) and offers both."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.console.app import LOCAL_GUILD_ID, open_session
from bot.core import Core
from bot.knowledge import SHARED_GUILD

SHARED_FAQ = """
- id: costo
  question: Quanto costa il percorso completo?
  answer: Il percorso completo costa quanto scritto nella pagina dei prezzi.
- id: orari
  question: A che ora sono le dirette?
  answer: Le dirette sono il martedì alle 18.
"""


async def test_faq_export_own_and_all(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "faq.db"))
    try:
        await core.knowledge.import_file("shared.yaml", SHARED_FAQ.encode(), SHARED_GUILD)
        session = await open_session(core)
        await session.handle("/as mod")
        await session.handle("/faq add Come si usa il canale domande? || Scrivi la domanda lì.")

        own = await session.handle("/faq export")
        assert own[0].startswith("# ")
        assert "proprie di questo server: 1" in own[0]
        assert "2 FAQ condivise" in own[0]  # what is left out, and how to get it
        assert "tutte" in own[0]
        own_data = yaml.safe_load("\n".join(own))
        assert [e["question"] for e in own_data] == ["Come si usa il canale domande?"]

        everything = await session.handle("/faq export tutte")
        assert "3 (1 proprie, 2 condivise" in everything[0]
        all_data = yaml.safe_load("\n".join(everything))
        assert {e["id"] for e in all_data} >= {"costo", "orari"}
        assert len(all_data) == 3

        assert "Uso:" in (await session.handle("/faq export boh"))[0]
        assert session.guild_id == LOCAL_GUILD_ID
    finally:
        await core.close()


async def test_sources_imported_at_start_log_one_summary_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "faq.yaml").write_text(SHARED_FAQ)
    for n in range(3):
        (corpus / f"a{n}.md").write_text(f"---\ntitle: Articolo {n}\n---\n\nTesto {n}.\n")
    settings = Settings(db_path=tmp_path / "start.db", knowledge_sources=(corpus,))
    for run, expected in ((1, "articles 3 added"), (2, "articles 0 added, 0 updated, 3 unchanged")):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="bot.knowledge"):
            core = await Core.open(settings)
            await core.close()
        lines = [r.getMessage() for r in caplog.records if "knowledge sources" in r.getMessage()]
        assert len(lines) == 1, (run, lines)
        assert expected in lines[0]
        assert "FAQ 2 added" in lines[0] if run == 1 else "FAQ 0 added" in lines[0]
        per_file = [
            r
            for r in caplog.records
            if r.name.startswith("bot.knowledge") and "a1" in r.getMessage()
        ]
        assert per_file == []
