"""The message pipeline with a stub policy: what Rete decides for each kind of message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import Core
from bot.intake.pipeline import Origin, PostAction, Skip
from bot.review import PENDING
from tests.review.helpers import CHANNEL, GUILD, MEMBER, MODERATOR, REVIEW_CHANNEL, message

# Judged by the real default policy (checked in each test that relies on it).
FLAGGED = "mi fai il logo gratis?"
WORSE = "Mi scrivi tu i testi del mio sito? Non ho budget, ci metti 5 minuti"
CLEAN = "come si impara a fare un logo?"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"is_bot": True}, Skip.BOT),
        ({"guild": None}, Skip.DM),
        ({"channel": 99}, Skip.EXEMPT),
        ({"roles": frozenset({7})}, Skip.EXEMPT),
        ({"channel": REVIEW_CHANNEL}, Skip.REVIEW_CHANNEL),
    ],
)
async def test_ignored_messages(core: Core, kwargs: dict[str, Any], reason: Skip) -> None:
    await core.policy.set_exempt(GUILD, "channel", 99, True, actor_id=MODERATOR)
    await core.policy.set_exempt(GUILD, "role", 7, True, actor_id=MODERATOR)
    outcome = await core.pipeline.process(message(FLAGGED, **kwargs))
    assert outcome.skipped is reason
    assert outcome.case is None
    assert outcome.answer is None
    assert core.review.known(GUILD, outcome.message.message_id) is None


async def test_a_flagged_message_gets_a_case_and_a_nudge_and_no_answer(core: Core) -> None:
    outcome = await core.pipeline.process(message(FLAGGED), now=1000.0)
    assert outcome.flagged
    assert outcome.case is not None
    assert outcome.case.status == PENDING
    assert outcome.case_action is PostAction.POST
    assert outcome.review_channel_id == REVIEW_CHANNEL
    assert outcome.answer is None
    assert core.knowledge.asked == []  # type: ignore[attr-defined]
    assert outcome.nudge is not None
    assert outcome.nudge.mode == "reply"
    assert outcome.nudge.case_id == outcome.case.case_id
    assert outcome.nudge.norm.url == "https://example.org/norma"


async def test_an_unflagged_question_gets_an_answer_and_no_case(core: Core) -> None:
    outcome = await core.pipeline.process(message(CLEAN))
    assert not outcome.flagged
    assert outcome.case is None
    assert outcome.answer is not None
    assert outcome.answer.source == "faq-x"


async def test_the_hot_path_does_no_database_work(core: Core, monkeypatch: Any) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("database touched on the hot path")

    for name in ("execute", "fetchone", "fetchall", "transaction"):
        monkeypatch.setattr(core.db, name, forbidden)
    await core.review.settings(GUILD)  # not needed, but must not matter either
    outcome = await core.pipeline.process(message("ciao a tutti, buona giornata"))
    assert not outcome.flagged
    edit = await core.pipeline.process(message("ciao a tutti!", origin=Origin.EDIT))
    assert edit.case is None
    assert await core.pipeline.message_deleted(GUILD, 123456) is None


async def test_shadow_rules_record_a_case_without_alert_or_nudge(core: Core) -> None:
    fired = (await core.policy.evaluate(GUILD, FLAGGED)).hits
    for hit in fired:
        await core.policy.set_shadow(GUILD, hit.rule, True, MODERATOR)
    outcome = await core.pipeline.process(message(FLAGGED))
    assert outcome.flagged
    assert outcome.case is not None
    assert not outcome.case.alerted
    assert outcome.case_action is None
    assert outcome.nudge is None


async def test_one_nudge_per_member_per_cooldown(core: Core) -> None:
    first = await core.pipeline.process(message(FLAGGED), now=1000.0)
    second = await core.pipeline.process(message(FLAGGED), now=1060.0)
    other = await core.pipeline.process(message(FLAGGED, author=MEMBER + 1), now=1060.0)
    later = await core.pipeline.process(
        message(FLAGGED), now=1000.0 + core.review.nudge_cooldown_s + 1
    )
    assert first.nudge is not None
    assert second.nudge is None
    assert second.case_action is PostAction.POST  # the moderators still see it
    assert other.nudge is not None
    assert later.nudge is not None


@pytest.mark.parametrize("mode", ["off", "dm"])
async def test_nudge_mode(core: Core, mode: str) -> None:
    await core.review.update_settings(GUILD, nudge_mode=mode)
    outcome = await core.pipeline.process(message(FLAGGED))
    if mode == "off":
        assert outcome.nudge is None
    else:
        assert outcome.nudge is not None
        assert outcome.nudge.mode == "dm"


async def test_not_configured_records_the_case_but_does_not_nudge(core: Core) -> None:
    await core.review.update_settings(GUILD, review_channel_id=None)
    outcome = await core.pipeline.process(message(FLAGGED))
    assert outcome.case is not None
    assert outcome.case_action is PostAction.POST
    assert outcome.review_channel_id is None
    assert outcome.nudge is None


async def test_an_edit_with_the_same_verdict_does_not_alert_again(core: Core) -> None:
    first = await core.pipeline.process(message(FLAGGED, message_id=1))
    assert first.case is not None
    await core.review.set_review_post([first.case.case_id], REVIEW_CHANNEL, 9001)
    same = await core.pipeline.process(message(FLAGGED + "!!", message_id=1, origin=Origin.EDIT))
    assert same.flagged
    assert same.case is None
    assert same.case_action is None
    assert same.nudge is None


async def test_an_edit_that_changes_the_verdict_updates_the_case(core: Core) -> None:
    first = await core.pipeline.process(message(FLAGGED, message_id=1))
    assert first.case is not None
    await core.review.set_review_post([first.case.case_id], REVIEW_CHANNEL, 9001)
    before = await core.policy.evaluate(GUILD, FLAGGED)
    after = await core.policy.evaluate(GUILD, WORSE)
    assert {h.rule for h in before.hits} != {h.rule for h in after.hits}
    worse = await core.pipeline.process(message(WORSE, message_id=1, origin=Origin.EDIT))
    assert worse.case is not None
    assert worse.case.case_id == first.case.case_id
    assert worse.case_action is PostAction.UPDATE
    assert worse.nudge is None
    assert set(worse.case.rules) == {h.rule for h in after.hits}
    assert worse.case.text == WORSE
    clean = await core.pipeline.process(
        message("scusate, niente", message_id=1, origin=Origin.EDIT)
    )
    assert clean.case is not None
    assert clean.case_action is PostAction.UPDATE
    assert not clean.case.still_flagged
    assert clean.answer is None


async def test_an_edit_that_flags_a_clean_message_opens_a_case(core: Core) -> None:
    clean = await core.pipeline.process(message(CLEAN, message_id=1))
    assert clean.case is None
    edited = await core.pipeline.process(message(FLAGGED, message_id=1, origin=Origin.EDIT))
    assert edited.case is not None
    assert edited.case_action is PostAction.POST
    assert edited.nudge is not None


@pytest.mark.parametrize(
    ("origin", "answered"),
    [(Origin.LIVE, True), (Origin.EDIT, False), (Origin.REPLAYED, False)],
)
async def test_only_a_live_message_gets_an_automatic_answer(
    core: Core, origin: Origin, answered: bool
) -> None:
    # An edited message may already have its answer; a replayed one is hours old.
    outcome = await core.pipeline.process(message(CLEAN, message_id=2, origin=origin))
    assert outcome.case is None
    assert (outcome.answer is not None) is answered


async def test_a_replayed_event_does_not_open_or_post_twice(core: Core) -> None:
    first = await core.pipeline.process(message(FLAGGED, message_id=1))
    core.review._known.clear()  # as after a restart whose index missed it
    replay = await core.pipeline.process(message(FLAGGED, message_id=1))
    assert replay.case is not None
    assert first.case is not None
    assert replay.case.case_id == first.case.case_id
    assert replay.case_action is None
    assert replay.nudge is None


async def test_deleting_a_flagged_message_drops_its_text(core: Core) -> None:
    first = await core.pipeline.process(message(FLAGGED, message_id=1))
    assert first.case is not None
    case = await core.pipeline.message_deleted(GUILD, 1)
    assert case is not None
    assert case.text is None
    assert case.channel_id == CHANNEL
    stored = await core.review.get(GUILD, first.case.case_id)
    assert stored is not None
    assert stored.text is None
    assert stored.author_id == MEMBER
