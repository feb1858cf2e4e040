"""The review post, its persistent components and the nudge, rendered without a connection."""

from __future__ import annotations

import re
from dataclasses import replace

import discord
import pytest

from bot import limits, texts
from bot.intake.pipeline import Nudge
from bot.review import CONFIRMED, DISMISSED, PENDING, REOPENED, Case, CaseHit, Decision
from bot.review.models import RuleStats, Stats
from cogs._messages import nudge_text
from cogs._review_embeds import post_embeds, review_embed
from cogs._review_ui import (
    APPEAL_TEMPLATE,
    CONFIRM_WITH_TEMPLATE,
    REVIEW_TEMPLATE,
    AppealModal,
    appeal_view,
    choose_view,
    post_view,
    review_view,
)
from cogs.review import pending_embed, stats_embed


def make_case(**changes: object) -> Case:
    text = "ciao @everyone, mi fai il logo gratis? <@123>"
    start = text.index("gratis")
    logo = text.index("logo")
    case = Case(
        case_id=42,
        guild_id=1,
        channel_id=10,
        message_id=555,
        author_id=100,
        text=text,
        text_dropped=None,
        score=1.5,
        threshold=1.0,
        hits=(
            CaseHit("gratis", 1.0, ((start, start + 6),)),
            CaseHit("logo*", 0.5, ((logo, logo + 4),), True),
        ),
        policy_version=3,
        signature="alert|gratis,logo*",
        alerted=True,
        status=PENDING,
        claimed_by=None,
        decided_by=None,
        decided_at=None,
        decision=None,
        appeal_note=None,
        appealed_at=None,
        edited=False,
        message_deleted=False,
        review_channel_id=12,
        review_message_id=777,
        created_at=1_700_000_000.0,
        updated_at=1_700_000_000.0,
        closed_at=None,
    )
    return replace(case, **changes)  # type: ignore[arg-type]


def embed_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    for field in embed.fields:
        parts += [field.name or "", field.value or ""]
    return "".join(parts)


def test_the_review_post_shows_what_a_moderator_needs() -> None:
    embed = review_embed(make_case())
    assert "#42" in (embed.title or "")
    assert "**gratis**" in (embed.description or "")
    assert "@everyone" not in (embed.description or "")
    assert "<@123>" not in (embed.description or "")
    fields = {f.name: f.value for f in embed.fields}
    assert fields[texts.REVIEW_FIELD_AUTHOR] == "<@100>"
    assert fields[texts.REVIEW_FIELD_CHANNEL] == "<#10>"
    assert "https://discord.com/channels/1/10/555" in (fields[texts.REVIEW_FIELD_LINK] or "")
    assert "1.50" in (fields[texts.REVIEW_FIELD_SCORE] or "")
    assert "gratis" in (fields[texts.REVIEW_FIELD_RULES] or "")
    assert "ombra" in (fields[texts.REVIEW_FIELD_RULES] or "")
    assert fields[texts.REVIEW_FIELD_STATUS] == texts.STATUS_PENDING


def test_a_huge_message_and_note_stay_within_embed_limits() -> None:
    text = "gratis " * 2000
    case = make_case(
        text=text,
        hits=tuple(CaseHit(f"r{i}" * 20, 1.0, ((i * 7, i * 7 + 6),)) for i in range(300)),
        appeal_note="x" * 5000,
    )
    embed = review_embed(case)
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION_MAX
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE_MAX for f in embed.fields)
    assert len(embed_text(embed)) <= limits.EMBED_TOTAL_MAX


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "claimed", "claimed_by": 200}, "<@200>"),
        ({"status": CONFIRMED, "decided_by": 201, "decision": Decision(True, 3600)}, "1 ora"),
        ({"status": DISMISSED, "decided_by": 202}, "<@202>"),
        ({"status": REOPENED, "appeal_note": "pagavo"}, "ricorso"),
    ],
)
def test_the_post_shows_the_outcome_and_who_decided(
    changes: dict[str, object], expected: str
) -> None:
    embed = review_embed(make_case(**changes))
    status = next(f.value for f in embed.fields if f.name == texts.REVIEW_FIELD_STATUS)
    assert expected in (status or "")


def test_a_deleted_message_shows_no_text() -> None:
    embed = review_embed(make_case(text=None, text_dropped="deleted", message_deleted=True))
    assert embed.description == texts.REVIEW_TEXT_DELETED


def test_open_cases_have_persistent_buttons_closed_ones_none() -> None:
    view = review_view(make_case())
    assert view is not None
    assert view.timeout is None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [
        "rete:review:claim:42",
        "rete:review:confirm:42",
        "rete:review:act:42",
        "rete:review:dismiss:42",
    ]
    assert all(re.fullmatch(REVIEW_TEMPLATE, i) for i in ids)
    assert all(len(i) <= limits.CUSTOM_ID_MAX for i in ids)
    claimed = review_view(make_case(status="claimed", claimed_by=200))
    assert claimed is not None
    assert claimed.children[0].item.disabled  # type: ignore[attr-defined]
    assert review_view(make_case(status=CONFIRMED, decided_by=1)) is None
    assert review_view(make_case(status=DISMISSED, decided_by=1)) is None
    assert review_view(make_case(status=REOPENED)) is not None


def test_the_follow_up_choice_offers_delete_timeouts_and_timeout_only() -> None:
    (select,) = choose_view(42).children
    assert select.custom_id == "rete:review:choose:42"  # type: ignore[attr-defined]
    assert re.fullmatch(CONFIRM_WITH_TEMPLATE, select.custom_id)  # type: ignore[attr-defined]
    options = select.item.options  # type: ignore[attr-defined]
    values = [o.value for o in options]
    assert values == [
        "remove:0",
        "remove:600",
        "remove:3600",
        "remove:86400",
        "remove:604800",
        "keep:600",
        "keep:3600",
        "keep:86400",
        "keep:604800",
    ]
    assert len(options) <= 25  # Discord's limit for a select
    assert all(len(o.label) <= 100 for o in options)
    assert "resta" in options[-1].label  # says the message is kept


def test_a_burst_shares_one_post_within_discord_limits() -> None:
    long_text = "fammi il logo gratis " * 200
    cases = [make_case(case_id=40 + i, text=long_text, appeal_note="n" * 900) for i in range(5)]
    cases[2] = replace(cases[2], status=DISMISSED, decided_by=7)
    embeds = post_embeds(cases)
    assert len(embeds) == 5
    assert sum(len(e) for e in embeds) <= limits.EMBED_TOTAL_MAX
    assert all(len(e.description or "") <= limits.EMBED_DESCRIPTION_MAX for e in embeds)
    view = post_view(cases)
    assert view is not None
    rows = {item.row for item in view.children}  # type: ignore[attr-defined]
    assert rows == {0, 1, 3, 4}  # the decided case has no buttons
    assert len(view.children) == 16
    assert "rete:review:dismiss:42" not in [i.custom_id for i in view.children]  # type: ignore[attr-defined]


def test_the_appeal_button() -> None:
    view = appeal_view(42)
    (button,) = view.children
    assert button.custom_id == "rete:appeal:42"  # type: ignore[attr-defined]
    assert re.fullmatch(APPEAL_TEMPLATE, "rete:appeal:42")
    assert button.item.label == texts.BUTTON_APPEAL  # type: ignore[attr-defined]


async def test_the_appeal_modal_fits_discords_limits_whatever_the_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(texts, "APPEAL_MODAL_TITLE", "T" * 200)
    monkeypatch.setattr(texts, "APPEAL_LABEL", "L" * 200)
    monkeypatch.setattr(texts, "APPEAL_PLACEHOLDER", "P" * 200)
    modal = AppealModal(42, "beef")
    assert len(modal.title) == limits.MODAL_TITLE_MAX
    assert len(modal.note.to_component_dict()["label"]) == limits.TEXT_INPUT_LABEL_MAX
    assert len(modal.note.placeholder or "") == limits.TEXT_INPUT_PLACEHOLDER_MAX


def test_review_button_labels_fit_discords_limit() -> None:
    view = post_view([make_case(case_id=10**70)])  # a long number, a long label
    assert view is not None
    labels = [i.item.label for i in view.children]  # type: ignore[attr-defined]
    assert labels
    assert all(len(label) <= limits.BUTTON_LABEL_MAX for label in labels)


def test_the_nudge_links_the_norm_when_there_is_one() -> None:
    class Norm:
        title = "Perché niente consulenze gratis"
        url = "https://example.org/norma"

    with_link = nudge_text(Nudge("reply", 42, 100, Norm()))
    assert "pescare" in with_link
    assert "https://example.org/norma" in with_link
    without = nudge_text(Nudge("reply", 42, 100, None))
    assert "https://" not in without
    assert len(with_link) <= limits.MESSAGE_CONTENT_MAX


def test_pending_and_stats_embeds() -> None:
    embed = pending_embed([make_case()], total_open=30, configured=False)
    assert texts.REVIEW_NOT_CONFIGURED in (embed.description or "")
    assert "#42" in (embed.description or "")
    assert "10" in (embed.description or "")  # "…e altri 10"
    stats = Stats(
        rules=(
            RuleStats("gratis", 4, 3, 1),
            RuleStats("logo", 2, 0, 2),
            RuleStats("sito", 1, 0, 0),
        ),
        by_status={"pending": 1, "confirmed": 3, "dismissed": 3},
    )
    embed = stats_embed(stats)
    rules = embed.fields[0].value or ""
    assert "75%" in rules
    assert "—" in rules  # no decision yet for "sito"
    noisiest = embed.fields[1].value or ""
    assert noisiest.index("logo") < noisiest.index("gratis")
