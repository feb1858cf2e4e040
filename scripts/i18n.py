"""Rete's gettext catalogs, managed with Babel.

    .venv/bin/python scripts/i18n.py extract   # bot/locale/rete.pot from the code
    .venv/bin/python scripts/i18n.py update    # merge it into bot/locale/{it,en}/…/rete.po
    .venv/bin/python scripts/i18n.py check     # exit 1 if a catalog lacks a message (CI: the tests)

Message ids are the Italian texts. They come from four places:
- the `Msg` constants of bot/texts.py (msgctxt: the constant's name);
- the console's command usages and descriptions (msgctxt "console");
- `_("...")` calls in the CLI (bot/cli, msgctxt "cli"), found by Babel's Python extractor;
- the web dashboard (msgctxt "web"): `_()`, `ngettext()` and `{% trans %}` in its Jinja2
  templates (bot/web/templates, Jinja2's Babel extractor) and `_("...")` in its Python (bot/web);
- the slash commands' descriptions and choices (msgctxt "slash"), read from the bot's command tree.
The Italian catalog repeats each id as its translation (so Italian can be reworded there);
English translations are written in the English .po by hand.
"""

# ruff: noqa: T201  (a command-line script reports with print)

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import i18n  # noqa: E402

POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
TEXT_MODULES = ("bot.texts",)
CLI_DIR = ROOT / "bot" / "cli"
WEB_DIR = ROOT / "bot" / "web"

Entry = tuple[str | None, str | tuple[str, str], str]  # context, id (or singular+plural), where


def texts_messages() -> Iterator[Entry]:
    import importlib

    for name in TEXT_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else [value]
            for item in values:
                if isinstance(item, i18n.Plural):
                    yield item.context, (item.msgid, item.plural), f"{name}.{attr}"
                elif isinstance(item, i18n.Msg):
                    yield item.context, item.msgid, f"{name}.{attr}"


def console_messages() -> Iterator[Entry]:
    from bot.console.app import build_registry

    for command in build_registry().commands.values():
        for text in (command.usage, command.help):
            if isinstance(text, i18n.Msg):
                yield text.context, text.msgid, f"console /{command.name}"


def cli_messages() -> Iterator[Entry]:
    for path in sorted(CLI_DIR.glob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", path, keywords={"_": None}
        ):
            if isinstance(message, str):
                yield i18n.CLI_CONTEXT, message, f"{path.relative_to(ROOT)}:{lineno}"


def web_messages() -> Iterator[Entry]:
    from bot.web.app import TEMPLATE_OPTIONS

    found = [
        ("python", path, {"_": None, "N_": None}, {}) for path in sorted(WEB_DIR.glob("*.py"))
    ] + [
        ("jinja2.ext:babel_extract", path, DEFAULT_KEYWORDS, TEMPLATE_OPTIONS)
        for path in sorted((WEB_DIR / "templates").glob("*.html"))
    ]
    for method, path, keywords, options in found:
        for lineno, message, _comments, _context in extract_from_file(
            method, path, keywords=keywords, options=options
        ):
            if isinstance(message, str | tuple) and message:
                yield i18n.WEB_CONTEXT, message, f"{path.relative_to(ROOT)}:{lineno}"


def argparse_messages() -> Iterator[Entry]:
    for message in i18n.ARGPARSE_MESSAGES:
        yield i18n.ARGPARSE_CONTEXT, message, "argparse (the standard library)"


def policy_messages() -> Iterator[Entry]:
    from bot.policy.model import written_default_policy

    for rule in written_default_policy().rules:
        if rule.description:
            yield i18n.POLICY_CONTEXT, rule.description, f"default policy rule {rule.name}"


async def _slash() -> dict[str, str]:
    from bot.client import EXTENSIONS, ReteBot
    from bot.config import Settings
    from bot.core import Core
    from cogs._i18n import tree_strings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "tree.db")
        core = await Core.open(settings)
        bot = ReteBot(settings, core=core)
        bot.core = core
        try:
            for extension in EXTENSIONS:
                await bot.load_extension(extension)
            return await tree_strings(bot.tree)  # type: ignore[arg-type]
        finally:
            await bot.close()
            await core.close()


def slash_messages() -> Iterator[Entry]:
    for message, where in asyncio.run(_slash()).items():
        yield i18n.SLASH_CONTEXT, message, f"slash {where}"


def template() -> Catalog:
    catalog = Catalog(project="rete", domain=i18n.DOMAIN, fuzzy=False)
    sources = (
        texts_messages,
        console_messages,
        cli_messages,
        web_messages,
        argparse_messages,
        policy_messages,
        slash_messages,
    )
    for source in sources:
        for context, msgid, where in source():
            catalog.add(msgid, context=context, auto_comments=[where])
    return catalog


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=i18n.DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=False, include_previous=True)


def extract() -> None:
    _write(POT, template())
    print(f"wrote {POT.relative_to(ROOT)}")


def update() -> None:
    for lang in i18n.LANGUAGES:
        pot = _read(POT)  # read for each: Babel's update shares the template's messages
        path = i18n.catalog_path(lang)
        catalog = _read(path, lang) if path.exists() else Catalog(locale=lang, domain=i18n.DOMAIN)
        catalog.update(pot, no_fuzzy_matching=True)
        # Ids are in Italian (argparse's in English): there they are their own translation.
        for message in catalog:
            if (message.context in i18n.ENGLISH_ID_CONTEXTS) == (lang == "en"):
                if isinstance(message.id, tuple) and not all(message.string):
                    singular, plural = message.id
                    message.string = (singular, *[plural] * (catalog.num_plurals - 1))
                elif message.id and not message.string:
                    message.string = message.id
        catalog.obsolete.clear()
        _write(path, catalog)
        print(f"updated {path.relative_to(ROOT)}")


def missing(lang: i18n.Lang) -> list[str]:
    """The message ids of the code that `lang`'s catalog does not translate."""
    have = i18n.catalog(lang)
    out = []
    for message in template():
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if (message.context, key) not in have:
            out.append(f"[{message.context}] {key}")
    return out


def check() -> int:
    status = 0
    for lang in i18n.LANGUAGES:
        for line in missing(lang):
            print(f"{lang}: untranslated {line}")
            status = 1
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["extract", "update", "check"])
    action = parser.parse_args().action
    if action == "extract":
        extract()
    elif action == "update":
        update()
    else:
        return check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
