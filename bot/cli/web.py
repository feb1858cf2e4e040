"""`rete web`: the moderators' dashboard over the offline console's database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from bot import texts
from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.cli import _, add_db_option

    web = sub.add_parser(
        "web",
        help=_("il cruscotto web dei moderatori sul database della console"),
        description=_(
            "Serve il cruscotto dei moderatori (coda, policy, statistiche) per il server della "
            "console offline, su RETE_WEB_HOST:RETE_WEB_PORT (predefinito 127.0.0.1:8080). "
            "Stampa un link di accesso valido una volta, come i server dei notebook; agisci come "
            "la moderatrice della console. Con Discord, imposta RETE_WEB_PORT e lancia "
            "`rete run`."
        ),
    )
    add_db_option(web)
    web.set_defaults(func=_cmd_web)


def _cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(serve_offline(settings))


async def serve_offline(settings: Settings, *, ready: asyncio.Event | None = None) -> int:
    from bot.cli import DEFAULT_GUILD
    from bot.console.app import CHANNELS, MODERATOR
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
            ConsoleModerator(
                DEFAULT_GUILD, user_id, channels=tuple((i, n) for n, i in CHANNELS.items())
            ),
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
        base = f"http://{host}:{port}"
        print(
            texts.WEB_OFFLINE_READY.format(
                url=f"{base}/", login=f"{base}/login/once?token={links.issue()}"
            ),
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
    print(texts.WEB_STOPPED, file=sys.stderr)
    return 0
