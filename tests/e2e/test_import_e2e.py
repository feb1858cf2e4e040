"""A large knowledge import does not hold the database: a moderator's click during it is
answered while the import is still writing, within Discord's 3 seconds (the fake refuses a
later first answer with 10062)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.knowledge.markup import Passage
from bot.knowledge.models import ArticleDoc, Batch
from bot.knowledge.store import WRITE_CHUNK
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import flagged_case, stored_case
from tests.fakediscord import FakeDiscord

CHUNKS = 20


def articles(count: int) -> tuple[ArticleDoc, ...]:
    return tuple(
        ArticleDoc(
            slug=f"articolo-{i}",
            title=f"Articolo {i} sul piano editoriale",
            passages=(
                Passage(None, f"Il piano editoriale numero {i} prevede tre uscite a settimana."),
                Passage("Strumenti", f"Per il piano {i} bastano un foglio condiviso e costanza."),
            ),
            url=f"https://blog.example.it/articoli/{i}/",
        )
        for i in range(count)
    )


def committed_articles(db_path: Path) -> int:
    """Read on a connection of its own: sees only what an import has committed."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM kb_articles").fetchone()
    return int(count)


async def test_a_click_is_answered_while_a_large_import_writes(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    _, review_id, case_id = await flagged_case(fake)
    docs = articles(CHUNKS * WRITE_CHUNK)
    importing = asyncio.ensure_future(rete.core.knowledge.write(Batch(articles=docs), 0))
    # Once the first chunk is committed the import is mid-way: the click comes now.
    await eventually(lambda: committed_articles(rete.db_path) > 0, timeout=30)
    click = await fake.click(fake.moderator, review_id, f"rete:review:claim:{case_id}")
    await click.response(timeout=30)
    assert not importing.done(), "the click waited for the whole import"
    assert (await stored_case(rete, fake, case_id)).status == "claimed"
    report = await importing
    assert report.articles_added == len(docs)
    assert committed_articles(rete.db_path) == len(docs)
