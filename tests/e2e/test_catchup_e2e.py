"""Catch-up after downtime, end to end: what was written while Rete was down is posted for review
a few cases to a post (as a live burst is), and its authors are not nudged unless the operator
asked for nudges on recent messages (RETE_CATCHUP_NUDGE_MINUTES)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cogs._review_embeds import CASES_PER_POST
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import configure, in_channel
from tests.fakediscord import FakeDiscord, routes
from tests.reliability.helpers import CLEAN, all_posted, flagged_text

WHILE_DOWN = 7


async def downtime(rete: ReteHarness, fake: FakeDiscord) -> tuple[list[int], int]:
    """/setup, a message the bot saw, a stop, WHILE_DOWN requests written meanwhile, a start.
    Returns the requests' ids and the call-log mark taken at the restart."""
    await configure(fake)
    generale = fake.channel("generale").id
    seen = await fake.send_message("generale", fake.regular, CLEAN)
    await eventually(lambda: _cursor_at(rete, generale, seen))
    await rete.stop()
    members = [fake.member(f"socio{i}") for i in range(WHILE_DOWN)]
    down = [
        await fake.send_message("generale", members[i], flagged_text(i)) for i in range(WHILE_DOWN)
    ]
    mark = fake.mark()
    await rete.start()
    return down, mark


async def _cursor_at(rete: ReteHarness, channel_id: int, message_id: int) -> bool:
    cursors = await rete.core.catchup.cursors(rete.bot.guilds[0].id)
    return cursors.get(channel_id) == message_id


def review_posts(fake: FakeDiscord, since: int) -> list[Any]:
    return fake.calls_to(*routes.SEND_MESSAGE, where=in_channel(fake, "moderazione"), since=since)


async def test_caught_up_cases_are_posted_in_batches_without_nudges(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    down, mark = await downtime(rete, fake)
    await all_posted(fake, down)
    await rete.idle()
    posts = review_posts(fake, mark)
    # The first case goes out at once, the others together: not one post per case.
    assert len(posts) <= 1 + math.ceil((WHILE_DOWN - 1) / CASES_PER_POST)
    nudges = fake.calls_to(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"), since=mark)
    assert nudges == []
    cases = await rete.core.review.pending(fake.guild.id)
    assert {c.message_id for c in cases} >= set(down)


@pytest.mark.parametrize("rete_settings", [{"catchup_nudge_max_age_s": 3600.0}])
async def test_recent_caught_up_messages_are_nudged_when_configured(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    down, mark = await downtime(rete, fake)
    await all_posted(fake, down)

    def nudges_sent() -> list[Any]:
        return fake.calls_to(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"), since=mark)

    await eventually(lambda: len(nudges_sent()) >= WHILE_DOWN)
    nudges = nudges_sent()
    replied = {int(c.json["message_reference"]["message_id"]) for c in nudges}
    assert replied == set(down)
    await rete.idle()
