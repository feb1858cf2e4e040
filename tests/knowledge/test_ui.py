"""The Discord rendering of answers and excerpts: within Discord's limits, buttons that fit."""

from __future__ import annotations

import re

import pytest

from bot import limits
from bot.knowledge import Answer, Excerpt
from cogs._knowledge_ui import (
    FEEDBACK_TEMPLATE,
    FeedbackButton,
    answer_embed,
    answer_view,
    dont_know_text,
    excerpt_embed,
    feedback_custom_id,
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


def test_dont_know_mentions_the_closest_article() -> None:
    text = dont_know_text(answer(title="Velocità del sito"))
    assert text.startswith("Non lo so")
    assert "Velocità del sito" in text
    assert "blog.example.it" in text
    assert len(dont_know_text(None)) <= limits.MESSAGE_CONTENT_MAX


@pytest.mark.parametrize("source", ["faq-costi-corsi", "article:" + "a" * 80])
def test_feedback_buttons_fit_in_a_custom_id(source: str) -> None:
    view = answer_view(answer(source=source))
    assert view is not None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert len(ids) == 2
    for custom_id in ids:
        assert len(custom_id) <= limits.CUSTOM_ID_MAX
        match = re.fullmatch(FEEDBACK_TEMPLATE, custom_id)
        assert match is not None
        assert match["source"] == source


def test_sources_too_long_for_a_button_get_no_buttons() -> None:
    assert feedback_custom_id("up", "article:" + "a" * 95) is None
    assert answer_view(answer(source="article:" + "a" * 95)) is None
    with pytest.raises(ValueError, match="too long"):
        FeedbackButton("up", "article:" + "a" * 95)
