"""Member messages between Discord and the pipeline: an IncomingMessage in, the Outcome done.

Used alike by the live listener (cogs/moderation.py) and catch-up (cogs/catchup.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import limits, texts
from bot.intake.pipeline import IncomingMessage, Nudge, Origin, Outcome
from cogs._knowledge_ui import answer_embed
from cogs._learning_ui import vote_view
from cogs._review_embeds import jump_url
from cogs._review_ui import appeal_view

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

# Messages that are what members write; joins, pins, boosts and the like are not.
CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def is_member_chat(message: discord.Message) -> bool:
    """Written by a member (not a bot or a webhook), as chat (not a join, pin, boost…)."""
    return not message.author.bot and message.webhook_id is None and message.type in CHAT_TYPES


def incoming_from(
    message: discord.Message,
    author: discord.User | discord.Member | None = None,
    *,
    origin: Origin = Origin.LIVE,
    nudge: bool = True,
) -> IncomingMessage:
    """The pipeline's view of a Discord message; `author` when a better one (a Member, with
    roles) was looked up than the message carries."""
    author = author or message.author
    roles = [r.id for r in author.roles] if isinstance(author, discord.Member) else []
    return IncomingMessage(
        guild_id=message.guild.id if message.guild is not None else None,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=author.id,
        text=message.content,
        role_ids=frozenset(roles),
        created_at=message.created_at.timestamp(),
        origin=origin,
        nudge=nudge,
    )


def incoming_from_edit(payload: discord.RawMessageUpdateEvent) -> IncomingMessage | None:
    """The pipeline's view of an edit, from the raw event (no message cache); None for an edit
    that is not a member's guild message with text."""
    data: Any = payload.data
    if payload.guild_id is None or "content" not in data:
        return None
    author = data.get("author") or {}
    if author.get("bot") or data.get("webhook_id"):
        return None
    roles = (data.get("member") or {}).get("roles") or ()
    return IncomingMessage(
        guild_id=payload.guild_id,
        channel_id=payload.channel_id,
        message_id=payload.message_id,
        author_id=int(author.get("id", 0)),
        text=str(data.get("content") or ""),
        role_ids=frozenset(int(r) for r in roles),
        origin=Origin.EDIT,
    )


def _norm_line(norm: Any) -> str:
    if norm is None:
        return ""
    title = getattr(norm, "title", "") or ""
    url = getattr(norm, "url", None)
    if url:
        return texts.NUDGE_NORM_LINK.format(title=title, url=url)
    return texts.NUDGE_NORM_TITLE.format(title=title) if title else ""


def nudge_text(nudge: Nudge, *, context: str = "") -> str:
    parts = [str(texts.NUDGE), _norm_line(nudge.norm), context]
    return limits.message_content("\n".join(p for p in parts if p))


async def act(bot: ReteBot, outcome: Outcome, author: discord.User | discord.Member | None) -> None:
    """Do in Discord what the pipeline decided: the review post, the nudge, the answer."""
    if outcome.case is not None and outcome.case_action is not None:
        await bot.poster.publish(outcome.case, outcome.case_action, outcome.review_channel_id)
    if outcome.nudge is not None:
        await send_nudge(bot, outcome, author)
    if outcome.answer is not None:
        await send_answer(bot, outcome)


async def send_nudge(
    bot: ReteBot, outcome: Outcome, author: discord.User | discord.Member | None
) -> None:
    nudge = outcome.nudge
    msg = outcome.message
    assert nudge is not None
    assert msg.guild_id is not None
    view = appeal_view(nudge.case_id)
    try:
        if nudge.mode == "dm":
            if author is None:
                return
            url = jump_url(msg.guild_id, msg.channel_id, msg.message_id)
            context = texts.NUDGE_DM_CONTEXT.format(channel=f"<#{msg.channel_id}>", url=url)
            await author.send(nudge_text(nudge, context=context), view=view)
        else:
            channel = bot.get_partial_messageable(msg.channel_id, guild_id=msg.guild_id)
            await channel.get_partial_message(msg.message_id).reply(
                nudge_text(nudge),
                view=view,
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )
    except discord.HTTPException as exc:
        # Closed DMs or a message deleted meanwhile: the case stands, the nudge is lost.
        log.info("could not nudge for case %s (%s): %s", nudge.case_id, nudge.mode, exc.status)


async def send_answer(bot: ReteBot, outcome: Outcome) -> None:
    msg = outcome.message
    assert outcome.answer is not None
    embed, view = answer_embed(outcome.answer), vote_view(outcome.answer_id)
    channel = bot.get_partial_messageable(msg.channel_id, guild_id=msg.guild_id)
    try:
        await channel.get_partial_message(msg.message_id).reply(
            embed=embed,
            view=view or discord.utils.MISSING,
            mention_author=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException as exc:
        log.info("could not answer message %s: %s", msg.message_id, exc.status)
