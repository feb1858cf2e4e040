"""A fake Discord on loopback (REST API v10 + gateway) for end-to-end tests and benchmarks.

    from tests.fakediscord import FakeDiscord, routes

    async with FakeDiscord() as fake:
        point_at(fake.api_base, fake.gateway_url)   # then start the real bot
        message_id = await fake.send_message("generale", fake.regular, "ciao")
        call = await fake.wait_for(*routes.SEND_MESSAGE)

See tests/e2e/conftest.py for the fixtures and the full helper list.
"""

from tests.fakediscord import routes
from tests.fakediscord.gateway import GatewayEvent
from tests.fakediscord.interactions import SentInteraction
from tests.fakediscord.models import (
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    Overwrite,
    StoredMessage,
)
from tests.fakediscord.server import FAKE_TOKEN, Call, FakeDiscord, Pings, Violation

__all__ = [
    "FAKE_TOKEN",
    "Call",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "GatewayEvent",
    "Overwrite",
    "Pings",
    "SentInteraction",
    "StoredMessage",
    "Violation",
    "routes",
]
