"""User journeys that exist today, through the real client and the fake Discord."""

from __future__ import annotations

import asyncio

import pytest

from bot import texts
from tests.e2e.harness import ReteHarness, eventually
from tests.fakediscord import FakeDiscord, FakeUser, routes


async def guild_row(rete: ReteHarness, guild_id: int) -> str | None:
    row = await rete.core.db.fetchone("SELECT name FROM guilds WHERE guild_id = ?", (guild_id,))
    return None if row is None else str(row["name"])


async def test_login_ready_and_guild_recorded(rete: ReteHarness, fake: FakeDiscord) -> None:
    assert rete.bot.is_ready()
    assert rete.bot.user is not None
    assert rete.bot.user.id == fake.bot_user.id
    assert [g.id for g in rete.bot.guilds] == [fake.guild.id]
    assert await eventually(lambda: guild_row(rete, fake.guild.id)) == fake.guild.name
    kinds = [e.kind for e in fake.gateway.log]
    assert kinds.count("IDENTIFY") == 1
    assert "READY" in kinds
    assert [c.route for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_help_answers_ephemerally(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.regular, "help")
    reply = await it.reply()
    assert reply.ephemeral
    assert reply.embeds[0]["title"] == texts.HELP_TITLE
    assert "**/help**" in reply.embeds[0]["description"]
    assert fake.pinged() == []


async def test_owner_syncs_commands_to_the_guild(rete: ReteHarness, fake: FakeDiscord) -> None:
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    put = await fake.wait_for(*routes.SYNC_GUILD)
    assert put.status == 200
    assert put.param("guild_id") == fake.guild.id
    published = {c["name"] for c in put.json}
    assert published == {c.name for c in rete.bot.tree.get_commands()}
    reply = await fake.wait_for(*routes.SEND_MESSAGE)
    assert reply.param("channel_id") == fake.channel("generale").id
    assert reply.json["content"] == texts.SYNC_DONE.format(count=len(published), scope="guild")
    assert not reply.pings.any


async def test_owner_syncs_globally(rete: ReteHarness, fake: FakeDiscord) -> None:
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync global")
    put = await fake.wait_for(*routes.SYNC_GLOBAL)
    assert put.status == 200
    assert {c["name"] for c in fake.commands[None].values()} == {c["name"] for c in put.json}


@pytest.mark.parametrize("who", ["regular", "moderator", "admin"])
async def test_sync_is_refused_to_everyone_but_the_owner(
    rete: ReteHarness, fake: FakeDiscord, who: str
) -> None:
    user: FakeUser = getattr(fake, who)
    await fake.send_message("generale", user, f"{fake.bot_user.mention} sync global")
    reply = await fake.wait_for(*routes.SEND_MESSAGE)
    assert reply.json["content"] == texts.NOT_OWNER
    assert not reply.pings.any
    assert fake.calls_to("PUT") == []


async def test_a_mention_that_is_not_a_command_is_not_an_error(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.send_message("generale", fake.regular, f"{fake.bot_user.mention} ciao!")
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    await fake.wait_for(*routes.SEND_MESSAGE)  # the later message was handled…
    await asyncio.sleep(0.05)  # …and the earlier one's command error, if any, dispatched
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(fake.calls_to(*routes.SEND_MESSAGE)) == 1  # no answer to a mere mention
