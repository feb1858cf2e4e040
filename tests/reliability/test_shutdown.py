"""Shutting down in the middle of work: handlers already running finish before the DB closes."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import configure
from tests.fakediscord import FakeDiscord, routes

FLAGGED = "Mi fai gratis il logo per la mia cartoleria? Non ho budget"


def listener_running(name: str) -> bool:
    return any(t.get_name() == f"discord.py: {name}" for t in asyncio.all_tasks())


async def test_stop_while_a_message_is_being_flagged_loses_nothing(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await configure(fake)
    # Posting the case is slowed down, so the stop lands while the handler is mid-way.
    fake.fail_next(*routes.SEND_MESSAGE, times=1, status=429, retry_after=0.3)
    message_id = await fake.send_message("generale", fake.regular, FLAGGED)
    await eventually(lambda: listener_running("on_message"), timeout=5)
    await rete.stop()  # SIGTERM in production: Bot.close()

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    await rete.start()
    (case,) = await rete.core.review.pending(fake.guild.id)
    assert case.message_id == message_id
    assert case.review_message_id is not None  # the post went out before the bot stopped
