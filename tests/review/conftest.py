"""Fixtures for the review tests: a configured Core on a temporary SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import Core
from tests.review.helpers import GUILD, REVIEW_CHANNEL, open_core


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    core = await open_core(tmp_path / "review.db")
    await core.review.update_settings(GUILD, review_channel_id=REVIEW_CHANNEL)
    try:
        yield core
    finally:
        await core.close()
