"""Retention purges a large backlog in bounded transactions: a flagged message arriving meanwhile
is recorded before the purge ends, and every expired case is still purged exactly once."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.core import Core
from bot.review import NewCase
from bot.review.store import PURGE_CHUNK
from tests.e2e.harness import eventually
from tests.review.helpers import GUILD, MEMBER, StubHit, StubVerdict
from tests.review.test_review_store import DAY, new_case


def shadow_case(message_id: int) -> NewCase:
    """A case only shadow rules matched: never shown, its text expires from its creation."""
    hit = StubHit("gratis", 1.0, ((6, 12),), True)
    return NewCase.of(
        guild_id=GUILD,
        channel_id=10,
        message_id=message_id,
        author_id=MEMBER,
        text="fammi gratis",
        verdict=StubVerdict(True, 1.0, 1.0, (hit,)),
    )


def purged_so_far(core: Core) -> int:
    """Committed purges, read on a connection of its own."""
    with sqlite3.connect(f"file:{core.db.path}?mode=ro", uri=True) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM review_cases WHERE text_dropped = 'retention'"
        ).fetchone()
    return int(count)


async def test_a_large_purge_lets_a_new_case_in_and_purges_everything(core: Core) -> None:
    await core.review.update_settings(GUILD, retention_days=30)
    total = 3 * PURGE_CHUNK + 7
    await asyncio.gather(*(core.review.open_case(shadow_case(i), 0.0) for i in range(1, total + 1)))
    purging = asyncio.ensure_future(core.review.purge_expired(40 * DAY))
    await eventually(lambda: purged_so_far(core) > 0, timeout=30)
    _, created, _ = await core.review.open_case(new_case(10_000), 40 * DAY)
    assert created
    assert not purging.done(), "the new case waited for the whole purge"
    purged = await purging
    assert len({c.case_id for c in purged}) == len(purged)  # each case once
    assert len(purged) == total
    assert purged_so_far(core) == total
    assert await core.review.purge_expired(40 * DAY) == []
