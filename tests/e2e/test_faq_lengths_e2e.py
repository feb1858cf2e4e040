"""FAQ entries always fit the /faq edit form: /faq import refuses longer ones (naming the entry
and the field, importing nothing), and an over-long entry stored by an older Rete is refused
clearly by /faq edit instead of a form Discord rejects. The fake Discord refuses a modal whose
pre-filled value is longer than its input's max_length (50035), as Discord does."""

from __future__ import annotations

import asyncio

import pytest

from bot import texts
from bot.knowledge.models import (
    FAQ_ANSWER_MAX,
    FAQ_QUESTION_MAX,
    FAQ_VARIANTS_MAX,
    Batch,
    FaqDoc,
)
from tests.e2e.harness import ReteHarness
from tests.fakediscord import FakeDiscord
from tests.fakediscord import rules as discord_rules
from tests.reliability.helpers import dump

GOOD = "- id: faq-orari\n  question: A che ora apre la segreteria?\n  answer: Alle nove.\n"


def faq_file(field: str, length: int) -> bytes:
    """Two entries; the second one's `field` has `length` characters."""
    long_entry = {
        "question": "Come si prenota l'aula studio?",
        "answer": "Dal modulo sul sito, entro il giorno prima.",
        "variants": None,
    }
    if field == "variants":  # short lines, too many of them for the form's one input
        count = length // 40 + 1
        lines = "".join(
            f"\n    - prenotazione aula studio, gruppo numero {i:04d}" for i in range(count)
        )
        variants = "\n  variants:" + lines
    else:
        long_entry[field] = "parola " * (length // 7 + 1)
        variants = ""
    return (
        GOOD
        + f"- id: faq-aula\n  question: {long_entry['question']!s}\n"
        + f"  answer: {long_entry['answer']!s}{variants}\n"
    ).encode()


def _timer_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if "timeout_task" in repr(t.get_coro())]


async def test_the_fake_refuses_a_prefilled_value_longer_than_max_length() -> None:
    modal = {
        "title": "Modifica FAQ",
        "custom_id": "m",
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 4, "custom_id": "q", "label": "Domanda", "max_length": 300},
                ],
            }
        ],
    }
    assert discord_rules.check_modal(modal) == []
    modal["components"][0]["components"][0]["value"] = "x" * 301
    (problem,) = discord_rules.check_modal(modal)
    assert problem.code == "BASE_TYPE_MAX_LENGTH"


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("answer", FAQ_ANSWER_MAX + 500),
        ("question", FAQ_QUESTION_MAX + 50),
        ("variants", FAQ_VARIANTS_MAX + 100),
    ],
)
async def test_faq_import_refuses_an_entry_the_form_cannot_hold(
    rete: ReteHarness, fake: FakeDiscord, field: str, length: int
) -> None:
    # A first command sets the guild up (its default policy is seeded): then take the dump.
    await (await fake.slash(fake.moderator, "faq", subcommand="list")).reply()
    before = dump(rete.db_path)
    it = await fake.slash(
        fake.moderator,
        "faq",
        {"file": fake.upload("faq.yaml", faq_file(field, length))},
        subcommand="import",
    )
    said = (await it.reply()).content
    assert "faq-aula" in said
    assert f"'{field}'" in said
    assert dump(rete.db_path) == before  # all or nothing: faq-orari is not imported either
    assert await rete.core.knowledge.faq_entries(fake.guild.id, include_shared=False) == []


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [
        ("Come si prenota l'aula studio?", "Prima riga. " * 375, "answer"),  # 4,500
        ("Come si prenota l'aula studio? " * 12, "Dal modulo sul sito.", "question"),
    ],
)
async def test_faq_edit_of_an_over_long_legacy_entry_refuses_clearly(
    rete: ReteHarness, fake: FakeDiscord, question: str, answer: str, field: str
) -> None:
    # Stored by a Rete that did not check lengths on import.
    legacy = FaqDoc("faq-aula", question.strip(), answer.strip(), origin="vecchio.yaml")
    await rete.core.knowledge.write(Batch(faqs=(legacy,)), fake.guild.id)

    it = await fake.slash(fake.moderator, "faq", {"key": "faq-aula"}, subcommand="edit")
    said = await it.reply()
    assert said.ephemeral
    assert said.content == texts.KB_FAQ_TOO_LONG_TO_EDIT.format(
        key="faq-aula",
        field=field,
        length=len(question.strip() if field == "question" else answer.strip()),
        most=FAQ_QUESTION_MAX if field == "question" else FAQ_ANSWER_MAX,
    )
    assert it.modal_data is None
    assert _timer_tasks() == []
    entry = await rete.core.knowledge.faq_entry(fake.guild.id, "faq-aula")
    assert entry is not None
    assert entry.answer == legacy.answer  # nothing was cut


async def test_faq_edit_of_an_entry_that_fits_opens_the_form(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    entry = FaqDoc("faq-aula", "Come si prenota l'aula studio?", "x" * FAQ_ANSWER_MAX)
    await rete.core.knowledge.write(Batch(faqs=(entry,)), fake.guild.id)
    it = await fake.slash(fake.moderator, "faq", {"key": "faq-aula"}, subcommand="edit")
    modal = await it.modal()
    values = {
        c["custom_id"]: c.get("value") for row in modal["components"] for c in row["components"]
    }
    assert values["answer"] == entry.answer
