"""Importing into the database: in place on re-import, all or nothing, keyed by guild."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db import Database
from bot.knowledge import KnowledgeImportError, KnowledgeService
from tests.knowledge.test_ingest import ARTICLE, FAQ, RSS, WXR, write


async def counts(db: Database) -> dict[str, int]:
    out = {}
    for table in ("kb_articles", "kb_faq", "kb_units", "kb_fts"):
        row = await db.fetchone(f"SELECT count(*) AS n FROM {table}")
        assert row is not None
        out[table] = int(row["n"])
    return out


async def article_id(db: Database, slug: str) -> int:
    row = await db.fetchone("SELECT article_id FROM kb_articles WHERE slug = ?", (slug,))
    assert row is not None
    return int(row["article_id"])


async def test_import_then_reimport_unchanged(service: KnowledgeService, tmp_path: Path) -> None:
    write(tmp_path, "a.md", ARTICLE)
    write(tmp_path, "faq.yaml", FAQ)
    first = await service.import_sources([tmp_path])
    assert (first.articles_added, first.faqs_added) == (1, 2)
    before = await counts(service.store.db)
    again = await service.import_sources([tmp_path])
    assert (again.articles_unchanged, again.faqs_unchanged, again.changed) == (1, 2, False)
    assert await counts(service.store.db) == before
    assert before["kb_units"] == before["kb_fts"]


async def test_reimport_updates_in_place(service: KnowledgeService, tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", ARTICLE)
    await service.import_sources([path])
    original = await article_id(service.store.db, "scrivere-titoli")
    write(tmp_path, "a.md", ARTICLE.replace("Sotto i 60 caratteri", "Sotto i 55 caratteri"))
    report = await service.import_sources([path])
    assert report.articles_updated == 1
    assert await article_id(service.store.db, "scrivere-titoli") == original
    excerpt = await service.excerpt("quanti caratteri il titolo", "scrivere-titoli")
    assert excerpt is not None
    assert "55 caratteri" in excerpt.text
    c = await counts(service.store.db)
    assert c["kb_units"] == c["kb_fts"]  # old passages left the index


async def test_reimport_by_url_renames_the_slug(service: KnowledgeService, tmp_path: Path) -> None:
    await service.import_sources([write(tmp_path, "a.md", ARTICLE)])
    original = await article_id(service.store.db, "scrivere-titoli")
    renamed = ARTICLE.replace('slug: "scrivere-titoli"', 'slug: "titoli-che-funzionano"')
    report = await service.import_sources([write(tmp_path, "a.md", renamed)])
    assert (report.articles_added, report.articles_updated) == (0, 1)
    assert await article_id(service.store.db, "titoli-che-funzionano") == original
    answer = await service.excerpt("formule titoli domanda")
    assert answer is not None
    assert answer.source == "article:titoli-che-funzionano"


async def test_feed_reimport_by_guid(service: KnowledgeService, tmp_path: Path) -> None:
    await service.import_sources([write(tmp_path, "feed.rss", RSS)])
    original = await article_id(service.store.db, "calendario-5-passi")
    moved = RSS.replace("calendario-5-passi/", "calendario-editoriale/").replace(
        "Poi si scelgono", "Poi si decidono"
    )
    report = await service.import_sources([write(tmp_path, "feed.rss", moved)])
    assert report.articles_updated == 1
    assert await article_id(service.store.db, "calendario-editoriale") == original


@pytest.mark.parametrize(
    "broken",
    [
        ("z.md", "---\ntitle: senza chiusura\n"),
        ("zz.yaml", "- id: x\n  question: solo domanda?\n"),
        ("zzz.rss", "<rss><channel><item><title>x</item></channel></rss>"),
    ],
)
async def test_a_bad_file_leaves_the_database_unchanged(
    service: KnowledgeService, tmp_path: Path, broken: tuple[str, str]
) -> None:
    await service.import_sources([write(tmp_path / "ok", "a.md", ARTICLE)])
    before = await counts(service.store.db)
    folder = tmp_path / "batch"
    write(folder, "faq.yaml", FAQ)  # valid, and read before the broken file
    write(folder, "b.xml", WXR)
    write(folder, *broken)
    with pytest.raises(KnowledgeImportError) as caught:
        await service.import_sources([folder])
    assert broken[0] in str(caught.value)
    assert await counts(service.store.db) == before


async def test_a_failing_write_rolls_back_the_whole_import(
    service: KnowledgeService, tmp_path: Path
) -> None:
    """Two sources that each parse, but collide in the database (same URL, other slug)."""
    await service.import_sources([write(tmp_path, "one/a.md", ARTICLE)])
    other = ARTICLE.replace('slug: "scrivere-titoli"', 'slug: "altro"').replace(
        "https://blog.example.it/scrivere-titoli/", "https://blog.example.it/altro/"
    )
    await service.import_sources([write(tmp_path, "two/b.md", other)])
    before = await counts(service.store.db)
    clash = other.replace(
        "https://blog.example.it/altro/", "https://blog.example.it/scrivere-titoli/"
    )
    with pytest.raises(Exception, match="UNIQUE"):
        await service.import_sources(
            [write(tmp_path, "three/faq.yaml", FAQ), write(tmp_path, "three/b.md", clash)]
        )
    assert await counts(service.store.db) == before


async def test_guild_knowledge_is_seen_in_that_guild_only(
    service: KnowledgeService, tmp_path: Path
) -> None:
    await service.import_sources([write(tmp_path, "a.md", ARTICLE)])  # guild 0: shared
    await service.add_faq(5, "Dove si parcheggia per il meetup?", "Nel cortile interno.")
    shared = await service.ask("quanti caratteri deve avere un titolo?", 7)
    assert shared is not None
    assert shared.source == "article:scrivere-titoli"
    own = await service.ask("dove posso parcheggiare per il meetup?", 5)
    assert own is not None
    assert own.source.startswith("faq-dove-si-parcheggia")
    assert await service.ask("dove posso parcheggiare per il meetup?", 7) is None
    assert [e.key for e in await service.faq_entries(7)] == []


async def test_every_knowledge_table_has_a_guild_column(db: Database) -> None:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kb\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'kb\\_fts\\_%' ESCAPE '\\' AND name != 'kb_vocab'"
    )
    tables = [r["name"] for r in rows]
    assert {"kb_articles", "kb_faq", "kb_units", "kb_fts", "kb_feedback", "kb_feeds"} <= set(tables)
    for table in tables:
        columns = await db.fetchall(f"PRAGMA table_info({table})")
        assert "guild_id" in {c["name"] for c in columns}, table
