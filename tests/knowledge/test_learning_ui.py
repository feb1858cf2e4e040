"""The Discord rendering of learning from use: vote buttons and the unanswered list, within
Discord's limits, whatever members wrote."""

from __future__ import annotations

import re

import pytest

from bot import limits, texts
from bot.knowledge.learning import PAGE_SIZE, UnansweredPage
from bot.knowledge.learning_store import Unanswered
from cogs._learning_ui import (
    VOTE_TEMPLATE,
    item_choice_name,
    pages_view,
    unanswered_embed,
    vote_view,
)


def item(n: int, question: str, source: str | None = "article:" + "s" * 80) -> Unanswered:
    return Unanswered(
        item_id=10_000 + n,
        guild_id=1,
        question=question,
        channel_id=123456789012345678,
        author_id=2,
        source=source,
        reason="thumbs_down",
        abstained=99,
        thumbs_down=99,
        first_at=1_700_000_000.0,
        last_at=1_700_000_000.0,
    )


@pytest.mark.parametrize(
    "question",
    [
        "come si fa?",
        "*_`~|>" * 50,  # every character escaped: twice as long once shown literally
        "@everyone <@123> " * 18,
        "parola " * 43,
    ],
)
def test_a_full_page_fits_in_one_embed(question: str) -> None:
    question = question[:300]  # the longest /ask accepts
    page = UnansweredPage(tuple(item(n, question) for n in range(PAGE_SIZE)), 99, 1, 13)
    data = unanswered_embed(page).to_dict()
    description = str(data["description"])
    assert len(description) <= limits.EMBED_DESCRIPTION_MAX
    assert not description.endswith(limits.ELLIPSIS)  # not cut by the embed's limit
    for n in range(PAGE_SIZE):
        assert f"**#{10_000 + n}**" in description  # every item of the page is shown
    assert "@everyone" not in description.replace("@\u200beveryone", "")
    assert len(data["footer"]["text"]) <= limits.EMBED_FOOTER_MAX


def test_an_empty_list_says_what_it_would_hold() -> None:
    data = unanswered_embed(UnansweredPage((), 0, 1, 1)).to_dict()
    assert data["description"] == texts.LEARN_LIST_EMPTY
    assert "footer" not in data


def test_vote_buttons_carry_the_answer() -> None:
    assert vote_view(None) is None
    view = vote_view(9_223_372_036_854_775_807)  # SQLite's largest row id
    assert view is not None
    ids = [child.custom_id for child in view.children]  # type: ignore[attr-defined]
    assert [re.fullmatch(VOTE_TEMPLATE, i)["vote"] for i in ids] == ["up", "dn"]  # type: ignore[index]
    assert all(len(i) <= limits.CUSTOM_ID_MAX for i in ids)


def test_autocomplete_names_fit() -> None:
    assert len(item_choice_name(item(1, "x" * 600))) <= limits.CHOICE_NAME_MAX


@pytest.mark.parametrize(
    ("page", "pages", "ids"),
    [
        (1, 1, None),
        (1, 3, ["rete:unanswered:2"]),
        (2, 3, ["rete:unanswered:1", "rete:unanswered:3"]),
        (3, 3, ["rete:unanswered:2"]),
    ],
)
def test_page_buttons_lead_to_the_pages_around(
    page: int, pages: int, ids: list[str] | None
) -> None:
    view = pages_view(UnansweredPage((), pages * PAGE_SIZE, page, pages))
    found = None if view is None else [c.custom_id for c in view.children]  # type: ignore[attr-defined]
    assert found == ids
