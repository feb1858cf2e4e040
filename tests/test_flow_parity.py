"""One core, every front-end: each flow listed in bot.core.FLOWS is reached by Discord (cogs/)
and by the console (bot/console/). Read from the source with ast, so a flow that one front-end
lacks, or reaches through a copy of its own, fails here."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from bot.core import FLOWS, SERVICE_ATTRIBUTES, Flow

ROOT = Path(__file__).resolve().parents[1]
# Each front-end's source folders.
FRONT_ENDS: dict[str, tuple[str, ...]] = {
    "discord": ("cogs",),
    "console": ("bot/console",),
    "web": ("bot/web",),
}
_MEMBERS = "a member's flow: the dashboard is for moderators"
_YAML = "on the web through the policy file's edit box (validated, diffed and backtested)"
# What a front-end does not reach, and why. The test fails when one of these is reached after
# all (take it off the list) as well as when a flow not listed here is missing.
ABSENT: dict[str, dict[str, str]] = {
    "web": {
        "appeal a decision": _MEMBERS,
        "ask": _MEMBERS,
        "excerpt": _MEMBERS,
        "vote on an answer": _MEMBERS,
        "list the open cases": "the queue page lists cases with ReviewService.search (filters)",
        "add a rule": _YAML,
        "remove a rule": _YAML,
        "set the threshold": _YAML,
        "shadow a rule": _YAML,
        "allow a phrase": _YAML,
        "stop allowing a phrase": _YAML,
        "exempt a role or a channel": _YAML,
    },
}


def receiver_name(node: ast.expr) -> str | None:
    """`core.review` → "review", `review` → "review", `self.bot.core.review` → "review"."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def reached(paths: list[Path]) -> set[tuple[str, str]]:
    """(owner, name) of every call: `<…>.<service>.<method>(…)` gives (service, method); a
    module function called as `<name>(…)` after `from <module> import <name>`, or as
    `<module>.<name>(…)` after `from <package> import <module>`, gives (module, name)."""
    found: set[tuple[str, str]] = set()
    for path in paths:
        tree = ast.parse(path.read_text("utf-8"))
        imported = {
            alias.asname or alias.name: (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = receiver_name(func.value)
                if owner is not None:
                    found.add((owner, func.attr))
                if isinstance(func.value, ast.Name) and func.value.id in imported:
                    package, module = imported[func.value.id]  # `from a import m`; m.f(…)
                    found.add((f"{package}.{module}", func.attr))
            elif isinstance(func, ast.Name) and func.id in imported:
                found.add(imported[func.id])
    return found


def owner_of(flow: Flow) -> tuple[str, str]:
    function = inspect.unwrap(flow.function)
    qualname = function.__qualname__
    if "." not in qualname:
        return function.__module__, function.__name__
    owner = next(c for c in SERVICE_ATTRIBUTES if c.__qualname__ == qualname.rsplit(".", 1)[0])
    return SERVICE_ATTRIBUTES[owner], function.__name__


def sources(front_end: str) -> list[Path]:
    return sorted(p for folder in FRONT_ENDS[front_end] for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_every_front_end_reaches_every_flow(front_end: str) -> None:
    calls = reached(sources(front_end))
    missing = {flow.name for flow in FLOWS if owner_of(flow) not in calls}
    absent = set(ABSENT.get(front_end, {}))
    assert missing - absent == set(), f"{front_end} does not reach: {sorted(missing - absent)}"
    assert absent - missing == set(), f"{front_end} reaches these now: {sorted(absent - missing)}"


def test_the_flow_list_is_the_core_and_has_no_duplicates() -> None:
    owners = [owner_of(flow) for flow in FLOWS]
    assert len(set(owners)) == len(owners)
    assert len({flow.name for flow in FLOWS}) == len(FLOWS)
    for flow in FLOWS:
        module = inspect.unwrap(flow.function).__module__
        assert module.startswith("bot."), flow.name
        assert not module.startswith(("bot.console", "bot.cli", "bot.web", "bot.client")), module


def test_a_front_end_without_a_flow_is_seen(tmp_path: Path) -> None:
    """The check can fail: a front-end that confirms through a method of its own is caught."""
    source = tmp_path / "frontend.py"
    source.write_text(
        "async def confirm(core, guild, case, actor, now):\n"
        "    return await core.review.confirm(guild, case, actor, now)\n",
        "utf-8",
    )
    calls = reached([source])
    assert ("review", "confirm") in calls
    decide = next(flow for flow in FLOWS if flow.function.__name__ == "decide")
    assert owner_of(decide) not in calls


def test_module_flows_are_seen_both_ways(tmp_path: Path) -> None:
    source = tmp_path / "frontend.py"
    source.write_text(
        "from bot.policy import flows\n"
        "from bot.policy.flows import add_rule\n"
        "async def go(core):\n"
        "    await flows.backtest(core, 1, None)\n"
        "    await add_rule(core)\n",
        "utf-8",
    )
    calls = reached([source])
    assert {("bot.policy.flows", "backtest"), ("bot.policy.flows", "add_rule")} <= calls
