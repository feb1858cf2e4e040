"""The rules of the house, checked with ast: a pure core, thin cogs, SQL only in stores."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The only module of the core allowed to know discord: the client that wires it all.
DISCORD_ALLOWED = {Path("bot/client.py")}
# Statements as they are written in this code base: upper-case keywords and their objects.
SQL = re.compile(
    r"^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b"
    r"|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX|TRIGGER|VIRTUAL|VIEW|UNIQUE)\b|ALTER\s+TABLE\b"
    r"|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)\b|PRAGMA\s+\w+|WITH\s+\w+\s+AS\b)"
)


def modules(package: str) -> list[Path]:
    return sorted(p.relative_to(ROOT) for p in (ROOT / package).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def sql_strings(path: Path) -> list[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    return [
        node.value[:40]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value)
    ]


@pytest.mark.parametrize("path", modules("bot"), ids=str)
def test_core_imports_no_discord(path: Path) -> None:
    if path in DISCORD_ALLOWED:
        return
    assert not imported_roots(path) & {"discord"}, f"{path} imports discord"


@pytest.mark.parametrize("path", modules("cogs"), ids=str)
def test_public_cogs_have_setup(path: Path) -> None:
    if path.name.startswith("_"):
        return
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    setups = [
        node
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "setup"
    ]
    assert setups, f"{path} has no `async def setup(bot)`"


@pytest.mark.parametrize("path", modules("cogs"), ids=str)
def test_cogs_hold_no_sql(path: Path) -> None:
    assert sql_strings(path) == [], f"{path} has SQL: it belongs in a store"


@pytest.mark.parametrize("path", modules("bot"), ids=str)
def test_sql_only_in_stores_and_db(path: Path) -> None:
    if path.name in {"db.py", "store.py"} or path.name.endswith("_store.py"):
        return
    if "store" in path.parts or "migrations" in path.parts:
        return
    assert sql_strings(path) == [], f"{path} has SQL: it belongs in a store module"


def test_extensions_exist_and_are_listed_explicitly() -> None:
    from bot.client import EXTENSIONS

    for name in EXTENSIONS:
        assert (ROOT / (name.replace(".", "/") + ".py")).exists(), name


def called_names(path: Path) -> set[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                names.add(func.attr)
            elif isinstance(func, ast.Name):
                names.add(func.id)
    return names


@pytest.mark.parametrize("path", modules("cogs"), ids=str)
def test_cogs_reach_shared_services_through_the_bot_not_each_other(path: Path) -> None:
    # get_cog returns an untyped Cog: what two cogs share is a typed attribute of ReteBot.
    assert "get_cog" not in called_names(path), f"{path} reaches another cog with get_cog"


@pytest.mark.parametrize("path", modules("cogs"), ids=str)
def test_one_place_turns_a_discord_message_into_an_incoming_message(path: Path) -> None:
    if path == Path("cogs/_messages.py"):
        return
    assert "IncomingMessage" not in called_names(path), f"{path}: use cogs._messages"


def test_moderators_only_is_defined_once() -> None:
    defined = [
        path
        for path in modules("cogs")
        for node in ast.walk(ast.parse((ROOT / path).read_text("utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in {"moderators_only", "moderator_only"}
    ]
    assert defined == [Path("cogs/_checks.py")]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", modules("bot/web"), ids=str)
def test_the_web_dashboard_is_a_front_end_over_the_core(path: Path) -> None:
    """bot/web reaches the core's services only: no discord, no cogs, no other front-end (the
    console), and no SQL of its own."""
    imported = imported_modules(path)
    assert not {m.split(".")[0] for m in imported} & {"discord", "cogs"}, f"{path}"
    consoles = {m for m in imported if m == "bot.console" or ".console" in m}
    assert not consoles, f"{path} imports the console: {consoles}"
    stores = {m for m in imported if m.endswith(("store", "_store")) or m == "bot.db"}
    assert not stores, f"{path} reaches a store directly: {stores}"
    assert not sql_strings(path), f"{path} holds SQL"
