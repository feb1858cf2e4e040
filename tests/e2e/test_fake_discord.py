"""Tests of the fake Discord itself, driven with raw HTTP and WebSocket (no bot): the rules it
enforces, the answers discord.py depends on, and the gateway's sequence and RESUME replay."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord, SentInteraction, routes
from tests.fakediscord import models as m

COMMANDS = [
    {"name": "prova", "description": "Un comando di prova"},
    {
        "name": "cerca",
        "description": "Cerca un articolo",
        "options": [
            {
                "type": 3,
                "name": "titolo",
                "description": "Titolo",
                "autocomplete": True,
                "required": True,
            },
            {
                "type": 4,
                "name": "quanti",
                "description": "Quanti",
                "choices": [{"name": "uno", "value": 1}],
            },
        ],
    },
    {
        "name": "policy",
        "description": "Regole",
        "options": [
            {
                "type": 1,
                "name": "test",
                "description": "Prova un testo",
                "options": [
                    {"type": 3, "name": "testo", "description": "Il testo", "required": True}
                ],
            }
        ],
    },
]


class Client:
    """A bare HTTP client speaking to the fake as the bot would."""

    def __init__(self, fake: FakeDiscord, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def request(
        self, method: str, path: str, body: Any = None, *, auth: bool = True, **params: str
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Authorization": f"Bot {self.fake.token}"} if auth else {}
        async with self.session.request(
            method, self.fake.api_base + path, json=body, headers=headers, params=params
        ) as response:
            text = await response.text()
            data = (
                json.loads(text)
                if response.headers.get("Content-Type") == "application/json"
                else None
            )
            return response.status, data, dict(response.headers)

    async def callback(
        self, it: SentInteraction, kind: int, data: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        status, body, _ = await self.request(
            "POST",
            f"/interactions/{it.id}/{it.token}/callback",
            {"type": kind, **({"data": data} if data is not None else {})},
            auth=False,
            with_response="1",
        )
        return status, body


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[Client]:
    fake.install_commands(COMMANDS)
    async with aiohttp.ClientSession() as session:
        yield Client(fake, session)


async def test_json_content_type_is_exact(client: Client) -> None:
    status, body, headers = await client.request("GET", "/users/@me")
    assert status == 200
    assert body["id"] == str(client.fake.bot_user.id)
    assert headers["Content-Type"] == "application/json"  # discord.py needs it without charset


async def test_rest_needs_the_bot_token(client: Client) -> None:
    status, _, _ = await client.request("GET", "/users/@me", auth=False)
    assert status == 401


async def test_unknown_route_is_a_404_that_shows(client: Client, fake: FakeDiscord) -> None:
    status, body, _ = await client.request("GET", "/guilds/1/bans")
    assert status == 404
    assert body["message"] == "404: Not Found"
    assert [c.path for c in fake.unmatched] == ["/guilds/1/bans"]
    fake.unmatched.clear()  # seen: the e2e teardown would otherwise fail this test


async def test_first_response_deadline(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    fake.interaction_deadline = 0.0
    it = await fake.slash(fake.regular, "prova")
    status, body = await client.callback(it, 4, {"content": "tardi"})
    assert (status, body["code"]) == (404, 10062)
    assert [v.rule for v in fake.violations] == ["first response deadline"]


async def test_one_response_per_interaction_then_followups(
    client: Client, fake: FakeDiscord
) -> None:
    fake.expect_violations()
    it = await fake.slash(fake.regular, "prova")
    status, body = await client.callback(it, 5, {"flags": 64})
    assert status == 200
    assert body["interaction"]["response_message_loading"] is True
    assert body["resource"]["type"] == 5
    status, body = await client.callback(it, 4, {"content": "di nuovo"})
    assert (status, body["code"]) == (400, 40060)
    status, body = await client.callback(it, 9, {"custom_id": "m", "title": "t", "components": []})
    assert (status, body["code"]) == (400, 40060)  # a modal only as the first response
    hook = f"/webhooks/{fake.application_id}/{it.token}"
    status, edited, _ = await client.request(
        "PATCH", hook + "/messages/@original", {"content": "fatto"}, auth=False
    )
    assert status == 200
    assert edited["content"] == "fatto"
    assert not int(edited["flags"]) & m.FLAG_LOADING
    status, followup, _ = await client.request(
        "POST", hook, {"content": "e poi"}, auth=False, wait="1"
    )
    assert status == 200
    assert followup["content"] == "e poi"
    assert (await it.reply()).content == "fatto"
    assert [v.rule for v in fake.violations] == ["one response per interaction"] * 2


async def test_followup_before_any_response_is_refused(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    it = await fake.slash(fake.regular, "prova")
    status, body, _ = await client.request(
        "POST", f"/webhooks/{fake.application_id}/{it.token}", {"content": "x"}, auth=False
    )
    assert (status, body["code"]) == (404, 10015)


def long_embeds(*lengths: int) -> list[dict[str, Any]]:
    return [{"title": "t", "description": "d" * n} for n in lengths]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": long_embeds(4097)}, "embeds.0.description"),
        ({"embeds": long_embeds(3500, 3500)}, "embeds"),  # each fits, the 6,000 total does not
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "ok", "custom_id": "c" * 101}
                        ],
                    }
                ]
            },
            "components.custom_id",
        ),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
                            {"type": 2, "style": 2, "label": "b", "custom_id": "same"},
                        ],
                    }
                ],
            },
            "components.custom_id",
        ),
        (
            {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
            "allowed_mentions.parse",
        ),
    ],
    ids=[
        "content-2001",
        "description-4097",
        "embeds-total-7000",
        "custom-id-101",
        "duplicate-custom-id",
        "mentions-exclusive",
    ],
)
async def test_message_limits(
    client: Client, fake: FakeDiscord, body: dict[str, Any], problem: str
) -> None:
    fake.expect_violations()
    channel = fake.channel("generale").id
    status, error, _ = await client.request("POST", f"/channels/{channel}/messages", body)
    assert (status, error["code"]) == (400, 50035)
    assert problem in [p.where for p in fake.violations[0].call.problems]
    assert fake.history("generale") == []


async def test_limits_are_inclusive(client: Client, fake: FakeDiscord) -> None:
    channel = fake.channel("generale").id
    body = {
        "content": "x" * 2000,
        "embeds": long_embeds(4096),
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "c" * 100}],
            }
        ],
    }
    status, message, _ = await client.request("POST", f"/channels/{channel}/messages", body)
    assert status == 200
    assert fake.messages[int(message["id"])].custom_ids() == ["c" * 100]


async def test_empty_message_is_refused(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    status, body, _ = await client.request(
        "POST", f"/channels/{fake.channel('generale').id}/messages", {"content": ""}
    )
    assert (status, body["code"]) == (400, 50006)


async def test_allowed_mentions_decide_who_is_pinged(client: Client, fake: FakeDiscord) -> None:
    channel = fake.channel("generale").id
    content = f"{fake.regular.mention} guarda qui"
    await client.request("POST", f"/channels/{channel}/messages", {"content": content})
    await client.request(
        "POST",
        f"/channels/{channel}/messages",
        {"content": content, "allowed_mentions": {"parse": []}},
    )
    first, second = fake.calls_to(*routes.SEND_MESSAGE)
    assert first.pings.users == {fake.regular.id}
    assert not second.pings.any
    assert fake.pinged() == [first]


async def test_autocomplete_choices_limit(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    it = await fake.autocomplete(fake.regular, "cerca", {"titolo": "se"}, focused="titolo")
    focused = it.payload["data"]["options"][0]
    assert focused == {"name": "titolo", "type": 3, "value": "se", "focused": True}
    choices = [{"name": f"Articolo {i}", "value": f"a{i}"} for i in range(26)]
    status, body = await client.callback(it, 8, {"choices": choices})
    assert (status, body["code"]) == (400, 50035)
    status, _ = await client.callback(it, 8, {"choices": choices[:25]})
    assert status == 200
    assert len(await it.choices()) == 25


async def test_autocomplete_cannot_be_deferred(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    it = await fake.autocomplete(fake.regular, "cerca", {"titolo": ""}, focused="titolo")
    status, body = await client.callback(it, 5)
    assert (status, body["code"]) == (400, 50035)


async def test_slash_options_are_typed_by_the_schema(fake: FakeDiscord) -> None:
    fake.install_commands(COMMANDS)
    it = await fake.slash(fake.moderator, "policy", {"testo": "mi fai un logo?"}, subcommand="test")
    assert it.payload["data"]["options"] == [
        {
            "name": "test",
            "type": 1,
            "options": [{"name": "testo", "type": 3, "value": "mi fai un logo?"}],
        }
    ]
    with pytest.raises(ValueError, match="no option"):
        await fake.slash(fake.regular, "cerca", {"title": "x"})
    with pytest.raises(ValueError, match="required"):
        await fake.slash(fake.regular, "cerca", {"quanti": 1})
    with pytest.raises(ValueError, match="not one of"):
        await fake.slash(fake.regular, "cerca", {"titolo": "x", "quanti": 2})
    with pytest.raises(KeyError, match="no /nessuno"):
        await fake.slash(fake.regular, "nessuno")


async def test_modal_flow(client: Client, fake: FakeDiscord) -> None:
    fake.expect_violations()
    it = await fake.slash(fake.regular, "prova")
    modal = {
        "custom_id": "rete:appeal:1",
        "title": "Ricorso",
        "components": [
            {
                "type": 1,
                "components": [
                    {
                        "type": 4,
                        "custom_id": "nota",
                        "label": "Perché?",
                        "style": 2,
                        "required": True,
                    }
                ],
            }
        ],
    }
    status, body = await client.callback(it, 9, modal)
    assert status == 200
    assert "resource" not in body
    submitted = await fake.submit_modal(fake.regular, it, {"nota": "era a pagamento"})
    assert submitted.payload["type"] == 5
    assert submitted.payload["data"]["components"] == [
        {"type": 1, "components": [{"type": 4, "custom_id": "nota", "value": "era a pagamento"}]}
    ]
    status, body = await client.callback(submitted, 9, modal)  # a modal cannot answer a modal
    assert status == 400
    status, body = await client.callback(submitted, 7, {"content": "x"})  # no message to update
    assert status == 400
    status, body = await client.callback(submitted, 4, {"content": "Ricevuto", "flags": 64})
    assert status == 200
    assert body["interaction"]["response_message_ephemeral"] is True
    assert [v.rule for v in fake.violations] == ["callback type", "callback type"]


async def test_interaction_permissions_come_from_roles(fake: FakeDiscord) -> None:
    fake.install_commands(COMMANDS)
    perms = {}
    for user in (fake.regular, fake.moderator, fake.admin, fake.owner):
        it = await fake.slash(user, "prova")
        perms[user.name] = int(it.payload["member"]["permissions"])
        assert int(it.payload["app_permissions"]) & m.MODERATE_MEMBERS
    assert not perms["mario"] & m.MANAGE_MESSAGES
    assert perms["moderatore"] & m.MANAGE_MESSAGES
    assert not perms["moderatore"] & m.ADMINISTRATOR
    assert perms["amministratrice"] == m.ALL_PERMISSIONS
    assert perms["proprietaria"] == perms["mario"]  # the app owner is a plain member here
    hidden = fake.channel("moderazione")
    assert fake.permissions(fake.regular, hidden) == 0
    assert fake.permissions(fake.moderator, hidden) & m.VIEW_CHANNEL


async def test_member_timeout_rules(client: Client, fake: FakeDiscord) -> None:
    guild = fake.guild.id
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    status, member, _ = await client.request(
        "PATCH",
        f"/guilds/{guild}/members/{fake.regular.id}",
        {"communication_disabled_until": soon},
    )
    assert status == 200
    assert member["communication_disabled_until"] is not None
    status, body, _ = await client.request(
        "PATCH", f"/guilds/{guild}/members/{fake.admin.id}", {"communication_disabled_until": soon}
    )
    assert (status, body["code"]) == (403, 50013)
    too_long = (dt.datetime.now(dt.UTC) + dt.timedelta(days=29)).isoformat()
    status, body, _ = await client.request(
        "PATCH",
        f"/guilds/{guild}/members/{fake.moderator.id}",
        {"communication_disabled_until": too_long},
    )
    assert (status, body["code"]) == (400, 50035)


async def test_dm_to_a_user_with_closed_dms(client: Client, fake: FakeDiscord) -> None:
    shy = fake.member("riservata", dms_open=False)
    status, channel, _ = await client.request(
        "POST", "/users/@me/channels", {"recipient_id": str(shy.id)}
    )
    assert status == 200
    assert channel["type"] == 1
    status, body, _ = await client.request(
        "POST", f"/channels/{channel['id']}/messages", {"content": "ciao"}
    )
    assert (status, body["code"]) == (403, 50007)


async def test_history_pages_like_discord(client: Client, fake: FakeDiscord) -> None:
    ids = [await fake.send_message("domande", fake.regular, f"messaggio {i}") for i in range(5)]
    channel = fake.channel("domande").id

    async def page(**params: str) -> list[int]:
        status, body, _ = await client.request("GET", f"/channels/{channel}/messages", **params)
        assert status == 200
        return [int(x["id"]) for x in body]

    assert await page(after=str(ids[0]), limit="2") == [ids[2], ids[1]]  # newest first
    assert await page(before=str(ids[4]), limit="2") == [ids[3], ids[2]]
    assert await page() == list(reversed(ids))
    await fake.delete_message(ids[1])
    assert await page(after=str(ids[0]), limit="2") == [ids[3], ids[2]]


async def test_429_carries_what_discord_py_reads(client: Client, fake: FakeDiscord) -> None:
    fake.fail_next("GET", "/users/@me", status=429, retry_after=0.25)
    status, body, headers = await client.request("GET", "/users/@me")
    assert status == 429
    assert body["retry_after"] == 0.25
    assert body["global"] is False
    assert headers["Via"]
    assert headers["X-RateLimit-Remaining"] == "0"
    assert float(headers["X-RateLimit-Reset-After"]) == 0.25
    assert (await client.request("GET", "/users/@me"))[0] == 200
    assert [c.fault for c in fake.calls] == ["429", None]


async def test_rate_limit_bucket(client: Client, fake: FakeDiscord) -> None:
    fake.rate_limit(*routes.SEND_MESSAGE, limit=2, per=60.0)
    channel = fake.channel("generale").id
    answers = [
        await client.request("POST", f"/channels/{channel}/messages", {"content": "x"})
        for _ in range(3)
    ]
    assert [a[0] for a in answers] == [200, 200, 429]
    assert answers[0][2]["X-RateLimit-Remaining"] == "1"
    assert answers[1][2]["X-RateLimit-Remaining"] == "0"


async def gateway_frames(
    ws: aiohttp.ClientWebSocketResponse, inflate: Any, count: int
) -> list[dict[str, Any]]:
    frames = []
    while len(frames) < count:
        msg = await ws.receive(timeout=5)
        assert msg.type is aiohttp.WSMsgType.BINARY, msg
        frames.append(json.loads(inflate.decompress(msg.data)))
    return frames


async def test_gateway_zlib_stream_sequence_and_resume_replay(fake: FakeDiscord) -> None:
    url = fake.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
    identify = {
        "op": 2,
        "d": {
            "token": fake.token,
            "intents": m.INTENT_GUILDS | m.INTENT_GUILD_MESSAGES | m.INTENT_MESSAGE_CONTENT,
            "properties": {},
        },
    }
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            inflate = zlib.decompressobj()
            (hello,) = await gateway_frames(ws, inflate, 1)
            assert hello["op"] == 10
            assert hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            (ack,) = await gateway_frames(ws, inflate, 1)
            assert ack["op"] == 11
            await ws.send_json(identify)
            ready, guild = await gateway_frames(ws, inflate, 2)
            assert (ready["t"], ready["s"], guild["t"], guild["s"]) == (
                "READY",
                1,
                "GUILD_CREATE",
                2,
            )
            assert guild["d"]["member_count"] == len(fake.guild.members)
            session_id = ready["d"]["session_id"]
            await fake.send_message("generale", fake.regular, "uno")
            (first,) = await gateway_frames(ws, inflate, 1)
            assert (first["t"], first["s"], first["d"]["content"]) == ("MESSAGE_CREATE", 3, "uno")
            await ws.close(code=4000)  # as discord.py does before resuming (1000 would end it)
        await fake.send_message("generale", fake.regular, "due")
        await fake.send_message("generale", fake.regular, "tre")
        async with session.ws_connect(url) as ws:
            inflate = zlib.decompressobj()
            await gateway_frames(ws, inflate, 1)  # HELLO
            await ws.send_json(
                {"op": 6, "d": {"token": fake.token, "session_id": session_id, "seq": 3}}
            )
            two, three, resumed = await gateway_frames(ws, inflate, 3)
            assert [(f["s"], f["d"].get("content")) for f in (two, three)] == [
                (4, "due"),
                (5, "tre"),
            ]
            assert (resumed["t"], resumed["s"]) == ("RESUMED", 6)
            await ws.send_json(
                {"op": 6, "d": {"token": fake.token, "session_id": "nope", "seq": 1}}
            )
            (invalid,) = await gateway_frames(ws, inflate, 1)
            assert (invalid["op"], invalid["d"]) == (9, False)


async def test_gateway_refuses_a_bad_token_and_undeclared_privileged_intents(
    fake: FakeDiscord,
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake.gateway_url) as ws:
            assert (await ws.receive_json())["op"] == 10
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 1, "properties": {}}})
            await ws.receive()
            assert ws.close_code == 4004
        fake.gateway.privileged_intents = 0  # Message Content not enabled in the portal
        async with session.ws_connect(fake.gateway_url) as ws:
            await ws.receive_json()
            await ws.send_json(
                {
                    "op": 2,
                    "d": {
                        "token": fake.token,
                        "intents": m.INTENT_MESSAGE_CONTENT,
                        "properties": {},
                    },
                }
            )
            await ws.receive()
            assert ws.close_code == 4014


async def test_without_message_content_intent_content_is_blank(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url) as ws:
        await ws.receive_json()
        await ws.send_json(
            {
                "op": 2,
                "d": {
                    "token": fake.token,
                    "intents": m.INTENT_GUILDS | m.INTENT_GUILD_MESSAGES,
                    "properties": {},
                },
            }
        )
        await ws.receive_json()
        await ws.receive_json()
        await fake.send_message("generale", fake.regular, "segreto")
        await fake.send_message("generale", fake.regular, f"{fake.bot_user.mention} visibile")
        plain, mention = (await ws.receive_json())["d"], (await ws.receive_json())["d"]
        assert plain["content"] == ""
        assert mention["content"].endswith("visibile")


async def test_a_clean_close_ends_the_session(fake: FakeDiscord) -> None:
    identify = {"op": 2, "d": {"token": fake.token, "intents": 1, "properties": {}}}
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake.gateway_url) as ws:
            await ws.receive_json()
            await ws.send_json(identify)
            session_id = (await ws.receive_json())["d"]["session_id"]
            await ws.close(code=1000)  # what discord.py sends when the bot shuts down
        await fake.wait_gateway("CLOSED")
        async with session.ws_connect(fake.gateway_url) as ws:
            await ws.receive_json()
            resume = {"token": fake.token, "session_id": session_id, "seq": 2}
            await ws.send_json({"op": 6, "d": resume})
            assert (await ws.receive_json())["op"] == 9
