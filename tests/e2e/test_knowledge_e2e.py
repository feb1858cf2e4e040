"""The knowledge base end to end: /ask, /excerpt with autocomplete, feedback buttons, the FAQ
modal and auto-answers with their cooldown, through the real bot and the fake Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot import limits, texts
from tests.e2e.harness import ReteHarness, eventually
from tests.fakediscord import FakeDiscord, routes

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is missing")


@pytest.fixture
def rete_settings() -> dict[str, Any]:
    # What an operator sets in RETE_KNOWLEDGE_SOURCES: imported when the core starts.
    return {"knowledge_sources": (CORPUS,)}


def feedback_ids(message: Any) -> list[str]:
    return [c for c in message.custom_ids() if c.startswith("rete:vote:")]


async def votes(rete: ReteHarness, source: str) -> tuple[int, int]:
    return await rete.core.knowledge.feedback(rete.core.settings.dev_guild_id or 0, source)


async def test_ask_answers_publicly_with_source_and_feedback(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(fake.regular, "ask", {"question": "quanto costa il percorso completo?"})
    reply = await it.reply()
    assert not reply.ephemeral
    (embed,) = reply.embeds
    assert embed["title"] == "Quanto costano i corsi della Blog Academy?"
    assert "590 euro" in embed["description"]
    assert texts.KB_SOURCE_FAQ in embed["footer"]["text"]
    ids = feedback_ids(reply)
    answer_id = ids[0].rsplit(":", 1)[1]
    assert ids == [f"rete:vote:up:{answer_id}", f"rete:vote:dn:{answer_id}"]
    assert all(len(i) <= limits.CUSTOM_ID_MAX for i in ids)
    record = await rete.core.knowledge.learning.store.answer(int(answer_id))
    assert record is not None
    assert (record.source, record.author_id) == ("faq-costi-corsi", fake.regular.id)
    assert fake.pinged() == []

    click = await fake.click(fake.regular, reply.id, ids[0])
    thanks = await click.reply()
    assert thanks.ephemeral
    assert thanks.content == texts.KB_FEEDBACK_THANKS_UP
    other = await fake.click(fake.moderator, reply.id, ids[1])
    await other.reply()
    guild = fake.guild.id
    assert await rete.core.knowledge.feedback(guild, "faq-costi-corsi") == (1, 1)


async def test_feedback_buttons_survive_a_restart(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.regular, "ask", {"question": "quanti hashtag usare su instagram?"})
    reply = await it.reply()
    (down,) = [i for i in feedback_ids(reply) if ":dn:" in i]
    await rete.restart()
    click = await fake.click(fake.regular, reply.id, down)
    assert (await click.reply()).content == texts.KB_FEEDBACK_THANKS_DOWN
    assert await rete.core.knowledge.feedback(
        fake.guild.id, "article:instagram-algoritmo-reels"
    ) == (0, 1)


async def test_ask_says_it_does_not_know(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.regular, "ask", {"question": "chi ha vinto ieri sera il derby?"})
    reply = await it.reply()
    assert reply.ephemeral
    assert reply.content.startswith("Non lo so")
    assert not reply.embeds


async def test_ask_when_unsure_lists_likely_sources_linked(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    # the blog speaks of titles in several places (a LinkedIn headline, a podcast's title),
    # none of which says how to write a good one: no answer, but the likely sources
    it = await fake.slash(fake.regular, "ask", {"question": "come si scrive un buon titolo?"})
    reply = await it.reply()
    assert reply.ephemeral
    assert not reply.embeds
    lines = reply.content.splitlines()
    assert lines[0] == texts.KB_UNSURE
    assert 2 <= len(lines) <= 4  # at most three sources
    assert all(
        line.startswith("• [") and "](<https://blog.example.it/" in line for line in lines[1:]
    )
    assert fake.pinged() == []


async def test_ask_explains_why_to_moderators_only(rete: ReteHarness, fake: FakeDiscord) -> None:
    question = {"question": "quanto costa il percorso completo?", "explain": True}
    asked = await fake.slash(fake.moderator, "ask", question)
    assert (await asked.reply()).embeds
    (why,) = await asked.followups()
    assert why.ephemeral
    assert "faq-costi-corsi" in why.content
    assert "Parole della domanda trovate nella fonte:" in why.content
    assert "percorso" in why.content

    member = await fake.slash(fake.regular, "ask", question)
    assert (await member.reply()).embeds
    await asyncio.sleep(0.3)  # time for a followup that must not come
    explained = [m for m in fake.messages.values() if "Parole della domanda" in (m.content or "")]
    assert [m.id for m in explained] == [why.id]


async def test_excerpt_with_article_autocomplete(rete: ReteHarness, fake: FakeDiscord) -> None:
    typed = await fake.autocomplete(
        fake.regular, "excerpt", {"query": "immagini", "article": "veloc"}, focused="article"
    )
    choices = await typed.choices()
    assert choices == [
        {
            "name": "Velocità del sito: perché il tuo blog è lento e come sistemarlo",
            "value": "velocita-del-sito",
        }
    ]
    everything = await fake.autocomplete(
        fake.regular, "excerpt", {"query": "x", "article": ""}, focused="article"
    )
    assert len(await everything.choices()) == limits.AUTOCOMPLETE_CHOICES_MAX

    it = await fake.slash(
        fake.regular, "excerpt", {"query": "peso delle immagini", "article": "velocita-del-sito"}
    )
    reply = await it.reply()
    (embed,) = reply.embeds
    assert embed["title"].startswith("Velocità del sito")
    assert "200 KB" in embed["description"]
    assert len(embed["description"]) <= limits.EMBED_DESCRIPTION_MAX
    assert embed["url"] == "https://blog.example.it/velocita-del-sito/"
    assert embed["author"]["name"] == texts.KB_BY.format(author="Elena Marchetti")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Data"] == "2024-06-11"


async def test_excerpt_of_an_unknown_article(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.regular, "excerpt", {"query": "x", "article": "non-esiste"})
    reply = await it.reply()
    assert reply.ephemeral
    assert "non-esiste" in reply.content


async def test_auto_answer_in_a_chosen_channel_with_cooldown(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(
        fake.moderator,
        "answers",
        {"channel": fake.channel("domande"), "state": "on"},
        subcommand="channel",
    )
    assert (await it.reply()).ephemeral

    await fake.send_message("generale", fake.regular, "quanto costa il percorso completo?")
    await fake.send_message("domande", fake.regular, "quanto costa il percorso completo?")
    post = await fake.wait_for(*routes.SEND_MESSAGE)
    assert post.param("channel_id") == fake.channel("domande").id
    (answer,) = fake.bot_messages("domande")
    assert answer.embeds[0]["title"] == "Quanto costano i corsi della Blog Academy?"
    assert not post.pings.any
    assert fake.bot_messages("generale") == []

    # The cooldown: a second question right away gets no answer.
    await fake.send_message("domande", fake.regular, "a che ora sono le live del martedì?")
    await asyncio.sleep(0.3)
    assert len(fake.bot_messages("domande")) == 1

    # A vote on the unasked-for answer is recorded like any other.
    up = next(i for i in feedback_ids(answer) if ":up:" in i)
    await (await fake.click(fake.moderator, answer.id, up)).reply()
    assert await eventually(lambda: votes_of(rete, fake.guild.id)) == (1, 0)


async def votes_of(rete: ReteHarness, guild_id: int) -> tuple[int, int] | None:
    found = await rete.core.knowledge.feedback(guild_id, "faq-costi-corsi")
    return found if found != (0, 0) else None


async def test_faq_commands_are_for_moderators(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.regular, "faq", subcommand="list")
    reply = await it.reply()
    assert reply.ephemeral
    assert reply.content == texts.NOT_MODERATOR


async def test_faq_add_with_the_modal_then_ask(rete: ReteHarness, fake: FakeDiscord) -> None:
    opened = await fake.slash(fake.moderator, "faq", subcommand="add")
    modal = await opened.modal()
    assert len(modal["title"]) <= 45
    submitted = await fake.submit_modal(
        fake.moderator,
        opened,
        {
            "question": "Dove si parcheggia per il meetup di primavera?",
            "variants": "C'è un parcheggio vicino alla sede?",
            "answer": "Nel cortile interno della sede, gratis per chi partecipa.",
            "links": "",
        },
    )
    done = await submitted.reply()
    assert done.ephemeral
    assert "faq-dove-si-parcheggia" in done.content

    it = await fake.slash(fake.regular, "ask", {"question": "c'è un parcheggio per il meetup?"})
    reply = await it.reply()
    assert "cortile interno" in reply.embeds[0]["description"]

    listed = await (await fake.slash(fake.moderator, "faq", subcommand="list")).reply()
    assert "faq-dove-si-parcheggia" in listed.embeds[0]["description"]

    exported = await (await fake.slash(fake.moderator, "faq", subcommand="export")).reply()
    assert exported.attachments
    assert exported.attachments[0]["filename"] == "faq.yaml"


async def test_faq_import_attachment(rete: ReteHarness, fake: FakeDiscord) -> None:
    data = (
        "- id: faq-wifi-aula\n  question: C'è il wifi in aula?\n"
        "  answer: Sì, la password è scritta sulla lavagna.\n"
    ).encode()
    it = await fake.slash(
        fake.moderator, "faq", {"file": fake.upload("faq.yaml", data)}, subcommand="import"
    )
    reply = await it.reply()
    assert "FAQ 1 nuove" in reply.content
    answer = await rete.core.knowledge.ask("c'è il wifi in aula?", fake.guild.id)
    assert answer is not None
    assert answer.source == "faq-wifi-aula"
    broken = await fake.slash(
        fake.moderator,
        "faq",
        {"file": fake.upload("faq.yaml", b"- id: x\n  question: senza risposta?\n")},
        subcommand="import",
    )
    assert "'answer' manca" in (await broken.reply()).content


async def test_a_faq_removed_by_mistake_is_restored_from_its_history(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    data = (
        "- id: faq-wifi-aula\n  question: C'è il wifi in aula?\n"
        "  answer: Sì, la password è scritta sulla lavagna.\n"
    ).encode()
    imported = await fake.slash(
        fake.moderator, "faq", {"file": fake.upload("faq.yaml", data)}, subcommand="import"
    )
    await imported.reply()
    removed = await fake.slash(fake.moderator, "faq", {"key": "faq-wifi-aula"}, subcommand="remove")
    await removed.reply()
    assert await rete.core.knowledge.own_faq_entry(fake.guild.id, "faq-wifi-aula") is None

    listed = await (await fake.slash(fake.moderator, "faq", subcommand="history")).reply()
    assert listed.ephemeral
    (embed,) = listed.embeds
    shown = embed["description"]
    (version,) = await rete.core.knowledge.faq_history(fake.guild.id)
    assert f"#{version.version_id} faq\\-wifi\\-aula" in shown
    assert f"<@{fake.moderator.id}>" in shown  # who removed it, shown but not pinged
    assert "la password è scritta sulla lavagna" in shown

    refused = await fake.slash(
        fake.regular, "faq", {"version": version.version_id}, subcommand="restore"
    )
    assert (await refused.reply()).content == texts.NOT_MODERATOR
    restored = await fake.slash(
        fake.moderator, "faq", {"version": version.version_id}, subcommand="restore"
    )
    assert "faq\\-wifi\\-aula" in (await restored.reply()).content
    answer = await rete.core.knowledge.ask("c'è il wifi in aula?", fake.guild.id)
    assert answer is not None
    assert answer.source == "faq-wifi-aula"
    unknown = await fake.slash(fake.moderator, "faq", {"version": 999_999}, subcommand="restore")
    assert (await unknown.reply()).content == texts.KB_FAQ_NO_VERSION.format(version=999_999)
