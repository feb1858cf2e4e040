"""Login with Discord against the fake Discord's OAuth2 endpoints: the state is checked, a code
works once, attempts are rate-limited, and the session is a signed HttpOnly cookie."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core import Core
from bot.web import Dashboard, DiscordOAuth
from tests.fakediscord import FakeDiscord
from tests.fakediscord.oauth import CLIENT_SECRET


@dataclass
class FakePermissions:
    """Who moderates, as the Discord front-end would answer (the bot is not running here)."""

    fake: FakeDiscord

    async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
        guild = self.fake.guilds.get(guild_id)
        return guild is not None and bool(guild.base_permissions(user_id) & (1 << 13))

    async def guild_name(self, guild_id: int) -> str | None:
        guild = self.fake.guilds.get(guild_id)
        return guild.name if guild else None

    async def channel_names(self, guild_id: int) -> dict[int, str]:
        return {}  # not needed here: channels are then given and shown by id

    async def can_post_reviews(self, guild_id: int, channel_id: int) -> bool:
        return True  # not needed here


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
async def client(core: Core, fake: FakeDiscord) -> AsyncIterator[TestClient]:
    port = free_port()
    oauth = DiscordOAuth(
        client_id=fake.application_id,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"http://127.0.0.1:{port}/oauth/callback",
        api_base=fake.api_base,
    )
    dashboard = Dashboard(core, FakePermissions(fake), secret=b"k" * 32, oauth=oauth)
    async with TestClient(TestServer(dashboard.app(), port=port)) as test_client:
        yield test_client


async def authorize(client: TestClient) -> str:
    """Start the login and let the fake Discord approve it: the callback's path and query."""
    start = await client.get("/login/discord", allow_redirects=False)
    assert start.status == 302
    to_discord = start.headers["Location"]
    query = parse_qs(urlsplit(to_discord).query)
    assert query["scope"] == ["identify guilds"]
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) >= 24
    back = await client.session.get(to_discord, allow_redirects=False)
    assert back.status == 302
    target = urlsplit(back.headers["Location"])
    return f"{target.path}?{target.query}"


async def test_a_moderator_logs_in_and_sees_their_server(
    client: TestClient, fake: FakeDiscord
) -> None:
    fake.oauth.user = fake.moderator
    callback = await authorize(client)
    done = await client.get(callback, allow_redirects=False)
    assert done.status == 303
    cookie = done.cookies["rete_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert str(fake.moderator.id) not in cookie.value.split(".")[1]  # the MAC, not the data
    index = await (await client.get("/")).text()
    assert fake.guild.name in index
    queue = await client.get(f"/g/{fake.guild.id}/queue")
    assert queue.status == 200


async def test_a_member_without_manage_messages_sees_no_server_and_gets_403(
    client: TestClient, fake: FakeDiscord
) -> None:
    fake.oauth.user = fake.regular
    await client.get(await authorize(client))
    index = await (await client.get("/")).text()
    assert fake.guild.name not in index
    assert (await client.get(f"/g/{fake.guild.id}/queue")).status == 403


async def test_a_wrong_or_missing_state_is_refused(client: TestClient, fake: FakeDiscord) -> None:
    fake.oauth.user = fake.moderator
    callback = await authorize(client)
    forged = callback.replace("state=", "state=x")
    refused = await client.get(forged, allow_redirects=False)
    assert refused.status == 400
    assert "rete_session" not in refused.cookies
    client.session.cookie_jar.clear()  # another browser: no state cookie at all
    refused = await client.get(callback, allow_redirects=False)
    assert refused.status == 400


async def test_a_callback_works_once(client: TestClient, fake: FakeDiscord) -> None:
    fake.oauth.user = fake.moderator
    callback = await authorize(client)
    assert (await client.get(callback, allow_redirects=False)).status == 303
    client.session.cookie_jar.clear()
    again = await client.get(callback, allow_redirects=False)
    assert again.status == 400  # the state cookie went with the first use
    assert "rete_session" not in again.cookies


async def test_a_code_discord_refuses_logs_nobody_in(client: TestClient, fake: FakeDiscord) -> None:
    fake.oauth.user = fake.moderator
    callback = await authorize(client)
    fake.oauth.codes.clear()  # Discord no longer knows the code (expired, or used already)
    refused = await client.get(callback, allow_redirects=False)
    assert refused.status == 502
    assert "rete_session" not in refused.cookies


async def test_login_attempts_are_rate_limited(client: TestClient) -> None:
    statuses = [
        (await client.get("/login/discord", allow_redirects=False)).status for _ in range(12)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]


async def test_logout_needs_the_csrf_token_and_ends_the_session(
    client: TestClient, fake: FakeDiscord
) -> None:
    fake.oauth.user = fake.moderator
    await client.get(await authorize(client))
    assert (await client.post("/logout", allow_redirects=False)).status == 403
    page = await (await client.get(f"/g/{fake.guild.id}/queue")).text()
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    out = await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    after = await client.get(f"/g/{fake.guild.id}/queue", allow_redirects=False)
    assert after.status == 303
    assert after.headers["Location"] == "/login"
