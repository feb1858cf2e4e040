"""The review queue's core and store on a real temporary SQLite file."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.core import Core
from bot.errors import UserFacingError
from bot.review import (
    CLAIMED,
    CONFIRMED,
    DISMISSED,
    PENDING,
    REOPENED,
    Case,
    Decision,
    NewCase,
    ReviewAction,
)
from bot.review.models import signature
from bot.review.service import ReviewService
from tests.review.helpers import GUILD, MEMBER, MODERATOR, StubHit, StubPolicy, StubVerdict

DAY = 86_400.0
OTHER_MOD = 201


def new_case(
    message_id: int,
    text: str = "mi fai il logo gratis?",
    *,
    author: int = MEMBER,
    guild: int = GUILD,
) -> NewCase:
    hits = (StubHit("gratis", 1.0, ((15, 21),)), StubHit("logo", 0.5, ((9, 13),)))
    verdict = StubVerdict(True, 1.5, 1.0, hits, 3)
    return NewCase.of(
        guild_id=guild,
        channel_id=10,
        message_id=message_id,
        author_id=author,
        text=text,
        verdict=verdict,
    )


async def opened(core: Core, message_id: int, now: float = 1000.0, **kw: object) -> Case:
    case, created, _ = await core.review.open_case(new_case(message_id, **kw), now)  # type: ignore[arg-type]
    assert created
    return case


async def test_a_case_keeps_the_snapshot_verdict_and_audit(core: Core) -> None:
    case = await opened(core, 1)
    assert case.status == PENDING
    assert case.text == "mi fai il logo gratis?"
    assert case.score == 1.5
    assert case.policy_version == 3
    assert case.rules == ("gratis", "logo")
    assert case.hits[0].spans == ((15, 21),)
    assert case.alerted
    audit = await core.review.audit(GUILD, case.case_id)
    assert [a.action for a in audit] == ["opened"]
    assert audit[0].actor_id is None


async def test_one_case_per_message(core: Core) -> None:
    first = await opened(core, 1)
    again, created, _ = await core.review.open_case(new_case(1), 2000.0)
    assert not created
    assert again.case_id == first.case_id


async def test_two_concurrent_confirms_give_one_decision(core: Core) -> None:
    case = await opened(core, 1)
    results = await asyncio.gather(
        core.review.confirm(GUILD, case.case_id, MODERATOR, 1001.0, Decision(True, 3600)),
        core.review.confirm(GUILD, case.case_id, OTHER_MOD, 1001.0),
        core.review.dismiss(GUILD, case.case_id, OTHER_MOD, 1001.0),
    )
    assert [r.applied for r in results] == [True, False, False]
    final = results[-1].case
    assert final.status == CONFIRMED
    assert final.decided_by == MODERATOR
    assert final.decision == Decision(True, 3600)
    actions = [a.action for a in await core.review.audit(GUILD, case.case_id)]
    assert actions.count("confirmed") == 1
    assert "dismissed" not in actions


async def test_claim_then_decide_and_no_second_claim(core: Core) -> None:
    case = await opened(core, 1)
    assert (await core.review.claim(GUILD, case.case_id, MODERATOR, 1001.0)).applied
    second = await core.review.claim(GUILD, case.case_id, OTHER_MOD, 1002.0)
    assert not second.applied
    assert second.case.claimed_by == MODERATOR
    dismissed = await core.review.dismiss(GUILD, case.case_id, OTHER_MOD, 1003.0)
    assert dismissed.applied
    assert dismissed.case.status == DISMISSED
    assert dismissed.case.closed_at == 1003.0
    audit = await core.review.audit(GUILD, case.case_id)
    assert [(a.action, a.actor_id) for a in audit] == [
        ("opened", None),
        ("claimed", MODERATOR),
        ("dismissed", OTHER_MOD),
    ]


async def test_a_case_of_another_guild_is_invisible(core: Core) -> None:
    await core.ensure_guild(2)
    case = await opened(core, 1, guild=2)
    assert await core.review.get(GUILD, case.case_id) is None
    with pytest.raises(LookupError):
        await core.review.confirm(GUILD, case.case_id, MODERATOR, 1001.0)
    assert (await core.review.get(2, case.case_id)).status == PENDING  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ReviewAction.CLAIM, CLAIMED),
        (ReviewAction.CONFIRM, CONFIRMED),
        (ReviewAction.DISMISS, DISMISSED),
    ],
)
async def test_decide_does_what_the_action_names(
    core: Core, action: ReviewAction, status: str
) -> None:
    case = await opened(core, 1)
    result = await core.review.decide(GUILD, case.case_id, action, MODERATOR, 1001.0)
    assert result.applied
    assert result.case.status == status


@pytest.mark.parametrize("action", ["act", "bogus", ""])
async def test_decide_refuses_an_unknown_action_and_changes_nothing(
    core: Core, action: str
) -> None:
    case = await opened(core, 1)
    with pytest.raises(ValueError, match="unknown review action"):
        await core.review.decide(GUILD, case.case_id, action, MODERATOR, 1001.0)  # type: ignore[arg-type]
    after = await core.review.get(GUILD, case.case_id)
    assert after is not None
    assert after.status == PENDING
    assert [a.action for a in await core.review.audit(GUILD, case.case_id)] == ["opened"]


@pytest.mark.parametrize(
    ("decide", "expected_outcome", "expected_status"),
    [
        (None, "noted", PENDING),
        ("confirm", "reopened", REOPENED),
        ("dismiss", "dismissed", DISMISSED),
    ],
)
async def test_appeal(
    core: Core, decide: str | None, expected_outcome: str, expected_status: str
) -> None:
    case = await opened(core, 1)
    if decide == "confirm":
        await core.review.confirm(GUILD, case.case_id, MODERATOR, 1001.0)
    elif decide == "dismiss":
        await core.review.dismiss(GUILD, case.case_id, MODERATOR, 1001.0)
    result = await core.review.appeal(case.case_id, MEMBER, "  pagavo, giuro  ", 1002.0)
    assert result.outcome == expected_outcome
    assert result.case is not None
    assert result.case.status == expected_status
    if result.applied:
        assert result.case.appeal_note == "pagavo, giuro"
        assert result.case.closed_at is None


async def test_only_the_author_appeals_and_only_once(core: Core) -> None:
    case = await opened(core, 1)
    assert (await core.review.appeal(case.case_id, MODERATOR, "no", 1001.0)).outcome == (
        "not_author"
    )
    assert (await core.review.appeal(case.case_id, MEMBER, "primo", 1002.0)).applied
    again = await core.review.appeal(case.case_id, MEMBER, "secondo", 1003.0)
    assert again.outcome == "already"
    assert again.case is not None
    assert again.case.appeal_note == "primo"
    assert (await core.review.appeal(999, MEMBER, "x", 1004.0)).outcome == "not_found"


async def test_a_reopened_case_can_be_decided_again(core: Core) -> None:
    case = await opened(core, 1)
    await core.review.confirm(GUILD, case.case_id, MODERATOR, 1001.0)
    await core.review.appeal(case.case_id, MEMBER, "era a pagamento", 1002.0)
    result = await core.review.dismiss(GUILD, case.case_id, OTHER_MOD, 1003.0)
    assert result.applied
    assert result.case.status == DISMISSED
    assert result.case.decided_by == OTHER_MOD


async def test_deleting_the_message_drops_its_text_only(core: Core) -> None:
    case = await opened(core, 1)
    await core.review.appeal(case.case_id, MEMBER, "nota", 1001.0)
    dropped = await core.review.message_deleted(GUILD, 1, 1002.0)
    assert dropped is not None
    assert dropped.text is None
    assert dropped.text_dropped == "deleted"
    assert dropped.message_deleted
    assert (dropped.author_id, dropped.score, dropped.rules) == (MEMBER, 1.5, ("gratis", "logo"))
    assert await core.review.message_deleted(GUILD, 1, 1003.0) is None
    assert await core.review.message_deleted(GUILD, 424242, 1003.0) is None
    audit = [a.action for a in await core.review.audit(GUILD, case.case_id)]
    assert audit[-1] == "message_deleted"


@pytest.mark.parametrize("days", [0, -5, 3651, "30"])
async def test_retention_out_of_range_is_refused_by_the_core_and_nothing_changes(
    core: Core, days: object
) -> None:
    await core.review.update_settings(GUILD, retention_days=30)
    with pytest.raises(UserFacingError, match="3650"):
        await core.review.update_settings(GUILD, retention_days=days)
    assert (await core.review.settings(GUILD)).retention_days == 30


@pytest.mark.parametrize("days", [1, 3650])
async def test_retention_bounds_are_accepted(core: Core, days: int) -> None:
    assert (await core.review.update_settings(GUILD, retention_days=days)).retention_days == days


async def test_retention_purges_closed_cases_only_after_their_period(core: Core) -> None:
    await core.review.update_settings(GUILD, retention_days=30)
    old_closed = await opened(core, 1, now=0.0)
    young_closed = await opened(core, 2, now=0.0)
    old_open = await opened(core, 3, now=0.0)
    old_shadow, _, _ = await core.review.open_case(
        NewCase.of(
            guild_id=GUILD,
            channel_id=10,
            message_id=4,
            author_id=MEMBER,
            text="fammi gratis",
            verdict=StubVerdict(True, 1.0, 1.0, (StubHit("gratis", 1.0, ((6, 12),), True),)),
        ),
        0.0,
    )
    assert not old_shadow.alerted
    await core.review.dismiss(GUILD, old_closed.case_id, MODERATOR, 1 * DAY)
    await core.review.appeal(old_closed.case_id, MEMBER, "nota personale", 1 * DAY)
    await core.review.confirm(GUILD, young_closed.case_id, MODERATOR, 20 * DAY)

    purged = await core.review.purge_expired(40 * DAY)
    assert {c.case_id for c in purged} == {old_closed.case_id, old_shadow.case_id}
    after = {cid: await core.review.get(GUILD, cid) for cid in (1, 2, 3, 4)}
    assert after[old_closed.case_id].text is None  # type: ignore[union-attr]
    assert after[old_closed.case_id].text_dropped == "retention"  # type: ignore[union-attr]
    assert after[young_closed.case_id].text is not None  # type: ignore[union-attr]
    assert after[old_open.case_id].text is not None  # type: ignore[union-attr]
    assert await core.review.purge_expired(40 * DAY) == []
    assert {c.case_id for c in await core.review.purge_expired(60 * DAY)} == {young_closed.case_id}


async def test_stats_give_per_rule_precision_and_the_noisiest_rules(core: Core) -> None:
    def case_with(mid: int, rules: list[str]) -> NewCase:
        hits = tuple(StubHit(r, 1.0, ((0, 1),)) for r in rules)
        return NewCase.of(
            guild_id=GUILD,
            channel_id=10,
            message_id=mid,
            author_id=MEMBER,
            text="x",
            verdict=StubVerdict(True, 1.0, 1.0, hits),
        )

    plan = [
        (["gratis", "logo"], "confirm"),
        (["gratis"], "confirm"),
        (["gratis", "sito"], "dismiss"),
        (["sito"], "dismiss"),
        (["logo"], None),
    ]
    for mid, (rules, decision) in enumerate(plan, start=1):
        case, _, _ = await core.review.open_case(case_with(mid, rules), 0.0)
        if decision == "confirm":
            await core.review.confirm(GUILD, case.case_id, MODERATOR, 1.0)
        elif decision == "dismiss":
            await core.review.dismiss(GUILD, case.case_id, MODERATOR, 1.0)
    stats = await core.review.stats(GUILD)
    by_rule = {r.rule: r for r in stats.rules}
    assert (by_rule["gratis"].cases, by_rule["gratis"].confirmed, by_rule["gratis"].dismissed) == (
        3,
        2,
        1,
    )
    assert by_rule["gratis"].precision == pytest.approx(2 / 3)
    assert by_rule["sito"].precision == 0.0
    assert by_rule["logo"].precision == 1.0
    assert [r.rule for r in stats.noisiest] == ["sito", "gratis"]
    assert stats.by_status == {"confirmed": 2, "dismissed": 2, "pending": 1}


async def test_nudge_cooldown_survives_a_restart(core: Core) -> None:
    review = core.review
    cooldown = review.nudge_cooldown_s
    t0 = time.time()  # load() keeps the nudges still within their cooldown by the wall clock
    first, _, nudged = await review.open_case(new_case(1), t0, nudge=True)
    assert nudged
    assert "nudged" in [a.action for a in await review.audit(GUILD, first.case_id)]
    assert not (await review.open_case(new_case(2), t0 + 60, nudge=True))[2]
    assert (await review.open_case(new_case(3, author=OTHER_MOD), t0 + 60, nudge=True))[2]

    fresh = ReviewService(core.db, core.guilds, nudge_cooldown_s=cooldown)
    await fresh.load()
    assert not (await fresh.open_case(new_case(4), t0 + 120, nudge=True))[2]
    assert (await fresh.open_case(new_case(5), t0 + cooldown + 1, nudge=True))[2]
    # A replayed message neither opens a case nor takes the member's next nudge.
    _, created, replayed = await fresh.open_case(new_case(5), t0 + 3 * cooldown, nudge=True)
    assert (created, replayed) == (False, False)
    assert (await fresh.open_case(new_case(6), t0 + 3 * cooldown, nudge=True))[2]


async def test_the_edit_index_is_rebuilt_at_start(core: Core) -> None:
    case = await opened(core, 77)
    fresh = ReviewService(core.db, core.guilds)
    assert fresh.known(GUILD, 77) is None
    await fresh.load()
    known = fresh.known(GUILD, 77)
    assert known is not None
    assert known.case_id == case.case_id
    assert known.signature == case.signature


async def test_an_edit_with_a_new_alert_reopens_a_dismissed_case(core: Core) -> None:
    case = await opened(core, 1)
    await core.review.dismiss(GUILD, case.case_id, MODERATOR, 1001.0)
    verdict = StubPolicy().evaluate(GUILD, "fammi il sito gratis")
    updated = await core.review.update_verdict(
        case.case_id,
        NewCase.of(
            guild_id=GUILD,
            channel_id=10,
            message_id=1,
            author_id=MEMBER,
            text="fammi il sito gratis",
            verdict=verdict,
        ),
        1002.0,
    )
    assert updated is not None
    assert updated.status == REOPENED
    assert updated.edited
    assert updated.signature == signature(verdict)
    assert set(updated.rules) == {"gratis", "fammi", "sito"}
    stats = {r.rule for r in (await core.review.stats(GUILD)).rules}
    assert stats == {"gratis", "fammi", "sito"}


async def test_backtest_reports_what_a_policy_would_change(core: Core) -> None:
    kept = await opened(core, 1, text="logo gratis")
    fixed = await opened(core, 2, text="sito gratis")
    gone = await opened(core, 3, text="gratis")
    await core.review.dismiss(GUILD, fixed.case_id, MODERATOR, 1.0)
    await core.review.confirm(GUILD, kept.case_id, MODERATOR, 1.0)
    await core.review.message_deleted(GUILD, 3, 2.0)

    stricter = StubPolicy(keywords={"gratis": 0.6, "logo": 0.6})
    report = await core.review.backtest(GUILD, stricter.evaluate_texts)
    assert report.skipped_without_text == 1
    assert {r.case_id for r in report.rows} == {kept.case_id, fixed.case_id}
    assert [r.case_id for r in report.would_stop_alerting] == [fixed.case_id]
    assert report.false_positives_fixed == 1
    assert report.confirmed_lost == 0
    assert gone.case_id not in {r.case_id for r in report.rows}


async def test_settings_are_cached_and_an_unconfigured_guild_is_read_again(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.review import service

    await core.review.update_settings(GUILD, review_channel_id=None)
    await core.guilds.update_settings(GUILD, review_channel_id=55)  # behind the cache
    monkeypatch.setattr(service, "UNCONFIGURED_RECHECK_S", 3600.0)
    assert (await core.review.settings(GUILD)).review_channel_id is None
    monkeypatch.setattr(service, "UNCONFIGURED_RECHECK_S", 0.0)
    assert (await core.review.settings(GUILD)).review_channel_id == 55
    await core.guilds.update_settings(GUILD, review_channel_id=66)
    assert (await core.review.settings(GUILD)).review_channel_id == 55  # configured: cached
    await core.review.update_settings(GUILD, nudge_mode="dm")
    assert (await core.review.settings(GUILD)).review_channel_id == 66


def count_writes(core: Core) -> list[object]:
    """The transactions the review store sends to the database thread from now on."""
    writes: list[object] = []
    run_sync = core.db.run_sync

    async def counting(fn: Any) -> object:
        writes.append(fn)
        return await run_sync(fn)

    core.db.run_sync = counting  # type: ignore[method-assign]
    return writes


async def test_cases_opened_at_once_share_an_insert_and_stay_one_per_message(
    core: Core,
) -> None:
    writes = count_writes(core)
    ids = [1, 2, 3, 2, 4, 1]
    opened = await asyncio.gather(*(core.review.open_case(new_case(i), 5.0) for i in ids))
    created = [(case.message_id, was_created) for case, was_created, _ in opened]
    assert created == [(1, True), (2, True), (3, True), (2, False), (4, True), (1, False)]
    assert opened[0][0].case_id == opened[5][0].case_id
    assert opened[1][0].case_id == opened[3][0].case_id
    assert len(writes) == 1  # one transaction for the six
    counts = await core.review.counts(GUILD)
    assert counts == {"pending": 4}
    audit = await core.review.audit(GUILD, opened[0][0].case_id)
    assert [a.action for a in audit] == ["opened"]


async def test_concurrent_settings_reads_share_one_query(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    core.review._settings.clear()
    reads = []
    original = core.guilds.settings

    async def counted(guild_id: int) -> object:
        reads.append(guild_id)
        await asyncio.sleep(0.01)
        return await original(guild_id)

    monkeypatch.setattr(core.guilds, "settings", counted)
    results = await asyncio.gather(*(core.review.settings(GUILD) for _ in range(20)))
    assert reads == [GUILD]
    assert {r.review_channel_id for r in results} == {results[0].review_channel_id}
    assert results[0].configured
    await core.review.settings(GUILD)
    assert reads == [GUILD]  # cached afterwards


async def test_review_posts_are_recorded_in_the_cases_group_commit(core: Core) -> None:
    first, _, _ = await core.review.open_case(new_case(1), 5.0)
    writes = count_writes(core)
    # A post recorded while new cases are opened: one transaction for both, in order.
    _, (second, created, _) = await asyncio.gather(
        core.review.set_review_post([first.case_id], 77, 9001),
        core.review.open_case(new_case(2), 6.0),
    )
    assert created
    assert len(writes) == 1
    on_post = await core.review.cases_on_post(9001)
    assert [c.case_id for c in on_post] == [first.case_id]
    assert on_post[0].review_channel_id == 77
    assert (await core.review.get(GUILD, second.case_id)).review_message_id is None  # type: ignore[union-attr]


async def test_a_failed_group_write_fails_every_waiter_and_the_next_one_works(
    core: Core,
) -> None:
    run_sync = core.db.run_sync
    failures = iter([RuntimeError("disk I/O error")])

    async def failing_once(fn: Any) -> object:
        error = next(failures, None)
        if error is not None:
            raise error
        return await run_sync(fn)

    core.db.run_sync = failing_once  # type: ignore[method-assign]
    results = await asyncio.gather(
        core.review.open_case(new_case(1), 5.0),
        core.review.set_review_post([1], 77, 9001),
        return_exceptions=True,
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    _, created, _ = await core.review.open_case(new_case(1), 6.0)
    assert created  # the writer carries on after a failed batch; the case was not recorded
