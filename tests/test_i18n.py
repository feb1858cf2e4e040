"""Italian and English stay whole: every message translated in every catalog with the same
placeholders, the language picked per member, guild, console and CLI, slash payloads valid in
both locales, and no user-facing literal left outside the catalogs."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import discord
import pytest
from babel.messages.pofile import read_po

from bot import i18n, texts
from bot.client import EXTENSIONS, ReteBot
from bot.config import Settings
from bot.core import Core
from cogs._i18n import ReteTranslator
from tests.fakediscord.rules import check_commands

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rete_i18n_script", ROOT / "scripts/i18n.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def template() -> Any:
    return _script().template()


def _fields(text: str) -> list[tuple[str, str]]:
    """A message's placeholders with their format specs ({score:.2f} → ("score", ".2f"); the
    web templates' %(num)d → ("num", "%d"))."""
    braces = [
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    ]
    percents = [(name, f"%{kind}") for name, kind in re.findall(r"%\(([a-z_]+)\)([sd])", text)]
    return sorted(braces + percents)


# --- the catalogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_of_the_code_is_translated(template: Any, lang: i18n.Lang) -> None:
    have = i18n.catalog(lang)
    missing = [
        f"[{m.context}] {m.id[0] if isinstance(m.id, tuple) else m.id}"
        for m in template
        if m.id and (m.context, m.id[0] if isinstance(m.id, tuple) else m.id) not in have
    ]
    assert missing == [], "run scripts/i18n.py extract && update, then translate"
    assert len(template) > 500  # the texts, the console, the CLI and the slash commands


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogs_hold_nothing_the_code_no_longer_has(template: Any, lang: i18n.Lang) -> None:
    wanted = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in template}
    assert sorted(set(i18n.catalog(lang)) - wanted, key=str) == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_placeholders_match_between_languages(lang: i18n.Lang) -> None:
    with i18n.catalog_path(lang).open("rb") as po:
        catalog = read_po(po)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = _fields(ids[-1])
        # A singular form may leave the count out ("…and one more"); nothing else may differ.
        for form in strings:
            got = _fields(form)
            if got != expected and not (len(ids) > 1 and set(got) <= set(expected)):
                wrong.append((message.context, ids[0], form))
    assert wrong == []


def test_english_is_english_and_italian_stays() -> None:
    with i18n.using("en"):
        assert str(texts.NOT_MODERATOR) == "This command is for moderators only."
        assert texts.COOLDOWN.format(seconds=3) == "Easy! Try again in 3 seconds."
        assert f"{texts.SETUP_TITLE}" == "Rete's settings"
    assert str(texts.NOT_MODERATOR) == "Questo comando è riservato ai moderatori."
    # A Msg is its Italian id wherever raw characters are used (equality, hashing).
    assert texts.NOT_MODERATOR == "Questo comando è riservato ai moderatori."


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("it", 1, "1 ora"),
        ("it", 2, "2 ore"),
        ("it", 0, "0 ore"),
        ("en", 1, "1 hour"),
        ("en", 5, "5 hours"),
        ("en", 0, "0 hours"),
    ],
)
def test_counts_take_their_plural_form(lang: i18n.Lang, n: int, expected: str) -> None:
    with i18n.using(lang):
        assert texts.DURATION_HOURS.format(n=n) == expected


def test_answers_say_in_english_that_the_source_is_italian() -> None:
    with i18n.using("en"):
        assert "Italian" in str(texts.KB_SOURCE_FAQ)
        assert "Italian" in str(texts.KB_SOURCE_ARTICLE)


# --- choosing the language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("it", "it"),
        ("it_IT.UTF-8", "it"),
        ("en-US", "en"),
        ("en_GB.utf8", "en"),
        ("EN", "en"),
        ("de", None),
        ("C.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_lang(value: str | None, lang: str | None) -> None:
    assert i18n.parse_lang(value) == lang


@pytest.mark.parametrize(
    ("env", "override", "lang"),
    [
        ({}, None, "it"),
        ({"LANG": "en_US.UTF-8"}, None, "en"),
        ({"LANG": "en_US.UTF-8", "RETE_LANG": "it"}, None, "it"),
        ({"RETE_LANG": "en"}, "it", "it"),
        ({"LANG": "de_DE.UTF-8"}, None, "it"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "it_IT.UTF-8"}, None, "en"),
    ],
)
def test_console_and_cli_language(env: dict[str, str], override: str | None, lang: str) -> None:
    assert i18n.from_environment(env, override) == lang


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en-US,en;q=0.9", "en"),
        ("it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7", "it"),
        ("de-DE,de;q=0.9,en;q=0.8,it;q=0.7", "en"),
        ("de,en;q=0.5,it;q=0.8", "it"),
        ("en;q=0,it;q=0.1", "it"),
        ("fr-FR,de", None),
        ("*", None),
        ("", None),
        (None, None),
        ("en;q=abc,it", "it"),
    ],
)
def test_accept_language(header: str | None, lang: str | None) -> None:
    assert i18n.from_accept_language(header) == lang


@pytest.mark.parametrize(
    ("locale", "guild", "lang"),
    [
        ("en-US", None, "en"),
        ("en-GB", "it", "en"),
        ("it", "en", "it"),
        ("de", None, "it"),
        ("de", "en", "en"),
        ("pt-BR", "it", "it"),
    ],
)
def test_member_language(locale: str, guild: i18n.Lang | None, lang: str) -> None:
    assert i18n.for_member(locale, guild) == lang


# --- slash commands -------------------------------------------------------------------------


async def _payloads(tmp_path: Path) -> list[dict[str, Any]]:
    settings = Settings(db_path=tmp_path / "tree.db")
    core = await Core.open(settings)
    bot = ReteBot(settings, core=core)
    bot.core = core
    try:
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        translator = ReteTranslator()
        return [
            await command.get_translated_payload(bot.tree, translator)
            for command in bot.tree.get_commands()
        ]
    finally:
        await bot.close()
        await core.close()


def _as_seen_in(locale: str, item: dict[str, Any]) -> dict[str, Any]:
    """The payload as a client in `locale` shows it: localisations in place of defaults."""
    seen = dict(item)
    for key in ("name", "description"):
        localised = (item.get(f"{key}_localizations") or {}).get(locale)
        if localised:
            seen[key] = localised
    if item.get("options"):
        seen["options"] = [_as_seen_in(locale, o) for o in item["options"]]
    if item.get("choices"):
        seen["choices"] = [_as_seen_in(locale, c) for c in item["choices"]]
    return seen


def _descriptions(item: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    if "description" in item:
        yield item["description"], item.get("description_localizations") or {}
    for choice in item.get("choices") or []:
        yield choice["name"], choice.get("name_localizations") or {}
    for option in item.get("options") or []:
        yield from _descriptions(option)


async def test_slash_payloads_are_valid_in_both_locales(tmp_path: Path) -> None:
    payloads = await _payloads(tmp_path)
    for locale in ("it", "en-US", "en-GB"):
        seen = [_as_seen_in(locale, p) for p in payloads]
        assert check_commands(seen) == [], locale
    untranslated = [
        text
        for payload in payloads
        for text, localised in _descriptions(payload)
        if "en-US" not in localised and text not in ("it", "en", "on", "off", "reply", "dm")
    ]
    assert untranslated == []
    # Names are one spelling for everyone: never localised.
    assert all(not p.get("name_localizations") for p in payloads)


async def test_translator_leaves_italian_and_other_locales_to_the_default() -> None:
    translator = ReteTranslator()
    context = discord.app_commands.TranslationContext(
        location=discord.app_commands.TranslationContextLocation.command_description, data=None
    )
    text = discord.app_commands.locale_str("Configura Rete")
    assert await translator.translate(text, discord.Locale.american_english, context) == (
        "Set Rete up"
    )
    assert await translator.translate(text, discord.Locale.italian, context) is None
    assert await translator.translate(text, discord.Locale.german, context) is None


# --- no user-facing literal outside the catalogs --------------------------------------------

# Where a person reads what the code passes: Discord replies and components, console output,
# errors shown as they are.
_SINKS = frozenset(
    {
        "reply",
        "send_error",
        "send_message",
        "send",
        "edit",
        "UserFacingError",
        "KnowledgeError",
        "Embed",
        "add_field",
        "set_footer",
        "set_author",
        "Button",
        "SelectOption",
        "TextInput",
        "Modal",
        "append",
        "extend",
        "print",
    }
)
_SCANNED = (
    *sorted((ROOT / "cogs").glob("*.py")),
    ROOT / "bot/client.py",
    *sorted((ROOT / "bot/console").glob("*.py")),
    *sorted(ROOT.glob("bot/*/render.py")),
    ROOT / "bot/knowledge/reply.py",
    ROOT / "bot/policy/explain.py",
    ROOT / "bot/policy/pages.py",
    ROOT / "bot/policy/flows.py",
)


def _words(node: ast.AST) -> str:
    """The literal text of a str constant or f-string, placeholders left out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return f"{_words(node.left)} {_words(node.right)}"
    return ""


def _is_prose(text: str) -> bool:
    """Two or more letters-only words: prose, not an id, a path, markup or a number."""
    return sum(1 for w in text.split() if w.isalpha() and len(w) > 1) >= 2


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        candidates: list[ast.AST] = []
        if isinstance(node, ast.Call) and _call_name(node) in _SINKS:
            candidates = [*node.args, *(k.value for k in node.keywords if k.arg != "custom_id")]
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.List):
            candidates = list(node.value.elts)  # console handlers return the lines they print
        for candidate in candidates:
            text = _words(candidate)
            if _is_prose(text):
                yield node.lineno, text


def test_no_user_facing_literal_outside_the_catalogs() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _SCANNED
        for line, text in _literals(path)
    ]
    assert found == []


def test_the_scan_finds_a_literal() -> None:
    sample = ROOT / "tests" / "_i18n_scan_sample.py"
    sample.write_text('async def f(i):\n    await reply(i, "Ciao a tutti quanti")\n')
    try:
        assert [text for _, text in _literals(sample)] == ["Ciao a tutti quanti"]
    finally:
        sample.unlink()


def test_default_rule_descriptions_read_in_both_languages() -> None:
    from bot.policy.model import written_default_policy

    rules = [r for r in written_default_policy().rules if r.description]
    assert len(rules) > 30
    with i18n.using("it"):
        italian = [i18n.rule_description(r.description) for r in rules]
    with i18n.using("en"):
        english = [i18n.rule_description(r.description) for r in rules]
    assert english == [r.description for r in rules]  # the file's own words
    assert sum(a != b for a, b in zip(italian, english, strict=True)) > 30
    assert i18n.rule_description("scritta da un moderatore") == "scritta da un moderatore"


@pytest.mark.parametrize(("lang", "says"), [("it", "non è un id Discord"), ("en", "Discord id")])
def test_settings_errors_in_both_languages(lang: i18n.Lang, says: str) -> None:
    from bot.errors import ConfigError

    with i18n.using(lang), pytest.raises(ConfigError, match=says):
        Settings.from_env({"RETE_DEV_GUILD_ID": "abc"})


# --- a Msg reads in the current language however it is used ----------------------------------


def test_a_msg_reads_in_the_current_language_however_it_is_used() -> None:
    message = texts.NOT_MODERATOR
    english = "This command is for moderators only."
    with i18n.using("en"):
        assert message + "!" == english + "!"
        assert "> " + message == "> " + english
        assert "%s" % message == english  # noqa: UP031 (the old formatting, on purpose)
        assert "%s." % (message,) == english + "."  # noqa: UP031
        assert f"{message}|{message:>40}" == f"{english}|{english:>40}"
        assert message * 2 == english * 2
        assert len(message) == len(english)
        assert list(message) == list(english)
        assert message[:4] == "This"
        assert "moderators" in message
        assert message.upper() == english.upper()
        assert message.split() == english.split()
        assert message.replace("only", "") == english.replace("only", "")
        assert message.startswith("This")
        assert message.join("<>") == english.join("<>")
        assert message.encode() == english.encode()
    # Equality and hashing stay on the id: one key in every language.
    with i18n.using("en"):
        assert message == "Questo comando è riservato ai moderatori."
        assert hash(message) == hash("Questo comando è riservato ai moderatori.")
    assert message + "!" == "Questo comando è riservato ai moderatori.!"


def _raw_joins(tree: ast.AST) -> Iterator[int]:
    """Lines where a texts constant is an item of `str.join` as it is (its id, not its text)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _call_name(node) == "join" and node.args):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.GeneratorExp | ast.ListComp | ast.SetComp):
            items: list[ast.AST] = [arg.elt]
        elif isinstance(arg, ast.List | ast.Tuple | ast.Set):
            items = [e.value if isinstance(e, ast.Starred) else e for e in arg.elts]
        else:
            continue
        for item in items:
            target = item.value if isinstance(item, ast.Subscript) else item
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "texts"
            ):
                yield node.lineno


def test_no_message_is_an_item_of_a_join_as_it_is() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("cogs/*.py")])
        for line in _raw_joins(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "write str(texts.X) inside a join"


def test_the_join_scan_finds_a_raw_message() -> None:
    tree = ast.parse(
        "a = ', '.join([texts.A, str(texts.B)])\n"
        "b = ' '.join(texts.NAMES[k] for k in keys)\n"
        "c = ' '.join(str(texts.NAMES[k]) for k in keys)\n"
    )
    assert list(_raw_joins(tree)) == [1, 2]


def test_the_explanation_names_each_piece_of_evidence_in_the_reader_s_language() -> None:
    from bot.knowledge.ranking import FEATURE_NAMES
    from bot.knowledge.reply import Why, explain_lines

    assert set(texts.KB_WHY_FEATURE_LABELS) == set(FEATURE_NAMES)
    why = Why("faq-x", "faq", ("blog",), (), tuple((n, 0.5) for n in FEATURE_NAMES), 0.7, 0.6)
    with i18n.using("en"):
        english = explain_lines(why)[-1]
    with i18n.using("it"):
        italian = explain_lines(why)[-1]
    assert "coverage 0.50" in english
    assert "copertura 0.50" in italian
    for name in FEATURE_NAMES:  # in English, no Italian technical name (the --jsonl keys)
        assert name == "faq" or name not in english, name
        assert f"{texts.KB_WHY_FEATURE_LABELS[name]} 0.50" in italian, name
