"""The offline console: chat as a member of a local guild, run slash-style commands on the core."""

from __future__ import annotations

import asyncio
import importlib
import os
import shlex
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TextIO

from bot import i18n, texts
from bot.config import Settings
from bot.core import Core
from bot.errors import UserFacingError
from bot.i18n import CONSOLE_CONTEXT, Msg

LOCAL_GUILD_ID = 1
LOCAL_GUILD_NAME = "Accademia (locale)"
# Their names are catalogued: shown in the console's language.
MEMBER: tuple[int, str] = (100, texts.CONSOLE_MEMBER_NAME)
MODERATOR: tuple[int, str] = (200, texts.CONSOLE_MODERATOR_NAME)
CHANNELS = {"generale": 10, "domande": 11, "moderazione": 12}
ROLES = {"moderatori": 20, "docenti": 21}  # for /policy exempt role NOME
SYSTEM_NAME = "Rete"  # actor 0: the bot itself (seeding a policy, automatic changes)


def user_name(user_id: int | None) -> str:
    """How the console names a user: @membro, @moderatrice, Rete for the bot, else the id."""
    if not user_id:
        return SYSTEM_NAME
    for uid, name in (MEMBER, MODERATOR):
        if uid == user_id:
            return f"@{name}"
    return str(user_id)


def local_time(timestamp: float) -> str:
    """A moment in the console's local time zone, to the minute."""
    return time.strftime("%d/%m/%Y %H:%M", time.localtime(timestamp))


# Console message ids are shaped like Discord's snowflakes: milliseconds since Discord's epoch
# in the high bits, then ten bits of the process id and a twelve-bit counter. Sessions come and
# go while the database stays, so an id must never be handed out twice.
DISCORD_EPOCH_MS = 1_420_070_400_000
_PROCESS_BITS = 10

CommandHandler = Callable[["Session", list[str], str], Awaitable[list[str]]]
ChatHandler = Callable[["Session", "ChatLine"], Awaitable[list[str]]]

# Features plug their console commands in here: each module has `register(registry)`.
CONSOLE_EXTENSIONS: tuple[str, ...] = (
    "bot.console.review",
    "bot.console.policy",
    "bot.console.knowledge",
    "bot.console.learning",
)


class Commands:
    """A feature's console commands, declared at module level with `@COMMANDS.command(…)` and
    installed into the session's registry by the module's `register(registry)`."""

    def __init__(self) -> None:
        self._commands: list[tuple[str, str, str, bool, CommandHandler]] = []
        self._chat: list[ChatHandler] = []

    def command(
        self, name: str, usage: str, help: str, *, moderator_only: bool = False
    ) -> Callable[[CommandHandler], CommandHandler]:
        def decorator(handler: CommandHandler) -> CommandHandler:
            self._commands.append((name, usage, help, moderator_only, handler))
            return handler

        return decorator

    def chat(self, handler: ChatHandler) -> ChatHandler:
        self._chat.append(handler)
        return handler

    def install(self, registry: Registry) -> None:
        for name, usage, help, moderator_only, handler in self._commands:
            registry.command(name, usage, help, moderator_only=moderator_only)(handler)
        for chat in self._chat:
            registry.chat(chat)


@dataclass(frozen=True)
class ChatLine:
    message_id: int
    guild_id: int
    channel_id: int
    channel_name: str
    author_id: int
    author_name: str
    is_moderator: bool
    text: str


@dataclass(frozen=True)
class ConsoleCommand:
    name: str
    usage: str
    help: str
    handler: CommandHandler
    moderator_only: bool = False


@dataclass
class Registry:
    commands: dict[str, ConsoleCommand] = field(default_factory=dict)
    chat_handlers: list[ChatHandler] = field(default_factory=list)

    def command(
        self, name: str, usage: str, help: str, *, moderator_only: bool = False
    ) -> Callable[[CommandHandler], CommandHandler]:
        # Usage and help are message ids (Italian) read in the session's language.
        usage, help = Msg(usage, CONSOLE_CONTEXT), Msg(help, CONSOLE_CONTEXT)

        def decorator(handler: CommandHandler) -> CommandHandler:
            self.commands[name] = ConsoleCommand(name, usage, help, handler, moderator_only)
            return handler

        return decorator

    def chat(self, handler: ChatHandler) -> ChatHandler:
        self.chat_handlers.append(handler)
        return handler

    def group(self, name: str) -> list[ConsoleCommand]:
        """The subcommands of a group such as "review" (empty if it is not a group)."""
        prefix = name + " "
        return sorted(
            (c for c in self.commands.values() if c.name.startswith(prefix)), key=lambda c: c.name
        )

    def completions(self) -> list[str]:
        """Every command as typed, groups included ("/review", "/review pending", …)."""
        names = set(self.commands)
        names.update(name.split(" ", 1)[0] for name in self.commands)
        return sorted("/" + name for name in names)


def snowflake(now_s: float, process: int = 0) -> int:
    """A Discord-like id for a message written at `now_s` (seconds since 1970)."""
    ms = max(int(now_s * 1000) - DISCORD_EPOCH_MS, 0)
    return (ms << 22) | ((process & ((1 << _PROCESS_BITS) - 1)) << 12)


class MessageIds:
    """Ids for the messages typed at the console: unique across sessions on one database.

    Each id is above `floor` (the highest id the database already holds a case for) and above
    the previous one, and follows the clock otherwise: if the clock goes back, ids still grow.
    """

    def __init__(self, floor: int, clock: Callable[[], float] = time.time) -> None:
        self._last = floor
        self._clock = clock
        self._process = os.getpid()

    def next(self) -> int:
        self._last = max(snowflake(self._clock(), self._process), self._last + 1)
        return self._last


@dataclass
class Session:
    """One person at the console: who they are and where they are writing."""

    core: Core
    registry: Registry
    user: tuple[int, str] = MEMBER
    channel: str = "generale"
    message_ids: MessageIds = field(default_factory=lambda: MessageIds(0))
    done: bool = False  # /quit or /exit was typed
    lang: i18n.Lang = field(default_factory=i18n.current)  # RETE_LANG, LANG, --lang; /lang

    async def handle(self, line: str) -> list[str]:
        """What Rete answers to one line typed at the console, in the session's language."""
        with i18n.using(self.lang):
            out = await self._handle(line)
        i18n.activate(self.lang)  # /lang: what the loop prints next follows it too
        return out

    @property
    def guild_id(self) -> int:
        return LOCAL_GUILD_ID

    @property
    def is_moderator(self) -> bool:
        return self.user == MODERATOR

    @property
    def channel_id(self) -> int:
        return CHANNELS[self.channel]

    async def _handle(self, line: str) -> list[str]:
        line = line.strip()
        if not line:
            return []
        if line.startswith("/"):
            return await self._command(line)
        message_id = self.message_ids.next()
        while self.core.review.known(self.guild_id, message_id) is not None:
            message_id = self.message_ids.next()  # never an edit of someone else's message
        chat = ChatLine(
            message_id=message_id,
            guild_id=self.guild_id,
            channel_id=self.channel_id,
            channel_name=self.channel,
            author_id=self.user[0],
            author_name=str(self.user[1]),
            is_moderator=self.is_moderator,
            text=line,
        )
        out: list[str] = []
        for handler in self.registry.chat_handlers:
            out.extend(await handler(self, chat))
        return out or [str(texts.CONSOLE_NO_REACTION)]

    async def _command(self, line: str) -> list[str]:
        head, _, rest = line[1:].partition(" ")
        words = head.split()
        # Longest registered name first, so "/policy test x" finds "policy test".
        try:
            parts = words + shlex.split(rest)
        except ValueError:
            parts = words + rest.split()
        lowered = [part.lower() for part in parts]  # /Review PENDING is /review pending
        for size in range(min(len(parts), 3), 0, -1):
            name = " ".join(lowered[:size])
            command = self.registry.commands.get(name)
            if command is not None:
                if command.moderator_only and not self.is_moderator:
                    return [str(texts.CONSOLE_NOT_MODERATOR)]
                split = line[1:].split(None, size)
                raw = split[size] if len(split) > size else ""
                try:
                    return await command.handler(self, parts[size:], raw)
                except UserFacingError as exc:  # the core's clear error, as a reply
                    return [str(exc)]
        group = self.registry.group(lowered[0]) if lowered else []
        if group:  # a bare group, or an unknown subcommand: what the group has
            return [
                texts.CONSOLE_GROUP.format(group=lowered[0]),
                *(_usage_line(c) for c in group),
            ]
        return [texts.CONSOLE_UNKNOWN_COMMAND.format(name="/" + head)]


USAGE_WIDTH = 34


def _usage_line(command: ConsoleCommand) -> str:
    marker = str(texts.CONSOLE_MODERATORS_MARK) if command.moderator_only else ""
    if len(str(command.usage)) > USAGE_WIDTH:  # a long usage gets its own line
        return f"  {command.usage}\n  {'':<{USAGE_WIDTH}} {command.help}{marker}"
    return f"  {command.usage:<{USAGE_WIDTH}} {command.help}{marker}"


def builtin_registry() -> Registry:
    registry = Registry()

    @registry.command("help", "/help", "questo elenco")
    async def _help(session: Session, args: list[str], raw: str) -> list[str]:
        lines = [str(texts.HELP_TITLE), str(texts.HELP_INTRO), "", str(texts.CONSOLE_COMMANDS)]
        for command in sorted(session.registry.commands.values(), key=lambda c: c.name):
            lines.append(_usage_line(command))
        lines.append(str(texts.CONSOLE_HELP_CHAT))
        return lines

    @registry.command("quit", "/quit (o /exit, Ctrl-D)", "esci dalla console")
    async def _quit(session: Session, args: list[str], raw: str) -> list[str]:
        session.done = True
        return [str(texts.CONSOLE_BYE)]

    registry.commands["exit"] = replace(registry.commands["quit"], name="exit", usage="/exit")

    @registry.command("lang", "/lang it|en", "lingua della console (italiano o inglese)")
    async def _lang(session: Session, args: list[str], raw: str) -> list[str]:
        lang = i18n.parse_lang(args[0]) if args else None
        if lang is None:
            return [str(texts.CONSOLE_LANG_USAGE)]
        session.lang = lang
        with i18n.using(lang):
            return [texts.CONSOLE_LANG_SET.format(name=texts.LANGUAGE_NAMES[lang])]

    @registry.command("as", "/as mod|member", "scrivi come moderatrice o come membro")
    async def _as(session: Session, args: list[str], raw: str) -> list[str]:
        choice = args[0].lower() if args else ""
        # Both languages' words, whatever the console's language (a member's muscle memory).
        if choice in ("mod", "moderatore", "moderatrice", "moderator"):
            session.user = MODERATOR
        elif choice in ("member", "membro"):
            session.user = MEMBER
        else:
            return [str(texts.CONSOLE_AS_USAGE)]
        return [texts.CONSOLE_ROLE.format(role=session.user[1])]

    @registry.command("channel", "/channel NOME", f"cambia canale ({', '.join(CHANNELS)})")
    async def _channel(session: Session, args: list[str], raw: str) -> list[str]:
        name = args[0].lstrip("#").lower() if args else ""
        if name not in CHANNELS:
            return [texts.CONSOLE_CHANNELS.format(names=", ".join("#" + c for c in CHANNELS))]
        session.channel = name
        return [texts.CONSOLE_CHANNEL_SET.format(name=name)]

    return registry


def build_registry(extensions: tuple[str, ...] = CONSOLE_EXTENSIONS) -> Registry:
    registry = builtin_registry()
    for name in extensions:
        module = importlib.import_module(name)
        module.register(registry)
    return registry


async def open_session(core: Core) -> Session:
    await core.ensure_guild(LOCAL_GUILD_ID, LOCAL_GUILD_NAME)
    floor = await core.review.max_message_id(LOCAL_GUILD_ID)
    return Session(core=core, registry=build_registry(), message_ids=MessageIds(floor))


async def run_console(core: Core, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """The console over plain streams (a pipe, a file, a test): one line at a time."""
    session = await open_session(core)
    interactive = stdin.isatty()
    print(texts.CONSOLE_BANNER, file=stdout, flush=True)
    while not session.done:
        if interactive:
            print(prompt(session), end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        for out in await session.handle(line):
            print(out, file=stdout, flush=True)
    return 0


def prompt(session: Session) -> str:
    return f"[{session.user[1]} in #{session.channel}] > "


def run_terminal(settings: Settings) -> int:
    """The console at a terminal: line editing, history and Tab completion (readline), Ctrl-C
    cancels the line being typed (or the command running), Ctrl-D or /quit leaves.

    Lines are read in the main thread, where readline and Ctrl-C work; each one is handled on
    one event loop that lives as long as the console.
    """
    with asyncio.Runner() as runner:
        core = _open_core_for_ctrl_c(runner, settings)
        try:
            session = runner.run(open_session(core))
            _line_editor(session.registry)
            print(texts.CONSOLE_BANNER, flush=True)
            while not session.done:
                try:
                    line = input(prompt(session))
                except KeyboardInterrupt:  # Ctrl-C: drop the line, a fresh prompt
                    print(flush=True)
                    continue
                except EOFError:  # Ctrl-D
                    print(flush=True)
                    break
                try:
                    out = runner.run(session.handle(line))
                    i18n.activate(session.lang)  # the runner's task had its own context
                except KeyboardInterrupt:
                    print(texts.CONSOLE_INTERRUPTED, flush=True)
                    continue
                for text in out:
                    print(text, flush=True)
        finally:
            runner.run(core.close())
    return 0


def _block_ctrl_c_in_this_thread() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _open_core_for_ctrl_c(runner: asyncio.Runner, settings: Settings) -> Core:
    """Open the core so that Ctrl-C always reaches the main thread.

    The kernel hands a terminal's SIGINT to any thread that does not block it. Readline waits
    for a key in the main thread, and only a signal delivered to that thread wakes it: one taken
    by the database's or an executor's thread left the console without a prompt until the next
    key. So every other thread blocks SIGINT: the database's (started here, while this thread
    blocks it, and inheriting the mask) and the executor's (its initializer)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks, nor readline
        return runner.run(Core.open(settings))
    runner.get_loop().set_default_executor(
        ThreadPoolExecutor(initializer=_block_ctrl_c_in_this_thread)
    )
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return runner.run(Core.open(settings))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _line_editor(registry: Registry) -> None:
    """Arrow keys, history and Tab completion of commands, where readline is available."""
    try:
        import readline
    except ImportError:  # no readline (Windows): plain input() still works
        return
    commands = registry.completions()

    def complete(text: str, state: int) -> str | None:
        typed = text.lower()
        matches = [c + " " for c in commands if c.startswith(typed)] if typed[:1] == "/" else []
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims("")  # complete the whole line: "/review pe" → "/review pending"
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):  # macOS's readline
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
