"""HARNESS SELF-TEST ONLY — not product code, never in bot.client.EXTENSIONS.

A tiny extension that lets tests/e2e prove the fake Discord and the fixtures deliver what
product features need: a persistent DynamicItem button (clicked before and after a restart),
a member's message answered with a reaction (to count dispatches across a RESUME), and a slow
command (to see the 3-second interaction deadline bite the real client). The product's review
buttons land with the review-queue issue and get their own e2e tests.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import ReteBot

ECHO_PREFIX = "harness:echo"
ECHO_EMOJI = "✅"


class HarnessButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"rete:harness:(?P<n>[0-9]+)"
):
    def __init__(self, n: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Prova {n}", style=discord.ButtonStyle.primary, custom_id=f"rete:harness:{n}"
            )
        )
        self.n = n

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> HarnessButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.edit_message(
            content=f"bottone {self.n} premuto da {interaction.user.id}"
        )


class Harness(commands.Cog):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="harness-button", description="Harness: posta un bottone persistente"
    )
    async def post_button(self, interaction: discord.Interaction[ReteBot], n: int) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(HarnessButton(n))
        await interaction.response.send_message(f"bottone {n}", view=view)

    @app_commands.command(name="harness-slow", description="Harness: risponde dopo `seconds`")
    async def slow(self, interaction: discord.Interaction[ReteBot], seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message("in ritardo", ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot and message.content.startswith(ECHO_PREFIX):
            await message.add_reaction(ECHO_EMOJI)


async def setup(bot: ReteBot) -> None:
    bot.add_dynamic_items(HarnessButton)
    await bot.add_cog(Harness(bot))


async def teardown(bot: ReteBot) -> None:
    bot.remove_dynamic_items(HarnessButton)
