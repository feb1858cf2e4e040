"""kill -9 in the middle of a burst, then a restart: nothing lost, nothing posted twice, buttons
working, and what was written while the bot was down evaluated once (catch-up)."""

from __future__ import annotations

import signal

import pytest

from tests.e2e.harness import ReteProcess, eventually
from tests.e2e.test_moderation_e2e import configure
from tests.fakediscord import FakeDiscord, routes
from tests.reliability.helpers import (
    CLEAN,
    all_posted,
    case_status,
    cursor_of,
    flagged_text,
    review_counts,
)

BURST = 40
WHILE_DOWN = 6


async def start_configured(rete_process: ReteProcess, fake: FakeDiscord) -> None:
    await rete_process.start()
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    await fake.wait_for(*routes.SYNC_GUILD, timeout=10)
    await configure(fake)


@pytest.mark.slow
async def test_kill_9_mid_burst_loses_and_doubles_no_case(
    rete_process: ReteProcess, fake: FakeDiscord
) -> None:
    await start_configured(rete_process, fake)
    generale = fake.channel("generale").id
    members = [fake.member(f"socio{i}") for i in range(8)]
    burst = [await fake.send_message("generale", members[0], flagged_text(0))]
    try:
        await eventually(lambda: cursor_of(rete_process.db_path, generale), timeout=10)
    except TimeoutError:
        raise AssertionError(rete_process.logs) from None
    # Discord's real pace (5 messages a second per channel) keeps the burst going a while.
    fake.rate_limit(*routes.SEND_MESSAGE, limit=5, per=1.0)
    posted = len(review_counts(fake))
    for i in range(1, BURST):
        burst.append(await fake.send_message("generale", members[i % 8], flagged_text(i)))
        if i % 10 == 9:
            await fake.send_message("generale", fake.regular, CLEAN)
    # Mid-burst: a post made since the burst began, the rest still on its way.
    await eventually(lambda: len(review_counts(fake)) > posted, timeout=10)
    assert await rete_process.kill() == -signal.SIGKILL
    before = review_counts(fake)
    assert len(before) < BURST, "the burst was over before the kill: the test shows nothing"

    # Written while the bot is dead: only the history has them.
    down = [
        await fake.send_message("generale", members[i % len(members)], flagged_text(BURST + i))
        for i in range(WHILE_DOWN)
    ]
    await fake.send_message("generale", fake.regular, CLEAN)

    await rete_process.start()
    await all_posted(fake, burst + down)
    assert len(review_counts(fake)) == BURST + WHILE_DOWN  # and nothing else was flagged

    # A button on a post made before the crash works on the new process.
    first_post = next(m for m in fake.bot_messages("moderazione") if m.custom_ids())
    dismiss = next(i for i in first_post.custom_ids() if i.startswith("rete:review:dismiss:"))
    case_id = int(dismiss.rsplit(":", 1)[1])
    click = await fake.click(fake.moderator, first_post.id, dismiss)
    assert (await click.response(timeout=10)).status in (200, 204)
    await eventually(lambda: case_status(rete_process.db_path, case_id) == "dismissed")
    assert await rete_process.terminate() == 0
    # Both processes' logs (INFO): ids, never the token or what members wrote.
    assert fake.token not in rete_process.logs
    assert not [i for i in range(BURST + WHILE_DOWN) if flagged_text(i) in rete_process.logs]
    assert "gratis" not in rete_process.logs


@pytest.mark.slow
async def test_messages_written_while_down_are_flagged_once_after_restart(
    rete_process: ReteProcess, fake: FakeDiscord
) -> None:
    await start_configured(rete_process, fake)
    generale = fake.channel("generale").id
    seen = await fake.send_message("generale", fake.regular, CLEAN)
    await eventually(lambda: cursor_of(rete_process.db_path, generale) == seen, timeout=10)
    assert await rete_process.terminate() == 0

    down = [await fake.send_message("generale", fake.regular, flagged_text(i)) for i in range(3)]
    await fake.send_message("generale", fake.moderator, CLEAN)
    await rete_process.start()
    await all_posted(fake, down)
    assert set(review_counts(fake)) == set(down)
    assert cursor_of(rete_process.db_path, generale) is not None
    # A second restart reads from the new cursor: nothing is posted again.
    posts = len(fake.bot_messages("moderazione"))
    await rete_process.restart()
    await fake.send_message("generale", fake.regular, flagged_text(99))
    await eventually(lambda: len(review_counts(fake)) == 4, timeout=10)
    assert all(n == 1 for n in review_counts(fake).values())
    assert len(fake.bot_messages("moderazione")) == posts + 1
    assert await rete_process.terminate() == 0
