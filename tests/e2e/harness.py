"""Run the real Rete bot against the fake Discord: in process (ReteHarness) or as a subprocess
running `python -m bot run` (ReteProcess). Used by tests/e2e fixtures and benchmarks/e2e.py."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.client import ReteBot, point_at
from bot.config import Settings
from bot.core import Core
from tests.fakediscord import FakeDiscord
from tests.fakediscord.models import StoredMessage

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "ready as"  # bot.client logs "ready as <user> (<id>) in N guilds" on on_ready


async def eventually(
    check: Callable[[], Any | Awaitable[Any]], *, timeout: float = 5.0, interval: float = 0.01
) -> Any:
    """Poll `check` (sync or async) until it returns something truthy; return that value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s: {check}")
        await asyncio.sleep(interval)


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Aim discord.py at the fake for the duration, then restore the real endpoints."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_at(fake.api_base, fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway))


class HarnessBot(ReteBot):
    """ReteBot with two test-only differences: extra extensions loaded after the product's,
    and no 5-second pause before a re-IDENTIFY (discord.py's default; the fake has no limit)."""

    extra_extensions: tuple[str, ...] = ()

    async def setup_hook(self) -> None:
        await super().setup_hook()
        for extension in self.extra_extensions:
            await self.load_extension(extension)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


def harness_settings(fake: FakeDiscord, db_path: Path, **changes: Any) -> Settings:
    settings = Settings(
        discord_token=fake.token,
        db_path=db_path,
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
    )
    return replace(settings, **changes) if changes else settings


class ReteHarness:
    """The real bot in this process, connected to `fake`; `restart()` keeps the database."""

    def __init__(
        self,
        fake: FakeDiscord,
        db_path: Path,
        *,
        extensions: tuple[str, ...] = (),
        settings: Settings | None = None,
        ready_timeout: float = 10.0,
    ) -> None:
        self.fake = fake
        self.db_path = db_path
        self.extensions = extensions
        self.settings = settings or harness_settings(fake, db_path)
        self.ready_timeout = ready_timeout
        self._bot: HarnessBot | None = None
        self._task: asyncio.Task[None] | None = None
        self.starts = 0

    @property
    def bot(self) -> HarnessBot:
        if self._bot is None:
            raise RuntimeError("the bot is not running: await rete.start()")
        return self._bot

    @property
    def core(self) -> Core:
        return self.bot.core

    @property
    def running(self) -> bool:
        return self._bot is not None

    async def start(self) -> HarnessBot:
        """Log in, connect, wait for on_ready, and tell the fake the bot's command schemas."""
        if self._bot is not None:
            raise RuntimeError("already running")
        bot = HarnessBot(self.settings, guild_ready_timeout=0.01)
        bot.extra_extensions = self.extensions
        self._bot = bot
        try:
            await bot.login(self.fake.token)
            self._task = asyncio.create_task(bot.connect(reconnect=True), name="rete-connect")
            ready = asyncio.create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait(
                {ready, self._task}, timeout=self.ready_timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                ready.cancel()
                if self._task in done:
                    self._task.result()  # raises what stopped the bot
                raise TimeoutError(f"the bot was not ready within {self.ready_timeout}s")
        except BaseException:
            await self.stop()
            raise
        self.starts += 1
        self.install_commands()
        return bot

    def install_commands(self) -> None:
        """Make the fake know the tree's commands as if synced, so `fake.slash` can type them."""
        tree = self.bot.tree
        self.fake.install_commands(c.to_dict(tree) for c in tree.get_commands())
        for guild_id in self.fake.guilds:
            scoped = tree.get_commands(guild=discord.Object(guild_id))
            if scoped:
                self.fake.install_commands((c.to_dict(tree) for c in scoped), guild_id=guild_id)

    async def idle(self, timeout: float = 5.0) -> None:
        """Wait until no event handler of the bot is running (discord.py names their tasks
        "discord.py: on_…"): everything dispatched so far has been handled."""

        def busy() -> list[asyncio.Task[Any]]:
            return [t for t in foreign_tasks() if t.get_name().startswith("discord.py: on_")]

        await eventually(lambda: not busy(), timeout=timeout)

    async def stop(self) -> None:
        """Close the bot as discord.py does on shutdown; the database must end up closed."""
        bot, task = self._bot, self._task
        self._bot = self._task = None
        if bot is None:
            return
        await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
                await asyncio.wait_for(task, 10)
        core = getattr(bot, "core", None)
        if core is not None and core.db.is_open:
            raise AssertionError("the bot closed but its database is still open")

    async def restart(self) -> HarnessBot:
        """Stop the bot and start a new one on the same database and fake Discord."""
        await self.stop()
        return await self.start()


class ReteProcess:
    """`python -m bot run` in a subprocess, pointed at the fake through the environment.

    `start()` waits for on_ready (its "ready as" log line); `terminate()` sends SIGTERM and returns
    the exit code; `kill()` is kill -9. stderr is collected in `logs` (drained continuously).
    """

    def __init__(
        self,
        fake: FakeDiscord,
        db_path: Path,
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = ("-m", "bot", "run"),
    ) -> None:
        self.fake = fake
        self.db_path = db_path
        self.cwd = cwd
        self.extra_env = env or {}
        self.args = args
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._line_added = asyncio.Event()
        self.starts = 0

    @property
    def logs(self) -> str:
        return "\n".join(self.lines)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RETE_", "DISCORD_"))}
        env["RETE_LANG"] = "it"  # whatever the machine's LANG
        env.update(
            DISCORD_TOKEN=self.fake.token,
            RETE_DISCORD_API_BASE=self.fake.api_base,
            RETE_DISCORD_GATEWAY=self.fake.gateway_url,
            RETE_DB=str(self.db_path),
            RETE_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        env.update(self.extra_env)
        return env

    async def start(self, *, wait: str | None = "ready", timeout: float = 30.0) -> None:
        """Spawn the bot; `wait="ready"`: until on_ready (its "ready as" log line);
        `wait="connected"`: until the fake sent READY to a new session (no guild_ready wait)."""
        if self.process is not None and self.process.returncode is None:
            raise RuntimeError("already running")
        self.cwd.mkdir(parents=True, exist_ok=True)
        since = len(self.lines)
        gateway_mark = self.fake.gateway_mark()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.args,
            cwd=self.cwd,  # no stray .env is read from the repository
            env=self.environment(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read(self.process), name="rete-stderr")
        self.starts += 1
        if wait == "ready":
            await self.wait_for_line(READY_LINE, since=since, timeout=timeout)
        elif wait == "connected":
            await self.fake.wait_gateway("READY", since=gateway_mark, timeout=timeout)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            self._line_added.set()
        self._line_added.set()

    async def wait_for_line(self, text: str, *, since: int = 0, timeout: float = 10.0) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for line in self.lines[since:]:
                if text in line:
                    return line
            exited = self.process is not None and self.process.returncode is not None
            if exited or loop.time() > deadline:
                tail = "\n".join(self.lines[-30:])
                state = f"exited with {self.process.returncode}" if exited else "timed out"  # type: ignore[union-attr]
                raise TimeoutError(f"bot process {state} before logging {text!r}:\n{tail}")
            self._line_added.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._line_added.wait(), min(0.2, deadline - loop.time()))

    async def _finish(self, timeout: float) -> int:
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, timeout)
            self._reader = None
        return code

    async def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM (a clean shutdown); returns the exit code."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        return await self._finish(timeout)

    async def kill(self) -> int:
        """kill -9: no shutdown code runs, the gateway connection just vanishes."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else 0
        self.process.kill()
        return await self._finish(10.0)

    async def restart(self, *, kill: bool = False) -> None:
        await (self.kill() if kill else self.terminate())
        await self.start()

    async def close(self) -> None:
        """Fixture teardown: make sure no process is left behind."""
        if self.process is not None and self.process.returncode is None:
            try:
                await self.terminate(timeout=10.0)
            except TimeoutError:
                await self.kill()


def foreign_tasks() -> list[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not current and not t.done()]


async def assert_nothing_left(threads_before: set[int], *, grace: float = 2.0) -> None:
    """No task still pending on the loop and no non-daemon thread left behind (an unclosed
    aiosqlite connection is such a thread: it keeps a real process from exiting)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    # The loop's default executor (run_in_executor(None, …)) is shut down when the loop closes,
    # as asyncio.run does at exit; its idle workers are not a leak.
    executor = getattr(loop, "_default_executor", None)
    pooled = set(getattr(executor, "_threads", ()))

    def leftover_threads() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t.ident not in threads_before and not t.daemon and t.is_alive() and t not in pooled
        ]

    while (foreign_tasks() or leftover_threads()) and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)  # polling: there is no event for "a thread ended"
    tasks = [t.get_coro() for t in foreign_tasks()]
    threads = [t.name for t in leftover_threads()]
    assert not tasks, f"tasks still pending after shutdown: {tasks}"
    assert not threads, f"non-daemon threads still alive after shutdown: {threads}"


async def set_review_channel(fake: FakeDiscord, name: str = "moderazione") -> StoredMessage:
    """A moderator's `/setup review-channel` to #`name` through the fake Discord: Rete's reply."""
    it = await fake.slash(
        fake.moderator, "setup", {"channel": fake.channel(name)}, subcommand="review-channel"
    )
    return await it.reply()
