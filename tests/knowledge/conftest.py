"""Fixtures for the knowledge base: an empty service, and one with the academy's corpus."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db import Database
from bot.knowledge import KnowledgeService
from bot.knowledge import examples as labelled

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"
DATA = Path(__file__).parent / "data"


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database(tmp_path / "kb.db").open()
    yield database
    await database.close()


@pytest.fixture
async def service(db: Database, clock: Clock) -> AsyncIterator[KnowledgeService]:
    knowledge = KnowledgeService(db, clock=clock)
    await knowledge.refresh()
    yield knowledge
    knowledge.close()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared corpus imported once per run; tests get a copy of the file."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"

    async def build() -> None:
        database = await Database(path).open()
        try:
            await KnowledgeService(database).import_sources([CORPUS])
            await database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await database.close()

    asyncio.run(build())
    return path


def examples_but_ours() -> list[tuple[str, str]]:
    """The shipped labelled questions without our own (tests/knowledge/data/questions.jsonl):
    the tests ask those, and a question must never be its own example."""
    ours = {
        json.loads(line)["text"]
        for line in (DATA / "questions.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    }
    return [pair for pair in labelled.shipped() if pair[0] not in ours]


@pytest.fixture
async def corpus(corpus_db: Path, tmp_path: Path, clock: Clock) -> AsyncIterator[KnowledgeService]:
    copy = tmp_path / "corpus.db"
    shutil.copyfile(corpus_db, copy)
    database = await Database(copy).open()
    knowledge = KnowledgeService(database, clock=clock, examples=examples_but_ours())
    await knowledge.refresh()
    yield knowledge
    knowledge.close()
    await database.close()
