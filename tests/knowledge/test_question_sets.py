"""Our labelled question sets are sound, and none of ours echoes a writer's question.

The sets written here (tests/knowledge/data/questions*.jsonl) are shipped as near examples and
fitted on, so a wrong label teaches a wrong answer, and one of ours that echoes a question of
another writer's set would lift that set's left-out figure without anything generalising.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.qa_quality import OURS, SETS, WRITTEN, echoes, set_path
from bot.knowledge import ingest
from tests.knowledge.conftest import CORPUS, SHARED

OUR_FILES = [set_path(SHARED, name) for name in OURS if name != "dev"]


def read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_every_set_is_listed_and_ours_are_here() -> None:
    assert set(OURS) <= set(SETS)
    for path in OUR_FILES:
        assert path.is_file(), path


@pytest.mark.parametrize("path", OUR_FILES, ids=lambda p: p.name)
def test_our_labels_name_real_sources_and_quote_them(path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    batch = ingest.load_sources([CORPUS])
    faqs = {faq.source for faq in batch.faqs}
    articles = {f"article:{a.slug}": " ".join(p.text for p in a.passages) for a in batch.articles}
    questions = read(path)
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for q in questions:
        expect = q["expect"]
        assert isinstance(expect, list)
        for source in expect:
            assert source in faqs or source in articles, (q["id"], source)
        passage = q.get("passage")
        if passage:
            bodies = [articles[s] for s in expect if s in articles]
            flat = [re.sub(r"\s+", " ", b) for b in bodies]
            assert any(str(passage) in b for b in flat), (q["id"], passage)


def test_echoes_measures_shared_four_letter_sequences() -> None:
    assert echoes("quanti hashtag metto su instagram?", ["quanti hashtag metto su instagram"])
    assert not echoes("quanti hashtag metto su instagram?", ["come si diventa mentor?"])
    assert not echoes("", ["anything"])


def test_none_of_the_helpers_questions_echoes_a_writers_question() -> None:
    writers = [
        str(q["text"])
        for name in SETS
        if name not in OURS and set_path(SHARED, name).is_file()
        for q in read(set_path(SHARED, name))
    ]
    if not writers:
        pytest.skip(f"the writers' sets are not under {SHARED}")
    written = [str(q["text"]) for name in WRITTEN for q in read(set_path(SHARED, name))]
    assert written
    assert [text for text in written if echoes(text, writers)] == []
