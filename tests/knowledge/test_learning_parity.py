"""One core, two front-ends: every flow of learning from use is one LearningService function,
and both Discord (cogs) and the console call it rather than a copy of it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from bot.knowledge.learning import LearningService

ROOT = Path(__file__).resolve().parents[2]
DISCORD = [ROOT / "cogs" / "knowledge.py", ROOT / "cogs" / "_learning_ui.py"]
CONSOLE = [ROOT / "bot" / "console" / name for name in ("knowledge.py", "learning.py")]
# What people do; auto_answer is reached through the pipeline, which both front-ends share.
FLOWS = ("ask", "vote", "unanswered", "attach", "write_faq", "dismiss")


def learning_calls(paths: list[Path]) -> set[str]:
    """Names called as `<…>.learning.<name>(…)` in these modules."""
    called: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "learning"
            ) or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "learning"
            ):
                called.add(node.func.attr)
    return called


@pytest.mark.parametrize("flow", FLOWS)
def test_every_flow_is_a_core_function_both_front_ends_call(flow: str) -> None:
    assert inspect.iscoroutinefunction(getattr(LearningService, flow))
    assert flow in learning_calls(DISCORD), f"Discord does not reach {flow}"
    assert flow in learning_calls(CONSOLE), f"the console does not reach {flow}"


def test_the_pipeline_answers_through_the_learning_flow() -> None:
    source = (ROOT / "bot" / "intake" / "pipeline.py").read_text("utf-8")
    assert "learning.auto_answer(" in source
