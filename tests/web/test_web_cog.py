"""The Discord side of the dashboard: a web server that cannot start says why in one line; who
may moderate is asked of Discord at each page or change, and a poll may rest on a recent yes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import discord
from discord.ext import commands

from bot.client import login_failure
from bot.errors import UserFacingError
from cogs.web import DiscordPermissions


def test_a_feature_that_cannot_start_says_why() -> None:
    failed = commands.ExtensionFailed(
        "cogs.web", UserFacingError("RETE_WEB_HOST/RETE_WEB_PORT 127.0.0.1:8080: Address in use")
    )
    assert login_failure(failed) == "RETE_WEB_HOST/RETE_WEB_PORT 127.0.0.1:8080: Address in use"
    assert login_failure(commands.ExtensionFailed("cogs.web", RuntimeError("boom"))) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class Guild:
    """discord.Guild as DiscordPermissions uses it: fetch_member counts Discord's REST calls."""

    def __init__(self, guild_id: int) -> None:
        self.id = guild_id
        self.moderators: set[int] = set()
        self.fetches = 0

    async def fetch_member(self, user_id: int) -> SimpleNamespace:
        self.fetches += 1
        perms = discord.Permissions(manage_messages=user_id in self.moderators)
        return SimpleNamespace(guild_permissions=perms)


def permissions(guild: Guild, clock: Clock) -> DiscordPermissions:
    bot = SimpleNamespace(
        get_guild=lambda guild_id: guild if guild_id == guild.id else None,
        owner_ids=None,
        owner_id=1,
    )
    return DiscordPermissions(cast(Any, bot), clock=clock)


async def test_a_page_or_a_change_always_asks_discord_a_poll_may_rest_on_a_recent_yes() -> None:
    guild, clock = Guild(10), Clock()
    guild.moderators.add(7)
    perms = permissions(guild, clock)
    assert await perms.can_moderate(10, 7)
    assert await perms.can_moderate(10, 7)
    assert guild.fetches == 2  # no `within`: asked each time
    assert await perms.can_moderate(10, 7, within=15)
    assert guild.fetches == 2  # the poll rests on the yes of a moment ago
    clock.now += 16
    assert await perms.can_moderate(10, 7, within=15)
    assert guild.fetches == 3  # too old: asked again


async def test_a_removed_role_stops_the_polls_once_discord_says_no() -> None:
    guild, clock = Guild(10), Clock()
    guild.moderators.add(7)
    perms = permissions(guild, clock)
    assert await perms.can_moderate(10, 7)
    guild.moderators.clear()
    assert not await perms.can_moderate(10, 7)  # a page opened asks, and hears no
    assert not await perms.can_moderate(10, 7, within=15)  # a no is never remembered as a yes
    assert guild.fetches == 3
    assert not await perms.can_moderate(11, 7, within=15)  # not a server Rete is in
    assert guild.fetches == 3


async def test_the_remembered_yeses_are_bounded() -> None:
    guild, clock = Guild(10), Clock()
    perms = permissions(guild, clock)
    guild.moderators.update(range(100, 100 + DiscordPermissions.REMEMBERED_MAX + 5))
    for user in sorted(guild.moderators):
        assert await perms.can_moderate(10, user)
    fetched = guild.fetches
    assert await perms.can_moderate(10, 100, within=15)  # among the oldest: forgotten
    assert await perms.can_moderate(10, 100 + DiscordPermissions.REMEMBERED_MAX, within=15)
    assert guild.fetches == fetched + 1
