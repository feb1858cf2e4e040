"""Permission checks, evaluated at the time of use (commands, buttons and the dashboard alike)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot import texts
from cogs._replies import reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)
T = TypeVar("T")


class NotModerator(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__(texts.NOT_MODERATOR)


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Messages in this channel, Administrator, or the bot's owner.

    Read from the interaction itself (`permissions` are computed by Discord for this user in
    this channel at the moment of the click), never from a cache, so a moderator whose role
    was removed a minute ago is refused.
    """
    bot: ReteBot = interaction.client
    if interaction.user.id in (bot.owner_ids or ()) or interaction.user.id == bot.owner_id:
        return True
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        return False
    perms = interaction.permissions
    return perms.administrator or perms.manage_messages


def moderators_only() -> Callable[[T], T]:
    """An app_commands check: refuses (ephemerally, through the tree's on_error) non-moderators.

    Typed as a decorator that keeps what it decorates (app_commands.check's own type is not one
    mypy --strict accepts on a command method).
    """

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not is_moderator(interaction):
            raise NotModerator()
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check


def can_post_reviews(channel: discord.abc.GuildChannel | discord.Thread | None) -> bool:
    """Whether Rete can post review cases in `channel`: a text channel where it can see, write
    and embed links (a review post is an embed). The one rule for `/setup review-channel` and the
    dashboard's settings page, so the two cannot drift.

    Read from the server as the gateway keeps it (role and channel changes arrive as events).
    When Rete's own member is not known, nothing is refused, as `/setup` always did.
    """
    if not isinstance(channel, discord.TextChannel):
        return False
    me: discord.Member | None = channel.guild.me  # typed Member, None when not cached
    if me is None:
        return True
    perms = channel.permissions_for(me)
    return perms.view_channel and perms.send_messages and perms.embed_links


async def refuse(interaction: discord.Interaction[Any], what: str) -> None:
    """An ephemeral refusal, logged; nothing else happens."""
    log.info("refused %s to user %s in guild %s", what, interaction.user.id, interaction.guild_id)
    await reply(interaction, str(texts.NOT_MODERATOR))


async def moderator_check(interaction: discord.Interaction[Any], what: str) -> bool:
    if interaction.guild_id is not None and is_moderator(interaction):
        return True
    await refuse(interaction, what)
    return False
