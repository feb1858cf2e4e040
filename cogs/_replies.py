"""The one reply and error path of Discord: commands (through the tree's on_error), buttons,
selects and modals all answer with `reply`, and report a failure with `send_error` or
`answer_error` (a UserFacingError as it is, anything else logged and answered generically)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from bot import limits, texts
from bot.errors import UserFacingError

log = logging.getLogger(__name__)


def mention(user_id: int | None, *, nobody: str) -> str:
    """A user as Discord shows them, or `nobody` (Rete itself, no one). It never pings: every
    message Rete sends has allowed_mentions none."""
    return f"<@{user_id}>" if user_id else nobody


async def reply(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = True,
) -> None:
    """Send `content` as the response, or as a followup once the response is done."""
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = limits.message_content(content)
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def send_error(interaction: discord.Interaction[Any], message: str) -> None:
    """An ephemeral reply that works whether or not the interaction was already answered."""
    message = limits.message_content(message)  # errors may quote what the user typed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not send an error reply for interaction %s", interaction.id)


async def answer_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """A failure of a component or a modal, answered as the tree answers a command's."""
    if isinstance(error, UserFacingError):
        await send_error(interaction, str(error))
        return
    log.error("interaction %s failed", interaction.id, exc_info=error)
    await send_error(interaction, str(texts.GENERIC_ERROR))


async def guarded(interaction: discord.Interaction[Any], work: Awaitable[None]) -> None:
    """Run a component's work; errors reach the user as they do for commands (the tree's
    on_error does not see components, and discord.py would only log them)."""
    try:
        await work
    except Exception as exc:
        await answer_error(interaction, exc)
