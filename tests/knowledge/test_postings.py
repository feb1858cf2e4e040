"""The index held in memory finds what FTS5 finds: the same units, in the same order, with the
same bm25 floats, in every guild and for either kind, whichever way the store filters."""

from __future__ import annotations

import json

import pytest

from bot.knowledge import KnowledgeService
from bot.knowledge import store as store_module
from bot.knowledge.postings import Postings, varints
from bot.knowledge.ranking import match_expression, resolve
from bot.knowledge.store import FAQ, PASSAGE
from bot.knowledge.text import analyse_query

from .conftest import DATA

GUILDS = (0, 5, 7)
KINDS = (None, FAQ, PASSAGE)


def questions() -> list[str]:
    return [
        json.loads(line)["text"]
        for line in (DATA / "questions.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]


def expressions(service: KnowledgeService, texts: list[str]) -> list[str]:
    stats = service._stats
    assert stats is not None
    found = {match_expression(resolve(analyse_query(t), stats), stats) for t in texts}
    # single stems too, the commonest ones included (their idf is the smallest)
    common = sorted(stats.df, key=lambda s: (-stats.df[s], s))[:15]
    return sorted(e for e in found | {f'"{s}"' for s in common} if e)


async def same_as_fts5(service: KnowledgeService, texts: list[str], limit: int = 30) -> int:
    postings = service._postings
    stats = service._stats
    assert postings is not None
    assert stats is not None
    compared = 0
    for expression in expressions(service, texts):
        for guild in GUILDS:
            for kind in KINDS:
                hidden = stats.hidden((0, guild), kind)
                fts5 = await service.store.search(
                    expression, guild, limit=limit, kind=kind, hidden=hidden
                )
                assert postings.search(expression, guild, limit=limit, kind=kind) == fts5, (
                    expression,
                    guild,
                    kind,
                )
                compared += bool(fts5)
    return compared


async def with_guild_entries(service: KnowledgeService) -> None:
    """Entries of two guilds, two of them worded alike (equal bm25: the unit id decides)."""
    for guild in (5, 7):
        await service.add_faq(guild, "Posso aprire un blog qui?", "Sì, nel canale blog.")
        await service.add_faq(guild, "Posso aprire un blog qui?", "Sì, nel canale blog.")
    await service.add_faq(7, "Quando è la diretta?", "Il martedì sera, sul canale live.")


async def test_the_corpus_searched_in_memory_is_searched_as_fts5(
    corpus: KnowledgeService,
) -> None:
    await with_guild_entries(corpus)
    assert corpus._postings is not None
    assert await same_as_fts5(corpus, [*questions(), "aprire un blog", "diretta"]) > 100


async def test_filtering_in_the_index_finds_the_same(
    corpus: KnowledgeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    await with_guild_entries(corpus)
    monkeypatch.setattr(store_module, "HIDDEN_MAX", 0)  # scope and kind matched in FTS5
    assert await same_as_fts5(corpus, questions()[::3]) > 30


async def test_ties_and_common_words_fall_as_in_sql(service: KnowledgeService) -> None:
    # "blog" in most rows: FTS5 floors its idf; alike entries tie and the unit id decides
    for n in range(6):
        await service.add_faq(0, "Come apro un blog?", "Con un blog gratuito.", key=f"faq-a{n}")
    await service.add_faq(0, "Il podcast", "Un podcast sul blog.", key="faq-p")
    await with_guild_entries(service)
    for limit in (1, 3, 30):
        assert await same_as_fts5(service, ["blog", "apro un blog", "podcast"], limit) > 0


async def test_every_source_has_the_same_units(corpus: KnowledgeService) -> None:
    await with_guild_entries(corpus)
    postings = corpus._postings
    assert postings is not None
    sources: set[str] = set()
    for guild in GUILDS:
        for entry in await corpus.faq_entries(guild):
            sources.add(entry.key)
        for article in await corpus.articles(guild):
            sources.add(f"article:{article.slug}")
    assert len(sources) > 20
    for guild in GUILDS:
        for source in sorted(sources):
            expected = await corpus.store.source_units(guild, source)
            assert postings.source_units(guild, source) == expected


def test_any_other_expression_is_left_to_fts5() -> None:
    postings = Postings([], (3.0, 2.5, 1.0))
    assert postings.search('"blog" AND "podcast"', 0, limit=5) is None
    assert postings.search('"blog" OR "podcast"', 0, limit=5) == []


@pytest.mark.parametrize(
    ("blob", "values"),
    [
        (bytes([0, 5, 127]), [0, 5, 127]),
        (bytes([0x81, 0x00, 3]), [128, 3]),
        (bytes([0xFF, 0x7F]), [16383]),
    ],
)
def test_varints(blob: bytes, values: list[int]) -> None:
    assert list(varints(blob)) == values
