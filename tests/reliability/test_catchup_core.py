"""The catch-up core without Discord: cursors move forward only, on what the pipeline evaluated,
and unposted cases are found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from bot.intake.pipeline import IncomingMessage, Outcome, Skip
from tests.reliability.helpers import flagged_text

GUILD, CHANNEL, REVIEW = 11, 22, 33


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    core = await Core.open(Settings(db_path=tmp_path / "rete.db"))
    await core.ensure_guild(GUILD, "Accademia")
    try:
        yield core
    finally:
        await core.close()


def outcome(message_id: int, *, channel: int = CHANNEL, skipped: Skip | None = None) -> Outcome:
    msg = IncomingMessage(GUILD, channel, message_id, author_id=5, text="ciao")
    return Outcome(msg, skipped=skipped)


async def test_cursors_move_forward_only_and_survive_a_new_core(core: Core, tmp_path: Path) -> None:
    core.catchup.seen(outcome(100))
    core.catchup.seen(outcome(90))  # handled late (concurrent handlers): never moves back
    assert await core.catchup.cursors(GUILD) == {CHANNEL: 100}  # before any write, too
    assert await core.catchup.flush() == 1
    assert await core.catchup.flush() == 0
    core.catchup.seen(outcome(95))
    await core.catchup.flush()
    assert await core.catchup.store.cursors(GUILD) == {CHANNEL: 100}  # written, not pending
    again = await Core.open(Settings(db_path=tmp_path / "rete.db"))
    try:
        assert await again.catchup.cursors(GUILD) == {CHANNEL: 100}
    finally:
        await again.close()


@pytest.mark.parametrize("skipped", [Skip.BOT, Skip.DM, Skip.REVIEW_CHANNEL])
async def test_what_is_never_evaluated_moves_no_cursor(core: Core, skipped: Skip) -> None:
    core.catchup.seen(outcome(100, channel=REVIEW, skipped=skipped))
    assert await core.catchup.cursors(GUILD) == {}


async def test_unposted_cases_are_the_open_alerted_ones_without_a_post(core: Core) -> None:
    await core.review.update_settings(GUILD, review_channel_id=REVIEW)
    outcomes = []
    for i in range(3):
        msg = IncomingMessage(GUILD, CHANNEL, 1000 + i, author_id=5 + i, text=flagged_text(i))
        outcomes.append(await core.pipeline.process(msg, now=1_000_000.0 + i))
    cases = [o.case for o in outcomes]
    assert all(c is not None and c.alerted for c in cases)
    ids = [c.case_id for c in cases if c is not None]
    await core.review.set_review_post([ids[0]], REVIEW, 5000)
    assert await core.catchup.unposted(GUILD, 1_000_010.0) == ids[1:]
    assert await core.catchup.unposted(GUILD, 1_000_000.0 + 3 * 24 * 3600) == []  # too old
