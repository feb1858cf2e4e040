"""The Discord rendering of answers and excerpts: within Discord's limits, buttons that fit."""

from __future__ import annotations

import re

import pytest

from bot import limits
from bot.knowledge import Answer, Excerpt
from bot.knowledge.reply import Reply, Why
from cogs._knowledge_ui import (
    FEEDBACK_TEMPLATE,
    FeedbackButton,
    answer_embed,
    excerpt_embed,
    feedback_custom_id,
    unsure_text,
    why_text,
)


def answer(**changes: object) -> Answer:
    values: dict[str, object] = {
        "source": "article:velocita-del-sito",
        "score": 0.87,
        "title": "Velocità del sito — Come misurare",
        "text": "Lo strumento di partenza è PageSpeed Insights. " * 80,
        "url": "https://blog.example.it/velocita-del-sito/",
        "author": "Elena Marchetti",
        "date": "2024-06-11",
    }
    values.update(changes)
    return Answer(**values)  # type: ignore[arg-type]


def embed_chars(embed: object) -> int:
    data = embed.to_dict()  # type: ignore[attr-defined]
    total = len(data.get("title", "")) + len(data.get("description", ""))
    total += len(data.get("footer", {}).get("text", "")) + len(
        data.get("author", {}).get("name", "")
    )
    total += sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))
    return total


def test_answer_embed_fits_and_cites() -> None:
    embed = answer_embed(answer(title="T" * 400))
    assert len(embed.title or "") <= limits.EMBED_TITLE_MAX
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION_MAX
    assert (embed.description or "").endswith(".")  # cut at a sentence
    assert embed_chars(embed) <= limits.EMBED_TOTAL_MAX
    assert embed.url == "https://blog.example.it/velocita-del-sito/"
    assert "87%" in (embed.footer.text or "")
    assert "2024-06-11" in (embed.footer.text or "")
    assert "Elena Marchetti" in (embed.author.name or "")


def test_faq_answer_embed() -> None:
    embed = answer_embed(
        answer(source="faq-costi-corsi", url=None, author=None, date=None, text="Breve.")
    )
    assert embed.description == "Breve."
    assert embed.url is None
    assert not embed.fields


def test_excerpt_embed() -> None:
    excerpt = Excerpt(
        source="article:x",
        slug="x",
        title="Titolo",
        section="Sezione",
        text="Un passaggio.",
        url="https://blog.example.it/x/",
        author="Anna",
        date="2024-01-01",
        score=0.7,
    )
    embed = excerpt_embed(excerpt)
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Sezione"] == "Sezione"
    assert fields["Data"] == "2024-01-01"
    assert embed.description == "Un passaggio."


def test_unsure_lists_the_likely_sources_linked_with_one_line_each() -> None:
    sources = (
        answer(title="Velocità del sito — Come misurare"),
        answer(
            source="faq-costi-corsi",
            title="Quanto costano i corsi?",
            url=None,
            text="Da 590 €. Poi.",
        ),
        answer(title="T" * 300, text="X" * 3000),
    )
    text = unsure_text(Reply(None, sources, None))
    lines = text.splitlines()
    assert lines[0].startswith("Non ne sono sicura")
    assert len(lines) == 4
    assert (
        "[Velocità del sito — Come misurare](<https://blog.example.it/velocita-del-sito/>)"
        in lines[1]
    )
    assert "**Quanto costano i corsi?**" in lines[2]
    assert lines[2].endswith("Da 590 €.")  # its first sentence only
    assert len(text) <= limits.MESSAGE_CONTENT_MAX


def test_unsure_without_sources_says_it_does_not_know() -> None:
    assert unsure_text(Reply(None, (), None)).startswith("Non lo so")


def test_why_names_the_words_the_kind_and_the_evidence() -> None:
    why = Why(
        source="faq-costi-corsi",
        kind="faq",
        matched=("costa", "percorso"),
        missing=("shopify",),
        features=(("copertura", 0.8), ("margine", 0.3)),
        confidence=0.91,
        threshold=0.517,
    )
    text = why_text(why)
    assert "faq-costi-corsi" in text
    assert "costa, percorso" in text
    assert "shopify" in text
    assert "91%" in text
    assert "copertura 0.80" in text


@pytest.mark.parametrize("source", ["faq-costi-corsi", "article:" + "a" * 80])
def test_feedback_buttons_fit_in_a_custom_id(source: str) -> None:
    # Answers now carry per-answer votes; these buttons stay for messages posted before.
    ids = [FeedbackButton(vote, source).custom_id for vote in ("up", "dn")]
    for custom_id in ids:
        assert len(custom_id) <= limits.CUSTOM_ID_MAX
        match = re.fullmatch(FEEDBACK_TEMPLATE, custom_id)
        assert match is not None
        assert match["source"] == source


def test_sources_too_long_for_a_button_get_no_buttons() -> None:
    assert feedback_custom_id("up", "article:" + "a" * 95) is None
    with pytest.raises(ValueError, match="too long"):
        FeedbackButton("up", "article:" + "a" * 95)
