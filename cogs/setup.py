"""/setup: where cases go, how members are nudged, who is exempt, how long case text is kept."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.errors import UserFacingError
from bot.guild_store import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from cogs._checks import can_post_reviews, moderators_only
from cogs._replies import reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)


def _mentions(ids: frozenset[int], sigil: str) -> str:
    if not ids:
        return str(texts.SETUP_NONE)
    return ", ".join(f"<{sigil}{i}>" for i in sorted(ids))


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Setup(commands.GroupCog, group_name="setup", group_description="Configura Rete"):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        super().__init__()

    async def _summary(self, guild_id: int) -> str:
        core = self.bot.core
        settings = await core.review.settings(guild_id)
        channel = (
            f"<#{settings.review_channel_id}>"
            if settings.review_channel_id
            else f"**{texts.SETUP_NOT_SET}**"
        )
        roles, channels = core.policy.exemptions(guild_id)
        lines = [
            f"**{texts.SETUP_TITLE}**",
            texts.SETUP_REVIEW_CHANNEL.format(value=channel),
            texts.SETUP_NUDGE.format(value=texts.NUDGE_MODE_LABELS[settings.nudge_mode]),
            texts.SETUP_RETENTION.format(days=settings.retention_days),
            texts.SETUP_EXEMPT_ROLES.format(value=_mentions(roles, "@&")),
            texts.SETUP_EXEMPT_CHANNELS.format(value=_mentions(channels, "#")),
            texts.SETUP_LANGUAGE.format(value=texts.LANGUAGE_NAMES[settings.language]),
        ]
        off = core.policy.flagging_off(guild_id)
        if off is not None:
            lines.append(off)
        if not settings.configured:
            lines.append("")
            lines.append(str(texts.REVIEW_NOT_CONFIGURED))
        return "\n".join(lines)

    @app_commands.command(name="show", description="La configurazione attuale di Rete")
    @moderators_only()
    async def show(self, interaction: discord.Interaction[ReteBot]) -> None:
        """La configurazione attuale di Rete."""
        assert interaction.guild_id is not None
        await reply(interaction, await self._summary(interaction.guild_id))

    @app_commands.command(name="review-channel", description="Dove Rete manda i casi da rivedere")
    @app_commands.describe(channel="Un canale visibile solo ai moderatori")
    @moderators_only()
    async def review_channel(
        self, interaction: discord.Interaction[ReteBot], channel: discord.TextChannel
    ) -> None:
        """Dove Rete manda i casi da rivedere."""
        assert interaction.guild is not None
        if not can_post_reviews(channel):
            raise UserFacingError(texts.SETUP_CHANNEL_NOT_TEXT)
        await self.bot.core.review.update_settings(
            interaction.guild.id, review_channel_id=channel.id
        )
        log.info("guild %s: review channel set by %s", interaction.guild.id, interaction.user.id)
        await reply(interaction, texts.SETUP_CONFIGURED_HINT.format(channel=channel.mention))

    @app_commands.command(name="nudge", description="Come Rete ricorda la regola ai membri")
    @app_commands.describe(mode="off: mai; reply: risposta sotto il messaggio; dm: in privato")
    @moderators_only()
    async def nudge(
        self, interaction: discord.Interaction[ReteBot], mode: Literal["off", "reply", "dm"]
    ) -> None:
        """Come Rete ricorda la regola ai membri."""
        assert interaction.guild_id is not None
        await self.bot.core.review.update_settings(interaction.guild_id, nudge_mode=mode)
        log.info(
            "guild %s: nudge mode %s set by %s", interaction.guild_id, mode, interaction.user.id
        )
        what = texts.SETUP_NUDGE.format(value=texts.NUDGE_MODE_LABELS[mode])
        await reply(interaction, texts.SETUP_SAVED.format(what=what))

    @app_commands.command(
        name="retention",
        description="Quanti giorni tenere il testo di casi chiusi e domande senza risposta",
    )
    @app_commands.describe(days="Da 1 a 3650 giorni (predefinito 90)")
    @moderators_only()
    async def retention(
        self,
        interaction: discord.Interaction[ReteBot],
        days: app_commands.Range[int, RETENTION_DAYS_MIN, RETENTION_DAYS_MAX],
    ) -> None:
        """Quanti giorni tenere il testo di casi chiusi e domande senza risposta."""
        assert interaction.guild_id is not None
        await self.bot.core.review.update_settings(interaction.guild_id, retention_days=days)
        log.info(
            "guild %s: retention %s days set by %s", interaction.guild_id, days, interaction.user.id
        )
        what = texts.SETUP_RETENTION.format(days=days)
        await reply(interaction, texts.SETUP_SAVED.format(what=what))

    @app_commands.command(
        name="language",
        description="La lingua dei messaggi di Rete nei canali e per chi non usa Discord in "
        "italiano o inglese",
    )
    @app_commands.describe(language="it: italiano; en: inglese")
    @moderators_only()
    async def language(
        self, interaction: discord.Interaction[ReteBot], language: Literal["it", "en"]
    ) -> None:
        """La lingua dei messaggi di Rete nei canali."""
        assert interaction.guild_id is not None
        await self.bot.set_guild_language(interaction.guild_id, language)
        log.info(
            "guild %s: language %s set by %s", interaction.guild_id, language, interaction.user.id
        )
        what = texts.SETUP_LANGUAGE.format(value=texts.LANGUAGE_NAMES[language])
        await reply(interaction, texts.SETUP_SAVED.format(what=what))

    @app_commands.command(name="exempt-role", description="Un ruolo che Rete non segnala mai")
    @app_commands.describe(role="Il ruolo", exempt="Esente (sì) o di nuovo controllato (no)")
    @moderators_only()
    async def exempt_role(
        self, interaction: discord.Interaction[ReteBot], role: discord.Role, exempt: bool = True
    ) -> None:
        """Un ruolo che Rete non segnala mai."""
        assert interaction.guild_id is not None
        policy = self.bot.core.policy
        await policy.set_exempt(
            interaction.guild_id, "role", role.id, exempt, actor_id=interaction.user.id
        )
        roles = policy.exemptions(interaction.guild_id).roles
        what = texts.SETUP_EXEMPT_ROLES.format(value=_mentions(roles, "@&"))
        await reply(interaction, texts.SETUP_SAVED.format(what=what))

    @app_commands.command(name="exempt-channel", description="Un canale in cui Rete non segnala")
    @app_commands.describe(channel="Il canale", exempt="Esente (sì) o di nuovo controllato (no)")
    @moderators_only()
    async def exempt_channel(
        self,
        interaction: discord.Interaction[ReteBot],
        channel: discord.TextChannel,
        exempt: bool = True,
    ) -> None:
        """Un canale in cui Rete non segnala."""
        assert interaction.guild_id is not None
        policy = self.bot.core.policy
        await policy.set_exempt(
            interaction.guild_id, "channel", channel.id, exempt, actor_id=interaction.user.id
        )
        channels = policy.exemptions(interaction.guild_id).channels
        what = texts.SETUP_EXEMPT_CHANNELS.format(value=_mentions(channels, "#"))
        await reply(interaction, texts.SETUP_SAVED.format(what=what))


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Setup(bot))
