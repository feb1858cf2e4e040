"""The web dashboard's Discord side: serves it when RETE_WEB_PORT is set, answers who may
moderate (`Permissions` from the member's roles, fetched now) and whether Rete can post reviews
in a channel (the rule of /setup), and updates the review post and carries out the decision when
a case is decided on the web."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.errors import UserFacingError
from bot.review import CaseChange, ReviewAction
from bot.web import Dashboard, DiscordOAuth, WebServer
from bot.web.oauth import DISCORD_API
from bot.web.security import load_secret
from cogs._checks import can_post_reviews
from cogs._review_actions import apply_decision
from cogs._review_ui import refresh_post

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)


class DiscordPermissions:
    """Manage Messages (or Administrator) in the server now, read from the member's roles as
    Discord has them at this moment (a REST fetch: Rete has no members intent, so no event says
    that a role was removed); the bot's owners moderate every server Rete is in, as with the
    slash commands.

    A yes is remembered for the polls only (`within`): an open queue page asks for its rows every
    few seconds, and one member fetch per poll per moderator would spend Discord's rate limit
    on nothing. A page opened, a decision or an edit always asks Discord again."""

    REMEMBERED_MAX = 1_000  # (server, person) pairs; the oldest are forgotten first

    def __init__(self, bot: ReteBot, clock: Callable[[], float] = time.monotonic) -> None:
        self.bot = bot
        self.clock = clock
        self._yes_at: dict[tuple[int, int], float] = {}

    async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return False
        if user_id in (self.bot.owner_ids or ()) or user_id == self.bot.owner_id:
            return True
        key = (guild_id, user_id)
        now = self.clock()
        said_yes = self._yes_at.get(key)
        if within > 0 and said_yes is not None and now - said_yes <= within:
            return True
        allowed = await self._ask_discord(guild, user_id)
        self._yes_at.pop(key, None)
        if allowed:
            self._yes_at[key] = now
            while len(self._yes_at) > self.REMEMBERED_MAX:
                del self._yes_at[next(iter(self._yes_at))]
        return allowed

    async def _ask_discord(self, guild: discord.Guild, user_id: int) -> bool:
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:
            log.warning(
                "web: could not read member %s of guild %s: %s", user_id, guild.id, exc.status
            )
            return False
        perms = member.guild_permissions
        return perms.administrator or perms.manage_messages

    async def guild_name(self, guild_id: int) -> str | None:
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else None

    async def channel_names(self, guild_id: int) -> dict[int, str]:
        guild = self.bot.get_guild(guild_id)
        return {c.id: c.name for c in guild.text_channels} if guild is not None else {}

    async def can_post_reviews(self, guild_id: int, channel_id: int) -> bool:
        guild = self.bot.get_guild(guild_id)
        return guild is not None and can_post_reviews(guild.get_channel(channel_id))


class Web(commands.Cog):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        self.server: WebServer | None = None
        self._unsubscribe: Callable[[], None] | None = None

    async def cog_load(self) -> None:
        self._unsubscribe = self.bot.core.review.subscribe(self.on_case_change)
        settings = self.bot.settings
        if settings.web_port is None:
            return
        oauth = None
        public = settings.web_public_url or f"http://{settings.web_host}:{settings.web_port}"
        if settings.web_client_secret and self.bot.application_id:
            oauth = DiscordOAuth(
                client_id=self.bot.application_id,
                client_secret=settings.web_client_secret,
                redirect_uri=public + "/oauth/callback",
                api_base=settings.api_base or DISCORD_API,
            )
        else:
            log.warning("web: RETE_WEB_CLIENT_SECRET is not set: nobody can log in with Discord")
        dashboard = Dashboard(
            self.bot.core,
            DiscordPermissions(self.bot),
            secret=load_secret(settings.web_secret, settings.db_path),
            oauth=oauth,
            secure_cookies=public.startswith("https://"),
            set_language=self.bot.set_guild_language,  # what Rete posts in channels follows it
        )
        server = WebServer(dashboard.app(), settings.web_host, settings.web_port)
        try:
            await server.start()
        except OSError as exc:  # the port is taken, the host is not this machine's…
            await server.stop()
            raise UserFacingError(
                f"RETE_WEB_HOST/RETE_WEB_PORT {settings.web_host}:{settings.web_port}: "
                f"{exc.strerror or exc}"
            ) from None
        self.server = server

    async def cog_unload(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def on_case_change(self, change: CaseChange) -> None:
        """A decision from another front-end: the review post shows it, and a confirmation is
        carried out in Discord (the message removed, the member timed out) as from a button."""
        if change.origin == "discord":
            return  # the button's own handler edited the post and acted
        await refresh_post(self.bot, change.case)
        if change.action != ReviewAction.CONFIRM.value or change.decision is None:
            return
        failures = await apply_decision(self.bot, change.case, change.decision, change.actor_id)
        if failures:  # the moderator is on the web: the audit trail shows each failed attempt
            log.warning("case %s: %d actions failed", change.case.case_id, len(failures))


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Web(bot))
