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


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import, `from a.b import c` giving both a.b and a.b.c."""
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# Front-ends parse input, call the core and format what it returns. Each is a set of module
# prefixes; a new front-end (the web dashboard) is one more line here.
FRONT_ENDS: dict[str, tuple[str, ...]] = {
    "discord": ("cogs", "bot.client"),
    "console": ("bot.console",),
    "cli": ("bot.cli",),
    "web": ("bot.web",),
}
# The CLI is the program's entry point: `rete run` and `rete console` start the other two.
LAUNCHES = {
    Path("bot/cli/__init__.py"): {"bot.client.run_bot", "bot.console.app"},
    # `rete web` serves the dashboard on the console's database, as the console's moderator
    Path("bot/cli/web.py"): {"bot.web", "bot.console.app.MODERATOR", "bot.console.app.CHANNELS"},
    # `rete run` with RETE_WEB_PORT: the bot process serves the dashboard beside Discord
    Path("cogs/web.py"): {"bot.web"},
}
ENTRY_POINTS = {Path("bot/__main__.py")}


def module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def front_end_of(name: str) -> str | None:
    for front_end, prefixes in FRONT_ENDS.items():
        if any(under(name, prefix) for prefix in prefixes):
            return front_end
    return None


def front_end_imports(path: Path) -> set[str]:
    """Modules of front-ends this module imports, other than its own front-end's."""
    own = front_end_of(module_name(path))
    allowed = LAUNCHES.get(path, set())
    return {
        name
        for name in imported_modules(path)
        if front_end_of(name) not in {None, own}
        and not any(under(name, launched) for launched in allowed)
        and not any(under(launched, name) for launched in allowed)
    }


CORE_MODULES = [
    path
    for path in modules("bot")
    if front_end_of(module_name(path)) is None and path not in ENTRY_POINTS
]
FRONT_END_MODULES = [
    path for path in modules("bot") + modules("cogs") if front_end_of(module_name(path))
]


@pytest.mark.parametrize("path", CORE_MODULES, ids=str)
def test_the_core_imports_no_front_end(path: Path) -> None:
    assert front_end_imports(path) == set(), f"{path} (core) imports a front-end"


@pytest.mark.parametrize("path", FRONT_END_MODULES, ids=str)
def test_no_front_end_imports_another(path: Path) -> None:
    found = front_end_imports(path)
    assert found == set(), f"{path} imports another front-end: {sorted(found)}"


def test_the_front_end_map_sees_each_front_end() -> None:
    seen = {front_end_of(module_name(path)) for path in FRONT_END_MODULES}
    assert {"discord", "console", "cli"} <= seen
    assert front_end_of("bot.console.review") == "console"
    assert front_end_of("bot.consolefoo") is None
    assert front_end_of("bot.policy.service") is None


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


FRONT_END_FUNCTION_LINES = 60  # a front-end function parses, calls the core, formats: no more


def long_functions(path: Path, limit: int = FRONT_END_FUNCTION_LINES) -> list[str]:
    """Functions (decorators included) longer than `limit` lines, nested ones counted whole."""
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > limit:
                found.append(f"{node.name} ({length} lines)")
    return found


@pytest.mark.parametrize("path", FRONT_END_MODULES, ids=str)
def test_front_end_functions_are_short(path: Path) -> None:
    assert long_functions(path) == [], f"{path}: split these"


def test_a_long_function_is_seen(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(FRONT_END_FUNCTION_LINES))
    source = tmp_path / "long.py"
    source.write_text(f"def f() -> None:\n{body}\n", "utf-8")
    assert long_functions(source) == [f"f ({FRONT_END_FUNCTION_LINES + 1} lines)"]  # ROOT / abs


STORE_ATTRIBUTES = {"store", "learning_store", "db"}


def reaches_into_stores(path: Path) -> list[str]:
    """`….review.store`, `core.db`, `core.guilds`: a front-end going around a service."""
    found = []
    for node in ast.walk(ast.parse((ROOT / path).read_text("utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        value = node.value
        on_core = (isinstance(value, ast.Name) and value.id == "core") or (
            isinstance(value, ast.Attribute) and value.attr == "core"
        )
        if node.attr in STORE_ATTRIBUTES or (node.attr == "guilds" and on_core):
            found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


@pytest.mark.parametrize(
    "path", [p for p in FRONT_END_MODULES if p != Path("bot/client.py")], ids=str
)
def test_front_ends_call_services_not_stores(path: Path) -> None:
    assert reaches_into_stores(path) == [], f"{path}: call the service"


def test_a_reach_into_a_store_is_seen(tmp_path: Path) -> None:
    source = tmp_path / "frontend.py"
    source.write_text("async def f(bot):\n    await bot.core.review.store.get(1)\n", "utf-8")
    assert reaches_into_stores(source) == ["bot.core.review.store (line 2)"]


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
