"""The fake's REST API v10: one handler per route Rete uses; anything else is a 404 that shows."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakediscord import interactions as ix
from tests.fakediscord import models as m
from tests.fakediscord import rules
from tests.fakediscord.models import FakeChannel, StoredMessage
from tests.fakediscord.rules import Problem
from tests.fakediscord.server import (
    NO_PINGS,
    Call,
    Upload,
    error,
    json_response,
    route_regex,
)

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

Handler = Callable[[Call], Awaitable[web.Response]]

_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")
MAX_TIMEOUT = dt.timedelta(days=28)
# Flags a bot may set on a message it sends.
_SETTABLE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15)

UNKNOWN_CHANNEL = (404, 10003, "Unknown Channel")
UNKNOWN_GUILD = (404, 10004, "Unknown Guild")
UNKNOWN_MEMBER = (404, 10007, "Unknown Member")
UNKNOWN_MESSAGE = (404, 10008, "Unknown Message")
UNKNOWN_USER = (404, 10013, "Unknown User")
UNKNOWN_WEBHOOK = (404, 10015, "Unknown Webhook")
UNKNOWN_COMMAND = (404, 10063, "Unknown application command")
UNKNOWN_INTERACTION = (404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = (400, 40060, "Interaction has already been acknowledged.")
MISSING_ACCESS = (403, 50001, "Missing Access")
NOT_AUTHOR = (403, 50005, "Cannot edit a message authored by another user")
CANNOT_DM = (403, 50007, "Cannot send messages to this user")
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")
INVALID_WEBHOOK_TOKEN = (401, 50027, "Invalid Webhook Token")
EMPTY_MESSAGE = (400, 50006, "Cannot send an empty message")


def fail(spec: tuple[int, int, str]) -> web.Response:
    return error(*spec)


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.routes: list[tuple[str, str, re.Pattern[str], Handler]] = []
        add = self._add
        add("GET", "/users/@me", self.get_me)
        add("POST", "/users/@me/channels", self.create_dm)
        add("GET", "/users/{user_id}", self.get_user)
        add("GET", "/oauth2/applications/@me", self.application)
        add("GET", "/applications/@me", self.application)
        add("GET", "/gateway", self.gateway)
        add("GET", "/gateway/bot", self.gateway)

        add("GET", "/channels/{channel_id}", self.get_channel)
        add("POST", "/channels/{channel_id}/typing", self.typing)
        add("GET", "/channels/{channel_id}/messages", self.history)
        add("POST", "/channels/{channel_id}/messages", self.send)
        add("POST", "/channels/{channel_id}/messages/bulk-delete", self.bulk_delete)
        msg = "/channels/{channel_id}/messages/{message_id}"
        add("GET", msg, self.get_message)
        add("PATCH", msg, self.edit)
        add("DELETE", msg, self.delete)
        add("PUT", msg + "/reactions/{emoji}/@me", self.add_reaction)
        add("DELETE", msg + "/reactions/{emoji}/@me", self.remove_reaction)
        add("DELETE", msg + "/reactions/{emoji}/{user_id}", self.remove_reaction)
        add("GET", msg + "/reactions/{emoji}", self.get_reactions)
        add("DELETE", msg + "/reactions/{emoji}", self.clear_reactions)
        add("DELETE", msg + "/reactions", self.clear_reactions)

        add("GET", "/guilds/{guild_id}", self.get_guild)
        add("GET", "/guilds/{guild_id}/channels", self.guild_channels)
        add("GET", "/guilds/{guild_id}/roles", self.guild_roles)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        add("PATCH", "/guilds/{guild_id}/members/{user_id}", self.edit_member)

        for scope in (
            "/applications/{application_id}",
            "/applications/{application_id}/guilds/{guild_id}",
        ):
            add("GET", scope + "/commands", self.list_commands)
            add("PUT", scope + "/commands", self.put_commands)
            add("POST", scope + "/commands", self.upsert_command)
            add("GET", scope + "/commands/{command_id}", self.get_command)
            add("PATCH", scope + "/commands/{command_id}", self.edit_command)
            add("DELETE", scope + "/commands/{command_id}", self.delete_command)

        add("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback)
        add("POST", "/webhooks/{application_id}/{interaction_token}", self.followup)
        hook_msg = "/webhooks/{application_id}/{interaction_token}/messages/{message_id}"
        add("GET", hook_msg, self.get_hook_message)
        add("PATCH", hook_msg, self.edit_hook_message)
        add("DELETE", hook_msg, self.delete_hook_message)

    def _add(self, method: str, template: str, handler: Handler) -> None:
        self.routes.append((method, template, route_regex(template), handler))

    def match(self, method: str, path: str) -> tuple[str | None, dict[str, str], Handler | None]:
        for route_method, template, regex, handler in self.routes:
            if route_method != method:
                continue
            found = regex.match(path)
            if found:
                return template, found.groupdict(), handler
        return None, {}, None

    # -- helpers ---------------------------------------------------------------------------

    def _channel(self, call: Call) -> FakeChannel | None:
        return self.fake.channels.get(call.param("channel_id"))

    def _channel_for(
        self, call: Call, *needs: tuple[int, tuple[int, int, str]]
    ) -> FakeChannel | web.Response:
        """The route's channel, or Discord's refusal: Unknown Channel, else the error of the
        first permission in `needs` (bit, error) that the bot lacks there."""
        channel = self._channel(call)
        if channel is None:
            return fail(UNKNOWN_CHANNEL)
        if needs:
            perms = self.fake.bot_permissions(channel)
            for bit, refusal in needs:
                if not perms & bit:
                    return fail(refusal)
        return channel

    def _visible(self, message_id: int, channel_id: int | None = None) -> StoredMessage | None:
        message = self.fake.messages.get(message_id)
        if message is None or message.deleted or message.ephemeral_for is not None:
            return None
        if channel_id is not None and message.channel_id != channel_id:
            return None
        return message

    def _refuse(
        self, call: Call, body: dict[str, Any], *, files: bool, new: bool
    ) -> web.Response | None:
        """Discord's 400 for a message breaking its limits, recorded as a violation."""
        problems = rules.check_message(body)
        if problems:
            call.problems = problems
            detail = "; ".join(f"{p.where}: {p.message}" for p in problems)
            self.fake.violation("message limits", call, detail)
            return json_response(400, rules.form_error(problems))
        if new and rules.is_empty_message(body, has_files=files):
            self.fake.violation("empty message", call, "no content, embeds, components or files")
            return fail(EMPTY_MESSAGE)
        return None

    def _attachments(
        self, call: Call, body: dict[str, Any], channel_id: int, keep: list[dict[str, Any]]
    ) -> list[dict[str, Any]] | None:
        """The message's attachments after this call: kept ones plus uploaded files."""
        listed = body.get("attachments")
        if listed is None and not call.files:
            return None
        by_index: dict[int, Upload] = {}
        for upload in call.files:
            found = _FILE_FIELD.match(upload.field)
            if found:
                by_index[int(found.group(1))] = upload
        keep_ids = {str(a["id"]) for a in keep}
        result: list[dict[str, Any]] = []
        used: set[int] = set()
        for entry in listed or []:
            key = str(entry.get("id"))
            if key in keep_ids:
                result.append(next(a for a in keep if str(a["id"]) == key))
            elif key.isdigit() and int(key) in by_index:
                used.add(int(key))
                result.append(self._store_upload(by_index[int(key)], channel_id, entry))
        for index, upload in sorted(by_index.items()):
            if index not in used:
                result.append(self._store_upload(upload, channel_id, {}))
        return result

    def _store_upload(
        self, upload: Upload, channel_id: int, entry: dict[str, Any]
    ) -> dict[str, Any]:
        attachment_id = self.fake.ids.next()
        self.fake.uploads[attachment_id] = upload
        payload = self.fake.attachment_payload(attachment_id, channel_id)
        if entry.get("description"):
            payload["description"] = entry["description"]
        return payload

    def _new_message(
        self,
        call: Call,
        channel: FakeChannel,
        body: dict[str, Any],
        *,
        reference: StoredMessage | None = None,
        flags: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        embeds = list(body.get("embeds") or [])
        if channel.guild_id and not self.fake.bot_permissions(channel) & m.EMBED_LINKS:
            embeds = []  # Discord drops embeds silently without Embed Links
        return self.fake.message_payload(
            channel,
            self.fake.bot_user,
            str(body.get("content") or ""),
            embeds=embeds,
            components=list(body.get("components") or []),
            attachments=self._attachments(call, body, channel.id, []) or [],
            reference=reference,
            flags=flags,
            extra=extra,
        )

    def _apply_edit(self, call: Call, message: StoredMessage, body: dict[str, Any]) -> None:
        payload = dict(message.payload)
        if "content" in body:
            payload["content"] = str(body["content"] or "")
        if "embeds" in body:
            payload["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "components" in body:
            payload["components"] = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            payload["flags"] = (int(body["flags"]) & _SETTABLE_FLAGS) | (
                int(payload.get("flags") or 0) & m.FLAG_EPHEMERAL
            )
        keep = list(payload.get("attachments") or [])
        attachments = self._attachments(call, body, message.channel_id, keep)
        if attachments is not None:
            payload["attachments"] = attachments
        payload["flags"] = int(payload.get("flags") or 0) & ~m.FLAG_LOADING
        payload["edited_timestamp"] = m.iso_now()
        message.payload = payload

    async def _echo(self, event: str, message: StoredMessage) -> None:
        if message.ephemeral_for is not None:
            return
        if event == "MESSAGE_DELETE":
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
            await self.fake.gateway.dispatch(event, data)
        elif self.fake.echo_own_messages or event != "MESSAGE_CREATE":
            await self.fake.gateway.dispatch(event, message.payload)

    # -- users, application, gateway -------------------------------------------------------

    async def get_me(self, call: Call) -> web.Response:
        me = self.fake.bot_user.payload()
        me.update(verified=True, mfa_enabled=False, flags=0, email=None, locale="it")
        return json_response(200, me)

    async def get_user(self, call: Call) -> web.Response:
        user = self.fake.users.get(call.param("user_id"))
        return json_response(200, user.payload()) if user else fail(UNKNOWN_USER)

    async def create_dm(self, call: Call) -> web.Response:
        user = self.fake.users.get(int(call.body.get("recipient_id") or 0))
        if user is None:
            return fail(UNKNOWN_USER)
        return json_response(200, self.fake.dm_channel(user).payload(self.fake.users))

    async def application(self, call: Call) -> web.Response:
        fake = self.fake
        return json_response(
            200,
            {
                "id": str(fake.application_id),
                "name": fake.bot_user.name,
                "icon": None,
                "description": "Rete (fake Discord)",
                "summary": "",
                "type": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": fake.owner.payload(),
                "team": None,
                "bot": fake.bot_user.payload(),
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(fake.guilds),
            },
        )

    async def gateway(self, call: Call) -> web.Response:
        data: dict[str, Any] = {"url": self.fake.gateway_url}
        if call.path.endswith("/bot"):
            data["shards"] = 1
            data["session_start_limit"] = {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            }
        return json_response(200, data)

    # -- channels and messages -------------------------------------------------------------

    async def get_channel(self, call: Call) -> web.Response:
        channel = self._channel_for(call, (m.VIEW_CHANNEL, MISSING_ACCESS))
        if isinstance(channel, web.Response):
            return channel
        return json_response(200, channel.payload(self.fake.users))

    async def typing(self, call: Call) -> web.Response:
        channel = self._channel_for(call)
        return channel if isinstance(channel, web.Response) else json_response(204)

    async def history(self, call: Call) -> web.Response:
        channel = self._channel_for(
            call, (m.VIEW_CHANNEL, MISSING_ACCESS), (m.READ_MESSAGE_HISTORY, MISSING_ACCESS)
        )
        if isinstance(channel, web.Response):
            return channel
        limit = int(call.query.get("limit", 50))
        if not 1 <= limit <= 100:
            problem = Problem(("limit",), "NUMBER_TYPE_MAX", "int value should be ≤ 100.")
            return json_response(400, rules.form_error([problem]))
        messages = self.fake.history(channel)
        if "after" in call.query:
            after = int(call.query["after"])
            chosen = [msg for msg in messages if msg.id > after][:limit]
        elif "before" in call.query:
            before = int(call.query["before"])
            chosen = [msg for msg in messages if msg.id < before][-limit:]
        elif "around" in call.query:
            around = int(call.query["around"])
            index = next((i for i, msg in enumerate(messages) if msg.id >= around), len(messages))
            start = max(0, index - limit // 2)
            chosen = messages[start : start + limit]
        else:
            chosen = messages[-limit:]
        # Discord answers newest first, whatever the direction.
        return json_response(200, [msg.payload for msg in reversed(chosen)])

    async def send(self, call: Call) -> web.Response:
        fake = self.fake
        needs = [(m.VIEW_CHANNEL, MISSING_ACCESS), (m.SEND_MESSAGES, MISSING_PERMISSIONS)]
        if call.files:
            needs.append((m.ATTACH_FILES, MISSING_PERMISSIONS))
        channel = self._channel_for(call, *needs)  # a DM allows all three
        if isinstance(channel, web.Response):
            return channel
        if channel.type == m.DM:
            recipient = fake.users.get(channel.recipient_id or 0)
            if recipient is None or not recipient.dms_open:
                return fail(CANNOT_DM)
        body = call.body
        refused = self._refuse(call, body, files=bool(call.files), new=True)
        if refused is not None:
            return refused
        reference = None
        ref = body.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            reference = fake.messages.get(int(ref["message_id"]))
            if reference is None or reference.deleted:
                reference = None
                if ref.get("fail_if_not_exists", True):
                    problem = Problem(
                        ("message_reference",),
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                    return json_response(400, rules.form_error([problem]))
        flags = int(body.get("flags") or 0) & _SETTABLE_FLAGS & ~m.FLAG_EPHEMERAL
        payload = self._new_message(call, channel, body, reference=reference, flags=flags)
        if "nonce" in body:
            payload["nonce"] = body["nonce"]
        call.pings = fake.pings_for(
            payload["content"],
            body.get("allowed_mentions"),
            reply_to=reference.author_id if reference else None,
        )
        message = fake.store(payload)
        await self._echo("MESSAGE_CREATE", message)
        return json_response(200, payload)

    async def get_message(self, call: Call) -> web.Response:
        channel = self._channel_for(call, (m.READ_MESSAGE_HISTORY, MISSING_ACCESS))
        if isinstance(channel, web.Response):
            return channel
        message = self._visible(call.param("message_id"), channel.id)
        return json_response(200, message.payload) if message else fail(UNKNOWN_MESSAGE)

    async def edit(self, call: Call) -> web.Response:
        channel = self._channel_for(call)
        if isinstance(channel, web.Response):
            return channel
        message = self._visible(call.param("message_id"), channel.id)
        if message is None:
            return fail(UNKNOWN_MESSAGE)
        if message.author_id != self.fake.bot_user.id:
            return fail(NOT_AUTHOR)
        refused = self._refuse(call, call.body, files=bool(call.files), new=False)
        if refused is not None:
            return refused
        self._apply_edit(call, message, call.body)
        await self._echo("MESSAGE_UPDATE", message)
        return json_response(200, message.payload)

    async def delete(self, call: Call) -> web.Response:
        channel = self._channel_for(call)
        if isinstance(channel, web.Response):
            return channel
        message = self._visible(call.param("message_id"), channel.id)
        if message is None:
            return fail(UNKNOWN_MESSAGE)
        others = message.author_id != self.fake.bot_user.id and channel.guild_id
        if others and not self.fake.bot_permissions(channel) & m.MANAGE_MESSAGES:
            return fail(MISSING_PERMISSIONS)
        message.deleted = True
        await self._echo("MESSAGE_DELETE", message)
        return json_response(204)

    async def bulk_delete(self, call: Call) -> web.Response:
        channel = self._channel_for(call, (m.MANAGE_MESSAGES, MISSING_PERMISSIONS))
        if isinstance(channel, web.Response):
            return channel
        ids = [int(i) for i in call.body.get("messages") or []]
        if not 2 <= len(ids) <= 100:
            problem = Problem(
                ("messages",), "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length."
            )
            return json_response(400, rules.form_error([problem]))
        deleted = []
        for message_id in ids:
            message = self._visible(message_id, channel.id)
            if message is not None:
                message.deleted = True
                deleted.append(str(message_id))
        data: dict[str, Any] = {"ids": deleted, "channel_id": str(channel.id)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.fake.gateway.dispatch("MESSAGE_DELETE_BULK", data)
        return json_response(204)

    # -- reactions -------------------------------------------------------------------------

    def _reaction_target(
        self, call: Call
    ) -> tuple[FakeChannel | None, StoredMessage | web.Response]:
        channel = self._channel_for(call)
        if isinstance(channel, web.Response):
            return None, channel
        message = self._visible(call.param("message_id"), channel.id)
        if message is None:
            return channel, fail(UNKNOWN_MESSAGE)
        return channel, message

    async def add_reaction(self, call: Call) -> web.Response:
        channel, message = self._reaction_target(call)
        if not isinstance(message, StoredMessage) or channel is None:
            return message  # type: ignore[return-value]
        emoji = call.params["emoji"]
        if channel.guild_id:
            perms = self.fake.bot_permissions(channel)
            if not perms & m.READ_MESSAGE_HISTORY:
                return fail(MISSING_ACCESS)
            if emoji not in message.reactions and not perms & m.ADD_REACTIONS:
                return fail(MISSING_PERMISSIONS)
        message.reactions.setdefault(emoji, set()).add(self.fake.bot_user.id)
        data: dict[str, Any] = {
            "user_id": str(self.fake.bot_user.id),
            "channel_id": str(channel.id),
            "message_id": str(message.id),
            "emoji": _emoji_payload(emoji),
            "type": 0,
            "burst": False,
        }
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.fake.gateway.dispatch("MESSAGE_REACTION_ADD", data)
        return json_response(204)

    async def remove_reaction(self, call: Call) -> web.Response:
        channel, message = self._reaction_target(call)
        if not isinstance(message, StoredMessage) or channel is None:
            return message  # type: ignore[return-value]
        user_id = int(call.params.get("user_id") or self.fake.bot_user.id)
        others = user_id != self.fake.bot_user.id and channel.guild_id
        if others and not self.fake.bot_permissions(channel) & m.MANAGE_MESSAGES:
            return fail(MISSING_PERMISSIONS)
        users = message.reactions.get(call.params["emoji"], set())
        users.discard(user_id)
        if not users:
            message.reactions.pop(call.params["emoji"], None)
        return json_response(204)

    async def get_reactions(self, call: Call) -> web.Response:
        _channel, message = self._reaction_target(call)
        if not isinstance(message, StoredMessage):
            return message
        users = sorted(message.reactions.get(call.params["emoji"], set()))
        return json_response(
            200, [self.fake.users[u].payload() for u in users if u in self.fake.users]
        )

    async def clear_reactions(self, call: Call) -> web.Response:
        channel, message = self._reaction_target(call)
        if not isinstance(message, StoredMessage) or channel is None:
            return message  # type: ignore[return-value]
        if channel.guild_id and not self.fake.bot_permissions(channel) & m.MANAGE_MESSAGES:
            return fail(MISSING_PERMISSIONS)
        if "emoji" in call.params:
            message.reactions.pop(call.params["emoji"], None)
        else:
            message.reactions.clear()
        return json_response(204)

    # -- guilds and members ----------------------------------------------------------------

    def _guild(self, call: Call) -> m.FakeGuild | None:
        return self.fake.guilds.get(call.param("guild_id"))

    async def get_guild(self, call: Call) -> web.Response:
        guild = self._guild(call)
        if guild is None:
            return fail(UNKNOWN_GUILD)
        data = self.fake.guild_payload(guild, with_members=False)
        for key in ("channels", "members", "threads", "voice_states", "presences"):
            data.pop(key, None)
        return json_response(200, data)

    async def guild_channels(self, call: Call) -> web.Response:
        guild = self._guild(call)
        if guild is None:
            return fail(UNKNOWN_GUILD)
        return json_response(200, [c.payload() for c in guild.channels.values()])

    async def guild_roles(self, call: Call) -> web.Response:
        guild = self._guild(call)
        if guild is None:
            return fail(UNKNOWN_GUILD)
        return json_response(200, [r.payload() for r in guild.roles.values()])

    async def get_member(self, call: Call) -> web.Response:
        guild = self._guild(call)
        if guild is None:
            return fail(UNKNOWN_GUILD)
        member = guild.members.get(call.param("user_id"))
        return json_response(200, member.payload()) if member else fail(UNKNOWN_MEMBER)

    async def edit_member(self, call: Call) -> web.Response:
        """Timeouts (communication_disabled_until), nick and roles, with Discord's checks."""
        fake = self.fake
        guild = self._guild(call)
        if guild is None:
            return fail(UNKNOWN_GUILD)
        target_id = call.param("user_id")
        member = guild.members.get(target_id)
        if member is None:
            return fail(UNKNOWN_MEMBER)
        body = call.body
        bot_perms = guild.base_permissions(fake.bot_user.id)
        outranked = guild.top_position(fake.bot_user.id) <= guild.top_position(target_id)
        if "communication_disabled_until" in body:
            if not bot_perms & m.MODERATE_MEMBERS:
                return fail(MISSING_PERMISSIONS)
            # Owners and administrators cannot be timed out; nor can anyone above the bot.
            if (
                target_id == guild.owner_id
                or guild.base_permissions(target_id) & m.ADMINISTRATOR
                or outranked
            ):
                return fail(MISSING_PERMISSIONS)
            until = body["communication_disabled_until"]
            if until:
                when = dt.datetime.fromisoformat(str(until))
                if when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)
                if when - dt.datetime.now(dt.UTC) > MAX_TIMEOUT:
                    problem = Problem(
                        ("communication_disabled_until",),
                        "BASE_TYPE_BAD_TIME",
                        "Timeout cannot be longer than 28 days.",
                    )
                    return json_response(400, rules.form_error([problem]))
                member.communication_disabled_until = when.isoformat()
            else:
                member.communication_disabled_until = None
        if "roles" in body:
            if not bot_perms & m.MANAGE_ROLES or outranked:
                return fail(MISSING_PERMISSIONS)
            member.role_ids = [int(r) for r in body["roles"] or []]
        if "nick" in body:
            member.nick = body["nick"]
        data = member.payload()
        await fake.gateway.dispatch("GUILD_MEMBER_UPDATE", {**data, "guild_id": str(guild.id)})
        return json_response(200, data)

    # -- application commands --------------------------------------------------------------

    def _scope(self, call: Call) -> tuple[dict[str, dict[str, Any]], int | None] | None:
        if call.param("application_id") != self.fake.application_id:
            return None
        guild_id = call.param("guild_id") if "guild_id" in call.params else None
        if guild_id is not None and guild_id not in self.fake.guilds:
            return None
        return self.fake.commands.setdefault(guild_id, {}), guild_id

    async def list_commands(self, call: Call) -> web.Response:
        scope = self._scope(call)
        if scope is None:
            return fail(MISSING_ACCESS)
        return json_response(200, list(scope[0].values()))

    async def put_commands(self, call: Call) -> web.Response:
        """Bulk overwrite (what `tree.sync()` does): validated as Discord does."""
        scope = self._scope(call)
        if scope is None:
            return fail(MISSING_ACCESS)
        commands = call.json if isinstance(call.json, list) else []
        problems = rules.check_commands(commands)
        if problems:
            call.problems = problems
            self.fake.violation(
                "command sync", call, "; ".join(f"{p.where}: {p.message}" for p in problems)
            )
            return json_response(400, rules.form_error(problems))
        for command in commands:
            for problem in rules.deprecated_fields(command):
                self.fake.violation("deprecated command field", call, problem)
        old, guild_id = scope
        fresh: dict[str, dict[str, Any]] = {}
        for command in commands:
            key = f"{command.get('type', 1)}:{command['name']}"
            if key in old:
                fresh[key] = old[key]
            self.fake._store_command(fresh, command, guild_id)
        self.fake.commands[guild_id] = fresh
        return json_response(200, list(fresh.values()))

    async def upsert_command(self, call: Call) -> web.Response:
        scope = self._scope(call)
        if scope is None:
            return fail(MISSING_ACCESS)
        problems = rules.check_commands([call.body])
        if problems:
            self.fake.violation("command sync", call, "; ".join(p.message for p in problems))
            return json_response(400, rules.form_error(problems))
        return json_response(200, self.fake._store_command(scope[0], call.body, scope[1]))

    def _find_command(self, call: Call) -> tuple[dict[str, dict[str, Any]], str] | None:
        scope = self._scope(call)
        if scope is None:
            return None
        for key, command in scope[0].items():
            if command["id"] == call.params["command_id"]:
                return scope[0], key
        return None

    async def get_command(self, call: Call) -> web.Response:
        found = self._find_command(call)
        return json_response(200, found[0][found[1]]) if found else fail(UNKNOWN_COMMAND)

    async def edit_command(self, call: Call) -> web.Response:
        found = self._find_command(call)
        if found is None:
            return fail(UNKNOWN_COMMAND)
        scope, key = found
        scope[key] = {**scope[key], **call.body, "id": scope[key]["id"]}
        return json_response(200, scope[key])

    async def delete_command(self, call: Call) -> web.Response:
        found = self._find_command(call)
        if found is None:
            return fail(UNKNOWN_COMMAND)
        del found[0][found[1]]
        return json_response(204)

    # -- interactions ----------------------------------------------------------------------

    async def callback(self, call: Call) -> web.Response:
        """The first (and only) response to an interaction, with Discord's rules."""
        fake = self.fake
        sent = fake.interactions.get(call.param("interaction_id"))
        if sent is None or sent.token != call.params["interaction_token"]:
            return fail(UNKNOWN_INTERACTION)
        if sent.response_type is not None:
            fake.violation(
                "one response per interaction",
                call,
                f"already answered with type {sent.response_type}",
            )
            return fail(ALREADY_ACKNOWLEDGED)
        late = asyncio.get_running_loop().time() - sent.created
        if late > fake.interaction_deadline:
            fake.violation(
                "first response deadline", call, f"{late:.3f}s > {fake.interaction_deadline}s"
            )
            return fail(UNKNOWN_INTERACTION)
        body = call.body
        kind = int(body.get("type") or 0)
        data = body.get("data") or {}
        allowed = ix.ALLOWED_CALLBACKS.get(sent.type, frozenset())
        if sent.type == ix.MODAL_SUBMIT and sent.message_id is None:
            allowed = allowed - {ix.DEFERRED_UPDATE_MESSAGE, ix.UPDATE_MESSAGE}
        if kind not in allowed:
            fake.violation(
                "callback type", call, f"type {kind} cannot answer interaction type {sent.type}"
            )
            problem = Problem(
                ("type",), "INTERACTION_CALLBACK_TYPE_INVALID", f"Invalid callback type {kind}"
            )
            return json_response(400, rules.form_error([problem]))
        channel = fake.channels[sent.channel_id]
        message: StoredMessage | None = None
        if kind == ix.CHANNEL_MESSAGE:
            refused = self._refuse(call, data, files=bool(call.files), new=True)
            if refused is not None:
                return refused
            message = self._interaction_message(call, sent, channel, data, loading=False)
            call.pings = fake.pings_for(
                message.content, data.get("allowed_mentions"), ephemeral=message.ephemeral
            )
            await self._echo("MESSAGE_CREATE", message)
        elif kind == ix.DEFERRED_CHANNEL_MESSAGE:
            message = self._interaction_message(call, sent, channel, data, loading=True)
            await self._echo("MESSAGE_CREATE", message)
        elif kind == ix.DEFERRED_UPDATE_MESSAGE:
            sent.original_message_id = sent.message_id
        elif kind == ix.UPDATE_MESSAGE:
            refused = self._refuse(call, data, files=bool(call.files), new=False)
            if refused is not None:
                return refused
            message = fake.messages[sent.message_id]  # type: ignore[index]
            self._apply_edit(call, message, data)
            sent.original_message_id = message.id
            await self._echo("MESSAGE_UPDATE", message)
        elif kind == ix.AUTOCOMPLETE_RESULT:
            problems = rules.check_choices(data)
            if problems:
                fake.violation(
                    "autocomplete choices",
                    call,
                    "; ".join(f"{p.where}: {p.message}" for p in problems),
                )
                return json_response(400, rules.form_error(problems))
            sent.choice_list = list(data.get("choices") or [])
        elif kind == ix.MODAL:
            problems = rules.check_modal(data)
            if problems:
                fake.violation(
                    "modal", call, "; ".join(f"{p.where}: {p.message}" for p in problems)
                )
                return json_response(400, rules.form_error(problems))
            sent.modal_data = data
        sent.response_type = kind
        sent.response_call = call
        if call.query.get("with_response") not in ("1", "true", "True"):
            return json_response(204)
        interaction: dict[str, Any] = {"id": str(sent.id), "type": sent.type}
        result: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=bool(message.flags & m.FLAG_LOADING),
                response_message_ephemeral=message.ephemeral,
            )
            result["resource"] = {"type": kind, "message": message.payload}
        return json_response(200, result)

    def _interaction_message(
        self,
        call: Call,
        sent: ix.SentInteraction,
        channel: FakeChannel,
        data: dict[str, Any],
        *,
        loading: bool,
    ) -> StoredMessage:
        flags = int(data.get("flags") or 0) & _SETTABLE_FLAGS
        if loading:
            flags |= m.FLAG_LOADING
            data = {}
        extra = {
            "application_id": str(self.fake.application_id),
            "webhook_id": str(self.fake.application_id),
            "interaction_metadata": {
                "id": str(sent.id),
                "type": sent.type,
                "user": sent.user.payload(),
                "authorizing_integration_owners": sent.payload.get(
                    "authorizing_integration_owners", {}
                ),
            },
        }
        payload = self._new_message(call, channel, data, flags=flags, extra=extra)
        payload["type"] = 20 if sent.type == ix.APPLICATION_COMMAND else 0
        payload.pop("member", None)
        ephemeral_for = sent.user.id if flags & m.FLAG_EPHEMERAL else None
        message = self.fake.store(payload, ephemeral_for=ephemeral_for, interaction_id=sent.id)
        sent.original_message_id = message.id
        return message

    def _hook(self, call: Call) -> tuple[ix.SentInteraction | None, web.Response | None]:
        sent = self.fake.interaction_by_token(call.params["interaction_token"])
        if sent is None or call.param("application_id") != self.fake.application_id:
            return None, fail(UNKNOWN_WEBHOOK)
        age = asyncio.get_running_loop().time() - sent.created
        if age > self.fake.interaction_token_ttl:
            self.fake.violation("interaction token expired", call, f"{age:.0f}s old")
            return None, fail(INVALID_WEBHOOK_TOKEN)
        if sent.response_type is None:
            self.fake.violation(
                "followup before response", call, "the interaction was not answered yet"
            )
            return None, fail(UNKNOWN_WEBHOOK)
        return sent, None

    def _hook_message(self, call: Call, sent: ix.SentInteraction) -> StoredMessage | None:
        key = call.params["message_id"]
        message_id = sent.original_message_id if key == "@original" else int(key)
        if message_id is None:
            return None
        if key != "@original" and message_id not in sent.followup_ids:
            return None
        message = self.fake.messages.get(message_id)
        return None if message is None or message.deleted else message

    async def followup(self, call: Call) -> web.Response:
        sent, refused = self._hook(call)
        if sent is None:
            return refused  # type: ignore[return-value]
        body = call.body
        refused = self._refuse(call, body, files=bool(call.files), new=True)
        if refused is not None:
            return refused
        channel = self.fake.channels[sent.channel_id]
        flags = int(body.get("flags") or 0) & _SETTABLE_FLAGS
        extra = {
            "application_id": str(self.fake.application_id),
            "webhook_id": str(self.fake.application_id),
        }
        payload = self._new_message(call, channel, body, flags=flags, extra=extra)
        payload.pop("member", None)
        ephemeral_for = sent.user.id if flags & m.FLAG_EPHEMERAL else None
        message = self.fake.store(payload, ephemeral_for=ephemeral_for, interaction_id=sent.id)
        sent.followup_ids.append(message.id)
        call.pings = self.fake.pings_for(
            message.content, body.get("allowed_mentions"), ephemeral=message.ephemeral
        )
        await self._echo("MESSAGE_CREATE", message)
        if call.query.get("wait") in ("1", "true", "True"):
            return json_response(200, payload)
        return json_response(204)

    async def get_hook_message(self, call: Call) -> web.Response:
        sent, refused = self._hook(call)
        if sent is None:
            return refused  # type: ignore[return-value]
        message = self._hook_message(call, sent)
        return json_response(200, message.payload) if message else fail(UNKNOWN_MESSAGE)

    async def edit_hook_message(self, call: Call) -> web.Response:
        sent, refused = self._hook(call)
        if sent is None:
            return refused  # type: ignore[return-value]
        message = self._hook_message(call, sent)
        if message is None:
            return fail(UNKNOWN_MESSAGE)
        refused = self._refuse(call, call.body, files=bool(call.files), new=False)
        if refused is not None:
            return refused
        was_loading = bool(message.flags & m.FLAG_LOADING)
        self._apply_edit(call, message, call.body)
        if was_loading:
            call.pings = self.fake.pings_for(
                message.content, call.body.get("allowed_mentions"), ephemeral=message.ephemeral
            )
        else:
            call.pings = NO_PINGS
        await self._echo("MESSAGE_UPDATE", message)
        return json_response(200, message.payload)

    async def delete_hook_message(self, call: Call) -> web.Response:
        sent, refused = self._hook(call)
        if sent is None:
            return refused  # type: ignore[return-value]
        message = self._hook_message(call, sent)
        if message is None:
            return fail(UNKNOWN_MESSAGE)
        message.deleted = True
        await self._echo("MESSAGE_DELETE", message)
        return json_response(204)


def _emoji_payload(emoji: str) -> dict[str, Any]:
    if ":" in emoji:
        name, _, emoji_id = emoji.partition(":")
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": emoji}
