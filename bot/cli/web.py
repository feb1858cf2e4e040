"""`rete web`: the moderators' dashboard over the offline console's database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.cli import add_db_option

    web = sub.add_parser(
        "web",
        help="the moderators' web dashboard on the console's database",
        description=(
            "Serve the moderators' dashboard (queue, policy, statistics) for the offline "
            "console's server, on RETE_WEB_HOST:RETE_WEB_PORT (default 127.0.0.1:8080). It "
            "prints a one-time login link, as notebook servers do; you act as the console's "
            "moderator. With Discord, set RETE_WEB_PORT and run `rete run` instead."
        ),
    )
    add_db_option(web)
    web.set_defaults(func=_cmd_web)


def _cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(serve_offline(settings))


async def serve_offline(settings: Settings, *, ready: asyncio.Event | None = None) -> int:
    from bot.cli import DEFAULT_GUILD
    from bot.console import MODERATOR
    from bot.core import Core
    from bot.permissions import ConsoleModerator
    from bot.web import Dashboard, OfflineUser, WebServer
    from bot.web.security import OneTimeLinks, load_secret

    core = await Core.open(settings)
    try:
        await core.ensure_guild(DEFAULT_GUILD, "console")
        links = OneTimeLinks()
        user_id, name = MODERATOR
        dashboard = Dashboard(
            core,
            ConsoleModerator(DEFAULT_GUILD, user_id),
            secret=load_secret(settings.web_secret, settings.db_path),
            links=links,
            offline_user=OfflineUser(user_id, name, ((DEFAULT_GUILD, "console"),)),
        )
        port = settings.web_port or 8080
        server = WebServer(dashboard.app(), settings.web_host, port)
        await server.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::") else settings.web_host  # noqa: S104
        print(
            f"Cruscotto di Rete su http://{host}:{port}/\n"
            f"Accedi (link valido una volta, per 10 minuti): "
            f"http://{host}:{port}/login/once?token={links.issue()}\n"
            "Ctrl-C per fermarlo.",
            flush=True,
        )
        if ready is not None:
            ready.set()
        try:
            await stop.wait()
        finally:
            await server.stop()
    finally:
        await core.close()
    print("rete web: fermato.", file=sys.stderr)
    return 0
