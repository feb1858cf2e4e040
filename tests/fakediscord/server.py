"""FakeDiscord: Discord's REST API v10 and gateway on 127.0.0.1, for the real discord.py client.

The world (one guild by default, with roles, channels and members), the log of every REST
call, ways to wait for the bot's calls, ways to break things (429, 5xx, dropped gateway,
invalidated session), and the helpers tests use to act as members.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import socket
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fakediscord import interactions as ix
from tests.fakediscord import models as m
from tests.fakediscord.gateway import Gateway, GatewayEvent, Session
from tests.fakediscord.models import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Overwrite,
    StoredMessage,
)
from tests.fakediscord.rules import Problem

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
FAKE_TOKEN = "RkFLRS5ERUZBVUxU.fake-token.for-the-fake-discord-only"

_BODY = web.ResponseKey("fake_discord_body", object)
# Discord sends rate-limit headers on every answer; without them discord.py assumes a bucket of
# one and sends one request at a time per route. By default the fake's buckets are generous;
# fake.rate_limit() emulates real ones (e.g. 5 messages per 5 s in a channel).
OPEN_BUCKET_LIMIT = 10_000
_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request (`files[n]`)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Pings:
    """Who a message actually notifies, given its content and allowed_mentions."""

    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()
    everyone: bool = False

    @property
    def any(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


NO_PINGS = Pings()


@dataclass(eq=False)
class Call:
    """One REST call the bot made, with the fake's answer."""

    method: str
    route: str  # the route template, e.g. "/channels/{channel_id}/messages"; "?" if unknown
    path: str  # the concrete path after /api/v10
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[Upload]
    at: float  # time.perf_counter() at arrival
    authorized: bool
    status: int = 0
    response: Any = None
    done_at: float = 0.0
    fault: str | None = None  # "429", "500"… when injected by fail_next/rate_limit
    pings: Pings = NO_PINGS
    problems: list[Problem] = field(default_factory=list)

    def param(self, name: str) -> int:
        return int(self.params[name])

    @property
    def body(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        body = self.body
        if "data" in body and isinstance(body["data"], dict):  # interaction callbacks
            body = body["data"]
        value = body.get("allowed_mentions")
        return value if isinstance(value, dict) else None

    def __repr__(self) -> str:
        fault = f" fault={self.fault}" if self.fault else ""
        return f"<Call {self.method} {self.path} → {self.status}{fault}>"


@dataclass(frozen=True)
class Violation:
    """The bot broke one of Discord's rules; Discord answered with an error."""

    rule: str
    call: Call
    detail: str


@dataclass(eq=False)
class _Fault:
    method: str | None
    route: str | None
    where: Callable[[Call], bool] | None
    remaining: int
    status: int
    retry_after: float
    is_global: bool


@dataclass(eq=False)
class _Bucket:
    method: str | None
    route: str
    limit: int
    per: float
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)


@dataclass(eq=False)
class _Waiter:
    predicate: Callable[[Call], bool]
    future: asyncio.Future[Call]


def json_response(
    status: int, body: Any = None, headers: Mapping[str, str] | None = None
) -> web.Response:
    """JSON with Content-Type exactly `application/json` (discord.py rejects `; charset=…`)."""
    if status == 204:
        return web.Response(status=204, headers=dict(headers or {}))
    merged = {"Content-Type": "application/json", **(headers or {})}
    response = web.Response(status=status, body=json.dumps(body).encode("utf-8"), headers=merged)
    response[_BODY] = body  # kept for the call log, so it need not be parsed back
    return response


def error(status: int, code: int, message: str) -> web.Response:
    return json_response(status, {"code": code, "message": message})


def route_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{pattern}$")


def matches(call: Call, method: str | None, route: str | None) -> bool:
    if method is not None and call.method != method.upper():
        return False
    if route is None:
        return True
    return call.route == route if "{" in route else call.path == route


class FakeDiscord:
    """A loopback Discord. `async with FakeDiscord() as fake:` or `await fake.start()`.

    World: `fake.guild` (roles `@everyone`, `Moderatori` with Manage Messages, `Rete` the
    bot's role, `Admin` with Administrator; channels `generale`, `domande`, `moderazione`
    visible to moderators only, `annunci`), users `fake.owner` (the application owner, a
    plain member), `fake.admin` (Admin, also the guild owner), `fake.moderator`
    (Moderatori), `fake.regular` (no role), and the bot `fake.bot_user`.
    """

    def __init__(
        self,
        *,
        token: str = FAKE_TOKEN,
        interaction_deadline: float = 3.0,
        interaction_token_ttl: float = 15 * 60.0,
        echo_own_messages: bool = True,
        guild_name: str = "Accademia",
    ) -> None:
        self.ids = m.Snowflakes()
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.interaction_token_ttl = interaction_token_ttl
        # Discord sends the bot its own messages on the gateway too; the bot must ignore them.
        self.echo_own_messages = echo_own_messages
        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.interactions: dict[int, ix.SentInteraction] = {}
        self._by_token: dict[str, ix.SentInteraction] = {}
        self.commands: dict[int | None, dict[str, dict[str, Any]]] = {None: {}}
        self.uploads: dict[int, Upload] = {}
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.unmatched: list[Call] = []
        self.errors: list[str] = []
        self._expect_violations = False
        self._faults: list[_Fault] = []
        self._buckets: list[_Bucket] = []
        self._global: _Bucket | None = None  # rate_limit_global(): every bot request counts
        self.global_limited = 0  # 429s the global bucket served
        self._waiters: list[_Waiter] = []
        self._auto_mark = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

        self.bot_user = self.add_user("Rete", bot=True)
        self.application_id = self.bot_user.id
        self.owner = self.add_user("proprietaria")
        self.gateway = Gateway(
            token=lambda: self.token,
            bot_id=lambda: self.bot_user.id,
            ready_payload=self._ready_payload,
            guild_payloads=self._guild_payloads,
            member_chunk=self._member_chunk,
        )
        from tests.fakediscord.rest import Rest  # the REST handlers need the class above

        self.rest = Rest(self)
        from tests.fakediscord.oauth import OAuth

        self.oauth = OAuth(self)  # the web dashboard's login: set `fake.oauth.user`
        self.guild = self.add_guild(guild_name)
        self.admin = self.member("amministratrice", roles=["Admin"])
        self.guild.owner_id = self.admin.id
        self.moderator = self.member("moderatore", roles=["Moderatori"])
        self.regular = self.member("mario")

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/ws", self.gateway.handle)
        app.router.add_get("/ws/", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._cdn)
        self.oauth.routes(app, API_PREFIX)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        self._waiters.clear()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What discord.py's `Route.BASE` (Rete: RETE_DISCORD_API_BASE) should be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What discord.py's DEFAULT_GATEWAY (Rete: RETE_DISCORD_GATEWAY) should be."""
        return f"ws://127.0.0.1:{self.port}/ws"

    # -- the world -------------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, dms_open: bool = True) -> FakeUser:
        user = FakeUser(self.ids.next(), name, bot=bot, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str) -> FakeGuild:
        """A guild with Rete in it, the default roles and channels, and the owner as member.

        Call before the bot connects, or use `join_guild` to also dispatch GUILD_CREATE."""
        guild = FakeGuild(self.ids.next(), name, owner_id=self.owner.id)
        everyone = FakeRole(guild.id, "@everyone", m.EVERYONE_DEFAULT, 0)
        moderators = FakeRole(
            self.ids.next(), "Moderatori", m.MANAGE_MESSAGES | m.MODERATE_MEMBERS, 1, True
        )
        bot_role = FakeRole(self.ids.next(), "Rete", m.BOT_ROLE_PERMISSIONS, 2, managed=True)
        admins = FakeRole(self.ids.next(), "Admin", m.ADMINISTRATOR, 3)
        for role in (everyone, moderators, bot_role, admins):
            guild.roles[role.id] = role
        hidden = [
            Overwrite(guild.id, 0, deny=m.VIEW_CHANNEL),
            Overwrite(moderators.id, 0, allow=m.VIEW_CHANNEL),
            Overwrite(bot_role.id, 0, allow=m.VIEW_CHANNEL),
        ]
        for position, (channel_name, overwrites) in enumerate(
            [("generale", []), ("domande", []), ("moderazione", hidden), ("annunci", [])]
        ):
            channel = FakeChannel(
                self.ids.next(),
                channel_name,
                guild_id=guild.id,
                position=position,
                overwrites=list(overwrites),
            )
            guild.channels[channel.id] = channel
            self.channels[channel.id] = channel
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, [bot_role.id])
        guild.members[self.owner.id] = FakeMember(self.owner, [])
        self.guilds[guild.id] = guild
        return guild

    async def join_guild(self, name: str) -> FakeGuild:
        """Add a guild and tell the connected bot (GUILD_CREATE, as when it is invited)."""
        guild = self.add_guild(name)
        await self.dispatch("GUILD_CREATE", self.guild_payload(guild, with_members=False))
        return guild

    def member(
        self,
        name: str,
        *,
        roles: Iterable[str | int] = (),
        guild: FakeGuild | None = None,
        bot: bool = False,
        dms_open: bool = True,
    ) -> FakeUser:
        """A new user who is a member of `guild` (default `fake.guild`) with these roles."""
        guild = guild or self.guild
        user = self.add_user(name, bot=bot, dms_open=dms_open)
        guild.members[user.id] = FakeMember(user, [guild.role(r).id for r in roles])
        return user

    def join(self, user: FakeUser, guild: FakeGuild, roles: Iterable[str | int] = ()) -> None:
        guild.members[user.id] = FakeMember(user, [guild.role(r).id for r in roles])

    def set_roles(
        self, user: FakeUser, roles: Iterable[str | int], guild: FakeGuild | None = None
    ) -> None:
        """Change a member's roles; the next interaction carries the new permissions."""
        guild = guild or self.guild
        guild.members[user.id].role_ids = [guild.role(r).id for r in roles]

    def channel(
        self, name_or_id: str | int | FakeChannel, guild: FakeGuild | None = None
    ) -> FakeChannel:
        if isinstance(name_or_id, FakeChannel):
            return name_or_id
        if isinstance(name_or_id, int) and name_or_id in self.channels:
            return self.channels[name_or_id]
        return (guild or self.guild).channel(name_or_id)

    def role(self, name_or_id: str | int, guild: FakeGuild | None = None) -> FakeRole:
        return (guild or self.guild).role(name_or_id)

    def add_channel(
        self,
        name: str,
        *,
        guild: FakeGuild | None = None,
        overwrites: Sequence[Overwrite] = (),
    ) -> FakeChannel:
        guild = guild or self.guild
        channel = FakeChannel(
            self.ids.next(),
            name,
            guild_id=guild.id,
            position=len(guild.channels),
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The bot's DM channel with `user` (created on first use, as Discord does)."""
        for channel in self.channels.values():
            if channel.type == m.DM and channel.recipient_id == user.id:
                return channel
        channel = FakeChannel(self.ids.next(), "", type=m.DM, recipient_id=user.id)
        self.channels[channel.id] = channel
        return channel

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def bot_permissions(self, channel: FakeChannel) -> int:
        guild = self.guild_of(channel)
        if guild is None:
            return (
                m.VIEW_CHANNEL
                | m.SEND_MESSAGES
                | m.READ_MESSAGE_HISTORY
                | m.EMBED_LINKS
                | m.ATTACH_FILES
                | m.ADD_REACTIONS
            )
        return guild.permissions_in(self.bot_user.id, channel)

    def permissions(self, user: FakeUser, channel: FakeChannel) -> int:
        """What Discord computes for `user` in `channel` (the interaction's `permissions`)."""
        guild = self.guild_of(channel)
        return guild.permissions_in(user.id, channel) if guild else 0

    def upload(
        self, filename: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """An attachment a member uploads (for a message or an attachment option)."""
        attachment_id = self.ids.next()
        self.uploads[attachment_id] = Upload("files[0]", filename, content_type, data)
        return self.attachment_payload(attachment_id, 0)

    def attachment_payload(self, attachment_id: int, channel_id: int) -> dict[str, Any]:
        upload = self.uploads[attachment_id]
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
        return {
            "id": str(attachment_id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }

    # -- payloads --------------------------------------------------------------------------

    def user_payload(self, user: FakeUser) -> dict[str, Any]:
        return user.payload()

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        me = self.bot_user.payload()
        me.update(verified=True, mfa_enabled=False, flags=0, email=None)
        data: dict[str, Any] = {
            "v": 10,
            "user": me,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds.values()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if session.shard is not None:
            data["shard"] = list(session.shard)
        return data

    def _guild_payloads(self, session: Session) -> list[dict[str, Any]]:
        with_members = bool(session.intents & m.INTENT_GUILD_MEMBERS)
        return [self.guild_payload(g, with_members=with_members) for g in self.guilds.values()]

    def guild_payload(self, guild: FakeGuild, *, with_members: bool) -> dict[str, Any]:
        members = (
            list(guild.members.values()) if with_members else [guild.members[self.bot_user.id]]
        )
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "it",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "max_members": 500_000,
            "premium_progress_bar_enabled": False,
            "roles": [r.payload() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [c.payload() for c in guild.channels.values()],
            "threads": [],
            "members": [mem.payload() for mem in members],
            "member_count": len(guild.members),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": guild.members[self.bot_user.id].joined_at,
            "large": False,
            "unavailable": False,
        }

    def _member_chunk(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        guild = self.guilds.get(int(request.get("guild_id") or 0))
        if guild is None:
            return []
        return [
            {
                "guild_id": str(guild.id),
                "members": [mem.payload() for mem in guild.members.values()],
                "chunk_index": 0,
                "chunk_count": 1,
                "nonce": request.get("nonce"),
            }
        ]

    def message_payload(
        self,
        channel: FakeChannel,
        author: FakeUser,
        content: str,
        *,
        message_id: int | None = None,
        embeds: Sequence[dict[str, Any]] = (),
        components: Sequence[dict[str, Any]] = (),
        attachments: Sequence[dict[str, Any]] = (),
        reference: StoredMessage | None = None,
        flags: int = 0,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        guild = self.guild_of(channel)
        mentioned = [
            self.users[int(uid)]
            for uid in dict.fromkeys(_USER_MENTION.findall(content))
            if int(uid) in self.users
        ]
        mention_payloads = []
        for user in mentioned:
            data = user.payload()
            if guild is not None and user.id in guild.members:
                data["member"] = guild.members[user.id].payload(with_user=False)
            mention_payloads.append(data)
        role_ids = list(dict.fromkeys(_ROLE_MENTION.findall(content)))
        payload: dict[str, Any] = {
            "id": str(message_id or self.ids.next()),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content,
            "timestamp": m.iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content or "@here" in content,
            "mentions": mention_payloads,
            "mention_roles": role_ids,
            "attachments": list(attachments),
            "embeds": [{"type": "rich", **e} for e in embeds],
            "pinned": False,
            "type": 19 if reference is not None else 0,
            "flags": flags,
            "components": list(components),
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
            member = guild.members.get(author.id)
            if member is not None:
                payload["member"] = member.payload(with_user=False)
        if reference is not None:
            payload["message_reference"] = {
                "type": 0,
                "message_id": str(reference.id),
                "channel_id": str(reference.channel_id),
                **({"guild_id": str(reference.guild_id)} if reference.guild_id else {}),
            }
            payload["referenced_message"] = dict(reference.payload)
        if extra:
            payload.update(extra)
        return payload

    def store(
        self,
        payload: dict[str, Any],
        *,
        ephemeral_for: int | None = None,
        interaction_id: int | None = None,
    ) -> StoredMessage:
        channel_id = int(payload["channel_id"])
        message = StoredMessage(
            id=int(payload["id"]),
            channel_id=channel_id,
            guild_id=int(payload["guild_id"]) if "guild_id" in payload else None,
            author_id=int(payload["author"]["id"]),
            payload=payload,
            ephemeral_for=ephemeral_for,
            interaction_id=interaction_id,
        )
        self.messages[message.id] = message
        return message

    def pings_for(
        self,
        content: str,
        allowed: Mapping[str, Any] | None,
        *,
        reply_to: int | None = None,
        ephemeral: bool = False,
    ) -> Pings:
        """Who Discord would notify: mentions in `content` filtered by `allowed_mentions`
        (absent: everything mentioned, and the author of the message replied to)."""
        if ephemeral:
            return NO_PINGS
        users = {int(u) for u in _USER_MENTION.findall(content)}
        roles = {int(r) for r in _ROLE_MENTION.findall(content)}
        everyone = "@everyone" in content or "@here" in content
        if allowed is None:
            replied = {reply_to} if reply_to else set()
            return Pings(frozenset(users | replied), frozenset(roles), everyone)
        parse = set(allowed.get("parse") or [])
        if "users" not in parse:
            users &= {int(u) for u in allowed.get("users") or []}
        if "roles" not in parse:
            roles &= {int(r) for r in allowed.get("roles") or []}
        if allowed.get("replied_user") and reply_to:
            users.add(reply_to)
        return Pings(frozenset(users), frozenset(roles), everyone and "everyone" in parse)

    # -- the call log ----------------------------------------------------------------------

    def mark(self) -> int:
        """The current end of the call log: pass it as `since=` to wait only for later calls."""
        return len(self.calls)

    def _advance_mark(self) -> None:
        self._auto_mark = len(self.calls)

    def record(self, call: Call) -> None:
        self.calls.append(call)
        for waiter in list(self._waiters):
            if waiter.future.done():
                self._waiters.remove(waiter)
            elif waiter.predicate(call):
                waiter.future.set_result(call)
                self._waiters.remove(waiter)

    def calls_to(
        self,
        method: str | None = None,
        route: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        since: int = 0,
    ) -> list[Call]:
        """Logged calls (oldest first) matching method, route template (or concrete path)."""
        return [
            c
            for c in self.calls[since:]
            if matches(c, method, route) and (where is None or where(c))
        ]

    async def wait_for(
        self,
        method: str | Callable[[Call], bool] | None = None,
        route: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        since: int | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """The first call matching, at or after `since` (default: the last event a test sent).

        `method` may be a predicate instead: `await fake.wait_for(lambda c: ...)`.
        """
        calls = await self.wait_for_all(
            method, route, where=where, since=since, count=1, timeout=timeout
        )
        return calls[0]

    async def wait_for_all(
        self,
        method: str | Callable[[Call], bool] | None = None,
        route: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        since: int | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        if callable(method):
            where, method = method, None
        start = self._auto_mark if since is None else since

        def predicate(call: Call) -> bool:
            return matches(call, method, route) and (where is None or where(call))

        found = [c for c in self.calls[start:] if predicate(c)]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(found) < count:
            future: asyncio.Future[Call] = loop.create_future()
            self._waiters.append(_Waiter(predicate, future))
            try:
                found.append(await asyncio.wait_for(future, max(deadline - loop.time(), 0)))
            except TimeoutError:
                recent = "\n  ".join(repr(c) for c in self.calls[-12:]) or "(none)"
                wanted = f"{method or '*'} {route or '*'}"
                raise TimeoutError(
                    f"fake Discord: {len(found)}/{count} calls {wanted} within {timeout}s "
                    f"(since #{start}); last calls:\n  {recent}"
                ) from None
        return found[:count]

    async def expect_no_call(
        self,
        method: str | None = None,
        route: str | None = None,
        *,
        where: Callable[[Call], bool] | None = None,
        since: int | None = None,
        within: float = 0.3,
    ) -> None:
        """Fail if a matching call happens within `within` seconds (or happened already)."""
        with contextlib.suppress(TimeoutError):
            call = await self.wait_for(method, route, where=where, since=since, timeout=within)
            raise AssertionError(f"unexpected call {call!r} body={call.json!r}")

    def violation(self, rule: str, call: Call, detail: str) -> None:
        log.info(
            "fake Discord: the bot broke %s on %s %s: %s", rule, call.method, call.path, detail
        )
        self.violations.append(Violation(rule, call, detail))

    def expect_violations(self) -> None:
        """This test breaks Discord's rules on purpose (the e2e teardown will not complain)."""
        self._expect_violations = True

    @property
    def violations_expected(self) -> bool:
        return self._expect_violations

    def pinged(self) -> list[Call]:
        """Calls whose message notified someone (a user, a role, @everyone/@here)."""
        return [c for c in self.calls if c.pings.any]

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        route: str | None,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: float = 0.05,
        is_global: bool = False,
        where: Callable[[Call], bool] | None = None,
    ) -> None:
        """Answer the next `times` matching calls with `status` (429 with `retry_after` and the
        X-RateLimit headers discord.py reads, or a 5xx) instead of handling them."""
        self._faults.append(
            _Fault(
                method.upper() if method else None,
                route,
                where,
                times,
                status,
                retry_after,
                is_global,
            )
        )

    def rate_limit(self, method: str | None, route: str, *, limit: int, per: float) -> None:
        """Emulate a bucket: `limit` calls per `per` seconds per channel/guild/webhook, with
        X-RateLimit headers on every answer and 429 beyond the limit."""
        self._buckets.append(_Bucket(method.upper() if method else None, route, limit, per))

    def rate_limit_global(self, *, limit: int, per: float) -> None:
        """Emulate Discord's global limit (50 requests a second per bot, across every route):
        beyond `limit` calls in `per` seconds, 429 with `X-RateLimit-Global: true`, scope
        "global" and `retry_after` in the body. Interaction callbacks and followups (authorised
        by their token) do not count, as on Discord."""
        self._global = _Bucket(None, "*", limit, per)

    def _global_fault(self, call: Call) -> web.Response | None:
        bucket = self._global
        if bucket is None or not call.authorized:
            return None
        now = time.monotonic()
        reset_at, used = bucket.windows.get("", (now + bucket.per, 0))
        if now >= reset_at:
            reset_at, used = now + bucket.per, 0
        if used >= bucket.limit:
            call.fault = "429"
            self.global_limited += 1
            return self._too_many(reset_at - now, is_global=True, bucket=call.route)
        bucket.windows[""] = (reset_at, used + 1)
        return None

    def _fault_for(self, call: Call) -> tuple[web.Response | None, dict[str, str]]:
        """An injected answer for this call, or (None, rate-limit headers to add)."""
        limited = self._global_fault(call)
        if limited is not None:
            return limited, {}
        for fault in self._faults:
            if fault.remaining <= 0 or not matches(call, fault.method, fault.route):
                continue
            if fault.where is not None and not fault.where(call):
                continue
            fault.remaining -= 1
            call.fault = str(fault.status)
            if fault.status == 429:
                too_many = self._too_many(
                    fault.retry_after, is_global=fault.is_global, bucket=call.route
                )
                return too_many, {}
            return error(fault.status, 0, f"{fault.status}: fake server error"), {}
        headers: dict[str, str] = {}
        for bucket in self._buckets:
            if not matches(call, bucket.method, bucket.route):
                continue
            major = next(
                (
                    call.params[k]
                    for k in ("channel_id", "guild_id", "interaction_token")
                    if k in call.params
                ),
                "",
            )
            now = time.monotonic()
            reset_at, used = bucket.windows.get(major, (now + bucket.per, 0))
            if now >= reset_at:
                reset_at, used = now + bucket.per, 0
            if used >= bucket.limit:
                call.fault = "429"
                return self._too_many(reset_at - now, is_global=False, bucket=bucket.route), {}
            bucket.windows[major] = (reset_at, used + 1)
            headers = {
                "X-RateLimit-Limit": str(bucket.limit),
                "X-RateLimit-Remaining": str(bucket.limit - used - 1),
                "X-RateLimit-Reset": f"{time.time() + reset_at - now:.3f}",
                "X-RateLimit-Reset-After": f"{reset_at - now:.3f}",
                "X-RateLimit-Bucket": _bucket_hash(bucket.route),
            }
        return None, headers

    def _too_many(self, retry_after: float, *, is_global: bool, bucket: str) -> web.Response:
        headers = {
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
            "Retry-After": f"{retry_after:.3f}",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": _bucket_hash(bucket),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
            "code": 0,
        }
        return json_response(429, body, headers)

    async def drop_gateway(self, *, code: int = 4000, abort: bool = False) -> int:
        """Close the bot's gateway connection; the session stays resumable (RESUME + replay).

        `abort=True` cuts the TCP connection with no close frame, like a network failure."""
        return await self.gateway.drop(code=code, abort=abort)

    async def invalidate_session(self) -> int:
        """Op 9 (not resumable): the bot must IDENTIFY again and gets a fresh READY."""
        return await self.gateway.invalidate()

    async def request_reconnect(self) -> int:
        """Op 7: Discord asks the bot to reconnect (it RESUMEs)."""
        return await self.gateway.request_reconnect()

    async def wait_gateway(
        self, kind: str, *, since: int = 0, timeout: float = 5.0
    ) -> GatewayEvent:
        """Wait for a gateway log entry: IDENTIFY, READY, RESUME, RESUMED, HEARTBEAT, CLOSED…"""
        return await self.gateway.wait_for(kind, since=since, timeout=timeout)

    def gateway_mark(self) -> int:
        return len(self.gateway.log)

    async def wait_connected(self, timeout: float = 5.0) -> Session:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.gateway.connected_sessions():
            if loop.time() > deadline:
                raise TimeoutError("fake Discord: no bot connected to the gateway")
            await asyncio.sleep(0.005)
        return self.gateway.connected_sessions()[-1]

    # -- events a test sends ---------------------------------------------------------------

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a raw gateway dispatch to the bot (buffered for RESUME while disconnected)."""
        self._advance_mark()
        return await self.gateway.dispatch(event, data)

    async def send_message(
        self,
        channel: str | int | FakeChannel,
        author: FakeUser,
        content: str,
        *,
        attachments: Sequence[dict[str, Any]] = (),
        reply_to: int | None = None,
    ) -> int:
        """A member writes in a channel: stored in its history, MESSAGE_CREATE dispatched."""
        target = self.channel(channel)
        reference = self.messages[reply_to] if reply_to else None
        payload = self.message_payload(
            target, author, content, attachments=attachments, reference=reference
        )
        self.store(payload)
        await self.dispatch("MESSAGE_CREATE", payload)
        return int(payload["id"])

    async def send_dm(self, author: FakeUser, content: str) -> int:
        """A user writes to the bot in DM."""
        return await self.send_message(self.dm_channel(author), author, content)

    async def edit_message(self, message_id: int, content: str) -> None:
        """The author edits a message: MESSAGE_UPDATE with the full new message."""
        message = self.messages[message_id]
        message.payload = {
            **message.payload,
            "content": content,
            "edited_timestamp": m.iso_now(),
        }
        channel = self.channels[message.channel_id]
        fresh = self.message_payload(
            channel, self.users[message.author_id], content, message_id=message.id
        )
        message.payload.update(mentions=fresh["mentions"], mention_roles=fresh["mention_roles"])
        await self.dispatch("MESSAGE_UPDATE", message.payload)

    async def update_message_partially(self, message_id: int, **fields: Any) -> None:
        """MESSAGE_UPDATE with only some fields and no content or author, as Discord sends when
        it adds a link preview (`embeds=[...]`) or when the bot may not read the content
        (`content=""`). The stored message keeps its text."""
        message = self.messages[message_id]
        data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id:
            data["guild_id"] = str(message.guild_id)
        data.update(fields)
        if "embeds" in fields:
            message.payload = {**message.payload, "embeds": list(fields["embeds"])}
        await self.dispatch("MESSAGE_UPDATE", data)

    async def delete_message(self, message_id: int) -> None:
        """The author (or a moderator) deletes a message: MESSAGE_DELETE."""
        message = self.messages[message_id]
        message.deleted = True
        data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id:
            data["guild_id"] = str(message.guild_id)
        await self.dispatch("MESSAGE_DELETE", data)

    async def react(self, message_id: int, user: FakeUser, emoji: str) -> None:
        """A member adds a reaction (sent only if the bot asked for the reactions intent)."""
        message = self.messages[message_id]
        message.reactions.setdefault(emoji, set()).add(user.id)
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
        }
        if message.guild_id:
            data["guild_id"] = str(message.guild_id)
            guild = self.guilds[message.guild_id]
            if user.id in guild.members:
                data["member"] = guild.members[user.id].payload()
        await self.dispatch("MESSAGE_REACTION_ADD", data)

    def install_commands(
        self, commands: Iterable[dict[str, Any]], *, guild_id: int | None = None
    ) -> None:
        """Register command schemas as if synced (without a REST call), so `slash` can type
        options. The e2e fixtures install the bot's whole tree this way."""
        scope = self.commands.setdefault(guild_id, {})
        for command in commands:
            self._store_command(scope, command, guild_id)

    def _store_command(
        self, scope: dict[str, dict[str, Any]], command: dict[str, Any], guild_id: int | None
    ) -> dict[str, Any]:
        key = f"{command.get('type', 1)}:{command['name']}"
        old = scope.get(key)
        stored = {
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "options": [],
            **command,
            "id": old["id"] if old else str(self.ids.next()),
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "type": int(command.get("type", 1)),
            "description": command.get("description", ""),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        scope[key] = stored
        return stored

    def command_schema(self, name: str, guild_id: int | None) -> tuple[dict[str, Any], bool]:
        """A chat command's schema; True when it is a guild command of `guild_id`."""
        key = f"1:{name}"
        if guild_id is not None and key in self.commands.get(guild_id, {}):
            return self.commands[guild_id][key], True
        if key in self.commands[None]:
            return self.commands[None][key], False
        known = sorted({k[2:] for scope in self.commands.values() for k in scope})
        raise KeyError(f"no /{name} command synced or installed in the fake; known: {known}")

    def _interaction(
        self,
        kind: int,
        user: FakeUser,
        channel: FakeChannel,
        data: dict[str, Any],
        *,
        message: StoredMessage | None = None,
        opened_from: ix.SentInteraction | None = None,
    ) -> ix.SentInteraction:
        guild = self.guild_of(channel)
        interaction_id = self.ids.next()
        token = "aW50ZXJhY3Rpb24." + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(self.users),
            "locale": user.locale,
            "app_permissions": str(self.bot_permissions(channel)),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            if user.id not in guild.members:
                raise ValueError(f"{user.name} is not a member of {guild.name}")
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "it", "features": []},
                guild_locale="it",
                member=guild.members[user.id].payload(
                    permissions=guild.permissions_in(user.id, channel)
                ),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                authorizing_integration_owners={"0": str(self.owner.id)},
                context=1,
            )
        if message is not None:
            payload["message"] = message.payload
        sent = ix.SentInteraction(
            fake=self,
            id=interaction_id,
            token=token,
            type=kind,
            user=user,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            payload=payload,
            created=0.0,
            message_id=message.id if message else None,
            opened_from=opened_from,
        )
        self.interactions[interaction_id] = sent
        self._by_token[token] = sent
        return sent

    async def _send_interaction(self, sent: ix.SentInteraction) -> ix.SentInteraction:
        sent.created = asyncio.get_running_loop().time()
        await self.dispatch("INTERACTION_CREATE", sent.payload)
        return sent

    def interaction_by_token(self, token: str) -> ix.SentInteraction | None:
        return self._by_token.get(token)

    async def slash(
        self,
        user: FakeUser,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        channel: str | int | FakeChannel = "generale",
    ) -> ix.SentInteraction:
        """A member runs `/name [subcommand] option:value…` in `channel` (type 2).

        Option values are typed by the command's schema (synced or installed): pass str, int,
        bool, float, FakeUser, FakeRole, FakeChannel, or an `upload(...)` for attachments."""
        target = self.channel(channel)
        schema, in_guild = self.command_schema(name, target.guild_id)
        built, resolved = ix.build_options(
            self, schema, options or {}, subcommand=subcommand, guild_id=target.guild_id
        )
        data: dict[str, Any] = {"id": schema["id"], "name": name, "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if in_guild:
            data["guild_id"] = str(target.guild_id)
        return await self._send_interaction(
            self._interaction(ix.APPLICATION_COMMAND, user, target, data)
        )

    async def autocomplete(
        self,
        user: FakeUser,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        subcommand: str | None = None,
        channel: str | int | FakeChannel = "generale",
    ) -> ix.SentInteraction:
        """A member types in option `focused` of `/name` (type 4); `await it.choices()`."""
        target = self.channel(channel)
        schema, in_guild = self.command_schema(name, target.guild_id)
        built, _resolved = ix.build_options(
            self, schema, options, subcommand=subcommand, guild_id=target.guild_id, focused=focused
        )
        data: dict[str, Any] = {"id": schema["id"], "name": name, "type": 1, "options": built}
        if in_guild:
            data["guild_id"] = str(target.guild_id)
        return await self._send_interaction(self._interaction(ix.AUTOCOMPLETE, user, target, data))

    async def click(
        self,
        user: FakeUser,
        message_id: int,
        custom_id: str,
        *,
        values: Sequence[str] | None = None,
    ) -> ix.SentInteraction:
        """A member clicks a button (or picks `values` in a select) of a message (type 3)."""
        message = self.messages[message_id]
        if message.deleted:
            raise ValueError(f"message {message_id} was deleted")
        if message.ephemeral_for is not None and message.ephemeral_for != user.id:
            raise ValueError(f"message {message_id} is ephemeral: only its recipient sees it")
        component = message.component(custom_id)
        if component is None:
            known = message.custom_ids()
            raise ValueError(f"message {message_id} has no component {custom_id!r}; it has {known}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component.get("type", 2)}
        if values is not None:
            data["values"] = list(values)
        elif component.get("type") != 2:
            data["values"] = []
        channel = self.channels[message.channel_id]
        return await self._send_interaction(
            self._interaction(ix.MESSAGE_COMPONENT, user, channel, data, message=message)
        )

    async def submit_modal(
        self,
        user: FakeUser,
        opened_by: ix.SentInteraction,
        values: Mapping[str, Any],
    ) -> ix.SentInteraction:
        """The member fills in and submits the modal the bot opened on `opened_by` (type 5)."""
        modal = await opened_by.modal()
        data = {
            "custom_id": modal["custom_id"],
            "components": ix.modal_submission(modal, values),
        }
        channel = self.channels[opened_by.channel_id]
        message = self.messages.get(opened_by.message_id) if opened_by.message_id else None
        return await self._send_interaction(
            self._interaction(
                ix.MODAL_SUBMIT, user, channel, data, message=message, opened_from=opened_by
            )
        )

    # -- views of the state ----------------------------------------------------------------

    def history(self, channel: str | int | FakeChannel) -> list[StoredMessage]:
        """Visible messages of a channel, oldest first (no deleted or ephemeral ones)."""
        target = self.channel(channel)
        return sorted(
            (
                msg
                for msg in self.messages.values()
                if msg.channel_id == target.id and not msg.deleted and msg.ephemeral_for is None
            ),
            key=lambda msg: msg.id,
        )

    def bot_messages(self, channel: str | int | FakeChannel | None = None) -> list[StoredMessage]:
        """Messages the bot posted (visible, not deleted), oldest first."""
        pool = (
            self.history(channel)
            if channel is not None
            else sorted(
                (
                    msg
                    for msg in self.messages.values()
                    if not msg.deleted and msg.ephemeral_for is None
                ),
                key=lambda msg: msg.id,
            )
        )
        return [msg for msg in pool if msg.author_id == self.bot_user.id]

    # -- HTTP plumbing ---------------------------------------------------------------------

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        upload = self.uploads.get(int(request.match_info["attachment_id"]))
        if upload is None:
            return error(404, 0, "404: Not Found")
        return web.Response(body=upload.data, headers={"Content-Type": upload.content_type})

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        arrival = time.perf_counter()
        path = "/" + request.match_info["tail"]
        if request.method == "GET" and path == "/users/@me":
            bearer = await self.oauth.me(request)  # a person's OAuth2 token, not the bot's
            if bearer is not None:
                return bearer
        body, files = await _read_body(request)
        route, params, handler = self.rest.match(request.method, path)
        auth = request.headers.get("Authorization", "")
        call = Call(
            method=request.method,
            route=route or "?",
            path=path,
            params=params,
            query=dict(request.query),
            json=body,
            files=files,
            at=arrival,
            authorized=auth == f"Bot {self.token}",
        )
        try:
            if handler is None:
                self.unmatched.append(call)
                log.warning("fake Discord: no route for %s %s", request.method, path)
                response: web.StreamResponse = error(404, 0, "404: Not Found")
            elif not call.authorized and not route_is_public(route):
                response = error(401, 0, "401: Unauthorized")
            else:
                injected, headers = self._fault_for(call)
                response = injected or await handler(call)
                if headers:
                    response.headers.update(headers)
        except Exception:
            self.errors.append(traceback.format_exc())
            log.exception("fake Discord: error handling %s %s", request.method, path)
            response = error(500, 0, "500: fake Discord internal error")
        call.status = response.status
        call.response = response.get(_BODY)
        if 200 <= response.status < 300 and "X-RateLimit-Limit" not in response.headers:
            response.headers.update(_open_bucket_headers(call.route))
        call.done_at = time.perf_counter()
        self.record(call)
        return response


def route_is_public(route: str | None) -> bool:
    """Interaction callbacks and followups are authorised by their token, not the bot's."""
    return bool(route) and route.startswith(("/interactions/", "/webhooks/"))  # type: ignore[union-attr]


def _open_bucket_headers(route: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(OPEN_BUCKET_LIMIT),
        "X-RateLimit-Remaining": str(OPEN_BUCKET_LIMIT - 1),
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": _bucket_hash(route),
    }


def _bucket_hash(route: str) -> str:
    return f"fake{abs(hash(route)) % 10**8:08d}"


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    if not request.can_read_body:
        return None, []
    content_type = request.content_type
    if content_type.startswith("multipart/"):
        payload: Any = None
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(
                    Upload(
                        part.name or "",
                        part.filename or "file",
                        part.headers.get("Content-Type", "application/octet-stream"),
                        bytes(data),
                    )
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode("utf-8", "replace"), []
