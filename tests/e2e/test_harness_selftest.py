"""HARNESS SELF-TEST: the fake and the fixtures deliver what features need, through the real
client — a member's message answered, a persistent button clicked before and after a restart,
a dropped gateway resumed with nothing lost or doubled, Discord's deadline and retries.

It uses tests/e2e/harness_ext.py (test-only); product features get their own e2e tests.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot import texts
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.harness_ext import ECHO_EMOJI, ECHO_PREFIX
from tests.fakediscord import Call, FakeDiscord, routes


@pytest.fixture
def rete_extensions() -> tuple[str, ...]:
    return ("tests.e2e.harness_ext",)


def reactions_by_message(fake: FakeDiscord) -> Counter[int]:
    return Counter(
        c.param("message_id")
        for c in fake.calls_to(*routes.ADD_REACTION)
        if c.status == 204 and c.params["emoji"] == ECHO_EMOJI
    )


async def send_echoes(fake: FakeDiscord, count: int, label: str) -> list[int]:
    return [
        await fake.send_message("generale", fake.regular, f"{ECHO_PREFIX} {label} {i}")
        for i in range(count)
    ]


async def test_member_message_gets_the_bots_reaction(rete: ReteHarness, fake: FakeDiscord) -> None:
    message_id = await fake.send_message("generale", fake.regular, f"{ECHO_PREFIX} ciao")
    call = await fake.wait_for(*routes.ADD_REACTION)
    assert call.status == 204
    assert call.param("message_id") == message_id
    assert fake.messages[message_id].reactions[ECHO_EMOJI] == {fake.bot_user.id}


async def post_button(fake: FakeDiscord, n: int) -> int:
    it = await fake.slash(fake.moderator, "harness-button", {"n": n})
    message = await it.reply()
    assert not message.ephemeral
    assert message.custom_ids() == [f"rete:harness:{n}"]
    return message.id


async def test_button_click_is_handled(rete: ReteHarness, fake: FakeDiscord) -> None:
    message_id = await post_button(fake, 7)
    click = await fake.click(fake.regular, message_id, "rete:harness:7")
    updated = await click.reply()
    assert updated.id == message_id
    assert updated.content == f"bottone 7 premuto da {fake.regular.id}"


async def test_persistent_button_still_works_after_a_restart(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    message_id = await post_button(fake, 42)
    first_bot = rete.bot
    await rete.restart()
    assert rete.bot is not first_bot
    assert rete.starts == 2
    click = await fake.click(fake.admin, message_id, "rete:harness:42")
    assert (await click.reply()).content == f"bottone 42 premuto da {fake.admin.id}"
    rows = await rete.core.db.fetchall("SELECT guild_id FROM guilds")
    assert [r["guild_id"] for r in rows] == [fake.guild.id]


@pytest.mark.parametrize("abort", [False, True], ids=["close-frame", "tcp-abort"])
async def test_dropped_gateway_resumes_with_nothing_lost_or_doubled(
    rete: ReteHarness, fake: FakeDiscord, abort: bool
) -> None:
    before = await send_echoes(fake, 5, "before")
    await eventually(lambda: len(reactions_by_message(fake)) == 5)
    mark = fake.gateway_mark()
    await fake.drop_gateway(abort=abort)
    during = await send_echoes(fake, 20, "during")  # buffered: the bot is not connected
    resumed = await fake.wait_gateway("RESUMED", since=mark)
    after = await send_echoes(fake, 5, "after")
    expected = before + during + after
    await eventually(lambda: len(reactions_by_message(fake)) == len(expected))
    await fake.expect_no_call(*routes.ADD_REACTION, since=len(fake.calls), within=0.2)
    counts = reactions_by_message(fake)
    assert set(counts) == set(expected)
    assert set(counts.values()) == {1}
    kinds = [e.kind for e in fake.gateway.log[mark:]]
    assert "RESUME" in kinds
    assert "IDENTIFY" not in kinds
    assert resumed.detail["replayed"] >= len(during)


async def test_invalidated_session_identifies_afresh(rete: ReteHarness, fake: FakeDiscord) -> None:
    mark = fake.gateway_mark()
    # is_ready() stays True across a re-IDENTIFY: wait for the new on_ready itself.
    ready_again = rete.bot.wait_for("ready", timeout=5)
    await fake.invalidate_session()
    await ready_again
    message_id = await fake.send_message("generale", fake.regular, f"{ECHO_PREFIX} di nuovo")
    assert (await fake.wait_for(*routes.ADD_REACTION)).param("message_id") == message_id
    assert [e.kind for e in fake.gateway.log[mark:]].count("IDENTIFY") == 1


async def test_reconnect_request_resumes(rete: ReteHarness, fake: FakeDiscord) -> None:
    mark = fake.gateway_mark()
    await fake.request_reconnect()
    await fake.wait_gateway("RESUMED", since=mark)
    message_id = await fake.send_message("generale", fake.regular, f"{ECHO_PREFIX} op7")
    assert (await fake.wait_for(*routes.ADD_REACTION)).param("message_id") == message_id


async def test_late_first_response_gets_unknown_interaction(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    fake.expect_violations()
    fake.interaction_deadline = 0.2
    it = await fake.slash(fake.regular, "harness-slow", {"seconds": 0.4})

    def late(call: Call) -> bool:
        return it.token in call.path and call.status == 404

    refused = await fake.wait_for(*routes.CALLBACK, where=late)
    assert refused.response["code"] == 10062
    assert next(v.rule for v in fake.violations) == "first response deadline"
    assert not it.responded
    fake.interaction_deadline = 3.0  # the bot keeps working
    assert (await (await fake.slash(fake.regular, "help")).reply()).ephemeral


async def test_rate_limited_callback_is_retried(rete: ReteHarness, fake: FakeDiscord) -> None:
    fake.fail_next(*routes.CALLBACK, status=429, retry_after=0.05)
    it = await fake.slash(fake.regular, "help")
    assert (await it.reply()).embeds[0]["title"] == texts.HELP_TITLE
    statuses = [c.status for c in fake.calls_to(*routes.CALLBACK)]
    assert statuses == [429, 200]


async def test_server_error_on_send_is_retried(rete: ReteHarness, fake: FakeDiscord) -> None:
    fake.fail_next(*routes.SEND_MESSAGE, status=502)
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    ok = await fake.wait_for(*routes.SEND_MESSAGE, where=lambda c: c.status == 200)
    assert ok.json["content"].startswith(texts.SYNC_DONE.split("{")[0])
    assert [c.status for c in fake.calls_to(*routes.SEND_MESSAGE)] == [502, 200]
    await asyncio.sleep(0)
