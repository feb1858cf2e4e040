"""The review channel is refused on the dashboard, as by /setup, where Rete cannot post: the
real bot against the fake Discord answers through the dashboard's Discord side
(`DiscordPermissions`), and one rule (`cogs._checks.can_post_reviews`) serves both; refused, the
settings page answers 400 in the reader's language and saves nothing."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.core import Core
from bot.permissions import ConsoleModerator
from bot.web import Dashboard, OfflineUser
from bot.web.security import OneTimeLinks
from cogs.web import DiscordPermissions
from tests.e2e.harness import ReteHarness, harness_settings, pointed_at, set_review_channel
from tests.fakediscord import FakeDiscord
from tests.fakediscord import models as m
from tests.fakediscord.models import Overwrite
from tests.web.conftest import GUILD, MODERATOR, make_web

# Channels where Rete lacks one of the permissions a review post needs (its role is denied it).
CLOSED = {"nascosto": m.VIEW_CHANNEL, "muto": m.SEND_MESSAGES, "senza-link": m.EMBED_LINKS}
REFUSED_IT = (
    "canale di revisione: Rete non può scrivere in #{name}. Le servono i permessi Visualizzare "
    "i canali, Inviare messaggi e Incorporare link in quel canale."
)
REFUSED_EN = (
    "review channel: Rete cannot write in #{name}. It needs the View Channels, Send Messages "
    "and Embed Links permissions in that channel."
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    bot_role = server.guild.role("Rete").id
    for name, denied in CLOSED.items():  # before the bot connects: its GUILD_CREATE has them
        server.add_channel(name, overwrites=[Overwrite(bot_role, 0, deny=denied)])
    with pointed_at(server):
        yield server
    await server.stop()
    assert not server.errors, server.errors
    assert not server.unmatched, [f"{c.method} {c.path}" for c in server.unmatched]


@pytest.fixture
async def rete(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[ReteHarness]:
    db_path = tmp_path / "rete.db"
    harness = ReteHarness(fake, db_path, settings=harness_settings(fake, db_path))
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@dataclass
class Dash:
    client: TestClient
    csrf: str
    path: str  # the server's settings page

    def form(self, channel: int, language: str = "it") -> dict[str, str]:
        return {
            "csrf": self.csrf,
            "review_channel": str(channel),
            "nudge_mode": "reply",
            "retention_days": "90",
            "language": language,
        }


@pytest.fixture
async def dash(rete: ReteHarness, fake: FakeDiscord) -> AsyncIterator[Dash]:
    """The dashboard as `rete run` builds it (its Discord side over the running bot), logged in
    as the fake's moderator with a one-time link."""
    links = OneTimeLinks()
    guild = fake.guild
    dashboard = Dashboard(
        rete.core,
        DiscordPermissions(rete.bot),
        secret=b"d" * 32,
        links=links,
        offline_user=OfflineUser(fake.moderator.id, "moderatore", ((guild.id, guild.name),)),
    )
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        path = f"/g/{guild.id}/settings"
        page = await (await client.get(path)).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf, page
        yield Dash(client, csrf.group(1), path)


async def test_a_channel_where_rete_can_post_is_saved(
    rete: ReteHarness, fake: FakeDiscord, dash: Dash
) -> None:
    channel = fake.channel("moderazione").id  # hidden from members, open to Rete's role
    response = await dash.client.post(dash.path, data=dash.form(channel), allow_redirects=False)
    assert response.status == 303, await response.text()
    assert (await rete.core.review.settings(fake.guild.id)).review_channel_id == channel


@pytest.mark.parametrize("name", sorted(CLOSED))
async def test_a_channel_where_rete_cannot_post_is_refused_in_words_and_nothing_is_saved(
    rete: ReteHarness, fake: FakeDiscord, dash: Dash, name: str
) -> None:
    await rete.core.review.update_settings(fake.guild.id, review_channel_id=None)
    before = await rete.core.review.settings(fake.guild.id)
    channel = fake.channel(name).id
    # The retention would change too: one wrong value and nothing is saved.
    form = {**dash.form(channel), "retention_days": "30", "nudge_mode": "dm"}
    refused = await dash.client.post(dash.path, data=form)
    assert refused.status == 400
    assert REFUSED_IT.format(name=name) in html.unescape(await refused.text())
    english = await dash.client.post(dash.path, data=form, headers={"Accept-Language": "en"})
    assert english.status == 400
    assert REFUSED_EN.format(name=name) in html.unescape(await english.text())
    assert await rete.core.review.settings(fake.guild.id) == before


async def test_setup_refuses_the_same_channels(rete: ReteHarness, fake: FakeDiscord) -> None:
    """/setup review-channel and the dashboard share the rule: what one refuses, so does the
    other (and what one takes, the other takes)."""
    for name in sorted(CLOSED):
        assert (await set_review_channel(fake, name)).content == str(texts.SETUP_CHANNEL_NOT_TEXT)
    assert (await rete.core.review.settings(fake.guild.id)).review_channel_id is None
    await set_review_channel(fake)
    configured = await rete.core.review.settings(fake.guild.id)
    assert configured.review_channel_id == fake.channel("moderazione").id


# --- the dashboard's side, without Discord -------------------------------------------------------


@dataclass(frozen=True)
class ClosedChannel(ConsoleModerator):
    """The console's moderator, in a server where Rete cannot post in one channel."""

    closed: int = 0

    async def can_post_reviews(self, guild_id: int, channel_id: int) -> bool:
        return channel_id != self.closed and await super().can_post_reviews(guild_id, channel_id)


async def test_the_front_end_is_asked_when_the_channel_changes(core: Core) -> None:
    """Any front-end's answer is heeded; a channel already set is not asked again (another
    setting can still be changed while Rete has lost access to it)."""
    dashboard, links = make_web(core)
    base = dashboard.permissions
    assert isinstance(base, ConsoleModerator)
    dashboard.permissions = ClosedChannel(GUILD, MODERATOR, channels=base.channels, closed=11)
    form = {"nudge_mode": "reply", "retention_days": "90", "language": "it"}
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        page = await (await client.get(f"/g/{GUILD}/settings")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        form["csrf"] = csrf.group(1)
        refused = await client.post(f"/g/{GUILD}/settings", data={**form, "review_channel": "11"})
        assert refused.status == 400
        assert REFUSED_IT.format(name="domande") in html.unescape(await refused.text())
        assert (await core.review.settings(GUILD)).review_channel_id is None
        saved = await client.post(f"/g/{GUILD}/settings", data={**form, "review_channel": "12"})
        assert saved.status == 200  # after the redirect
        assert (await core.review.settings(GUILD)).review_channel_id == 12
        await core.review.update_settings(GUILD, review_channel_id=11)
        kept = await client.post(
            f"/g/{GUILD}/settings", data={**form, "review_channel": "11", "retention_days": "30"}
        )
        assert kept.status == 200
        assert (await core.review.settings(GUILD)).retention_days == 30
