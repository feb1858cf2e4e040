"""The `rete` command: load .env, build Settings, set up logging, dispatch subcommands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from dotenv import load_dotenv

from bot import __version__, texts
from bot.config import Settings
from bot.errors import ConfigError, UserFacingError
from bot.logs import setup_logging

log = logging.getLogger(__name__)

# Features add their subcommands here: each module has `add_commands(subparsers)`, and each
# subcommand sets `func(args, settings) -> int` with `set_defaults`.
FEATURE_CLIS: tuple[str, ...] = ("bot.cli.policy", "bot.cli.knowledge", "bot.cli.web")

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rete",
        description=(
            "Rete, il bot della community dell'Accademia. Senza sottocomando: con un "
            "DISCORD_TOKEN si collega a Discord, senza avvia la console offline."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rete {__version__}")
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="the .env file to read settings from (default: ./.env, if there is one)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="connect to Discord with DISCORD_TOKEN",
        description=(
            "Connect to Discord with the bot token in DISCORD_TOKEN (environment or .env) and "
            "serve every server the bot is in, until Ctrl-C or SIGTERM. Publish the slash "
            "commands with '@Rete sync' in a server (Rete does not sync on every start)."
        ),
    )
    add_db_option(run)
    run.set_defaults(func=_cmd_run)

    console = sub.add_parser(
        "console",
        help="offline console on the same core (no token)",
        description=(
            "The offline console: chat as a member of a local server (id "
            f"{DEFAULT_GUILD}) and run the slash commands as in Discord, on the same core and "
            "database, with no token and no network. /help lists the commands, /as mod acts "
            "as a moderator, /quit or Ctrl-D leaves."
        ),
    )
    add_db_option(console)
    console.set_defaults(func=_cmd_console)

    for name in FEATURE_CLIS:
        importlib.import_module(name).add_commands(sub)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: RETE_DB or ./data/rete.db)"
    )


# One default server for every command that reads or changes a server's data: the offline
# console's local server, so that what the console shows and what `rete policy …`, `rete ask`
# and `rete excerpt` show is the same data.
DEFAULT_GUILD = 1
GUILD_HELP = (
    f"the Discord server (guild) id whose data to use (default {DEFAULT_GUILD}: the offline "
    "console's local server; every server also sees the academy's shared knowledge)"
)


def add_guild_option(parser: argparse.ArgumentParser, help: str = GUILD_HELP) -> None:
    parser.add_argument("--guild", type=int, default=DEFAULT_GUILD, metavar="ID", help=help)


def settings_for(args: argparse.Namespace, settings: Settings) -> Settings:
    """Settings with the command line's `--db` applied."""
    db = getattr(args, "db", None)
    if db is None:
        return settings
    return replace(settings, db_path=db)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`rete excerpt … | head -1`): what it wanted, it has. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    load_dotenv(args.env_file or ".env", override=False)
    try:
        settings = settings_for(args, Settings.from_env(os.environ))
    except ConfigError as exc:
        print(f"rete: {exc}", file=sys.stderr)
        return 2
    func: Handler | None = getattr(args, "func", None)
    if func is None:
        if settings.has_token:
            func = _cmd_run
        else:
            print(texts.OFFLINE_HINT, file=sys.stderr)
            func = _cmd_console
    if func is not _cmd_run and "RETE_LOG_LEVEL" not in os.environ:
        # At the console and in one-shot commands, log lines would drown what Rete says.
        settings = replace(settings, log_level="WARNING")
    setup_logging(settings)
    try:
        return func(args, settings)
    except UserFacingError as exc:
        print(f"rete: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # handled in main(), quietly
    except OSError as exc:  # a file named on the command line is missing, unreadable…
        print(f"rete: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"rete: {texts.CLI_FILE_NOT_UTF8}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.has_token:
        print("rete run: DISCORD_TOKEN is not set (see .env.example)", file=sys.stderr)
        return 2
    from bot.client import run_bot

    return asyncio.run(run_bot(settings))


def _cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console, run_terminal
    from bot.core import Core

    if sys.stdin.isatty() and sys.stdout.isatty():
        return run_terminal(settings)

    async def go() -> int:
        core = await Core.open(settings)
        try:
            return await run_console(core)
        finally:
            await core.close()

    return asyncio.run(go())
