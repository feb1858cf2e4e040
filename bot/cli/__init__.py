"""The `rete` command: load .env, build Settings, set up logging, dispatch subcommands."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextvars import Token
from dataclasses import replace
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

from bot import __version__, i18n, texts
from bot.config import Settings
from bot.errors import ConfigError, UserFacingError, os_error_text
from bot.logs import setup_logging

log = logging.getLogger(__name__)

# Features add their subcommands here: each module has `add_commands(subparsers)`, and each
# subcommand sets `func(args, settings) -> int` with `set_defaults`.
FEATURE_CLIS: tuple[str, ...] = ("bot.cli.policy", "bot.cli.knowledge", "bot.cli.web")

Handler = Callable[[argparse.Namespace, Settings], int]


def _(text: str) -> str:
    """The command line's text `text` (its Italian id) in the language chosen at start."""
    return i18n.gettext(text, i18n.CLI_CONTEXT)


@contextlib.contextmanager
def _argparse_speaks_the_language() -> Iterator[None]:
    """argparse's own words ("usage:", "options", its errors) from the catalogs while the
    command line is parsed; argparse reads them through its module's `_`."""
    module: Any = argparse
    previous = module._

    def translate(text: str) -> str:
        return i18n.gettext(text, i18n.ARGPARSE_CONTEXT)

    module._ = translate
    try:
        yield
    finally:
        module._ = previous


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rete",
        description=_(
            "Rete, il bot della community dell'Accademia. Senza sottocomando: con un "
            "DISCORD_TOKEN si collega a Discord, senza avvia la console offline."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"rete {__version__}",
        help=_("mostra la versione di Rete ed esci"),
    )
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=None,
        help=_("lingua di Rete: it o en (predefinita: RETE_LANG, poi LANG, poi it)"),
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help=_("il file .env da cui leggere le impostazioni (predefinito: ./.env, se c'è)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help=_("collegati a Discord con DISCORD_TOKEN"),
        description=_(
            "Si collega a Discord con il token del bot in DISCORD_TOKEN (ambiente o .env) e "
            "serve ogni server in cui è il bot, fino a Ctrl-C o SIGTERM. Pubblica i comandi "
            "slash con «@Rete sync» in un server (Rete non sincronizza a ogni avvio)."
        ),
    )
    add_db_option(run)
    run.set_defaults(func=_cmd_run)

    console = sub.add_parser(
        "console",
        help=_("console offline sullo stesso nucleo (senza token)"),
        description=_(
            "La console offline: scrivi come membro di un server locale (id {guild}) e usa i "
            "comandi slash come su Discord, sullo stesso nucleo e database, senza token e "
            "senza rete. /help elenca i comandi, /as mod agisce da moderatrice, /quit o "
            "Ctrl-D esce."
        ).format(guild=DEFAULT_GUILD),
    )
    add_db_option(console)
    console.set_defaults(func=_cmd_console)

    for name in FEATURE_CLIS:
        importlib.import_module(name).add_commands(sub)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=_("file SQLite (predefinito: RETE_DB o ./data/rete.db)"),
    )


# One default server for every command that reads or changes a server's data: the offline
# console's local server, so that what the console shows and what `rete policy …`, `rete ask`
# and `rete excerpt` show is the same data.
DEFAULT_GUILD = 1


def guild_help() -> str:
    return _(
        "l'id del server Discord (guild) di cui usare i dati (predefinito {guild}: il server "
        "locale della console offline; ogni server vede anche la conoscenza condivisa "
        "dell'Accademia)"
    ).format(guild=DEFAULT_GUILD)


def add_guild_option(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    parser.add_argument(
        "--guild", type=int, default=DEFAULT_GUILD, metavar="ID", help=help or guild_help()
    )


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


def _language_first(argv: Sequence[str] | None) -> Token[i18n.Lang]:
    """Pick the language before the parser is built (its help is in it): `--lang`, else
    RETE_LANG (the environment, then .env), else the terminal's LANG; Italian by default."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=None)
    early.add_argument("--env-file", type=Path, default=None)
    known, _ = early.parse_known_args(argv)
    load_dotenv(known.env_file or ".env", override=False)
    return i18n.activate(i18n.from_environment(os.environ, known.lang))


def _main(argv: Sequence[str] | None) -> int:
    token = _language_first(argv)
    try:
        return _run_cli(argv)
    finally:
        i18n.reset(token)  # main() called in-process (tests) leaves the language as it was


def _run_cli(argv: Sequence[str] | None) -> int:
    with _argparse_speaks_the_language():
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
        print(f"rete: {os_error_text(exc)}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"rete: {texts.CLI_FILE_NOT_UTF8}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.has_token:
        print(_("rete run: DISCORD_TOKEN non è impostato (vedi .env.example)"), file=sys.stderr)
        return 2
    from bot.client import run_bot

    return asyncio.run(run_bot(settings))


def _cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.app import run_console, run_terminal
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
