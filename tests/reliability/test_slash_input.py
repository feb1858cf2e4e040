"""Hostile slash-command arguments through the fake Discord: every string option of every command
gets very long text, control characters, SQL, mentions and markdown. The bot answers each one
clearly, crashes on none, and pings nobody on any message it sends."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from bot import texts
from tests.e2e.harness import ReteHarness
from tests.e2e.test_moderation_e2e import _minimal_options, configure
from tests.fakediscord import FakeDiscord, routes
from tests.reliability.helpers import CLEAN, flagged_text
from tests.reliability.test_permissions import MODAL, close_modals

HOSTILE = {
    "long": "parola " * 850,  # 5,950 characters: near Discord's 6,000 for an option
    "control": "\x00\x07\x1b[31mrosso\x1b[0m\r\n\t\x7f\u0085fine",
    "sql": "'; DROP TABLE review_cases;--",
    "sql-like": '" OR 1=1 --',
    "mentions": "@everyone @here <@1> <@!2> <@&3> <#4> ciao",
    "markdown": "**gr** __s__ ~~b~~ `c` ```py\nx``` ||sp|| > cit\n# titolo [l](https://x.it)",
    "rtl-zwj": "\u202egratis\u202c 👩\u200d👩\u200d👧 \u2067logo\u2069",
}
MESSAGE_ROUTES = (routes.SEND_MESSAGE, routes.CALLBACK, routes.FOLLOWUP)


def string_options(rete: ReteHarness) -> list[tuple[str, str | None, dict[str, Any], str]]:
    """(command, subcommand, schema, option) for every free-text option in the tree."""
    tree = rete.bot.tree
    found = []

    def visit(name: str, sub: str | None, schema: dict[str, Any]) -> None:
        for option in schema.get("options") or []:
            if option["type"] == 1:
                visit(name, f"{sub} {option['name']}" if sub else option["name"], option)
            elif option["type"] == 2:
                visit(name, option["name"], option)
            elif option["type"] == 3 and not option.get("choices"):
                found.append((name, sub, schema, option["name"]))

    for command in tree.get_commands():
        visit(command.name, None, command.to_dict(tree))
    return found


def message_bodies(fake: FakeDiscord) -> list[dict[str, Any]]:
    bodies = []
    for route in MESSAGE_ROUTES:
        for call in fake.calls_to(*route):
            body = call.json or {}
            if route == routes.CALLBACK:
                body = body.get("data") or {}
            if body.get("content") or body.get("embeds"):
                bodies.append(body)
    return bodies


async def test_hostile_arguments_to_every_command(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await configure(fake)
    await fake.send_message("generale", fake.regular, flagged_text(1))
    await fake.send_message("generale", fake.regular, CLEAN)
    options = string_options(rete)
    assert any(name == "ask" for name, *_ in options)  # members' commands are in the table too
    tried = 0
    for name, sub, schema, option in options:
        for kind, value in HOSTILE.items():
            values = {**_minimal_options(fake, schema), option: value}
            it = await fake.slash(fake.moderator, name, values, subcommand=sub)
            label = f"/{name} {sub or ''} {option}={kind}"
            try:
                await it.response(timeout=10)
            except TimeoutError:
                raise AssertionError(f"{label}: no answer") from None
            if it.response_type == MODAL:
                close_modals(rete)
                continue
            reply = await it.reply(timeout=10)
            assert reply.text(), f"{label}: an empty answer"
            assert texts.GENERIC_ERROR not in reply.text(), f"{label}: crashed"
            tried += 1
    await rete.idle()
    assert tried >= 20
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    assert fake.pinged() == []
    bodies = message_bodies(fake)
    assert len(bodies) >= tried
    for body in bodies:  # every message is sent with mentions off, not just by luck of content
        mentions = body.get("allowed_mentions")
        assert mentions is not None, body.get("content", "")[:80]
        assert mentions.get("parse") == []
        assert not mentions.get("users")
        assert not mentions.get("roles")
    with sqlite3.connect(f"file:{rete.db_path}?mode=ro", uri=True) as conn:
        (cases,) = conn.execute("SELECT count(*) FROM review_cases").fetchone()
    assert cases == 1  # the SQL went nowhere: the table is there, with its one case
