"""Fixtures for the policy tests: the shipped default policy, compiled once; a Core on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from bot.policy import CompiledPolicy, compile_policy, default_policy


@pytest.fixture(scope="session")
def default_compiled() -> CompiledPolicy:
    return compile_policy(default_policy())


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    core = await Core.open(Settings(db_path=tmp_path / "policy.db"))
    try:
        yield core
    finally:
        await core.close()
