"""The discord.py Bot subclass: opens the core in setup_hook and loads an explicit tuple of cogs."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot import i18n, texts
from bot.config import Settings
from bot.core import Core
from bot.errors import UserFacingError
from cogs._replies import send_error

if TYPE_CHECKING:
    from cogs._poster import ReviewPoster

log = logging.getLogger(__name__)

# Seconds that running event handlers get to finish when the bot shuts down.
SHUTDOWN_GRACE_S = 5.0

# Loaded in this order by setup_hook; an explicit list, not a directory listing.
EXTENSIONS: tuple[str, ...] = (
    "cogs.meta",
    "cogs.moderation",
    "cogs.catchup",
    "cogs.review",
    "cogs.setup",
    "cogs.policy",
    "cogs.knowledge",
    "cogs.web",
)


def build_intents() -> discord.Intents:
    """The gateway intents Rete needs.

    - guilds, guild_messages: see channels and messages in the servers it is in;
    - message_content (privileged, enable it in the Developer Portal → Bot → Privileged Gateway
      Intents): read what members write, to answer questions and apply the policy;
    - no members or presence intent: a message carries its author's roles already.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = True
    return intents


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Aim discord.py at another Discord (the project's fake one in tests and benchmarks)."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class ReteTree(app_commands.CommandTree["ReteBot"]):
    """Turns failed checks and user-facing errors into ephemeral replies; logs the rest."""

    async def on_error(
        self, interaction: discord.Interaction[ReteBot], error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            await send_error(interaction, str(original))
        elif isinstance(error, app_commands.NoPrivateMessage):
            await send_error(interaction, str(texts.NOT_IN_GUILD))
        elif isinstance(error, app_commands.CommandOnCooldown):
            await send_error(interaction, texts.COOLDOWN.format(seconds=error.retry_after))
        elif isinstance(error, app_commands.CheckFailure):
            log.info(
                "refused /%s to user %s in guild %s: %s",
                command,
                interaction.user.id,
                interaction.guild_id,
                type(error).__name__,
            )
            await send_error(interaction, str(str(error) or texts.NOT_MODERATOR))
        else:
            log.error("error in /%s", command, exc_info=original)
            await send_error(interaction, str(texts.GENERIC_ERROR))


# What discord.py's Message needs from a MESSAGE_UPDATE payload (see ReteBot).
_WHOLE_MESSAGE_KEYS = frozenset({"id", "channel_id", "type", "content", "author"})

GC_THRESHOLDS = (5_000, 20, 20)  # Python's defaults are (700, 10, 10)


def tune_gc() -> None:
    """Keep the garbage collector's pauses off the message path; `rete run` calls it once
    set up (a process-wide setting: not for a test process running many bots).

    Everything loaded by then (modules, discord.py, the core, compiled policies) lives as long
    as the process: frozen, the collector no longer walks it, so a full collection costs what
    live traffic holds, not the whole heap. A bot allocates a few objects per event and frees
    most of them by reference counting, so young collections can be rarer too. Before this,
    collector pauses made the slowest 1% of review posts wait 100-200 ms under a burst
    (benchmarks/e2e.py, p99).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class ReteBot(commands.Bot):
    core: Core
    poster: ReviewPoster  # review posts, batched per channel: live messages and catch-up alike

    def __init__(self, settings: Settings, *, core: Core | None = None, **options: Any) -> None:
        options.setdefault("guild_ready_timeout", 2.0)
        silence_voice_warnings()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(),
            tree_cls=ReteTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),  # the bot never pings by default
            owner_ids=set(settings.owner_ids) or None,
            # No message cache: Rete reads edits and deletions from the raw events and builds
            # what it needs from each payload, so the 1,000 messages discord.py would keep
            # (members' text, in memory) would only cost a copy per edit and collector time
            # under a burst (benchmarks/e2e.py: p99 about a quarter lower without it).
            max_messages=None,
            **options,
        )
        self.settings = settings
        self._given_core = core
        self._closed = False
        # Guilds that chose a language other than Italian (/setup language), kept in memory:
        # the gateway's parsers, which pick each interaction's language, cannot wait for SQL.
        self.guild_languages: dict[int, i18n.Lang] = {}
        self._tolerate_partial_updates()
        self._localise_interactions()

    def _tolerate_partial_updates(self) -> None:
        """Drop MESSAGE_UPDATE events that are not whole messages.

        discord.py builds a full Message from every MESSAGE_UPDATE; one that carries no
        content, author or type (Discord adding a link preview later, or a message whose
        content the bot may not read) raises KeyError in its parser, which ends the gateway
        connection. Such an update changes nothing Rete reads (the text it evaluated stands),
        so it is logged by id and dropped: no crash, no re-evaluation with empty text.
        """
        parsers = self._connection.parsers  # the dict the gateway dispatches events with
        parse_update = parsers["MESSAGE_UPDATE"]

        def message_update(data: Any) -> None:
            if isinstance(data, dict) and data.keys() >= _WHOLE_MESSAGE_KEYS:
                parse_update(data)
                return
            log.debug(
                "partial MESSAGE_UPDATE for message %s ignored",
                data.get("id") if isinstance(data, dict) else "?",
            )

        parsers["MESSAGE_UPDATE"] = message_update

    def guild_language(self, guild_id: int | None) -> i18n.Lang:
        """The language of what Rete posts in a guild (Italian unless a moderator chose)."""
        if guild_id is None:
            return i18n.DEFAULT_LANG
        return self.guild_languages.get(guild_id, i18n.DEFAULT_LANG)

    def _localise_interactions(self) -> None:
        """Run each interaction (command, autocomplete, button, modal) in its member's language.

        discord.py starts one task per interaction from the gateway's INTERACTION_CREATE
        parser; a task copies the context it is created in, so the language set around the
        parser is the one every reply of that interaction reads its texts in.
        """
        parsers = self._connection.parsers
        parse_interaction = parsers["INTERACTION_CREATE"]

        def interaction_create(data: Any) -> None:
            guild_id = data.get("guild_id") if isinstance(data, dict) else None
            locale = data.get("locale") if isinstance(data, dict) else None
            lang = i18n.for_member(
                locale if isinstance(locale, str) else None,
                self.guild_language(int(guild_id)) if guild_id else None,
            )
            with i18n.using(lang):
                parse_interaction(data)

        parsers["INTERACTION_CREATE"] = interaction_create

    def _schedule_event(
        self,
        coro: Callable[..., Coroutine[Any, Any, Any]],
        event_name: str,
        *args: Any,
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        """Listeners (messages, edits, deletions) write in their guild's language: what they
        post in a channel (nudges, automatic answers) is read by everyone there."""
        if event_name == "on_interaction" or not args:
            return super()._schedule_event(coro, event_name, *args, **kwargs)
        first = args[0]
        guild_id = getattr(first, "guild_id", None)
        if guild_id is None:
            guild = getattr(first, "guild", None)
            guild_id = getattr(guild, "id", None)
        with i18n.using(self.guild_language(guild_id if isinstance(guild_id, int) else None)):
            return super()._schedule_event(coro, event_name, *args, **kwargs)

    async def set_guild_language(self, guild_id: int, lang: i18n.Lang) -> None:
        await self.core.review.update_settings(guild_id, language=lang)
        if lang == i18n.DEFAULT_LANG:
            self.guild_languages.pop(guild_id, None)
        else:
            self.guild_languages[guild_id] = lang

    async def setup_hook(self) -> None:
        self.core = self._given_core or await Core.open(self.settings)
        self.guild_languages = {
            guild_id: lang
            for guild_id, lang in (await self.core.guilds.languages()).items()
            if i18n.is_lang(lang)
        }
        # Imported here: cogs' modules import this one.
        from cogs._i18n import ReteTranslator

        await self.tree.set_translator(ReteTranslator())
        if not self.owner_ids:
            # Moderator checks are synchronous (cogs/_checks.py): learn the owner (or team) now,
            # as discord.py's is_owner() does on its first call, not after some command's.
            await self.is_owner((await self.application_info()).owner)
        # Imported here: the cogs' modules import this one.
        from cogs._poster import ReviewPoster

        self.poster = ReviewPoster(self)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild", len(synced))

    async def on_ready(self) -> None:
        log.info(
            "ready as %s (%s) in %d guilds",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
        )

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.core.ensure_guild(guild.id, guild.name)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.core.ensure_guild(guild.id, guild.name)

    async def on_message(self, message: discord.Message, /) -> None:
        """Look for a text command only in messages that start by mentioning the bot.

        Text commands (`@Rete sync`) are rare; parsing every chat message for them cost about
        50 µs each under a burst. Features listen to messages in their own cogs.
        """
        if message.author.bot or self.user is None:
            return
        if message.content.startswith((f"<@{self.user.id}>", f"<@!{self.user.id}>")):
            await self.process_commands(message)

    async def on_command_error(
        self, ctx: commands.Context[Any], error: commands.CommandError, /
    ) -> None:
        """Text commands are owner-only (`@Rete sync`): refuse others, ignore mere mentions."""
        if isinstance(error, commands.CommandNotFound):
            return  # "@Rete …" that is not a command: other features may answer it
        if isinstance(error, commands.NotOwner):
            log.info("refused %s to user %s", ctx.invoked_with, ctx.author.id)
            await ctx.send(str(texts.NOT_OWNER))
            return
        log.error("error in command %s", ctx.invoked_with, exc_info=error)

    async def close(self) -> None:
        # discord.py may call close() twice (signal + context manager); both must be safe.
        if not self._closed:
            # Let the handlers already running (a message being flagged, a click being
            # recorded) finish while the HTTP session and the database are still open.
            await self._drain_event_handlers(SHUTDOWN_GRACE_S)
            poster = getattr(self, "poster", None)  # None: closed before setup_hook ran
            if poster is not None:
                poster.close()
        await super().close()
        if not self._closed:
            self._closed = True
            core = getattr(self, "core", None)
            if core is not None and self._given_core is None:
                await core.close()

    @staticmethod
    async def _drain_event_handlers(grace: float) -> None:
        """Wait (at most `grace` seconds) until no listener task is running; new ones that the
        last events start while we wait are waited for too."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        current = asyncio.current_task()
        while True:
            running = [
                task
                for task in asyncio.all_tasks()
                # discord.py names each listener's task "discord.py: on_<event>".
                if task is not current and task.get_name().startswith("discord.py: on_")
            ]
            left = deadline - loop.time()
            if not running:
                return
            if left <= 0:
                log.warning("%d event handlers still running at shutdown", len(running))
                return
            await asyncio.wait(running, timeout=left)
            await asyncio.sleep(0)  # let what they scheduled start


async def run_bot(settings: Settings) -> int:
    """`rete run`: connect, and close cleanly on SIGINT/SIGTERM."""
    point_at(settings.api_base, settings.gateway_url)
    assert settings.discord_token is not None
    bot = ReteBot(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with bot:
            # bot.start(), with the collector tuned between set-up and the first event.
            await bot.login(settings.discord_token)
            tune_gc()
            await bot.connect()
    except (TimeoutError, discord.DiscordException, aiohttp.ClientError) as exc:
        message = login_failure(exc)
        if message is None:
            raise
        raise UserFacingError(message) from None
    return 0


def login_failure(exc: BaseException) -> str | None:
    """One line on why Rete could not connect to Discord; None if `exc` is something else."""
    if isinstance(exc, commands.ExtensionFailed) and isinstance(exc.original, UserFacingError):
        return str(exc.original)  # a feature that cannot start says why (the web's port…)
    if isinstance(exc, discord.LoginFailure):
        return str(texts.LOGIN_REFUSED)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return str(texts.LOGIN_INTENTS_REQUIRED)
    if isinstance(exc, discord.ConnectionClosed) and exc.code == 4004:  # authentication failed
        return str(texts.LOGIN_REFUSED)
    if isinstance(exc, discord.HTTPException):
        return texts.LOGIN_HTTP_STATUS.format(status=exc.status)
    if isinstance(exc, TimeoutError):
        return texts.LOGIN_UNREACHABLE.format(reason=texts.LOGIN_TIMEOUT)
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = exc.os_error.strerror or str(exc.os_error) or type(exc.os_error).__name__
        return texts.LOGIN_UNREACHABLE.format(reason=reason)
    if isinstance(exc, aiohttp.ClientError | discord.GatewayNotFound):
        return texts.LOGIN_UNREACHABLE.format(reason=type(exc).__name__)
    return None


def silence_voice_warnings() -> None:
    """Rete has no voice: discord.py's warnings that PyNaCl or davey are missing are noise."""
    for flag in ("warn_nacl", "warn_dave"):
        if hasattr(discord.VoiceClient, flag):
            setattr(discord.VoiceClient, flag, False)
