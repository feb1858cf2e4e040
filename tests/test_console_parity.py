"""Every flow Discord offers (slash commands, read from the bot's own command tree, and the
buttons) has a console command: a new slash command without one fails here."""

from __future__ import annotations

from pathlib import Path

import discord

from bot.client import EXTENSIONS, ReteBot
from bot.config import Settings
from bot.console.app import build_registry
from bot.core import Core

# Where the console spells a Discord flow differently (one /setup with arguments; channels and
# roles exempted through /policy exempt, as /setup exempt-* do through the same core call).
CONSOLE_NAME = {
    "answers channel": "answers",
    "setup show": "setup",
    "setup review-channel": "setup",
    "setup nudge": "setup",
    "setup retention": "setup",
    "setup language": "setup",
    "setup exempt-channel": "policy exempt",
    "setup exempt-role": "policy exempt",
}
# The buttons under review posts, nudges and answers.
BUTTON_FLOWS = ("review claim", "review confirm", "review dismiss", "appeal", "vote")


async def _slash_commands(tmp_path: Path) -> list[str]:
    settings = Settings(db_path=tmp_path / "tree.db")
    core = await Core.open(settings)
    bot = ReteBot(settings, core=core)
    bot.core = core
    try:
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        return sorted(
            command.qualified_name
            for command in bot.tree.walk_commands()
            if isinstance(command, discord.app_commands.Command)
        )
    finally:
        await bot.close()
        await core.close()


async def test_every_discord_flow_has_a_console_command(tmp_path: Path) -> None:
    slash = await _slash_commands(tmp_path)
    assert len(slash) > 25
    console = set(build_registry().commands)
    missing = [name for name in slash if CONSOLE_NAME.get(name, name) not in console] + [
        name for name in BUTTON_FLOWS if name not in console
    ]
    assert missing == []
    # The table of differences names only commands that exist on both sides.
    assert set(CONSOLE_NAME) <= set(slash)
    assert set(CONSOLE_NAME.values()) <= console
