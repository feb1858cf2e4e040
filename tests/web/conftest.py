"""Fixtures for the dashboard's fast tests: a real core on a temporary database, the aiohttp
application in process (aiohttp's test client), logged in with a one-time link."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.core import Core
from bot.permissions import ConsoleModerator
from bot.review import Case, NewCase
from bot.web import Dashboard, OfflineUser
from bot.web.security import OneTimeLinks

GUILD = 1
MODERATOR = 200
CHANNELS = ((10, "generale"), (11, "domande"), (12, "moderazione"))  # the console's
FLAGGED = "Ciao a tutti! Mi fai gratis il logo per il mio sito? Non ho budget"


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    core = await Core.open(Settings(db_path=tmp_path / "rete.db"))
    await core.ensure_guild(GUILD, "console")
    try:
        yield core
    finally:
        await core.close()


async def open_case(
    core: Core, text: str = FLAGGED, *, message_id: int, author_id: int = 300, channel_id: int = 10
) -> Case:
    verdict = await core.policy.evaluate(GUILD, text)
    assert verdict.flagged, "the test text must be flagged by the default policy"
    new = NewCase.of(
        guild_id=GUILD,
        channel_id=channel_id,
        message_id=message_id,
        author_id=author_id,
        text=text,
        verdict=verdict,
    )
    case, created, _ = await core.review.open_case(new, time.time())
    assert created
    return case


class Web:
    def __init__(self, client: TestClient, links: OneTimeLinks, dashboard: Dashboard) -> None:
        self.client = client
        self.links = links
        self.dashboard = dashboard

    async def login(self) -> str:
        """Log in with a one-time link; returns the session's CSRF token (read from a page)."""
        response = await self.client.get(f"/login/once?token={self.links.issue()}")
        assert response.status == 200, await response.text()
        page = await (await self.client.get(f"/g/{GUILD}/queue")).text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page
        return found.group(1)


def make_web(core: Core, user_id: int = MODERATOR) -> tuple[Dashboard, OneTimeLinks]:
    links = OneTimeLinks()
    dashboard = Dashboard(
        core,
        ConsoleModerator(GUILD, MODERATOR, channels=CHANNELS),
        secret=b"s" * 32,
        links=links,
        offline_user=OfflineUser(user_id, "moderatrice", ((GUILD, "console"),)),
    )
    return dashboard, links


@pytest.fixture
async def web(core: Core) -> AsyncIterator[Web]:
    dashboard, links = make_web(core)
    client = TestClient(TestServer(dashboard.app()))
    await client.start_server()
    try:
        yield Web(client, links, dashboard)
    finally:
        await client.close()
