"""Discord misbehaving through the fake: 429s, 5xx, a dropped gateway, an invalidated session,
a refused post. The bot backs off and retries; every case is posted exactly once."""

from __future__ import annotations

import pytest

from bot.review import ReviewService
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import configure, in_channel
from tests.fakediscord import FakeDiscord, routes
from tests.reliability.helpers import CLEAN, all_posted, flagged_text, review_counts


async def burst(fake: FakeDiscord, start: int, count: int) -> list[int]:
    members = [fake.member(f"autore{start + i}") for i in range(count)]
    return [
        await fake.send_message("generale", member, flagged_text(start + i))
        for i, member in enumerate(members)
    ]


@pytest.mark.parametrize(
    ("status", "times"),
    [(429, 3), (500, 1), (502, 1)],
    ids=["429-retry-after", "500", "502"],
)
async def test_review_posts_survive_rate_limits_and_server_errors(
    rete: ReteHarness, fake: FakeDiscord, status: int, times: int
) -> None:
    await configure(fake)
    fake.fail_next(
        *routes.SEND_MESSAGE,
        times=times,
        status=status,
        retry_after=0.3,
        where=in_channel(fake, "moderazione"),
    )
    sent = await burst(fake, 0, 8)
    await all_posted(fake, sent)
    refused = [c for c in fake.calls_to(*routes.SEND_MESSAGE) if c.status == status]
    assert len(refused) == times  # the faults did happen, and were retried past


async def test_a_dropped_gateway_mid_burst_resumes_with_nothing_lost_or_doubled(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    sent = await burst(fake, 0, 5)
    mark = fake.gateway_mark()
    await fake.drop_gateway(abort=True)  # the network fails: no close frame
    sent += await burst(fake, 5, 5)  # dispatched while the bot is away: replayed on RESUME
    await fake.wait_gateway("RESUMED", since=mark, timeout=10)
    sent += await burst(fake, 10, 5)
    await all_posted(fake, sent)


async def test_an_invalidated_session_catches_up_from_the_channel_history(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    sent = await burst(fake, 0, 5)
    await all_posted(fake, sent)
    ready = rete.bot.wait_for("ready", timeout=10)
    mark = fake.gateway_mark()
    await fake.invalidate_session()  # op 9: a new session, nothing replayed
    sent += await burst(fake, 5, 5)  # written before the new IDENTIFY: no event reaches the bot
    await fake.send_message("generale", fake.regular, CLEAN)
    await fake.wait_gateway("IDENTIFY", since=mark, timeout=10)
    await ready
    sent += await burst(fake, 10, 3)
    await all_posted(fake, sent)
    assert len(review_counts(fake)) == 13


async def test_a_post_discord_refused_is_made_at_the_next_start(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    fake.fail_next(*routes.SEND_MESSAGE, status=403, where=in_channel(fake, "moderazione"))
    lost = await burst(fake, 0, 1)
    await fake.wait_for(*routes.SEND_MESSAGE, where=lambda c: c.status == 403)
    await rete.idle()
    assert not review_counts(fake)  # recorded, not posted
    await rete.restart()
    await all_posted(fake, lost)


async def test_a_post_whose_id_was_not_recorded_is_found_not_doubled(
    rete: ReteHarness, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies between Discord taking the post and the database noting its id."""
    await configure(fake)

    async def crash_before_recording(*args: object) -> None:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(ReviewService, "set_review_post", crash_before_recording)
    # One case: with more, the rest of the batch queue waits for the next case (see report).
    sent = await burst(fake, 0, 1)
    await eventually(lambda: set(sent) <= set(review_counts(fake)))
    await rete.idle()
    monkeypatch.undo()
    posts = len(fake.bot_messages("moderazione"))
    await rete.restart()
    await rete.idle()
    await all_posted(fake, sent)
    assert len(fake.bot_messages("moderazione")) == posts  # found, not posted again
    # …and the case now knows its post: a decision edits that post.
    post = fake.bot_messages("moderazione")[0]
    case_id = int(post.custom_ids()[0].rsplit(":", 1)[1])

    async def recorded() -> bool:
        case = await rete.core.review.get(fake.guild.id, case_id)
        return case is not None and case.review_message_id == post.id

    await eventually(recorded)
    assert len(fake.bot_messages("moderazione")) == posts
