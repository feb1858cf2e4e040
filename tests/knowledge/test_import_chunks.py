"""A large import is written in chunks (other work gets the database between them); one that
fails midway keeps what was written, says how much, and a second run finishes it."""

from __future__ import annotations

import pytest

from bot.knowledge import KnowledgeService
from bot.knowledge.markup import Passage
from bot.knowledge.models import ArticleDoc, Batch, PartialImportError
from bot.knowledge.store import WRITE_CHUNK


def article(slug: str, url: str | None = None) -> ArticleDoc:
    text = f"Un articolo di prova sul tema {slug}, con abbastanza parole da indicizzare."
    return ArticleDoc(slug=slug, title=f"Titolo {slug}", passages=(Passage(None, text),), url=url)


async def stored_slugs(service: KnowledgeService) -> set[str]:
    return {a.slug for a in await service.articles()}


async def test_a_large_import_lands_whole_in_chunks(service: KnowledgeService) -> None:
    docs = tuple(article(f"pezzo-{i}") for i in range(2 * WRITE_CHUNK + 7))
    report = await service.write(Batch(articles=docs), 0)
    assert report.articles_added == len(docs)
    assert len(report.new_articles) == len(docs)
    assert await stored_slugs(service) == {d.slug for d in docs}
    again = await service.write(Batch(articles=docs), 0)
    assert again.articles_unchanged == len(docs)


async def test_a_failure_in_a_later_chunk_keeps_the_earlier_ones(
    service: KnowledgeService,
) -> None:
    await service.write(
        Batch(articles=(article("a", "https://x.it/a"), article("b", "https://x.it/b"))), 0
    )
    fresh = [article(f"nuovo-{i}") for i in range(WRITE_CHUNK)]
    # Found by its URL as article "a", renamed to "b", which another article holds: UNIQUE.
    clash = article("b", "https://x.it/a")
    with pytest.raises(PartialImportError) as caught:
        await service.write(Batch(articles=(*fresh, clash)), 0)
    assert (caught.value.written, caught.value.total) == (WRITE_CHUNK, WRITE_CHUNK + 1)
    assert {d.slug for d in fresh} <= await stored_slugs(service)
    # The written part is searchable at once (the ranker's statistics were refreshed).
    assert await service.title_choices("nuovo-1") != []
    # Fixed and imported again: the rest lands, what was written is unchanged.
    report = await service.write(Batch(articles=(*fresh, article("c", "https://x.it/c"))), 0)
    assert (report.articles_unchanged, report.articles_added) == (WRITE_CHUNK, 1)


async def test_an_import_of_one_chunk_is_still_all_or_nothing(service: KnowledgeService) -> None:
    await service.write(
        Batch(articles=(article("a", "https://x.it/a"), article("b", "https://x.it/b"))), 0
    )
    before = await stored_slugs(service)
    with pytest.raises(Exception, match="UNIQUE"):
        await service.write(Batch(articles=(article("d"), article("b", "https://x.it/a"))), 0)
    assert await stored_slugs(service) == before
