"""Interactions the fake sends (slash, autocomplete, component, modal) and what the bot answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakediscord.models import (
    FakeChannel,
    FakeRole,
    FakeUser,
    StoredMessage,
    iter_components,
)

if TYPE_CHECKING:
    from tests.fakediscord.server import Call, FakeDiscord

# Interaction types.
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback (response) types.
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9
LAUNCH_ACTIVITY = 12

# Which callbacks Discord accepts for which interaction.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({PONG}),
    APPLICATION_COMMAND: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL, LAUNCH_ACTIVITY}
    ),
    MESSAGE_COMPONENT: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL}
    ),
    AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    # A modal cannot answer a modal; 6/7 only when the modal was opened from a component.
    MODAL_SUBMIT: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
    ),
}

# Application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11


@dataclass(eq=False)
class SentInteraction:
    """An interaction the fake dispatched, with what the bot did about it.

    Await `response()` for the callback call, `reply()` for the message the user ends up
    seeing (after a defer: the edited original or the first followup), `choices()` for an
    autocomplete answer, `modal()` for a modal the bot opened.
    """

    fake: FakeDiscord
    id: int
    token: str
    type: int
    user: FakeUser
    guild_id: int | None
    channel_id: int
    payload: dict[str, Any]
    created: float  # loop time when dispatched; the 3-second deadline counts from here
    message_id: int | None = None  # the message whose component was clicked
    opened_from: SentInteraction | None = None  # for a modal submit: who opened the modal
    response_type: int | None = None
    response_call: Call | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal_data: dict[str, Any] | None = None
    choice_list: list[dict[str, Any]] | None = None

    @property
    def responded(self) -> bool:
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        return self.response_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    def _mine(self, call: Call) -> bool:
        return self.token in call.path and 200 <= call.status < 300

    async def response(self, timeout: float = 5.0) -> Call:
        """The callback call (POST /interactions/{id}/{token}/callback), once it succeeded."""
        return await self.fake.wait_for(
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            where=self._mine,
            since=0,
            timeout=timeout,
        )

    async def reply(self, timeout: float = 5.0) -> StoredMessage:
        """The message the user sees: the response message, else (deferred) the first edit of
        the original or the first followup, else (component update) the updated message."""
        await self.response(timeout)
        if self.response_type in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            assert self.original_message_id is not None
            return self.fake.messages[self.original_message_id]
        if self.response_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE):

            def followed(call: Call) -> bool:
                if not self._mine(call) or "/webhooks/" not in call.path:
                    return False
                return (call.method == "PATCH" and call.path.endswith("/@original")) or (
                    call.method == "POST"
                )

            call = await self.fake.wait_for(where=followed, since=0, timeout=timeout)
            return self.fake.messages[int(call.response["id"])]
        raise AssertionError(f"interaction answered with type {self.response_type}: no message")

    async def followups(self, count: int = 1, timeout: float = 5.0) -> list[StoredMessage]:
        """The first `count` followup messages (POST /webhooks/{app}/{token})."""
        calls = await self.fake.wait_for_all(
            "POST",
            "/webhooks/{application_id}/{interaction_token}",
            where=self._mine,
            since=0,
            count=count,
            timeout=timeout,
        )
        return [self.fake.messages[int(c.response["id"])] for c in calls]

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        await self.response(timeout)
        if self.choice_list is None:
            raise AssertionError(f"interaction answered with type {self.response_type}, not 8")
        return self.choice_list

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        await self.response(timeout)
        if self.modal_data is None:
            raise AssertionError(f"interaction answered with type {self.response_type}, not 9")
        return self.modal_data


# -- option building ----------------------------------------------------------------------


def find_subcommand(
    schema: dict[str, Any], path: str | None
) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """The option schemas of the (sub)command named by `path` ("sub" or "group sub")."""
    options = list(schema.get("options") or [])
    chain: list[tuple[str, int]] = []
    for part in (path or "").split():
        found = next(
            (
                o
                for o in options
                if o["name"] == part and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if found is None:
            subs = [o["name"] for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            raise ValueError(f"/{schema['name']} has no subcommand {part!r}; it has {subs}")
        chain.append((part, int(found["type"])))
        options = list(found.get("options") or [])
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
        subs = [o["name"] for o in options]
        raise ValueError(f"/{schema['name']} needs a subcommand (one of {subs})")
    return options, chain


def build_options(
    fake: FakeDiscord,
    schema: dict[str, Any],
    values: Mapping[str, Any],
    *,
    subcommand: str | None,
    guild_id: int | None,
    focused: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The `options` and `resolved` of an application command interaction, typed by the schema.

    Unknown option names, missing required options and values outside declared choices raise
    ValueError here: Discord's client would not let a member send them.
    """
    specs, chain = find_subcommand(schema, subcommand)
    by_name = {o["name"]: o for o in specs}
    resolved: dict[str, dict[str, Any]] = {}
    leaf: list[dict[str, Any]] = []
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            raise ValueError(f"/{schema['name']} has no option {name!r}; it has {sorted(by_name)}")
        kind = int(spec["type"])
        option: dict[str, Any] = {"name": name, "type": kind}
        if name == focused:
            option["value"] = str(value)
            option["focused"] = True
        else:
            option["value"] = _option_value(fake, kind, value, resolved, guild_id)
            choices = spec.get("choices")
            if choices and option["value"] not in [c["value"] for c in choices]:
                allowed = [c["value"] for c in choices]
                raise ValueError(f"option {name!r}: {value!r} is not one of {allowed}")
        leaf.append(option)
    if focused is None:
        missing = [o["name"] for o in specs if o.get("required") and o["name"] not in values]
        if missing:
            raise ValueError(f"/{schema['name']}: required options missing: {missing}")
    elif focused not in values:
        raise ValueError(f"focused option {focused!r} needs a value (what the member typed)")
    options = leaf
    for part, kind in reversed(chain):
        options = [{"name": part, "type": kind, "options": options}]
    return options, {k: v for k, v in resolved.items() if v}


def _option_value(
    fake: FakeDiscord,
    kind: int,
    value: Any,
    resolved: dict[str, dict[str, Any]],
    guild_id: int | None,
) -> Any:
    if kind == STRING:
        return str(value)
    if kind == INTEGER:
        return int(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == NUMBER:
        return float(value)
    if kind in (USER, MENTIONABLE) and isinstance(value, FakeUser):
        resolved.setdefault("users", {})[str(value.id)] = value.payload()
        guild = fake.guilds.get(guild_id) if guild_id else None
        if guild is not None and value.id in guild.members:
            perms = guild.base_permissions(value.id)
            resolved.setdefault("members", {})[str(value.id)] = guild.members[value.id].payload(
                with_user=False, permissions=perms
            )
        return str(value.id)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, FakeRole):
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        return str(value.id)
    if kind == CHANNEL and isinstance(value, FakeChannel):
        data = value.payload()
        data["permissions"] = str(fake.bot_permissions(value))
        resolved.setdefault("channels", {})[str(value.id)] = data
        return str(value.id)
    if kind == ATTACHMENT and isinstance(value, dict):
        resolved.setdefault("attachments", {})[str(value["id"])] = value
        return str(value["id"])
    raise ValueError(f"option type {kind} cannot take {value!r}")


def modal_submission(modal: dict[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What Discord sends back for a modal: its structure with each input's value filled in."""
    known = {c.get("custom_id") for c in iter_components(list(modal.get("components") or []))}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")

    def fill(component: dict[str, Any]) -> dict[str, Any]:
        kind = component.get("type")
        if kind == 1:
            return {"type": 1, "components": [fill(c) for c in component.get("components") or []]}
        if kind == 18:
            return {"type": 18, "component": fill(component["component"])}
        custom_id = component.get("custom_id")
        if kind == 4:
            value = values.get(custom_id, component.get("value") or "")
            if component.get("required", True) and not value:
                raise ValueError(f"modal input {custom_id!r} is required")
            return {"type": 4, "custom_id": custom_id, "value": str(value)}
        if kind in (3, 5, 6, 7, 8):
            chosen = values.get(custom_id, [])
            return {"type": kind, "custom_id": custom_id, "values": [str(v) for v in chosen]}
        return {"type": kind, **({"custom_id": custom_id} if custom_id else {})}

    return [fill(c) for c in modal.get("components") or []]
