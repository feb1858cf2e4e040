"""The searches and answer texts the service keeps per index version change no answer, and a
change to the index (a FAQ entry added, edited or removed) is seen at once."""

from __future__ import annotations

import json

from bot.knowledge import KnowledgeService
from bot.knowledge.service import Lookup

from .conftest import DATA

QUESTIONS = [
    json.loads(line)["text"]
    for line in (DATA / "questions.jsonl").read_text("utf-8").splitlines()
    if line.strip()
][::9]


def seen(found: Lookup) -> tuple[object, ...]:
    """Everything a lookup tells: the answer and its confidence, the sources offered, why, and
    every scored candidate."""
    return (
        found.best,
        found.alternatives,
        found.relevance,
        found.suggestions(),
        found.matched,
        found.missing,
        tuple((s.unit, s.score, s.features) for s in found.pool),
        found.evidence,
    )


async def test_asking_again_answers_the_same(corpus: KnowledgeService) -> None:
    first = [seen(await corpus.lookup(q)) for q in QUESTIONS]
    assert corpus._searches
    assert corpus._texts or corpus._all_texts  # a small index keeps every text
    again = [seen(await corpus.lookup(q)) for q in QUESTIONS]
    assert again == first
    await corpus.refresh()  # a new index version: everything read afresh
    assert not corpus._searches
    assert not corpus._texts
    assert [seen(await corpus.lookup(q)) for q in QUESTIONS] == first


async def test_an_edited_faq_answer_is_shown_at_once(corpus: KnowledgeService) -> None:
    entry = await corpus.add_faq(9, "Dove si parcheggia per il meetup?", "Nel cortile interno.")
    before = await corpus.lookup("dove si parcheggia per il meetup?", 9)
    assert before.best is not None
    assert before.best.text == "Nel cortile interno."
    await corpus.edit_faq(9, entry.key, answer="In via Roma, davanti all'aula.")
    after = await corpus.lookup("dove si parcheggia per il meetup?", 9)
    assert after.best is not None
    assert after.best.source == entry.key
    assert after.best.text == "In via Roma, davanti all'aula."


async def test_a_new_faq_entry_is_found_by_the_same_search(corpus: KnowledgeService) -> None:
    question = "come funziona il parcheggio del meetup?"
    first = await corpus.add_faq(9, "Parcheggio del meetup", "Nel cortile interno.")
    before = await corpus.lookup(question, 9)
    assert first.key in {s.unit.source for s in before.pool}
    # the same words, in an answer only (no question near this one brings it in): the same
    # search, which must not be answered from before the entry
    second = await corpus.add_faq(
        9, "Dove si lascia l'auto?", "Al meetup il parcheggio è nel cortile."
    )
    after = await corpus.lookup(question, 9)
    assert {first.key, second.key} <= {s.unit.source for s in after.pool}
    await corpus.remove_faq(9, second.key)
    gone = await corpus.lookup(question, 9)
    assert second.key not in {s.unit.source for s in gone.pool}
