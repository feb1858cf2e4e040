"""Learning from use end to end, through the real bot and the fake Discord: a question Rete
abstains on reaches the moderators' /faq unanswered, is attached to a FAQ entry and answered
from then on; 👍/👎 under answers (also after a restart) feed the same list."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.knowledge.learning import PAGE_SIZE
from tests.e2e.harness import ReteHarness, eventually
from tests.fakediscord import FakeDiscord
from tests.reliability.helpers import dump

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is missing")

UNANSWERED = "chi porta le bibite al pranzo sociale di domenica?"  # nothing in the corpus says
EVENTS = "faq-eventi-dal-vivo"
PRICES = "quanto costa il percorso completo?"
DERBY = "chi ha vinto ieri sera il derby?"


@pytest.fixture
def rete_settings() -> dict[str, Any]:
    return {"knowledge_sources": (CORPUS,)}


def vote_ids(message: Any) -> dict[str, str]:
    """ "up"/"dn" → the custom_id of the answer's vote button."""
    found = {}
    for custom_id in message.custom_ids():
        match = re.fullmatch(r"rete:vote:(up|dn):[0-9]+", custom_id)
        if match:
            found[match.group(1)] = custom_id
    return found


async def unanswered(fake: FakeDiscord, page: int | None = None) -> str:
    options = {"page": page} if page else {}
    it = await fake.slash(fake.moderator, "faq", options, subcommand="unanswered")
    reply = await it.reply()
    assert reply.ephemeral
    (embed,) = reply.embeds
    return str(embed["description"])


def item_number(listing: str, question: str) -> int:
    for block in listing.split("\n\n"):
        if question in block:
            found = re.match(r"\*\*#(\d+)\*\*", block)
            assert found is not None
            return int(found.group(1))
    raise AssertionError(f"not listed: {question}")


async def test_abstained_then_attached_then_answered(rete: ReteHarness, fake: FakeDiscord) -> None:
    asked = await (await fake.slash(fake.regular, "ask", {"question": UNANSWERED})).reply()
    assert asked.ephemeral
    assert asked.content.startswith("Non lo so")

    listing = await unanswered(fake)
    assert UNANSWERED in listing
    assert f"<#{fake.channel('generale').id}>" in listing
    number = item_number(listing, UNANSWERED)

    typed = await fake.autocomplete(
        fake.moderator, "faq", {"item": "bibit", "key": ""}, focused="item", subcommand="attach"
    )
    assert [c["value"] for c in await typed.choices()] == [number]
    keys = await fake.autocomplete(
        fake.moderator, "faq", {"item": number, "key": "eventi"}, focused="key", subcommand="attach"
    )
    assert EVENTS in [c["value"] for c in await keys.choices()]  # shared entries are offered

    it = await fake.slash(
        fake.moderator, "faq", {"item": number, "key": EVENTS}, subcommand="attach"
    )
    done = await it.reply()
    assert done.ephemeral
    assert done.content == texts.LEARN_ATTACHED.format(item_id=number, key=EVENTS)
    assert UNANSWERED not in await unanswered(fake)

    again = await (await fake.slash(fake.regular, "ask", {"question": UNANSWERED})).reply()
    assert not again.ephemeral
    (embed,) = again.embeds
    entry = await rete.core.knowledge.faq_entry(fake.guild.id, EVENTS)
    assert entry is not None
    assert embed["title"] == entry.question
    assert UNANSWERED in entry.variants
    assert entry.origin == f"discord:{fake.moderator.id}"
    item = await rete.core.knowledge.learning.item(fake.guild.id, number)
    assert (item.status, item.decided_by, item.faq_key) == ("attached", fake.moderator.id, EVENTS)
    assert fake.pinged() == []


async def test_a_thumbs_down_lands_in_the_list(rete: ReteHarness, fake: FakeDiscord) -> None:
    answer = await (await fake.slash(fake.regular, "ask", {"question": PRICES})).reply()
    ids = vote_ids(answer)
    assert set(ids) == {"up", "dn"}
    assert PRICES not in await unanswered(fake)

    other = fake.member("altra")
    click = await fake.click(other, answer.id, ids["dn"])
    thanks = await click.reply()
    assert thanks.ephemeral
    assert thanks.content == texts.KB_FEEDBACK_THANKS_DOWN
    listing = await unanswered(fake)
    assert PRICES in listing
    assert texts.LEARN_REASON_THUMBS_DOWN.format(n=1) in listing
    assert "`faq-costi-corsi`" in listing  # what Rete answered

    # One vote per member and answer: the same click again changes nothing, a 👍 replaces it.
    same = await (await fake.click(other, answer.id, ids["dn"])).reply()
    assert same.content == texts.LEARN_VOTE_SAME
    changed = await (await fake.click(other, answer.id, ids["up"])).reply()
    assert changed.content.endswith(texts.LEARN_VOTE_REPLACED)
    assert PRICES not in await unanswered(fake)


async def test_a_member_is_refused_the_list_and_changes_nothing(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await (await fake.slash(fake.regular, "ask", {"question": UNANSWERED})).reply()
    await rete.idle()
    before = dump(rete.db_path)
    for sub, options in (
        ("unanswered", {}),
        ("attach", {"item": 1, "key": EVENTS}),
        ("write", {"item": 1}),
        ("dismiss", {"item": 1}),
    ):
        it = await fake.slash(fake.regular, "faq", options, subcommand=sub)
        reply = await it.reply()
        assert reply.ephemeral, sub
        assert reply.content == texts.NOT_MODERATOR, sub
        assert not reply.embeds, sub
    await rete.idle()
    assert dump(rete.db_path) == before


async def test_vote_buttons_work_after_a_restart(rete: ReteHarness, fake: FakeDiscord) -> None:
    answer = await (await fake.slash(fake.regular, "ask", {"question": PRICES})).reply()
    ids = vote_ids(answer)
    await rete.restart()
    click = await fake.click(fake.moderator, answer.id, ids["dn"])
    assert (await click.reply()).content == texts.KB_FEEDBACK_THANKS_DOWN
    up = await (await fake.click(fake.regular, answer.id, ids["up"])).reply()
    assert up.content == texts.KB_FEEDBACK_THANKS_UP
    answer_id = int(ids["up"].rsplit(":", 1)[1])
    assert await rete.core.knowledge.learning.votes(answer_id) == (1, 1)
    assert PRICES in await unanswered(fake)


async def test_write_a_new_entry_with_the_form_and_dismiss(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await (await fake.slash(fake.regular, "ask", {"question": DERBY})).reply()
    await (await fake.slash(fake.regular, "ask", {"question": UNANSWERED})).reply()
    listing = await unanswered(fake)
    derby, pizza = item_number(listing, DERBY), item_number(listing, UNANSWERED)

    opened = await fake.slash(fake.moderator, "faq", {"item": derby}, subcommand="write")
    modal = await opened.modal()
    assert len(modal["title"]) <= 45
    submitted = await fake.submit_modal(
        fake.moderator,
        opened,
        {
            "question": "Si può parlare di calcio nel server?",
            "variants": "",
            "answer": "Qui si parla di blog: per il calcio c'è #off-topic.",
            "links": "",
        },
    )
    written = await submitted.reply()
    assert written.ephemeral
    assert f"#{derby}" in written.content
    assert "faq-si-puo-parlare-di-calcio" in written.content
    answer = await (await fake.slash(fake.regular, "ask", {"question": DERBY})).reply()
    assert "off-topic" in answer.embeds[0]["description"]

    dismissed = await fake.slash(fake.moderator, "faq", {"item": pizza}, subcommand="dismiss")
    assert (await dismissed.reply()).content == texts.LEARN_DISMISSED.format(item_id=pizza)
    assert (await unanswered(fake)) == texts.LEARN_LIST_EMPTY
    late = await fake.slash(fake.moderator, "faq", {"item": pizza}, subcommand="write")
    assert "già stata decisa" in (await late.reply()).content


async def test_automatic_answers_get_votes_and_abstentions_are_kept(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(
        fake.moderator,
        "answers",
        {"channel": fake.channel("domande"), "state": "on"},
        subcommand="channel",
    )
    await it.reply()
    await fake.send_message("domande", fake.regular, UNANSWERED)
    await fake.send_message("domande", fake.regular, PRICES)
    answer = await eventually(lambda: fake.bot_messages("domande"))
    (posted,) = answer
    ids = vote_ids(posted)
    assert set(ids) == {"up", "dn"}
    await (await fake.click(fake.admin, posted.id, ids["dn"])).reply()
    listing = await unanswered(fake)
    assert UNANSWERED in listing  # Rete stayed silent on it in the channel
    assert PRICES in listing  # answered, then voted down
    assert f"<#{fake.channel('domande').id}>" in listing


async def test_retention_forgets_old_questions_with_the_case_setting(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(fake.moderator, "setup", {"days": 7}, subcommand="retention")
    await it.reply()
    await (await fake.slash(fake.regular, "ask", {"question": UNANSWERED})).reply()
    answer = await (await fake.slash(fake.regular, "ask", {"question": PRICES})).reply()
    answer_id = int(vote_ids(answer)["up"].rsplit(":", 1)[1])

    moderation: Any = rete.bot.get_cog("Moderation")
    await moderation.purge_once(time.time() + 6 * 86_400)
    assert UNANSWERED in await unanswered(fake)
    await moderation.purge_once(time.time() + 8 * 86_400)
    assert await unanswered(fake) == texts.LEARN_LIST_EMPTY
    record = await rete.core.knowledge.learning.store.answer(answer_id)
    assert record is not None
    assert (record.question, record.source) == (None, "faq-costi-corsi")
    # The buttons of an answer whose question is forgotten still count votes.
    click = await fake.click(fake.regular, answer.id, vote_ids(answer)["dn"])
    assert (await click.reply()).content == texts.KB_FEEDBACK_THANKS_DOWN
    assert await unanswered(fake) == texts.LEARN_LIST_EMPTY


async def test_the_list_pages_with_buttons(rete: ReteHarness, fake: FakeDiscord) -> None:
    store = rete.core.knowledge.learning.store
    for n in range(PAGE_SIZE + 3):
        await store.note(
            fake.guild.id,
            f"domanda {n}",
            f"domanda numero {n}?",
            channel_id=fake.channel("generale").id,
            author_id=fake.regular.id,
            source=None,
            reason="abstained",
            now=time.time() + n,  # the newest first
        )
    it = await fake.slash(fake.moderator, "faq", subcommand="unanswered")
    first = await it.reply()
    assert "domanda numero 10?" in first.embeds[0]["description"]
    assert "domanda numero 0?" not in first.embeds[0]["description"]
    assert first.custom_ids() == ["rete:unanswered:2"]
    click = await fake.click(fake.moderator, first.id, "rete:unanswered:2")
    second = await click.reply()
    assert second.id == first.id  # the same message, now showing page 2
    description = second.embeds[0]["description"]
    assert "domanda numero 0?" in description
    assert "domanda numero 10?" not in description
    assert "Pagina 2 di 2" in second.embeds[0]["footer"]["text"]
    assert second.custom_ids() == ["rete:unanswered:1"]


async def test_deleting_the_message_drops_its_kept_question(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(
        fake.moderator,
        "answers",
        {"channel": fake.channel("domande"), "state": "on"},
        subcommand="channel",
    )
    await it.reply()
    message_id = await fake.send_message("domande", fake.regular, UNANSWERED)
    await rete.idle()
    assert UNANSWERED in await unanswered(fake)
    await rete.restart()  # what is kept is known from the database, not from memory
    await fake.delete_message(message_id)
    await rete.idle()
    assert await unanswered(fake) == texts.LEARN_LIST_EMPTY
    rows = await rete.core.db.fetchall("SELECT question FROM kb_unanswered")
    assert [r["question"] for r in rows] == []
