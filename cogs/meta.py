"""/help for everyone, and the owner-only `sync` text command (no sync on every start)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, texts
from cogs._replies import reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)


class Meta(commands.Cog):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="Cosa fa Rete e quali comandi hai")
    async def help(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Cosa fa Rete e quali comandi hai."""
        lines = []
        for command in sorted(self.bot.tree.get_commands(), key=lambda c: c.name):
            description = getattr(command, "description", "")
            lines.append(f"**/{command.name}**: {description}")
        embed = discord.Embed(
            title=texts.HELP_TITLE,
            description=limits.embed_description(str(texts.HELP_INTRO) + "\n\n" + "\n".join(lines)),
            colour=discord.Colour.teal(),
        )
        await reply(interaction, embed=embed)

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(
        self, ctx: commands.Context[ReteBot], scope: Literal["guild", "global", "clear"] = "guild"
    ) -> None:
        """Owner only: `@Rete sync [guild|global|clear]` publishes the slash commands."""
        tree = self.bot.tree
        if scope == "global":
            synced = await tree.sync()
        elif ctx.guild is None:
            await ctx.send(str(texts.NOT_IN_GUILD))
            return
        elif scope == "clear":
            tree.clear_commands(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        else:
            tree.copy_global_to(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        log.info("owner synced %d commands (%s)", len(synced), scope)
        await ctx.send(texts.SYNC_DONE.format(count=len(synced), scope=scope))


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Meta(bot))
