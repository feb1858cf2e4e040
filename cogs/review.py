"""/review: the moderators' queue (pending cases, one case with its buttons, per-rule stats)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, texts
from bot.review import OPEN_STATUSES, Case, Stats
from bot.review.render import neutralise, stats_noisy_lines, stats_rule_lines, stats_summary
from cogs._checks import moderators_only
from cogs._replies import reply
from cogs._review_embeds import review_embed
from cogs._review_ui import review_view

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

PENDING_SHOWN = 20


def pending_embed(cases: Sequence[Case], total_open: int, configured: bool) -> discord.Embed:
    lines: list[str] = []
    if not configured:
        lines.append(str(texts.REVIEW_NOT_CONFIGURED))
    if not cases:
        lines.append(str(texts.REVIEW_PENDING_EMPTY))
    for case in cases[:PENDING_SHOWN]:
        lines.append(
            texts.REVIEW_PENDING_LINE.format(
                case_id=case.case_id,
                status=str(texts.STATUS_SHORT[case.status])
                + ("" if case.alerted else " · " + str(texts.REVIEW_PENDING_SHADOW)),
                author=case.author_id,
                channel=case.channel_id,
                score=case.score,
                rules=neutralise(", ".join(case.rules)),
            )
        )
    if total_open > PENDING_SHOWN:
        lines.append(texts.REVIEW_PENDING_MORE.format(count=total_open - PENDING_SHOWN))
    return discord.Embed(
        title=texts.REVIEW_PENDING_TITLE.format(count=total_open),
        description=limits.embed_description("\n".join(lines)),
        colour=discord.Colour.orange(),
    )


def stats_embed(stats: Stats) -> discord.Embed:
    summary = stats_summary(stats)
    embed = discord.Embed(
        title=texts.REVIEW_STATS_TITLE, description=summary, colour=discord.Colour.blurple()
    )
    if not stats.rules:
        embed.description = summary + "\n\n" + str(texts.REVIEW_STATS_EMPTY)
        return embed
    lines = stats_rule_lines(stats, neutralise)
    embed.add_field(
        name=texts.REVIEW_STATS_RULES,
        value=limits.embed_field_value("\n".join(lines)),
        inline=False,
    )
    noisy = stats_noisy_lines(stats, neutralise)
    embed.add_field(
        name=texts.REVIEW_STATS_NOISIEST,
        value=limits.embed_field_value("\n".join(noisy) or str(texts.REVIEW_STATS_NO_NOISE)),
        inline=False,
    )
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Review(commands.GroupCog, group_name="review", group_description="Coda di revisione"):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="pending", description="I casi ancora da rivedere")
    @moderators_only()
    async def pending(self, interaction: discord.Interaction[ReteBot]) -> None:
        """I casi ancora da rivedere."""
        assert interaction.guild_id is not None
        review = self.bot.core.review
        cases = await review.pending(interaction.guild_id, limit=PENDING_SHOWN)
        counts = await review.counts(interaction.guild_id)
        total = sum(counts.get(s, 0) for s in OPEN_STATUSES)
        configured = (await review.settings(interaction.guild_id)).configured
        await reply(interaction, embed=pending_embed(cases, total, configured))

    @app_commands.command(name="case", description="Un caso, con il testo e i pulsanti")
    @app_commands.describe(number="Il numero del caso")
    @moderators_only()
    async def case(
        self, interaction: discord.Interaction[ReteBot], number: app_commands.Range[int, 1]
    ) -> None:
        """Un caso, con il testo e i pulsanti."""
        assert interaction.guild_id is not None
        case = await self.bot.core.review.get(interaction.guild_id, number)
        if case is None:
            await reply(interaction, texts.CASE_NOT_FOUND.format(case_id=number))
            return
        view = review_view(case)
        await reply(interaction, embed=review_embed(case), view=view)
        if view is not None:
            # Its items are DynamicItems, dispatched by custom_id whatever happens to this
            # object; stopping it drops the 15-minute timer discord.py gives ephemeral views.
            view.stop()

    @app_commands.command(name="stats", description="Precisione per regola e regole più rumorose")
    @moderators_only()
    async def stats(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Precisione per regola e regole più rumorose."""
        assert interaction.guild_id is not None
        stats = await self.bot.core.review.stats(interaction.guild_id)
        embed = stats_embed(stats)
        off = self.bot.core.policy.flagging_off(interaction.guild_id)
        if off is not None:
            embed.description = limits.embed_description(off + "\n\n" + (embed.description or ""))
        await reply(interaction, embed=embed)


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Review(bot))
